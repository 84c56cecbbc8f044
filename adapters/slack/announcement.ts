import type { types } from '@slack/bolt';
import type { RecentTurn } from '../../src/index.ts';
import { toSlack } from './slack-text.ts';

/** The action id of the "Give back to bot" button on hand-off announcements. */
export const GIVE_BACK_ACTION = 'colloquy_give_back';

/** How long a turn shown in an announcement may be. */
const TURN_CHARS = 300;

/** A hand-off as the agents channel shows it. */
export interface Announcement {
  conversationId: string;
  /** The announcement message (its thread is where agents answer). */
  ts: string;
  userId: string;
  reason?: string;
  turns: RecentTurn[];
  state: 'requested' | 'accepted' | 'closed';
  agentId?: string;
  closedBy?: string;
}

const REASONS: Record<string, string> = {
  command: 'asked for a person',
  fallbacks: 'was not understood twice in a row',
  api: 'was handed to a person',
};

const WHO: Record<RecentTurn['who'], string> = { user: 'User', bot: 'Bot', agent: 'Agent' };

/** The announcement's text (notifications, screen readers) and blocks (who, recent turns, state, the button while open). */
export function renderAnnouncement(a: Announcement): { text: string; blocks: types.KnownBlock[] } {
  const headline = `:raising_hand: <@${a.userId}> ${REASONS[a.reason ?? 'api'] ?? REASONS.api}.`;
  const status =
    a.state === 'requested'
      ? 'Reply in this thread to answer them (the first reply takes the conversation). Type ` /bot` here or press the button to give it back to the bot.'
      : a.state === 'accepted'
        ? `${mention(a.agentId)} is talking with them. Replies in this thread reach the user.`
        : `Back with the bot${a.closedBy ? ` (${a.closedBy})` : ''}. Messages here no longer reach the user.`;
  const turns = a.turns.length
    ? a.turns.map((t) => `> *${WHO[t.who]}:* ${toSlack(clip(t.text.replace(/\s+/g, ' ')))}`).join('\n')
    : '_No earlier messages seen._';
  const blocks: types.KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'section', text: { type: 'mrkdwn', text: turns } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: status }] },
  ];
  if (a.state !== 'closed') {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: GIVE_BACK_ACTION, text: { type: 'plain_text', text: 'Give back to bot' }, value: a.conversationId }],
    });
  }
  return { text: `${headline} ${status}`, blocks };
}

/** How an agent's message is labelled in the user's thread. */
export function agentLabel(agentId: string): string {
  return `:bust_in_silhouette: *Agent ${mention(agentId)}:*`;
}

function mention(id: string | undefined): string {
  if (!id) return 'An agent';
  return /^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : toSlack(id);
}

function clip(text: string): string {
  return text.length > TURN_CHARS ? text.slice(0, TURN_CHARS - 1) + '…' : text;
}
