/**
 * A development SoftHSM2 token for `npm start` and local trials: on first use, writes a
 * `softhsm2.conf` whose `directories.tokendir` is private to `dir`, generates a random user
 * PIN and SO PIN (written owner-only to `dir/pin` and `dir/so-pin`), and initializes a token
 * with `softhsm2-util --init-token --free`. Later calls find the token and do nothing.
 *
 * The bridge process must then run with `SOFTHSM2_CONF` set to the returned `conf` (the
 * library reads it at `C_Initialize`), e.g. `SOFTHSM2_CONF=… tessera hsm-bridge --module
 * /usr/lib/softhsm/libsofthsm2.so --pin-file dir/pin --port P`.
 *
 * Not for production tokens: a real HSM is initialized by its own tools and its PIN is
 * provisioned by the operator.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bytesToHex } from '@tessera/crypto/bytes';
import { randomBytes } from '@tessera/crypto/rng';

/** Where Debian's softhsm2 package installs the module. */
export const SOFTHSM_MODULE_PATH = '/usr/lib/softhsm/libsofthsm2.so';

/** What {@link ensureSoftHsmToken} set up. */
export interface SoftHsmToken {
  /** The SOFTHSM2_CONF file to export for the bridge. */
  readonly conf: string;
  /** The file holding the user PIN (mode 0600). */
  readonly pinFile: string;
  readonly label: string;
  /** Whether this call initialized the token. */
  readonly created: boolean;
}

/**
 * Makes sure a SoftHSM2 token labelled `label` exists under `dir` (see module doc).
 * @throws {Error} if `softhsm2-util` is missing or fails (its message is passed on; the PINs are not).
 */
export function ensureSoftHsmToken(dir: string, label = 'tessera-dev'): SoftHsmToken {
  const root = resolve(dir);
  const tokendir = join(root, 'tokens');
  const conf = join(root, 'softhsm2.conf');
  const pinFile = join(root, 'pin');
  mkdirSync(tokendir, { recursive: true, mode: 0o700 });
  if (!existsSync(conf)) writeFileSync(conf, `directories.tokendir = ${tokendir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  if (existsSync(pinFile) && readdirSync(tokendir).length > 0) return { conf, pinFile, label, created: false };
  const pin = bytesToHex(randomBytes(8));
  const soPin = bytesToHex(randomBytes(8));
  try {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'pipe' });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('softhsm2-util not found: install the softhsm2 package');
    throw new Error(`softhsm2-util --init-token failed: ${err.stderr?.toString('utf8').trim() || 'unknown error'}`);
  }
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  writeFileSync(join(root, 'so-pin'), `${soPin}\n`, { mode: 0o600 });
  return { conf, pinFile, label, created: true };
}
