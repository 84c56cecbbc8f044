/** Hand-off through the agents channel: announcement, agent replies in its thread, the button and ` /bot` give it back. */
import { afterEach, describe, expect, it } from 'vitest';
import { GIVE_BACK_ACTION } from '../../adapters/slack/index.ts';
import { AGENTS, startRig, type Rig } from './helpers.ts';
import { waitFor, type BotMessage } from './stand-in.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const hasButton = (m: BotMessage) => JSON.stringify(m.blocks ?? []).includes(GIVE_BACK_ACTION);

describe('Slack hand-off', () => {
  it('announces the request, carries the agent’s replies to the user’s thread, stays silent meanwhile, and the button gives it back', async () => {
    rig = await startRig();
    const { standIn, engine } = rig;
    const hello = await rig.dm('U1', 'my parcel is lost');
    const id = `slack:T0STANDIN:DU1:${hello.ts}`;
    const thread = () => standIn.botMessagesIn('DU1', hello.ts);
    const pushedTexts = () => thread().filter((m) => m.metadata?.event_type !== 'colloquy_reply').map((m) => m.text);

    // the user asks for a person: the command is answered, the agents channel gets the announcement
    const asked = await rig.dm('U1', '/agent', hello.ts);
    const announcement = await waitFor(() => standIn.botMessagesIn(AGENTS)[0], 'the announcement');
    expect(asked.answer.text).toBe(engine.options.messages.handoffRequested);
    expect(announcement.text).toContain('<@U1> asked for a person');
    expect(JSON.stringify(announcement.blocks)).toContain('my parcel is lost');
    expect(JSON.stringify(announcement.blocks)).toContain('You said: my parcel is lost');
    expect(hasButton(announcement)).toBe(true);
    expect(announcement.metadata).toEqual({ event_type: 'colloquy_handoff', event_payload: { conversation_id: id } });

    // the user writes while waiting: no answer, the agents see it in the announcement's thread
    const waiting = rig.message('U1', 'DU1', 'hello? anyone?', hello.ts);
    await standIn.deliver(waiting.body);
    await waitFor(() => standIn.botMessagesIn(AGENTS, announcement.ts).find((m) => m.text === '<@U1>: hello? anyone?'), 'the forwarded message');
    expect(thread().filter((m) => m.ts > waiting.ts)).toEqual([]);

    // an agent replies in the announcement's thread: accepted, and the message reaches the user labelled
    const dana = rig.message('U0AGENT', AGENTS, 'Hi, I am Dana. Let me check &amp; call the courier.', announcement.ts).body;
    await standIn.deliver(dana);
    await standIn.deliver(dana, 1); // Slack retries: still one message for the user
    await waitFor(() => pushedTexts().length === 2, 'the notice and the agent message');
    expect(pushedTexts()).toEqual([engine.options.messages.handoffAccepted, ':bust_in_silhouette: *Agent <@U0AGENT>:* Hi, I am Dana. Let me check &amp; call the courier.']);
    await waitFor(() => announcement.text.includes('<@U0AGENT> is talking with them'), 'the announcement to show who took it');
    let record = await rig.record(id);
    expect(record.handoff).toMatchObject({ state: 'accepted', agentId: 'U0AGENT' });
    expect(record.turns.filter((t) => t.speaker === 'agent').map((t) => t.text)).toEqual(['Hi, I am Dana. Let me check & call the courier.']);

    // the agent presses "Give back to bot"
    await standIn.click('U0AGENT', announcement, GIVE_BACK_ACTION);
    await waitFor(() => pushedTexts().length === 3, 'the closing notice');
    expect(pushedTexts()[2]).toBe(engine.options.messages.handoffClosed);
    await waitFor(() => !hasButton(announcement), 'the button to go');
    record = await rig.record(id);
    expect(record.handoff.state).toBe('closed');

    // the bot answers again; a late agent message does not reach the user
    const back = await rig.dm('U1', 'thanks', hello.ts);
    expect(back.answer.text).toBe('You said: thanks');
    await standIn.deliver(rig.message('U0AGENT', AGENTS, 'one more thing', announcement.ts).body);
    await waitFor(() => standIn.botMessagesIn(AGENTS, announcement.ts).find((m) => m.text.includes('did not reach the user')), 'the note to the agent');
    expect((await rig.record(id)).turns.filter((t) => t.speaker === 'agent')).toHaveLength(1);
  });

  it('an agent typing /bot in the thread gives the conversation back; a second agent cannot take it over; other channels’ hand-offs stay out', async () => {
    rig = await startRig();
    const { standIn, engine } = rig;
    // another channel's hand-off is none of the Slack adapter's business
    await (await engine.handle({ channel: 'web', conversationId: 'web-1', userId: 'w1', text: 'hello from the web' })).result;
    await engine.requestHandoff('web-1');
    await engine.agent.accept('web-1', 'U0ANN');
    await engine.agent.send('web-1', 'U0ANN', 'web only');
    const hello = await rig.dm('U2', 'I want a refund');
    const id = `slack:T0STANDIN:DU2:${hello.ts}`;
    await rig.dm('U2', '/agent please', hello.ts);
    const announcement = await waitFor(() => standIn.botMessagesIn(AGENTS)[0], 'the announcement');
    expect(announcement.metadata?.event_payload?.conversation_id).toBe(id);
    const inAgentsThread = () => standIn.botMessagesIn(AGENTS, announcement.ts).map((m) => m.text);

    await standIn.deliver(rig.message('U0ANN', AGENTS, 'On it.', announcement.ts).body);
    await waitFor(async () => (await rig!.record(id)).handoff.state === 'accepted', 'the hand-off to be accepted');
    await standIn.deliver(rig.message('U0BEN', AGENTS, 'me too', announcement.ts).body);
    await waitFor(() => inAgentsThread().find((t) => t.includes('Not delivered')), 'the refusal for the second agent');
    await standIn.deliver(rig.message('U0ANN', AGENTS, ' /bot', announcement.ts).body);
    await waitFor(async () => (await rig!.record(id)).handoff.state === 'closed', 'the hand-off to close');

    await waitFor(() => inAgentsThread().some((t) => t.startsWith('Back with the bot: given back by the agent')), 'the closing note to the agents');
    const record = await rig.record(id);
    expect(record.turns.filter((t) => t.speaker === 'agent').map((t) => [t.agentId, t.text])).toEqual([['U0ANN', 'On it.']]);
    await waitFor(() => standIn.botMessagesIn('DU2', hello.ts).some((m) => m.text === engine.options.messages.handoffClosed), 'the closing notice to the user');
    expect(standIn.messages.filter((m) => m.text.includes('web only') || m.text.includes('hello from the web'))).toEqual([]);
  });

  it('without an agents channel, two fallbacks and /agent tell the user nobody can take over, and the bot keeps answering', async () => {
    rig = await startRig({ script: () => ({ text: 'hmm', meanLogProb: -9 }), adapter: { agentsChannel: undefined } });
    const m = rig.engine.options.messages;

    const first = await rig.dm('U3', 'qwerty');
    const second = await rig.dm('U3', 'asdf', first.ts);
    const asked = await rig.dm('U3', '/agent', first.ts);
    const after = await rig.dm('U3', 'hello?', first.ts);

    expect(second.answer.text).toContain(m.noAgentsAfterFallbacks.split('{contact}')[0]!.trim());
    expect(asked.answer.text).toContain(rig.engine.options.contactText);
    expect(after.answer.text).toBe(rig.engine.options.fallbackText); // the bot still answers
    expect((await rig.record(`slack:T0STANDIN:DU3:${first.ts}`)).handoff.state).toBe('none');
    expect(rig.standIn.botMessagesIn(AGENTS)).toEqual([]);
  });
});
