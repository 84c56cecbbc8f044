/**
 * The bundled shop bot's grounded replies, on fresh generated dialogues (a
 * seed the bundled corpus did not use): every bot reply right after an order
 * lookup, with the conversation so far (the reference turns) as its history.
 *
 *   npx tsx bench/shop-grounding.ts [--model DIR] [--baseline DIR] [--dialogues 300] [--seed 99]
 *
 * Rows, on the same turns: the references (the classifier's floor: they must
 * never contradict); the baseline model (default: none; pass the model from
 * before action turns, which reads a lookup as a user turn); the model without
 * the lookups in its history; with them; with them and the fact check.
 * Columns: order-status replies stating the backend's status for the right
 * order (all, single-topic, multi-topic dialogues); replies repeating the
 * order number exactly where the reference does; replies contradicting the
 * backend (another status, order number or carrier).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/config.ts';
import { buildShopDialogue } from '../src/corpus/shop/generate.ts';
import type { Turn } from '../src/data/dialogue.ts';
import { applyFactCheck } from '../src/eval/evaluate.ts';
import { LstmGenerator } from '../src/generation/generator.ts';
import { loadModel, type LoadedModel } from '../src/model/model-dir.ts';
import { initBackend } from '../src/runtime/backend.ts';
import { contradictions, orderNumbersIn, statusesStated, type LookupAnswer, type OrderStatus } from './lib/order-claims.ts';

const { values: flags } = parseArgs({
  options: { model: { type: 'string' }, baseline: { type: 'string' }, dialogues: { type: 'string' }, seed: { type: 'string' } },
});
const modelDir = flags.model ?? path.join(PROJECT_ROOT, 'models/default');
const dialogues = Number(flags.dialogues ?? 300);
const seed = Number(flags.seed ?? 99);

/** One reply to judge: the history up to and including the lookup, the reference reply, the backend's answer. */
interface LookupTurn {
  history: Turn[];
  reference: string;
  answer: LookupAnswer;
  multiTopic: boolean;
}

function lookupTurns(): LookupTurn[] {
  const turns: LookupTurn[] = [];
  for (let i = 0; i < dialogues; i++) {
    const { dialogue, topics } = buildShopDialogue(seed, i);
    const multiTopic = topics.filter((t) => t !== 'greeting' && t !== 'goodbye').length > 1;
    dialogue.turns.forEach((turn, k) => {
      const next = dialogue.turns[k + 1];
      if (turn.speaker !== 'action' || turn.name !== 'order_status' || next?.speaker !== 'bot') return;
      const record = turn.results?.[0];
      const answer: LookupAnswer = record
        ? { order: String(record.order), status: record.status as OrderStatus, carrier: String(record.carrier) }
        : { order: turn.parameters!.order, status: 'not-found' };
      turns.push({ history: dialogue.turns.slice(0, k + 1), reference: next.text, answer, multiTopic });
    });
  }
  return turns;
}

/** The figures of one row. */
function judge(turns: LookupTurn[], replies: string[]) {
  const share = (pick: (t: LookupTurn) => boolean, ok: (t: LookupTurn, reply: string) => boolean) => {
    const idx = turns.flatMap((t, i) => (pick(t) ? [i] : []));
    return { n: idx.length, rate: idx.filter((i) => ok(turns[i], replies[i])).length / Math.max(1, idx.length) };
  };
  const statesStatus = (t: LookupTurn) => statusesStated(t.reference).length > 0;
  const rightStatus = (t: LookupTurn, reply: string) =>
    statusesStated(reply).includes(t.answer.status) && contradictions(reply, t.answer).length === 0 && orderNumbersIn(reply).every((n) => n === t.answer.order);
  return {
    status: share(statesStatus, rightStatus),
    statusSingle: share((t) => statesStatus(t) && !t.multiTopic, rightStatus),
    statusMulti: share((t) => statesStatus(t) && t.multiTopic, rightStatus),
    number: share((t) => orderNumbersIn(t.reference).includes(t.answer.order), (t, reply) => orderNumbersIn(reply).includes(t.answer.order)),
    contradicting: turns.filter((t, i) => contradictions(replies[i], t.answer).length > 0).length,
  };
}

async function greedyReplies(model: LoadedModel, histories: Turn[][]): Promise<{ generator: LstmGenerator; replies: string[] }> {
  const generator = new LstmGenerator(model);
  const replies: string[] = [];
  for (const history of histories) replies.push((await generator.reply(history, { strategy: 'greedy' }).result).text);
  return { generator, replies };
}

await initBackend('wasm');
const turns = lookupTurns();
const withLookups = turns.map((t) => t.history);
const withoutLookups = turns.map((t) => t.history.filter((turn) => turn.speaker !== 'action'));
const allowlist = (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'conversations/corpus/shop-actions.json'), 'utf8')) as { allowlist: string[] }).allowlist;

const rows: [string, ReturnType<typeof judge>][] = [['references', judge(turns, turns.map((t) => t.reference))]];
if (flags.baseline) {
  const baseline = await loadModel(flags.baseline);
  rows.push([`baseline ${baseline.manifest.version}, lookups in history`, judge(turns, (await greedyReplies(baseline, withLookups)).replies)]);
  baseline.dispose();
}
const model = await loadModel(modelDir);
rows.push([`model ${model.manifest.version}, no lookups`, judge(turns, (await greedyReplies(model, withoutLookups)).replies)]);
const grounded = await greedyReplies(model, withLookups);
rows.push([`model ${model.manifest.version}, lookups`, judge(turns, grounded.replies)]);
const checked = await applyFactCheck(grounded.generator, withLookups, grounded.replies.map((text) => ({ text })), { allowlist });
rows.push([`model ${model.manifest.version}, lookups + fact check`, judge(turns, checked.replies)]);

const pct = (x: { n: number; rate: number }) => `${(100 * x.rate).toFixed(1)} %`;
console.log(`${turns.length} replies after an order lookup in ${dialogues} fresh dialogues (seed ${seed}); fact check: ${checked.fallbacks} fallbacks, ${checked.replaced} replaced`);
console.log('| system | status right (all) | single-topic | multi-topic | order number exact | contradicting |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const [name, r] of rows) {
  console.log(`| ${name} | ${pct(r.status)} of ${r.status.n} | ${pct(r.statusSingle)} of ${r.statusSingle.n} | ${pct(r.statusMulti)} of ${r.statusMulti.n} | ${pct(r.number)} of ${r.number.n} | ${r.contradicting} |`);
}
model.dispose();
