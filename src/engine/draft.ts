import { randomBytes } from 'node:crypto';
import { ColloquyError } from '../errors.ts';
import type { ConversationRecord, ConversationStore, HandoffInfo, LoggedTurn } from '../storage/types.ts';
import type { EngineEventName, EngineEvents } from './types.ts';

/** One edit to a conversation record. Edits are deterministic: all ids and times are chosen beforehand. */
export type Change = (record: ConversationRecord) => void;

type PendingEvent = { [E in EngineEventName]: [E, EngineEvents[E]] }[EngineEventName];

/** A short random id: `t_…` for turns, `s_…` for sessions. */
export function newId(prefix: 't' | 's'): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

/** An empty record for a new conversation. */
export function newRecord(ref: { id: string; channel: string; userId: string }, at: string): ConversationRecord {
  return {
    id: ref.id,
    channel: ref.channel,
    userId: ref.userId,
    createdAt: at,
    updatedAt: at,
    sessionId: newId('s'),
    sessionStartedAt: at,
    consecutiveFallbacks: 0,
    handoff: { state: 'none' },
    turns: [],
  };
}

/**
 * The changes one operation makes to one conversation. Each change is applied
 * at once to a private copy (so the engine decides on the up-to-date record),
 * and again, all together, inside `store.update` — one write per operation, so
 * a failed write leaves the stored record as it was. Hook events wait here
 * until the write succeeds.
 */
export class Draft {
  readonly record: ConversationRecord;
  private readonly changes: Change[] = [];
  private readonly events: PendingEvent[] = [];

  /** `stored`: the base record was read from the store (not a new one), so its disappearance means it was deleted. */
  constructor(
    private readonly base: ConversationRecord,
    private readonly at: string,
    private readonly stored = true,
  ) {
    this.record = structuredClone(base);
  }

  apply(change: Change): void {
    change(this.record);
    this.changes.push(change);
  }

  /** Appends a turn to the current session and returns it. */
  addTurn(fields: Omit<LoggedTurn, 'id' | 'at' | 'sessionId'>): LoggedTurn {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const turn = { id: newId('t'), at: this.at, sessionId: '', ...defined } as LoggedTurn;
    this.apply((r) => r.turns.push({ ...turn, sessionId: r.sessionId }));
    return this.record.turns[this.record.turns.length - 1];
  }

  startSession(): void {
    const id = newId('s');
    this.apply((r) => {
      r.sessionId = id;
      r.sessionStartedAt = this.at;
      r.consecutiveFallbacks = 0;
    });
  }

  setHandoff(handoff: HandoffInfo): void {
    this.apply((r) => {
      r.handoff = { ...handoff };
    });
  }

  setFallbacks(n: number): void {
    this.apply((r) => {
      r.consecutiveFallbacks = n;
    });
  }

  /** Queues a hook event for after the write. */
  emit<E extends EngineEventName>(event: E, payload: EngineEvents[E]): void {
    this.events.push([event, payload] as PendingEvent);
  }

  get pendingEvents(): readonly PendingEvent[] {
    return this.events;
  }

  /**
   * Writes all changes in one `store.update` (onto a copy of what is stored
   * then). A conversation deleted meanwhile (a privacy request, retention) is
   * not written back from the copy this draft started with.
   */
  async commit(store: ConversationStore): Promise<ConversationRecord> {
    return store.update(this.base.id, (current) => {
      if (!current && this.stored) {
        throw new ColloquyError('storage_conversation_deleted', `Conversation "${this.base.id}" was deleted while this change was under way; nothing was written`);
      }
      const next = structuredClone(current ?? this.base);
      for (const change of this.changes) change(next);
      next.updatedAt = this.at;
      return next;
    });
  }
}
