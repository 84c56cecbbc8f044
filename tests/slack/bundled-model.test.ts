/** End to end with real generation: the bundled model (wasm) answers a Slack DM, streamed by edits, as logged. */
import { afterEach, describe, expect, it } from 'vitest';
import { LstmGenerator } from '../../src/index.ts';
import { bundledModel } from '../web/helpers.ts';
import { startRig, type Rig } from './helpers.ts';

let rig: Rig | undefined;
let generator: LstmGenerator | undefined;
afterEach(async () => {
  await rig?.close();
  generator?.dispose();
  rig = generator = undefined;
});

describe('Slack with the bundled model', () => {
  it('answers a DM with the reply the model generated and the engine logged', async () => {
    generator = new LstmGenerator(await bundledModel());
    rig = await startRig({ generator, adapter: { editIntervalMs: 100 } });

    const { ts, answer } = await rig.dm('U1', 'Where is my order?');

    const bot = (await rig.record(`slack:T0STANDIN:DU1:${ts}`)).turns.find((t) => t.speaker === 'bot');
    expect(bot?.text.trim()).not.toBe('');
    expect(bot?.modelVersion).toBe(generator.modelVersion);
    expect(answer.text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')).toBe(bot?.text);
  });
});
