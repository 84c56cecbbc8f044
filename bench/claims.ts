/**
 * The fact check's claim phrases on a corpus with action turns: what is
 * learned from the training dialogues, and how often the check would reject a
 * reference reply of the held-out ones right after an action (the false
 * alarms: a person wrote those replies from the same results).
 *
 *   npx tsx bench/claims.ts --train FILE --eval FILE [--examples 5]
 *   npx tsx bench/claims.ts --train ../shared/datasets/sgd/train.grounded.jsonl --eval ../shared/datasets/sgd/dev.grounded.jsonl
 */
import { parseArgs } from 'node:util';
import { readCorpus } from '../src/data/corpus-file.ts';
import { actionOf, isBotSide } from '../src/data/dialogue.ts';
import { ClaimIndex } from '../src/facts/claims.ts';

const { values: flags } = parseArgs({ options: { train: { type: 'string' }, eval: { type: 'string' }, examples: { type: 'string' } } });
if (!flags.train || !flags.eval) throw new Error('usage: npx tsx bench/claims.ts --train FILE --eval FILE [--examples N]');

const started = performance.now();
const { dialogues: train } = await readCorpus(flags.train);
const claims = ClaimIndex.learn(train);
const seconds = (performance.now() - started) / 1000;
const byField = new Map<string, number>();
for (const p of claims.phrases) byField.set(`${p.action}.${p.field}`, (byField.get(`${p.action}.${p.field}`) ?? 0) + 1);
console.log(`${claims.phrases.length} claim phrases from ${train.length} dialogues (reading and learning ${seconds.toFixed(1)} s), ${JSON.stringify(claims.toJSON()).length} bytes`);
console.log(`  by field: ${[...byField].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([f, n]) => `${f} ${n}`).join(', ')}`);

const { dialogues: held } = await readCorpus(flags.eval);
let replies = 0;
const flagged: string[] = [];
for (const d of held) {
  d.turns.forEach((turn, i) => {
    if (!isBotSide(turn.speaker) || i === 0 || !actionOf(d.turns[i - 1])) return;
    replies++;
    const found = claims.contradictions(turn.text, d.turns.slice(0, i));
    if (found.length) flagged.push(`${turn.text}\n    ${found.join('; ')}`);
  });
}
console.log(`reference replies right after an action that the check rejects: ${flagged.length} of ${replies} (${((100 * flagged.length) / Math.max(1, replies)).toFixed(2)} %)`);
for (const line of flagged.slice(0, Number(flags.examples ?? 5))) console.log(`  ${line}`);
