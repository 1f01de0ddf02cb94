/**
 * The benchmark cases: each measures our code and an anchor in the same process, on the
 * same inputs, and checks once that both compute the same thing.
 *
 * | entry | ours | anchor |
 * |---|---|---|
 * | `modexp-B` (B = 1024…4096) | backend `modPow` (secret-exponent ladder) | OpenSSL: `DiffieHellman.generateKeys()` with p = m, g = base, private key = e |
 * | `modexp-B-bigint` | same | plain V8 BigInt left-to-right square-and-multiply |
 * | `paillier-rn-2048` | `modPowVartime(r, N, N²)` (N is public) | OpenSSL DH with p = N², g = r, private key = N |
 * | `prime-1024`, `safeprime-1024` | `generatePrime` in this thread | `crypto.generatePrime` (OpenSSL, one call at a time) |
 * | `paillier-keygen-2048` | `generatePaillierKeyPair`, primes found one after the other in this thread | paillier-bigint `generateRandomKeysSync(2048, true)` |
 * | `paillier-keygen-2048-pool` | the worker pool's `generatePaillierKeyPair` | paillier-bigint `generateRandomKeys(2048, true)` (its own worker threads) |
 * | `paillier-encrypt-2048`, `paillier-decrypt-2048` | `encrypt` / CRT `decrypt` | paillier-bigint with the same N, g = N + 1, p and q |
 * | `signal-load-SxP-msg`/`-p99`, `frost-webrtc-2-3`, `frost-mailbox-2-3` | signal server under load; FROST over WebRTC and mailbox (./transport.ts) | a plain ws relay; the in-memory simulator |
 * | `frost-dkg-T-N`, `frost-sign-T-N` | DKG / signing through the protocol engine and simulator (./frost.ts) | the same ceremonies as direct @noble/curves FROST calls |
 * | `cggmp-aux-T-N`, `cggmp-presign-sign-T-N`, `cggmp-sign-T-N`, `cggmp-aux-search-2-3` | CGGMP21 per-party compute through the engine and simulator (./cggmp.ts) | DKLs23 in WebAssembly (`dkls23-keygen-T-N`, `dkls23-sign-T-N`, `dkls23-sign-online-T-N`) |
 *
 * A DH key generation with a given private key is exactly one modular exponentiation
 * g^x mod p, done by OpenSSL's constant-time Montgomery ladder (`BN_mod_exp_mont_consttime`);
 * that matches our secret-exponent `modPow`. For r^N mod N² the exponent is public, where
 * OpenSSL's own variable-time path would be somewhat faster than this anchor.
 * @module
 */
import { createDiffieHellman, generatePrime as opensslGeneratePrime } from 'node:crypto';
import { PrivateKey, PublicKey, generateRandomKeys, generateRandomKeysSync } from 'paillier-bigint';
import { getBackend, modPow, modPowVartime } from '@tessera/crypto/backend';
import { decrypt, encrypt, generatePaillierKeyPair, type PaillierSecretKey } from '@tessera/crypto/paillier';
import type { WorkerPool } from '@tessera/crypto/pool';
import { generatePrime } from '@tessera/crypto/primes';
import { invert } from '@tessera/crypto/modular';
import { randomBelow, randomBits, randomZnStar } from '@tessera/crypto/rng';
import { CGGMP_CASES } from './cggmp.ts';
import { FROST_CASES } from './frost.ts';
import { TRANSPORT_CASES } from './transport.ts';
import { TPAILLIER_CASES } from './tpaillier.ts';
import { interleavedByBudget, interleavedCount, summarize, type Budget, type Stat } from './measure.ts';

/** node:crypto's (OpenSSL's) prime generation as a promise; it runs on a libuv thread. */
function opensslPrime(bits: number, opts: { safe: boolean }): Promise<bigint> {
  return new Promise((resolve, reject) =>
    opensslGeneratePrime(bits, { safe: opts.safe, bigint: true }, (err, p) => (err ? reject(err) : resolve(p as bigint))),
  );
}

/** One line of the result: our time, the anchor's, and their ratio. */
export interface BenchEntry {
  name: string;
  /** Our time in milliseconds. */
  ms: number;
  /** What we are compared with. */
  anchor: string;
  anchorMs: number;
  /** ms / anchorMs: below 1 means we are faster. */
  ratio: number;
  stat: Stat;
  runs: number;
  anchorRuns: number;
}

/** What the cases get from the runner. */
export interface BenchContext {
  /** Primes per side for prime-1024 and safeprime-1024. */
  primeIterations: number;
  /** Keys per side for the key-generation entries. */
  keygenIterations: number;
  /** Time budget of fast operations. */
  budget: Budget;
  /** Reports progress (stderr). */
  progress(text: string): void;
  /** A 2048-bit key for the encryption entries (made once, untimed). */
  paillierKey(): Promise<PaillierSecretKey>;
  /** The worker pool (started once, untimed). */
  pool(): Promise<WorkerPool>;
}

/** A group of entries measured together. */
export interface BenchCase {
  /** Entry names this case produces. */
  names: readonly string[];
  /** Runs only with `--full` or when named in `--only` (takes many minutes). */
  optIn?: boolean;
  run(ctx: BenchContext): Promise<BenchEntry[]>;
}

/** Thrown when our result and the anchor's differ: the benchmark would be meaningless. */
export class BenchMismatchError extends Error {
  constructor(name: string, what: string) {
    super(`${name}: ${what}`);
    this.name = 'BenchMismatchError';
  }
}

function entry(name: string, anchor: string, stat: Stat, ours: number[], theirs: number[]): BenchEntry {
  const ms = summarize(ours, stat);
  const anchorMs = summarize(theirs, stat);
  return { name, ms, anchor, anchorMs, ratio: ms / anchorMs, stat, runs: ours.length, anchorRuns: theirs.length };
}

/** Big-endian bytes of a non-negative bigint, for node:crypto. */
function toBuffer(x: bigint): Buffer {
  const h = x.toString(16);
  return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex');
}

/** base^e mod m in plain V8 BigInt: left-to-right binary square-and-multiply. */
function plainModPow(base: bigint, e: bigint, m: bigint): bigint {
  let acc = 1n;
  const b = base % m;
  for (const bit of e.toString(2)) {
    acc = (acc * acc) % m;
    if (bit === '1') acc = (acc * b) % m;
  }
  return acc;
}

/** One OpenSSL modexp g^x mod p per call, through a DH key generation with a fixed private key. */
function opensslModPow(g: bigint, x: bigint, p: bigint): () => bigint {
  const dh = createDiffieHellman(toBuffer(p), toBuffer(g));
  dh.setPrivateKey(toBuffer(x));
  return () => BigInt(`0x${dh.generateKeys().toString('hex')}`);
}

function modexpCase(bits: number): BenchCase {
  const name = `modexp-${bits}`;
  return {
    names: [name, `${name}-bigint`],
    async run(ctx) {
      ctx.progress(name);
      const top = 1n << BigInt(bits - 1);
      const m = randomBits(bits) | top | 1n;
      const base = randomBelow(m - 2n) + 2n;
      const e = randomBits(bits - 1) | (top >> 1n);
      const openssl = opensslModPow(base, e, m);
      const expected = plainModPow(base, e, m);
      if (modPow(base, e, m) !== expected) throw new BenchMismatchError(name, 'modPow differs from the BigInt reference');
      if (openssl() !== expected) throw new BenchMismatchError(name, 'OpenSSL result differs from the BigInt reference');
      const [ours, ssl, plain] = await interleavedByBudget([() => modPow(base, e, m), openssl, () => plainModPow(base, e, m)], ctx.budget);
      return [entry(name, 'openssl', 'median', ours!, ssl!), entry(`${name}-bigint`, 'v8-bigint', 'median', ours!, plain!)];
    },
  };
}

const rnCase: BenchCase = {
  names: ['paillier-rn-2048'],
  async run(ctx) {
    const sk = await ctx.paillierKey();
    ctx.progress('paillier-rn-2048');
    const { n, n2 } = sk.publicKey;
    const r = randomZnStar(n);
    const openssl = opensslModPow(r, n, n2);
    if (openssl() !== modPowVartime(r, n, n2)) throw new BenchMismatchError('paillier-rn-2048', 'OpenSSL result differs');
    const [ours, ssl] = await interleavedByBudget([() => modPowVartime(r, n, n2), openssl], ctx.budget);
    return [entry('paillier-rn-2048', 'openssl', 'median', ours!, ssl!)];
  },
};

function primeCase(name: string, kind: 'random' | 'safe'): BenchCase {
  return {
    names: [name],
    async run(ctx) {
      ctx.progress(`${name}: warm-up`);
      await generatePrime({ bits: 256, kind });
      await opensslPrime(256, { safe: kind === 'safe' });
      const [ours, ssl] = await interleavedCount(
        [() => generatePrime({ bits: 1024, kind }), () => opensslPrime(1024, { safe: kind === 'safe' })],
        ctx.primeIterations,
        (done, total) => ctx.progress(`${name}: ${done}/${total}`),
      );
      return [entry(name, 'openssl', 'mean', ours!, ssl!)];
    },
  };
}

const keygenCase: BenchCase = {
  names: ['paillier-keygen-2048'],
  async run(ctx) {
    ctx.progress('paillier-keygen-2048: warm-up');
    await generatePaillierKeyPair({ bits: 512, allowInsecureSize: true });
    generateRandomKeysSync(512, true);
    const [ours, theirs] = await interleavedCount(
      [() => generatePaillierKeyPair({ bits: 2048 }), () => generateRandomKeysSync(2048, true)],
      ctx.keygenIterations,
      (done, total) => ctx.progress(`paillier-keygen-2048: ${done}/${total}`),
    );
    return [entry('paillier-keygen-2048', 'paillier-bigint', 'mean', ours!, theirs!)];
  },
};

const keygenPoolCase: BenchCase = {
  names: ['paillier-keygen-2048-pool'],
  async run(ctx) {
    const pool = await ctx.pool();
    ctx.progress('paillier-keygen-2048-pool: warm-up');
    await generateRandomKeys(512, true);
    const [ours, theirs] = await interleavedCount(
      [() => pool.generatePaillierKeyPair({ bits: 2048 }), () => generateRandomKeys(2048, true)],
      ctx.keygenIterations,
      (done, total) => ctx.progress(`paillier-keygen-2048-pool: ${done}/${total}`),
    );
    return [entry('paillier-keygen-2048-pool', 'paillier-bigint', 'mean', ours!, theirs!)];
  },
};

/** paillier-bigint keys over our N with g = N + 1, λ = φ(N), μ = φ(N)⁻¹ mod N, and p, q for its CRT. */
function paillierBigintKeys(sk: PaillierSecretKey): { pub: PublicKey; priv: PrivateKey } {
  const { n } = sk.publicKey;
  const pub = new PublicKey(n, n + 1n);
  const priv = new PrivateKey(sk.phi, invert(sk.phi, n), pub, sk.p, sk.q);
  return { pub, priv };
}

const encryptDecryptCase: BenchCase = {
  names: ['paillier-encrypt-2048', 'paillier-decrypt-2048'],
  async run(ctx) {
    const sk = await ctx.paillierKey();
    ctx.progress('paillier-encrypt-2048, paillier-decrypt-2048');
    const pk = sk.publicKey;
    const { pub, priv } = paillierBigintKeys(sk);
    const m = randomBelow(pk.n);
    const c = encrypt(pk, m);
    // Both use g = N + 1, so their ciphertexts are interchangeable: check both ways.
    if (decrypt(sk, c) !== m || priv.decrypt(c) !== m || decrypt(sk, pub.encrypt(m)) !== m)
      throw new BenchMismatchError('paillier-encrypt-2048', 'the two implementations disagree');
    const [encOurs, encTheirs] = await interleavedByBudget([() => encrypt(pk, m), () => pub.encrypt(m)], ctx.budget);
    const [decOurs, decTheirs] = await interleavedByBudget([() => decrypt(sk, c), () => priv.decrypt(c)], ctx.budget);
    return [
      entry('paillier-encrypt-2048', 'paillier-bigint', 'median', encOurs!, encTheirs!),
      entry('paillier-decrypt-2048', 'paillier-bigint', 'median', decOurs!, decTheirs!),
    ];
  },
};

/** Every case, in running order (fast ones first). */
export const CASES: readonly BenchCase[] = [
  ...[1024, 2048, 3072, 4096].map(modexpCase),
  rnCase,
  encryptDecryptCase,
  primeCase('prime-1024', 'random'),
  primeCase('safeprime-1024', 'safe'),
  keygenCase,
  keygenPoolCase,
  ...FROST_CASES,
  ...CGGMP_CASES,
  ...TRANSPORT_CASES,
  ...TPAILLIER_CASES,
];

/** Every entry name, in output order. */
export const ENTRY_NAMES: readonly string[] = CASES.flatMap((c) => c.names);

/** The name of the active arithmetic backend, for the report header. */
export function backendName(): string {
  return getBackend().name;
}
