/**
 * A tiny typed event hub for {@link WalletEvent}s: listeners are called synchronously in
 * subscription order; a throwing listener is isolated (reported to the log sink, never to the
 * emitter's caller) so one broken screen cannot stop a ceremony.
 * @module
 */
import type { WalletEvent, WalletListener } from './api.ts';

/** Subscribe/emit pair. */
export interface Emitter {
  /** Adds a listener; returns its removal function. */
  subscribe(listener: WalletListener): () => void;
  /** Delivers `event` to every listener. Never throws. */
  emit(event: WalletEvent): void;
}

/** Creates an {@link Emitter}; `log` receives listener failures (no event payloads). */
export function createEmitter(log: (line: string) => void = () => undefined): Emitter {
  const listeners = new Set<WalletListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event) {
      for (const l of [...listeners]) {
        try {
          l(event);
        } catch (e) {
          log(`listener failed on ${event.type}: ${e instanceof Error ? e.name : 'error'}`);
        }
      }
    },
  };
}
