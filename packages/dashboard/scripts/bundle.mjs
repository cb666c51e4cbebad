#!/usr/bin/env node
// Bundles the dashboard into dist/app: index.html, assets/app-<hash>.js and assets/app-<hash>.css
// (uPlot's CSS included). Everything the page needs is in those files; nothing is loaded from the
// network. The names carry a content hash, so a page loaded after an upgrade never pairs the new
// index.html with a cached old bundle.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/app`;
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });
const result = await build({
  entryPoints: { app: `${root}src/main.tsx` },
  outdir: `${out}/assets`,
  entryNames: '[name]-[hash]',
  metafile: true,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: process.env.DASHBOARD_DEV !== '1',
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
  logLevel: 'warning',
  legalComments: 'linked',
});
const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint?.endsWith('src/main.tsx'));
if (!entry || !entry[1].cssBundle) throw new Error('esbuild produced no app bundle with a stylesheet');
const script = basename(entry[0]);
const styles = basename(entry[1].cssBundle);
const html = readFileSync(`${root}static/index.html`, 'utf8').replace('/assets/app.js', `/assets/${script}`).replace('/assets/app.css', `/assets/${styles}`);
if (!html.includes(script) || !html.includes(styles)) throw new Error('static/index.html must name /assets/app.js and /assets/app.css');
writeFileSync(`${out}/index.html`, html);
copyFileSync(`${root}static/favicon.svg`, `${out}/favicon.svg`);
