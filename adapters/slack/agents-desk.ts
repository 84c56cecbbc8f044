import type { Engine, HandoffEvent, Logger } from '../../src/index.ts';
import { agentLabel, ANNOUNCED_TURNS, renderAnnouncement, type Announcement, type RecentTurn } from './announcement.ts';
import { errorText } from '../../src/index.ts';
import { createRecentMap } from '../../src/index.ts';
import type { SlackPoster } from './slack-poster.ts';
import { fromSlack, SLACK_CHANNEL, threadOf, toSlack } from './slack-text.ts';

export interface AgentsDeskInput {
  engine: Engine;
  poster: SlackPoster;
  /** Channel id where hand-offs are announced; without it requests are only logged (and time out). */
  agentsChannel?: string;
  botUserId: string;
  logger: Logger;
  /** Runs background work so `stop()` can wait for it. */
  track(work: Promise<unknown>): void;
  /** Tells the adapter about a message it posted for a turn (feedback by reaction). */
  posted(channel: string, ts: string, conversationId: string, turnId: string): void;
}

export interface AgentsDesk {
  /** Subscribes to the engine's hooks; returns the unsubscribe function. */
  subscribe(): () => void;
  /** True for the configured agents channel. */
  isAgentsChannel(channel: string): boolean;
  /** A person wrote in the agents channel: in an announcement's thread, it goes to the user (or `/bot` gives the conversation back). */
  agentWrote(input: { threadTs?: string; agentId: string; text: string }): Promise<void>;
  /** The "Give back to bot" button. */
  giveBack(conversationId: string): Promise<void>;
}

/**
 * The agents' side of a hand-off in Slack: announces requests in the agents
 * channel (who, the last turns, a "Give back to bot" button), carries agents'
 * thread replies to the user's thread through `engine.agent`, forwards the
 * user's messages while a person is involved, and delivers the engine's
 * agent messages and notices in the user's thread. Only conversations on the
 * `slack` channel are handled.
 */
export function createAgentsDesk({ engine, poster, agentsChannel, botUserId, logger, track, posted }: AgentsDeskInput): AgentsDesk {
  const recent = createRecentMap<RecentTurn[]>({ max: 5_000, ttlMs: 24 * 3_600_000 });
  const announcements = createRecentMap<Announcement>({ max: 5_000, ttlMs: 7 * 24 * 3_600_000 });
  const byThread = createRecentMap<string>({ max: 5_000, ttlMs: 7 * 24 * 3_600_000 });

  const remember = (conversationId: string, who: RecentTurn['who'], text: string) => {
    const turns = [...(recent.get(conversationId) ?? []), { who, text }].slice(-ANNOUNCED_TURNS);
    recent.set(conversationId, turns);
  };
  const note = (threadTs: string, text: string) =>
    agentsChannel ? poster.post({ channel: agentsChannel, threadTs }, text, { kind: 'notice' }).then(() => {}) : Promise.resolve();
  const refresh = async (a: Announcement) => {
    if (!agentsChannel) return;
    const { text, blocks } = renderAnnouncement(a);
    await poster.update(agentsChannel, a.ts, text, { kind: 'handoff', conversationId: a.conversationId, blocks });
  };
  const background = (what: string, conversationId: string, work: () => Promise<unknown>) =>
    track(work().catch((err) => logger.error(`slack: ${what} failed`, { conversationId, error: errorText(err) })));

  const onHandoff = (e: HandoffEvent) => {
    const a = announcements.get(e.conversationId);
    if (e.state === 'requested') {
      if (a && a.state !== 'closed') return;
      if (!agentsChannel) return logger.warn('slack: a hand-off was requested but no agents channel is set (SLACK_AGENTS_CHANNEL)', { conversationId: e.conversationId });
      background('announcing the hand-off', e.conversationId, async () => {
        const draft: Announcement = { conversationId: e.conversationId, ts: '', userId: e.userId, reason: e.handoff.reason, turns: recent.get(e.conversationId) ?? [], state: 'requested' };
        const { text, blocks } = renderAnnouncement(draft);
        draft.ts = await poster.post({ channel: agentsChannel }, text, { kind: 'handoff', conversationId: e.conversationId, blocks });
        announcements.set(e.conversationId, draft);
        byThread.set(draft.ts, e.conversationId);
      });
      return;
    }
    if (!a || a.state === 'closed') return;
    a.state = e.state;
    if (e.state === 'accepted') a.agentId = e.handoff.agentId;
    if (e.state === 'closed') a.closedBy = e.by === 'user' ? 'the user asked for the bot' : e.by === 'timeout' ? 'nobody answered in time' : 'given back by the agent';
    background('updating the announcement', e.conversationId, async () => {
      await refresh(a);
      if (e.state === 'closed') await note(a.ts, `Back with the bot: ${a.closedBy}.`);
    });
  };

  const deliverToUser = (conversationId: string, text: string, kind: 'agent_message' | 'notice', turnId: string) => {
    const thread = threadOf(conversationId);
    if (!thread) return;
    background(`delivering the ${kind.replace('_', ' ')}`, conversationId, async () => {
      const ts = await poster.post({ channel: thread.channel, threadTs: thread.threadTs }, text, { kind, conversationId, turnId });
      posted(thread.channel, ts, conversationId, turnId);
    });
  };

  const isBotCommand = (text: string) => text.split(/\s+/, 1)[0].toLowerCase() === engine.options.commands.bot.toLowerCase();
  const giveBack = async (conversationId: string) => void (await engine.agent.close(conversationId));

  return {
    subscribe() {
      const offs = [
        // with an agents channel, people answer this channel's hand-offs
        ...(agentsChannel ? [engine.agent.join(SLACK_CHANNEL)] : []),
        engine.on('message', (e) => {
          if (e.channel !== SLACK_CHANNEL) return;
          remember(e.conversationId, 'user', e.text);
          const a = announcements.get(e.conversationId);
          // while a person is involved, the agents see what the user writes
          if (a && a.state !== 'closed' && e.handoff !== 'none' && e.handoff !== 'closed') {
            background('forwarding the user message', e.conversationId, () => note(a.ts, `<@${e.userId}>: ${toSlack(e.text)}`));
          }
        }),
        engine.on('reply', (e) => void (e.channel === SLACK_CHANNEL && remember(e.conversationId, 'bot', e.text))),
        engine.on('handoff', (e) => void (e.channel === SLACK_CHANNEL && onHandoff(e))),
        engine.on('agent-message', (e) => {
          if (e.channel !== SLACK_CHANNEL) return;
          remember(e.conversationId, 'agent', e.text);
          deliverToUser(e.conversationId, `${agentLabel(e.agentId)} ${toSlack(e.text)}`, 'agent_message', e.turnId);
        }),
        engine.on('notice', (e) => void (e.channel === SLACK_CHANNEL && deliverToUser(e.conversationId, toSlack(e.text), 'notice', e.turnId))),
      ];
      return () => offs.forEach((off) => off());
    },

    isAgentsChannel: (channel) => !!agentsChannel && channel === agentsChannel,

    async agentWrote({ threadTs, agentId, text }) {
      const conversationId = threadTs ? byThread.get(threadTs) : undefined;
      if (!threadTs || !conversationId) return; // agents talking among themselves
      const a = announcements.get(conversationId);
      const clean = fromSlack(text, botUserId);
      if (isBotCommand(clean)) return giveBack(conversationId);
      if (!a || a.state === 'closed') return note(threadTs, 'This conversation is back with the bot; your message did not reach the user.');
      try {
        if (a.agentId !== agentId) await engine.agent.accept(conversationId, agentId);
        await engine.agent.send(conversationId, agentId, clean);
      } catch (err) {
        logger.warn('slack: agent message not delivered', { conversationId, error: errorText(err) });
        await note(threadTs, `:warning: Not delivered to the user: ${toSlack(errorText(err))}`);
      }
    },

    giveBack,
  };
}
