/**
 * Node runner of the main-thread budget ({@link measureCggmpMainThread}, budget.ts): reads the
 * Taurus safe-prime fixture (vectors/paillier/taurus-multi-party-sig-extracted), starts a
 * two-worker pool and prints one line per party and phase, inline prover vs pool prover.
 * Run: `pnpm exec tsx packages/protocols/src/cggmp/budget.node.ts`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { backendReady } from '@tessera/crypto/backend';
import { createWorkerPool } from '@tessera/crypto/pool';
import { systemRng } from '@tessera/crypto/rng';
import { measureCggmpMainThread } from './budget.ts';

const url = new URL('../../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url);
const json = JSON.parse(readFileSync(url, 'utf8')) as { constants: { hex: string }[] };
const ps = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => BigInt('0x' + c.hex)))];
const primes = [
  { p: ps[0]!, q: ps[1]! },
  { p: ps[2]!, q: ps[3]! },
];
await backendReady();
const pool = createWorkerPool({ size: 2 });
try {
  const rows = await measureCggmpMainThread({ primes, pool, rng: systemRng() });
  for (const r of rows)
    console.log(`${r.phase.padEnd(13)} prover=${r.prover.padEnd(6)} party ${r.party}: longest blocking slice ${r.maxBlockMs.toFixed(0).padStart(5)} ms, slices > 50 ms: ${r.longTasks} (longest in the step of round ${r.atRound})`);
} finally {
  await pool.terminate();
}
