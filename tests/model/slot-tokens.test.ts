/**
 * Slot tokens end to end: training learns which action fields the replies
 * state, a reply states the value the newest action answered — one the model
 * never saw in training too — exactly, and never a field no action answered;
 * asked for another, it offers the lookup's next record, and questions after
 * that are answered from the record it offered.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionTurn } from '../../src/data/action-text.ts';
import type { Dialogue, Turn } from '../../src/data/dialogue.ts';
import { learnSlotFields, slotValuesAt, withStandIns } from '../../src/data/slot-values.ts';
import { encodeContext, encodeDialogue } from '../../src/model/encode.ts';
import { loadModel } from '../../src/model/model-dir.ts';
import { openGenerator, tempDir, tinyCorpus, trainTinyModel, user } from '../helpers/tiny.ts';

const CARRIERS = ['UPS', 'DHL', 'FedEx', 'USPS', 'GLS', 'DPD', 'Hermes', 'Royal Mail'];
const lookup = (carrier: string, order = '12'): Turn => actionTurn({ name: 'order_status', parameters: { order }, results: [{ carrier, status: 'shipped' }] });

function carrierCorpus(): Dialogue[] {
  return Array.from({ length: 64 }, (_, n) => {
    const carrier = CARRIERS[n % CARRIERS.length];
    return { id: `carrier-${n}`, turns: [user('Who delivers my order?'), lookup(carrier), { speaker: 'bot', text: `It goes with ${carrier} today.` }] };
  });
}

/** A search that found several carriers: the bot offers the first, and the next when asked for another. */
const search = (...carriers: string[]): Turn => actionTurn({ name: 'find_carrier', parameters: { size: 'small' }, results: carriers.map((carrier, n) => ({ carrier, price: `${4 + n}.50` })) });
const bot = (text: string): Turn => ({ speaker: 'bot', text });

function offerCorpus(): Dialogue[] {
  return Array.from({ length: 32 }, (_, n) => {
    const [a, b, c] = [0, 3, 5].map((k) => CARRIERS[(n + k) % CARRIERS.length]);
    return { id: `offer-${n}`, turns: [user('Which carrier can take a small parcel?'), search(a, b, c), bot(`${a} can take it.`), user('Any other carrier?'), bot(`How about ${b}?`), user('What does it cost?'), bot(`${b} costs ${4 + 1}.50.`)] };
  });
}

let root: string;
let trained: string;

beforeAll(async () => {
  root = await tempDir('slot-tokens');
  trained = path.join(root, 'trained');
  await trainTinyModel(trained, 'wasm', { dialogues: [...tinyCorpus(8), ...carrierCorpus(), ...offerCorpus()], training: { epochs: 30 } });
}, 240_000);

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('slot values in a dialogue', () => {
  it('are the newest action’s first record, then its parameters; a failed action leaves only its parameters', () => {
    const failed: Turn = actionTurn({ name: 'order_status', parameters: { order: '77' }, error: 'timeout' });
    const turns = [user('hi'), lookup('UPS'), { speaker: 'bot' as const, text: 'ok' }, failed];
    const at = slotValuesAt(turns);
    expect(at).toHaveLength(5);
    expect(at[0].size).toBe(0);
    expect(Object.fromEntries(at[2])).toEqual({ carrier: 'UPS', status: 'shipped', order: '12' });
    expect(Object.fromEntries(at[4])).toEqual({ order: '77' });
  });

  it('also hold a time and a date in the form replies say them', () => {
    const call = actionTurn({ name: 'find_flight', parameters: { date: '2019-03-01' }, results: [{ leaves: '14:25', arrives: '16:00', price: 235 }] });
    expect(Object.fromEntries(slotValuesAt([call])[1])).toEqual({
      leaves: '14:25', 'leaves~ampm': '2:25 pm',
      arrives: '16:00', 'arrives~ampm': '4:00 pm', 'arrives~hour': '4 pm',
      price: '235', date: '2019-03-01', 'date~long': 'March 1st',
    });
  });

  it('earn a slot token only for fields the replies state often enough', () => {
    expect(learnSlotFields(carrierCorpus())).toEqual(['carrier']);
    expect(learnSlotFields(carrierCorpus().slice(0, 10))).toEqual([]);
    expect(learnSlotFields(offerCorpus())).toEqual(['carrier', 'next:carrier', 'price']);
  });

  it('come from the record the bot offered last: the next record’s differing values stand under next:', () => {
    const turns = [user('Which carrier?'), search('UPS', 'DHL', 'GLS'), bot('UPS can take it.'), user('Any other?'), bot('How about DHL?'), user('And another?'), bot('How about GLS?')];
    const at = slotValuesAt(turns);
    expect(Object.fromEntries(at[2])).toEqual({ carrier: 'UPS', price: '4.50', size: 'small', 'next:carrier': 'DHL', 'next:price': '5.50' });
    expect(at[4]).toBe(at[3]); // the user's words never move the focus
    expect(Object.fromEntries(at[5])).toEqual({ carrier: 'DHL', price: '5.50', size: 'small', 'next:carrier': 'GLS', 'next:price': '6.50' });
    expect(Object.fromEntries(at[7])).toEqual({ carrier: 'GLS', price: '6.50', size: 'small' });
    // a new action starts again at its first record
    expect(slotValuesAt([...turns, search('DPD', 'UPS')]).at(-1)!.get('carrier')).toBe('DPD');
  });
});

describe('stand-ins for fields without a slot token', () => {
  const fields = ['doctor_name', 'next:doctor_name', 'stylist_name', 'city', 'show_time~ampm'];

  it('borrow the free slot tokens of their kind: the last word of the name, the record and the spoken form', () => {
    const values = new Map([['therapist_name', 'Emily Rosenbaum'], ['next:therapist_name', 'Jo Lee'], ['city', 'Los Gatos'], ['transfer_time~ampm', '2:25 pm']]);
    expect(Object.fromEntries(withStandIns(values, fields))).toEqual({
      ...Object.fromEntries(values),
      doctor_name: 'Emily Rosenbaum', stylist_name: 'Emily Rosenbaum', 'next:doctor_name': 'Jo Lee', 'show_time~ampm': '2:25 pm',
    });
  });

  it('never take a slot the record fills itself, nor one two such fields of a kind would share', () => {
    const own = new Map([['doctor_name', 'Dr. Ames'], ['therapist_name', 'Emily Rosenbaum']]);
    expect(Object.fromEntries(withStandIns(own, fields))).toEqual({ doctor_name: 'Dr. Ames', therapist_name: 'Emily Rosenbaum', stylist_name: 'Emily Rosenbaum' });
    const two = new Map([['origin_airport_name', 'SFO'], ['destination_airport_name', 'JFK']]);
    expect(withStandIns(two, fields)).toBe(two);
    const none = new Map([['city', 'Los Gatos']]);
    expect(withStandIns(none, fields)).toBe(none);
  });
});

describe('a model trained with slot tokens', () => {
  it('learns its fields, and writes them in training targets and in the history alike', async () => {
    const model = await loadModel(trained);
    try {
      const tok = model.tokenizer;
      expect(tok.slotFields).toEqual(['carrier', 'next:carrier', 'price']);
      const slot = tok.slotId('carrier')!;
      const turns = carrierCorpus()[0].turns;
      const { ids, target } = encodeDialogue(tok, turns);
      const at = Array.from(ids).indexOf(slot);
      expect(at).toBeGreaterThan(0);
      expect(target[at]).toBe(1);
      expect(encodeContext(tok, [...turns, user('thanks')])).toContain(slot);
      // the user's own words are never a slot
      expect(encodeContext(tok, [lookup('UPS'), user('is it UPS?')])).not.toContain(slot);
    } finally {
      model.dispose();
    }
  });

  it('states the carrier the action answered, one it never saw in training too', async () => {
    const { generator, close } = await openGenerator(trained, 'wasm');
    try {
      for (const carrier of ['DHL', 'Royal Mail', 'Parcelforce Worldwide']) {
        const r = await generator.reply([user('Who delivers my order?'), lookup(carrier)]).result;
        expect(r.text).toBe(`It goes with ${carrier} today.`);
      }
      // streamed pieces carry the value too
      const stream = generator.reply([user('Who delivers my order?'), lookup('Parcelforce')]);
      let streamed = '';
      for await (const piece of stream) streamed += piece;
      expect(streamed).toBe('It goes with Parcelforce today.');
    } finally {
      close();
    }
  });

  it('states a value of a field it never saw, through the slot token of its kind', async () => {
    const { generator, close } = await openGenerator(trained, 'wasm');
    try {
      const unseen = actionTurn({ name: 'order_status', parameters: { order: '12' }, results: [{ delivery_carrier: 'Posti', status: 'shipped' }] });
      expect((await generator.reply([user('Who delivers my order?'), unseen]).result).text).toBe('It goes with Posti today.');
    } finally {
      close();
    }
  });

  it('offers the next record when asked for another, then answers from it', async () => {
    const { generator, close } = await openGenerator(trained, 'wasm');
    try {
      const found = [user('Which carrier can take a small parcel?'), search('Royal Mail', 'Parcelforce', 'DHL'), bot('Royal Mail can take it.')];
      expect((await generator.reply([...found, user('Any other carrier?')]).result).text).toBe('How about Parcelforce?');
      const offered = [...found, user('Any other carrier?'), bot('How about Parcelforce?'), user('What does it cost?')];
      expect((await generator.reply(offered).result).text).toBe('Parcelforce costs 5.50.');
      // with one record there is no other to offer: the next carrier cannot be written
      const single = [user('Which carrier can take a small parcel?'), search('Royal Mail'), bot('Royal Mail can take it.'), user('Any other carrier?')];
      expect((await generator.reply(single).result).text).not.toMatch(/How about\s*\?/);
    } finally {
      close();
    }
  });

  it('never writes a field the newest action did not answer', async () => {
    const { generator, close } = await openGenerator(trained, 'wasm');
    const noCarrier = actionTurn({ name: 'order_status', parameters: { order: '12' }, results: [{ status: 'shipped' }] });
    try {
      for (const strategy of ['greedy', 'beam', 'sample'] as const) {
        const r = await generator.reply([user('Who delivers my order?'), noCarrier], { strategy, seed: 3 }).result;
        expect(r.text, strategy).not.toMatch(/with\s+today/);
      }
    } finally {
      close();
    }
  });
});
