/**
 * Per-channel routing and the history API: a channel hears only its own
 * conversations' events, a watcher only its conversation's, and history pages
 * through the logged turns without touching the store.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../src/engine/routing.ts';
import { isColloquyError } from '../../src/errors.ts';
import { createFakeLogger, createHarness } from './helpers/harness.ts';

describe('engine.connect', () => {
  it('hands each channel the notices, agent messages and hand-offs of its own conversations only', async () => {
    // Arrange
    const h = createHarness();
    const slack: string[] = [];
    const discord: string[] = [];
    h.engine.connect('slack', { notice: (e) => void slack.push(`notice ${e.conversationId}`), 'agent-message': (e) => void slack.push(`agent ${e.conversationId}: ${e.text}`), handoff: (e) => void slack.push(`handoff ${e.state}`) });
    const off = h.engine.connect('discord', { notice: (e) => void discord.push(`notice ${e.conversationId}`) });
    await h.send('hi', { channel: 'slack', conversationId: 's1' });
    await h.send('hi', { channel: 'discord', conversationId: 'd1' });

    // Act
    await h.engine.agent.accept('s1', 'ann');
    await h.engine.agent.send('s1', 'ann', 'Hello from Ann');
    await h.engine.agent.accept('d1', 'bob');
    off();
    await h.engine.agent.close('d1');

    // Assert
    expect(slack).toEqual(['handoff accepted', 'notice s1', 'agent s1: Hello from Ann']);
    expect(discord).toEqual(['notice d1']);
  });

  it('logs a handler that throws and still delivers to the next one', async () => {
    const logger = createFakeLogger();
    const h = createHarness({ logger });
    const heard: string[] = [];
    h.engine.connect('web', { reply: () => { throw new Error('boom'); } });
    h.engine.connect('web', { reply: (e) => void heard.push(e.text) });

    const said = await h.send('hello', { channel: 'web' });

    expect(heard).toEqual([said.text]);
    expect(logger.lines.some(([level, text]) => level === 'error' && /web channel's "reply" handler failed/.test(text))).toBe(true);
  });
});

describe('engine.watch', () => {
  it('gives one conversation its events as {event, payload}, and nothing of the others', async () => {
    const h = createHarness();
    const seen: ConversationEvent[] = [];
    const unwatch = h.engine.watch('c1', (e) => void seen.push(e));
    await h.send('hi', { conversationId: 'c1' });
    await h.send('hi', { conversationId: 'c2' });
    await h.engine.agent.accept('c1', 'ann');
    unwatch();
    await h.engine.agent.close('c1');

    expect(seen.map((e) => e.event)).toEqual(['message', 'reply', 'handoff', 'notice']);
    expect(seen.every((e) => e.payload.conversationId === 'c1')).toBe(true);
    const notice = seen.find((e) => e.event === 'notice');
    expect(notice?.event === 'notice' && notice.payload.reason).toBe('handoff-accepted');
  });
});

describe('engine.history', () => {
  it('pages through the logged turns, oldest first, before and after a turn', async () => {
    const h = createHarness();
    for (const text of ['one', 'two', 'three']) await h.send(text);
    const all = await h.engine.history('c1');
    expect(all.turns.map((t) => `${t.speaker}:${t.text}`)).toEqual((await h.record()).turns.map((t) => `${t.speaker}:${t.text}`));
    expect(all.turns).toHaveLength(6);
    expect(all.hasMore).toBe(false);

    const last2 = await h.engine.history('c1', { limit: 2 });
    expect(last2.turns.map((t) => t.id)).toEqual(all.turns.slice(4).map((t) => t.id));
    expect(last2.hasMore).toBe(true);
    const older = await h.engine.history('c1', { before: last2.turns[0].id, limit: 3 });
    expect(older.turns.map((t) => t.id)).toEqual(all.turns.slice(1, 4).map((t) => t.id));
    const newer = await h.engine.history('c1', { after: all.turns[1].id, limit: 2 });
    expect(newer.turns.map((t) => t.id)).toEqual(all.turns.slice(2, 4).map((t) => t.id));
    expect(newer.hasMore).toBe(true);
  });

  it('returns copies: changing a page changes nothing stored', async () => {
    const h = createHarness();
    await h.send('hello');
    const page = await h.engine.history('c1');
    page.turns[0].text = 'changed';
    expect((await h.record()).turns[0].text).toBe('hello');
  });

  it('has no turns for an unknown conversation and names an unknown turn id', async () => {
    const h = createHarness();
    await h.send('hello');
    expect(await h.engine.history('nobody')).toEqual({ turns: [], hasMore: false });
    const err = await h.engine.history('c1', { before: 'no-such-turn' }).catch((e: unknown) => e);
    expect(isColloquyError(err, 'history_turn_unknown')).toBe(true);
    await expect(h.engine.history('c1', { limit: 0 })).rejects.toThrow(/limit must be an integer/);
  });
});
