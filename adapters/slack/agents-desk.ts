import { createHandoffDesk, type AgentsPlatform, type DeskNote, type Engine, type HandoffDesk, type Logger } from '../../src/index.ts';
import { agentLabel, renderAnnouncement } from './announcement.ts';
import type { SlackPoster } from './slack-poster.ts';
import { fromSlack, SLACK_CHANNEL, threadOf, toSlack } from './slack-text.ts';

export interface AgentsDeskInput {
  engine: Engine;
  poster: SlackPoster;
  /** Channel id where hand-offs are announced; without it nobody answers Slack's hand-offs. */
  agentsChannel?: string;
  botUserId: string;
  logger: Logger;
  /** Runs background work so `stop()` can wait for it. */
  track(work: Promise<unknown>): void;
  /** Tells the adapter about a message it posted for a turn (feedback by reaction). */
  posted(channel: string, ts: string, conversationId: string, turnId: string): void;
}

export interface AgentsDesk {
  /** Connects to the engine (the shared hand-off desk); returns the disconnect function. */
  subscribe(): () => void;
  /** True for the configured agents channel. */
  isAgentsChannel(channel: string): boolean;
  /** A person wrote in the agents channel: in an announcement's thread, it goes to the user (or `/bot` gives the conversation back). */
  agentWrote(input: { threadTs?: string; agentId: string; text: string }): Promise<void>;
  /** The "Give back to bot" button. */
  giveBack(conversationId: string): Promise<void>;
}

const CLOSED_BY = { user: 'the user asked for the bot', timeout: 'nobody answered in time', agent: 'given back by the agent' } as const;

/** How a desk note reads in the announcement's thread. */
function noteText(note: DeskNote): string {
  switch (note.kind) {
    case 'user-message':
      return `<@${note.userId}>: ${toSlack(note.text)}`;
    case 'closed':
      return `Back with the bot: ${CLOSED_BY[note.by]}.`;
    case 'over':
      return 'This conversation is back with the bot; your message did not reach the user.';
    case 'refused':
      return `:warning: Not delivered to the user: ${toSlack(note.reason)}`;
  }
}

/**
 * Slack's side of the shared hand-off desk: announcements in the agents
 * channel (who, the last turns, a "Give back to bot" button) whose threads are
 * where agents answer, and agent messages and notices in the user's thread.
 */
export function createAgentsDesk({ engine, poster, agentsChannel, botUserId, logger, track, posted }: AgentsDeskInput): AgentsDesk {
  const closedText = (by?: keyof typeof CLOSED_BY) => (by ? CLOSED_BY[by] : undefined);
  const platform: AgentsPlatform = {
    async announce(a) {
      const { text, blocks } = renderAnnouncement({ ...a, ts: '', closedBy: closedText(a.closedBy) });
      return poster.post({ channel: agentsChannel! }, text, { kind: 'handoff', conversationId: a.conversationId, blocks });
    },
    async update(thread, a) {
      const { text, blocks } = renderAnnouncement({ ...a, ts: thread, closedBy: closedText(a.closedBy) });
      await poster.update(agentsChannel!, thread, text, { kind: 'handoff', conversationId: a.conversationId, blocks });
    },
    async note(thread, note) {
      await poster.post({ channel: agentsChannel!, threadTs: thread }, noteText(note), { kind: 'notice' });
    },
    async deliver({ conversationId, text, kind, turnId, agentId }) {
      const thread = threadOf(conversationId);
      if (!thread) return;
      const shown = kind === 'agent-message' ? `${agentLabel(agentId ?? '')} ${toSlack(text)}` : toSlack(text);
      const ts = await poster.post({ channel: thread.channel, threadTs: thread.threadTs }, shown, { kind: kind === 'agent-message' ? 'agent_message' : 'notice', conversationId, turnId });
      posted(thread.channel, ts, conversationId, turnId);
    },
  };
  let desk: HandoffDesk | undefined;

  return {
    subscribe() {
      desk = createHandoffDesk({ engine, channel: SLACK_CHANNEL, platform, staffed: !!agentsChannel, logger, track });
      const connected = desk;
      return () => connected.stop();
    },
    isAgentsChannel: (channel) => !!agentsChannel && channel === agentsChannel,
    async agentWrote({ threadTs, agentId, text }) {
      if (threadTs) await desk?.agentWrote({ thread: threadTs, agentId, text: fromSlack(text, botUserId) });
    },
    giveBack: async (conversationId) => desk?.giveBack(conversationId),
  };
}
