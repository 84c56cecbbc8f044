/**
 * The bot every conformance scenario talks to: the real engine over a real
 * store (lowdb in a temp directory, or PostgreSQL in a schema of its own), with a deterministic generator whose reply
 * says what the model was shown — so a scenario can read, through any channel,
 * whether history, resets and other users' messages reached the model.
 */
import type { Turn } from '../../src/data/dialogue.ts';
import { createEngine } from '../../src/engine/engine.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { ConversationRecord, ConversationStore, LoggedTurn } from '../../src/storage/types.ts';
import { createScriptedGenerator, type ScriptedGenerator } from '../engine/helpers/scripted-generator.ts';
import { createStoreHarness, type StoreKind } from '../helpers/stores.ts';

/**
 * What the revealing generator answers when the model is shown `context`:
 * `you said <last user text>; turns seen: <N>; earlier: <earlier user texts, comma-separated, or none>`.
 * Plain words and punctuation only, so no channel escapes or reformats it.
 */
export function revealingReply(context: Turn[]): string {
  const users = context.filter((t) => t.speaker === 'user').map((t) => t.text);
  const earlier = users.slice(0, -1);
  return `you said ${users.at(-1) ?? ''}; turns seen: ${context.length}; earlier: ${earlier.length ? earlier.join(', ') : 'none'}`;
}

export interface ConformanceBot {
  engine: Engine;
  store: ConversationStore;
  generator: ScriptedGenerator;
  /** Which store the bot logs to. */
  storeKind: StoreKind;
  /** True when conversation `id` is on disk / in the database (checked around the store). */
  isStored(id: string): Promise<boolean>;
  /** The stored conversation (fails the scenario when there is none). */
  record(conversationId: string): Promise<ConversationRecord>;
  /** The last turn of `speaker` in the conversation, if any. */
  lastTurn(conversationId: string, speaker: LoggedTurn['speaker']): Promise<LoggedTurn | undefined>;
  /** Closes the engine and the store and removes the log (directory or schema). */
  close(): Promise<void>;
}

/** Builds a fresh engine and store (lowdb unless told) for one scenario. */
export async function createConformanceBot(storeKind: StoreKind = 'lowdb'): Promise<ConformanceBot> {
  const harness = await createStoreHarness(storeKind, 'conformance');
  const store = await harness.open();
  const generator = createScriptedGenerator((context) => ({ text: revealingReply(context) }), 'conformance-1');
  const engine = createEngine({ generator, store, tickIntervalMs: false });
  const record = async (conversationId: string) => {
    const r = await store.get(conversationId);
    if (!r) throw new Error(`nothing is logged for conversation "${conversationId}"`);
    return r;
  };
  return {
    engine,
    store,
    generator,
    storeKind,
    isStored: (id) => harness.isStored(id),
    record,
    async lastTurn(conversationId, speaker) {
      const r = await store.get(conversationId);
      return r?.turns.filter((t) => t.speaker === speaker).at(-1);
    },
    async close() {
      await engine.close();
      await store.close();
      await harness.cleanup();
    },
  };
}

/** Polls `check` until it returns a truthy value (every 25 ms, `timeoutMs` at most), then returns it. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
