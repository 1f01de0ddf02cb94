/**
 * Entry of the Tessera wallet page: picks the signal server (same origin as the page by
 * default, `?signal=ws(s)://…` overrides), opens the wallet core with the browser's WebSocket,
 * WebRTC and WebAuthn, starts the UI, and registers the service worker for offline use.
 * @module
 */
import { openWalletCore } from './core/index.ts';
import { startApp } from './ui/app.ts';
import { h, replaceChildren } from './ui/dom.ts';

/** The signal server URL: `?signal=` or `ws(s)://<this host>`. */
function signalUrl(): string {
  const override = new URLSearchParams(location.search).get('signal');
  if (override !== null && /^wss?:\/\/[^\s]+$/.test(override)) return override;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  try {
    await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' });
  } catch {
    // offline support is optional: the wallet works without it
  }
}

async function boot(): Promise<void> {
  const url = signalUrl();
  const core = await openWalletCore({
    signalUrl: url,
    RTCPeerConnection: async () => (await import('@tessera/transport/rtc')).loadRTCPeerConnection(),
    webauthn: { rpId: location.hostname, rpName: 'Tessera Wallet' },
  });
  document.getElementById('boot')?.remove();
  startApp(core, url);
  void registerServiceWorker();
}

boot().catch((e: unknown) => {
  const main = document.getElementById('main');
  if (main) replaceChildren(main, h('div', { class: 'card alert error', role: 'alert', testid: 'boot-error' }, h('strong', {}, 'The wallet could not start'), h('span', {}, e instanceof Error ? e.message : String(e))));
});
