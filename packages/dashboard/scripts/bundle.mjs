#!/usr/bin/env node
// Bundles the dashboard into dist/app: index.html, assets/app.js and assets/app.css (uPlot's CSS
// included). Everything the page needs is in those files; nothing is loaded from the network.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/app`;
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });
await build({
  entryPoints: { app: `${root}src/main.tsx` },
  outdir: `${out}/assets`,
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
copyFileSync(`${root}static/index.html`, `${out}/index.html`);
copyFileSync(`${root}static/favicon.svg`, `${out}/favicon.svg`);
