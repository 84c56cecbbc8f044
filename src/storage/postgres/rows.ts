/**
 * How a conversation maps to a row of `conversations` (migrations/001) and a
 * ListFilter to SQL. PostgreSQL text cannot hold NUL, so the id, channel and
 * user id columns hold an escaped form (`\` → `\\`, NUL → `\0`); the record
 * itself is stored as JSON text, where NUL is written `\u0000`.
 */
import { createHash } from 'node:crypto';
import { ColloquyError } from '../../errors.ts';
import { summarize } from '../index-file.ts';
import type { ConversationRecord, ConversationSummary, HandoffState, ListFilter, ReviewStatus } from '../types.ts';

/** A column value for a string that may contain NUL. */
export const escapeText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0');

/** The string an escaped column value stands for. */
export const unescapeText = (s: string): string => s.replace(/\\(\\|0)/g, (_m, c: string) => (c === '0' ? '\u0000' : '\\'));

/** The primary key of conversation `id`: its SHA-256, hex (ids can be longer than an index entry). */
export const keyOf = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

/** The conversation's advisory-lock key: the first 32 bits of its SHA-256, signed. */
export const lockKeyOf = (id: string): number => Buffer.from(keyOf(id).slice(0, 8), 'hex').readInt32BE(0);

/** The row's columns, in the order of `UPSERT_SQL`'s parameters. */
export function rowValues(record: ConversationRecord): unknown[] {
  const s = summarize(record);
  for (const [name, at] of [['createdAt', s.createdAt], ['updatedAt', s.updatedAt]] as const) {
    if (Number.isNaN(Date.parse(at))) throw new ColloquyError('storage_bad_record', `Conversation ${JSON.stringify(record.id.slice(0, 80))} has no valid ${name} (${JSON.stringify(String(at).slice(0, 40))})`);
  }
  return [
    keyOf(record.id), escapeText(record.id), escapeText(s.channel), escapeText(s.userId), s.createdAt, s.updatedAt,
    s.turns, s.minConfidence ?? null, s.fallbacks, s.feedbackUp, s.feedbackDown, s.handoffState, s.reviewed ?? null,
    JSON.stringify(record),
  ];
}

export const UPSERT_SQL = `INSERT INTO conversations
  (key, id, channel, user_id, created_at, updated_at, turns, min_confidence, fallbacks, feedback_up, feedback_down, handoff_state, reviewed, record)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  ON CONFLICT (key) DO UPDATE SET
    channel = EXCLUDED.channel, user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    turns = EXCLUDED.turns, min_confidence = EXCLUDED.min_confidence, fallbacks = EXCLUDED.fallbacks,
    feedback_up = EXCLUDED.feedback_up, feedback_down = EXCLUDED.feedback_down, handoff_state = EXCLUDED.handoff_state,
    reviewed = EXCLUDED.reviewed, record = EXCLUDED.record`;

/** The summary columns, as `SUMMARY_COLUMNS` selects them. */
export interface SummaryRow {
  id: string;
  channel: string;
  user_id: string;
  created_at: Date;
  updated_at: Date;
  turns: number;
  min_confidence: number | null;
  fallbacks: number;
  feedback_up: number;
  feedback_down: number;
  handoff_state: HandoffState;
  reviewed: ReviewStatus | null;
}

export const SUMMARY_COLUMNS = 'id, channel, user_id, created_at, updated_at, turns, min_confidence, fallbacks, feedback_up, feedback_down, handoff_state, reviewed';

export function summaryOf(row: SummaryRow): ConversationSummary {
  return {
    id: unescapeText(row.id),
    channel: unescapeText(row.channel),
    userId: unescapeText(row.user_id),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    turns: row.turns,
    ...(row.min_confidence === null ? {} : { minConfidence: row.min_confidence }),
    fallbacks: row.fallbacks,
    feedbackUp: row.feedback_up,
    feedbackDown: row.feedback_down,
    handoffState: row.handoff_state,
    ...(row.reviewed === null ? {} : { reviewed: row.reviewed }),
  };
}

/** WHERE conditions (joined by AND, `TRUE` when none) and their parameters, numbered from `$1`, for `filter`. */
export function whereOf(filter: ListFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conds: string[] = [];
  const param = (v: unknown): string => `$${params.push(v)}`;
  if (filter.channel !== undefined) conds.push(`channel = ${param(escapeText(filter.channel))}`);
  if (filter.userId !== undefined) conds.push(`user_id = ${param(escapeText(filter.userId))}`);
  if (filter.from) conds.push(`updated_at >= ${param(filter.from)}`);
  if (filter.to) conds.push(`updated_at <= ${param(filter.to)}`);
  if (filter.feedback === 'up') conds.push('feedback_up > 0');
  if (filter.feedback === 'down') conds.push('feedback_down > 0');
  if (filter.feedback === 'any') conds.push('feedback_up + feedback_down > 0');
  if (filter.handoffState !== undefined) conds.push(`handoff_state = ${param(filter.handoffState)}`);
  if (filter.maxConfidence !== undefined) conds.push(`min_confidence <= ${param(filter.maxConfidence)}`);
  if (filter.reviewed !== undefined) conds.push(filter.reviewed ? 'reviewed IS NOT NULL' : 'reviewed IS NULL');
  return { where: conds.length ? conds.join(' AND ') : 'TRUE', params };
}
