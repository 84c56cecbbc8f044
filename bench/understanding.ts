/**
 * `npm run bench:understanding`: the out-of-scope scorer's cost and quality,
 * each beside its baseline measured in the same run.
 *
 *   npm run bench:understanding                              # bundled model: speed, kinds, shop turns
 *   npm run bench:understanding -- --clinc DIR               # + bundled model vs CLINC150 out-of-scope, and a scorer trained on CLINC150
 *   npm run bench:understanding -- --clinc DIR --sgd DIR     # + a scorer trained on SGD train (SGD dev vs CLINC150 out-of-scope; ~6 min)
 *
 * Speed: scorer ms per message vs greedy reply ms per message (medians).
 * Kinds: nine sets of hand-written phrasings the built-in examples do not contain
 * (bench/fixtures/understanding-{person,frustrated}{,-2,…,-9}.jsonl) vs ordinary turns of fresh shop
 * dialogues (a seed the bundled corpus did not use) and calm messages written blind
 * (bench/fixtures/understanding-calm-{8,9}.jsonl). Anchors: the generator's
 * confidence on the bundled model, TF-IDF nearest training turn on CLINC/SGD,
 * and each trained scorer's networks without the nearest training messages.
 * Where the stored threshold misses its rate: how far new queries sit from the
 * training set next to training queries (CLINC150), and SGD dev split by
 * whether the dialogue's services occur in SGD train.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/config.ts';
import { generateShopCorpus } from '../src/corpus/shop/generate.ts';
import { LstmGenerator } from '../src/generation/generator.ts';
import { loadModel } from '../src/model/model-dir.ts';
import { initBackend } from '../src/runtime/backend.ts';
import { evaluateOod } from '../src/understanding/evaluate-ood.ts';
import { auroc, rateAtOrAbove, thresholdForRate } from '../src/understanding/metrics.ts';
import { readMessages, readOutOfScope, OOS_INTENT, type Message } from '../src/understanding/read-examples.ts';
import { NeighbourIndex } from '../src/understanding/neighbours.ts';
import type { Scorer } from '../src/understanding/scorer.ts';
import { trainScorer } from '../src/understanding/train-scorer.ts';
import { median } from './lib/stats.ts';

const { values: flags } = parseArgs({ options: { model: { type: 'string' }, clinc: { type: 'string' }, sgd: { type: 'string' }, rounds: { type: 'string' } } });
const modelDir = flags.model ?? path.join(PROJECT_ROOT, 'models/default');
const rounds = Number(flags.rounds ?? 3);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const lines: string[] = [];
const out = (s: string) => {
  lines.push(s);
  console.log(s);
};

await initBackend('wasm');
const model = await loadModel(modelDir);
if (!model.scorer) throw new Error(`${modelDir} has no scorer: npm run scorer:default`);
const scorer = model.scorer;
const generator = new LstmGenerator(model);
const freshTurns = generateShopCorpus({ dialogues: 300, seed: 99 }).flatMap((d) => d.turns.filter((t) => t.speaker === 'user'));
/** Fresh shop user turns the generator wrote as ordinary questions (it marks requests for a person and angry openings). */
const fresh = freshTurns.filter((t) => !t.kind).map((t) => t.text);
const fixture = (name: string) => readFileSync(path.join(PROJECT_ROOT, 'bench/fixtures', name), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);

// 1. speed: the scorer and a greedy reply on the same first user turns, rounds interleaved
const sample = fresh.slice(0, 60);
const scorerMs: number[] = [];
const replyMs: number[] = [];
for (let r = 0; r < rounds; r++) {
  let t = performance.now();
  for (const text of sample) scorer.understand(text);
  scorerMs.push((performance.now() - t) / sample.length);
  t = performance.now();
  for (const text of sample) {
    const stream = generator.reply([{ speaker: 'user', text }], { strategy: 'greedy' });
    for await (const _ of stream);
    await stream.result;
  }
  replyMs.push((performance.now() - t) / sample.length);
}
const sMs = median(scorerMs);
const rMs = median(replyMs);
out(`speed (${modelDir}, ${sample.length} messages × ${rounds} rounds, medians): scorer ${sMs.toFixed(3)} ms/message, greedy reply ${rMs.toFixed(1)} ms/message → scoring adds ${pct(sMs / rMs)} to a reply`);

// 2. kinds on sets of hand-written phrasings vs ordinary shop turns
const share = (texts: string[], kind: string) => texts.filter((t) => scorer.understand(t).kind === kind).length / texts.length;
/** Whether the engine answers a message from its kind (hand-off or the apology) before looking at the out-of-scope score. */
const reacts = (text: string) => ['asks-for-person', 'frustrated'].includes(scorer.understand(text).kind);
/** Who wrote each set, and when: only a set whose misses nobody has studied is a clean held-out figure. */
const PHRASING_SETS = [
  ['', 'set 1, written with the first built-in examples'],
  ['-2', 'set 2, written before the examples were first broadened'],
  ['-3', 'set 3, written before the second broadening; its misses were studied'],
  ['-4', 'set 4, written before the second broadening by its author (words overlap)'],
  ['-5', 'set 5, written blind (the writer never saw the examples); its misses were studied'],
  ['-6', 'set 6, written blind; its misses were studied (stop 28)'],
  ['-7', 'set 7, written blind; scored once at stop 28, its misses studied at stop 29'],
  ['-8', 'set 8, written blind; its misses were studied (stop 29)'],
  ['-9', 'set 9, written blind, never studied'],
];
for (const [suffix, about] of PHRASING_SETS) {
  const person = fixture(`understanding-person${suffix}.jsonl`);
  const angry = fixture(`understanding-frustrated${suffix}.jsonl`);
  out(`kinds (${about}): "get me a person" ${pct(share(person, 'asks-for-person'))} of ${person.length} hand off; angry ${pct(share(angry, 'frustrated'))} of ${angry.length} get the apology`);
}
out(`  ordinary shop turns doing either: ${pct(fresh.filter(reacts).length / fresh.length)} of ${fresh.length}`);
for (const kind of ['asks-for-person', 'frustrated'] as const) {
  const marked = freshTurns.filter((t) => t.kind === kind).map((t) => t.text);
  out(`  fresh shop turns the corpus generator writes as ${kind} (its own phrasings, not held out): ${pct(share(marked, kind))} of ${marked.length} read so`);
}
/** Calm messages a real customer might type (a problem said politely, a plain question), written blind like sets 5–9. */
const CALM_SETS = [
  ['-8', 'calm set 8, written blind with set 8; its misses were studied (stop 29)'],
  ['-9', 'calm set 9, written blind with set 9, never studied'],
];
for (const [suffix, about] of CALM_SETS) {
  const calm = fixture(`understanding-calm${suffix}.jsonl`);
  const fallback = calm.filter((t) => !reacts(t) && scorer.score(t) >= scorer.calibration.threshold).length / calm.length;
  out(`${about}: hand-off ${pct(share(calm, 'asks-for-person'))}, the apology ${pct(share(calm, 'frustrated'))}, the out-of-scope fallback ${pct(fallback)} of ${calm.length}`);
}
out(`  anchor: the engine without a scorer hands off only on the literal /agent command (0 % of these) and never reads frustration`);

// 3. the bundled model against CLINC150's out-of-scope queries, beside the confidence baseline
if (flags.clinc) {
  const oos = await readOutOfScope(path.join(flags.clinc, 'val.jsonl'));
  const r = await evaluateOod({ scorer, inDomain: fresh.map((text) => ({ text })), outOfScope: oos, generator, baselineTurns: 300 });
  const b = r.baseline!;
  out(`bundled shop bot: ${r.in_domain} fresh shop user turns vs ${r.out_of_scope} CLINC150 val out-of-scope — scorer AUROC ${r.ood_auroc.toFixed(3)}, fallback ${pct(r.ood_fallback_rate)} of out-of-scope / ${pct(r.in_domain_fallback_rate)} of shop turns at the stored threshold`);
  const reachFallback = oos.filter((t) => !reacts(t) && scorer.score(t) >= scorer.calibration.threshold).length / oos.length;
  out(`  what the engine does with those out-of-scope queries (a person request or frustration is read first): fallback ${pct(reachFallback)}, hand-off ${pct(share(oos, 'asks-for-person'))}, the apology ${pct(share(oos, 'frustrated'))}`);
  out(`  baseline (generator confidence, same run, ${b.in_domain}+${b.out_of_scope}): AUROC ${b.ood_auroc.toFixed(3)}, fallback ${pct(b.ood_fallback_rate)} / ${pct(b.in_domain_fallback_rate)} at −2.5, recall at 5 % false alarms ${pct(b.ood_recall_at_5pct_false_alarms)}`);

  // a scorer trained on CLINC150 train (its 100 out-of-scope queries as --ood), scored on validation
  const train = (await readMessages(path.join(flags.clinc, 'train.jsonl'), { skipIntent: OOS_INTENT })).messages;
  const val = (await readMessages(path.join(flags.clinc, 'val.jsonl'), { skipIntent: OOS_INTENT })).messages;
  const clincScorer = trainScorer({ inDomain: train, outOfScope: await readOutOfScope(path.join(flags.clinc, 'train.jsonl')) });
  const c = await evaluateOod({ scorer: clincScorer, inDomain: val, outOfScope: oos });
  const anchor = anchorFigures(train, val, oos);
  out(`CLINC150 val (scorer trained on train): intent accuracy ${pct(c.intent_accuracy ?? NaN)}, out-of-scope recall ${pct(c.ood_recall_at_5pct_false_alarms)} at 5 % in-scope rejected, AUROC ${c.ood_auroc.toFixed(3)}; at the stored threshold ${pct(c.ood_fallback_rate)} / ${pct(c.in_domain_fallback_rate)}`);
  out(await networkAlone(clincScorer, val, oos));
  out(`  anchor (TF-IDF nearest training query, same run): intent accuracy ${pct(anchor.intentAccuracy)}, recall ${pct(anchor.recall)} at 5 %, AUROC ${anchor.auroc.toFixed(3)}`);
  out(`  median TF-IDF distance to the nearest training query: a training query to the others ${trainingDistance(anchor.index, train).toFixed(3)}, a validation query ${anchor.medianDistance.toFixed(3)} (held-out training turns, where the threshold is chosen, sit closer to the rest than new queries do)`);
  for (const r of withoutNearDuplicates(train, [0.9, 0.8, 0.7])) {
    out(`  training turns with TF-IDF similarity ≥ ${r.similarity} to a held-out one left out: ${pct(r.dropped)} of them; median distance of a held-out turn ${r.heldOut.toFixed(3)}`);
  }

  if (flags.sgd) {
    const sgdTrain = (await readMessages(path.join(flags.sgd, 'train.grounded.jsonl'))).messages;
    const sgdDev = (await readMessages(path.join(flags.sgd, 'dev.grounded.jsonl'))).messages;
    const sgdScorer = trainScorer({ inDomain: sgdTrain, outOfScope: await readOutOfScope(path.join(flags.clinc, 'train.jsonl')), epochs: 4 });
    const s = await evaluateOod({ scorer: sgdScorer, inDomain: sgdDev, outOfScope: oos });
    const a = anchorFigures(sgdTrain, sgdDev, oos);
    out(`SGD dev user turns vs CLINC150 val out-of-scope (scorer trained on SGD train): AUROC ${s.ood_auroc.toFixed(3)}; at the stored threshold ${pct(s.ood_fallback_rate)} / ${pct(s.in_domain_fallback_rate)}; recall at 5 % ${pct(s.ood_recall_at_5pct_false_alarms)}`);
    const bySeen = byServiceSeen(path.join(flags.sgd, 'train.grounded.jsonl'), path.join(flags.sgd, 'dev.grounded.jsonl'));
    const devRate = (texts: string[]) => `${pct(rateAtOrAbove(texts.map((t) => sgdScorer.score(t)), sgdScorer.calibration.threshold))} of ${texts.length}`;
    out(`  SGD dev turns falling back at the stored threshold, by dialogue: every service also in SGD train ${devRate(bySeen.seen)}; a service SGD train lacks (${bySeen.unseenServices.join(', ')}) ${devRate(bySeen.unseen)}`);
    out(await networkAlone(sgdScorer, sgdDev, oos));
    out(`  anchor (TF-IDF nearest SGD train turn, same run): AUROC ${a.auroc.toFixed(3)}, recall at 5 % ${pct(a.recall)}`);
  }
}
generator.dispose();
model.dispose();

/**
 * SGD dev user turns split by whether their dialogue's services all occur in
 * SGD train: dev holds services train lacks (the dataset tests new schemas),
 * whose turns a scorer of the training conversations may rightly find unfamiliar.
 */
function byServiceSeen(trainFile: string, devFile: string) {
  const dialogues = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { services?: string[]; turns: { speaker: string; text?: string }[] });
  const trained = new Set(dialogues(trainFile).flatMap((d) => d.services ?? []));
  const seen: string[] = [];
  const unseen: string[] = [];
  const unseenServices = new Set<string>();
  for (const d of dialogues(devFile)) {
    const missing = (d.services ?? []).filter((s) => !trained.has(s));
    missing.forEach((s) => unseenServices.add(s));
    for (const t of d.turns) if (t.speaker === 'user' && t.text?.trim()) (missing.length ? unseen : seen).push(t.text);
  }
  return { seen, unseen, unseenServices: [...unseenServices].sort() };
}

/** Median distance of each training message to the nearest other one (itself left out), on the index over `train`. */
function trainingDistance(index: NeighbourIndex, train: Message[]): number {
  return median(train.map((m, i) => 1 - (index.nearestMany(m.text, 2).find((h) => h.index !== i)?.similarity ?? 0)));
}

/**
 * How far every tenth training message, held out, sits from the rest once
 * every other message at least `similarity` alike to one of them (crowd
 * paraphrases of the same request) is left out too: for each similarity, the
 * share left out and the held-out messages' median distance to what remains.
 */
function withoutNearDuplicates(train: Message[], similarities: number[]) {
  const texts = [...new Set(train.map((m) => m.text))];
  const heldOut = texts.filter((_, i) => i % 10 === 0);
  const rest = texts.filter((_, i) => i % 10 !== 0);
  const all = new NeighbourIndex(rest);
  const nearest = heldOut.flatMap((t) => all.nearestMany(t, 20));
  return similarities.map((similarity) => {
    const alike = new Set(nearest.filter((h) => h.similarity >= similarity).map((h) => h.index));
    const kept = new NeighbourIndex(rest.filter((_, i) => !alike.has(i)));
    return { similarity, dropped: alike.size / rest.length, heldOut: median(heldOut.map((t) => kept.distance(t))) };
  });
}

/** The same scorer without its nearest neighbours and intent uncertainty: its networks alone (the scorer before the neighbour index). */
async function networkAlone(scorer: Scorer, inDomain: Message[], oos: string[]): Promise<string> {
  const { neighbourWeight, intentVote: _vote, intentWeight, ...calibration } = scorer.calibration;
  const r = await evaluateOod({ scorer: scorer.withCalibration(calibration), inDomain, outOfScope: oos });
  const intents = r.intent_accuracy === undefined ? '' : `intent accuracy ${pct(r.intent_accuracy)}, `;
  const weights = `neighbour distance weight ${neighbourWeight?.toFixed(1) ?? '—'}, intent uncertainty weight ${intentWeight?.toFixed(1) ?? '—'}`;
  return `  its ${scorer.networks.length} network(s) alone (same scorer without its nearest training messages and intent uncertainty; ${weights}): ${intents}AUROC ${r.ood_auroc.toFixed(3)}, recall at 5 % ${pct(r.ood_recall_at_5pct_false_alarms)}`;
}

/** The issue's anchor: TF-IDF nearest training message over all of train (its similarity the in-scope score, its intent the prediction), with its index and the in-domain messages' median distance. */
function anchorFigures(train: Message[], inDomain: Message[], oos: string[]) {
  const nn = new NeighbourIndex(train.map((m) => m.text));
  const inHits = inDomain.map((m) => nn.nearest(m.text));
  const inScores = inHits.map((h) => 1 - h.similarity);
  const oodScores = oos.map((t) => nn.distance(t));
  const labelled = inDomain.map((m, i) => ({ want: m.intent, got: inHits[i].index >= 0 ? train[inHits[i].index].intent : undefined })).filter((x) => x.want);
  return {
    index: nn,
    medianDistance: median(inScores),
    auroc: auroc(inScores, oodScores),
    recall: rateAtOrAbove(oodScores, thresholdForRate(inScores, 0.05)),
    intentAccuracy: labelled.filter((x) => x.want === x.got).length / Math.max(1, labelled.length),
  };
}
