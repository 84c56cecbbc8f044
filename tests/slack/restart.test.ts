/**
 * What a Slack bot knew before a restart still holds after it (issue 15, item 3):
 * channel state lives in the conversation store, not in the process.
 * (a) a hand-off accepted before the restart goes on: the agent's next reply
 *     reaches the user, the user's messages reach the agents' thread;
 * (b) a Slack retry of an event answered before the restart is not answered again;
 * (c) a 👍 on a reply sent before the restart is stored.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS, startRig, type Rig } from './helpers.ts';
import { waitFor } from './stand-in.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const settle = () => new Promise((r) => setTimeout(r, 1000));

describe('Slack across a restart', () => {
  it('(a) a hand-off accepted before the restart goes on: agent replies reach the user, user messages reach the agents', async () => {
    rig = await startRig();
    const { standIn } = rig;
    const hello = await rig.dm('U1', 'my parcel is lost');
    const id = `slack:T0STANDIN:DU1:${hello.ts}`;
    const pushed = () => standIn.botMessagesIn('DU1', hello.ts).filter((m) => m.metadata?.event_type !== 'colloquy_reply').map((m) => m.text);
    await rig.dm('U1', '/agent', hello.ts);
    const announcement = await waitFor(() => standIn.botMessagesIn(AGENTS)[0], 'the announcement');
    await standIn.deliver(rig.message('U0AGENT', AGENTS, 'Hi, I am Dana.', announcement.ts).body);
    await waitFor(() => pushed().length === 2, 'the accepted notice and the agent message');

    await rig.restart();

    await standIn.deliver(rig.message('U0AGENT', AGENTS, 'Found it: it arrives tomorrow.', announcement.ts).body);
    await waitFor(() => pushed().length === 3, 'the agent reply after the restart');
    expect(pushed()[2]).toContain('Found it: it arrives tomorrow.');

    const before = standIn.messages.length;
    await standIn.deliver(rig.message('U1', 'DU1', 'great, thank you', hello.ts).body);
    await waitFor(() => standIn.botMessagesIn(AGENTS, announcement.ts).find((m) => m.text === '<@U1>: great, thank you'), 'the user message forwarded to the agents');
    await settle();
    expect(standIn.messages.slice(before).filter((m) => m.channel === 'DU1')).toEqual([]); // the bot stays silent: a person holds it
    const record = await rig.record(id);
    expect(record.handoff).toMatchObject({ state: 'accepted', agentId: 'U0AGENT' });
    expect(record.turns.filter((t) => t.speaker === 'agent').map((t) => t.text)).toEqual(['Hi, I am Dana.', 'Found it: it arrives tomorrow.']);
  });

  it('(b) a retry of an event answered before the restart is not answered again', async () => {
    rig = await startRig();
    const { standIn } = rig;
    const first = rig.message('U1', 'DU1', 'where is my order?');
    await standIn.deliver(first.body);
    await waitFor(() => standIn.botMessagesIn('DU1', first.ts).find((m) => m.metadata?.event_type === 'colloquy_reply'), 'the answer');

    await rig.restart();

    await standIn.deliver(first.body, 1); // Slack's retry: same event_id, x-slack-retry-num: 1
    await standIn.deliver(first.body, 2);
    const later = await rig.dm('U1', 'and when will it come?', first.ts); // the bot is up and answering
    expect(later.answer.text).toBe('You said: and when will it come?');
    const answers = standIn.botMessagesIn('DU1', first.ts).filter((m) => m.metadata?.event_type === 'colloquy_reply');
    expect(answers.map((m) => m.text)).toEqual(['You said: where is my order?', 'You said: and when will it come?']);
    const turns = (await rig.record(`slack:T0STANDIN:DU1:${first.ts}`)).turns;
    expect(turns.filter((t) => t.speaker === 'user').map((t) => t.text)).toEqual(['where is my order?', 'and when will it come?']);
  });

  it('(c) a 👍 on a reply sent before the restart is stored', async () => {
    rig = await startRig();
    const { standIn } = rig;
    const hello = await rig.dm('U1', 'do you ship to Norway?');

    await rig.restart();

    await standIn.deliver(standIn.eventCallback({ type: 'reaction_added', user: 'U1', reaction: '+1', item: { type: 'message', channel: 'DU1', ts: hello.answer.ts }, event_ts: standIn.nextTs() }));
    const id = `slack:T0STANDIN:DU1:${hello.ts}`;
    const bot = await waitFor(async () => (await rig!.record(id)).turns.find((t) => t.speaker === 'bot' && t.feedback), 'the feedback on the reply');
    expect(bot.feedback).toMatchObject({ value: 'up', by: 'U1' });
  });
});
