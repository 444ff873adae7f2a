/**
 * JSON as the core stores and reads it: the cache's JSON columns, raw platform documents.
 * One set of helpers so every reader treats damaged or unexpected text the same way.
 */

/** A JSON object (a platform document, a stored case). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses text that should hold a JSON object; null for no text, malformed JSON or any other value. */
export function parseJsonObject(text: string | null | undefined): JsonObject | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Parses text that should hold a JSON array of strings; other items are dropped, malformed text gives []. */
export function parseStringArray(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
