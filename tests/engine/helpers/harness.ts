/**
 * Builds an engine for a test: scripted generator, in-memory store, a clock
 * the test moves, and a recorder of every hook event.
 */
import { createEngine } from '../../../src/engine/engine.ts';
import type { EngineOptionsInput } from '../../../src/engine/options.ts';
import type { Clock, Engine, EngineEventName, EngineEvents, EngineResult, InboundMessage } from '../../../src/engine/types.ts';
import type { Logger } from '../../../src/logger.ts';
import type { ConversationRecord, ConversationStore } from '../../../src/storage/types.ts';
import { createTestStore, type FaultyStore } from './memory-store.ts';
import { createScriptedGenerator, echo, type Script, type ScriptedGenerator } from './scripted-generator.ts';

export interface FakeClock extends Clock {
  advanceMinutes(minutes: number): void;
}

export function createFakeClock(start = '2024-05-01T09:00:00.000Z'): FakeClock {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advanceMinutes(minutes) {
      t += minutes * 60_000;
    },
  };
}

export type RecordedEvent = { [E in EngineEventName]: { event: E; payload: EngineEvents[E] } }[EngineEventName];

/** What a test reads of one answer: the streamed text and the result. */
export interface Said extends EngineResult {
  streamed: string;
  pieces: string[];
}

export interface HarnessInput {
  script?: Script;
  options?: EngineOptionsInput;
  store?: ConversationStore;
  generator?: ScriptedGenerator;
  logger?: Logger;
  /** People answer hand-offs on every channel (`engine.agent.join()`); default true. */
  agents?: boolean;
}

export interface Harness {
  engine: Engine;
  store: FaultyStore;
  generator: ScriptedGenerator;
  clock: FakeClock;
  events: RecordedEvent[];
  /** The payloads of one event, in order. */
  eventsOf<E extends EngineEventName>(event: E): EngineEvents[E][];
  /** A message as an adapter would send it (conversation `c1`, user `u1`, channel `test`). */
  message(text: string, overrides?: Partial<InboundMessage>): InboundMessage;
  /** Sends a message and reads its whole answer. */
  send(text: string, overrides?: Partial<InboundMessage>): Promise<Said>;
  /** The stored record (fails when there is none). */
  record(conversationId?: string): Promise<ConversationRecord>;
}

export function createHarness({ script = echo, options, store, generator, logger, agents = true }: HarnessInput = {}): Harness {
  const clock = createFakeClock();
  const faulty = store ? (store as FaultyStore) : createTestStore();
  const gen = generator ?? createScriptedGenerator(script);
  const engine = createEngine({ generator: gen, store: faulty, options, clock, logger, tickIntervalMs: false });
  if (agents) engine.agent.join();
  const events: RecordedEvent[] = [];
  const names: EngineEventName[] = ['message', 'reply', 'fallback', 'handoff', 'feedback', 'agent-message', 'notice', 'error'];
  for (const event of names) engine.on(event, (payload) => void events.push({ event, payload } as RecordedEvent));
  const message = (text: string, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
    channel: 'test',
    conversationId: 'c1',
    userId: 'u1',
    text,
    receivedAt: clock.now(),
    ...overrides,
  });
  return {
    engine,
    store: faulty,
    generator: gen,
    clock,
    events,
    eventsOf: <E extends EngineEventName>(event: E) => events.filter((e) => e.event === event).map((e) => e.payload as EngineEvents[E]),
    message,
    send: async (text, overrides) => readReply(await engine.handle(message(text, overrides))),
    async record(conversationId = 'c1') {
      const r = await faulty.get(conversationId);
      if (!r) throw new Error(`no record for ${conversationId}`);
      return r;
    },
  };
}

/** A logger that keeps what it is told: `[level, message, fields]`. */
export function createFakeLogger(): Logger & { lines: Array<[string, string, Record<string, unknown> | undefined]> } {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push([level, msg, fields]);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Reads a reply's stream to the end, then its result. */
export async function readReply(reply: Awaited<ReturnType<Engine['handle']>>): Promise<Said> {
  const pieces: string[] = [];
  for await (const piece of reply.stream) pieces.push(piece);
  const result = await reply.result;
  return { ...result, streamed: pieces.join(''), pieces };
}
