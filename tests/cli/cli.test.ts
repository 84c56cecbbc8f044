/**
 * The `colloquy` command end to end: real child processes of `node
 * bin/colloquy.js` on the wasm backend, a tiny corpus in a temp directory.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialogue } from '../../src/data/dialogue.ts';
import type { Manifest } from '../../src/model/model-dir.ts';
import { runColloquy, STACK_TRACE, startColloquy, type CliRun as Run } from '../helpers/cli.ts';
import { QA, tempDir, tinyCorpus, toJsonl } from '../helpers/tiny.ts';


let root: string;

const start = (args: string[]) => startColloquy(args, { COLLOQUY_BACKEND: 'wasm', COLLOQUY_LOG_LEVEL: 'info', COLLOQUY_MODEL: path.join(root, 'no-default-model') });

/** Runs the CLI to completion with `input` on stdin (closed right away when absent). */
const colloquy = (args: string[], input = '') => runColloquy(args, { input, env: { COLLOQUY_BACKEND: 'wasm', COLLOQUY_LOG_LEVEL: 'info', COLLOQUY_MODEL: path.join(root, 'no-default-model') } });

const file = (name: string) => path.join(root, name);
const exists = (p: string) => fs.stat(p).then(() => true, () => false);

/** Decoding flags that keep `chat` from logging conversations into the repository, when it logs at all. */
let chatNoLog: string[] = [];

const SMALL_MODEL = ['--hidden', '32', '--embed', '16', '--vocab', '300', '--batch-size', '8', '--seq-len', '16'];
let trained: Run;

beforeAll(async () => {
  root = await tempDir('cli');
  const corpus = tinyCorpus();
  await fs.writeFile(file('chats.jsonl'), toJsonl(corpus));
  const lines = toJsonl(corpus).trimEnd().split('\n');
  lines.splice(3, 0, '{"id": "broken", "turns": [');
  await fs.writeFile(file('one-bad-line.jsonl'), lines.join('\n') + '\n');
  await fs.writeFile(file('empty.jsonl'), '');
  await fs.writeFile(file('not-json.jsonl'), 'Where is my order?\tIt ships tomorrow.\nthank you\n');
  trained = await colloquy(['train', '--data', file('chats.jsonl'), '--out', file('model'), ...SMALL_MODEL, '--epochs', '3', '--lr', '0.02', '--seed', '2']);
  const help = await colloquy(['help']);
  if (help.stdout.includes('--no-log')) chatNoLog = ['--no-log'];
}, 120_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('colloquy train', () => {
  it('trains on a JSONL corpus with the given flags, exits 0 and writes a model directory', async () => {
    expect(trained.stderr).not.toMatch(STACK_TRACE);
    expect(trained.code).toBe(0);
    expect((await fs.readdir(file('model'))).sort()).toEqual(['manifest.json', 'replies.json', 'selection.json', 'tokenizer.json', 'weights.bin']);
    const manifest: Manifest = JSON.parse(await fs.readFile(file('model/manifest.json'), 'utf8'));
    expect(manifest.config).toMatchObject({ hiddenSize: 32, embedDim: 16, vocabSize: 301 }); // --vocab 300 merges and bytes, then <act>
    expect(manifest.training).toMatchObject({ epochs: 3, batchSize: 8, seqLen: 16, learningRate: 0.02, seed: 2 });
    expect(manifest.history).toHaveLength(3);
    expect(manifest.backend).toBe('wasm');
    expect(manifest.corpus).toMatchObject({ dialogues: tinyCorpus().length, file: 'chats.jsonl' });
    expect(trained.stdout).toContain(`saved ${file('model')} (version ${manifest.version})`);
    // progress goes to stderr, one line per epoch end at least
    expect(trained.stderr).toMatch(/epoch 3\/3 .*valid loss/);
    expect(await exists(`${file('model')}.training`)).toBe(false);
  });

  it('skips a malformed line with a warning naming its line number', async () => {
    const r = await colloquy(['train', '--data', file('one-bad-line.jsonl'), '--out', file('model-lenient'), ...SMALL_MODEL, '--epochs', '1']);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[warn\].*one-bad-line\.jsonl.*line=4/);
    const manifest: Manifest = JSON.parse(await fs.readFile(file('model-lenient/manifest.json'), 'utf8'));
    expect(manifest.corpus.dialogues).toBe(tinyCorpus().length);
  });

  it('with --strict, fails on the malformed line naming file:line and writes nothing', async () => {
    const r = await colloquy(['train', '--data', file('one-bad-line.jsonl'), '--out', file('model-strict'), ...SMALL_MODEL, '--epochs', '1', '--strict']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${file('one-bad-line.jsonl')}:4`);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(await exists(file('model-strict'))).toBe(false);
  });

  it('on SIGINT saves a checkpoint and stops; the same command again resumes and finishes', async () => {
    const args = ['train', '--data', file('chats.jsonl'), '--out', file('model-interrupted'), ...SMALL_MODEL, '--epochs', '40', '--seed', '5'];
    const first = await new Promise<Run>((resolve, reject) => {
      const child = start(args);
      let stdout = '';
      let stderr = '';
      let sent = false;
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (!sent && /epoch 1\/40/.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin!.end();
    });
    expect(first.code).not.toBe(0);
    expect(first.stderr).toMatch(/error: Training interrupted at epoch \d+, step \d+; checkpoint saved in/);
    expect(first.stderr).toContain('Run the same command again to resume.');
    expect(first.stderr).not.toMatch(STACK_TRACE);
    expect(first.stdout).not.toContain('saved');
    expect(await exists(path.join(`${file('model-interrupted')}.training`, 'checkpoint.json'))).toBe(true);
    expect(await exists(file('model-interrupted'))).toBe(false);

    const second = await colloquy([...args.slice(0, args.indexOf('--epochs')), '--epochs', '2', '--seed', '5']);
    expect(second.stderr).toContain('resuming from the checkpoint');
    expect(second.code).toBe(0);
    expect(await exists(file('model-interrupted/manifest.json'))).toBe(true);
  }, 120_000);
});

describe('colloquy index', () => {
  it('gives a model the reply index of a corpus, which consensus decoding then reads', async () => {
    await fs.cp(file('model'), file('indexed'), { recursive: true });
    await fs.rm(file('indexed/replies.json'));
    await fs.rm(file('indexed/selection.json'));
    const extra: Dialogue[] = [{ id: 'new', turns: [{ speaker: 'user', text: 'Do you ship to Mars?' }, { speaker: 'bot', text: 'Not yet, sorry.' }] }];
    await fs.writeFile(file('more.jsonl'), toJsonl(extra));
    const r = await colloquy(['index', '--model', file('indexed'), '--data', file('more.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('indexed 1 replies from 1 dialogues');
    expect(JSON.parse(await fs.readFile(file('indexed/replies.json'), 'utf8')).replies).toEqual([['Not yet, sorry.', 'Do you ship to Mars?']]);
    expect(JSON.parse(await fs.readFile(file('indexed/selection.json'), 'utf8')).format).toBe('colloquy-fact-selection');
    const chat = await colloquy(['chat', '--model', file('indexed'), '--strategy', 'consensus', '--candidates', '4', ...chatNoLog], `${QA[0].q}\n`);
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout.trim().length).toBeGreaterThan(0);
  });

  it('refuses a directory that is not a model and a corpus with no replies, changing nothing', async () => {
    await fs.mkdir(file('not-a-model'), { recursive: true });
    const notModel = await colloquy(['index', '--model', file('not-a-model'), '--data', file('chats.jsonl')]);
    expect(notModel.code).toBe(1);
    expect(notModel.stderr).toMatch(/manifest\.json is missing/);
    expect(await exists(file('not-a-model/replies.json'))).toBe(false);
    const before = await fs.readFile(file('model/replies.json'), 'utf8');
    const empty = await colloquy(['index', '--model', file('model'), '--data', file('empty.jsonl')]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).not.toMatch(STACK_TRACE);
    expect(await fs.readFile(file('model/replies.json'), 'utf8')).toBe(before);
  });
});

describe('colloquy eval', () => {
  it('--json prints a parseable report with the metric fields, and --predictions writes one line per turn', async () => {
    const predictions = file('predictions.jsonl');
    const r = await colloquy(['eval', '--model', file('model'), '--data', file('chats.jsonl'), '--json', '--max-turns', '6', '--predictions', predictions]);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const manifest: Manifest = JSON.parse(await fs.readFile(file('model/manifest.json'), 'utf8'));
    expect(report).toMatchObject({ turns: 6, modelVersion: manifest.version, strategy: 'greedy' });
    for (const key of ['perWordPerplexity', 'perTokenPerplexity', 'referenceAvgLength']) expect(Number.isFinite(report[key]), key).toBe(true);
    for (const key of ['bleu4', 'distinct1', 'distinct2', 'avgLength']) expect(Number.isFinite(report.model[key]), key).toBe(true);
    expect(report.model.bleu4).toBeGreaterThanOrEqual(0);
    expect(report.model.bleu4).toBeLessThanOrEqual(100);
    expect(report.baseline).toBeUndefined();
    const rows = (await fs.readFile(predictions, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['context', 'hypothesis', 'id', 'reference']);
  });

  it('--baseline retrieval --train FILE adds the baseline to the report', async () => {
    const r = await colloquy(['eval', '--model', file('model'), '--data', file('chats.jsonl'), '--json', '--max-turns', '6', '--baseline', 'retrieval', '--train', file('chats.jsonl')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.baseline.bleu4).toBeGreaterThan(99);
  });

  it('prints a table without --json', async () => {
    const r = await colloquy(['eval', '--model', file('model'), '--data', file('chats.jsonl'), '--max-turns', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^3 bot turns, model [0-9a-f]{12}, greedy decoding/);
    expect(r.stdout).toContain('BLEU-4');
  });
});

describe('colloquy chat', () => {
  it('with piped stdin of 3 lines (one empty) prints exactly 3 lines and exits 0', async () => {
    const r = await colloquy(['chat', '--model', file('model'), ...chatNoLog], `${QA[0].q}\n\n${QA[1].q}\n`);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
  });

  it('answers the last line even without a trailing newline', async () => {
    const r = await colloquy(['chat', '--model', file('model'), ...chatNoLog], `${QA[0].q}\n${QA[1].q}`);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(r.stdout.endsWith('\n')).toBe(true);
  });
});

describe('a damaged model directory', () => {
  it('with a truncated weights.bin (whole floats missing): chat exits non-zero naming weights.bin, no stack trace', async () => {
    const dir = file('model-cut');
    await fs.cp(file('model'), dir, { recursive: true });
    const w = await fs.readFile(path.join(dir, 'weights.bin'));
    await fs.writeFile(path.join(dir, 'weights.bin'), w.subarray(0, w.length - 400));
    const r = await colloquy(['chat', '--model', dir, ...chatNoLog], 'hello\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: .*weights\.bin/m);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('with a weights.bin cut at an odd byte: chat exits non-zero naming weights.bin, no stack trace', async () => {
    const dir = file('model-odd');
    await fs.cp(file('model'), dir, { recursive: true });
    const w = await fs.readFile(path.join(dir, 'weights.bin'));
    await fs.writeFile(path.join(dir, 'weights.bin'), w.subarray(0, w.length - 3));
    const r = await colloquy(['chat', '--model', dir, ...chatNoLog], 'hello\n');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: .*weights\.bin/m);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});

describe.concurrent('bad input exits non-zero with a clear message and no stack trace', () => {
  const cases: Array<{ name: string; args: () => string[]; message: () => string | RegExp }> = [
    { name: 'train without --data', args: () => ['train', '--out', file('x1')], message: () => '--data is required' },
    { name: 'a data file that does not exist', args: () => ['train', '--data', file('nope.jsonl'), '--out', file('x2')], message: () => `not found: ${file('nope.jsonl')}` },
    { name: 'an empty corpus file', args: () => ['train', '--data', file('empty.jsonl'), '--out', file('x3')], message: () => `No usable dialogues in ${file('empty.jsonl')}` },
    { name: 'a corpus that is not JSON', args: () => ['train', '--data', file('not-json.jsonl'), '--out', file('x4')], message: () => /not-json\.jsonl.*not valid JSON/ },
    { name: '--epochs abc', args: () => ['train', '--data', file('chats.jsonl'), '--out', file('x5'), '--epochs', 'abc'], message: () => '--epochs must be a number, got "abc"' },
    { name: 'an unknown flag', args: () => ['train', '--data', file('chats.jsonl'), '--out', file('x6'), '--bogus', '1'], message: () => "'--bogus'" },
    { name: 'an unknown backend', args: () => ['train', '--data', file('chats.jsonl'), '--out', file('x7'), '--backend', 'gpu'], message: () => '--backend must be one of' },
    { name: 'a model shape that cannot be', args: () => ['train', '--data', file('chats.jsonl'), '--out', file('x8'), '--hidden', '0'], message: () => 'hiddenSize' },
    { name: 'an unknown command', args: () => ['frobnicate'], message: () => 'unknown command "frobnicate"' },
    { name: 'chat with a model dir that does not exist', args: () => ['chat', '--model', file('no-such-model')], message: () => `No model at ${file('no-such-model')}` },
    { name: 'eval with a model dir that does not exist', args: () => ['eval', '--model', file('no-such-model'), '--data', file('chats.jsonl')], message: () => file('no-such-model') },
    { name: 'eval without --data', args: () => ['eval', '--model', file('model')], message: () => '--data is required' },
    { name: 'eval --baseline retrieval without --train', args: () => ['eval', '--model', file('model'), '--data', file('chats.jsonl'), '--baseline', 'retrieval'], message: () => '--train' },
    { name: 'eval with an invalid decoding option', args: () => ['eval', '--model', file('model'), '--data', file('chats.jsonl'), '--top-p', '2'], message: () => 'topP' },
  ];

  it.each(cases)('$name', async ({ args, message }) => {
    const r = await colloquy(args());
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toMatch(/^error: /m);
    const m = message();
    if (typeof m === 'string') expect(r.stderr).toContain(m);
    else expect(r.stderr).toMatch(m);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).not.toContain('saved');
    for (const out of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8']) expect(await exists(file(out)), out).toBe(false);
  });
});
