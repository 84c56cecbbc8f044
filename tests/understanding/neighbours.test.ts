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
import { combinedLogit, logit, pickIntent, Scorer, voteShares } from '../../src/understanding/scorer.ts';
import { trainScorer } from '../../src/understanding/train-scorer.ts';
import { madeUpShopTurns, smallScorer } from './made-up-shop.ts';

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

  it('lists the k nearest, most similar first, leaving out texts sharing no word', () => {
    const near = index.nearestMany('where is my order', 5);
    expect(near.map((n) => n.index)).toEqual([0, 1]);
    expect(near[0].similarity).toBeGreaterThan(near[1].similarity);
    expect(index.nearestMany('where is my order', 1)).toEqual([near[0]]);
  });
});

describe("the neighbours' vote on the intent", () => {
  it('gives each intent its share of the nearest similarities, floored so that none is ruled out', () => {
    const shares = voteShares([{ index: 0, similarity: 0.6 }, { index: 1, similarity: 0.2 }, { index: 2, similarity: 0.2 }], [1, 1, -1], 3);
    expect([...shares].map((x) => +x.toFixed(3))).toEqual([0.01, 1.01, 0.01]);
  });

  it('turns a close call of the networks toward what the nearest messages were, and leaves it alone without a vote', () => {
    const probabilities = Float32Array.from([0.5, 0.4, 0.1]);
    const towardB = voteShares([{ index: 0, similarity: 0.9 }], [1], 3);
    expect(pickIntent(['a', 'b', 'c'], probabilities, undefined, 0).name).toBe('a');
    expect(pickIntent(['a', 'b', 'c'], probabilities, towardB, 1).name).toBe('b');
    expect(pickIntent(['a', 'b', 'c'], Float32Array.from([0.98, 0.01, 0.01]), towardB, 0.5).name).toBe('a'); // a sure network keeps its answer
  });
});

describe('the scorer with its neighbour index', () => {
  const scorer = smallScorer();

  it('adds the distance to the network logit with a weight chosen at training', () => {
    expect(scorer.neighbours?.texts.length).toBeGreaterThan(20);
    expect(scorer.calibration.neighbourWeight).toBeGreaterThan(0);
    expect(combinedLogit(0.2, [{ value: 0, weight: 3 }])).toBeCloseTo(logit(0.2), 6);
    expect(combinedLogit(0.2, [{ value: 1, weight: 3 }])).toBeGreaterThan(logit(0.8));
  });

  it('scores a message unlike any training turn higher than its networks alone do', () => {
    const { neighbourWeight, intentWeight: _i, ...networksAlone } = scorer.calibration;
    const alone = scorer.withCalibration(networksAlone);
    const withDistance = scorer.withCalibration({ ...networksAlone, neighbourWeight });
    const question = 'how many moons does jupiter have';
    expect(withDistance.score(question)).toBeGreaterThan(alone.score(question));
  });

  it('adds its uncertainty about the intent, with a weight chosen at training: a message no intent fits scores higher', () => {
    const { neighbourWeight: _w, intentWeight, ...networksAlone } = scorer.calibration;
    expect(intentWeight).toBeGreaterThan(0);
    const alone = scorer.withCalibration(networksAlone);
    const withUncertainty = scorer.withCalibration({ ...networksAlone, intentWeight });
    const question = 'how many moons does jupiter have';
    expect(scorer.understand(question).intent!.probability).toBeLessThan(scorer.understand('where is my order 40411').intent!.probability);
    expect(withUncertainty.score(question)).toBeGreaterThan(alone.score(question));
  });

  it('saves its networks, neighbours and their intents; loaded, it reads every message alike', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-neighbours-'));
    dirs.push(dir);
    await scorer.save(dir);
    const loaded = await Scorer.load(dir);
    expect(loaded.networks.length).toBe(3);
    expect(loaded.neighbours?.labels).toEqual(scorer.neighbours?.labels);
    for (const q of ['where is my order 40411', 'how many moons does jupiter have', 'is the oak desk in stock']) expect(loaded.understand(q)).toEqual(scorer.understand(q));

    const bin = path.join(dir, 'scorer.bin');
    const bytes = await fs.readFile(bin);
    await fs.writeFile(bin, bytes.subarray(0, (bytes.length / 3) * 2));
    await expect(Scorer.load(dir)).rejects.toThrow(/holds \d+ numbers/);
  });

  it('loads a scorer file from before neighbours and several networks: one network, scoring alone', async () => {
    const single = trainScorer({ inDomain: madeUpShopTurns(), dim: 16, hidden: 16, buckets: 4096, epochs: 30, heldOut: 0.2, seed: 3, members: 1 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-neighbours-'));
    dirs.push(dir);
    await single.save(dir);
    const file = path.join(dir, 'scorer.json');
    const { neighbours: _n, neighbourWeight: _w, neighbourIntents: _i, intentVote: _v, intentWeight: _u, ...old } = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(old.members).toBeUndefined();
    await fs.writeFile(file, JSON.stringify(old));
    const before = await Scorer.load(dir);
    const { neighbourWeight: _x, intentVote: _y, intentWeight: _z, ...networkOnly } = single.calibration;
    expect(before.neighbours).toBeUndefined();
    for (const q of ['how many moons does jupiter have', 'is the oak desk in stock']) expect(before.understand(q)).toEqual(single.withCalibration(networkOnly).understand(q));
  });

  it('refuses a scorer file whose neighbours, their intents, the vote, the intent weight or the kind cues are malformed', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-neighbours-'));
    dirs.push(dir);
    await scorer.save(dir);
    const file = path.join(dir, 'scorer.json');
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify({ ...saved, neighbours: [1, 2] }));
    await expect(Scorer.load(dir)).rejects.toThrow(/neighbours/);
    await fs.writeFile(file, JSON.stringify({ ...saved, neighbourIntents: [0] }));
    await expect(Scorer.load(dir)).rejects.toThrow(/neighbourIntents/);
    await fs.writeFile(file, JSON.stringify({ ...saved, intentWeight: 'high' }));
    await expect(Scorer.load(dir)).rejects.toThrow(/intentWeight/);
    await fs.writeFile(file, JSON.stringify({ ...saved, intentVote: { voters: 0, weight: 1 } }));
    await expect(Scorer.load(dir)).rejects.toThrow(/intentVote/);
    await fs.writeFile(file, JSON.stringify({ ...saved, cues: { words: ['livid'], counts: [[3]], totals: [10, 10, 100] } }));
    await expect(Scorer.load(dir)).rejects.toThrow(/cues/);
  });
});
