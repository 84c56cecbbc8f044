import type { ConversationRecord, ConversationStore, ConversationSummary, ListFilter } from '../storage/types.ts';

/**
 * A conversation store that keeps records in memory for the life of the
 * process and writes nothing: `colloquy chat --no-log`, library use, tests.
 * Records are copied in and out, so callers never share them with the store.
 *
 * @example
 * const engine = createEngine({ generator, store: createMemoryStore() });
 */
export function createMemoryStore(): ConversationStore {
  const records = new Map<string, ConversationRecord>();
  let tail: Promise<unknown> = Promise.resolve();
  return {
    async get(id) {
      const r = records.get(id);
      return r && structuredClone(r);
    },
    update(id, mutate) {
      // one update at a time, like a store on disk
      const next = tail.then(() => {
        const r = records.get(id);
        const updated = mutate(r && structuredClone(r));
        records.set(id, structuredClone(updated));
        return structuredClone(updated);
      });
      tail = next.catch(() => {});
      return next;
    },
    async *list(filter: ListFilter = {}) {
      const matches = [...records.values()].map(summarize).filter((s) => matchesFilter(s, filter));
      matches.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      yield* matches.slice(0, filter.limit ?? Infinity);
    },
    async delete(id) {
      return records.delete(id);
    },
    async close() {
      await tail;
    },
  };
}

/** What the list shows of a record. */
export function summarize(r: ConversationRecord): ConversationSummary {
  const confidences = r.turns.filter((t) => t.speaker === 'bot' && t.confidence !== undefined).map((t) => t.confidence!);
  return {
    id: r.id,
    channel: r.channel,
    userId: r.userId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    turns: r.turns.length,
    ...(confidences.length ? { minConfidence: Math.min(...confidences) } : {}),
    fallbacks: r.turns.filter((t) => t.fallback).length,
    feedbackUp: r.turns.filter((t) => t.feedback?.value === 'up').length,
    feedbackDown: r.turns.filter((t) => t.feedback?.value === 'down').length,
    handoffState: r.handoff.state,
  };
}

function matchesFilter(s: ConversationSummary, f: ListFilter): boolean {
  if (f.channel !== undefined && s.channel !== f.channel) return false;
  if (f.userId !== undefined && s.userId !== f.userId) return false;
  if (f.from && Date.parse(s.updatedAt) < f.from.getTime()) return false;
  if (f.to && Date.parse(s.updatedAt) > f.to.getTime()) return false;
  if (f.handoffState !== undefined && s.handoffState !== f.handoffState) return false;
  if (f.maxConfidence !== undefined && !(s.minConfidence !== undefined && s.minConfidence <= f.maxConfidence)) return false;
  if (f.feedback === 'up' && !s.feedbackUp) return false;
  if (f.feedback === 'down' && !s.feedbackDown) return false;
  if (f.feedback === 'any' && !(s.feedbackUp + s.feedbackDown)) return false;
  return true;
}
