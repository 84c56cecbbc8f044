/**
 * The terminal review session at a prompt (interactive mode over in-memory
 * streams, a real lowdb store): prompts, help, a correction typed on the line
 * after `c`, a verdict that settles the conversation's other items, Ctrl-C.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runReviewSession } from '../../src/learning/review-session.ts';
import { listReviewItems } from '../../src/learning/review.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { createTempDir } from '../storage/fixtures/records.ts';
import { putConversation } from './fixtures.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
let store: Awaited<ReturnType<typeof createLowdbStore>>;
beforeEach(async () => {
  tmp = await createTempDir();
  store = await createLowdbStore({ dir: tmp.dir, durable: false });
  await putConversation(store, 'two-flags', [['user', 'a?'], ['bot', 'first miss', { fallback: true, confidence: -4 }], ['user', 'b?'], ['bot', 'second miss', { fallback: true, confidence: -4 }]], { updatedAt: '2025-01-01T10:02:00.000Z' });
  await putConversation(store, 'disliked', [['user', 'refund?'], ['bot', 'No.', { feedback: { value: 'down', at: 'x' } }]], { updatedAt: '2025-01-01T10:01:00.000Z' });
});
afterEach(async () => {
  await store.close();
  await tmp.remove();
});

/** Runs a session at a "terminal"; `answer` is called each time the session prompts, with the output so far. */
async function atPrompt(answer: (prompt: string, output: string) => string | 'ctrl-c') {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  let prompts = 0;
  output.on('data', (d: Buffer) => {
    text += d.toString();
    const m = /(review|reply)> $/.exec(text);
    if (!m) return;
    const count = text.split(/(?:review|reply)> /).length - 1;
    if (count === prompts) return;
    prompts = count;
    const reply = answer(m[1], text);
    setImmediate(() => input.write(reply === 'ctrl-c' ? '\u0003' : reply + '\n'));
  });
  const items = await listReviewItems(store);
  const summary = await runReviewSession({ store, items, input, output, interactive: true, reviewer: 'ana' });
  return { summary, text };
}

describe('runReviewSession at a prompt', () => {
  it('prompts, helps, takes a correction on the next line, and a verdict settles the rest of that conversation', async () => {
    const script = ['?', 'g', 'c', 'Refunds take 5 days once the parcel is back.'];
    const { summary, text } = await atPrompt(() => script.shift() ?? 'q');
    expect(text).toContain('g good · b bad · i ignore');
    expect(text).toContain('reply> ');
    expect(summary).toEqual({ good: 1, bad: 0, ignored: 0, corrections: 1, skipped: 0, left: 0 });
    expect(text).not.toContain('[2/3]'); // the verdict covered the conversation's second item
    expect((await store.get('two-flags'))!.review).toMatchObject({ status: 'good', reviewer: 'ana', corrections: {} });
    expect((await store.get('disliked'))!.review).toMatchObject({ status: 'corrected', corrections: { 'disliked-2': 'Refunds take 5 days once the parcel is back.' } });
  });

  it('ends on Ctrl-C, keeping what was decided', async () => {
    const script: (string | 'ctrl-c')[] = ['s', 'ctrl-c'];
    const { summary } = await atPrompt(() => script.shift() ?? 'q');
    expect(summary).toMatchObject({ skipped: 1, left: 2 });
    expect((await store.get('two-flags'))!.review).toBeUndefined();
  });
});
