/** 👍/👎 reactions on the bot's answers become feedback on the logged turn (real lowdb store). */
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackEvent } from '../../src/index.ts';
import { startRig, type Rig } from './helpers.ts';
import { waitFor } from './stand-in.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('Slack reactions', () => {
  it('stores 👍 and 👎 (any skin tone) on the turn of the reacted answer; other reactions and messages are ignored', async () => {
    rig = await startRig();
    const seen: FeedbackEvent[] = [];
    rig.engine.on('feedback', (e) => void seen.push(e));
    const first = await rig.dm('U1', 'first question');
    const second = await rig.dm('U1', 'second question', first.ts);
    const id = `slack:T0STANDIN:DU1:${first.ts}`;
    const react = (reaction: string, ts: string, user = 'U1') =>
      rig!.standIn.deliver(rig!.standIn.eventCallback({ type: 'reaction_added', user, reaction, item: { type: 'message', channel: 'DU1', ts }, event_ts: rig!.standIn.nextTs() }));

    await react('tada', first.answer.ts); // not feedback
    await react('-1', first.ts); // the user's own message, not an answer
    await react('+1', first.answer.ts, 'U0BOT'); // the bot itself
    await react('thumbsup', first.answer.ts);
    await react('-1::skin-tone-4', second.answer.ts);
    await waitFor(() => seen.length === 2, 'two feedback events');

    const turns = (await rig.record(id)).turns.filter((t) => t.speaker === 'bot');
    expect(turns.map((t) => [t.text, t.feedback?.value, t.feedback?.by])).toEqual([
      ['You said: first question', 'up', 'U1'],
      ['You said: second question', 'down', 'U1'],
    ]);
    expect(seen.map((e) => e.value)).toEqual(['up', 'down']);
  });
});
