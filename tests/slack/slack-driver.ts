/**
 * Conformance driver for the Slack channel: the real adapter (bolt) against
 * the Slack stand-in, over the Events API (HTTP) or Socket Mode. Each user has
 * a DM with the bot; their first message starts a thread and every later one
 * is a reply in it, so the thread is their conversation. What a user sees is
 * read from the stand-in: the final text of the bot's answer in the thread
 * (after the streaming edits), and the agent messages and notices posted
 * there. The agents' side is a reply in the hand-off announcement's thread in
 * the agents channel; giving back is the announcement's button.
 */
import { createSlackAdapter, STREAMING_CURSOR, type SlackAdapter } from '../../adapters/slack/index.ts';
import type { Engine } from '../../src/engine/types.ts';
import type { Logger } from '../../src/logger.ts';
import { silentLogger } from '../../src/logger.ts';
import type { ConformanceDriver } from '../conformance/driver.ts';
import { startSlackStandIn, waitFor, type BotMessage, type SlackStandIn } from './stand-in.ts';

export const AGENTS_CHANNEL = 'C0AGENTS';
export const AGENT_USER = 'U0AGENT';
/** How long an answer may take on a loaded machine. */
const ANSWER_TIMEOUT_MS = 20_000;

export interface SlackDriverOptions {
  /** Socket Mode instead of the Events API over HTTP. */
  socketMode?: boolean;
  /** Streaming edit interval of the adapter (default 50 ms, to keep the kit quick). */
  editIntervalMs?: number;
  logger?: Logger;
}

/** A driver that also exposes its stand-in and adapter, for tests that look closer. */
export interface SlackDriver extends ConformanceDriver {
  readonly standIn: SlackStandIn;
  readonly adapter: SlackAdapter;
  /** The Slack user id standing for `user`. */
  slackUser(user: string): string;
}

interface SlackUser {
  id: string;
  dm: string;
  /** The thread (the first message's ts), once the user has written. */
  root?: string;
  /** True once the user has written (later messages are replies in the thread). */
  started?: boolean;
  /** Pushed messages already read by `nextPushed`. */
  pushedRead: number;
  /** The last answer the user saw (what a reaction rates). */
  lastAnswer?: BotMessage;
}

export function createSlackDriver({ socketMode = false, editIntervalMs = 50, logger = silentLogger }: SlackDriverOptions = {}): SlackDriver {
  let standIn: SlackStandIn | undefined;
  let adapter: SlackAdapter | undefined;
  let unsubscribe = () => {};
  /** Per conversation: the engine's `message` and `reply` hooks so far (when to expect an answer, when silence). */
  const heard = new Map<string, { messages: number; replies: number }>();
  const heardOf = (id: string) => heard.get(id) ?? { messages: 0, replies: 0 };
  const users = new Map<string, SlackUser>();

  const running = () => {
    if (!standIn || !adapter) throw new Error('slack driver: start() first');
    return standIn;
  };
  const userOf = (name: string): SlackUser => {
    let u = users.get(name);
    if (!u) {
      const id = `${users.size}${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
      users.set(name, (u = { id: `U0${id}`, dm: `D0${id}`, pushedRead: 0 }));
    }
    return u;
  };
  const conversationId = (name: string) => {
    const u = userOf(name);
    u.root ??= running().nextTs();
    return `slack:${running().options.team}:${u.dm}:${u.root}`;
  };
  const thread = (u: SlackUser) => running().botMessagesIn(u.dm, u.root);
  const kindOf = (m: BotMessage) => m.metadata?.event_type;
  const isFinal = (m: BotMessage) => !m.text.endsWith(STREAMING_CURSOR);
  const pushed = (u: SlackUser) => thread(u).filter((m) => kindOf(m) === 'colloquy_agent_message' || kindOf(m) === 'colloquy_notice');
  const announcementFor = (name: string) =>
    waitFor(
      () => running().botMessagesIn(AGENTS_CHANNEL).filter((m) => m.metadata?.event_payload?.conversation_id === conversationId(name)).at(-1),
      `the hand-off announcement for ${name}`,
      ANSWER_TIMEOUT_MS,
    );

  const driver: SlackDriver = {
    name: socketMode ? 'slack (Socket Mode)' : 'slack',
    get standIn() {
      return running();
    },
    get adapter() {
      running();
      return adapter!;
    },
    slackUser: (name) => userOf(name).id,

    async start(engine: Engine) {
      standIn = await startSlackStandIn();
      const o = standIn.options;
      adapter = createSlackAdapter({
        botToken: o.botToken,
        ...(socketMode ? { appToken: o.appToken } : { signingSecret: o.signingSecret }),
        port: 0,
        agentsChannel: AGENTS_CHANNEL,
        apiUrl: standIn.apiUrl,
        apiRetries: 0,
        editIntervalMs,
        logger,
      });
      const count = (id: string, what: 'messages' | 'replies') => {
        const h = { ...heardOf(id) };
        h[what] += 1;
        heard.set(id, h);
      };
      const offMessage = engine.on('message', (e) => count(e.conversationId, 'messages'));
      const offReply = engine.on('reply', (e) => count(e.conversationId, 'replies'));
      unsubscribe = () => (offMessage(), offReply());
      await adapter.start(engine);
      standIn.useHttp(adapter.url);
    },

    async stop() {
      unsubscribe();
      await adapter?.stop();
      if (socketMode && standIn) await waitFor(() => standIn!.openSockets === 0, 'the socket to close', ANSWER_TIMEOUT_MS).catch(() => {});
      await standIn?.close();
      adapter = undefined;
      standIn = undefined;
    },

    conversationId,

    async say(name, text, { silenceMs = 300 } = {}) {
      const s = running();
      const u = userOf(name);
      const id = conversationId(name);
      const first = !u.started;
      u.started = true;
      const ts = first ? u.root! : s.nextTs();
      const before = new Set(thread(u).map((m) => m.ts));
      const heardBefore = heardOf(id);
      const event = { type: 'message', channel: u.dm, channel_type: 'im', user: u.id, text: escapeLikeSlack(text), ts, ...(first ? {} : { thread_ts: u.root }) };
      await s.deliver(s.eventCallback(event));

      // the answer is the bot's reply message posted in the thread after this message. The engine's hooks only
      // say when to stop waiting: a reply hook means an answer is on its way; a logged message without one
      // means the bot stays silent — once `silenceMs` more have passed with nothing posted
      let quietSince: number | undefined;
      const answer = await waitFor(
        () => {
          const posted = thread(u).find((m) => !before.has(m.ts) && kindOf(m) === 'colloquy_reply');
          if (posted) return posted;
          const now = heardOf(id);
          if (now.replies > heardBefore.replies || now.messages === heardBefore.messages) return undefined;
          quietSince ??= Date.now();
          return Date.now() - quietSince >= silenceMs ? 'silent' : undefined;
        },
        `an answer to ${name}'s message`,
        ANSWER_TIMEOUT_MS,
      );
      if (answer === 'silent') return '';
      await waitFor(() => isFinal(answer) || answer.deleted, `the final text of the answer to ${name}`, ANSWER_TIMEOUT_MS);
      if (answer.deleted) return '';
      u.lastAnswer = answer;
      return unescapeSlack(answer.text);
    },

    async feedback(name, value) {
      const s = running();
      const u = userOf(name);
      if (!u.lastAnswer) throw new Error(`slack driver: ${name} has seen no answer to react to`);
      const reaction = value === 'up' ? '+1' : '-1';
      await s.deliver(s.eventCallback({ type: 'reaction_added', user: u.id, reaction, item: { type: 'message', channel: u.dm, ts: u.lastAnswer.ts }, item_user: s.options.botUserId, event_ts: s.nextTs() }));
    },

    async agentSays(name, text) {
      const s = running();
      const announcement = await announcementFor(name);
      await s.deliver(s.eventCallback({ type: 'message', channel: AGENTS_CHANNEL, channel_type: 'channel', user: AGENT_USER, text: escapeLikeSlack(text), ts: s.nextTs(), thread_ts: announcement.ts }));
    },

    async handBack(name) {
      await running().click(AGENT_USER, await announcementFor(name), 'colloquy_give_back');
    },

    async nextPushed(name, timeoutMs = 5000) {
      const u = userOf(name);
      const next = await waitFor(() => pushed(u)[u.pushedRead], `a message pushed to ${name}`, timeoutMs);
      u.pushedRead += 1;
      return unescapeSlack(next.text);
    },
  };
  return driver;
}

/** Text as Slack delivers what a person typed: `&`, `<` and `>` escaped. */
export function escapeLikeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What a person sees of a message's text. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
