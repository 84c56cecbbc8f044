/**
 * One Discord test setup: the stand-in on 127.0.0.1, the real engine over a
 * scripted generator and the real lowdb store in a temp dir, and the real
 * Discord adapter (discord.js) connected to the stand-in.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from '../../adapters/discord/index.ts';
import { createEngine, createLowdbStore, type ConversationStore, type Engine, type EngineOptionsInput, type Generator, type Reply } from '../../src/index.ts';
import { createReplyStream } from '../../src/generation/reply-stream.ts';
import { createFakeLogger } from '../engine/helpers/harness.ts';
import { createScriptedGenerator, echo, type Script } from '../engine/helpers/scripted-generator.ts';
import { startDiscordStandIn, type DiscordStandIn, type StandInOptions, type StoredMessage } from './stand-in.ts';

export interface DiscordSetup {
  standIn: DiscordStandIn;
  engine: Engine;
  store: ConversationStore;
  generator: Generator;
  adapter: DiscordAdapter;
  logger: ReturnType<typeof createFakeLogger>;
  /** Stops the bot (adapter, engine, log) and starts it again on the same log and stand-in: what it kept only in memory is gone. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface SetupInput {
  script?: Script;
  /** Instead of the scripted generator (e.g. a paced one). */
  generator?: Generator;
  engineOptions?: EngineOptionsInput;
  adapter?: Partial<DiscordAdapterOptions>;
  standIn?: StandInOptions;
}

/** Starts everything; `close()` stops it all and removes the temp dir. */
export async function startDiscordSetup({ script = echo, generator: given, engineOptions, adapter: adapterOptions, standIn: standInOptions }: SetupInput = {}): Promise<DiscordSetup> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-discord-'));
  const standIn = await startDiscordStandIn(standInOptions);
  const generator = given ?? createScriptedGenerator(script);
  const logger = createFakeLogger();
  /** What lives in the bot's process: the log opened from `dir`, the engine, the adapter. */
  const boot = async () => {
    const store = await createLowdbStore({ dir });
    const engine = createEngine({ generator, store, options: engineOptions, tickIntervalMs: false });
    const adapter = createDiscordAdapter({ token: standIn.token, apiUrl: standIn.apiUrl, agentsChannelId: standIn.agents, logger, editIntervalMs: 100, ...adapterOptions });
    await adapter.start(engine);
    return { store, engine, adapter };
  };
  const shutdown = async (p: Awaited<ReturnType<typeof boot>>) => {
    await p.adapter.stop();
    await p.engine.close();
    await p.store.close();
  };
  let running = await boot();
  const setup: DiscordSetup = {
    standIn,
    ...running,
    generator,
    logger,
    async restart() {
      await shutdown(running);
      running = await boot();
      Object.assign(setup, running);
    },
    async close() {
      await shutdown(running);
      await standIn.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return setup;
}

/**
 * A generator that streams `text` one word every `msPerWord`, so a reply takes
 * long enough for several throttled edits; `meanLogProb` below the engine's
 * threshold makes it a fallback.
 */
export function createPacedGenerator(text: string, msPerWord: number, meanLogProb = -0.5): Generator & { calls: number } {
  const g = {
    modelVersion: 'paced-1',
    calls: 0,
    reply() {
      g.calls++;
      return createReplyStream<Reply>(async (emit) => {
        const pieces = text.match(/\s*\S+/g) ?? [];
        for (const piece of pieces) {
          emit(piece);
          await new Promise((r) => setTimeout(r, msPerWord));
        }
        return { text: text.trim(), tokens: pieces.length, meanLogProb, modelVersion: 'paced-1', truncated: false };
      });
    },
  };
  return g;
}

/** Bot messages replying to `messageId`, in order. */
export function answersTo(setup: DiscordSetup, message: StoredMessage): StoredMessage[] {
  return setup.standIn.botMessages(message.channelId).filter((m) => m.replyTo === message.id);
}

/** The stored conversation (fails when there is none). */
export async function recordOf(setup: DiscordSetup, conversationId: string) {
  const record = await setup.store.get(conversationId);
  if (!record) throw new Error(`nothing logged for ${conversationId}`);
  return record;
}
