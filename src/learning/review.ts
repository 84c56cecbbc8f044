/**
 * The review queue over the conversation log: which bot turns need a person's
 * look (low confidence, fallbacks, thumbs-down, hand-offs), and the decisions
 * a reviewer records on a conversation — good, bad, ignore, or the reply the
 * bot should have given. Works on any `ConversationStore`.
 */
import { normalizeInput } from '../engine/input.ts';
import { DEFAULT_COMMANDS, DEFAULT_ENGINE_OPTIONS, type CommandNames } from '../engine/options.ts';
import { ColloquyError } from '../errors.ts';
import type { ConversationRecord, ConversationStore, ConversationSummary, FactCheckVerdict, LoggedSpeaker, LoggedTurn, ReviewState } from '../storage/types.ts';

/** Why a turn is in the queue. */
export type ReviewReason = 'low-confidence' | 'fallback' | 'thumbs-down' | 'handoff';

/** Longest correction accepted, in characters (the engine's own message limit). */
export const MAX_CORRECTION_CHARS = 4000;

/** A logged turn as the reviewer sees it. */
export interface ReviewTurn {
  id: string;
  speaker: LoggedSpeaker;
  text: string;
  at: string;
  confidence?: number;
  fallback?: boolean;
  feedback?: 'up' | 'down';
  /** The correction already written for this bot turn. */
  correction?: string;
  /** Bot turns: the fact check's verdict, with the facts nothing supported. */
  factCheck?: FactCheckVerdict;
}

/**
 * One thing that needs a look: a flagged turn, why, and the turns around it.
 *
 * @example
 * const [item] = await listReviewItems(store, { limit: 1 });
 * item.reasons; // ['fallback', 'handoff']
 */
export interface ReviewItem {
  conversationId: string;
  channel: string;
  updatedAt: string;
  /** The flagged turn (a bot turn, or an agent turn given a thumbs-down). */
  turnId: string;
  reasons: ReviewReason[];
  /** True when a correction may be written for the flagged turn (it is a bot turn). */
  correctable: boolean;
  /** The flagged turn with the turns of its session around it, in order. */
  turns: ReviewTurn[];
  /** The decision so far, when the conversation was reviewed (with `includeReviewed`). */
  review?: ReviewState;
}

/**
 * Options of `listReviewItems`.
 *
 * @example
 * await listReviewItems(store, { limit: 20, minConfidence: -1.5, includeReviewed: true });
 */
export interface ListReviewOptions {
  /** Most items returned (default 50). */
  limit?: number;
  /** Bot turns with a confidence below this are flagged (default: the engine's `confidenceThreshold`). */
  minConfidence?: number;
  /** Also list conversations already reviewed (default false). */
  includeReviewed?: boolean;
  /** Turns of the session shown before the flagged one and after it (default 6 each). */
  before?: number;
  after?: number;
  /** The command words, so a user's `/agent` counts as a hand-off (default: the engine's). */
  commands?: CommandNames;
}

/** What a reviewer decides about a conversation: a verdict, or corrected replies for some of its bot turns. */
export type ReviewDecision = { status: 'good' | 'bad' | 'ignore' } | { correct: { turnId: string; text: string }[] };

const STATUSES = ['good', 'bad', 'ignore'] as const;

/**
 * The flagged turns of one conversation, in turn order, with their reasons.
 * A hand-off flags the last bot turn before the person was asked for or
 * stepped in (the reply that did not do), or the agent's first turn when the
 * bot had not spoken.
 *
 * @example
 * flaggedTurns(record, -2.5); // Map { 't_x' => ['fallback'], 't_y' => ['thumbs-down'] }
 */
export function flaggedTurns(record: ConversationRecord, minConfidence: number, commands: CommandNames = DEFAULT_COMMANDS): Map<string, ReviewReason[]> {
  const flags = new Map<string, Set<ReviewReason>>();
  const flag = (id: string, reason: ReviewReason) => flags.set(id, (flags.get(id) ?? new Set()).add(reason));
  const agentWord = commands.agent.toLowerCase();
  let lastBot: LoggedTurn | undefined;
  let inAgentStretch = false;
  let handoffFlagged = false;
  for (const t of record.turns) {
    if (t.speaker === 'bot') {
      if (t.fallback) flag(t.id, 'fallback');
      else if (typeof t.confidence === 'number' && t.confidence < minConfidence) flag(t.id, 'low-confidence');
      if (t.feedback?.value === 'down') flag(t.id, 'thumbs-down');
      lastBot = t;
      inAgentStretch = false;
    } else if (t.speaker === 'agent') {
      if (t.feedback?.value === 'down') flag(t.id, 'thumbs-down');
      if (!inAgentStretch) {
        flag(lastBot?.id ?? t.id, 'handoff');
        handoffFlagged = true;
      }
      inAgentStretch = true;
    } else if (t.speaker === 'user' && t.text.trim().split(/\s+/, 1)[0].toLowerCase() === agentWord && lastBot) {
      flag(lastBot.id, 'handoff');
      handoffFlagged = true;
    }
  }
  // a hand-off asked for by the engine or an extension, with no agent reply logged
  if (!handoffFlagged && record.handoff?.state !== 'none' && lastBot) flag(lastBot.id, 'handoff');
  const order = new Map(record.turns.map((t, i) => [t.id, i]));
  const ids = [...flags.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
  return new Map(ids.map((id) => [id, [...flags.get(id)!]]));
}

/** True when the index says the conversation may hold something to flag. */
function mayNeedReview(s: ConversationSummary, minConfidence: number): boolean {
  return (s.minConfidence !== undefined && s.minConfidence < minConfidence) || s.fallbacks > 0 || s.feedbackDown > 0 || s.handoffState !== 'none';
}

function reviewTurn(t: LoggedTurn, review: ReviewState | undefined): ReviewTurn {
  const out: ReviewTurn = { id: t.id, speaker: t.speaker, text: t.text, at: t.at };
  if (typeof t.confidence === 'number') out.confidence = t.confidence;
  if (t.fallback) out.fallback = true;
  if (t.feedback) out.feedback = t.feedback.value;
  if (t.factCheck) out.factCheck = t.factCheck;
  const correction = review?.corrections?.[t.id];
  if (correction !== undefined) out.correction = correction;
  return out;
}

/**
 * What needs a look, most recently active conversations first: each flagged
 * turn with its reasons and the turns of its session around it. Reviewed
 * conversations are left out unless `includeReviewed`.
 *
 * @example
 * for (const item of await listReviewItems(store, { limit: 10 })) console.log(item.conversationId, item.reasons);
 */
export async function listReviewItems(store: ConversationStore, opts: ListReviewOptions = {}): Promise<ReviewItem[]> {
  const { limit = 50, minConfidence = DEFAULT_ENGINE_OPTIONS.confidenceThreshold, includeReviewed = false, before = 6, after = 6, commands = DEFAULT_COMMANDS } = opts;
  if (!Number.isInteger(limit) || limit < 1) throw new ColloquyError('review_bad_argument', `The review limit must be a whole number ≥ 1, got ${limit}`);
  if (typeof minConfidence !== 'number' || Number.isNaN(minConfidence)) throw new ColloquyError('review_bad_argument', `minConfidence must be a number (a mean log-probability), got ${minConfidence}`);
  const items: ReviewItem[] = [];
  const candidates: ConversationSummary[] = [];
  for await (const s of store.list(includeReviewed ? {} : { reviewed: false })) if (mayNeedReview(s, minConfidence)) candidates.push(s);
  for (const s of candidates) {
    const record = await store.get(s.id);
    if (!record || (record.review && !includeReviewed)) continue;
    for (const [turnId, reasons] of flaggedTurns(record, minConfidence, commands)) {
      const at = record.turns.findIndex((t) => t.id === turnId);
      const flagged = record.turns[at];
      const session = record.turns.filter((t) => t.sessionId === flagged.sessionId);
      const pos = session.indexOf(flagged);
      const around = session.slice(Math.max(0, pos - before), pos + after + 1);
      items.push({
        conversationId: record.id,
        channel: record.channel,
        updatedAt: record.updatedAt,
        turnId,
        reasons,
        correctable: flagged.speaker === 'bot',
        turns: around.map((t) => reviewTurn(t, record.review)),
        ...(record.review ? { review: structuredClone(record.review) } : {}),
      });
      if (items.length >= limit) return items;
    }
  }
  return items;
}

function invalid(message: string): never {
  throw new ColloquyError(
    'review_decision_invalid',
    message,
    'Send {"status": "good" | "bad" | "ignore"} or {"correct": [{"turnId": "<bot turn id>", "text": "<the reply it should have given>"}]}.',
  );
}

/** Checks the corrections against the conversation; returns them normalized. */
function checkCorrections(record: ConversationRecord, correct: unknown): Record<string, string> {
  if (!Array.isArray(correct) || correct.length === 0) invalid('"correct" must be a non-empty list of {turnId, text}');
  const out: Record<string, string> = {};
  for (const c of correct as unknown[]) {
    const { turnId, text } = (c ?? {}) as { turnId?: unknown; text?: unknown };
    if (typeof turnId !== 'string' || !turnId) invalid('Each correction needs a "turnId" (the bot turn it replaces)');
    const turn = record.turns.find((t) => t.id === turnId);
    if (!turn) throw new ColloquyError('review_turn_unknown', `Conversation ${JSON.stringify(record.id)} has no turn ${JSON.stringify(turnId.slice(0, 80))}`, 'Use a turn id from the review queue.');
    if (turn.speaker !== 'bot') {
      throw new ColloquyError('review_turn_not_bot', `Turn ${JSON.stringify(turnId)} is a ${turn.speaker} turn; only the bot's replies can be corrected`, 'Pick the bot reply that should have been different.');
    }
    const checked = normalizeInput(text, MAX_CORRECTION_CHARS);
    if (!checked.ok && checked.problem === 'empty') throw new ColloquyError('review_correction_empty', `The correction for turn ${JSON.stringify(turnId)} is empty`, 'Write the reply the bot should have given.');
    if (!checked.ok) throw new ColloquyError('review_correction_too_long', `The correction for turn ${JSON.stringify(turnId)} is over ${MAX_CORRECTION_CHARS} characters`, 'Shorten it: a support reply is a few sentences.');
    out[turnId] = checked.text;
  }
  return out;
}

/**
 * Records a reviewer's decision on a conversation and returns the stored
 * review. A verdict sets the status (corrections already written are kept);
 * corrections are added to earlier ones and set the status to `corrected`.
 * Throws `ColloquyError` naming the problem: unknown conversation or turn, a
 * turn that is not the bot's, an empty or over-long correction.
 *
 * @example
 * await reviewConversation(store, 'web-42', { status: 'good' }, 'ana');
 * await reviewConversation(store, 'web-43', { correct: [{ turnId: 't_x', text: 'It ships tomorrow.' }] });
 */
export async function reviewConversation(store: ConversationStore, conversationId: string, decision: ReviewDecision, reviewer?: string): Promise<ReviewState> {
  if (typeof conversationId !== 'string' || !conversationId) invalid('The conversation id is missing');
  if (typeof decision !== 'object' || decision === null) invalid('The decision is missing');
  const d = decision as { status?: unknown; correct?: unknown };
  if ('status' in d && 'correct' in d) invalid('Send either a status or corrections, not both');
  if (!('correct' in d) && !STATUSES.includes(d.status as (typeof STATUSES)[number])) invalid(`The status must be good, bad or ignore, got ${JSON.stringify(d.status)?.slice(0, 40)}`);
  const who = typeof reviewer === 'string' ? normalizeInput(reviewer, 100) : undefined;
  const unknown = () => new ColloquyError('review_conversation_unknown', `No conversation ${JSON.stringify(conversationId.slice(0, 80))} in the log`, 'Use a conversation id from the review queue.');
  const saved = await store.update(conversationId, (current) => {
    if (!current) throw unknown(); // never create a record by reviewing it
    const prev = current.review;
    const review: ReviewState = {
      status: 'correct' in d ? 'corrected' : (d.status as ReviewState['status']),
      reviewedAt: new Date().toISOString(),
      corrections: { ...prev?.corrections, ...('correct' in d ? checkCorrections(current, d.correct) : {}) },
    };
    if (who?.ok) review.reviewer = who.text;
    if (prev?.note) review.note = prev.note;
    return { ...current, review };
  });
  return saved.review!;
}
