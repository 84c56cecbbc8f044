import { exportTrainingSet, heldBackFileFor, MIN_DIALOGUES_TO_HOLD_BACK, writeTrainingExport, type TrainingExport } from '../../learning/export.ts';
import { ColloquyError } from '../../errors.ts';
import { num, parseFlags, required } from '../args.ts';
import type { CliContext } from '../context.ts';
import { openExistingLog } from './log-dir.ts';

export const EXPORT_USAGE = `colloquy export --out FILE [--include-unreviewed] [--held-back X] [--seed N] [--data-dir DIR]
  writes the reviewed conversations as training JSONL (redacted, corrections and agents'
  replies in place of the bot's bad turns, duplicates removed) and says what it left out
  --out FILE           the training dialogues; the held-back ones go to FILE.held-back.jsonl
  --include-unreviewed also take conversations nobody reviewed (never held back)
  --held-back X        share of reviewed dialogues kept out for evaluation (default 0.1; none under 10)
  --seed N             changes which conversations are held back (default 0)
  --data-dir DIR       the conversation log (default: conversations/)`;

/** The flags `colloquy export` accepts (its --help lists each). */
export const EXPORT_FLAGS = { out: { type: 'string' }, 'include-unreviewed': { type: 'boolean' }, 'held-back': { type: 'string' }, seed: { type: 'string' }, 'data-dir': { type: 'string' } } as const;

/** `colloquy export`: the reviewed log as a training corpus. */
export async function exportCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, EXPORT_FLAGS);
  const out = required(f, 'out', 'colloquy export --out conversations/export/train.jsonl');
  const heldBackFraction = num(f, 'held-back');
  if (heldBackFraction !== undefined && !(heldBackFraction >= 0 && heldBackFraction < 1)) throw new ColloquyError('usage', `--held-back must be from 0 to below 1, got ${heldBackFraction}`);
  const store = await openExistingLog(f['data-dir'], ctx);
  let exp: TrainingExport;
  try {
    exp = await exportTrainingSet(store, { includeUnreviewed: f['include-unreviewed'] === true, heldBackFraction, seed: num(f, 'seed') });
  } finally {
    await store.close();
  }
  const { report } = exp;
  const left = Object.entries(report.skipped).sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} ${why}`);
  if (report.taken === 0) {
    throw new ColloquyError(
      'export_empty',
      `Nothing to export from ${report.conversations} conversations${left.length ? ` (left out: ${left.join(', ')})` : ''}; ${out} was not written`,
      f['include-unreviewed'] ? 'The log has no conversation with a bot or agent reply to learn from.' : 'Review conversations first (colloquy review, or the admin page of colloquy serve), or pass --include-unreviewed.',
    );
  }
  try {
    await writeTrainingExport(out, exp);
  } catch (err) {
    throw new ColloquyError('export_write_failed', `Could not write ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'Check that the directory is writable and has space.');
  }
  ctx.print(`Took ${plural(report.taken, 'dialogue')} from ${plural(report.conversations, 'conversation')}: ${exp.dialogues.length} for training → ${out}, ${exp.heldBack.length ? `${exp.heldBack.length} held back for evaluation → ${heldBackFileFor(out)}` : `none held back for evaluation (${heldBackFraction === 0 ? '--held-back 0' : `that takes at least ${MIN_DIALOGUES_TO_HOLD_BACK} reviewed dialogues`})`}.`);
  ctx.print(`  ${plural(report.corrected, 'reply', 'replies')} corrected by reviewers, ${plural(report.agentTurns, 'agent reply', 'agent replies')} taken as the bot's, ${plural(report.droppedFallbacks, 'fallback text')} left out.`);
  ctx.print(left.length ? `Left out ${left.join(', ')} (dialogues).` : 'Left nothing out.');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
