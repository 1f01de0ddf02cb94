/**
 * Test helpers for the wallet core: an in-process signal server (file store in a scratch
 * directory), wallet cores over fake IndexedDB with small Argon2id parameters, a committee of
 * cores that builds an account through the real lobby/DKG flow, and polling waits.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '@tessera/signal/file-store';
import { silentLogger } from '@tessera/signal/log';
import { startSignalServer, type SignalServer } from '@tessera/signal/server';
import { loadRTCPeerConnection } from '@tessera/transport/rtc';
import { openWalletCore, type Account, type LobbyHandle, type SuiteName, type WalletCore, type WalletCoreOptions, type WalletEvent } from '../src/core/index.ts';

/** Small Argon2id parameters (8 KiB, 1 pass): tests only. */
export const TEST_KDF = { t: 1, m: 8, p: 1 } as const;
export const PASS = 'correct horse battery staple';

/** A signal server on 127.0.0.1 (stoppable and restartable on its port; the file store persists). */
export interface TestSignal {
  readonly url: string;
  /** Stops the server but keeps its store (see {@link TestSignal.start}). */
  pause(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a signal server with a file store in a scratch directory. */
export async function startTestSignal(): Promise<TestSignal> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wallet-signal-'));
  const run = (port: number) => startSignalServer({ store: createFileStore({ dir }), port, logger: silentLogger, rate: { perSecond: 5000, burst: 10000 } });
  let server: SignalServer | undefined = await run(0);
  const port = server.port;
  return {
    url: server.url,
    async pause() {
      await server?.close();
      server = undefined;
    },
    async start() {
      server ??= await run(port);
    },
    async stop() {
      await server?.close();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A vault database name not used before in this process. */
export function freshVault(tag: string): string {
  return `wallet-test-${tag}-${++counter}-${process.pid}`;
}

/** A wallet core with an event log. */
export interface TestCore {
  core: WalletCore;
  readonly name: string;
  readonly events: WalletEvent[];
  reopen(): Promise<WalletCore>;
}

/** Options for test cores. */
export interface TestCoreOptions {
  readonly rtc?: boolean;
  readonly timeoutMs?: number;
  readonly webauthn?: WalletCoreOptions['webauthn'];
  readonly schemes?: WalletCoreOptions['schemes'];
}

/**
 * A fake WebAuthn authenticator with the PRF extension: `create` registers a credential,
 * `get` answers with the credential `pick` (default: the first allowed one) and `output` as
 * the PRF result (tests change it to play another authenticator); with `perCredential`, each
 * credential keeps the output it was created with.
 */
export function fakeAuthenticator(output: Uint8Array): { credentials: CredentialsContainer; output: Uint8Array; created: number; pick?: string; perCredential?: boolean } {
  const outputs = new Map<string, Uint8Array>();
  const state = { output, created: 0, credentials: undefined as unknown as CredentialsContainer } as { credentials: CredentialsContainer; output: Uint8Array; created: number; pick?: string; perCredential?: boolean };
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  state.credentials = {
    async create() {
      state.created++;
      const raw = new Uint8Array([1, 2, 3, state.created]);
      outputs.set(b64(raw), state.output.slice());
      return { rawId: raw.buffer, getClientExtensionResults: () => ({ prf: { enabled: true } }) };
    },
    async get(opts: { publicKey: PublicKeyCredentialRequestOptions }) {
      const allowed = (opts.publicKey.allowCredentials ?? []).map((c) => b64(new Uint8Array(c.id as ArrayBuffer)));
      const id = state.pick ?? allowed[0]!;
      const out = (state.perCredential ? outputs.get(id) : undefined) ?? state.output;
      return { rawId: new Uint8Array(Buffer.from(id, 'base64url')).buffer, getClientExtensionResults: () => ({ prf: { results: { first: out.slice().buffer } } }) };
    },
    async store() {
      return undefined;
    },
    async preventSilentAccess() {
      return undefined;
    },
  } as unknown as CredentialsContainer;
  return state;
}

/** Opens a core over a fresh (or given) vault. */
export async function testCore(signal: TestSignal, tag: string, o: TestCoreOptions & { name?: string } = {}): Promise<TestCore> {
  const name = o.name ?? freshVault(tag);
  const events: WalletEvent[] = [];
  const options: WalletCoreOptions = {
    signalUrl: signal.url,
    vaultName: name,
    passphraseKdf: TEST_KDF,
    ceremonyTimeoutMs: o.timeoutMs ?? 30_000,
    linkBase: 'http://localhost:5173/',
    ...(o.webauthn ? { webauthn: o.webauthn } : {}),
    ...(o.schemes ? { schemes: o.schemes } : {}),
    ...(o.rtc ? { RTCPeerConnection: loadRTCPeerConnection, transport: 'webrtc' as const } : { transport: 'mailbox' as const }),
  };
  const open = async (): Promise<WalletCore> => {
    const core = await openWalletCore(options);
    core.subscribe((e) => events.push(e));
    return core;
  };
  const t: TestCore = {
    core: await open(),
    name,
    events,
    async reopen() {
      await t.core.close();
      t.core = await open();
      return t.core;
    },
  };
  return t;
}

/** Polls `cond` every 20 ms until it holds (or throws after `ms`). */
export async function until(cond: () => boolean | Promise<boolean>, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The invite links of a creator's lobby, by slot. */
export function links(l: LobbyHandle): Map<number, string> {
  return new Map(l.view().slots.filter((s) => s.link).map((s) => [s.index, s.link!] as const));
}

/** Creates unlocked cores and builds a t-of-n account through lobby + DKG. */
export async function committee(signal: TestSignal, tag: string, suite: SuiteName, t: number, n: number, o: TestCoreOptions = {}): Promise<{ cores: TestCore[]; accounts: Account[] }> {
  const cores: TestCore[] = [];
  for (let i = 0; i < n; i++) {
    const c = await testCore(signal, `${tag}-${i + 1}`, o);
    await c.core.createVault({ passphrase: PASS });
    cores.push(c);
  }
  const lobby = await cores[0]!.core.startCreate({ label: `${tag} wallet`, suite, threshold: t, parties: n, memberLabel: 'Alice' });
  const ls = links(lobby);
  const joins = await Promise.all(cores.slice(1).map((c, k) => c.core.joinFromLink(ls.get(k + 2)!, { memberLabel: `Member ${k + 2}` })));
  const accounts = await Promise.all([lobby.done, ...joins.map((j) => j.done)]);
  return { cores, accounts };
}

/** Closes every core. */
export async function closeAll(cores: readonly TestCore[]): Promise<void> {
  for (const c of cores) await c.core.close().catch(() => undefined);
}

/**
 * Opens a core's vault on a second connection and returns its device identity and wallet
 * records: tests use them to act as that wallet's owner (e.g. re-posting an invitation).
 */
export async function ownerOf(t: TestCore): Promise<{ identity: import('@tessera/transport/identity').IdentityKey; records: import('../src/core/records.ts').WalletRecords; vault: import('@tessera/vault').Vault; close(): void }> {
  const { openVault, passphraseMethod } = await import('@tessera/vault');
  const { loadDeviceIdentity } = await import('../src/core/device.ts');
  const { WalletRecords } = await import('../src/core/records.ts');
  const vault = await openVault(t.name);
  await vault.unlock(passphraseMethod(PASS, { kdf: TEST_KDF }));
  return { identity: await loadDeviceIdentity(vault), records: new WalletRecords(vault), vault, close: () => vault.close() };
}
