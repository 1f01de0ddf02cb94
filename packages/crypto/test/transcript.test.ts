import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../src/bytes.ts';
import { FieldRangeError, FieldTypeError } from '../src/errors.ts';
import { Transcript, TRANSCRIPT_VERSION, type TranscriptBinding } from '../src/transcript.ts';

const sid = new Uint8Array([1, 2, 3, 4]);
const binding: TranscriptBinding = { sessionId: sid, proverIndex: 1 };
const t = (domain = 'test/domain', b: TranscriptBinding = binding) => new Transcript(domain, b);
const ch = (tr: Transcript) => bytesToHex(tr.challengeBytes('c', 32));

describe('Transcript determinism', () => {
  it('gives the same challenges for the same appends', () => {
    const build = () => t().appendBytes('m', new Uint8Array([9, 9])).appendBigInt('n', 77n, 8).appendString('s', 'x');
    expect(ch(build())).toBe(ch(build()));
    const a = build();
    const b = build();
    expect(a.challengeScalar('e', 1000003n)).toBe(b.challengeScalar('e', 1000003n));
    expect(a.challengeBits('bits', 80)).toEqual(b.challengeBits('bits', 80));
  });

  it('matches an independent implementation of the v1 format (Python hashlib.shake_256)', () => {
    // Expected value computed outside this code base: the records of the module header
    // (kind ‖ u16 label length ‖ label ‖ u32 value length ‖ value) hashed with Python's
    // hashlib.shake_256, challenge record value = u32 length ‖ u64 challenge counter.
    expect(TRANSCRIPT_VERSION).toBe('tessera/transcript/v1');
    const tr = t('tessera/test/kat', { sessionId: new Uint8Array([0xaa]), proverIndex: 7 });
    tr.appendBytes('bytes', new Uint8Array([1, 2, 3]));
    tr.appendBigInt('uint', 0x0102n, 4);
    tr.appendSignedBigInt('int', -5n, 2);
    tr.appendPoint('point', new Uint8Array(33).fill(2));
    tr.appendString('string', 'héllo');
    tr.appendInteger('integer', 42);
    expect(bytesToHex(tr.challengeBytes('c', 16))).toBe('7a83ed921b25067f57a08e8da9a72688');
  });

  it('makes later challenges depend on earlier ones, and repeated labels differ', () => {
    const a = t();
    const first = ch(a);
    const second = ch(a);
    expect(first).not.toBe(second);
    const b = t();
    b.challengeBytes('other', 32);
    expect(ch(b)).not.toBe(first);
  });
});

describe('Transcript injectivity', () => {
  it('distinguishes different splits of the same bytes', () => {
    const a = t().appendBytes('x', new Uint8Array([1, 2])).appendBytes('y', new Uint8Array([3]));
    const b = t().appendBytes('x', new Uint8Array([1])).appendBytes('y', new Uint8Array([2, 3]));
    const c = t().appendBytes('x', new Uint8Array([1, 2, 3]));
    expect(new Set([ch(a), ch(b), ch(c)]).size).toBe(3);
  });

  it('distinguishes labels, label/value boundaries, and element kinds', () => {
    const v = new Uint8Array([0x61, 0x62]);
    const variants = [
      t().appendBytes('ab', v),
      t().appendBytes('ba', v),
      t().appendBytes('a', new Uint8Array([0x62, 0x61, 0x62])),
      t().appendPoint('ab', v),
      t().appendString('ab', 'ab'),
      t().appendBigInt('ab', 0x6162n, 2),
      t().appendBigInt('ab', 0x6162n, 3),
      t().appendSignedBigInt('ab', 0x6162n, 2),
      t().appendSignedBigInt('ab', -0x6162n, 2),
      t().appendInteger('ab', 0x6162),
    ];
    expect(new Set(variants.map(ch)).size).toBe(variants.length);
  });

  it('binds domain, session id and prover index', () => {
    const base = ch(t());
    expect(ch(t('test/other'))).not.toBe(base);
    expect(ch(t('test/domain', { sessionId: new Uint8Array([1, 2, 3, 5]), proverIndex: 1 }))).not.toBe(base);
    expect(ch(t('test/domain', { sessionId: new Uint8Array([1, 2, 3, 4, 0]), proverIndex: 1 }))).not.toBe(base);
    expect(ch(t('test/domain', { sessionId: sid, proverIndex: 2 }))).not.toBe(base);
    expect(ch(t('test/domain', { sessionId: sid, proverIndex: 1 }))).toBe(base);
  });
});

describe('Transcript challenges', () => {
  it('draws scalars below q, signed values in ±bound, and bits', () => {
    const tr = t();
    const q = (1n << 255n) - 19n;
    let negatives = 0;
    for (let i = 0; i < 64; i++) {
      const e = tr.challengeScalar('e', q);
      expect(e >= 0n && e < q).toBe(true);
      const s = tr.challengeSigned('s', 1000n);
      expect(s >= -1000n && s <= 1000n).toBe(true);
      if (s < 0n) negatives++;
      const small = tr.challengeBelow('b', 3n);
      expect(small >= 0n && small < 3n).toBe(true);
    }
    expect(negatives).toBeGreaterThan(10);
    expect(negatives).toBeLessThan(54);
    const bits = tr.challengeBits('m', 4096);
    expect(bits).toHaveLength(4096);
    const ones = bits.filter(Boolean).length;
    expect(ones).toBeGreaterThan(1800);
    expect(ones).toBeLessThan(2300);
  });

  it('refuses malformed bindings and values, naming the field', () => {
    expect(() => new Transcript('', binding)).toThrow(FieldTypeError);
    expect(() => new Transcript('d', { sessionId: new Uint8Array(0), proverIndex: 0 })).toThrowError(/^sessionId:/);
    expect(() => new Transcript('d', { sessionId: new Uint8Array(1025), proverIndex: 0 })).toThrow(FieldRangeError);
    expect(() => new Transcript('d', { sessionId: sid, proverIndex: -1 })).toThrowError(/^proverIndex:/);
    expect(() => new Transcript('d', { sessionId: sid, proverIndex: 2 ** 32 })).toThrowError(/^proverIndex:/);
    expect(() => new Transcript('d', { sessionId: 'abc' as unknown as Uint8Array, proverIndex: 0 })).toThrow(FieldTypeError);
    expect(() => t().appendBigInt('n', -1n, 4)).toThrowError(/^n:/);
    expect(() => t().appendBigInt('n', 1n << 32n, 4)).toThrowError(/^n: does not fit/);
    expect(() => t().appendSignedBigInt('z', -(1n << 16n), 2)).toThrowError(/^z:/);
    expect(() => t().appendBytes('', new Uint8Array(1))).toThrowError(/^label:/);
    expect(() => t().challengeBelow('e', 0n)).toThrow(FieldRangeError);
    expect(() => t().challengeSigned('e', 0n)).toThrow(FieldRangeError);
  });
});
