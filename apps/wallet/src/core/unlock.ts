/**
 * Builds the vault's unlock methods from what the user provides: a passphrase (Argon2id via
 * `passphraseMethod`) or a passkey (WebAuthn PRF via `vault/webauthn.ts`: register a
 * credential with the PRF extension, then evaluate its PRF for the vault's context).
 * The PRF output is wiped as soon as the method's wrapper has copied it.
 * @module
 */
import { passphraseMethod, webauthnPrfMethod, type Argon2Params, type UnlockMethod, type MethodInfo } from '@tessera/vault';
import { buildPrfRequestOptions, fromBase64Url, getPrfOutput, registerPrfCredential, toBase64Url } from '@tessera/vault/webauthn';
import { randomBytes, type RandomSource } from '@tessera/crypto/rng';
import type { WebAuthnOptions } from './api.ts';
import { WalletError } from './errors.ts';

/** Unlock-method construction for one vault. */
export interface MethodFactory {
  /** @throws {WalletError} `bad-input` on an empty passphrase. */
  passphrase(passphrase: string, label?: string): UnlockMethod;
  /** Registers a new passkey and returns its method. @throws {WalletError} `webauthn-unavailable`. */
  registerPasskey(userName: string, label?: string): Promise<UnlockMethod>;
  /** The method of an enrolled passkey (asks the authenticator). @throws {WalletError} `webauthn-unavailable`. */
  passkey(methods: readonly MethodInfo[]): Promise<UnlockMethod>;
}

/** Options of {@link createMethodFactory}. */
export interface MethodFactoryOptions {
  /** Vault database name: the PRF context (one secret per vault per credential). */
  readonly vaultName: string;
  readonly webauthn?: WebAuthnOptions;
  readonly kdf?: Argon2Params;
  readonly rng?: RandomSource;
}

/** Creates the {@link MethodFactory} of a vault. */
export function createMethodFactory(o: MethodFactoryOptions): MethodFactory {
  const credentials = (): { wa: WebAuthnOptions; creds: CredentialsContainer } => {
    const wa = o.webauthn;
    const creds = wa?.credentials ?? (typeof navigator !== 'undefined' ? navigator.credentials : undefined);
    if (!wa || !creds) throw new WalletError('webauthn-unavailable', 'WebAuthn is not configured in this environment', { field: 'webauthn' });
    return { wa, creds };
  };
  const prfMethod = async (credentialId: string, label: string | undefined): Promise<UnlockMethod> => {
    const { wa, creds } = credentials();
    let out: Uint8Array;
    try {
      out = await getPrfOutput({ rpId: wa.rpId, credentialId, challenge: randomBytes(32, o.rng), prfContext: o.vaultName }, creds);
    } catch (e) {
      throw new WalletError('webauthn-unavailable', e instanceof Error ? e.message : 'the authenticator gave no PRF output', { field: 'webauthn', cause: e });
    }
    try {
      return webauthnPrfMethod(out, { credentialId, ...(label !== undefined ? { label } : {}), ...(o.rng ? { rng: o.rng } : {}) });
    } finally {
      out.fill(0);
    }
  };
  /** Several passkeys enrolled: offer them all; the credential the user picks names the method. */
  const anyPasskey = async (enrolled: readonly MethodInfo[]): Promise<UnlockMethod> => {
    const { wa, creds } = credentials();
    const ids = enrolled.map((m) => m.params.credentialId as string);
    let out: Uint8Array | undefined;
    let used: string | undefined;
    try {
      const publicKey = buildPrfRequestOptions({ rpId: wa.rpId, credentialId: ids[0]!, challenge: randomBytes(32, o.rng), prfContext: o.vaultName });
      const cred = (await creds.get({ publicKey: { ...publicKey, allowCredentials: ids.map((id) => ({ type: 'public-key' as const, id: fromBase64Url(id, 'credentialId') })) } })) as PublicKeyCredential | null;
      used = cred?.rawId ? toBase64Url(new Uint8Array(cred.rawId)) : undefined;
      const first = cred?.getClientExtensionResults?.().prf?.results?.first;
      if (first !== undefined) out = first instanceof ArrayBuffer ? new Uint8Array(first) : new Uint8Array(first.buffer, first.byteOffset, first.byteLength).slice();
    } catch (e) {
      throw new WalletError('webauthn-unavailable', e instanceof Error ? e.message : 'the authenticator gave no PRF output', { field: 'webauthn', cause: e });
    }
    const m = enrolled.find((x) => x.params.credentialId === used);
    if (!out || out.length !== 32 || !m) {
      out?.fill(0);
      throw new WalletError('webauthn-unavailable', 'the authenticator returned no PRF output for an enrolled passkey', { field: 'webauthn.prf' });
    }
    try {
      return webauthnPrfMethod(out, { credentialId: used!, label: m.label, ...(o.rng ? { rng: o.rng } : {}) });
    } finally {
      out.fill(0);
    }
  };
  return {
    passphrase(passphrase, label) {
      if (typeof passphrase !== 'string' || passphrase.length === 0) throw new WalletError('bad-input', 'expected a non-empty passphrase', { field: 'passphrase' });
      return passphraseMethod(passphrase, { ...(label !== undefined ? { label } : {}), ...(o.kdf ? { kdf: o.kdf } : {}), ...(o.rng ? { rng: o.rng } : {}) });
    },
    async registerPasskey(userName, label) {
      const { wa, creds } = credentials();
      let reg: { credentialId: string; prfEnabled: boolean };
      try {
        reg = await registerPrfCredential(
          { rp: { id: wa.rpId, name: wa.rpName ?? 'Tessera Wallet' }, user: { id: randomBytes(16, o.rng), name: userName, displayName: userName }, challenge: randomBytes(32, o.rng), prfContext: o.vaultName },
          creds,
        );
      } catch (e) {
        throw new WalletError('webauthn-unavailable', e instanceof Error ? e.message : 'passkey registration failed', { field: 'webauthn', cause: e });
      }
      if (!reg.prfEnabled) throw new WalletError('webauthn-unavailable', 'this authenticator does not support the PRF extension', { field: 'webauthn.prf' });
      return prfMethod(reg.credentialId, label);
    },
    async passkey(methods) {
      const enrolled = methods.filter((x) => x.kind === 'webauthn-prf' && typeof x.params.credentialId === 'string');
      if (enrolled.length === 0) throw new WalletError('webauthn-unavailable', 'no passkey is enrolled in this vault', { field: 'webauthn' });
      if (enrolled.length === 1) return prfMethod(enrolled[0]!.params.credentialId as string, enrolled[0]!.label);
      return anyPasskey(enrolled);
    },
  };
}
