/**
 * The conversation log's shapes and the store interface the engine writes
 * through. One record per conversation; every turn ever said is kept.
 */
import type { IntentPrediction } from '../engine/understanding.ts';

import type { ActionCall } from '../data/dialogue.ts';

/**
 * Who said a logged turn. `notice` is a message the bot system sent that the
 * model did not write (help text, fallback notices, hand-off notices);
 * `action` is a call to the business's systems the engine made before
 * answering (its fields and results are on the turn).
 */
export type LoggedSpeaker = 'user' | 'bot' | 'agent' | 'notice' | 'action';

/**
 * The fact check's verdict on a generated reply: `passed` (every fact it
 * states is in the conversation or the allowlist), `replaced` (the first
 * reply failed; another candidate that passed was sent), `failed` (no
 * candidate passed: the fallback was sent). `unsupported` lists the facts of
 * the first reply that nothing supports.
 */
export interface FactCheckVerdict {
  verdict: 'passed' | 'replaced' | 'failed';
  unsupported?: string[];
  /** `replaced` and `failed`: the generated text that was not sent. */
  rejected?: string;
}

export interface Feedback {
  value: 'up' | 'down';
  at: string;
  /** Who gave it (user id), when known. */
  by?: string;
}

export interface LoggedTurn extends Partial<ActionCall> {
  /** Unique within the conversation; adapters refer to bot turns by it (feedback). */
  id: string;
  speaker: LoggedSpeaker;
  text: string;
  /** ISO time. */
  at: string;
  /** Session the turn belongs to; the model only ever sees turns of the current session. */
  sessionId: string;
  userId?: string;
  /** Bot turns: mean token log-probability of the generated reply. */
  confidence?: number;
  /** Bot turns: the model version that wrote it. */
  modelVersion?: string;
  /** Bot turns: true when the generated reply was replaced by the fallback text. */
  fallback?: boolean;
  /** User turns: the out-of-scope score of the message (0–1), when the model has a scorer. */
  outOfScope?: number;
  /** User turns: the predicted intent, when the model's scorer knows intents. */
  intent?: IntentPrediction;
  /** Agent turns: the agent's id. */
  agentId?: string;
  /** Bot turns: what the fact check found (absent when it is off). */
  factCheck?: FactCheckVerdict;
  /** User turns: the channel's own id of the message (exactly-once: a redelivery with this id is not answered again). */
  externalId?: string;
  feedback?: Feedback;
}

export type HandoffState = 'none' | 'requested' | 'accepted' | 'closed';

export interface HandoffInfo {
  state: HandoffState;
  requestedAt?: string;
  acceptedAt?: string;
  closedAt?: string;
  agentId?: string;
  /** `command`: the user asked for a person (`/agent`, or in their own words when the model's scorer reads it). */
  reason?: 'command' | 'fallbacks' | 'api';
}

/** A reviewer's verdict on a conversation. */
export type ReviewStatus = 'good' | 'bad' | 'ignore' | 'corrected';

/**
 * What a person decided about a logged conversation (`colloquy review`, the
 * admin page). Only `good` and `corrected` conversations become training data.
 *
 * @example
 * const review: ReviewState = { status: 'corrected', reviewedAt: '2025-01-02T09:00:00.000Z', corrections: { t_abc: 'Your order ships tomorrow.' } };
 */
export interface ReviewState {
  status: ReviewStatus;
  /** ISO time of the last decision. */
  reviewedAt: string;
  reviewer?: string;
  /** Bot turn id → the reply the bot should have given. */
  corrections: Record<string, string>;
  note?: string;
}

export interface ConversationRecord {
  /** The id the adapter chose (e.g. `slack:T1:C2:1700000000.0001`); never used as a path. */
  id: string;
  channel: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  sessionId: string;
  sessionStartedAt: string;
  /** Fallbacks in a row in the current session (reset by a confident reply). */
  consecutiveFallbacks: number;
  handoff: HandoffInfo;
  turns: LoggedTurn[];
  /** Absent until a person reviews the conversation. */
  review?: ReviewState;
}

/** What the index keeps per conversation, so listing never loads every file. */
export interface ConversationSummary {
  id: string;
  channel: string;
  userId: string;
  createdAt: string;
  updatedAt: string;
  turns: number;
  /** Lowest confidence among bot turns (undefined when none). */
  minConfidence?: number;
  fallbacks: number;
  feedbackUp: number;
  feedbackDown: number;
  handoffState: HandoffState;
  /** The review's status; absent while nobody has reviewed the conversation. */
  reviewed?: ReviewStatus;
}

export interface ListFilter {
  channel?: string;
  userId?: string;
  /** updatedAt within [from, to]. */
  from?: Date;
  to?: Date;
  feedback?: 'up' | 'down' | 'any';
  handoffState?: HandoffState;
  /** Conversations with a bot turn at or below this confidence. */
  maxConfidence?: number;
  /** true: only reviewed conversations; false: only those nobody reviewed yet. */
  reviewed?: boolean;
  limit?: number;
}

/**
 * What a privacy deletion or a retention run removed. `conversations` counts
 * whole conversations deleted; `turns` every turn removed, in them and in
 * other conversations (a user's turns in a shared channel). Stores on disk
 * also count the files they removed beside the conversation files.
 *
 * @example
 * const report: DeletionReport = { conversations: 2, turns: 14, tempFiles: 1, corruptFiles: 0 };
 */
export interface DeletionReport {
  conversations: number;
  turns: number;
  /** Temp files left by an interrupted write (crash leftovers that held conversation text). */
  tempFiles?: number;
  /** Unreadable conversation files that had been moved aside. */
  corruptFiles?: number;
}

/** How long a channel state key lives. */
export interface ChannelStateOptions {
  /** Milliseconds until the key expires (default: never). */
  ttlMs?: number;
}

/** The conversation log. Writes to one conversation are serialized and atomic on disk. */
export interface ConversationStore {
  get(id: string): Promise<ConversationRecord | undefined>;
  /**
   * Reads, changes and writes one conversation as one serialized step: the
   * mutator gets the current record (undefined when new) and returns the new
   * one. Resolves after the write is on disk.
   */
  update(id: string, mutate: (current: ConversationRecord | undefined) => ConversationRecord): Promise<ConversationRecord>;
  list(filter?: ListFilter): AsyncIterable<ConversationSummary>;
  delete(id: string): Promise<boolean>;
  /**
   * Small per-channel JSON state that must survive restarts and be shared by
   * every instance on the store: which platform message holds which turn,
   * hand-off announcements, event ids already answered. Undefined when unset.
   *
   * @example
   * await store.setChannelState('slack:msg:C1:1700000000.0001', { conversationId, turnId });
   * const ref = (await store.getChannelState('slack:msg:C1:1700000000.0001')) as TurnRef | undefined;
   */
  getChannelState(key: string): Promise<unknown | undefined>;
  /**
   * Stores `value` (JSON) under `key`; `undefined` removes the key. With
   * `ttlMs`, the key reads as unset that long after this call (and is then
   * removed). Resolves once it is stored durably.
   */
  setChannelState(key: string, value: unknown, options?: ChannelStateOptions): Promise<void>;
  /**
   * Stores shared by several processes: runs `task` holding conversation
   * `id`'s lock across all of them (the engine answers a message inside it).
   * Absent on single-process stores, where the engine's own queue suffices.
   */
  exclusive?<T>(id: string, task: () => Promise<T>): Promise<T>;
  /**
   * Deletes everything about one user (a privacy request): their
   * conversations, their turns in other conversations, the `by` of feedback
   * they gave, and every other copy the store keeps (open records in memory,
   * temp files, index lines). A write already under way for the user when the
   * deletion runs is refused rather than writing their data back.
   */
  deleteUser(userId: string): Promise<DeletionReport>;
  /** Deletes every conversation whose last activity (`updatedAt`) is before `cutoff` (retention), with all their copies. */
  deleteOlderThan(cutoff: Date): Promise<DeletionReport>;
  close(): Promise<void>;
}
