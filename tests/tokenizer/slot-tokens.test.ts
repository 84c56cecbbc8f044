/**
 * Slot tokens: a value the newest action answered is written as one token
 * naming its field and decoded back to whatever value that field holds now.
 */
import { describe, expect, it } from 'vitest';
import { isColloquyError } from '../../src/errors.ts';
import { slotSpans, Tokenizer } from '../../src/tokenizer/index.ts';

const base = Tokenizer.train(['Your parcel goes with UPS to 71 North San Pedro Street today.', 'Call 408-971-8523 for help.'], { vocabSize: 300 });
const tok = base.withSlots(['carrier', 'street_address', 'phone_number']);
const values = new Map([
  ['carrier', 'UPS'],
  ['street_address', '71 North San Pedro Street'],
  ['phone_number', '408-971-8523'],
]);
const names = (ids: number[]) => ids.map((id) => tok.tokenText(id));

describe('slot tokens in the tokenizer', () => {
  it('gives each field one id after <act> and keeps every other id', () => {
    expect(tok.vocabSize).toBe(base.vocabSize + 3);
    expect(tok.slotId('carrier')).toBe(base.act! + 1);
    expect(tok.tokenText(tok.slotId('phone_number')!)).toBe('<slot:phone_number>');
    expect(tok.encode('Call us today.')).toEqual(base.encode('Call us today.'));
  });

  it('writes a value the action answered as its field, and decodes it to the value it stands for', () => {
    const ids = tok.encode('It goes with UPS to 71 North San Pedro Street. Questions? Call 408-971-8523.', values);
    expect(names(ids).filter((n) => n.startsWith('<slot:'))).toEqual(['<slot:carrier>', '<slot:street_address>', '<slot:phone_number>']);
    expect(tok.decode(ids, values)).toBe('It goes with UPS to 71 North San Pedro Street. Questions? Call 408-971-8523.');
    const other = new Map([['carrier', 'Royal Mail'], ['street_address', '1 Main St'], ['phone_number', '555-0100']]);
    expect(tok.decode(ids, other)).toBe('It goes with Royal Mail to 1 Main St. Questions? Call 555-0100.');
  });

  it('streams the same text, a slot arriving whole', () => {
    const ids = tok.encode('UPS has it, call 408-971-8523!', values);
    const stream = tok.createStreamDecoder(values);
    const pieces = ids.map((id) => stream.push(id));
    expect(pieces.join('') + stream.flush()).toBe(tok.decode(ids, values));
    expect(pieces).toContain('UPS');
  });

  it('matches whole words and phrases only, without case, and leaves the rest as subwords', () => {
    const ids = tok.encode('UPSTAIRS, xUPS and ups. $UPS', values);
    expect(names(ids).filter((n) => n.startsWith('<slot:'))).toEqual(['<slot:carrier>', '<slot:carrier>']);
    // the value as the action holds it, with the text around it as written
    expect(tok.decode(ids, values)).toBe('UPSTAIRS, xUPS and UPS. $UPS');
    expect(slotSpans(' at 71 North San Pedro Streets', [['street_address', '71 North San Pedro Street']])).toEqual([]);
    // the longer value wins where two overlap
    expect(slotSpans(' 7 pm sharp', [['count', '7'], ['time', '7 pm']]).map((s) => s.key)).toEqual(['time']);
  });

  it('writes nothing for a slot whose field holds no value, and ignores values of fields without a slot', () => {
    const ids = tok.encode('With UPS to Berlin.', new Map([['carrier', 'UPS'], ['city', 'Berlin']]));
    expect(names(ids).filter((n) => n.startsWith('<slot:'))).toEqual(['<slot:carrier>']);
    expect(tok.decode(ids, new Map([['carrier', 'DHL']]))).toBe('With DHL to Berlin.');
  });

  it('survives a JSON round trip, and refuses slots that are not slot tokens or repeat one', () => {
    const back = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(back.slotFields).toEqual(tok.slotFields);
    expect(back.encode('UPS today', values)).toEqual(tok.encode('UPS today', values));
    const json = tok.toJSON() as Record<string, unknown>;
    for (const extraSpecials of [['<act>', '<slot:a b>'], ['<act>', '<slot:x>', '<slot:x>'], ['<slot:x>'], ['<act>', 'carrier']]) {
      let err: unknown;
      try {
        Tokenizer.fromJSON({ ...json, extraSpecials, vocabSize: undefined });
      } catch (e) {
        err = e;
      }
      expect(isColloquyError(err, 'tokenizer_invalid'), JSON.stringify(extraSpecials)).toBe(true);
    }
    expect(() => base.withSlots(['has space'])).toThrow(/slot field/);
  });
});
