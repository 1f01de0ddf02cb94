/**
 * Renders the wallet's PNG icons (192, 512 and a maskable 512 with a safe-zone margin) from
 * apps/wallet/public/icons/icon.svg with the system Chromium. The PNGs are committed; run this
 * again after changing the SVG: `pnpm exec tsx e2e/support/render-icons.ts`.
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const dir = new URL('../../apps/wallet/public/icons/', import.meta.url);

async function main(): Promise<void> {
  const svg = await readFile(new URL('icon.svg', dir), 'utf8');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  try {
    const page = await browser.newPage();
    const render = async (size: number, maskable: boolean, name: string): Promise<void> => {
      await page.setViewportSize({ width: size, height: size });
      // Maskable icons: full-bleed background, artwork inside the central 80 % safe zone.
      const inner = maskable ? Math.round(size * 0.8) : size;
      const html = `<html><body style="margin:0;background:${maskable ? '#1a2249' : 'transparent'};display:flex;align-items:center;justify-content:center;width:${size}px;height:${size}px">${svg.replace('width="512" height="512"', `width="${inner}" height="${inner}"`)}</body></html>`;
      await page.setContent(html);
      const png = await page.screenshot({ omitBackground: !maskable, clip: { x: 0, y: 0, width: size, height: size } });
      await writeFile(new URL(name, dir), png);
    };
    await render(192, false, 'icon-192.png');
    await render(512, false, 'icon-512.png');
    await render(512, true, 'maskable-512.png');
  } finally {
    await browser.close();
  }
}

await main();
