/**
 * Where the runner keeps each session's record (snapshot, outbox, replay state) so that a
 * party that stops — crash, closed tab, killed process — resumes where it was.
 *
 * A {@link RunnerStore} is a small key-value interface: the wallet implements it over
 * IndexedDB (encrypting values with its data key), Node uses the file store
 * (file-runner-store.ts), tests the memory store here. `save` must be atomic and durable
 * when it resolves: the runner acknowledges an incoming envelope only after that.
 *
 * Security: a record holds the session snapshot, which contains this party's secrets for
 * the session (polynomial coefficients, nonces); store it encrypted or in a private place.
 * @module
 */

/** Durable, atomic key-value storage of runner records. */
export interface RunnerStore {
  /** The value under `key`, if any. */
  load(key: string): Promise<string | undefined>;
  /** Replaces the value under `key`; durable and atomic once resolved. */
  save(key: string, value: string): Promise<void>;
  /** Removes `key` (no error if absent). */
  delete(key: string): Promise<void>;
}

/** A memory store; `values` exposes its content (tests). */
export interface MemoryRunnerStore extends RunnerStore {
  readonly values: ReadonlyMap<string, string>;
}

/** A new, empty memory store. */
export function createMemoryRunnerStore(): MemoryRunnerStore {
  const values = new Map<string, string>();
  return {
    values,
    async load(key) {
      return values.get(key);
    },
    async save(key, value) {
      values.set(key, value);
    },
    async delete(key) {
      values.delete(key);
    },
  };
}
