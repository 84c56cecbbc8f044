import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.ts';
import { BUILTIN_EXAMPLES } from '../../src/understanding/builtin-examples.ts';
import { sampleMessages } from '../../src/understanding/example-templates.ts';
import { words } from '../../src/understanding/features.ts';

const FIXTURES = path.join(PROJECT_ROOT, 'bench/fixtures');
const heldOut = readdirSync(FIXTURES)
  .filter((f) => f.startsWith('understanding-') && f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(path.join(FIXTURES, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string));
const normalized = (text: string) => words(text).join(' ');

describe('built-in examples', () => {
  it('never contain a held-out phrasing the benchmark scores on', () => {
    const builtin = new Set(Object.values(BUILTIN_EXAMPLES).flat().map(normalized));

    expect(heldOut.length).toBeGreaterThanOrEqual(160);
    expect(heldOut.filter((t) => builtin.has(normalized(t)))).toEqual([]);
  });

  it('cover requests for a person and frustration with many distinct phrasings', () => {
    for (const kind of ['asks-for-person', 'frustrated'] as const) expect(new Set(BUILTIN_EXAMPLES[kind].map(normalized)).size, kind).toBeGreaterThan(1000);
  });

  it('are written the same way every time (the scorer file is reproducible)', () => {
    const templates = [[['a ', 'b '], ['x', 'y', 'z']]];

    expect(sampleMessages(templates, { count: 5, seed: 3 })).toEqual(sampleMessages(templates, { count: 5, seed: 3 }));
    expect(sampleMessages(templates, { count: 50, seed: 3, withContext: 0 }).length).toBeGreaterThan(6);
  });
});
