/**
 * Test support for the CGGMP21 ECDSA wallet tests: fixture safe primes (the Taurus
 * multi-party-sig test primes from vectors/paillier, so no prime search runs), a CGGMP driver
 * per wallet handing out its own pairs in order, a committee of wallet cores that builds a
 * `cggmp` account through the real lobby (invite links) and key generation, independent
 * verification of a wallet signature with noble and with OpenSSL (`node:crypto`), a second
 * connection to a wallet's vault, and posting a group-room message as a member (forgeries).
 */
import { createPublicKey, verify as osslVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@tessera/crypto/bytes';
import type { PaillierPrimes } from '@tessera/transport/cggmp';
import { openVault, passphraseMethod, type Vault } from '@tessera/vault';
import type { Account, SchemeDriver } from '../src/core/index.ts';
import { createCggmpDriver } from '../src/core/cggmp-driver.ts';
import { parseInvitation } from '@tessera/transport/invitation';
import { connectSignal } from '@tessera/transport/signal-client';
import { sealAppMessage } from '../src/core/messages.ts';
import { PASS, TEST_KDF, links, ownerOf, testCore, type TestCore, type TestCoreOptions, type TestSignal } from './helpers.ts';

/** The three distinct pairs of 1024-bit safe primes of the fixture. */
export function fixturePrimes(): PaillierPrimes[] {
  const json = JSON.parse(readFileSync(new URL('../../../vectors/paillier/taurus-multi-party-sig-extracted/hardcoded_primes.json', import.meta.url), 'utf8')) as {
    constants: { hex: string }[];
  };
  const primes = [...new Set(json.constants.filter((c) => c.hex.length === 256).map((c) => BigInt(`0x${c.hex}`)))];
  const pairs: PaillierPrimes[] = [];
  for (let i = 0; i + 1 < primes.length; i += 2) pairs.push({ p: primes[i]!, q: primes[i + 1]! });
  return pairs;
}

/** A CGGMP driver whose aux-info runs take `pairs` in order (keygen first, then refreshes). */
export function fixtureDriver(pairs: readonly PaillierPrimes[]): SchemeDriver & { readonly used: () => number } {
  let next = 0;
  const driver = createCggmpDriver({
    primeSource: () => async () => {
      const pair = pairs[next % pairs.length]!;
      next++;
      return pair;
    },
  });
  return Object.assign(driver, { used: () => next });
}

/**
 * Unlocked cores (core i's driver takes `primes[i]` in order) and a t-of-n `cggmp` account
 * built through the creator's lobby and the invite links.
 */
export async function cggmpCommittee(
  signal: TestSignal,
  tag: string,
  t: number,
  primes: readonly (readonly PaillierPrimes[])[],
  o: TestCoreOptions = {},
): Promise<{ cores: TestCore[]; accounts: Account[] }> {
  const cores: TestCore[] = [];
  for (let i = 0; i < primes.length; i++) {
    const c = await testCore(signal, `${tag}-${i + 1}`, { ...o, schemes: [fixtureDriver(primes[i]!)] });
    await c.core.createVault({ passphrase: PASS });
    cores.push(c);
  }
  const lobby = await cores[0]!.core.startCreate({ label: `${tag} wallet`, scheme: 'cggmp', suite: 'secp256k1', threshold: t, parties: primes.length, memberLabel: 'Alice' });
  const ls = links(lobby);
  const joins = await Promise.all(cores.slice(1).map((c, k) => c.core.joinFromLink(ls.get(k + 2)!, { memberLabel: `Member ${k + 2}` })));
  const accounts = await Promise.all([lobby.done, ...joins.map((j) => j.done)]);
  return { cores, accounts };
}

/** DER prefix of a SubjectPublicKeyInfo of a compressed secp256k1 key (id-ecPublicKey, secp256k1). */
const SPKI_SECP256K1_COMPRESSED = hexToBytes('3036301006072a8648ce3d020106052b8104000a032200');

/** OpenSSL's verdict on the 64-byte r ‖ s (IEEE P1363) over SHA-256(message) under a compressed key. */
export function opensslVerify(groupKeyHex: string, message: Uint8Array, signature: Uint8Array): boolean {
  const der = new Uint8Array([...SPKI_SECP256K1_COMPRESSED, ...hexToBytes(groupKeyHex)]);
  const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  return osslVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature.subarray(0, 64));
}

/** noble's verdict (it hashes the message with SHA-256 itself; low-S required). */
export function nobleVerify(groupKeyHex: string, message: Uint8Array, signature: Uint8Array): boolean {
  return secp256k1.verify(signature.subarray(0, 64), message, hexToBytes(groupKeyHex), { lowS: true });
}

/** Opens a wallet's vault on a second connection, unlocked with the test passphrase. */
export async function openSecondVault(t: TestCore): Promise<Vault> {
  const vault = await openVault(t.name);
  await vault.unlock(passphraseMethod(PASS, { kdf: TEST_KDF }));
  return vault;
}

/** Posts a group-room message as the owner of wallet `from` (its identity, from its vault) to party `to`. */
export async function postAs(signalUrl: string, from: TestCore, accountId: string, to: number, payload: Record<string, unknown>): Promise<void> {
  const owner = await ownerOf(from);
  try {
    const acc = (await owner.records.account(accountId))!;
    const group = parseInvitation(acc.groupInvitation, { now: null });
    const client = await connectSignal({ url: signalUrl, identity: owner.identity });
    try {
      await client.join(group.session);
      const route = { session: group.session, protocol: group.protocol, self: acc.selfIndex as never, identity: owner.identity, directory: group.parties, now: Date.now };
      await client.post(group.session, [to as never], await sealAppMessage(route, to as never, payload as never));
    } finally {
      await client.close();
    }
  } finally {
    owner.close();
  }
}
