/**
 * Browser glue for the WebAuthn PRF unlock method: builds the `navigator.credentials`
 * create/get options with the `prf` extension and extracts the 32-byte PRF output that
 * {@link import('./wrappers.ts').webauthnPrfMethod} turns into a wrapping key.
 *
 * The PRF input ("salt" in the extension) is SHA-256 of a domain tag and a caller context
 * (the wallet passes its vault database name), so one credential yields one stable secret per
 * vault; the vault id and method id are bound later by HKDF.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { CryptoError, FieldTypeError, assertBytes } from '@tessera/crypto/errors';
import { lengthPrefixed } from '@tessera/protocols/engine/hash';

/** base64url (no padding) of `bytes`. */
export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes of a base64url string. @throws {FieldTypeError} if malformed. */
export function fromBase64Url(text: string, field = 'base64url'): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new FieldTypeError(field, 'expected base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The PRF input for `context` (32 bytes). @throws {FieldTypeError} if `context` is empty. */
export function prfInput(context: string): Uint8Array<ArrayBuffer> {
  if (typeof context !== 'string' || context.length === 0) throw new FieldTypeError('context', 'expected a non-empty string');
  return new Uint8Array(sha256(lengthPrefixed(['tessera/vault/webauthn-prf-input/v1', context])));
}

/** Arguments of {@link buildPrfCreationOptions}. */
export interface PrfCreationArgs {
  readonly rp: { readonly id: string; readonly name: string };
  readonly user: { readonly id: Uint8Array; readonly name: string; readonly displayName: string };
  /** Random challenge (≥ 16 bytes). */
  readonly challenge: Uint8Array;
  /** Context of {@link prfInput}. */
  readonly prfContext: string;
}

/**
 * Options for `navigator.credentials.create` registering a resident, user-verified credential
 * with the PRF extension enabled (and evaluated, where the authenticator supports it).
 * @throws {FieldRangeError} on a short challenge. @throws {FieldTypeError} on bad fields.
 */
export function buildPrfCreationOptions(args: PrfCreationArgs): PublicKeyCredentialCreationOptions {
  assertBytes('challenge', args.challenge);
  if (args.challenge.length < 16) throw new FieldTypeError('challenge', 'expected at least 16 bytes');
  assertBytes('user.id', args.user.id);
  return {
    rp: { id: args.rp.id, name: args.rp.name },
    user: { id: new Uint8Array(args.user.id), name: args.user.name, displayName: args.user.displayName },
    challenge: new Uint8Array(args.challenge),
    pubKeyCredParams: [
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -8 },
      { type: 'public-key', alg: -257 },
    ],
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    extensions: { prf: { eval: { first: prfInput(args.prfContext) } } },
  };
}

/** Arguments of {@link buildPrfRequestOptions}. */
export interface PrfRequestArgs {
  readonly rpId: string;
  /** base64url credential id of the enrolled credential. */
  readonly credentialId: string;
  readonly challenge: Uint8Array;
  readonly prfContext: string;
}

/**
 * Options for `navigator.credentials.get` evaluating the PRF of one credential.
 * @throws {FieldTypeError} on a malformed credential id or short challenge.
 */
export function buildPrfRequestOptions(args: PrfRequestArgs): PublicKeyCredentialRequestOptions {
  assertBytes('challenge', args.challenge);
  if (args.challenge.length < 16) throw new FieldTypeError('challenge', 'expected at least 16 bytes');
  return {
    rpId: args.rpId,
    challenge: new Uint8Array(args.challenge),
    allowCredentials: [{ type: 'public-key', id: fromBase64Url(args.credentialId, 'credentialId') }],
    userVerification: 'required',
    extensions: { prf: { eval: { first: prfInput(args.prfContext) } } },
  };
}

function prfFirst(cred: Credential | null): Uint8Array | undefined {
  const pk = cred as PublicKeyCredential | null;
  const first = pk?.getClientExtensionResults?.().prf?.results?.first;
  if (first === undefined) return undefined;
  const out = first instanceof ArrayBuffer ? new Uint8Array(first) : new Uint8Array(first.buffer, first.byteOffset, first.byteLength).slice();
  return out;
}

/** Registers a PRF credential; returns its base64url id and whether the PRF is enabled. @throws {CryptoError} if no credential. */
export async function registerPrfCredential(args: PrfCreationArgs, credentials: CredentialsContainer = navigator.credentials): Promise<{ credentialId: string; prfEnabled: boolean }> {
  const cred = (await credentials.create({ publicKey: buildPrfCreationOptions(args) })) as PublicKeyCredential | null;
  if (!cred) throw new CryptoError('authenticator created no credential');
  const ext = cred.getClientExtensionResults().prf;
  return { credentialId: toBase64Url(new Uint8Array(cred.rawId)), prfEnabled: ext?.enabled === true || ext?.results?.first !== undefined };
}

/**
 * Asks the authenticator for the PRF output of `credentialId` (user verification required).
 * Security: the result is secret; wipe it after building the unlock method.
 * @throws {CryptoError} if the authenticator returns no 32-byte PRF output.
 */
export async function getPrfOutput(args: PrfRequestArgs, credentials: CredentialsContainer = navigator.credentials): Promise<Uint8Array> {
  const out = prfFirst(await credentials.get({ publicKey: buildPrfRequestOptions(args) }));
  if (!out || out.length !== 32) throw new CryptoError('authenticator returned no 32-byte PRF output (PRF extension unsupported?)', 'prf');
  return out;
}
