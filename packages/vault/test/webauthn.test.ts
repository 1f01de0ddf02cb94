/**
 * WebAuthn PRF glue: base64url, the PRF input, the create/get option builders, and PRF output
 * extraction from a fake CredentialsContainer (the real authenticator is exercised in e2e).
 */
import { describe, expect, it } from 'vitest';
import { buildPrfCreationOptions, buildPrfRequestOptions, fromBase64Url, getPrfOutput, prfInput, toBase64Url } from '../src/webauthn.ts';

const challenge = new Uint8Array(32).fill(7);

function fakeCredentials(result: unknown): CredentialsContainer {
  return {
    get: async () => result,
    create: async () => null,
    store: async () => undefined,
    preventSilentAccess: async () => undefined,
  } as unknown as CredentialsContainer;
}

describe('webauthn PRF glue', () => {
  it('base64url round-trips and rejects malformed text', () => {
    for (const n of [0, 1, 2, 3, 31, 32, 33]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 250) & 0xff);
      const s = toBase64Url(b);
      expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(fromBase64Url(s)).toEqual(b);
    }
    expect(() => fromBase64Url('ab+/')).toThrow(TypeError);
    expect(() => fromBase64Url('abcde')).toThrow(TypeError);
  });

  it('the PRF input is 32 bytes, stable, and differs per context', () => {
    expect(prfInput('vault-a')).toHaveLength(32);
    expect(prfInput('vault-a')).toEqual(prfInput('vault-a'));
    expect(prfInput('vault-a')).not.toEqual(prfInput('vault-b'));
    expect(() => prfInput('')).toThrow(TypeError);
  });

  it('builds creation options with the prf extension and user verification', () => {
    const o = buildPrfCreationOptions({ rp: { id: 'localhost', name: 'Tessera' }, user: { id: new Uint8Array([1, 2]), name: 'alice', displayName: 'Alice' }, challenge, prfContext: 'vault-a' });
    expect(o.extensions?.prf?.eval?.first).toEqual(prfInput('vault-a'));
    expect(o.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(o.pubKeyCredParams.map((p) => p.alg)).toContain(-7);
    expect(() => buildPrfCreationOptions({ rp: { id: 'x', name: 'x' }, user: { id: new Uint8Array(1), name: 'a', displayName: 'a' }, challenge: new Uint8Array(8), prfContext: 'v' })).toThrow();
  });

  it('builds request options for one credential', () => {
    const id = toBase64Url(new Uint8Array([9, 8, 7, 6]));
    const o = buildPrfRequestOptions({ rpId: 'localhost', credentialId: id, challenge, prfContext: 'vault-a' });
    expect(o.allowCredentials?.[0]?.id).toEqual(new Uint8Array([9, 8, 7, 6]));
    expect(o.userVerification).toBe('required');
    expect(o.extensions?.prf?.eval?.first).toEqual(prfInput('vault-a'));
  });

  it('extracts the 32-byte PRF output and refuses a missing one', async () => {
    const first = new Uint8Array(32).fill(0xee).buffer;
    const args = { rpId: 'localhost', credentialId: 'AQID', challenge, prfContext: 'vault-a' };
    const ok = fakeCredentials({ getClientExtensionResults: () => ({ prf: { results: { first } } }) });
    expect(await getPrfOutput(args, ok)).toEqual(new Uint8Array(32).fill(0xee));
    await expect(getPrfOutput(args, fakeCredentials({ getClientExtensionResults: () => ({}) }))).rejects.toThrow(/PRF/);
    await expect(getPrfOutput(args, fakeCredentials(null))).rejects.toThrow(/PRF/);
    const short = fakeCredentials({ getClientExtensionResults: () => ({ prf: { results: { first: new Uint8Array(16).buffer } } }) });
    await expect(getPrfOutput(args, short)).rejects.toThrow(/PRF/);
  });
});
