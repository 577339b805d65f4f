// Bundles the extension into dist/extension.js (vscode stays external: the editor provides it).
// With --tests, also bundles each test file into out/ for mocha.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'fs';
import { join } from 'path';

const here = new URL('..', import.meta.url).pathname;
const withTests = process.argv.includes('--tests');

await build({
  entryPoints: [join(here, 'src/extension.ts')],
  outfile: join(here, 'dist/extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  sourcemap: 'linked',
  logLevel: 'warning',
});

if (withTests) {
  const testFiles = (dir) =>
    readdirSync(join(here, dir), { recursive: true })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(here, dir, f));
  rmSync(join(here, 'out'), { recursive: true, force: true });
  await build({
    entryPoints: [...testFiles('test')],
    outdir: join(here, 'out'),
    outbase: here,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // Resolved at run time by test/fake/register.ts to the fake in test/fake/vscode.ts. Tests
    // that import the fake directly get the same instance as the code under test.
    external: ['vscode', 'mocha'],
    plugins: [
      {
        name: 'one-fake-vscode',
        setup(b) {
          b.onResolve({ filter: /fake\/vscode$/ }, () => ({ path: 'vscode', external: true }));
        },
      },
    ],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
