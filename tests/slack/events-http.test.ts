/** The Slack adapter over the Events API: the real bolt App against the stand-in, a real engine and lowdb log. */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { createEngine, createMemoryStore, isColloquyError } from '../../src/index.ts';
import { rejectionOf } from '../helpers/errors.ts';
import { createGate, createScriptedGenerator, inOrder } from '../engine/helpers/scripted-generator.ts';
import { finalAnswer, startRig, type Rig } from './helpers.ts';
import { startSlackStandIn, waitFor } from './stand-in.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('Slack Events API (HTTP)', () => {
  it('answers url_verification with the challenge', async () => {
    rig = await startRig();

    const res = await rig.standIn.postEvent({ token: 'legacy', challenge: 'c-3f9a1', type: 'url_verification' });

    expect(res.status).toBe(200);
    expect(res.body).toContain('c-3f9a1');
  });

  it('rejects a bad signature and a correctly signed timestamp over 5 minutes away in either direction with 401, and answers none', async () => {
    rig = await startRig();
    const forged = rig.message('U1', 'DU1', 'forged').body;
    const stale = rig.message('U1', 'DU1', 'replayed').body;
    const future = rig.message('U1', 'DU1', 'from the future').body;
    const nowSec = () => Math.floor(Date.now() / 1000);

    const badSignature = await rig.standIn.postEvent(forged, { secret: 'not-the-signing-secret' });
    const oldTimestamp = await rig.standIn.postEvent(stale, { timestamp: nowSec() - 6 * 60 });
    const futureTimestamp = await rig.standIn.postEvent(future, { timestamp: nowSec() + 6 * 60 });
    const slightlyAhead = await rig.standIn.postEvent({ token: 'legacy', challenge: 'c-skew', type: 'url_verification' }, { timestamp: nowSec() + 60 });
    const { answer } = await rig.dm('U1', 'a real one');

    expect(badSignature.status).toBe(401);
    expect(oldTimestamp.status).toBe(401);
    expect(futureTimestamp.status).toBe(401);
    expect(slightlyAhead.status).toBe(200); // a clock a minute fast is within Slack's five minutes
    expect(answer.text).toBe('You said: a real one');
    expect(rig.standIn.callsTo('chat.postMessage')).toHaveLength(1);
    const users = [];
    for await (const s of rig.store.list()) users.push(s.id);
    expect(users).toEqual([`slack:T0STANDIN:DU1:${answer.threadTs}`]);
  });

  it('answers a DM in the thread of the message; the thread is the conversation', async () => {
    rig = await startRig();

    const first = await rig.dm('U1', 'where is my order?');
    const second = await rig.dm('U1', 'it is 4711', first.ts);

    expect(first.answer).toMatchObject({ channel: 'DU1', threadTs: first.ts, text: 'You said: where is my order?' });
    expect(second.answer).toMatchObject({ channel: 'DU1', threadTs: first.ts, text: 'You said: it is 4711' });
    const record = await rig.record(`slack:T0STANDIN:DU1:${first.ts}`);
    expect(record.channel).toBe('slack');
    expect(record.turns.map((t) => [t.speaker, t.text, t.userId ?? ''])).toEqual([
      ['user', 'where is my order?', 'U1'],
      ['bot', 'You said: where is my order?', ''],
      ['user', 'it is 4711', 'U1'],
      ['bot', 'You said: it is 4711', ''],
    ]);
  });

  it('answers an @mention in its thread with the mention stripped, and one answer when the message event comes too', async () => {
    rig = await startRig();
    const { ts, body } = rig.message('U2', 'C0GENERAL', '<@U0BOT> do you ship to Canada &amp; Mexico?');
    const mention = rig.standIn.eventCallback({ ...body.event, type: 'app_mention' });
    delete (mention.event as { channel_type?: string }).channel_type;

    await rig.standIn.deliver(mention);
    await rig.standIn.deliver(body); // the same post as a message.channels event
    await finalAnswer(rig.standIn, 'C0GENERAL', ts);
    await rig.dm('U3', 'barrier'); // everything delivered before this is handled by now

    const answers = rig.standIn.botMessagesIn('C0GENERAL', ts);
    expect(answers.map((m) => m.text)).toEqual(['You said: do you ship to Canada &amp; Mexico?']);
    const record = await rig.record(`slack:T0STANDIN:C0GENERAL:${ts}`);
    expect(record.turns[0]).toMatchObject({ speaker: 'user', text: 'do you ship to Canada & Mexico?', userId: 'U2' });
  });

  it('answers a follow-up without @mention in a channel thread it answered in, and not in threads it is no part of', async () => {
    rig = await startRig();
    const mention = rig.message('U2', 'C0GENERAL', '<@U0BOT> where is my order?');
    await rig.standIn.deliver(rig.standIn.eventCallback({ ...mention.body.event, type: 'app_mention' }));
    await finalAnswer(rig.standIn, 'C0GENERAL', mention.ts);
    const elsewhere = rig.message('U4', 'C0GENERAL', 'a chat among people');

    // Act: a follow-up in the bot's thread, and a reply in a thread of people talking
    const before = rig.standIn.messages.length;
    const followUp = rig.message('U2', 'C0GENERAL', 'it is 4711', mention.ts);
    await rig.standIn.deliver(followUp.body);
    const answer = await finalAnswer(rig.standIn, 'C0GENERAL', mention.ts, before);
    await rig.standIn.deliver(rig.message('U5', 'C0GENERAL', 'sounds good', elsewhere.ts).body);
    await rig.dm('U3', 'barrier'); // everything delivered before this is handled by now

    // Assert
    expect(answer.text).toBe('You said: it is 4711');
    expect(rig.standIn.botMessagesIn('C0GENERAL', elsewhere.ts)).toEqual([]);
    const record = await rig.record(`slack:T0STANDIN:C0GENERAL:${mention.ts}`);
    expect(record.turns.filter((t) => t.speaker === 'user').map((t) => t.text)).toEqual(['where is my order?', 'it is 4711']);
    expect(await rig.store.get(`slack:T0STANDIN:C0GENERAL:${elsewhere.ts}`)).toBeUndefined();
  });

  it('ignores its own messages, other bots and edits', async () => {
    rig = await startRig();
    const ignored = [
      { type: 'message', channel: 'DU1', channel_type: 'im', user: 'U0BOT', text: 'my own reply', ts: rig.standIn.nextTs() },
      { type: 'message', subtype: 'bot_message', bot_id: 'B0OTHER', channel: 'DU1', channel_type: 'im', text: 'another bot', ts: rig.standIn.nextTs() },
      { type: 'message', channel: 'DU1', channel_type: 'im', user: 'U0OTHERBOT', bot_id: 'B0OTHER', text: 'a bot user', ts: rig.standIn.nextTs() },
      { type: 'message', subtype: 'message_changed', channel: 'DU1', channel_type: 'im', message: { user: 'U1', text: 'edited' }, ts: rig.standIn.nextTs() },
      { type: 'message', subtype: 'channel_join', channel: 'DU1', channel_type: 'im', user: 'U1', text: '<@U1> has joined', ts: rig.standIn.nextTs() },
    ];

    for (const event of ignored) await rig.standIn.deliver(rig.standIn.eventCallback(event));
    const { answer } = await rig.dm('U1', 'a person');

    expect(answer.text).toBe('You said: a person');
    expect(rig.standIn.callsTo('chat.postMessage')).toHaveLength(1);
    const ids = [];
    for await (const s of rig.store.list()) ids.push(s.id);
    expect(ids).toHaveLength(1);
  });

  it('answers a retried delivery (same event_id, x-slack-retry-num) once', async () => {
    rig = await startRig();
    const { ts, body } = rig.message('U1', 'DU1', 'are you open on Sunday?');

    await rig.standIn.deliver(body);
    await rig.standIn.deliver(body, 1); // Slack's retry
    await rig.standIn.deliver(body); // a redelivery without the header: still the same event_id
    await finalAnswer(rig.standIn, 'DU1', ts);
    await rig.dm('U1', 'next question', ts); // the engine answers a thread in order: a second answer would come before this one

    expect(rig.standIn.botMessagesIn('DU1', ts).map((m) => m.text)).toEqual(['You said: are you open on Sunday?', 'You said: next question']);
    const record = await rig.record(`slack:T0STANDIN:DU1:${ts}`);
    expect(record.turns.filter((t) => t.speaker === 'user').map((t) => t.text)).toEqual(['are you open on Sunday?', 'next question']);
  });

  it('logs a failed Slack call while replying and keeps answering', async () => {
    rig = await startRig();
    rig.standIn.failNext('chat.postMessage', 'channel_not_found');
    const lost = rig.message('U1', 'DU1', 'first try');

    await rig.standIn.deliver(lost.body);
    // the failed post is logged (as the reply's delivery, or as a streaming write when the reply took longer than one edit interval)
    const failure = await waitFor(() => rig!.logger.lines.find(([level, , fields]) => (level === 'error' || level === 'warn') && fields?.error === 'channel_not_found'), 'the failure in the log');
    const { answer } = await rig.dm('U1', 'second try');

    expect(answer.text).toBe('You said: second try');
    expect(failure[1]).toMatch(/could not deliver|streaming edit failed/);
    // the engine logged the lost answer: nothing stored is lost
    expect((await rig.record(`slack:T0STANDIN:DU1:${lost.ts}`)).turns.map((t) => t.speaker)).toEqual(['user', 'bot']);
  });

  it('survives malformed and incomplete deliveries and keeps answering', async () => {
    rig = await startRig();
    const raw = '{"type":"event_callback","event":';
    const t = Math.floor(Date.now() / 1000);
    const signature = 'v0=' + createHmac('sha256', rig.standIn.options.signingSecret).update(`v0:${t}:${raw}`).digest('hex');

    const broken = await fetch(rig.adapter.url!, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(t), 'x-slack-signature': signature } });
    await rig.standIn.deliver(rig.standIn.eventCallback({ type: 'reaction_added', user: 'U1' }));
    await rig.standIn.deliver(rig.standIn.eventCallback({ type: 'message', channel: 'DU1', channel_type: 'im', ts: rig.standIn.nextTs() }));
    await rig.standIn.deliver(rig.standIn.eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', ts: rig.standIn.nextTs() }));
    const { answer } = await rig.dm('U1', 'still there?');

    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(answer.text).toBe('You said: still there?');
    // the mention without text reached the engine, which answered politely
    const polite = await waitFor(() => rig!.standIn.messages.find((m) => m.channel === 'C1'), 'the answer to the empty mention');
    expect(polite.text).toBe(rig.engine.options.messages.empty);
  });

  it('names SLACK_PORT when the port is taken', async () => {
    rig = await startRig();
    const taken = Number(new URL(rig.adapter.url!).port);
    const engine = createEngine({ generator: createScriptedGenerator(), store: createMemoryStore(), tickIntervalMs: false });
    const o = rig.standIn.options;
    const second = createSlackAdapter({ botToken: o.botToken, signingSecret: o.signingSecret, port: taken, apiUrl: rig.standIn.apiUrl, apiRetries: 0, logger: createLoggerStub() });

    const err = await rejectionOf(second.start(engine));

    expect(isColloquyError(err, 'slack_port_in_use')).toBe(true);
    expect(err.message).toContain('(SLACK_PORT)');
    expect((await rig.dm('U1', 'first adapter unharmed')).answer.text).toBe('You said: first adapter unharmed');
    await engine.close();
  });

  it('stop() lets a reply in flight finish, then stops listening', async () => {
    const { gate, open } = createGate();
    const generator = createScriptedGenerator(inOrder({ text: 'worth the wait', gate }));
    rig = await startRig({ generator });
    const url = rig.adapter.url!;
    const { ts, body } = rig.message('U1', 'DU1', 'slow question');
    await rig.standIn.deliver(body);
    await waitFor(() => generator.calls.length === 1, 'the engine to ask the model');

    let stopped = false;
    const stopping = rig.adapter.stop().then(() => void (stopped = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    open();
    await stopping;

    expect((await finalAnswer(rig.standIn, 'DU1', ts)).text).toBe('worth the wait');
    const late = await fetch(url, { method: 'POST', body: '{}' }).then(() => 'answered', () => 'refused');
    expect(late).toBe('refused');
  });

  it('refuses a bad bot token with an error naming SLACK_BOT_TOKEN', async () => {
    const standIn = await startSlackStandIn();
    const engine = createEngine({ generator: createScriptedGenerator(), store: createMemoryStore(), tickIntervalMs: false });
    try {
      const adapter = createSlackAdapter({ botToken: 'xoxb-revoked', signingSecret: 's', port: 0, apiUrl: standIn.apiUrl, apiRetries: 0, logger: createLoggerStub() });

      const err = await rejectionOf(adapter.start(engine));

      expect(isColloquyError(err, 'slack_token_rejected')).toBe(true);
      expect(err.message).toBe('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
      expect((err as { hint?: string }).hint).toMatch(/OAuth & Permissions/);
      expect(adapter.url).toBeUndefined();
      await adapter.stop(); // a no-op: nothing started
    } finally {
      await engine.close();
      await standIn.close();
    }
  });

  it('refuses to start without a way to receive events, with a token of the wrong kind, or when Slack is unreachable', async () => {
    const engine = createEngine({ generator: createScriptedGenerator(), store: createMemoryStore(), tickIntervalMs: false });
    const base = { port: 0, apiUrl: 'http://127.0.0.1:9/api/', logger: createLoggerStub() };

    const noSecret = await rejectionOf(createSlackAdapter({ ...base, botToken: 'xoxb-1' }).start(engine));
    const userToken = await rejectionOf(createSlackAdapter({ ...base, botToken: 'xoxp-1', signingSecret: 's' }).start(engine));
    const botAsApp = await rejectionOf(createSlackAdapter({ ...base, botToken: 'xoxb-1', appToken: 'xoxb-2' }).start(engine));

    expect(noSecret.message).toMatch(/SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN/);
    expect(userToken.message).toMatch(/SLACK_BOT_TOKEN must be a bot token/);
    expect(botAsApp.message).toMatch(/SLACK_APP_TOKEN must be an app-level token/);
    const offline = await rejectionOf(createSlackAdapter({ ...base, botToken: 'xoxb-1', signingSecret: 's', apiRetries: 0 }).start(engine));
    expect(isColloquyError(offline, 'slack_unreachable')).toBe(true);
    expect(offline.message).toMatch(/^Could not connect to Slack at http:\/\/127\.0\.0\.1:9\/api\/ to check SLACK_BOT_TOKEN/);
    await engine.close();
  });
});

function createLoggerStub() {
  return { debug() {}, info() {}, warn() {}, error() {} };
}
