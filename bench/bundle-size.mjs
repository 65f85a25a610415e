// The browser bundle as a first visit loads it: the main module (JS + WASM) and, per route,
// the route's chunk and the shared chunks it needs (from __wasm_split_manifest.json).
// Sizes raw, gzip -9 and brotli -q 11. Usage: node bench/bundle-size.mjs [site root]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const pkg = join(process.argv[2] ?? join(import.meta.dirname, '..', 'target', 'site'), 'pkg');
const sizes = (file) => {
  const bytes = readFileSync(join(pkg, file));
  return [bytes.length, gzipSync(bytes, { level: 9 }).length,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
};
const add = (a, b) => a.map((x, i) => x + b[i]);
const kib = ([raw, gz, br]) => `${(raw / 1024).toFixed(0)} / ${(gz / 1024).toFixed(0)} / ${(br / 1024).toFixed(0)} KiB`;

const main = add(sizes('sayr.wasm'), sizes('sayr.js'));
const loader = readdirSync(pkg).find((f) => f.startsWith('__wasm_split.') && f.endsWith('.js'));
const withLoader = loader ? add(main, sizes(loader)) : main;
console.log(`main (sayr.js + sayr.wasm${loader ? ' + split loader' : ''}), raw / gzip / brotli: ${kib(withLoader)}`);
let manifest = {};
try { manifest = JSON.parse(readFileSync(join(pkg, '__wasm_split_manifest.json'), 'utf8')); } catch { /* not split */ }
for (const [split, chunks] of Object.entries(manifest).sort()) {
  const route = chunks.reduce((acc, c) => add(acc, sizes(`${c}.wasm`)), [0, 0, 0]);
  const name = split.replace(/^__/, '').replace(/_view_\d+$/, '');
  console.log(`  + ${name.padEnd(24)} ${kib(route).padEnd(26)} first visit total: ${kib(add(withLoader, route))}`);
}
