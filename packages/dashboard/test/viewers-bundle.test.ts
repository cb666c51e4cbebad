/**
 * The bundle (scripts/bundle.mjs) with code splitting: three.js only in a chunk the app loads with
 * a dynamic import(), nothing that needs eval (CSP), and index.html naming the hashed files.
 * Builds in memory (write: false), so dist/app is left alone.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { build, type BuildOptions, type BuildResult, type Metafile } from 'esbuild';

interface BundleScript {
  root: string;
  bundleOptions(outdir: string, options?: { minify?: boolean }): BuildOptions;
  appOutputs(metafile: Metafile): { script: string; styles: string };
  eagerOutputs(metafile: Metafile): string[];
  checkLazy(metafile: Metafile): void;
  rewriteIndex(html: string, script: string, styles: string): string;
}

// From dist/test back to the package's scripts (not compiled: imported as it runs).
const script = (await import(new URL('../../scripts/bundle.mjs', import.meta.url).href)) as BundleScript;
const OUT = `${script.root}dist/bundle-test-out`;

async function bundle(entry?: string): Promise<BuildResult & { metafile: Metafile }> {
  const options = { ...script.bundleOptions(OUT), write: false, logLevel: 'silent' as const };
  if (entry) options.entryPoints = { app: `${script.root}${entry}` };
  return (await build(options)) as BuildResult & { metafile: Metafile };
}

const fromThree = (metafile: Metafile, path: string) => Object.keys(metafile.outputs[path]!.inputs).some((input) => input.includes('node_modules/three/'));

describe('bundle with code splitting', () => {
  it('keeps three.js out of the viewers entry, in a chunk reached by a dynamic import', async () => {
    const { metafile } = await bundle('src/viewers/index.ts');
    const entry = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]!.entryPoint?.endsWith('src/viewers/index.ts'))!;
    assert.ok(entry, 'the viewers entry is built');
    assert.ok(!fromThree(metafile, entry), 'three.js is not in the entry');
    const lazy = metafile.outputs[entry]!.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
    assert.ok(lazy.some((path) => fromThree(metafile, path)), 'a dynamically imported chunk holds three.js');
    const eager = Object.keys(metafile.outputs).filter((path) => metafile.outputs[entry]!.imports.some((i) => i.kind === 'import-statement' && i.path === path));
    for (const path of eager) assert.ok(!fromThree(metafile, path), `${basename(path)} is loaded eagerly`);
  });

  it('builds the app with three.js out of everything it loads eagerly, and nothing that needs eval', async () => {
    const result = await bundle();
    assert.doesNotThrow(() => script.checkLazy(result.metafile));
    const { script: app, styles } = script.appOutputs(result.metafile);
    assert.match(app, /^app-[A-Z0-9]+\.js$/);
    assert.match(styles, /^app-[A-Z0-9]+\.css$/);
    for (const file of result.outputFiles ?? []) {
      if (!file.path.endsWith('.js')) continue;
      assert.ok(!/\beval\(|new Function\(/.test(file.text), `${basename(file.path)} needs eval, which the CSP refuses`);
      assert.ok(!/\bimport\(\s*["']https?:/.test(file.text), `${basename(file.path)} imports from the network`);
    }
  });

  it('refuses a build where three.js is loaded eagerly', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'out/app-AAAA.js': { bytes: 1, inputs: { 'src/main.tsx': { bytesInOutput: 1 } }, imports: [{ path: 'out/chunk-BBBB.js', kind: 'import-statement' }], exports: [], entryPoint: 'src/main.tsx', cssBundle: 'out/app-AAAA.css' },
        'out/chunk-BBBB.js': { bytes: 1, inputs: { '../../node_modules/.pnpm/three@0.187.0/node_modules/three/build/three.core.js': { bytesInOutput: 1 } }, imports: [], exports: [] },
      },
    } as unknown as Metafile;
    assert.deepEqual(script.eagerOutputs(metafile), ['out/app-AAAA.js', 'out/chunk-BBBB.js']);
    assert.throws(() => script.checkLazy(metafile), /three must be loaded with a dynamic import\(\), but is in chunk-BBBB\.js/);
  });

  it('rewrites index.html to the hashed names, refusing a page that names neither', () => {
    const html = '<link rel="stylesheet" href="/assets/app.css" /><script type="module" src="/assets/app.js"></script>';
    assert.equal(script.rewriteIndex(html, 'app-X1.js', 'app-Y2.css'), '<link rel="stylesheet" href="/assets/app-Y2.css" /><script type="module" src="/assets/app-X1.js"></script>');
    assert.throws(() => script.rewriteIndex('<html></html>', 'app-X1.js', 'app-Y2.css'), /must name/);
  });
});
