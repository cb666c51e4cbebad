#!/usr/bin/env node
// Bundles the dashboard into dist/app: index.html, assets/app-<hash>.js and assets/app-<hash>.css
// (uPlot's CSS included), plus the chunks of code loaded on demand (three.js for the 3D viewer,
// reached only through a dynamic import()) and the chunks they share with the app, all in
// dist/app/assets. Everything the page needs is in those files; nothing is loaded from the
// network. The names carry a content hash, so a page loaded after an upgrade never pairs the new
// index.html with a cached old bundle (and an app bundle never imports another build's chunk).
//
// Run as a script it writes dist/app; imported (tests), it exports the options and checks.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard package's directory, with a trailing slash. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** Packages that must only be in lazily loaded chunks, never in the app bundle itself. */
export const LAZY_ONLY = ['three'];

/** esbuild's options for the dashboard, writing into `outdir`. */
export function bundleOptions(outdir, { minify = process.env.DASHBOARD_DEV !== '1' } = {}) {
  return {
    entryPoints: { app: `${root}src/main.tsx` },
    outdir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    bundle: true,
    // Code splitting (esm only): each dynamic import() becomes its own chunk, loaded on first use.
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'css' },
    logLevel: 'warning',
    legalComments: 'linked',
  };
}

/** The app entry's script and stylesheet file names in a build's metafile. */
export function appOutputs(metafile) {
  const entry = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint?.endsWith('src/main.tsx'));
  if (!entry || !entry[1].cssBundle) throw new Error('esbuild produced no app bundle with a stylesheet');
  return { script: basename(entry[0]), styles: basename(entry[1].cssBundle), output: entry[1] };
}

/** The files (outputs) the app loads before it runs: its script and the chunks it imports statically. */
export function eagerOutputs(metafile) {
  const byName = new Map(Object.entries(metafile.outputs).map(([path, output]) => [basename(path), [path, output]]));
  const { script } = appOutputs(metafile);
  const seen = new Set();
  const visit = (name) => {
    const found = byName.get(name);
    if (!found || seen.has(found[0])) return;
    seen.add(found[0]);
    for (const imported of found[1].imports) if (imported.kind === 'import-statement') visit(basename(imported.path));
  };
  visit(script);
  return [...seen];
}

/** Throws when a LAZY_ONLY package ended up in the code loaded before the app runs. */
export function checkLazy(metafile) {
  for (const path of eagerOutputs(metafile)) {
    const inputs = Object.keys(metafile.outputs[path].inputs);
    const leaked = LAZY_ONLY.filter((pkg) => inputs.some((input) => input.includes(`node_modules/${pkg}/`)));
    if (leaked.length) throw new Error(`${leaked.join(', ')} must be loaded with a dynamic import(), but is in ${basename(path)}`);
  }
}

/** index.html naming the hashed script and stylesheet. */
export function rewriteIndex(html, script, styles) {
  const out = html.replace('/assets/app.js', `/assets/${script}`).replace('/assets/app.css', `/assets/${styles}`);
  if (!out.includes(`/assets/${script}`) || !out.includes(`/assets/${styles}`)) throw new Error('static/index.html must name /assets/app.js and /assets/app.css');
  return out;
}

async function main() {
  const out = `${root}dist/app`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(`${out}/assets`, { recursive: true });
  const result = await build(bundleOptions(`${out}/assets`));
  checkLazy(result.metafile);
  const { script, styles } = appOutputs(result.metafile);
  writeFileSync(`${out}/index.html`, rewriteIndex(readFileSync(`${root}static/index.html`, 'utf8'), script, styles));
  copyFileSync(`${root}static/favicon.svg`, `${out}/favicon.svg`);
}

// Run as a script (argv[1] resolved, as import.meta.url is, through symlinks), not when imported.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
