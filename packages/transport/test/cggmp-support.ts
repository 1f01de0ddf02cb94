/**
 * Shared set-up of the CGGMP21 transport tests: the signal server app started on a free
 * loopback port (imported by path: it is not a dependency of this package), and the fixture
 * pairs of 1024-bit safe primes (Taurus multi-party-sig, vectors/paillier) that keep aux-info fast.
 */
import { readFileSync } from 'node:fs';
import type { PaillierPrimes } from '@tessera/protocols/cggmp/prime-source';

/** What the tests use of a running signal server. */
export interface TestSignalServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the signal server with an in-memory store, a silent log and a generous rate limit. */
export async function startServer(): Promise<TestSignalServer> {
  const base = new URL('../../../apps/signal/src/', import.meta.url).href;
  const { startSignalServer } = (await import(`${base}server.ts`)) as { startSignalServer: (o: object) => Promise<TestSignalServer> };
  const { createMemoryStore } = (await import(`${base}store.ts`)) as { createMemoryStore: () => object };
  const { silentLogger } = (await import(`${base}log.ts`)) as { silentLogger: object };
  return startSignalServer({ store: createMemoryStore(), port: 0, logger: silentLogger, rate: { perSecond: 5000, burst: 10000 } });
}

/** The fixture safe-prime pairs, in file order (distinct primes paired two by two). */
export function fixturePrimes(): PaillierPrimes[] {
  const json = JSON.parse(readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8')) as {
    constants: { hex: string }[];
  };
  const primes = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => BigInt(`0x${c.hex}`)))];
  const pairs: PaillierPrimes[] = [];
  for (let i = 0; i + 1 < primes.length; i += 2) pairs.push({ p: primes[i]!, q: primes[i + 1]! });
  return pairs;
}
