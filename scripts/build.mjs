// `npm run build` (and `npm pack`, through prepack): compiles src/ and adapters/ to dist/ with
// declarations, then copies the files the compiled code reads next to itself (the widget and
// admin pages, the wasm thread worker) to the same places under dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = ['adapters/web/public', 'src/ops/public', 'src/runtime/wasm-thread-worker.cjs'];

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const asset of ASSETS) cpSync(path.join(root, asset), path.join(root, 'dist', asset), { recursive: true });
console.log('built dist/');
