/**
 * The WebAssembly Montgomery backend: a {@link ModBackend} over one instance of the module
 * compiled from packages/crypto/wasm/montgomery.wat (SIMD or scalar variant).
 *
 * Numbers cross the JS/WASM boundary as 32-bit words (through hex strings, the fastest
 * BigInt conversion V8 offers) and are repacked into 27-, 28- or 29-bit limbs inside the module.
 * Each odd modulus gets a Montgomery context (N, reversed N, R² mod N, R mod N, −N⁻¹ mod 2^w)
 * in one of {@link CONTEXT_SLOTS} fixed memory slots, reused least-recently-used first, so
 * a hot path allocates nothing but its result.
 *
 * Security: `modPow` runs the exponentiation entirely inside WebAssembly with fixed
 * windows and a table scan that reads every entry (no branch or address depends on the
 * exponent). The conversions around it use V8 BigInt, which is variable-time; the
 * exponent words are wiped after use. docs/threat-model.md describes the remaining limits.
 * @module
 */
import { FieldRangeError } from '../../errors.ts';
import { bigintBackend } from '../bigint.ts';
import { secretLadderBits } from '../bound.ts';
import { fixedWindowBits, runMultiExp, slidingWindowBits, slidingWindows } from '../multiexp.ts';
import type { ModBackend } from '../types.ts';

/** Largest modulus (in bits) handled in WebAssembly; larger ones go to the BigInt backend. */
export const MAX_MODULUS_BITS = 8192;
/** Number of cached Montgomery contexts (distinct moduli) kept at once. */
export const CONTEXT_SLOTS = 16;

/** The functions exported by the compiled module (pointers are byte addresses). */
export interface MontgomeryExports {
  readonly memory: WebAssembly.Memory;
  /** Squarings run by `modexp_ct` so far (i32, wraps). */
  readonly ladder_squarings: WebAssembly.Global;
  mont_mul(r: number, rr: number, a: number, br: number, ctx: number): void;
  mont_sqr(r: number, rr: number, a: number, ar: number, ctx: number): void;
  final_sub(r: number, ctx: number): void;
  mont_dbl(r: number, rr: number, ctx: number): void;
  unpack(dst: number, src: number, nwords: number, n: number, w: number, P: number): void;
  pack(dst: number, src: number, n: number, w: number, nwords: number): void;
  reverse(dst: number, src: number, n: number): void;
  select_ct(dst: number, table: number, count: number, stride: number, d: number): void;
  modexp_ct(
    ctx: number, out: number, base: number, exp: number, ebits: number, win: number,
    table: number, acc: number, accr: number, sel: number,
  ): void;
}

/** The two compiled variants of the module. */
export type WasmVariant = 'simd' | 'scalar';

/**
 * Limb layout for a modulus of `bits` bits: n limbs of w bits (n even: passes compute two
 * columns), stride P ≥ n + 4 (a multiple of 4), R = 2^(w·n) ≥ 4N. An accumulator lane sums
 * at most (n + 4)/2 products of two w-bit limbs in the SIMD variant and n + 4 in the scalar
 * one, which must stay below 2^64: SIMD uses w = 29 up to n = 124, else 28 (n ≤ 508);
 * scalar uses w = 28 up to n = 252, else 27 (n ≤ 1020). Both cover {@link MAX_MODULUS_BITS}.
 */
export function limbLayout(bits: number, variant: WasmVariant): { n: number; w: number; P: number } {
  const [wide, limit] = variant === 'simd' ? [29, 124] : [28, 252];
  let w = wide;
  let n = (Math.ceil((bits + 2) / w) + 1) & ~1;
  if (n > limit) {
    w = wide - 1;
    n = (Math.ceil((bits + 2) / w) + 1) & ~1;
  }
  return { n, w, P: (n + 7) & ~3 };
}

const P_MAX = Math.max(limbLayout(MAX_MODULUS_BITS, 'simd').P, limbLayout(MAX_MODULUS_BITS, 'scalar').P);
const FRONT = 16; // zero bytes before every vector (reversed operands read index −1)
const VEC = FRONT + P_MAX * 4; // bytes per vector slot
const HEADER = 64;
const SLOT = HEADER + 5 * VEC;
const TABLE_ENTRIES = 64;
// static layout (byte addresses); 0 … 1087 belong to the module (lane and table-scan masks)
const SLOTS_AT = 1088;
const SCRATCH_AT = SLOTS_AT + CONTEXT_SLOTS * SLOT;
const SCRATCH = ['m', 'tmp', 'words', 'base', 'acc', 'accr', 'sel', 'out', 'g2', 'g2r', 'junk'] as const;
type ScratchName = (typeof SCRATCH)[number];
const TABLE_AT = SCRATCH_AT + SCRATCH.length * VEC;
const DYNAMIC_AT = TABLE_AT + TABLE_ENTRIES * VEC;
const PAGE = 65536;

function scratch(name: ScratchName): number {
  return SCRATCH_AT + SCRATCH.indexOf(name) * VEC + FRONT;
}
const M = scratch('m');
const TMP = scratch('tmp');
const WORDS = scratch('words');
const BASE = scratch('base');
const ACC = scratch('acc');
const ACCR = scratch('accr');
const SEL = scratch('sel');
const OUT = scratch('out');
const G2 = scratch('g2');
const G2R = scratch('g2r');
const JUNK = scratch('junk');

/** A cached Montgomery context: where its header lives and its shape. */
interface Context {
  readonly m: bigint;
  readonly ptr: number;
  readonly n: number;
  readonly w: number;
  readonly P: number;
  /** 32-bit words of a number below the modulus. */
  readonly words: number;
  readonly r2rev: number;
  readonly oneRev: number;
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function checkModulus(m: bigint): void {
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  if ((m & 1n) === 0n) throw new FieldRangeError('m', 'the WebAssembly Montgomery backend needs an odd modulus');
}

function checkArgs(base: bigint, exp: bigint, m: bigint): void {
  if (m <= 1n) throw new FieldRangeError('m', 'modulus must be > 1');
  if (exp < 0n) throw new FieldRangeError('exp', 'negative exponent (use invert first)');
  if (base < 0n) throw new FieldRangeError('base', 'negative base');
  checkModulus(m);
}

/** −x⁻¹ mod 2^32 for odd x (Newton: each step doubles the correct low bits from 3). */
function negInverse32(x: number): number {
  let inv = x;
  for (let i = 0; i < 4; i++) inv = Math.imul(inv, 2 - Math.imul(x, inv));
  return Math.imul(inv, -1);
}

/** One instantiated module with its memory map, context cache and conversions. */
class Engine {
  private readonly x: MontgomeryExports;
  private u32: Uint32Array;
  private readonly contexts = new Map<bigint, Context>();
  private readonly freeSlots: number[] = [];
  private readonly variant: WasmVariant;

  constructor(exports: MontgomeryExports, variant: WasmVariant) {
    this.x = exports;
    this.variant = variant;
    this.u32 = new Uint32Array(exports.memory.buffer);
    this.reserve(0);
    for (let i = CONTEXT_SLOTS - 1; i >= 0; i--) this.freeSlots.push(SLOTS_AT + i * SLOT);
  }

  /** Makes sure bytes [DYNAMIC_AT, DYNAMIC_AT + bytes) exist; returns the fresh word view. */
  reserve(bytes: number): Uint32Array {
    const need = DYNAMIC_AT + bytes;
    const have = this.x.memory.buffer.byteLength;
    if (need > have) this.x.memory.grow(Math.ceil((need - have) / PAGE));
    if (this.u32.buffer !== this.x.memory.buffer) this.u32 = new Uint32Array(this.x.memory.buffer);
    return this.u32;
  }

  /** Writes x (< 2^(32·nwords)) as little-endian words at byte address p. */
  writeWords(p: number, x: bigint, nwords: number): void {
    const u32 = this.u32;
    const hex = x.toString(16);
    let end = hex.length;
    const at = p >>> 2;
    for (let i = 0; i < nwords; i++) {
      const start = end - 8;
      u32[at + i] = end <= 0 ? 0 : parseInt(hex.slice(start < 0 ? 0 : start, end), 16);
      end = start;
    }
  }

  /** Reads nwords little-endian words at byte address p as a bigint. */
  readWords(p: number, nwords: number): bigint {
    const u32 = this.u32;
    const at = p >>> 2;
    let hex = '0x';
    for (let i = nwords - 1; i >= 0; i--) hex += u32[at + i]!.toString(16).padStart(8, '0');
    return BigInt(hex);
  }

  /** dst (P limbs) ← x < 2^(w·n). */
  load(dst: number, x: bigint, c: Context): void {
    this.writeWords(WORDS, x, c.words);
    this.x.unpack(dst, WORDS, c.words, c.n, c.w, c.P);
  }

  /** The normal-form value of the n-limb vector at src. */
  store(src: number, c: Context): bigint {
    this.x.pack(WORDS, src, c.n, c.w, c.words);
    return this.readWords(WORDS, c.words);
  }

  zero(p: number, bytes: number): void {
    this.u32.fill(0, p >>> 2, (p + bytes) >>> 2);
  }

  /** The cached context for odd m (created, possibly evicting the least recently used). */
  context(m: bigint): Context {
    const hit = this.contexts.get(m);
    if (hit !== undefined) {
      this.contexts.delete(m);
      this.contexts.set(m, hit);
      return hit;
    }
    let ptr = this.freeSlots.pop();
    if (ptr === undefined) {
      const [oldest, old] = this.contexts.entries().next().value as [bigint, Context];
      this.contexts.delete(oldest);
      ptr = old.ptr;
    }
    const bits = bitLen(m);
    const { n, w, P } = limbLayout(bits, this.variant);
    const vec = (i: number) => ptr + HEADER + i * VEC + FRONT;
    const c: Context = { m, ptr, n, w, P, words: Math.ceil((w * n) / 32), r2rev: vec(2), oneRev: vec(4) };
    this.zero(ptr, SLOT);
    const u32 = this.u32;
    const h = ptr >>> 2;
    this.load(vec(0), m, c);
    this.x.reverse(vec(1), vec(0), n);
    const R = 1n << BigInt(w * n);
    this.load(TMP, (R * R) % m, c);
    this.x.reverse(vec(2), TMP, n);
    this.load(vec(3), R % m, c);
    u32[(vec(4) >>> 2) + n - 1] = 1;
    u32[h] = n;
    u32[h + 1] = w;
    u32[h + 2] = negInverse32(Number(m & 0xffffffffn)) & ((1 << w) - 1);
    u32[h + 3] = P;
    u32[h + 4] = vec(0);
    u32[h + 5] = vec(1);
    u32[h + 6] = M;
    u32[h + 7] = vec(2);
    u32[h + 8] = vec(3);
    u32[h + 9] = vec(4);
    u32[h + 10] = TMP;
    this.contexts.set(m, c);
    return c;
  }

  /**
   * base^exp mod m, secret exponent: fixed windows in WebAssembly over `expBits` bits when
   * that public bound is given, else over max(bitlen(exp), bitlen(m)) bits.
   */
  modPow(base: bigint, exp: bigint, m: bigint, expBits?: number): bigint {
    checkArgs(base, exp, m);
    if (bitLen(m) > MAX_MODULUS_BITS) return bigintBackend.modPow(base, exp, m, expBits);
    // at least one window (a zero bound allows only exp = 0, which the window reads as 0)
    const ebits = Math.max(secretLadderBits(exp, m, expBits), 1);
    const c = this.context(m);
    const win = fixedWindowBits(ebits);
    const ewords = (ebits >>> 5) + 3;
    this.reserve(ewords * 4);
    this.load(BASE, base >= m ? base % m : base, c);
    this.writeWords(DYNAMIC_AT, exp, ewords);
    const stride = c.P * 4;
    this.zeroSecretScratch(stride << win, stride);
    this.x.modexp_ct(c.ptr, OUT, BASE, DYNAMIC_AT, ebits, win, TABLE_AT, ACC, ACCR, SEL);
    const result = this.store(OUT, c);
    // Security: the exponent and the powers of the base do not outlive the call
    this.zero(DYNAMIC_AT, ewords * 4);
    this.zeroSecretScratch(stride << win, stride);
    this.zero(BASE, stride);
    this.zero(OUT, stride);
    return result;
  }

  /** Squarings run by `modexp_ct` so far, modulo 2^32. */
  ladderSquarings(): number {
    return (this.x.ladder_squarings.value as number) >>> 0;
  }

  /** Clears the fixed-window table and the accumulators (padding included). */
  private zeroSecretScratch(tableBytes: number, stride: number): void {
    this.zero(TABLE_AT, tableBytes);
    this.zero(ACC, stride);
    this.zero(ACCR, stride);
    this.zero(SEL, stride);
  }

  /** Clears the vectors the public-exponent paths use, so their padding is zero. */
  private zeroPublicScratch(stride: number): void {
    this.zero(ACC, stride);
    this.zero(ACCR, stride);
    this.zero(G2, stride);
    this.zero(G2R, stride);
    this.zero(JUNK, stride);
  }

  /** Leaves the Montgomery domain: OUT ← acc·R⁻¹ mod m, fully reduced, as a bigint. */
  private finish(acc: number, c: Context): bigint {
    this.x.mont_mul(OUT, JUNK, acc, c.oneRev, c.ptr);
    this.x.final_sub(OUT, c.ptr);
    return this.store(OUT, c);
  }

  /**
   * Builds at `table` the odd powers g, g³, …, g^(2^k − 1) in Montgomery form (stride P
   * limbs) of g = base mod m; returns nothing, leaves g·R reversed at G2R's neighbour.
   */
  private oddPowers(table: number, base: bigint, k: number, c: Context): void {
    const x = this.x;
    const stride = c.P * 4;
    this.zero(table, stride << (k - 1));
    this.load(BASE, base >= c.m ? base % c.m : base, c);
    x.mont_mul(table, JUNK, BASE, c.r2rev, c.ptr);
    if (k === 1) return;
    x.mont_sqr(G2, G2R, table, JUNK, c.ptr);
    for (let t = 1; t < 1 << (k - 1); t++) x.mont_mul(table + t * stride, JUNK, table + (t - 1) * stride, G2R, c.ptr);
  }

  /** base^exp mod m, public exponent: sliding windows driven from JS. */
  modPowVartime(base: bigint, exp: bigint, m: bigint): bigint {
    checkArgs(base, exp, m);
    if (bitLen(m) > MAX_MODULUS_BITS) return bigintBackend.modPowVartime(base, exp, m);
    if (exp === 0n) return 1n;
    const c = this.context(m);
    if (base === 2n) return this.powerOfTwo(exp, c);
    const k = slidingWindowBits(bitLen(exp));
    this.zeroPublicScratch(c.P * 4);
    this.oddPowers(TABLE_AT, base, k, c);
    return this.runSingle(TABLE_AT, exp, k, c);
  }

  /**
   * 2^exp mod m, public exponent: left-to-right binary, where each set bit costs a doubling
   * instead of a multiplication (the strong base-2 and Fermat tests of prime searches).
   */
  private powerOfTwo(exp: bigint, c: Context): bigint {
    const x = this.x;
    const ctx = c.ptr;
    this.zeroPublicScratch(c.P * 4);
    this.load(BASE, 2n, c);
    x.mont_mul(ACC, ACCR, BASE, c.r2rev, ctx);
    const bits = exp.toString(2);
    for (let i = 1; i < bits.length; i++) {
      x.mont_sqr(ACC, ACCR, ACC, ACCR, ctx);
      if (bits.charCodeAt(i) === 49) x.mont_dbl(ACC, ACCR, ctx);
    }
    return this.finish(ACC, c);
  }

  private runSingle(table: number, exp: bigint, k: number, c: Context): bigint {
    const x = this.x;
    const stride = c.P * 4;
    const ctx = c.ptr;
    const { ends, digits } = slidingWindows(exp, k);
    let p = ends[0]!;
    this.u32.copyWithin(ACC >>> 2, (table + ((digits[0]! - 1) >> 1) * stride) >>> 2, (table + ((digits[0]! + 1) >> 1) * stride) >>> 2);
    x.reverse(ACCR, ACC, c.n);
    for (let j = 1; j < ends.length; j++) {
      const e = ends[j]!;
      for (; p > e; p--) x.mont_sqr(ACC, ACCR, ACC, ACCR, ctx);
      x.mont_mul(ACC, ACCR, table + ((digits[j]! - 1) >> 1) * stride, ACCR, ctx);
    }
    for (; p > 0; p--) x.mont_sqr(ACC, ACCR, ACC, ACCR, ctx);
    return this.finish(ACC, c);
  }

  /** ∏ bases[i]^exps[i] mod m, public exponents: interleaved sliding windows. */
  multiExpVartime(bases: readonly bigint[], exps: readonly bigint[], m: bigint): bigint {
    if (bases.length !== exps.length) throw new FieldRangeError('exps', `expected ${bases.length} exponents, got ${exps.length}`);
    for (let i = 0; i < bases.length; i++) checkArgs(bases[i]!, exps[i]!, m);
    checkModulus(m);
    if (bitLen(m) > MAX_MODULUS_BITS) return bigintBackend.multiExpVartime!(bases, exps, m);
    const c = this.context(m);
    const stride = c.P * 4;
    const widths = exps.map((e) => slidingWindowBits(bitLen(e)));
    const offsets: number[] = [];
    let total = 0;
    for (const k of widths) {
      offsets.push(DYNAMIC_AT + total * stride);
      total += 1 << (k - 1);
    }
    this.reserve(total * stride);
    this.zeroPublicScratch(stride);
    for (let i = 0; i < bases.length; i++) if (exps[i]! > 0n) this.oddPowers(offsets[i]!, bases[i]!, widths[i]!, c);
    const x = this.x;
    const ctx = c.ptr;
    const u32 = this.u32;
    const started = runMultiExp(exps, widths, {
      set: (i, t) => {
        const from = offsets[i]! + t * stride;
        u32.copyWithin(ACC >>> 2, from >>> 2, (from + stride) >>> 2);
        x.reverse(ACCR, ACC, c.n);
      },
      square: () => x.mont_sqr(ACC, ACCR, ACC, ACCR, ctx),
      multiply: (i, t) => x.mont_mul(ACC, ACCR, offsets[i]! + t * stride, ACCR, ctx),
    });
    return started ? this.finish(ACC, c) : 1n;
  }
}

/** Wraps an instantiated Montgomery module (`variant` says which build) as a backend named `wasm-<variant>`. */
export function createWasmBackend(exports: MontgomeryExports, variant: WasmVariant): ModBackend {
  const engine = new Engine(exports, variant);
  return {
    name: `wasm-${variant}`,
    modPow: (base, exp, m, expBits) => engine.modPow(base, exp, m, expBits),
    modPowVartime: (base, exp, m) => engine.modPowVartime(base, exp, m),
    modMul: (a, b, m) => bigintBackend.modMul(a, b, m),
    multiExpVartime: (bases, exps, m) => engine.multiExpVartime(bases, exps, m),
    ladderSquarings: () => engine.ladderSquarings(),
  };
}
