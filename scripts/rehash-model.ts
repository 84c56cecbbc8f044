/**
 * Records the sha256 of a model's files (weights.bin, tokenizer.json,
 * replies.json, scorer files) and the weights' version in its manifest.
 * Loading refuses a model whose files do not match, so run this after
 * changing files in a model directory on purpose:
 *
 *   npm run model:rehash                 # models/default
 *   npm run model:rehash -- models/mybot
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rehashModel } from '../src/model/integrity.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [path.join(root, 'models', 'default')];
for (const dir of dirs) {
  const { version, files, changed } = await rehashModel(dir);
  process.stdout.write(`${dir}: version ${version}, ${Object.keys(files).length} files hashed (${Object.keys(files).join(', ')}); ${changed.length ? `changed: ${changed.join(', ')}` : 'nothing changed'}\n`);
}
