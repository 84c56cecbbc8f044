import { ColloquyError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { attachScorer, readManifest } from '../../model/model-dir.ts';
import { OOS_INTENT, readMessages, readOutOfScope } from '../../understanding/read-examples.ts';
import type { Scorer } from '../../understanding/scorer.ts';
import { trainScorerLogged } from '../../understanding/scorer-for-model.ts';
import type { TrainScorerOptions } from '../../understanding/train-scorer.ts';
import { num, parseFlags, required } from '../args.ts';
import type { CliContext } from '../context.ts';

export const SCORER_USAGE = `colloquy scorer --model DIR --data FILE [options]
  Trains the out-of-scope scorer (intents, requests for a person, frustration) into a model directory.
  --data FILE          the bot's user turns: its training dialogues, or {"text", "intent"?} lines
  --ood FILE           out-of-scope examples to learn from besides the built-in ones (lines marked "intent": "oos" when some are)
  --fallback-rate X    share of in-domain turns the stored threshold sends to the fallback (default 0.05): of held-out
                       turns, or, when the dialogues name ten topics or more, of topics a probe is trained without
  --epochs N --dim N --hidden N --buckets N --seed N   training settings (defaults: 6 passes, 10 when the turns carry
                       intents; dim 48, hidden 64, 32768 buckets, seed 1); fewer buckets and a smaller dim make a smaller file`;

/** The scorer flags `train` shares. */
export const SCORER_FLAGS = { ood: { type: 'string' }, 'fallback-rate': { type: 'string' } } as const;

/** The flags `colloquy scorer` accepts (its --help lists each). */
export const SCORER_COMMAND_FLAGS = { model: { type: 'string' }, data: { type: 'string' }, epochs: { type: 'string' }, dim: { type: 'string' }, hidden: { type: 'string' }, buckets: { type: 'string' }, seed: { type: 'string' }, ...SCORER_FLAGS } as const;

/** `colloquy scorer`: (re)trains a model directory's scorer; the generator's weights are untouched. */
export async function scorerCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, SCORER_COMMAND_FLAGS);
  const example = 'colloquy scorer --model models/mybot --data dialogues.jsonl';
  const model = required(f, 'model', example);
  const data = required(f, 'data', example);
  await readManifest(model); // fail before training when DIR is not a model
  const scorer = await buildScorer(data, f, ctx.logger, { epochs: num(f, 'epochs'), dim: num(f, 'dim'), hidden: num(f, 'hidden'), buckets: num(f, 'buckets'), seed: num(f, 'seed') });
  await attachScorer(model, scorer);
  ctx.print(`saved the scorer in ${model}: ${describeScorer(scorer)}`);
}

/** Trains a scorer from a data file and the scorer flags, logging each epoch. */
export async function buildScorer(data: string, f: Record<string, unknown>, logger: Logger, extra: Pick<TrainScorerOptions, 'epochs' | 'dim' | 'hidden' | 'buckets' | 'seed'> = {}): Promise<Scorer> {
  const fallbackRate = num(f, 'fallback-rate');
  if (fallbackRate !== undefined && !(fallbackRate > 0 && fallbackRate < 1)) throw new ColloquyError('usage', `--fallback-rate must be between 0 and 1, got ${fallbackRate}`);
  const { messages } = await readMessages(data, { skipIntent: OOS_INTENT });
  const outOfScope = typeof f.ood === 'string' ? await readOutOfScope(f.ood) : [];
  return trainScorerLogged(messages, logger, { outOfScope, fallbackRate, ...extra });
}

/** One line: threshold and what it does on held-out data. */
export function describeScorer(s: Scorer): string {
  const { threshold, fallbackRate, heldOut: h } = s.calibration;
  const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  return [
    h.novelTopics
      ? `threshold ${threshold.toPrecision(4)} (chosen for ${pct(fallbackRate)} fallbacks on ${h.novelTopics.topics} topics a probe never saw, ${h.novelTopics.turns} turns)`
      : `threshold ${threshold.toPrecision(4)} (chosen for ${pct(fallbackRate)} in-domain fallbacks)`,
    `held-out: ${pct(h.inDomainFallbackRate)} of ${h.inDomain} in-domain turns fall back`,
    h.outOfScope ? `${pct(h.outOfScopeFallbackRate)} of ${h.outOfScope} out-of-scope examples, AUROC ${h.auroc?.toFixed(3)}` : undefined,
    h.intentAccuracy !== undefined ? `intent accuracy ${pct(h.intentAccuracy)} (${s.intents.length} intents)` : undefined,
  ].filter(Boolean).join('; ');
}
