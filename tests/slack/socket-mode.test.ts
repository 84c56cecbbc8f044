/** The Slack adapter over Socket Mode: the real bolt SocketModeClient against the stand-in's WebSocket server. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { createEngine, createMemoryStore, isColloquyError } from '../../src/index.ts';
import { createScriptedGenerator } from '../engine/helpers/scripted-generator.ts';
import { rejectionOf } from '../helpers/errors.ts';
import { AGENTS, finalAnswer, startRig, type Rig } from './helpers.ts';
import { startSlackStandIn, waitFor } from './stand-in.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('Slack Socket Mode', () => {
  it('connects with the app token, answers a DM, and acknowledges a retried envelope without answering twice', async () => {
    rig = await startRig({ socketMode: true });
    expect(rig.adapter.url).toBeUndefined();
    expect(rig.standIn.callsTo('apps.connections.open').map((c) => c.token)).toEqual([rig.standIn.options.appToken]);

    const { ts, body } = rig.message('U1', 'DU1', 'hello over the socket');
    await rig.standIn.deliver(body);
    await rig.standIn.deliver(body, 1);
    await finalAnswer(rig.standIn, 'DU1', ts);
    await rig.dm('U1', 'next', ts); // the engine answers a thread in order: a second answer would come before this one

    expect(rig.standIn.botMessagesIn('DU1', ts).map((m) => m.text)).toEqual(['You said: hello over the socket', 'You said: next']);
  });

  it('reconnects after the socket drops and answers the next message', async () => {
    rig = await startRig({ socketMode: true });
    await rig.dm('U1', 'before the drop');

    rig.standIn.dropSockets();
    // bolt waits a few seconds, asks apps.connections.open for a new URL and connects again
    await waitFor(() => rig!.standIn.connections === 2 && rig!.standIn.openSockets === 1, 'a second connection', 60_000);
    const { answer } = await rig.dm('U1', 'after the drop');

    expect(answer.text).toBe('You said: after the drop');
    expect(rig.standIn.callsTo('apps.connections.open')).toHaveLength(2);
  });

  it('the Give back button works over the socket too', async () => {
    rig = await startRig({ socketMode: true });
    const hello = await rig.dm('U1', 'hi');
    const id = `slack:T0STANDIN:DU1:${hello.ts}`;
    await rig.dm('U1', '/agent', hello.ts);
    const announcement = await waitFor(() => rig!.standIn.botMessagesIn(AGENTS)[0], 'the announcement');

    await rig.standIn.click('U0AGENT', announcement, 'colloquy_give_back');

    await waitFor(async () => (await rig!.record(id)).handoff.state === 'closed', 'the hand-off to close');
  });

  it('refuses a bad app token with an error naming SLACK_APP_TOKEN', async () => {
    const standIn = await startSlackStandIn();
    const engine = createEngine({ generator: createScriptedGenerator(), store: createMemoryStore(), tickIntervalMs: false });
    try {
      const adapter = createSlackAdapter({
        botToken: standIn.options.botToken, appToken: 'xapp-revoked', apiUrl: standIn.apiUrl, apiRetries: 0, logger: { debug() {}, info() {}, warn() {}, error() {} },
      });

      const err = await rejectionOf(adapter.start(engine));

      expect(isColloquyError(err, 'slack_token_rejected')).toBe(true);
      expect(err.message).toBe('Slack rejected SLACK_APP_TOKEN (invalid_auth)');
      // nothing is left subscribed or connected
      expect(standIn.openSockets).toBe(0);
    } finally {
      await engine.close();
      await standIn.close();
    }
  });
});
