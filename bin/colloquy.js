#!/usr/bin/env node
// In a clone, runs the TypeScript sources directly (tsx), so there is no build step;
// in an installed package (no src/, only the compiled dist/), runs the compiled code.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/src/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
