/**
 * The words that mark a request for a person or frustration wherever they
 * stand in a message, and the tone the lower-cased words lose.
 */
import { describe, expect, it } from 'vitest';
import { denseFeatures, words } from '../../src/understanding/features.ts';
import { KindCues } from '../../src/understanding/kind-cues.ts';

const MESSAGES: [string, string][] = [
  ['this is ridiculous', 'frustrated'],
  ['ridiculous service again', 'frustrated'],
  ['so ridiculous, where is it', 'frustrated'],
  ['i am livid about this', 'frustrated'],
  ['livid, just livid', 'frustrated'],
  ['still livid', 'frustrated'],
  ['human please', 'asks-for-person'],
  ['get me a human', 'asks-for-person'],
  ['a human now', 'asks-for-person'],
  ['where is this order', 'ordinary'],
  ['is this in stock', 'ordinary'],
  ['this one please', 'ordinary'],
  ['can i return this', 'calm'],
  ['what is the capital of spain', 'off-topic'],
];
const cues = KindCues.learn(
  MESSAGES.map(([text]) => words(text)),
  MESSAGES.map(([, kind]) => kind),
);
const [PERSON, FRUSTRATED] = [0, 1];

describe('kind cues', () => {
  it('find the words that mark a kind, and not the words every kind uses', () => {
    expect(cues.strongest(['ridiculous'])[FRUSTRATED]).toBeGreaterThan(0.2);
    expect(cues.strongest(['ridiculous'])[PERSON]).toBe(0);
    expect(cues.strongest(['human'])[PERSON]).toBeGreaterThan(0.2);
    expect(Array.from(cues.strongest(['this', 'please', 'where']))).toEqual([0, 0]);
    expect(Array.from(cues.strongest(['kettle']))).toEqual([0, 0]);
  });

  it('take the strongest word of a message, however many others surround it', () => {
    const alone = cues.strongest(['livid'])[FRUSTRATED];
    expect(alone).toBeGreaterThan(0);
    expect(cues.strongest(words('the oak desk from order 40411 arrived with a scratch on the left leg and i am livid'))[FRUSTRATED]).toBe(alone);
  });

  it('leave a training message’s own counts out, so a word only a few messages share is no cue to those messages', () => {
    // "ridiculous" is in exactly three angry messages: a cue for a new message, but not for one of the three
    expect(cues.strongest(['ridiculous'])[FRUSTRATED]).toBeGreaterThan(0);
    expect(cues.strongest(['ridiculous'], 'frustrated')[FRUSTRATED]).toBe(0);
    expect(cues.strongest(['ridiculous'], 'ordinary')[FRUSTRATED]).toBeGreaterThan(cues.strongest(['ridiculous'])[FRUSTRATED]);
  });

  it('read the same from their saved counts', () => {
    const loaded = new KindCues(JSON.parse(JSON.stringify(cues.file)));
    for (const text of ['this is ridiculous', 'human please', 'where is my order']) expect(loaded.strongest(words(text))).toEqual(cues.strongest(words(text)));
  });
});

describe('dense inputs', () => {
  const known = () => true;
  const tone = (text: string) => Array.from(denseFeatures(text, words(text), known).subarray(3, 7));

  it('read the shouting, doubled marks, exclamation marks and starred-out swearing that lower-cased words lose', () => {
    expect(tone('where is my order')).toEqual([0, 0, 0, 0]);
    expect(tone('WHERE IS MY ORDER')[0]).toBe(1);
    expect(tone('where is my order. FIX IT NOW')[0]).toBeCloseTo(2 / 4);
    expect(tone('where is my order??')[1]).toBe(1);
    expect(tone('where is my order?!')[1]).toBe(1);
    expect(tone('thanks! great!')[2]).toBeCloseTo(2 / 3);
    expect(tone('what the f*** is going on')[3]).toBe(1);
    expect(tone('this is sh*t')[3]).toBe(1);
    expect(tone('order 4*5 items')[3]).toBe(0);
  });

  it('give every message the same number of inputs, with or without cues', () => {
    const cue = (ws: readonly string[]) => cues.strongest(ws);
    expect(denseFeatures('hi', ['hi'], known).length).toBe(denseFeatures('hi', ['hi'], known, cue).length);
    expect(denseFeatures('i am livid', words('i am livid'), known, cue)[8]).toBeGreaterThan(0);
  });
});
