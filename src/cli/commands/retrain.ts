import { readCorpus } from '../../data/corpus-file.ts';
import { DEFAULT_DATA_DIR, PROJECT_ROOT } from '../../config.ts';
import { ColloquyError } from '../../errors.ts';
import { exportTrainingSet, type TrainingExport } from '../../learning/export.ts';
import { retrain, type RetrainResult } from '../../learning/retrain.ts';
import { uploadVersion } from '../../registry/database/copy.ts';
import { promoteInDatabase } from '../../registry/database/registry-db.ts';
import { openDatabase } from '../../storage/postgres/open.ts';
import { num, parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { createProgressBar, formatDuration } from '../progress-bar.ts';
import { onInterrupt } from '../interrupt.ts';
import { openExistingLog } from './log-dir.ts';
import path from 'node:path';

/** The corpus the bundled model was trained on. */
export const DEFAULT_BASE_CORPUS = path.join(PROJECT_ROOT, 'conversations', 'corpus', 'shop-support.jsonl');

export const RETRAIN_USAGE = `colloquy retrain [--data-dir DIR] [--base FILE] [--models-dir DIR] [options]
  fine-tunes the active model on the base corpus plus the reviewed conversations (colloquy
  review), scores it against the active model on a fixed held-out set, and promotes it only
  if the gate passes; a refused candidate is kept (status refused) with the failing metric.
  Writes models/<version>/ with lineage.json and report.html (curves, evaluation table).
  --data-dir DIR       the conversation log (default: conversations/)
  --base FILE          the base corpus (default: conversations/corpus/shop-support.jsonl)
  --models-dir DIR     the model registry (default: $COLLOQUY_MODELS_DIR or models/)
  --epochs N           default 3 when fine-tuning, the original run's when --from-scratch
  --lr X --batch-size N --patience N --seed N
  --from-scratch       new weights and tokenizer (same model shape) instead of fine-tuning
  --max-ppl-increase X gate: per-word perplexity at most this much above the current (default 0.05)
  --min-bleu-delta X   gate: BLEU-4 change at least this (default 0: not lower)
  --eval-turns N       held-out bot turns scored per model (default 300; 0 = all)
  --held-back X        share of reviewed conversations held out for evaluation (default 0.1)
  --include-unreviewed also learn from conversations nobody reviewed
  Exit status: 0 promoted, 3 refused by the gate, 1 error (nothing changed).`;

/** Exit status of a run whose candidate the gate refused. */
export const EXIT_REFUSED = 3;

/** The flags `colloquy retrain` accepts (its --help lists each). */
export const RETRAIN_FLAGS = {
  'data-dir': { type: 'string' }, base: { type: 'string' }, 'models-dir': { type: 'string' }, epochs: { type: 'string' }, lr: { type: 'string' },
  'batch-size': { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' }, 'from-scratch': { type: 'boolean' },
  'max-ppl-increase': { type: 'string' }, 'min-bleu-delta': { type: 'string' }, 'eval-turns': { type: 'string' }, 'held-back': { type: 'string' },
  'include-unreviewed': { type: 'boolean' }, backend: { type: 'string' },
} as const;

/** `colloquy retrain`: export, fine-tune, evaluate, gate, promote. */
export async function retrainCommand(argv: string[], ctx: CliContext): Promise<number> {
  const f = parseFlags(argv, RETRAIN_FLAGS);
  const modelsDir = (f['models-dir'] as string | undefined) ?? ctx.env.modelsDir;
  const evalTurns = num(f, 'eval-turns');
  if (evalTurns !== undefined && !(Number.isInteger(evalTurns) && evalTurns >= 0)) throw new ColloquyError('usage', `--eval-turns must be a whole number ≥ 0, got ${evalTurns}`);
  const gate = { maxPplIncrease: num(f, 'max-ppl-increase'), minBleuDelta: num(f, 'min-bleu-delta') };

  // The log first: with nothing to learn from, say so before any model is loaded.
  const store = await openExistingLog(f['data-dir'] ?? DEFAULT_DATA_DIR, ctx);
  let exp: TrainingExport;
  try {
    exp = await exportTrainingSet(store, { includeUnreviewed: f['include-unreviewed'] === true, heldBackFraction: num(f, 'held-back') });
  } finally {
    await store.close();
  }
  const baseFile = (f.base as string | undefined) ?? DEFAULT_BASE_CORPUS;
  const data = { dialogues: exp.dialogues, heldBack: exp.heldBack, report: exp.report };
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  if (exp.dialogues.length > 0) ctx.print(`Reviewed conversations: ${plural(exp.dialogues.length, 'dialogue')} to learn from, ${exp.heldBack.length} held back for evaluation (${plural(exp.report.corrected, 'corrected reply', 'corrected replies')}).`);

  const base = exp.dialogues.length > 0 ? (await readCorpus(baseFile, { logger: ctx.logger })).dialogues : [];
  const backend = exp.dialogues.length > 0 ? await ctx.startBackend(f.backend) : 'none';
  const interrupt = onInterrupt(ctx.logger, 'stopping after this step; the active model keeps serving');
  const started = Date.now();
  try {
    const r = await retrain({
      modelsDir, data, base, baseFile, backend, logger: ctx.logger, fromScratch: f['from-scratch'] === true, gate, evalMaxTurns: evalTurns,
      training: { epochs: num(f, 'epochs'), learningRate: num(f, 'lr'), batchSize: num(f, 'batch-size'), patience: num(f, 'patience'), seed: num(f, 'seed') },
      onProgress: createProgressBar(), onStage: (s) => ctx.print(s), signal: interrupt.signal,
    });
    if (ctx.env.database) await publishToDatabase(ctx, r);
    const { candidate, current } = r.lineage.evaluation;
    ctx.print(`candidate ${r.version} vs ${r.parent}: per-word perplexity ${candidate.perWordPerplexity.toFixed(3)} vs ${current.perWordPerplexity.toFixed(3)}, BLEU-4 ${candidate.bleu4.toFixed(2)} vs ${current.bleu4.toFixed(2)} (${formatDuration((Date.now() - started) / 1000)})`);
    ctx.print(r.promoted ? `Promoted: ${r.version} is now active (was ${r.parent}).` : `Not promoted — ${r.verdict.message}. Kept as ${r.dir} (status refused).`);
    ctx.print(`Report: ${r.report}`);
    return r.promoted ? 0 : EXIT_REFUSED;
  } finally {
    interrupt.release();
  }
}

/**
 * With a database, the new version goes into the shared registry too, and a
 * promotion is made there, so every instance switches to it (the local
 * models directory is this instance's copy of that registry).
 */
async function publishToDatabase(ctx: CliContext, r: RetrainResult): Promise<void> {
  const pool = await openDatabase(ctx.env.database!, { logger: ctx.logger, max: 2 });
  try {
    await uploadVersion(pool, r.dir, r.version);
    if (r.promoted) await promoteInDatabase(pool, r.version, { note: `gate passed against ${r.parent}`, force: true });
    ctx.print(`Stored in the database registry${r.promoted ? ' and promoted there: every instance switches to it' : ''}.`);
  } finally {
    await pool.end();
  }
}
