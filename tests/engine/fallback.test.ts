import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers/harness.ts';
import { inOrder } from './helpers/scripted-generator.ts';

const unsure = (text = 'gibberish gibberish') => ({ text, meanLogProb: -4 });

describe('confidence and fallback', () => {
  it('replaces a reply below the threshold with the fallback text and logs what the bot said', async () => {
    // Arrange
    const h = createHarness({ script: inOrder(unsure('blue cheese tracking')), options: { confidenceThreshold: -2.5 } });

    // Act
    const said = await h.send('asdf qwer');

    // Assert
    expect(said).toMatchObject({ kind: 'fallback', text: "Sorry, I didn't catch that — could you rephrase?", confidence: -4, modelVersion: 'scripted-1' });
    // The reply streamed live; the result says it fell back, and adapters show the fallback in its place.
    expect(said.streamed).toBe('blue cheese tracking');
    const bot = (await h.record()).turns.at(-1)!;
    expect(bot).toMatchObject({ speaker: 'bot', fallback: true, confidence: -4, text: said.text, id: said.turnId });
    expect(h.eventsOf('fallback')).toEqual([
      { conversationId: 'c1', channel: 'test', userId: 'u1', turnId: said.turnId, reason: 'confidence', generated: 'blue cheese tracking', confidence: -4, modelVersion: 'scripted-1', consecutive: 1 },
    ]);
  });

  it('lets a reply at the threshold through', async () => {
    const h = createHarness({ script: inOrder({ text: 'just enough', meanLogProb: -2.5 }), options: { confidenceThreshold: -2.5 } });

    expect((await h.send('hi')).kind).toBe('reply');
  });

  it('treats an empty reply as a fallback whatever its confidence', async () => {
    const h = createHarness({ script: inOrder({ text: '   ', meanLogProb: -0.1 }) });

    expect((await h.send('hi')).kind).toBe('fallback');
  });

  it('uses the configured fallback text', async () => {
    const h = createHarness({ script: inOrder(unsure()), options: { fallbackText: 'Pardon?' } });

    expect((await h.send('hi')).text).toBe('Pardon?');
  });

  it('hands the conversation off after N fallbacks in a row', async () => {
    // Arrange
    const h = createHarness({ script: inOrder(unsure(), unsure(), unsure()), options: { maxConsecutiveFallbacks: 3 } });

    // Act
    const said = [await h.send('a'), await h.send('b'), await h.send('c')];

    // Assert
    expect(said.map((s) => s.kind)).toEqual(['fallback', 'fallback', 'fallback']);
    expect(said[2].text).toBe(h.engine.options.messages.handoffAfterFallbacks);
    const record = await h.record();
    expect(record.handoff).toMatchObject({ state: 'requested', reason: 'fallbacks', requestedAt: h.clock.now().toISOString() });
    expect(record.consecutiveFallbacks).toBe(0);
    expect(h.eventsOf('handoff')).toEqual([expect.objectContaining({ conversationId: 'c1', state: 'requested', handoff: expect.objectContaining({ reason: 'fallbacks' }) })]);
    expect(h.eventsOf('fallback').map((e) => e.consecutive)).toEqual([1, 2, 3]);
  });

  it('counts only fallbacks in a row: a confident reply resets the count', async () => {
    const h = createHarness({ script: inOrder(unsure(), 'Sure, here it is.', unsure()), options: { maxConsecutiveFallbacks: 2 } });

    await h.send('a');
    await h.send('b');
    const third = await h.send('c');

    expect(third.text).toBe(h.engine.options.fallbackText);
    expect((await h.record()).handoff.state).toBe('none');
    expect((await h.record()).consecutiveFallbacks).toBe(1);
  });

  it('never hands off on fallbacks when maxConsecutiveFallbacks is 0', async () => {
    const h = createHarness({ script: inOrder(unsure(), unsure(), unsure()), options: { maxConsecutiveFallbacks: 0 } });

    for (const t of ['a', 'b', 'c']) await h.send(t);

    expect((await h.record()).handoff.state).toBe('none');
  });
});
