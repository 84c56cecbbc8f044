import { ColloquyError } from '../errors.ts';
import type { Generator } from '../generation/generator.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { ConversationStore } from '../storage/types.ts';
import type { EngineContext } from './context.ts';
import { commit, draftFor } from './context.ts';
import { createHandoffDesk } from './handoff.ts';
import { MAX_EXTERNAL_ID_CHARS } from './exactly-once.ts';
import { handleMessage } from './handle-message.ts';
import { createReplyStream } from '../generation/reply-stream.ts';
import { createHooks, type Hooks } from './hooks.ts';
import { readHistory } from './history.ts';
import { createRouter, type ConversationEvent } from './routing.ts';
import type { LiveBus } from './live-bus.ts';
import { reportFailure } from './failures.ts';
import type { ActionDefinition } from '../actions/index.ts';
import { resolveFactCheck, type FactCheckOptions } from './grounding.ts';
import { resolveEngineOptions, type EngineOptionsInput } from './options.ts';
import { createKeyedQueue } from './queue.ts';
import type { Clock, Engine, EngineReply, FeedbackInput, InboundMessage } from './types.ts';

export interface CreateEngineInput {
  generator: Generator;
  store: ConversationStore;
  options?: EngineOptionsInput;
  logger?: Logger;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** How often open hand-off requests are checked for their timeout (ms); `false`: only when you call `tick()`. */
  tickIntervalMs?: number | false;
  /** Actions run before the model answers (src/actions): their results become an action turn the model reads. */
  actions?: ActionDefinition[];
  /** The fact check on every generated reply: `true` or options to turn it on (`colloquy serve` and `chat` do). Default off. */
  factCheck?: FactCheckOptions | boolean;
  /** Carries conversation events between instances (`createRedisLiveBus`), so `watch` hears events raised on any of them. */
  bus?: LiveBus;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * The conversation engine: every channel hands it messages; it keeps the
 * history, runs commands, gates replies on confidence, hands conversations to
 * humans and back, and logs every turn. Messages of one conversation are
 * handled in order, different conversations concurrently.
 *
 * @example
 * const engine = createEngine({ generator, store });
 * engine.connect('web', { 'agent-message': ({ conversationId, text }) => send(conversationId, text) });
 * const reply = await engine.handle({ channel: 'web', conversationId: 'w-1', userId: 'u-1', text: 'Where is my order?', receivedAt: new Date() });
 * for await (const piece of reply.stream) write(piece);
 * const { turnId, confidence } = await reply.result;
 */
export function createEngine({ generator, store, options, logger = silentLogger, clock = systemClock, tickIntervalMs = 10_000, bus, actions = [], factCheck }: CreateEngineInput): Engine {
  const global = createHooks(logger);
  const router = createRouter(logger);
  const hooks: Hooks = {
    on: global.on,
    emit(event, payload) {
      global.emit(event, payload);
      router.dispatch(event, payload);
      if (bus && event !== 'error') bus.publish((payload as { conversationId: string }).conversationId, { event, payload } as ConversationEvent);
    },
  };
  const o = resolveEngineOptions(options);
  const frozen = Object.freeze({ ...o, commands: Object.freeze(o.commands), messages: Object.freeze(o.messages) });
  const staffed = new Map<string, number>(); // channel ('*': every channel) → desks that joined
  const agentsFor = (channel: string) => (staffed.get('*') ?? 0) + (staffed.get(channel) ?? 0) > 0;
  const grounding = { actions: [...actions], factCheck: resolveFactCheck(factCheck) };
  const ctx: EngineContext = { generator, store, options: frozen, logger, clock, hooks, queue: createKeyedQueue(), pending: new Map(), agentsFor, grounding };
  const desk = createHandoffDesk(ctx);
  let closed = false;
  const live = () => {
    if (closed) throw new ColloquyError('engine_closed', 'The engine is closed');
  };
  // with a store shared by instances, a request made on another instance (perhaps one that died) times out here too
  const tick = async () => {
    if (store.exclusive) await seedPending(ctx);
    await desk.tick();
  };
  const timer = tickIntervalMs === false ? undefined : setInterval(() => void tick(), tickIntervalMs);
  timer?.unref();
  void seedPending(ctx);

  return {
    options: ctx.options,

    async handle(message: InboundMessage): Promise<EngineReply> {
      live();
      checkMessage(message);
      const reply = createReplyStream((emit) => ctx.queue.run(message.conversationId, () => handleMessage(ctx, message, emit)));
      return { stream: reply, result: reply.result };
    },

    async feedback({ conversationId, turnId, value, userId }: FeedbackInput): Promise<void> {
      live();
      if (value !== 'up' && value !== 'down') throw new ColloquyError('feedback_invalid', `Feedback must be "up" or "down", got ${JSON.stringify(value)}`);
      await ctx.queue.run(conversationId, async () => {
        const at = clock.now().toISOString();
        const draft = await draftFor(ctx, conversationId, at);
        const turn = draft.record.turns.find((t) => t.id === turnId);
        if (!turn) throw new ColloquyError('feedback_turn_unknown', `No turn "${turnId}" in conversation "${conversationId}"`, 'Pass the turnId from the reply result.');
        if (turn.speaker !== 'bot' && turn.speaker !== 'agent') throw new ColloquyError('feedback_turn_invalid', `Turn "${turnId}" is a ${turn.speaker} turn; feedback goes on bot or agent turns`);
        const feedback = { value, at, ...(userId ? { by: userId } : {}) };
        draft.apply((r) => {
          const t = r.turns.find((x) => x.id === turnId);
          if (t) t.feedback = feedback;
        });
        draft.emit('feedback', { conversationId, turnId, value, userId, text: turn.text });
        await commit(ctx, draft);
      });
    },

    agent: {
      accept: async (conversationId, agentId) => (live(), desk.accept(conversationId, agentId)),
      send: async (conversationId, agentId, text) => (live(), desk.send(conversationId, agentId, text)),
      close: async (conversationId) => (live(), desk.close(conversationId)),
      join(channel = '*') {
        staffed.set(channel, (staffed.get(channel) ?? 0) + 1);
        let joined = true;
        return () => {
          if (joined) staffed.set(channel, (staffed.get(channel) ?? 1) - 1);
          joined = false;
        };
      },
    },

    requestHandoff: async (conversationId, reason) => (live(), desk.request(conversationId, reason)),
    on: (event, handler) => hooks.on(event, handler),
    connect: (channel, handlers) => router.connect(channel, handlers),
    watch(conversationId, listener) {
      const offHere = router.watch(conversationId, listener);
      const offElsewhere = bus?.subscribe(conversationId, listener);
      return () => {
        offHere();
        offElsewhere?.();
      };
    },
    history: async (conversationId, query) => (live(), readHistory(store, conversationId, query)),
    channelState: {
      get: async (key) => (live(), store.getChannelState(key)),
      set: async (key, value, options) => (live(), store.setChannelState(key, value, options)),
    },
    tick,

    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await ctx.queue.idle();
    },
  };
}

/** Adapter mistakes (not user input) are errors: without a conversation id there is nowhere to answer. */
function checkMessage(m: InboundMessage): void {
  const bad = (what: string) => {
    throw new ColloquyError('message_invalid', what, 'Adapters pass { channel, conversationId, userId, text, receivedAt }.');
  };
  if (!m || typeof m !== 'object') bad('handle() needs a message object');
  for (const key of ['channel', 'conversationId', 'userId'] as const) if (typeof m[key] !== 'string' || !m[key]) bad(`message.${key} must be a non-empty string`);
  if (m.externalId !== undefined && (typeof m.externalId !== 'string' || !m.externalId || m.externalId.length > MAX_EXTERNAL_ID_CHARS)) bad(`message.externalId must be a non-empty string of at most ${MAX_EXTERNAL_ID_CHARS} characters`);
}

/** Picks up hand-off requests left open by an earlier run, so they still time out. */
async function seedPending(ctx: EngineContext): Promise<void> {
  try {
    for await (const s of ctx.store.list({ handoffState: 'requested' })) {
      if (!ctx.pending.has(s.id)) {
        const record = await ctx.store.get(s.id);
        if (record?.handoff.state === 'requested' && record.handoff.requestedAt) ctx.pending.set(s.id, Date.parse(record.handoff.requestedAt));
      }
    }
  } catch (err) {
    reportFailure(ctx, 'store', err);
  }
}
