/**
 * The training set a person approved, taken from the conversation log:
 * reviewed-good and corrected conversations, one dialogue per session,
 * corrected replies and agents' replies in place of the bot's bad ones,
 * redacted, without duplicates, and a deterministic share held back for
 * evaluation. (`exportCorpus` in storage/maintenance.ts dumps the whole log
 * unreviewed; this is what retraining uses.)
 */
import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { writeCorpus } from '../data/corpus-file.ts';
import { actionTurn, redactCall } from '../data/action-text.ts';
import { actionOf, type Dialogue, type Turn } from '../data/dialogue.ts';
import { isCommand } from '../engine/commands.ts';
import { DEFAULT_COMMANDS, type CommandNames } from '../engine/options.ts';
import { ColloquyError } from '../errors.ts';
import { redactText } from '../storage/redact.ts';
import type { ConversationRecord, ConversationStore } from '../storage/types.ts';

/**
 * Options of `exportTrainingSet`.
 *
 * @example
 * await exportTrainingSet(store, { heldBackFraction: 0.2, seed: 1 });
 */
export interface TrainingExportOptions {
  /** Also take conversations nobody reviewed (never held back). Default false: only what a person approved. */
  includeUnreviewed?: boolean;
  /** Share of the reviewed dialogues kept out for evaluation, chosen by conversation id (default 0.1; none when fewer than 10). */
  heldBackFraction?: number;
  /** Changes which conversations are held back (default 0). */
  seed?: number;
  /** Command words: users' command turns are left out, as the model never sees them (default: the engine's). */
  commands?: CommandNames;
}

/**
 * Why a dialogue was left out: its conversation was not reviewed, marked bad
 * or ignored, or could not be read; or it had no reply to learn from
 * (`empty`), or the same dialogue was already taken (`duplicate`).
 */
export type SkipReason = 'unreviewed' | 'marked-bad' | 'ignored' | 'unreadable' | 'empty' | 'duplicate';

/**
 * What `exportTrainingSet` returns. `taken` counts dialogues (training and
 * held back); `skipped` counts dialogues by reason (a conversation left out as
 * a whole counts once per session, and at least once).
 */
export interface TrainingExport {
  dialogues: Dialogue[];
  heldBack: Dialogue[];
  report: {
    taken: number;
    skipped: Record<string, number>;
    /** Conversations read from the log. */
    conversations: number;
    /** Bot turns replaced by a reviewer's correction. */
    corrected: number;
    /** Agent turns taken as bot turns. */
    agentTurns: number;
    /** Bot turns left out: fallback texts nobody corrected. */
    droppedFallbacks: number;
  };
}

/** Fewer reviewed dialogues than this and none are held back (the evaluation would be noise, and training needs them). */
export const MIN_DIALOGUES_TO_HOLD_BACK = 10;

/** A number in [0, 1) from the conversation id: the same conversation always lands on the same side. */
function holdBackScore(conversationId: string, seed: number): number {
  return createHash('sha256').update(`${seed}:${conversationId}`, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
}

/** The dialogue's text, compared for duplicates: speakers and texts, case and spacing ignored. */
function dedupeKey(d: Dialogue): string {
  return d.turns.map((t) => `${t.speaker === 'user' ? 'u' : t.speaker === 'action' ? 'a' : 'b'}\u0000${t.text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim()}`).join('\u0001');
}

/** Why a conversation is left out as a whole, or undefined when it is taken. */
function conversationSkip(record: ConversationRecord, includeUnreviewed: boolean): SkipReason | undefined {
  const status = record.review?.status;
  if (status === 'good' || status === 'corrected') return undefined;
  if (status === 'bad') return 'marked-bad';
  if (status === 'ignore') return 'ignored';
  return includeUnreviewed ? undefined : 'unreviewed';
}

interface Counts { corrected: number; agentTurns: number; droppedFallbacks: number }

/**
 * One dialogue per session of a taken conversation: notices and users'
 * commands left out, corrections in place of the bot turns they replace,
 * agent turns as bot turns, uncorrected fallback texts dropped, trailing user
 * turns (nothing answers them) cut, everything redacted.
 */
function sessionDialogues(record: ConversationRecord, commands: CommandNames, counts: Counts): Dialogue[] {
  const corrections = record.review?.corrections ?? {};
  const sessions = new Map<string, Turn[]>();
  for (const t of record.turns) {
    let turn: Turn | undefined;
    if (t.speaker === 'user') {
      if (!isCommand(t.text, commands)) turn = { speaker: 'user', text: t.text };
    } else if (t.speaker === 'agent') {
      turn = { speaker: 'bot', text: t.text };
      counts.agentTurns++;
    } else if (t.speaker === 'action') {
      const call = actionOf(t);
      if (call) turn = actionTurn(redactCall(call, redactText));
    } else if (t.speaker === 'bot') {
      const fix = corrections[t.id];
      if (fix !== undefined) {
        turn = { speaker: 'bot', text: fix };
        counts.corrected++;
      } else if (t.fallback) counts.droppedFallbacks++;
      else turn = { speaker: 'bot', text: t.text };
    }
    if (!turn || !turn.text.trim()) continue;
    const list = sessions.get(t.sessionId) ?? [];
    list.push(turn.speaker === 'action' ? turn : { speaker: turn.speaker, text: redactText(turn.text.trim()) });
    sessions.set(t.sessionId, list);
  }
  let n = 0;
  const out: Dialogue[] = [];
  for (const turns of sessions.values()) {
    n++;
    while (turns.length && turns[turns.length - 1].speaker === 'user') turns.pop();
    out.push({ id: `${redactText(record.id)}#${n}`, turns });
  }
  return out;
}

/**
 * Builds the training set from the log (see the module comment for the
 * rules). Reads one conversation at a time; writes nothing.
 *
 * @example
 * const exp = await exportTrainingSet(store);
 * exp.report; // { taken: 42, skipped: { unreviewed: 120, 'marked-bad': 3, duplicate: 2 }, ... }
 * await writeTrainingExport('conversations/export/train.jsonl', exp);
 */
export async function exportTrainingSet(store: ConversationStore, opts: TrainingExportOptions = {}): Promise<TrainingExport> {
  const { includeUnreviewed = false, heldBackFraction = 0.1, seed = 0, commands = DEFAULT_COMMANDS } = opts;
  if (typeof heldBackFraction !== 'number' || !(heldBackFraction >= 0 && heldBackFraction < 1)) {
    throw new ColloquyError('export_bad_argument', `The held-back fraction must be a number from 0 to below 1, got ${heldBackFraction}`);
  }
  if (!Number.isFinite(seed)) throw new ColloquyError('export_bad_argument', `The seed must be a number, got ${seed}`);
  const skipped: Record<string, number> = {};
  const skip = (reason: SkipReason, n = 1) => void (skipped[reason] = (skipped[reason] ?? 0) + n);
  const counts: Counts = { corrected: 0, agentTurns: 0, droppedFallbacks: 0 };
  const seen = new Set<string>();
  const reviewed: { dialogue: Dialogue; score: number }[] = [];
  const unreviewed: Dialogue[] = [];

  const ids: string[] = [];
  for await (const s of store.list()) ids.push(s.id);
  let conversations = 0;
  for (const id of ids) {
    const record = await store.get(id);
    if (!record) {
      skip('unreadable');
      continue;
    }
    conversations++;
    const reason = conversationSkip(record, includeUnreviewed);
    if (reason) {
      skip(reason, Math.max(1, new Set(record.turns.map((t) => t.sessionId)).size));
      continue;
    }
    const dialogues = sessionDialogues(record, commands, counts);
    if (dialogues.length === 0) skip('empty');
    const score = holdBackScore(record.id, seed);
    for (const d of dialogues) {
      if (!d.turns.some((t) => t.speaker !== 'user')) {
        skip('empty');
        continue;
      }
      const key = dedupeKey(d);
      if (seen.has(key)) {
        skip('duplicate');
        continue;
      }
      seen.add(key);
      if (record.review) reviewed.push({ dialogue: d, score });
      else unreviewed.push(d);
    }
  }

  const held = new Set<Dialogue>();
  if (heldBackFraction > 0 && reviewed.length >= MIN_DIALOGUES_TO_HOLD_BACK) {
    for (const r of reviewed) if (r.score < heldBackFraction) held.add(r.dialogue);
    if (held.size === 0) {
      // a small set can miss the share by chance: hold back the conversation with the lowest score
      const lowest = Math.min(...reviewed.map((r) => r.score));
      for (const r of reviewed) if (r.score === lowest) held.add(r.dialogue);
    }
  }
  const heldBack = reviewed.filter((r) => held.has(r.dialogue)).map((r) => r.dialogue);
  const dialogues = [...reviewed.filter((r) => !held.has(r.dialogue)).map((r) => r.dialogue), ...unreviewed];
  return {
    dialogues,
    heldBack,
    report: { taken: dialogues.length + heldBack.length, skipped, conversations, ...counts },
  };
}

/**
 * The file beside an export that holds its held-back dialogues:
 * `train.jsonl` → `train.held-back.jsonl`.
 *
 * @example
 * heldBackFileFor('out/train.jsonl'); // 'out/train.held-back.jsonl'
 */
export function heldBackFileFor(file: string): string {
  return /\.jsonl$/i.test(file) ? file.replace(/\.jsonl$/i, '.held-back.jsonl') : `${file}.held-back.jsonl`;
}

/**
 * Writes the export in the corpus format (JSONL, atomically): the training
 * dialogues to `file`, the held-back ones to `heldBackFileFor(file)`. With
 * none held back, an older held-back file there is removed, so it never
 * lingers beside a new export (and an empty corpus file is never written).
 *
 * @example
 * await writeTrainingExport('conversations/export/train.jsonl', await exportTrainingSet(store));
 */
export async function writeTrainingExport(file: string, exp: TrainingExport): Promise<void> {
  await writeCorpus(file, exp.dialogues);
  if (exp.heldBack.length > 0) await writeCorpus(heldBackFileFor(file), exp.heldBack);
  else await unlink(heldBackFileFor(file)).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
}
