import { describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import { splitDialogues, splitHash } from '../../src/data/split.ts';
import { isColloquyError } from '../../src/errors.ts';

const make = (n: number, prefix = 'd'): Dialogue[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, turns: [{ speaker: 'user', text: `hi ${i}` }] }));
const ids = (ds: Dialogue[]) => ds.map((d) => d.id);

describe('splitDialogues', () => {
  it('is deterministic by seed and roughly honours the fraction', () => {
    const ds = make(2000);
    const a = splitDialogues(ds, { validFraction: 0.1, seed: 1 });
    const b = splitDialogues(ds, { validFraction: 0.1, seed: 1 });
    const c = splitDialogues(ds, { validFraction: 0.1, seed: 2 });
    expect(ids(a.valid)).toEqual(ids(b.valid));
    expect(ids(a.valid)).not.toEqual(ids(c.valid));
    expect(a.train.length + a.valid.length).toBe(2000);
    expect(a.valid.length).toBeGreaterThan(150);
    expect(a.valid.length).toBeLessThan(250);
  });

  it('keeps existing dialogues on the same side when the corpus grows', () => {
    const small = splitDialogues(make(500), { validFraction: 0.2, seed: 9 });
    const grown = splitDialogues([...make(300, 'new'), ...make(500)], { validFraction: 0.2, seed: 9 });
    const grownValid = new Set(ids(grown.valid));
    for (const d of small.valid) expect(grownValid.has(d.id)).toBe(true);
    for (const d of small.train) expect(grownValid.has(d.id)).toBe(false);
  });

  it('keeps input order within each side', () => {
    const { train, valid } = splitDialogues(make(100), { validFraction: 0.3, seed: 3 });
    const index = (d: Dialogue) => Number(d.id.slice(1));
    expect(train.map(index)).toEqual([...train.map(index)].sort((x, y) => x - y));
    expect(valid.map(index)).toEqual([...valid.map(index)].sort((x, y) => x - y));
  });

  it('never leaves train empty; valid is empty only for a single dialogue or a zero fraction', () => {
    expect(splitDialogues(make(1), { validFraction: 0.9, seed: 0 })).toEqual({ train: make(1), valid: [] });
    const all = splitDialogues(make(5), { validFraction: 1, seed: 0 });
    expect(all.train).toHaveLength(1);
    expect(all.valid).toHaveLength(4);
    for (let seed = 0; seed < 20; seed++) {
      const two = splitDialogues(make(2), { validFraction: 0.01, seed });
      expect([two.train.length, two.valid.length]).toEqual([1, 1]);
    }
    expect(splitDialogues(make(10), { validFraction: 0, seed: 0 }).valid).toEqual([]);
    expect(splitDialogues([], { validFraction: 0.1, seed: 0 })).toEqual({ train: [], valid: [] });
  });

  it('rejects a fraction outside 0–1', () => {
    expect(() => splitDialogues(make(3), { validFraction: 1.5, seed: 0 })).toThrow(/validFraction/);
    let err: unknown;
    try {
      splitDialogues(make(3), { validFraction: Number.NaN, seed: 0 });
    } catch (e) {
      err = e;
    }
    expect(isColloquyError(err, 'split_invalid')).toBe(true);
  });
});

describe('splitHash', () => {
  it('returns a stable number in [0, 1)', () => {
    const h = splitHash('1_00000', 42);
    expect(h).toBe(splitHash('1_00000', 42));
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(1);
    expect(splitHash('1_00000', 43)).not.toBe(h);
  });
});
