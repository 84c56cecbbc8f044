/**
 * The review queue and reviewers' decisions on a real lowdb store in a temp
 * dir: what is flagged and why, what a decision stores (through a restart),
 * and the clear refusals of bad corrections.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listReviewItems, MAX_CORRECTION_CHARS, reviewConversation } from '../../src/learning/review.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { rejectionOf } from '../helpers/errors.ts';
import { collect, createTempDir } from '../storage/fixtures/records.ts';
import { putConversation } from './fixtures.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
let store: Awaited<ReturnType<typeof createLowdbStore>>;
beforeEach(async () => {
  tmp = await createTempDir();
  store = await createLowdbStore({ dir: tmp.dir, durable: false });
});
afterEach(async () => {
  await store.close();
  await tmp.remove();
});

const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('listReviewItems', () => {
  beforeEach(async () => {
    await putConversation(store, 'fine', [['user', 'hi'], ['bot', 'Hello! How can I help?'], ['user', 'thanks'], ['bot', 'You are welcome.', { feedback: { value: 'up', at: at(1) } }]], { updatedAt: at(1) });
    await putConversation(store, 'unsure', [['user', 'do you sell kayaks?'], ['bot', 'We sell kayaks in blue.', { confidence: -3.1 }]], { updatedAt: at(2) });
    await putConversation(store, 'fell-back', [['user', 'qwzx?'], ['bot', "Sorry, I didn't catch that — could you rephrase?", { fallback: true, confidence: -4 }]], { updatedAt: at(3) });
    await putConversation(store, 'disliked', [['user', 'where is my order?'], ['bot', 'It is lost.', { feedback: { value: 'down', at: at(4) } }], ['user', 'what?']], { updatedAt: at(4) });
    await putConversation(
      store,
      'handed-off',
      [['user', 'my card was charged twice'], ['bot', 'Please check your card.'], ['user', '/agent'], ['notice', "I've asked a person to join."], ['notice', 'A person has joined.'], ['agent', 'I have refunded the second charge.', { agentId: 'ana' }], ['agent', 'Anything else?', { agentId: 'ana' }]],
      { updatedAt: at(5), handoff: { state: 'accepted', agentId: 'ana', reason: 'command' } },
    );
  });

  it('lists low confidence, fallbacks, thumbs-down and hand-offs with their reasons and surroundings, newest first, and nothing from a fine conversation', async () => {
    const items = await listReviewItems(store);
    expect(items.map((i) => [i.conversationId, i.turnId, i.reasons])).toEqual([
      ['handed-off', 'handed-off-2', ['handoff']],
      ['disliked', 'disliked-2', ['thumbs-down']],
      ['fell-back', 'fell-back-2', ['fallback']],
      ['unsure', 'unsure-2', ['low-confidence']],
    ]);
    const handoff = items[0];
    expect(handoff.correctable).toBe(true);
    expect(handoff.turns.map((t) => t.speaker)).toEqual(['user', 'bot', 'user', 'notice', 'notice', 'agent', 'agent']);
    expect(handoff.turns[5].text).toBe('I have refunded the second charge.');
    expect(items[1].turns.map((t) => t.text)).toEqual(['where is my order?', 'It is lost.', 'what?']);
    expect(items[1].turns[1].feedback).toBe('down');
    expect(items[3].turns[1].confidence).toBe(-3.1);
  });

  it('honours the limit and a stricter confidence bar', async () => {
    expect(await listReviewItems(store, { limit: 2 })).toHaveLength(2);
    const strict = await listReviewItems(store, { minConfidence: -0.3 });
    expect(strict.map((i) => i.conversationId)).toContain('fine'); // its replies sit at −0.4
    expect(await rejectionOf(listReviewItems(store, { limit: 0 }))).toMatchObject({ code: 'colloquy_review_bad_argument' });
  });

  it('leaves reviewed conversations out unless asked, and shows the review then', async () => {
    await reviewConversation(store, 'disliked', { correct: [{ turnId: 'disliked-2', text: 'It arrives on Friday.' }] });
    await reviewConversation(store, 'unsure', { status: 'ignore' });
    const open = await listReviewItems(store);
    expect(open.map((i) => i.conversationId)).toEqual(['handed-off', 'fell-back']);
    const all = await listReviewItems(store, { includeReviewed: true });
    const disliked = all.find((i) => i.conversationId === 'disliked')!;
    expect(disliked.review).toMatchObject({ status: 'corrected', corrections: { 'disliked-2': 'It arrives on Friday.' } });
    expect(disliked.turns[1].correction).toBe('It arrives on Friday.');
    expect((await collect(store.list({ reviewed: true }))).map((s) => [s.id, s.reviewed]).sort()).toEqual([['disliked', 'corrected'], ['unsure', 'ignore']]);
  });

  it('flags the bot turn before an agent stepped in, or the agent turn when the bot never spoke', async () => {
    await putConversation(store, 'straight-to-agent', [['user', '/agent'], ['notice', 'asked'], ['agent', 'Hi, Ana here.', { agentId: 'ana', feedback: { value: 'down', at: at(9) } }]], { updatedAt: at(9), handoff: { state: 'accepted', agentId: 'ana' } });
    const [item] = await listReviewItems(store, { limit: 1 });
    expect(item).toMatchObject({ conversationId: 'straight-to-agent', turnId: 'straight-to-agent-3', correctable: false });
    expect(item.reasons.sort()).toEqual(['handoff', 'thumbs-down']);
  });
});

describe('reviewConversation', () => {
  beforeEach(async () => {
    await putConversation(store, 'c1', [['user', 'where is my order?'], ['bot', 'It is lost.', { feedback: { value: 'down', at: at(1) } }], ['user', 'and the refund?'], ['bot', 'No idea.']]);
  });

  it('stores a verdict and corrections in the log, through a restart, and keeps corrections when marked good later', async () => {
    const review = await reviewConversation(store, 'c1', { correct: [{ turnId: 'c1-2', text: '  It ships\r\ntomorrow.\u0007 ' }] }, 'ana');
    expect(review).toMatchObject({ status: 'corrected', reviewer: 'ana', corrections: { 'c1-2': 'It ships\ntomorrow.' } });
    await reviewConversation(store, 'c1', { correct: [{ turnId: 'c1-4', text: 'The refund takes 5 days.' }] }, 'ana');
    await reviewConversation(store, 'c1', { status: 'good' }, 'ben');
    await store.close();

    store = await createLowdbStore({ dir: tmp.dir, durable: false });
    const record = await store.get('c1');
    expect(record!.review).toMatchObject({ status: 'good', reviewer: 'ben', corrections: { 'c1-2': 'It ships\ntomorrow.', 'c1-4': 'The refund takes 5 days.' } });
    expect(Date.parse(record!.review!.reviewedAt)).not.toBeNaN();
    expect(record!.turns.map((t) => t.text)).toEqual(['where is my order?', 'It is lost.', 'and the refund?', 'No idea.']); // the log itself is untouched
    expect((await collect(store.list({ reviewed: true }))).map((s) => [s.id, s.reviewed])).toEqual([['c1', 'good']]);

    // the index rebuilt from the files knows the review too
    await store.close();
    await rm(join(tmp.dir, 'index.jsonl'));
    store = await createLowdbStore({ dir: tmp.dir, durable: false });
    expect((await collect(store.list({ reviewed: false }))).map((s) => s.id)).toEqual([]);
    expect((await collect(store.list({ reviewed: true }))).map((s) => s.reviewed)).toEqual(['good']);
  });

  it('refuses an unknown conversation, an unknown turn, a user turn, an empty and a huge correction, naming the problem, and stores nothing', async () => {
    const fix = (turnId: string, text: string) => ({ correct: [{ turnId, text }] });
    const cases: [string, () => Promise<unknown>, string][] = [
      ['colloquy_review_conversation_unknown', () => reviewConversation(store, 'nope', { status: 'good' }), 'nope'],
      ['colloquy_review_turn_unknown', () => reviewConversation(store, 'c1', fix('c1-99', 'x')), 'c1-99'],
      ['colloquy_review_turn_not_bot', () => reviewConversation(store, 'c1', fix('c1-1', 'x')), 'user turn'],
      ['colloquy_review_correction_empty', () => reviewConversation(store, 'c1', fix('c1-2', ' \n\t ')), 'empty'],
      ['colloquy_review_correction_too_long', () => reviewConversation(store, 'c1', fix('c1-2', 'a'.repeat(MAX_CORRECTION_CHARS + 1))), `${MAX_CORRECTION_CHARS}`],
      ['colloquy_review_decision_invalid', () => reviewConversation(store, 'c1', { status: 'great' } as never), 'good, bad or ignore'],
      ['colloquy_review_decision_invalid', () => reviewConversation(store, 'c1', { correct: [] }), 'non-empty'],
      ['colloquy_review_decision_invalid', () => reviewConversation(store, 'c1', null as never), 'missing'],
    ];
    for (const [code, attempt, says] of cases) {
      const err = await rejectionOf(attempt);
      expect(err.code, err.message).toBe(code);
      expect(err.message).toContain(says);
    }
    // one bad correction among good ones: none is stored
    await rejectionOf(reviewConversation(store, 'c1', { correct: [{ turnId: 'c1-2', text: 'fine' }, { turnId: 'c1-3', text: 'not a bot turn' }] }));
    expect((await store.get('c1'))!.review).toBeUndefined();
    expect(await store.get('nope')).toBeUndefined();
    expect(await reviewConversation(store, 'c1', fix('c1-2', 'a'.repeat(MAX_CORRECTION_CHARS)))).toMatchObject({ status: 'corrected' });
  });
});
