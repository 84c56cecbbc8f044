import { describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { say } from '../../src/engine/options.ts';
import { inOrder } from './helpers/scripted-generator.ts';

/** A conversation with one exchange and an open hand-off request. */
async function withOpenRequest(h: Harness): Promise<void> {
  await h.send('my parcel never arrived');
  await h.send('/agent');
}

describe('hand-off', () => {
  it('round trip: requested → accepted → agent talks, bot silent → closed → bot answers again', async () => {
    // Arrange
    const h = createHarness();
    await withOpenRequest(h);
    const requested = h.eventsOf('handoff')[0];

    // Act
    const accepted = await h.engine.agent.accept('c1', 'alice');
    const sent = await h.engine.agent.send('c1', 'alice', 'Hi, I am Alice. Let me look into it.');
    const whileHuman = await h.send('thanks, order 42');
    const closed = await h.engine.agent.close('c1');
    const botAgain = await h.send('are you there?');

    // Assert: the agents' side heard of the request, with where to answer
    expect(requested).toMatchObject({ conversationId: 'c1', channel: 'test', userId: 'u1', state: 'requested', handoff: { reason: 'command' } });
    expect(accepted).toMatchObject({ state: 'accepted', agentId: 'alice', reason: 'command' });
    // the agent's message reaches the adapter and is logged as an agent turn
    expect(h.eventsOf('agent-message')).toEqual([{ conversationId: 'c1', channel: 'test', userId: 'u1', agentId: 'alice', text: 'Hi, I am Alice. Let me look into it.', turnId: sent.turnId }]);
    // the bot stays silent while the human owns the conversation; the agents' side sees the message
    expect(whileHuman).toMatchObject({ kind: 'silent', text: '', streamed: '' });
    expect(h.eventsOf('message').at(-2)).toMatchObject({ text: 'thanks, order 42', handoff: 'accepted' });
    expect(closed).toMatchObject({ state: 'closed', agentId: 'alice' });
    expect(botAgain.kind).toBe('reply');
    // the user was told when the agent joined and left
    expect(h.eventsOf('notice').map((n) => [n.reason, n.text])).toEqual([
      ['handoff-accepted', h.engine.options.messages.handoffAccepted],
      ['handoff-closed', h.engine.options.messages.handoffClosed],
    ]);
    expect(h.eventsOf('handoff').map((e) => [e.state, e.by])).toEqual([
      ['requested', undefined],
      ['accepted', undefined],
      ['closed', 'agent'],
    ]);
    const turns = (await h.record()).turns.map((t) => [t.speaker, t.text]);
    expect(turns.slice(4)).toEqual([
      ['notice', h.engine.options.messages.handoffAccepted],
      ['agent', 'Hi, I am Alice. Let me look into it.'],
      ['user', 'thanks, order 42'],
      ['notice', h.engine.options.messages.handoffClosed],
      ['user', 'are you there?'],
      ['bot', 'You said: are you there?'],
    ]);
    expect((await h.record()).turns[5]).toMatchObject({ speaker: 'agent', agentId: 'alice', id: sent.turnId });
  });

  it('lets the model read the agent turns afterwards, as the bot side', async () => {
    const h = createHarness();
    await withOpenRequest(h);
    await h.engine.agent.accept('c1', 'alice');
    await h.engine.agent.send('c1', 'alice', 'Your refund is on its way.');
    await h.engine.agent.close('c1');

    await h.send('great, thanks');

    expect(h.generator.calls.at(-1)!.context.slice(-2)).toEqual([
      { speaker: 'agent', text: 'Your refund is on its way.' },
      { speaker: 'user', text: 'great, thanks' },
    ]);
  });

  it('stays silent while a request waits for an agent', async () => {
    const h = createHarness();
    await withOpenRequest(h);

    const said = await h.send('hello?');

    expect(said.kind).toBe('silent');
    expect(h.generator.calls).toHaveLength(1);
  });

  it('/bot from the user ends an accepted hand-off', async () => {
    const h = createHarness();
    await withOpenRequest(h);
    await h.engine.agent.accept('c1', 'alice');

    const said = await h.send('/bot');
    const next = await h.send('where is my order?');

    expect(said).toMatchObject({ kind: 'command', text: h.engine.options.messages.backToBot });
    expect(h.eventsOf('handoff').at(-1)).toMatchObject({ state: 'closed', by: 'user' });
    expect(next.kind).toBe('reply');
  });

  it('times out a request nobody accepts: a polite notice and back to the bot', async () => {
    // Arrange
    const h = createHarness({ options: { handoffTimeoutMinutes: 5 } });
    await withOpenRequest(h);

    // Act
    h.clock.advanceMinutes(4);
    await h.engine.tick();
    const stillWaiting = (await h.record()).handoff.state;
    h.clock.advanceMinutes(2);
    await h.engine.tick();
    const next = await h.send('anyone?');

    // Assert
    expect(stillWaiting).toBe('requested');
    expect(h.eventsOf('notice')).toEqual([
      { conversationId: 'c1', channel: 'test', userId: 'u1', reason: 'handoff-timeout', text: expect.stringContaining('nobody is available'), turnId: expect.any(String) },
    ]);
    expect(h.eventsOf('handoff').at(-1)).toMatchObject({ state: 'closed', by: 'timeout' });
    expect((await h.record()).handoff).toMatchObject({ state: 'closed', requestedAt: expect.any(String), closedAt: expect.any(String) });
    expect((await h.record()).handoff.acceptedAt).toBeUndefined();
    expect(next.kind).toBe('reply');
  });

  it('times out an overdue request when the next message comes, even without a tick', async () => {
    const h = createHarness({ options: { handoffTimeoutMinutes: 5 } });
    await withOpenRequest(h);
    h.clock.advanceMinutes(6);

    const next = await h.send('hello?');

    expect(next.kind).toBe('reply');
    expect(h.eventsOf('notice').map((n) => n.reason)).toEqual(['handoff-timeout']);
  });

  it('does not time out a request an agent accepted', async () => {
    const h = createHarness({ options: { handoffTimeoutMinutes: 5 } });
    await withOpenRequest(h);
    await h.engine.agent.accept('c1', 'alice');

    h.clock.advanceMinutes(60);
    await h.engine.tick();

    expect((await h.record()).handoff.state).toBe('accepted');
    expect((await h.send('still there?')).kind).toBe('silent');
  });

  it('requestHandoff asks for a human from outside a message and tells the user', async () => {
    const h = createHarness();
    await h.send('I want to cancel my contract');

    const info = await h.engine.requestHandoff('c1', 'api');

    expect(info).toMatchObject({ state: 'requested', reason: 'api' });
    expect(h.eventsOf('notice')).toEqual([expect.objectContaining({ reason: 'handoff-requested', text: h.engine.options.messages.handoffRequested })]);
    expect(h.eventsOf('handoff').at(-1)).toMatchObject({ state: 'requested' });
  });

  it('refuses agent actions that make no sense, naming the problem', async () => {
    const h = createHarness();
    await withOpenRequest(h);

    const sendFirst = await h.engine.agent.send('c1', 'alice', 'hi').catch((e: unknown) => e);
    await h.engine.agent.accept('c1', 'alice');
    const otherAgent = await h.engine.agent.accept('c1', 'bob').catch((e: unknown) => e);
    const notOwner = await h.engine.agent.send('c1', 'bob', 'hi').catch((e: unknown) => e);
    const empty = await h.engine.agent.send('c1', 'alice', '   ').catch((e: unknown) => e);
    const unknown = await h.engine.agent.accept('nope', 'alice').catch((e: unknown) => e);

    expect(isColloquyError(sendFirst, 'handoff_not_accepted')).toBe(true);
    expect(isColloquyError(otherAgent, 'handoff_taken')).toBe(true);
    expect(isColloquyError(notOwner, 'handoff_not_owner')).toBe(true);
    expect(isColloquyError(empty, 'agent_message_invalid')).toBe(true);
    expect(isColloquyError(unknown, 'conversation_not_found')).toBe(true);
    expect((unknown as Error).message).toContain('nope');
  });

  it('accepting twice by the same agent and closing twice change nothing more', async () => {
    const h = createHarness();
    await withOpenRequest(h);

    await h.engine.agent.accept('c1', 'alice');
    await h.engine.agent.accept('c1', 'alice');
    await h.engine.agent.close('c1');
    await h.engine.agent.close('c1');

    expect(h.eventsOf('handoff').map((e) => e.state)).toEqual(['requested', 'accepted', 'closed']);
  });

  it('picks up requests left open by an earlier engine on the same store, so they still time out', async () => {
    // Arrange: one engine opens a request; a second engine starts on the same store
    const first = createHarness({ options: { handoffTimeoutMinutes: 5 } });
    await withOpenRequest(first);
    const second = createHarness({ store: first.store, options: { handoffTimeoutMinutes: 5 } });
    await new Promise((r) => setTimeout(r, 10)); // let it read the open requests

    // Act
    second.clock.advanceMinutes(10);
    await second.engine.tick();

    // Assert
    expect(second.eventsOf('notice').map((n) => n.reason)).toEqual(['handoff-timeout']);
  });
});

describe('a channel nobody answers hand-offs for', () => {
  it('tells a user who asks for a person that none can take over and how else to reach the shop, and keeps answering', async () => {
    const h = createHarness({ agents: false, options: { contactText: 'Call 555-0100.' } });
    h.engine.agent.join('slack'); // people answer Slack's hand-offs, not the web's

    const web = await h.send('/agent', { channel: 'web', conversationId: 'w1' });
    const next = await h.send('still there?', { channel: 'web', conversationId: 'w1' });
    const slack = await h.send('/agent', { channel: 'slack', conversationId: 's1' });

    expect(web.text).toBe(say(h.engine.options, 'noAgents'));
    expect(web.text).toContain('Call 555-0100.');
    expect(next).toMatchObject({ kind: 'reply', text: 'You said: still there?' });
    expect((await h.record('w1')).handoff.state).toBe('none');
    expect(slack.text).toBe(h.engine.options.messages.handoffRequested);
    expect(h.eventsOf('handoff').map((e) => e.conversationId)).toEqual(['s1']);
  });

  it('after too many fallbacks says so instead of handing off, and a desk that leaves stops hand-offs again', async () => {
    const h = createHarness({ agents: false, script: inOrder({ text: 'mumble', meanLogProb: -9 }, { text: 'mumble', meanLogProb: -9 }, '/agent next'), options: { maxConsecutiveFallbacks: 2 } });

    await h.send('what?');
    const second = await h.send('what??');

    expect(second.text).toBe(say(h.engine.options, 'noAgentsAfterFallbacks'));
    expect((await h.record()).handoff.state).toBe('none');
    const leave = h.engine.agent.join('test');
    leave();
    leave(); // leaving twice counts once
    expect((await h.send('/agent')).text).toBe(say(h.engine.options, 'noAgents'));
  });
});
