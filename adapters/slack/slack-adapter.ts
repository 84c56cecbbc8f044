import type { AddressInfo } from 'node:net';
import { App, webApi } from '@slack/bolt';
import { ColloquyError, errorText, createRecentMap, createTurnRefs, type Engine, type Logger, type TurnRefs } from '../../src/index.ts';
import { createAgentsDesk, type AgentsDesk } from './agents-desk.ts';
import { GIVE_BACK_ACTION } from './announcement.ts';
import { toBoltLogger } from './bolt-logger.ts';
import { deliverReply } from './deliver-reply.ts';
import { createSlackPoster, type SlackPoster } from './slack-poster.ts';
import { conversationIdOf, fromSlack, SLACK_CHANNEL, threadOf } from './slack-text.ts';
import { createSlackReceiver } from './receiver.ts';
import { startError } from './start-errors.ts';

/** Options of `createSlackAdapter`. The serve command maps the SLACK_* variables to them. */
export interface SlackAdapterOptions {
  /** SLACK_BOT_TOKEN: the Bot User OAuth Token (xoxb-…). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: Events API over HTTP (bolt checks every request's signature). */
  signingSecret?: string;
  /** SLACK_APP_TOKEN: an app-level token (xapp-…); when set, Socket Mode is used instead of HTTP. */
  appToken?: string;
  /** HTTP mode: the port of the events endpoint (SLACK_PORT, default 3001; 0 picks a free one). */
  port?: number;
  /** HTTP mode: the interface to listen on (default 127.0.0.1; put a reverse proxy or tunnel in front). */
  host?: string;
  /** SLACK_AGENTS_CHANNEL: the channel id where hand-offs are announced and agents answer. */
  agentsChannel?: string;
  /** The Web API base URL (default Slack's); tests point it at a stand-in. */
  apiUrl?: string;
  /** Retries of a failed Web API call (default: the Slack SDK's, ten over about half an hour). */
  apiRetries?: number;
  logger: Logger;
  /** Minimum time between two edits of a streaming reply (default 1,000 ms: Slack allows about one `chat.update` a second per channel). */
  editIntervalMs?: number;
}

/** The Slack adapter; `url` is the events endpoint once started in HTTP mode. */
export interface SlackAdapter {
  readonly name: string;
  /** Checks the token, then connects (Socket Mode) or listens (HTTP); rejects with a ColloquyError naming the variable to fix. */
  start(engine: Engine): Promise<void>;
  /** Stops bolt, lets replies in flight finish, and leaves the engine. */
  stop(): Promise<void>;
  readonly url: string | undefined;
}

/** A message event's fields the adapter reads. */
interface SlackMessage {
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
}

interface SlackReaction {
  user: string;
  reaction: string;
  item: { type: string; channel?: string; ts?: string };
}

const DEFAULT_API_URL = 'https://slack.com/api/';
/** Subtypes that are still a person writing; all others (bot_message, message_changed, channel_join, …) are ignored. */
const PERSON_SUBTYPES = new Set(['file_share', 'thread_broadcast']);
const UP = new Set(['+1', 'thumbsup']);
const DOWN = new Set(['-1', 'thumbsdown']);

/**
 * The Slack channel on @slack/bolt: answers direct messages and @mentions in
 * the thread of the message (a thread is a conversation,
 * `slack:<team>:<channel>:<thread_ts>`), and every follow-up in a channel
 * thread it is part of, mention or not; streams replies by editing a
 * placeholder, turns 👍/👎 reactions into feedback, and runs hand-offs through
 * an agents channel. Events come over HTTP (signed) or Socket Mode.
 *
 * @example
 * const slack = createSlackAdapter({ botToken, appToken, agentsChannel: 'C0123', logger });
 * await slack.start(engine); // rejects with a ColloquyError when Slack refuses a token
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { botToken, signingSecret, appToken, port = 3001, host = '127.0.0.1', agentsChannel, apiRetries, logger, editIntervalMs = 1_000 } = options;
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/?$/, '/');
  const clientOptions = () => ({ slackApiUrl: apiUrl, ...(apiRetries !== undefined ? { retryConfig: { retries: apiRetries } } : {}) });

  let app: App | undefined;
  let starting = false;
  let url: string | undefined;
  let unsubscribe = () => {};
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };

  return {
    name: SLACK_CHANNEL,
    get url() {
      return url;
    },

    async start(engine: Engine) {
      if (app || starting) throw new ColloquyError('slack_started', 'The Slack adapter is already started');
      checkOptions(options);
      starting = true;
      try {
        await connect(engine);
      } finally {
        starting = false;
      }
    },

    async stop() {
      const running = app;
      if (!running) return;
      app = undefined;
      await running.stop().catch((err: unknown) => logger.warn('slack: stopping bolt failed', { error: errorText(err) }));
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      unsubscribe();
      unsubscribe = () => {};
      url = undefined;
    },
  };

  async function connect(engine: Engine): Promise<void> {
    // the token check retries briefly: an unreachable Slack is reported in seconds, not after the SDK's half hour
    const checkRetries = { retries: apiRetries ?? 2, factor: 2 };
    const auth = await new webApi.WebClient(botToken, { ...clientOptions(), retryConfig: checkRetries, logger: toBoltLogger(logger) }).auth.test().catch((err) => {
      throw startError(err, 'SLACK_BOT_TOKEN', apiUrl);
    });
    const botUserId = String(auth.user_id ?? '');
    const boltLogger = toBoltLogger(logger);
    const created = new App({
      token: botToken,
      botId: auth.bot_id,
      botUserId,
      tokenVerificationEnabled: false, // checked just above, with a clear error
      logger: boltLogger,
      clientOptions: clientOptions(),
      ...(appToken ? { socketMode: true, appToken } : { receiver: createSlackReceiver({ signingSecret: signingSecret!, logger: boltLogger }) }),
    });
    const poster = createSlackPoster(created.client);
    const desk = createAgentsDesk({
      engine, poster, agentsChannel, botUserId, logger, track,
      posted: (channel, ts, conversationId, turnId) => turns.remember(`${channel}:${ts}`, { conversationId, turnId }),
    });
    const turns = createTurnRefs(engine, SLACK_CHANNEL);
    listen(created, { engine, poster, desk, turns, botUserId, logger, editIntervalMs, track });
    const off = desk.subscribe();
    try {
      if (appToken) await created.start();
      else {
        const server = await created.start({ port, host });
        const address = server.address() as AddressInfo;
        url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/slack/events`;
      }
    } catch (err) {
      off();
      await created.stop().catch(() => {});
      if (appToken) throw startError(err, 'SLACK_APP_TOKEN', apiUrl);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new ColloquyError('slack_port_in_use', `Port ${port} on ${host} is already in use (SLACK_PORT)`, 'Stop what is using it or set SLACK_PORT to a free port.');
      }
      throw new ColloquyError('slack_listen_failed', `Could not listen for Slack events on ${host}:${port} (SLACK_PORT): ${errorText(err)}`, 'Check SLACK_PORT and the --host interface.');
    }
    app = created;
    unsubscribe = off;
    logger.info(appToken ? 'slack: connected (Socket Mode)' : `slack: listening for events on ${url}`, { bot: botUserId, team: auth.team_id });
  }
}

interface ListenInput {
  engine: Engine;
  poster: SlackPoster;
  desk: AgentsDesk;
  /** The bot's messages → their turns (in the store: reactions after a restart still count). */
  turns: TurnRefs;
  botUserId: string;
  logger: Logger;
  editIntervalMs: number;
  track(work: Promise<unknown>): void;
}

/** Wires bolt's listeners. */
function listen(app: App, { engine, poster, desk, turns, botUserId, logger, editIntervalMs, track }: ListenInput): void {
  // fast local filters; what makes an answer exactly-once (across restarts and instances) is the message's id given to the engine
  const events = createRecentMap<true>({ max: 10_000, ttlMs: 3_600_000 });
  const messages = createRecentMap<true>({ max: 10_000, ttlMs: 3_600_000 });
  const fromPerson = (m: SlackMessage) => !!m.user && m.user !== botUserId && !m.bot_id && (!m.subtype || PERSON_SUBTYPES.has(m.subtype));

  const answer = (m: SlackMessage, team: string) => {
    // a mention in a channel the bot reads arrives twice (app_mention and message): one answer
    if (messages.seen(`${m.channel}:${m.ts}`, true)) return;
    const threadTs = m.thread_ts ?? m.ts;
    const conversationId = conversationIdOf({ team, channel: m.channel, threadTs });
    const text = fromSlack(m.text, botUserId);
    logger.debug('slack: message', { conversationId, text });
    const work = async () => {
      // the message's own id (channel and ts): a redelivered event, or the same message as app_mention and message, is answered once
      const reply = await engine.handle({ channel: SLACK_CHANNEL, conversationId, userId: m.user!, text, receivedAt: new Date(Number(m.ts) * 1000), externalId: `${m.channel}:${m.ts}` });
      const { result, ts } = await deliverReply({
        reply, to: { channel: m.channel, threadTs }, conversationId, poster, editIntervalMs, failureText: engine.options.messages.error, logger,
      });
      if (ts && result?.turnId && (result.kind === 'reply' || result.kind === 'fallback')) await turns.remember(`${m.channel}:${ts}`, { conversationId, turnId: result.turnId });
    };
    track(work().catch((err) => logger.error('slack: message not handled', { conversationId, error: errorText(err) })));
  };

  // a retried delivery (same event_id) is acknowledged and dropped, with or without x-slack-retry-num
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && events.seen(eventId, true)) return logger.debug('slack: duplicate event dropped', { eventId });
    await next();
  });

  /** A thread in a channel is the bot's when it has a conversation there (it answered a mention in it). */
  const isBotThread = async (m: SlackMessage, team: string) =>
    !!m.thread_ts && m.thread_ts !== m.ts && (await engine.history(conversationIdOf({ team, channel: m.channel, threadTs: m.thread_ts }), { limit: 1 })).turns.length > 0;

  app.event('message', async ({ event, body }) => {
    const m = event as unknown as SlackMessage;
    if (!fromPerson(m)) return;
    if (desk.isAgentsChannel(m.channel)) {
      track(desk.agentWrote({ threadTs: m.thread_ts, agentId: m.user!, text: m.text ?? '' }).catch((err) => logger.error('slack: agent message failed', { error: errorText(err) })));
    } else if (m.channel_type === 'im') answer(m, body.team_id);
    // a follow-up in a channel thread the bot is part of needs no @mention
    else track(isBotThread(m, body.team_id).then((ours) => ours && answer(m, body.team_id)).catch((err) => logger.error('slack: thread follow-up not handled', { error: errorText(err) })));
  });

  app.event('app_mention', async ({ event, body }) => {
    const m = event as unknown as SlackMessage;
    if (fromPerson(m) && !desk.isAgentsChannel(m.channel)) answer(m, body.team_id);
  });

  app.event('reaction_added', async ({ event }) => {
    const r = event as unknown as SlackReaction;
    const name = String(r.reaction ?? '').split('::')[0]; // skin tones: +1::skin-tone-3
    const value = UP.has(name) ? 'up' : DOWN.has(name) ? 'down' : undefined;
    if (!value || r.item?.type !== 'message' || r.user === botUserId) return;
    const item = r.item;
    track((async () => {
      const turn = await turns.find(`${item.channel}:${item.ts}`);
      if (turn) await engine.feedback({ ...turn, value, userId: r.user });
    })().catch((err) => logger.warn('slack: feedback not stored', { error: errorText(err) })));
  });

  app.action(GIVE_BACK_ACTION, async ({ ack, action }) => {
    await ack();
    const conversationId = (action as { value?: string }).value ?? '';
    if (!threadOf(conversationId)) return;
    track(desk.giveBack(conversationId).catch((err) => logger.error('slack: giving back to the bot failed', { conversationId, error: errorText(err) })));
  });

  app.error(async (err) => logger.error('slack: event handling failed', { error: errorText(err) }));
}

function checkOptions({ botToken, signingSecret, appToken }: SlackAdapterOptions): void {
  if (!botToken?.startsWith('xoxb-')) {
    throw new ColloquyError('slack_token_invalid', 'SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"', 'Copy the Bot User OAuth Token from your Slack app’s "OAuth & Permissions" page.');
  }
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    throw new ColloquyError('slack_token_invalid', 'SLACK_APP_TOKEN must be an app-level token starting with "xapp-"', 'Create one with the connections:write scope under "Basic Information → App-Level Tokens".');
  }
  if (!appToken && !signingSecret) {
    throw new ColloquyError('slack_config_missing', 'Slack needs SLACK_SIGNING_SECRET (events over HTTP) or SLACK_APP_TOKEN (Socket Mode) besides SLACK_BOT_TOKEN', 'Both are on your Slack app’s "Basic Information" page.');
  }
}
