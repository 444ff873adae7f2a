// JSON files the build, test and packaging scripts read (reports, package manifests).
import { readFileSync } from 'node:fs';

/** Parses a JSON file; throws with the file's name when it is missing or malformed. */
export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
