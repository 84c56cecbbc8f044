/**
 * `colloquy review` (listed, and walked through with commands piped on stdin)
 * and `colloquy export`, as real child processes of `node bin/colloquy.js`
 * on a conversation log in a temp directory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCorpus } from '../../src/data/corpus-file.ts';
import { createLowdbStore } from '../../src/storage/lowdb-store.ts';
import { tempDir } from '../helpers/tiny.ts';
import { runColloquy, STACK_TRACE } from '../helpers/cli.ts';
import { putConversation } from '../learning/fixtures.ts';


let root: string;
let log: string;

const colloquy = (args: string[], input = '') => runColloquy(args, { input, env: { COLLOQUY_LOG_LEVEL: 'warn' } });

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof createLowdbStore>>) => Promise<T>): Promise<T> {
  const store = await createLowdbStore({ dir: log });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

beforeAll(async () => {
  root = await tempDir('review-cli');
  log = path.join(root, 'log');
  await withStore(async (store) => {
    await putConversation(store, 'web-lost', [['user', 'where is my order 1234?'], ['bot', 'It is lost.', { feedback: { value: 'down', at: at(1) } }], ['user', 'what?\u001b[2J']], { updatedAt: at(1) });
    await putConversation(store, 'web-rephrase', [['user', 'qwzx'], ['bot', "Sorry, I didn't catch that — could you rephrase?", { fallback: true, confidence: -4 }]], { updatedAt: at(2) });
    await putConversation(store, 'web-spam', [['user', 'buy watches at spam@example.com'], ['bot', 'Sorry?', { fallback: true, confidence: -3.5 }]], { updatedAt: at(3) });
    await putConversation(store, 'web-fine', [['user', 'hi'], ['bot', 'Hello! How can I help?']], { updatedAt: at(4) });
  });
}, 60_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('colloquy review', () => {
  it('--list prints the queue with the conversation around each flagged turn; --json prints it as JSON', async () => {
    const listed = await colloquy(['review', '--list', '--data-dir', log]);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('[1/3] web-spam · web · 2025-01-01 10:03 · fallback  (turn web-spam-2)');
    expect(listed.stdout).toContain('[3/3] web-lost · web · 2025-01-01 10:01 · thumbs-down  (turn web-lost-2)');
    expect(listed.stdout).toMatch(/▶ bot {4}It is lost\. {2}\(confidence -0\.40, thumbs-down\)/);
    expect(listed.stdout).not.toContain('\u001b'); // logged text never drives the terminal
    expect(listed.stdout).not.toContain('web-fine');

    const json = await colloquy(['review', '--json', '--limit', '1', '--data-dir', log]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ conversationId: 'web-spam', turnId: 'web-spam-2', reasons: ['fallback'] })]);
  });

  it('walks the queue with commands piped on stdin: refuses bad input politely, stores verdicts and corrections', async () => {
    const script = ['what', 'i', 'c', 'x'.repeat(4001), 'c', 'I could not read that. Could you say it in other words?', 'c Sorry about that: order 1234 arrives on Friday.', ''].join('\n');
    const run = await colloquy(['review', '--data-dir', log, '--reviewer', 'ana'], script);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('! Unknown command "what"');
    expect(run.stdout).toContain('→ marked ignore');
    expect(run.stdout).toContain('is over 4000 characters');
    expect(run.stdout.match(/→ saved the correction/g)).toHaveLength(2);
    expect(run.stdout).toContain('Reviewed: 0 good, 0 bad, 1 ignored, 2 replies corrected; 0 skipped, 0 left for later.');

    await withStore(async (store) => {
      expect((await store.get('web-spam'))!.review).toMatchObject({ status: 'ignore', reviewer: 'ana' });
      expect((await store.get('web-rephrase'))!.review).toMatchObject({ status: 'corrected', corrections: { 'web-rephrase-2': 'I could not read that. Could you say it in other words?' } });
      expect((await store.get('web-lost'))!.review).toMatchObject({ status: 'corrected', corrections: { 'web-lost-2': 'Sorry about that: order 1234 arrives on Friday.' } });
    });
    const after = await colloquy(['review', '--data-dir', log]);
    expect(after.stdout).toContain('Nothing to review');
  });

  it('stops at end of input or q, keeping what was decided, and names a missing log directory', async () => {
    await withStore((store) => putConversation(store, 'web-late', [['user', 'refund?'], ['bot', 'No.', { feedback: { value: 'down', at: at(9) } }]], { updatedAt: at(9) }));
    const quit = await colloquy(['review', '--data-dir', log], 'q\n');
    expect(quit.code).toBe(0);
    expect(quit.stdout).toContain('1 left for later');
    const missing = await colloquy(['review', '--data-dir', path.join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: No conversation log at ${path.join(root, 'nope')}`);
    expect(missing.stderr).not.toMatch(STACK_TRACE);
    await withStore(async (store) => expect((await store.get('web-late'))!.review).toBeUndefined());
  });
});

describe('colloquy export', () => {
  it('writes the reviewed conversations as training JSONL, redacted, and says what it took and what it left out', async () => {
    await withStore((store) => putConversation(store, 'web-mail', [['user', 'my email is ana@example.com'], ['bot', 'Thanks, noted.']], { updatedAt: at(10), review: { status: 'good', reviewedAt: at(11), corrections: {} } }));
    const out = path.join(root, 'export', 'train.jsonl');
    const run = await colloquy(['export', '--out', out, '--data-dir', log]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Took 3 dialogues from 6 conversations: 3 for training → ${out}, none held back for evaluation (that takes at least 10 reviewed dialogues).`);
    expect(run.stdout).toContain('2 replies corrected by reviewers');
    expect(run.stdout).toMatch(/Left out 2 unreviewed, 1 ignored \(dialogues\)\./);
    const { dialogues } = await readCorpus(out);
    expect(dialogues.map((d) => d.turns.map((t) => `${t.speaker}: ${t.text}`)).sort()).toEqual([
      ['user: my email is [email]', 'bot: Thanks, noted.'],
      ['user: qwzx', 'bot: I could not read that. Could you say it in other words?'],
      ['user: where is my order 1234?', 'bot: Sorry about that: order 1234 arrives on Friday.'],
    ]);
    expect(await fs.stat(path.join(root, 'export', 'train.held-back.jsonl')).catch(() => undefined)).toBeUndefined();
  });

  it('refuses to write an empty export, and asks for --out', async () => {
    const empty = path.join(root, 'empty-log');
    await fs.mkdir(empty);
    const run = await colloquy(['export', '--out', path.join(root, 'none.jsonl'), '--data-dir', empty]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Nothing to export from 0 conversations');
    expect(run.stderr).toContain('hint: Review conversations first');
    expect(await fs.stat(path.join(root, 'none.jsonl')).catch(() => undefined)).toBeUndefined();
    const noOut = await colloquy(['export', '--data-dir', log]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out is required');
  });
});
