/**
 * The core's push events (token state, profile changes, clipboard, lock), delivered to
 * every face on one channel. Events never carry a secret: token events carry a
 * TokenStatus (expiry, claims), never the JWT.
 */
import type { TesseraEvent } from '../src-shared/contract.js';
import type { Logger } from './ports.js';

type EventListener = (event: TesseraEvent) => void;

export interface EventBus {
  emit(event: TesseraEvent): void;
  on(listener: EventListener): () => void;
  /** Drops every listener (dispose). */
  clear(): void;
}

export function createEventBus(logger?: Logger): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One broken listener (a closed window) must not stop the others or the core.
          logger?.warn('event listener failed', { type: event.type, error: error instanceof Error ? error.name : typeof error });
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      listeners.clear();
    },
  };
}
