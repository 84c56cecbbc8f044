import { describe, expect, it } from 'vitest';
import { createHarness } from './helpers/harness.ts';
import { createScriptedGenerator, echo } from './helpers/scripted-generator.ts';
import { smallScorer } from '../understanding/made-up-shop.ts';

/** The real engine over a scripted generator whose model carries a small trained scorer. */
function harnessWithScorer(options = {}) {
  const scorer = smallScorer();
  const generator = Object.assign(createScriptedGenerator(echo), { understand: (text: string) => scorer.understand(text) });
  return createHarness({ generator, options });
}

describe('the engine reads each message with the model scorer', () => {
  it('answers an out-of-scope message with the fallback that says what the bot can help with, without generating', async () => {
    const h = harnessWithScorer();

    const said = await h.send("What's the capital of France?");

    expect(said.kind).toBe('fallback');
    expect(said.text).toBe("Sorry, I can't help with that. I can help with your orders, shipping, returns, payments and your account. Type /agent to ask for a person.");
    expect(said.streamed).toBe(said.text);
    expect(h.generator.calls).toHaveLength(0);
    const [user, bot] = (await h.record()).turns;
    expect(user.outOfScope).toBeGreaterThanOrEqual(said.understanding!.threshold);
    expect(bot).toMatchObject({ speaker: 'bot', fallback: true, text: said.text });
    expect(h.eventsOf('fallback')).toEqual([expect.objectContaining({ reason: 'out-of-scope', generated: '', consecutive: 1, outOfScope: user.outOfScope })]);
  });

  it('answers an in-domain message with the model reply and exposes the intent on the turn and to hooks', async () => {
    const h = harnessWithScorer();

    const said = await h.send('where is my order 40411');

    expect(said).toMatchObject({ kind: 'reply', text: 'You said: where is my order 40411' });
    expect(said.understanding).toMatchObject({ kind: 'ordinary', intent: { name: 'track_order' } });
    const user = (await h.record()).turns[0];
    expect(user.intent).toEqual(said.understanding!.intent);
    expect(h.eventsOf('message')[0].understanding).toEqual(said.understanding);
  });

  it('says which language it speaks when hardly a word is known', async () => {
    const h = harnessWithScorer({ language: 'English' });

    const said = await h.send('Hallo, wo ist meine Bestellung?');

    expect(said.kind).toBe('fallback');
    expect(said.text).toMatch(/^Sorry, I only understand English\./);
  });

  it('hands off when the customer asks for a person in their own words, as /agent does', async () => {
    const h = harnessWithScorer();

    const said = await h.send('can I speak to a real person');

    expect(said).toMatchObject({ kind: 'notice', text: h.engine.options.messages.handoffRequested });
    expect((await h.record()).handoff).toMatchObject({ state: 'requested', reason: 'command' });
    expect(h.generator.calls).toHaveLength(0);
  });

  it('acknowledges frustration and offers a person instead of generating small talk', async () => {
    const h = harnessWithScorer();

    const said = await h.send('This is ridiculous! Worst shop ever!');

    expect(said.kind).toBe('reply');
    expect(said.text).toBe(h.engine.options.messages.frustrated.replace('{agent}', '/agent'));
    expect((await h.record()).handoff.state).toBe('none');
    expect(h.generator.calls).toHaveLength(0);
  });

  it('lets the options turn the reactions off and override the threshold', async () => {
    const h = harnessWithScorer({ handoffOnRequest: false, offerPersonWhenFrustrated: false, outOfScopeThreshold: 2 });

    const said = [await h.send('can I speak to a real person'), await h.send('Worst shop ever!'), await h.send("What's the capital of France?")];

    expect(said.map((s) => s.kind)).toEqual(['reply', 'reply', 'reply']);
    expect(h.generator.calls).toHaveLength(3);
  });

  it('hands off after N out-of-scope fallbacks in a row, as after low-confidence ones', async () => {
    const h = harnessWithScorer({ maxConsecutiveFallbacks: 2 });

    await h.send("What's the capital of France?");
    const second = await h.send('Should I buy Tesla stock?');

    expect(second.text).toBe(h.engine.options.messages.handoffAfterFallbacks);
    expect((await h.record()).handoff).toMatchObject({ state: 'requested', reason: 'fallbacks' });
  });

  it('keeps the old behaviour for a model without a scorer', async () => {
    const h = createHarness();

    const said = await h.send("What's the capital of France?");

    expect(said).toMatchObject({ kind: 'reply', text: "You said: What's the capital of France?" });
    expect(said.understanding).toBeUndefined();
    expect((await h.record()).turns[0].outOfScope).toBeUndefined();
  });

  it('answers as without a scorer when the scorer throws', async () => {
    const generator = Object.assign(createScriptedGenerator(echo), {
      understand: () => {
        throw new Error('scorer broke');
      },
    });
    const h = createHarness({ generator });

    expect(await h.send('where is my order 40411')).toMatchObject({ kind: 'reply', text: 'You said: where is my order 40411' });
  });
});
