import { describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { createHarness } from './helpers/harness.ts';

describe('feedback', () => {
  it('stores thumbs up/down on the bot turn it is about, with who and when', async () => {
    // Arrange
    const h = createHarness();
    const first = await h.send('one');
    const second = await h.send('two');

    // Act
    await h.engine.feedback({ conversationId: 'c1', turnId: first.turnId!, value: 'down', userId: 'u1' });

    // Assert
    const turns = (await h.record()).turns;
    expect(turns.find((t) => t.id === first.turnId)!.feedback).toEqual({ value: 'down', at: h.clock.now().toISOString(), by: 'u1' });
    expect(turns.find((t) => t.id === second.turnId)!.feedback).toBeUndefined();
    expect(h.eventsOf('feedback')).toEqual([{ conversationId: 'c1', turnId: first.turnId, value: 'down', userId: 'u1', text: 'You said: one' }]);
  });

  it('keeps the last value when feedback changes', async () => {
    const h = createHarness();
    const said = await h.send('hi');

    await h.engine.feedback({ conversationId: 'c1', turnId: said.turnId!, value: 'up' });
    await h.engine.feedback({ conversationId: 'c1', turnId: said.turnId!, value: 'down' });

    expect((await h.record()).turns.find((t) => t.id === said.turnId)!.feedback?.value).toBe('down');
  });

  it('refuses an unknown turn id with an error naming it', async () => {
    const h = createHarness();
    await h.send('hi');

    const err = await h.engine.feedback({ conversationId: 'c1', turnId: 't_nope', value: 'up' }).catch((e: unknown) => e);

    expect(isColloquyError(err, 'feedback_turn_unknown')).toBe(true);
    expect((err as Error).message).toContain('t_nope');
  });

  it('refuses feedback on a user turn, an unknown conversation, or a bad value', async () => {
    const h = createHarness();
    const said = await h.send('hi');

    const onUser = await h.engine.feedback({ conversationId: 'c1', turnId: said.userTurnId!, value: 'up' }).catch((e: unknown) => e);
    const noConversation = await h.engine.feedback({ conversationId: 'zz', turnId: said.turnId!, value: 'up' }).catch((e: unknown) => e);
    const badValue = await h.engine.feedback({ conversationId: 'c1', turnId: said.turnId!, value: 'meh' as 'up' }).catch((e: unknown) => e);

    expect(isColloquyError(onUser, 'feedback_turn_invalid')).toBe(true);
    expect(isColloquyError(noConversation, 'conversation_not_found')).toBe(true);
    expect(isColloquyError(badValue, 'feedback_invalid')).toBe(true);
  });
});
