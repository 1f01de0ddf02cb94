/**
 * FROST benchmark cases: DKG and signing through our protocol engine (every party in the
 * in-memory simulator, with echo checks, identity signatures and share verification) beside
 * the same ceremonies as direct calls of @noble/curves' FROST, the anchor. The ratio is the
 * engine's overhead. secp256k1 suite; sizes (2,3), (3,5) and (67,100).
 *
 * `frost-dkg-67-100` is opt-in (`--full`, or named in `--only`): in one process the 100
 * parties' DKG runs ~6·10⁵ point multiplications on each side and takes many minutes; for
 * `frost-sign-67-100` the key comes from the (untimed) trusted-dealer protocol instead.
 * @module
 */
import { benchFrost, type BenchRow } from '@tessera/protocols/frost/bench';
import type { BenchCase, BenchEntry } from './cases.ts';

function toEntry(name: string, row: BenchRow): BenchEntry {
  return { name, ms: row.ms, anchor: row.anchor, anchorMs: row.anchorMs, ratio: row.ratio, stat: 'mean', runs: 1, anchorRuns: 1 };
}

function frostCase(t: number, n: number, keygen: 'dkg' | 'dealer'): BenchCase {
  const names = keygen === 'dkg' ? [`frost-dkg-${t}-${n}`, `frost-sign-${t}-${n}`] : [`frost-sign-${t}-${n}`];
  return {
    names,
    async run(ctx) {
      ctx.progress(names.join(', '));
      const rows = await benchFrost({ suite: 'secp256k1', sizes: [[t, n]], keygen });
      const sign = rows.find((r) => r.name.includes(' sign '))!;
      const dkg = rows.find((r) => r.name.includes(' DKG '));
      return [...(dkg ? [toEntry(`frost-dkg-${t}-${n}`, dkg)] : []), toEntry(`frost-sign-${t}-${n}`, sign)];
    },
  };
}

/** The DKG of the large committee alone (opt-in). */
const largeDkgCase: BenchCase = {
  names: ['frost-dkg-67-100'],
  optIn: true,
  async run(ctx) {
    ctx.progress('frost-dkg-67-100 (many minutes)');
    const rows = await benchFrost({ suite: 'secp256k1', sizes: [[67, 100]] });
    return [toEntry('frost-dkg-67-100', rows.find((r) => r.name.includes(' DKG '))!)];
  },
};

/** FROST cases in running order. */
export const FROST_CASES: readonly BenchCase[] = [frostCase(2, 3, 'dkg'), frostCase(3, 5, 'dkg'), frostCase(67, 100, 'dealer'), largeDkgCase];
