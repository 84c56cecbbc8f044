import type { types, webApi } from '@slack/bolt';

/**
 * What the adapter's own messages are, carried as Slack message metadata
 * (`event_type: colloquy_<kind>`, payload `conversation_id`, `turn_id`), so
 * other apps and tools can tell an answer from an agent's message or a notice.
 */
export type PostKind = 'reply' | 'agent_message' | 'notice' | 'handoff';

export interface PostOptions {
  kind: PostKind;
  conversationId?: string;
  turnId?: string;
  blocks?: types.KnownBlock[];
}

/** Where a message goes: a channel, in a thread when `threadTs` is set. */
export interface PostTarget {
  channel: string;
  threadTs?: string;
}

/** The few Web API calls the adapter makes; every one rejects when Slack says no. */
export interface SlackPoster {
  /** Posts a message (`text` is already Slack-escaped) and returns its ts. */
  post(to: PostTarget, text: string, opts: PostOptions): Promise<string>;
  update(channel: string, ts: string, text: string, opts?: PostOptions): Promise<void>;
  remove(channel: string, ts: string): Promise<void>;
}

/** A poster over bolt's Web API client. */
export function createSlackPoster(client: webApi.WebClient): SlackPoster {
  return {
    async post(to, text, opts) {
      const res = await client.chat.postMessage({
        channel: to.channel,
        text,
        ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
        ...(opts.blocks ? { blocks: opts.blocks } : {}),
        metadata: metadataOf(opts),
      });
      if (!res.ts) throw new Error('chat.postMessage returned no ts');
      return res.ts;
    },
    async update(channel, ts, text, opts) {
      await client.chat.update({ channel, ts, text, ...(opts?.blocks ? { blocks: opts.blocks } : {}), ...(opts ? { metadata: metadataOf(opts) } : {}) });
    },
    async remove(channel, ts) {
      await client.chat.delete({ channel, ts });
    },
  };
}

function metadataOf({ kind, conversationId, turnId }: PostOptions) {
  return {
    event_type: `colloquy_${kind}`,
    event_payload: { ...(conversationId ? { conversation_id: conversationId } : {}), ...(turnId ? { turn_id: turnId } : {}) },
  };
}
