/**
 * The Debian Chromium used by every e2e run and its flags (from /work/shared/PLATFORM.md): headless,
 * no sandbox (root in CI), and nothing sent off the machine (no QUIC, no background networking,
 * no mDNS-obfuscated ICE candidates, every host but localhost unresolvable).
 * @module
 */

/** Path of the system Chromium (installed with apt; never downloaded by Playwright). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launch flags, copied exactly from PLATFORM.md. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost',
];
