import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials, type Interaction, type Message, type MessageReaction, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import { ColloquyError, silentLogger, createTurnRefs, errorText, type Engine, type Logger } from '../../src/index.ts';
import { createAgentsDesk, type AgentsDesk } from './agents-desk.ts';
import { DISCORD_CHANNEL, dmConversationId, guildConversationId } from './conversation-id.ts';
import { deliverReply } from './deliver-reply.ts';
import { stripMention } from './mention.ts';
import { createPusher } from './push.ts';
import { createWorkTracker } from './work-tracker.ts';

/** Discord allows 5 edits per 5 s in a channel; one edit every 1.2 s leaves room for other replies. */
export const DEFAULT_EDIT_INTERVAL_MS = 1200;
/** A typing indicator lasts about 10 s; it is sent again this often while a reply is generated. */
export const TYPING_REPEAT_MS = 8000;

export interface DiscordAdapterOptions {
  /** The bot token (DISCORD_TOKEN). */
  token: string;
  /** Channel where hand-offs are announced to agents (DISCORD_AGENTS_CHANNEL). */
  agentsChannelId?: string;
  /** REST base URL, e.g. `http://127.0.0.1:PORT/api` for a stand-in; Discord's by default. */
  apiUrl?: string;
  logger?: Logger;
  /** Minimum time between two edits of a streamed reply (ms). */
  editIntervalMs?: number;
  /** How often the typing indicator is sent again while a reply is generated (ms). */
  typingIntervalMs?: number;
  /** How long `stop()` waits for replies in flight before disconnecting anyway (ms). */
  stopTimeoutMs?: number;
}

/** The Discord adapter; `whenIdle` lets tests and shutdown wait for replies and deliveries in flight. */
export interface DiscordAdapter {
  readonly name: string;
  /** Logs in and answers through `engine`; rejects with a ColloquyError naming DISCORD_TOKEN on a bad token. */
  start(engine: Engine): Promise<void>;
  /** Waits for replies in flight (up to `stopTimeoutMs`), then disconnects. */
  stop(): Promise<void>;
  whenIdle(): Promise<void>;
}

/** Feedback values by reaction emoji (skin tones removed first). */
const FEEDBACK_EMOJI: Record<string, 'up' | 'down'> = { '👍': 'up', '👎': 'down' };

/**
 * The Discord channel on discord.js: answers DMs and mentions in guild
 * channels and threads (never bots), shows typing while it generates, streams
 * by editing its reply, takes 👍/👎 reactions as feedback, and runs hand-offs
 * through an agents channel.
 *
 * @example
 * const discord = createDiscordAdapter({ token: config.discordToken, agentsChannelId, logger });
 * await discord.start(engine); // rejects with a ColloquyError naming DISCORD_TOKEN on a bad token
 */
export function createDiscordAdapter({
  token,
  agentsChannelId,
  apiUrl,
  logger = silentLogger,
  editIntervalMs = DEFAULT_EDIT_INTERVAL_MS,
  typingIntervalMs = TYPING_REPEAT_MS,
  stopTimeoutMs = 30_000,
}: DiscordAdapterOptions): DiscordAdapter {
  const work = createWorkTracker();
  let client: Client | undefined;
  let starting = false;
  let unsubscribe: (() => void) | undefined;
  let accepting = false;

  const answer = async (engine: Engine, desk: AgentsDesk, message: Message, conversationId: string, text: string) => {
    const typing = desk.isHeld(conversationId) ? undefined : startTyping(message, typingIntervalMs, logger);
    try {
      // the message's id: a duplicate delivery (a resumed gateway, another instance) is answered once
      const reply = await engine.handle({ channel: DISCORD_CHANNEL, conversationId, userId: message.author.id, text, receivedAt: message.createdAt, externalId: message.id });
      const { result, messageIds } = await deliverReply({ source: message, reply, editIntervalMs, logger });
      // which reply message shows which turn, in the store: reactions count after a restart too
      const turns = createTurnRefs(engine, DISCORD_CHANNEL);
      if (result.turnId) for (const id of messageIds) await turns.remember(id, { conversationId, turnId: result.turnId });
    } finally {
      typing?.stop();
    }
  };

  const onMessage = async (engine: Engine, desk: AgentsDesk, bot: User, message: Message) => {
    if (message.author.bot || message.system) return;
    if (desk.owns(message)) return desk.onAgentMessage(message);
    if (!message.inGuild()) return answer(engine, desk, message, dmConversationId(message.channelId), stripMention(message.content, bot.id));
    if (!message.mentions.users.has(bot.id)) return;
    return answer(engine, desk, message, guildConversationId(message.guildId, message.channelId), stripMention(message.content, bot.id));
  };

  /** A 👍/👎 (any skin tone) by a person on one of the bot's replies becomes feedback on its turn. */
  const feedback = async (engine: Engine, messageId: string, emoji: string | null | undefined, userId: string) => {
    const value = FEEDBACK_EMOJI[(emoji ?? '').replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')];
    const turn = value && (await createTurnRefs(engine, DISCORD_CHANNEL).find(messageId));
    if (value && turn) await engine.feedback({ ...turn, value, userId });
  };
  const onReaction = async (engine: Engine, reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
    if (!user.bot) await feedback(engine, reaction.message.id, reaction.emoji.name, user.id);
  };
  /**
   * discord.js drops a reaction in a DM channel it has not seen since it
   * started (it cannot tell the channel's type): after a restart, such a 👍 is
   * taken from the gateway's raw event instead.
   */
  const onRawReaction = async (engine: Engine, c: Client, d: { channel_id: string; message_id: string; user_id: string; guild_id?: string; emoji: { name: string | null } }) => {
    if (d.guild_id || c.channels.cache.has(d.channel_id) || d.user_id === c.user?.id) return;
    await feedback(engine, d.message_id, d.emoji.name, d.user_id);
  };

  /** Runs a platform event's work, tracked for `stop()`, with failures logged. */
  const handleEvent = (what: string, run: () => Promise<unknown>) => {
    if (!accepting) return;
    void work.track(run().catch((err) => logger.error(`discord: ${what} failed`, { error: errorText(err) })));
  };

  /** Logs in, waits until the guilds are known and follows the engine's hooks; rejects with a ColloquyError. */
  const connect = async (engine: Engine): Promise<Client> => {
    const c = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.MessageContent,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.GuildMessageReactions,
        GatewayIntentBits.DirectMessageReactions,
      ],
      // DMs and reactions on messages sent before a restart arrive for uncached channels, messages and users
      partials: [Partials.Channel, Partials.Message, Partials.Reaction, Partials.User],
      // generated or quoted text never pings @everyone, roles or users; replies still notify their author
      allowedMentions: { parse: [], repliedUser: true },
      failIfNotExists: false,
      rest: { ...(apiUrl ? { api: apiUrl } : {}), retries: 1 },
    });
    const pusher = createPusher(c, logger);
    const desk = createAgentsDesk({ client: c, engine, agentsChannelId, pusher, logger, track: (w) => void work.track(w) });
    c.on(Events.Error, (err) => logger.error('discord: client error', { error: err.message }));
    c.on(Events.ShardError, (err) => logger.warn('discord: gateway error', { error: err.message }));
    c.on(Events.ShardDisconnect, (event) => logger.error('discord: gateway closed for good', { code: event.code }));
    c.on(Events.ShardReconnecting, () => logger.info('discord: gateway reconnecting'));
    c.on(Events.ShardResume, () => logger.info('discord: gateway resumed'));
    c.on(Events.MessageCreate, (m) => handleEvent('reply', () => onMessage(engine, desk, c.user!, m)));
    c.on(Events.MessageReactionAdd, (r, u) => handleEvent('feedback', () => onReaction(engine, r, u)));
    c.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
      if (packet.t === 'MESSAGE_REACTION_ADD') handleEvent('feedback', () => onRawReaction(engine, c, packet.d as Parameters<typeof onRawReaction>[2]));
    });
    c.on(Events.InteractionCreate, (i: Interaction) => {
      if (i.isButton()) handleEvent('button', () => desk.onButton(i));
    });

    const ready = new AbortController();
    try {
      await Promise.all([once(c, Events.ClientReady, { signal: ready.signal }), c.login(token)]);
    } catch (err) {
      await c.destroy().catch(() => undefined);
      throw startError(err);
    } finally {
      ready.abort();
    }
    unsubscribe = desk.subscribe();
    accepting = true;
    if (agentsChannelId && !(await c.channels.fetch(agentsChannelId).catch(() => null))) {
      logger.warn('discord: the agents channel was not found; hand-offs will not be announced', { agentsChannelId, hint: 'Check DISCORD_AGENTS_CHANNEL and that the bot can view that channel.' });
    }
    logger.info('discord: connected', { bot: c.user?.tag, guilds: c.guilds.cache.size });
    return c;
  };

  return {
    name: DISCORD_CHANNEL,

    async start(engine) {
      if (client || starting) throw new ColloquyError('discord_already_started', 'The Discord adapter is already running', 'Call stop() before starting it again.');
      if (typeof token !== 'string' || !token.trim()) {
        throw new ColloquyError('discord_token_missing', 'No Discord bot token: DISCORD_TOKEN is empty', 'Set DISCORD_TOKEN to the token from the Developer Portal (your application → Bot).');
      }
      starting = true;
      try {
        client = await connect(engine);
      } finally {
        starting = false;
      }
    },

    async stop() {
      if (!client) return;
      accepting = false;
      const settled = await Promise.race([work.idle().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), stopTimeoutMs).unref())]);
      if (!settled) logger.warn('discord: replies still in flight at stop; disconnecting anyway', { inFlight: work.size });
      unsubscribe?.();
      unsubscribe = undefined;
      const c = client;
      client = undefined;
      await c.destroy();
    },

    whenIdle: () => work.idle(),
  };
}

/** Shows "typing…" now and every `intervalMs` until stopped. */
function startTyping(message: Message, intervalMs: number, logger: Logger): { stop(): void } {
  const send = () => {
    if (!message.channel.isSendable()) return;
    message.channel.sendTyping().catch((err) => logger.debug('discord: typing indicator failed', { error: errorText(err) }));
  };
  send();
  const timer = setInterval(send, intervalMs);
  return { stop: () => clearInterval(timer) };
}

/** Turns a failed login into an error that names what to fix. */
function startError(err: unknown): ColloquyError {
  const e = err as { code?: unknown; status?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.code === 'TokenInvalid' || e?.status === 401 || /authentication failed/i.test(message)) {
    return new ColloquyError('discord_token_invalid', 'Discord rejected the bot token (DISCORD_TOKEN)', 'Copy the token from the Developer Portal (your application → Bot → Reset Token) into DISCORD_TOKEN.');
  }
  if (/disallowed intents/i.test(message)) {
    return new ColloquyError('discord_intents_disallowed', 'Discord refused the gateway intents the bot needs', 'Enable "Message Content Intent" in the Developer Portal (your application → Bot → Privileged Gateway Intents).');
  }
  return new ColloquyError('discord_connect_failed', `Could not connect to Discord: ${message}`, 'Check the network connection and DISCORD_TOKEN.');
}
