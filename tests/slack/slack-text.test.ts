/** Slack markup in and out, conversation ids, and the bounded memory the adapter keeps. */
import { describe, expect, it } from 'vitest';
import { conversationIdOf, fromSlack, threadOf, toSlack } from '../../adapters/slack/index.ts';
import { createRecentMap } from '../../src/channels/recent-map.ts';
import { SLACK_TEXT_LIMIT, TRUNCATION_NOTE } from '../../adapters/slack/slack-text.ts';

describe('Slack text', () => {
  it('reads what the user meant: bot mention gone, other mentions, channels and links readable, entities decoded', () => {
    expect(fromSlack('<@U0BOT> hi <@U42|ann>, see <#C1|orders> &amp; <https://shop.example/o/1|order 1> or <https://x.example> &lt;3', 'U0BOT')).toBe(
      'hi @ann, see #orders & order 1 (https://shop.example/o/1) or https://x.example <3',
    );
    expect(fromSlack('<@U0BOT>', 'U0BOT')).toBe('');
    expect(fromSlack(undefined)).toBe('');
    expect(fromSlack('<!here> help')).toBe('@here help');
  });

  it('writes text Slack shows as is: markup escaped, cut with a note over the limit without splitting a character', () => {
    expect(toSlack('a < b & <!channel>')).toBe('a &lt; b &amp; &lt;!channel&gt;');
    const long = toSlack('😀'.repeat(30_000));
    expect(long.endsWith(TRUNCATION_NOTE)).toBe(true);
    expect(long.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
    expect(long.slice(0, -TRUNCATION_NOTE.length)).toBe('😀'.repeat((long.length - TRUNCATION_NOTE.length) / 2));
  });

  it('a thread is a conversation, and its id leads back to the thread', () => {
    const thread = { team: 'T1', channel: 'D2', threadTs: '1700000000.000100' };
    expect(conversationIdOf(thread)).toBe('slack:T1:D2:1700000000.000100');
    expect(threadOf(conversationIdOf(thread))).toEqual(thread);
    expect(threadOf('web:abc')).toBeUndefined();
    expect(threadOf('slack:T1:D2')).toBeUndefined();
  });
});

describe('recent map', () => {
  it('remembers keys for the TTL and at most `max` of them, dropping the oldest', () => {
    let now = 0;
    const seen = createRecentMap<true>({ max: 3, ttlMs: 1000, now: () => now });

    expect(seen.seen('a', true)).toBe(false);
    expect(seen.seen('a', true)).toBe(true);
    for (const k of ['b', 'c', 'd']) seen.seen(k, true);
    expect(seen.size).toBe(3);
    expect(seen.get('a')).toBeUndefined(); // evicted by size
    now = 1500;
    expect(seen.seen('d', true)).toBe(false); // expired, so new again
  });
});
