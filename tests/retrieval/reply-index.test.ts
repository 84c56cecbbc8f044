import { describe, expect, it } from 'vitest';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';
import { isColloquyError } from '../../src/errors.ts';
import { contextBefore, ReplyIndex } from '../../src/retrieval/reply-index.ts';

const u = (text: string): Turn => ({ speaker: 'user', text });
const b = (text: string): Turn => ({ speaker: 'bot', text });

const dialogues: Dialogue[] = [
  { id: 'table', turns: [u('Book a table at Sino'), b('Shall I book the table at Sino for 2?'), u('Yes please'), b('Your table at Sino is booked.')] },
  { id: 'money', turns: [u('Send 20 dollars to Anna'), b('Shall I transfer the money to Anna?'), u('Yes please'), b('The money is on its way to Anna.')] },
  { id: 'hours', turns: [u('When do you open?'), { speaker: 'agent', text: 'We open at 9.' }, u('thanks'), b('')] },
];
const errorOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('ReplyIndex', () => {
  const index = ReplyIndex.build(dialogues);

  it('indexes every non-empty bot-side reply to a user turn, with up to three turns of context, newest first', () => {
    expect(index.replies.map((r) => r.reply)).toEqual(['Shall I book the table at Sino for 2?', 'Your table at Sino is booked.', 'Shall I transfer the money to Anna?', 'The money is on its way to Anna.', 'We open at 9.']);
    expect(index.replies[1].context).toEqual(['Yes please', 'Shall I book the table at Sino for 2?', 'Book a table at Sino']);
    expect(contextBefore(dialogues[0].turns, 1)).toEqual(['Book a table at Sino']);
    expect(contextBefore(dialogues[0].turns, 2)).toBeUndefined(); // turn 1 is the bot's
    expect(contextBefore([u('hi')], 1)).toEqual(['hi']); // the reply still to come
  });

  it('finds the replies after the most similar contexts, told apart by the bot turn before the user', () => {
    expect(index.search(['yes please', 'Shall I transfer the money?'])).toEqual(['The money is on its way to Anna.']);
    expect(index.search(['yes please', 'Should I book that table?'])).toEqual(['Your table at Sino is booked.']);
    expect(index.search(['when do you open'])).toEqual(['We open at 9.']);
    // The user turn alone cannot tell them apart: the earlier indexed reply wins the tie.
    const userOnly = ReplyIndex.build(dialogues, { contextWeight: 0, commonTermShare: 1 });
    expect(userOnly.search(['yes please', 'Shall I transfer the money?'])).toEqual(['Your table at Sino is booked.']);
  });

  it('returns the k best, best first, and nothing for unknown words', () => {
    const everyTerm = ReplyIndex.build(dialogues, { contextWeight: 0.5, commonTermShare: 1 });
    expect(everyTerm.search(['yes please', 'Shall I transfer the money?'], 3)).toEqual(['The money is on its way to Anna.', 'Your table at Sino is booked.']);
    expect(everyTerm.search(['zebra quantum'], 3)).toEqual([]);
    expect(everyTerm.search(['Book a table at Sino, and send money to Anna'], 2)).toEqual(['Shall I book the table at Sino for 2?', 'Shall I transfer the money to Anna?']);
  });

  it('skips terms too common to rank', () => {
    const common = ReplyIndex.build(dialogues, { contextWeight: 0, commonTermShare: 0.3 });
    expect(common.search(['please'])).toEqual([]); // in 2 of the 5 indexed user turns: above 0.3
    expect(ReplyIndex.build(dialogues, { contextWeight: 0, commonTermShare: 1 }).search(['please'])).toHaveLength(1);
  });

  it('survives its JSON form, options included, and refuses a malformed one', () => {
    const again = ReplyIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
    expect(again.options).toEqual(index.options);
    for (const q of [['yes please', 'Shall I transfer the money?'], ['Book a table'], ['when do you open']]) expect(again.search(q, 3)).toEqual(index.search(q, 3));
    const good = index.toJSON() as Record<string, unknown>;
    for (const bad of [null, {}, { ...good, version: 2 }, { ...good, replies: 'x' }, { ...good, replies: [['only a reply']] }, { ...good, replies: [[1, 2]] }, { ...good, commonTermShare: 3 }]) {
      expect(isColloquyError(errorOf(() => ReplyIndex.fromJSON(bad)), 'retrieval_invalid'), JSON.stringify(bad).slice(0, 80)).toBe(true);
    }
  });

  it('refuses dialogues with no user turn answered by the bot', () => {
    expect(isColloquyError(errorOf(() => ReplyIndex.build([{ id: 'x', turns: [u('hi'), u('hello?')] }])), 'retrieval_empty')).toBe(true);
  });
});
