/** How answers appear in Slack: a message edited as the reply streams (throttled), the final or fallback text, one post for what is complete at once. */
import { afterEach, describe, expect, it } from 'vitest';
import { STREAMING_CURSOR } from '../../adapters/slack/index.ts';
import { SLACK_TEXT_LIMIT, TRUNCATION_NOTE } from '../../adapters/slack/slack-text.ts';
import { inOrder } from '../engine/helpers/scripted-generator.ts';
import { startRig, words, type Rig } from './helpers.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const INTERVAL_MS = 200;
/** Edits are sent at least INTERVAL_MS apart (unthrottled they would come every 25 ms); arrival times at the stand-in may bunch up by transit jitter on a loaded machine. */
const JITTER_MS = 60;

describe('Slack streaming', () => {
  it('posts what has streamed when the first edit is due, edits it as tokens arrive, at most once per interval, and ends on the logged reply', async () => {
    const reply = words(40, 'word');
    rig = await startRig({ script: inOrder(reply), paceMs: 25, adapter: { editIntervalMs: INTERVAL_MS } });

    const { ts, answer } = await rig.dm('U1', 'tell me everything');

    const updates = rig.standIn.callsTo('chat.update').filter((c) => c.args.ts === answer.ts);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    // the first post and the intermediate edits show a growing prefix of the reply with a cursor
    const partial = answer.versions.slice(0, -1);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    for (const text of partial) {
      expect(text.endsWith(STREAMING_CURSOR)).toBe(true);
      expect(reply.startsWith(text.slice(0, -STREAMING_CURSOR.length))).toBe(true);
    }
    for (let i = 1; i < updates.length; i++) expect(updates[i].at - updates[i - 1].at).toBeGreaterThanOrEqual(INTERVAL_MS - JITTER_MS);
    const record = await rig.record(`slack:T0STANDIN:DU1:${ts}`);
    const botTurn = record.turns.find((t) => t.speaker === 'bot');
    expect(answer.text).toBe(botTurn?.text);
    expect(answer.text).toBe(reply);
  });

  it('replaces the streamed text with the fallback text when the model is not confident', async () => {
    const generated = words(12, 'unsure');
    rig = await startRig({ script: inOrder({ text: generated, meanLogProb: -9 }), paceMs: 25, adapter: { editIntervalMs: 60 } });

    const { ts, answer } = await rig.dm('U1', 'gibberish?');

    expect(answer.versions.some((v) => v.startsWith('unsure0 unsure1'))).toBe(true); // it did stream
    expect(answer.text).toBe(rig.engine.options.fallbackText);
    const botTurn = (await rig.record(`slack:T0STANDIN:DU1:${ts}`)).turns.find((t) => t.speaker === 'bot');
    expect(botTurn).toMatchObject({ text: rig.engine.options.fallbackText, fallback: true });
  });

  it('posts a reply complete before the first edit is due once, whole: no partial text, no edits', async () => {
    const reply = words(8, 'quick');
    // streamed over about 80 ms: still generating after its first piece, done long before the first edit is due
    rig = await startRig({ script: inOrder(reply), paceMs: 10, adapter: { editIntervalMs: 2_000 } });

    const { answer } = await rig.dm('U1', 'a quick one');

    expect(answer.versions).toEqual([reply]);
    expect(rig.standIn.callsTo('chat.postMessage')).toHaveLength(1);
    expect(rig.standIn.callsTo('chat.update')).toHaveLength(0);
  });

  it('posts commands and notices directly, in one message', async () => {
    rig = await startRig();

    const help = await rig.dm('U1', '/help');
    const empty = await rig.dm('U1', '<@U0BOT>   ', help.ts);

    expect(help.answer.versions).toEqual([rig.engine.options.helpText]);
    expect(empty.answer.versions).toEqual([rig.engine.options.messages.empty]);
    expect(rig.standIn.callsTo('chat.update')).toHaveLength(0);
  });

  it('cuts a reply over Slack’s limit, with a note, and escapes Slack markup', async () => {
    const long = '<!channel> ' + words(6000, 'long');
    rig = await startRig({ script: inOrder(long), adapter: { editIntervalMs: 20 } });

    const { answer } = await rig.dm('U1', 'everything please');

    expect(long.length).toBeGreaterThan(40_000);
    expect(answer.text.endsWith(TRUNCATION_NOTE)).toBe(true);
    expect(answer.text.startsWith('&lt;!channel&gt; long0 long1')).toBe(true);
    expect(answer.text.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT + 20);
    for (const c of rig.standIn.callsTo('chat.update')) expect(String(c.args.text).length).toBeLessThanOrEqual(40_000);
  });

  it('answers with the engine’s apology when the model fails', async () => {
    rig = await startRig({ script: inOrder({ text: 'never shown', fail: new Error('model exploded') }) });

    const { answer } = await rig.dm('U1', 'hello?');

    expect(answer.text).toBe(rig.engine.options.messages.error);
  });
});
