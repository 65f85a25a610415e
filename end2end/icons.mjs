// Draws the app's icons for the web app manifest (public/icon-*.png) from public/favicon.svg
// in Debian's Chromium. Run it when the logo changes: `node end2end/icons.mjs`; the PNGs are
// committed, so no build needs a browser.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pub = fileURLToPath(new URL('../public/', import.meta.url));
const logo = readFileSync(pub + 'favicon.svg', 'utf8');
// Maskable: the background fills the square and the mark keeps to the middle 60 %, inside
// the circle every platform's mask leaves.
const maskable = logo
  .replace('<rect width="32" height="32" rx="8"', '<rect x="-11" y="-11" width="54" height="54"')
  .replace('viewBox="0 0 32 32"', 'viewBox="-11 -11 54 54"');
const icons = [
  ['icon-180.png', 180, logo],
  ['icon-192.png', 192, logo],
  ['icon-512.png', 512, logo],
  ['icon-maskable-512.png', 512, maskable],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless=new'],
});
const page = await browser.newPage();
for (const [name, size, svg] of icons) {
  await page.setViewportSize({ width: size, height: size });
  const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
  await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${sized}`);
  await page.screenshot({ path: pub + name, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(name, size);
}
await browser.close();
