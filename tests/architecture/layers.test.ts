/**
 * The layering rules of .dependency-cruiser.cjs, run inside `npm test` through dependency-cruiser's
 * API (its CLI refuses Node 20): the project passes, and each rule catches the import it forbids.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/tiny.ts';

const config = createRequire(import.meta.url)(path.join(PROJECT_ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

/** Cruises `roots` under `baseDir` with the project's rules; returns the summary. */
async function check(baseDir: string, roots: string[]): Promise<ICruiseResult['summary']> {
  const { output } = await cruise(roots, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  return (output as ICruiseResult).summary;
}

const violationsOf = (summary: ICruiseResult['summary']) => summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);

describe('the layering', () => {
  it('holds for src/ and adapters/', async () => {
    const summary = await check(PROJECT_ROOT, ['src', 'adapters', 'bin']);

    expect(summary.totalCruised).toBeGreaterThan(150);
    expect(violationsOf(summary)).toEqual([]);
  });

  describe('each rule catches what it forbids', () => {
    let tree: string;
    afterAll(() => fs.rm(tree, { recursive: true, force: true }));

    it('deep imports from adapters, the model reaching the engine, the engine reaching channels or training, and runtime cycles', async () => {
      tree = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-layers-'));
      const files: Record<string, string> = {
        'src/index.ts': "export { x } from './engine/engine.ts';\n",
        'src/engine/engine.ts': "import { t } from '../training/trainer.ts';\nexport const x = t;\n",
        'src/training/trainer.ts': 'export const t = 1;\n',
        'src/model/lstm.ts': "import { s } from '../storage/store.ts';\nexport const m = s;\n",
        'src/storage/store.ts': 'export const s = 1;\n',
        'src/data/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
        'src/data/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
        'src/data/c.ts': "import type { D } from './d.ts';\nexport interface C { d?: D }\n",
        'src/data/d.ts': "import type { C } from './c.ts';\nexport interface D { c?: C }\n",
        'adapters/toy/channel.ts': "import { x } from '../../src/index.ts';\nimport { s } from '../../src/storage/store.ts';\nexport const c = [x, s];\n",
      };
      for (const [file, text] of Object.entries(files)) {
        await fs.mkdir(path.dirname(path.join(tree, file)), { recursive: true });
        await fs.writeFile(path.join(tree, file), text);
      }

      const found = violationsOf(await check(tree, ['src', 'adapters']));

      expect(found).toEqual(expect.arrayContaining([
        'adapters-use-the-public-api: adapters/toy/channel.ts -> src/storage/store.ts',
        'model-is-pure: src/model/lstm.ts -> src/storage/store.ts',
        'engine-knows-no-channels-or-training: src/engine/engine.ts -> src/training/trainer.ts',
        expect.stringMatching(/^no-cycles: src\/data\/(a|b)\.ts -> src\/data\/(b|a)\.ts$/),
      ]));
      expect(found.some((v) => v.includes('adapters/toy/channel.ts -> src/index.ts'))).toBe(false);
      expect(found.filter((v) => v.includes('src/data/c.ts')), 'a cycle of `import type` only is erased at runtime: allowed').toEqual([]);
    });
  });
});
