/**
 * Node file implementation of {@link RunnerStore}: one file per key in a private directory,
 * named by the SHA-256 of the key, replaced atomically (write to a temporary file, fsync,
 * rename, fsync the directory) so a crash leaves either the old or the new record.
 * Security: files are created with mode 0600 in a 0700 directory; they hold session secrets.
 * @module
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex } from '@tessera/crypto/bytes';
import type { RunnerStore } from './runner-store.ts';

/**
 * A runner store in `dir` (created on first save).
 * @example
 * const store = createFileRunnerStore('./party-1/sessions');
 */
export function createFileRunnerStore(dir: string): RunnerStore {
  const file = (key: string): string => join(dir, `${bytesToHex(sha256(utf8ToBytes(key))).slice(0, 32)}.json`);
  let counter = 0;
  async function syncDir(): Promise<void> {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
  return {
    async load(key) {
      try {
        return await readFile(file(key), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async save(key, value) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const target = file(key);
      const tmp = `${target}.${process.pid}.${counter++}.tmp`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(value, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
      await syncDir();
    },
    async delete(key) {
      await rm(file(key), { force: true });
    },
  };
}
