/**
 * A Slack test rig: the Slack stand-in, the real adapter pointed at it, and
 * the real engine over the real lowdb store in a temp directory, with a
 * scripted generator (optionally paced, so streaming edits can be observed).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSlackAdapter, STREAMING_CURSOR, type SlackAdapter, type SlackAdapterOptions } from '../../adapters/slack/index.ts';
import { createReplyStream } from '../../src/generation/reply-stream.ts';
import { createEngine, createLowdbStore, type ConversationRecord, type Engine, type EngineOptionsInput, type Generator } from '../../src/index.ts';
import { createFakeLogger } from '../engine/helpers/harness.ts';
import { createScriptedGenerator, echo, type Script } from '../engine/helpers/scripted-generator.ts';
import { startSlackStandIn, waitFor, type BotMessage, type SlackStandIn } from './stand-in.ts';

export const AGENTS = 'C0AGENTS';

export interface RigOptions {
  socketMode?: boolean;
  script?: Script;
  /** Use this generator instead of the scripted one. */
  generator?: Generator;
  /** Milliseconds between the scripted reply's pieces (0: as fast as the scripted generator goes). */
  paceMs?: number;
  engineOptions?: EngineOptionsInput;
  adapter?: Partial<SlackAdapterOptions>;
}

export interface Rig {
  standIn: SlackStandIn;
  adapter: SlackAdapter;
  engine: Engine;
  store: Awaited<ReturnType<typeof createLowdbStore>>;
  logger: ReturnType<typeof createFakeLogger>;
  /** The stored conversation (fails when there is none). */
  record(conversationId: string): Promise<ConversationRecord>;
  /** A message event from a person (DM when `channel` starts with D), its body ready to deliver. */
  message(user: string, channel: string, text: string, threadTs?: string): { ts: string; body: ReturnType<SlackStandIn['eventCallback']> };
  /** Delivers a DM and waits for the final text of the answer in its thread. */
  dm(user: string, text: string, threadTs?: string): Promise<{ ts: string; answer: BotMessage }>;
  /** Stops the bot (adapter, engine, log) and starts it again on the same log directory and Slack stand-in: everything it kept only in memory is gone. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig({ socketMode = false, script = echo, generator, paceMs = 0, engineOptions, adapter: overrides }: RigOptions = {}): Promise<Rig> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-slack-'));
  const standIn = await startSlackStandIn();
  const logger = createFakeLogger();
  const o = standIn.options;
  /** What lives in the bot's process: the log opened from `dir`, the engine, the adapter. */
  const boot = async () => {
    const store = await createLowdbStore({ dir });
    const scripted = createScriptedGenerator(script);
    const engine = createEngine({ generator: generator ?? (paceMs ? paced(scripted, paceMs) : scripted), store, options: engineOptions, tickIntervalMs: false });
    const adapter = createSlackAdapter({
      botToken: o.botToken,
      ...(socketMode ? { appToken: o.appToken } : { signingSecret: o.signingSecret }),
      port: 0,
      agentsChannel: AGENTS,
      apiUrl: standIn.apiUrl,
      apiRetries: 0,
      editIntervalMs: 50,
      logger,
      ...overrides,
    });
    await adapter.start(engine);
    standIn.useHttp(adapter.url);
    return { store, engine, adapter };
  };
  const shutdown = async (p: Awaited<ReturnType<typeof boot>>) => {
    await p.adapter.stop();
    if (socketMode) await waitFor(() => standIn.openSockets === 0, 'the socket to close').catch(() => {});
    await p.engine.close();
    await p.store.close();
  };
  let running = await boot();

  const message: Rig['message'] = (user, channel, text, threadTs) => {
    const ts = standIn.nextTs();
    const event = { type: 'message', channel, channel_type: channel.startsWith('D') ? 'im' : 'channel', user, text, ts, ...(threadTs ? { thread_ts: threadTs } : {}) };
    return { ts, body: standIn.eventCallback(event) };
  };
  const rig: Rig = {
    standIn,
    ...running,
    logger,
    async record(conversationId) {
      const r = await rig.store.get(conversationId);
      if (!r) throw new Error(`nothing logged for ${conversationId}`);
      return r;
    },
    message,
    async dm(user, text, threadTs) {
      const channel = `D${user}`;
      const before = standIn.messages.length;
      const { ts, body } = message(user, channel, text, threadTs);
      await standIn.deliver(body);
      const answer = await finalAnswer(standIn, channel, threadTs ?? ts, before);
      return { ts, answer };
    },
    async restart() {
      await shutdown(running);
      running = await boot();
      Object.assign(rig, running);
    },
    async close() {
      await shutdown(running);
      await standIn.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Waits for the bot's answer in a thread (posted after message number `after` of the stand-in) to show its final text. */
export async function finalAnswer(standIn: SlackStandIn, channel: string, threadTs: string, after = 0): Promise<BotMessage> {
  const answer = await waitFor(
    () => standIn.messages.slice(after).find((m) => m.channel === channel && m.threadTs === threadTs && m.metadata?.event_type === 'colloquy_reply'),
    `an answer in ${channel}/${threadTs}`,
  );
  await waitFor(() => !answer.text.endsWith(STREAMING_CURSOR), 'the final text of the answer');
  return answer;
}

/** The scripted generator with `ms` between pieces, as a model that takes its time. */
export function paced(inner: Generator, ms: number): Generator {
  return {
    modelVersion: inner.modelVersion,
    reply(context, opts) {
      const stream = inner.reply(context, opts);
      return createReplyStream(async (emit) => {
        for await (const piece of stream) {
          emit(piece);
          await new Promise((r) => setTimeout(r, ms));
        }
        return stream.result;
      });
    },
  };
}

/** `n` words of filler, for long replies. */
export function words(n: number, word = 'lorem'): string {
  return Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');
}
