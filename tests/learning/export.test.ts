/**
 * The training export on a real lowdb store: only what a person approved,
 * corrections and agents' replies in place of the bot's bad turns, redaction,
 * duplicates, the held-back share, the report, and the files it writes.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/data/corpus-file.ts';
import { exportTrainingSet, heldBackFileFor, writeTrainingExport } from '../../src/learning/export.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { rejectionOf } from '../helpers/errors.ts';
import { createTempDir } from '../storage/fixtures/records.ts';
import { putConversation, reviewed } from './fixtures.ts';

let tmp: Awaited<ReturnType<typeof createTempDir>>;
let store: Awaited<ReturnType<typeof createLowdbStore>>;
beforeEach(async () => {
  tmp = await createTempDir();
  store = await createLowdbStore({ dir: join(tmp.dir, 'log'), durable: false });
});
afterEach(async () => {
  await store.close();
  await tmp.remove();
});

const texts = (d: { turns: { speaker: string; text: string }[] }) => d.turns.map((t) => `${t.speaker}: ${t.text}`);

describe('exportTrainingSet', () => {
  it('takes only reviewed-good and corrected conversations unless unreviewed ones are asked for, and counts why it left the rest', async () => {
    await putConversation(store, 'good', [['user', 'hi'], ['bot', 'Hello! How can I help?']], { review: reviewed('good') });
    await putConversation(store, 'fixed', [['user', 'where is my order?'], ['bot', 'It is lost.']], { review: reviewed('corrected', { 'fixed-2': 'It arrives on Friday.' }) });
    await putConversation(store, 'bad', [['user', 'refund?'], ['bot', 'No.']], { review: reviewed('bad') });
    await putConversation(store, 'spam', [['user', 'buy cheap watches'], ['bot', 'Sorry?']], { review: reviewed('ignore') });
    await putConversation(store, 'fresh', [['user', 'do you ship to Norway?'], ['bot', 'Yes, in 5 days.']]);
    await putConversation(store, 'two-sessions', [['user', 'hello'], ['bot', 'Hi!'], ['user', 'bye', { sessionId: 's2' }], ['bot', 'Bye!', { sessionId: 's2' }]]);

    const exp = await exportTrainingSet(store);
    expect(exp.dialogues.map(texts).sort()).toEqual([['user: hi', 'bot: Hello! How can I help?'], ['user: where is my order?', 'bot: It arrives on Friday.']].sort());
    expect(exp.heldBack).toEqual([]);
    expect(exp.report).toMatchObject({ taken: 2, conversations: 6, corrected: 1, skipped: { unreviewed: 3, 'marked-bad': 1, ignored: 1 } });
    expect(JSON.stringify(exp)).not.toContain('It is lost.');

    const all = await exportTrainingSet(store, { includeUnreviewed: true });
    expect(all.report).toMatchObject({ taken: 5, skipped: { 'marked-bad': 1, ignored: 1 } });
    expect(all.report.skipped.unreviewed).toBeUndefined();
    expect(all.dialogues.map((d) => d.id).sort()).toEqual(['fixed#1', 'fresh#1', 'good#1', 'two-sessions#1', 'two-sessions#2']);
  });

  it("puts corrections and agents' replies in place of the bad bot turns, and drops notices, commands and uncorrected fallbacks", async () => {
    await putConversation(
      store,
      'handoff',
      [
        ['user', 'my card was charged twice'],
        ['bot', "Sorry, I didn't catch that — could you rephrase?", { fallback: true, confidence: -4 }],
        ['user', 'I was charged twice for order 1234'],
        ['bot', 'Check your spam folder.', { confidence: -2.9 }],
        ['user', '/agent'],
        ['notice', "I've asked a person to join."],
        ['agent', 'I have refunded the second charge.', { agentId: 'ana' }],
        ['user', 'thank you'],
        ['agent', 'You are welcome!', { agentId: 'ana' }],
        ['notice', 'The person has left the conversation.'],
        ['user', 'one more thing'],
      ],
      { review: reviewed('corrected', { 'handoff-4': 'Let me look at order 1234 for you.' }) },
    );
    const { dialogues, report } = await exportTrainingSet(store);
    expect(dialogues.map(texts)).toEqual([[
      'user: my card was charged twice',
      'user: I was charged twice for order 1234',
      'bot: Let me look at order 1234 for you.',
      'bot: I have refunded the second charge.',
      'user: thank you',
      'bot: You are welcome!',
    ]]);
    expect(report).toMatchObject({ taken: 1, corrected: 1, agentTurns: 2, droppedFallbacks: 1 });
  });

  it('redacts emails, phones, cards and IBANs in texts, corrections and ids', async () => {
    await putConversation(
      store,
      'mail:ana@example.com',
      [['user', 'I am ana@example.com, call +44 20 7946 0958'], ['bot', 'Noted.'], ['user', 'card 4111 1111 1111 1111, iban DE89 3704 0044 0532 0130 00'], ['bot', 'Thanks.']],
      { review: reviewed('corrected', { 'mail:ana@example.com-4': 'Never send card numbers like 4111 1111 1111 1111 here; write to help@shop.example instead.' }) },
    );
    const { dialogues } = await exportTrainingSet(store);
    const json = JSON.stringify(dialogues);
    for (const secret of ['ana@example.com', '7946', '4111', 'DE89', 'help@shop.example']) expect(json).not.toContain(secret);
    expect(dialogues[0].id).toBe('mail:[email]#1');
    expect(texts(dialogues[0])).toEqual(['user: I am [email], call [phone]', 'bot: Noted.', 'user: card [card], iban [iban]', 'bot: Never send card numbers like [card] here; write to [email] instead.']);
  });

  it('removes duplicates (case and spacing aside) and skips conversations with nothing to learn', async () => {
    await putConversation(store, 'a', [['user', 'Hi'], ['bot', 'Hello!']], { review: reviewed('good') });
    await putConversation(store, 'b', [['user', '  hi '], ['bot', 'HELLO!']], { review: reviewed('good') });
    await putConversation(store, 'c', [['user', 'hi'], ['bot', 'Hello! How can I help?']], { review: reviewed('good') });
    await putConversation(store, 'only-user', [['user', 'anyone?']], { review: reviewed('good') });
    await putConversation(store, 'no-turns', [], { review: reviewed('good') });
    const { dialogues, report } = await exportTrainingSet(store);
    expect(dialogues).toHaveLength(2);
    expect(report.skipped).toEqual({ duplicate: 1, empty: 2 });
  });

  it('holds back the same share of reviewed dialogues every time, by conversation, and none of a small set', async () => {
    for (let i = 0; i < 40; i++) await putConversation(store, `conv-${i}`, [['user', `question ${i}`], ['bot', `answer ${i}`]], { review: reviewed('good') });
    const first = await exportTrainingSet(store, { heldBackFraction: 0.25 });
    const again = await exportTrainingSet(store, { heldBackFraction: 0.25 });
    expect(again.heldBack.map((d) => d.id)).toEqual(first.heldBack.map((d) => d.id));
    expect(first.heldBack.length).toBeGreaterThan(2);
    expect(first.heldBack.length).toBeLessThan(20);
    expect(first.dialogues.length + first.heldBack.length).toBe(40);
    expect(first.dialogues.map((d) => d.id)).not.toEqual(expect.arrayContaining([first.heldBack[0].id]));
    const reseeded = await exportTrainingSet(store, { heldBackFraction: 0.25, seed: 7 });
    expect(reseeded.heldBack.map((d) => d.id)).not.toEqual(first.heldBack.map((d) => d.id));

    // a held-back conversation stays held back when more conversations arrive
    for (let i = 40; i < 60; i++) await putConversation(store, `conv-${i}`, [['user', `question ${i}`], ['bot', `answer ${i}`]], { review: reviewed('good') });
    const grown = await exportTrainingSet(store, { heldBackFraction: 0.25 });
    expect(grown.heldBack.map((d) => d.id)).toEqual(expect.arrayContaining(first.heldBack.map((d) => d.id)));

    for (let i = 0; i < 51; i++) await store.delete(`conv-${i}`);
    const small = await exportTrainingSet(store, { heldBackFraction: 0.5 });
    expect(small.heldBack).toEqual([]);
    expect(small.dialogues).toHaveLength(9);
    expect(await rejectionOf(exportTrainingSet(store, { heldBackFraction: 1 }))).toMatchObject({ code: 'colloquy_export_bad_argument' });
  });

  it('holds back at least one conversation from ten reviewed dialogues, and never unreviewed ones', async () => {
    for (let i = 0; i < 10; i++) await putConversation(store, `r-${i}`, [['user', `q ${i}`], ['bot', `a ${i}`]], { review: reviewed('good') });
    for (let i = 0; i < 30; i++) await putConversation(store, `u-${i}`, [['user', `uq ${i}`], ['bot', `ua ${i}`]]);
    const exp = await exportTrainingSet(store, { heldBackFraction: 0.01, includeUnreviewed: true });
    expect(exp.heldBack.length).toBeGreaterThanOrEqual(1);
    expect(exp.heldBack.every((d) => d.id.startsWith('r-'))).toBe(true);
    expect(exp.dialogues).toHaveLength(40 - exp.heldBack.length);
  });
});

describe('writeTrainingExport', () => {
  it('writes the training dialogues and the held-back ones as corpus JSONL files the trainer reads', async () => {
    for (let i = 0; i < 20; i++) await putConversation(store, `conv-${i}`, [['user', `question ${i}`], ['agent', `answer ${i}`]], { review: reviewed('good') });
    const exp = await exportTrainingSet(store, { heldBackFraction: 0.3 });
    const file = join(tmp.dir, 'out', 'train.jsonl');
    await writeTrainingExport(file, exp);
    const train = await readCorpus(file);
    const held = await readCorpus(heldBackFileFor(file));
    expect(train.problems).toEqual([]);
    expect(train.dialogues.map((d) => d.id)).toEqual(exp.dialogues.map((d) => d.id));
    expect(held.dialogues.map((d) => d.id)).toEqual(exp.heldBack.map((d) => d.id));
    expect(train.dialogues[0].turns.map((t) => t.speaker)).toEqual(['user', 'bot']);
    expect((await readFile(file, 'utf8')).split('\n')[0]).toMatch(/^\{"id":"conv-\d+#1","turns":\[\{"speaker":"user","text":"question \d+"\},\{"speaker":"bot","text":"answer \d+"\}\]\}$/);

    // a later export with none held back removes the old held-back file, and never writes an empty one
    await writeTrainingExport(file, { ...exp, heldBack: [] });
    expect(await stat(heldBackFileFor(file)).catch(() => undefined)).toBeUndefined();
    expect((await readCorpus(file)).dialogues).toHaveLength(exp.dialogues.length);
    expect(heldBackFileFor('x/train.jsonl')).toBe('x/train.held-back.jsonl');
    expect(heldBackFileFor('x/train')).toBe('x/train.held-back.jsonl');
  });
});
