/**
 * Argument parsing: `parseArgs` errors become one-line usage errors naming the argument,
 * and the value validators name theirs.
 */
import { describe, expect, it } from 'vitest';
import { UsageError, parseCommandArgs, parseDecimalArg, parseDecimalOrHexArg, parseHexArg, parseIntArg, required, wantsHelp } from '../src/args.ts';

const opts = { bits: { type: 'string' }, safe: { type: 'boolean' } } as const;

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).not.toContain('\n');
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommandArgs', () => {
  it('parses options and positionals', () => {
    expect(parseCommandArgs(['--bits', '64', '--safe'], opts).values).toEqual({ bits: '64', safe: true });
    expect(parseCommandArgs(['--bits=64', 'x'], opts, 1).positionals).toEqual(['x']);
  });

  it.each([
    [['--nope'], '--nope', 'unknown option'],
    [['-n'], '-n', 'unknown option'],
    [['--bits'], '--bits', 'missing value'],
    [['--bits', '--safe'], '--bits', 'missing value'],
    [['--safe=1'], '--safe', 'takes no value'],
    [['stray'], 'stray', 'unexpected argument'],
    [['--bits', '1', '--bits', '2'], '--bits', 'given more than once'],
  ])('%j → %s: %s', (args, arg, what) => {
    const e = usage(() => parseCommandArgs(args, opts));
    expect(e.arg).toBe(arg);
    expect(e.message).toContain(what);
  });

  it('limits positionals', () => {
    expect(usage(() => parseCommandArgs(['a', 'b'], opts, 1)).arg).toBe('b');
  });
});

describe('validators', () => {
  it('parseIntArg', () => {
    expect(parseIntArg('--bits', '64', 16, 100)).toBe(64);
    expect(usage(() => parseIntArg('--bits', '8', 16, 100)).message).toBe('--bits: expected an integer ≥ 16 (got "8")');
    expect(usage(() => parseIntArg('--bits', '101', 16, 100)).message).toMatch(/≤ 100/);
    for (const bad of ['', 'x', '1.5', '1e3', '0x10', '-20', '99999999999999999999']) expect(usage(() => parseIntArg('--bits', bad, 16, 1e9)).arg).toBe('--bits');
  });

  it('parseDecimalOrHexArg, parseDecimalArg, parseHexArg', () => {
    expect(parseDecimalOrHexArg('n', '255', 10)).toBe(255n);
    expect(parseDecimalOrHexArg('n', '0xfF', 10)).toBe(255n);
    for (const bad of ['ff', '0x', '-1', '1.0', '0xg', '']) expect(usage(() => parseDecimalOrHexArg('n', bad, 10)).arg).toBe('n');
    expect(usage(() => parseDecimalOrHexArg('n', '1'.repeat(11), 10)).message).toMatch(/too long/);
    expect(parseDecimalArg('--m', '007', 10)).toBe(7n);
    expect(usage(() => parseDecimalArg('--m', '0x7', 10)).arg).toBe('--m');
    expect(parseHexArg('--r', 'ff', 10)).toBe(255n);
    expect(parseHexArg('--r', '0XFF', 10)).toBe(255n);
    expect(usage(() => parseHexArg('--r', 'fg', 10)).arg).toBe('--r');
  });

  it('required and wantsHelp', () => {
    expect(required('--out', 'x')).toBe('x');
    expect(usage(() => required('--out', undefined)).message).toBe('--out: required');
    expect(wantsHelp(['--bits', '1', '-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
  });
});
