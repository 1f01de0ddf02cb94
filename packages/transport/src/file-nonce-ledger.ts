/**
 * A durable FROST {@link NonceLedger} in one JSON file (Node): consumed nonce ids and the
 * monotonic counter per key, rewritten atomically (temporary file, fsync, rename, directory
 * fsync) before each operation resolves, so a party that restarts — even from an old
 * session snapshot — can never release a second signature share with one nonce.
 * @module
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NonceReuseError } from '@tessera/protocols/engine/errors';
import type { NonceLedger } from '@tessera/protocols/frost/nonce-ledger';

interface LedgerFile {
  format: 'tessera/nonce-ledger';
  version: 1;
  keys: Record<string, { counter: string; consumed: string[] }>;
}

/**
 * The ledger stored at `path` (created on first write).
 * @throws {Error} (from the returned methods) if the file is unreadable or malformed.
 */
export function createFileNonceLedger(path: string): NonceLedger {
  let state: LedgerFile | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f);
    chain = p.catch(() => undefined);
    return p;
  };
  async function load(): Promise<LedgerFile> {
    if (state) return state;
    try {
      const o = JSON.parse(await readFile(path, 'utf8')) as LedgerFile;
      if (o?.format !== 'tessera/nonce-ledger' || o.version !== 1 || typeof o.keys !== 'object' || o.keys === null) throw new Error(`${path}: not a nonce ledger`);
      state = o;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      state = { format: 'tessera/nonce-ledger', version: 1, keys: {} };
    }
    return state;
  }
  async function save(s: LedgerFile): Promise<void> {
    const dir = dirname(path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(s));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
  return {
    consume: (keyId, nonceId) =>
      serial(async () => {
        const s = await load();
        const k = (s.keys[keyId] ??= { counter: '0', consumed: [] });
        if (k.consumed.includes(nonceId)) throw new NonceReuseError();
        k.consumed.push(nonceId);
        await save(s);
      }),
    nextCounter: (keyId) =>
      serial(async () => {
        const s = await load();
        const k = (s.keys[keyId] ??= { counter: '0', consumed: [] });
        const c = BigInt(k.counter) + 1n;
        k.counter = c.toString();
        await save(s);
        return c;
      }),
  };
}
