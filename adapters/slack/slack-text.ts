/**
 * Text and ids between Slack and the engine: Slack's markup (mentions, links,
 * `&amp;` escapes) in, plain text out; one conversation per thread.
 */

/** The channel name Slack conversations are logged under. */
export const SLACK_CHANNEL = 'slack';

/** Slack refuses messages over 40,000 characters; longer replies are cut here, with a note. */
export const SLACK_TEXT_LIMIT = 39_000;
export const TRUNCATION_NOTE = '\n\n_(reply cut short: it was over Slack’s 40,000-character limit)_';

/** Where a conversation lives in Slack: a workspace, a channel (or DM) and the thread's root message. */
export interface SlackThread {
  team: string;
  channel: string;
  threadTs: string;
}

/**
 * The engine conversation id of a thread: `slack:<team>:<channel>:<thread_ts>`.
 *
 * @example
 * conversationIdOf({ team: 'T1', channel: 'D2', threadTs: '1700000000.000100' }); // 'slack:T1:D2:1700000000.000100'
 */
export function conversationIdOf({ team, channel, threadTs }: SlackThread): string {
  return `${SLACK_CHANNEL}:${team}:${channel}:${threadTs}`;
}

/** The thread behind a conversation id made by `conversationIdOf`, or undefined for any other id. */
export function threadOf(conversationId: string): SlackThread | undefined {
  const parts = conversationId.split(':');
  if (parts.length !== 4 || parts[0] !== SLACK_CHANNEL || parts.some((p) => !p)) return undefined;
  return { team: parts[1], channel: parts[2], threadTs: parts[3] };
}

/**
 * A Slack message's text as the user meant it: the bot's own mention removed,
 * other mentions, channels and links made readable, `&lt;` `&gt;` `&amp;` decoded.
 *
 * @example
 * fromSlack('<@UBOT> where is <https://shop.example/o/42|my order>?', 'UBOT'); // 'where is my order (https://shop.example/o/42)?'
 */
export function fromSlack(text: string | undefined, botUserId?: string): string {
  return (text ?? '')
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => {
      const [target, label] = splitOnce(inner, '|');
      if (target.startsWith('@')) return target.slice(1) === botUserId ? '' : `@${label || target.slice(1)}`;
      if (target.startsWith('#')) return `#${label || target.slice(1)}`;
      if (target.startsWith('!')) return `@${label || target.slice(1).split('^')[0]}`;
      return label && label !== target ? `${label} (${target})` : target;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * Plain text as a Slack message: `&`, `<` and `>` escaped (so a reply cannot
 * ping `@channel` or forge a link) and cut to `SLACK_TEXT_LIMIT` with a note.
 */
export function toSlack(text: string): string {
  let t = text;
  if (t.length > SLACK_TEXT_LIMIT) {
    let end = SLACK_TEXT_LIMIT - TRUNCATION_NOTE.length;
    if (/[\uD800-\uDBFF]/.test(t[end - 1])) end -= 1; // never split a surrogate pair
    t = t.slice(0, end) + TRUNCATION_NOTE;
  }
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
