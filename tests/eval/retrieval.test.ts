import { describe, expect, it } from 'vitest';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';
import { isColloquyError } from '../../src/errors.ts';
import { createRetrievalBaseline } from '../../src/eval/retrieval.ts';

const u = (text: string): Turn => ({ speaker: 'user', text });
const b = (text: string): Turn => ({ speaker: 'bot', text });

const train: Dialogue[] = [
  { id: '1', turns: [u('Where is my parcel?'), b('It ships tomorrow.'), u('Can I get a refund?'), b('Refunds take 5 days.')] },
  { id: '2', turns: [u('What are your opening hours?'), { speaker: 'agent', text: 'We open at 9.' }] },
  { id: '3', turns: [u('Thanks'), b('You are welcome!'), u('Thanks'), b('Anytime.')] },
  { id: '4', turns: [b('Hello, how can I help?'), u('I want to reset my password'), b('Use the reset link.')] },
];

describe('createRetrievalBaseline', () => {
  const baseline = createRetrievalBaseline(train);

  it('answers with the bot turn after the most similar training user turn', () => {
    expect(baseline.reply([u('where is my PARCEL')])).toBe('It ships tomorrow.');
    expect(baseline.reply([u('refund please')])).toBe('Refunds take 5 days.');
    expect(baseline.reply([u('password reset?')])).toBe('Use the reset link.');
    expect(baseline.reply([u('opening hours')])).toBe('We open at 9.');
  });

  it('uses the last user turn of the context', () => {
    const context = [u('Where is my parcel?'), b('It ships tomorrow.'), u('ok, can I get a refund then')];
    expect(baseline.reply(context)).toBe('Refunds take 5 days.');
    expect(baseline.reply([...context, b('Anything else?')])).toBe('Refunds take 5 days.');
  });

  it('breaks ties by training order', () => {
    expect(baseline.reply([u('thanks')])).toBe('You are welcome!');
  });

  it('falls back to the first training reply when nothing matches', () => {
    expect(baseline.reply([u('zebra quantum')])).toBe('It ships tomorrow.');
    expect(baseline.reply([])).toBe('It ships tomorrow.');
    expect(baseline.reply([b('Hello')])).toBe('It ships tomorrow.');
  });

  it('prefers rarer words (idf) over common ones', () => {
    const bl = createRetrievalBaseline([
      { id: 'a', turns: [u('my my my order'), b('A')] },
      { id: 'b', turns: [u('my invoice'), b('B')] },
      { id: 'c', turns: [u('my account'), b('C')] },
    ]);
    expect(bl.reply([u('my invoice order')])).toBe('B');
  });

  it('refuses a corpus with no user→bot pair', () => {
    let err: unknown;
    try {
      createRetrievalBaseline([{ id: 'x', turns: [u('hi'), u('hello?')] }]);
    } catch (e) {
      err = e;
    }
    expect(isColloquyError(err, 'retrieval_empty')).toBe(true);
  });
});
