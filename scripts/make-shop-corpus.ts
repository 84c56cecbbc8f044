/**
 * Writes the bundled customer-service corpus (fictional shop "Northwind Goods")
 * as JSONL, one dialogue per line, and prints its stats.
 *
 *   npx tsx scripts/make-shop-corpus.ts [--dialogues 4000] [--seed 7] [--out conversations/corpus/shop-support.jsonl]
 *
 * The output depends only on --dialogues and --seed. The demo bot's allowlist
 * (its own facts, for the fact check) in shop-actions.json beside it is
 * rewritten from the corpus.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { shopAllowlist } from '../src/corpus/shop/allowlist.ts';
import { generateTaggedShopCorpus } from '../src/corpus/shop/generate.ts';
import { shopCorpusStats, toJsonlLine } from '../src/corpus/shop/stats.ts';

const DEFAULTS = { dialogues: 4000, seed: 7, out: 'conversations/corpus/shop-support.jsonl' };

function parseInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dialogues: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('Usage: npx tsx scripts/make-shop-corpus.ts [--dialogues 4000] [--seed 7] [--out conversations/corpus/shop-support.jsonl]');
    return;
  }
  const dialogues = parseInteger('dialogues', values.dialogues, DEFAULTS.dialogues);
  const seed = parseInteger('seed', values.seed, DEFAULTS.seed);
  const out = values.out ?? DEFAULTS.out;

  const corpus = generateTaggedShopCorpus({ dialogues, seed });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, corpus.map((tagged) => toJsonlLine(tagged) + '\n').join(''), 'utf8');

  // the fact check's allowlist of the demo bot: its own facts, found in the corpus just written
  const actionsFile = join(dirname(out), 'shop-actions.json');
  const actions = JSON.parse(await readFile(actionsFile, 'utf8').catch(() => '{"actions": []}'));
  actions.allowlist = shopAllowlist(corpus.map((t) => t.dialogue));
  await writeFile(actionsFile, JSON.stringify(actions, null, 2) + '\n', 'utf8');

  const stats = shopCorpusStats(corpus);
  console.log(`Wrote ${stats.dialogues} dialogues to ${out} (seed ${seed}, ${stats.jsonlBytes} bytes)`);
  console.log(`turns ${stats.turns} (user ${stats.userTurns}, bot ${stats.botTurns}), action turns ${stats.actionTurns}`);
  console.log(`distinct user turns ${stats.distinctUserTurns}, distinct bot turns ${stats.distinctBotTurns}, distinct openings ${stats.distinctOpenings}`);
  console.log(`topics ${Object.entries(stats.topics).map(([topic, n]) => `${topic}=${n}`).join(' ')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
