/**
 * The nearest training message beside the scorer's network: a message far
 * from everything the bot's users have asked raises the out-of-scope score;
 * scorers saved before the neighbour index still load and score as before.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NeighbourIndex } from '../../src/understanding/neighbours.ts';
import { Scorer, withNeighbourDistance } from '../../src/understanding/scorer.ts';
import { smallScorer } from './made-up-shop.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('NeighbourIndex', () => {
  const index = new NeighbourIndex(['where is my order', 'cancel my order please', 'do you have the wool scarf in stock']);

  it('finds the training message sharing the most telling words', () => {
    expect(index.nearest('where is order 40411').index).toBe(0);
    expect(index.nearest('is the scarf in stock?').index).toBe(2);
  });

  it('measures 0 for a message seen in training and 1 for one sharing no word with any', () => {
    expect(index.distance('Where is my order?')).toBeCloseTo(0, 6);
    expect(index.distance('bonjour tout le monde')).toBe(1);
    expect(index.distance("what's the capital of france")).toBeGreaterThan(0.8); // only "the" in common
    expect(index.distance('')).toBe(1);
  });

  it('gives the same answers twice (its scratch space is cleared after every lookup)', () => {
    const first = index.nearest('cancel the order');
    expect(index.nearest('cancel the order')).toEqual(first);
  });
});

describe('the scorer with its neighbour index', () => {
  const scorer = smallScorer();

  it('adds the distance to the network logit with a weight chosen at training', () => {
    expect(scorer.neighbours?.texts.length).toBeGreaterThan(20);
    expect(scorer.calibration.neighbourWeight).toBeGreaterThan(0);
    expect(withNeighbourDistance(0.2, 0, 3)).toBeCloseTo(0.2, 6);
    expect(withNeighbourDistance(0.2, 1, 3)).toBeGreaterThan(0.8);
  });

  it('scores a message unlike any training turn higher than its network alone does', () => {
    const { neighbourWeight: _w, ...networkOnly } = scorer.calibration;
    const alone = scorer.withCalibration(networkOnly);
    const question = 'how many moons does jupiter have';
    expect(scorer.score(question)).toBeGreaterThan(alone.score(question));
  });

  it('saves its neighbours; a scorer file from before them loads and scores with its network alone', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-neighbours-'));
    dirs.push(dir);
    await scorer.save(dir);
    const loaded = await Scorer.load(dir);
    for (const q of ['where is my order 40411', 'how many moons does jupiter have']) expect(loaded.score(q)).toBe(scorer.score(q));

    const file = path.join(dir, 'scorer.json');
    const { neighbours: _n, neighbourWeight: _w, ...old } = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify(old));
    const before = await Scorer.load(dir);
    const { neighbourWeight: _x, ...networkOnly } = scorer.calibration;
    expect(before.neighbours).toBeUndefined();
    expect(before.score('how many moons does jupiter have')).toBe(scorer.withCalibration(networkOnly).score('how many moons does jupiter have'));
  });

  it('refuses a scorer file whose neighbour list is not messages', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-neighbours-'));
    dirs.push(dir);
    await scorer.save(dir);
    const file = path.join(dir, 'scorer.json');
    await fs.writeFile(file, JSON.stringify({ ...JSON.parse(await fs.readFile(file, 'utf8')), neighbours: [1, 2] }));
    await expect(Scorer.load(dir)).rejects.toThrow(/neighbours/);
  });
});
