/**
 * Claim phrases: learned from the replies that follow a corpus's action turns,
 * they let the fact check see a reply that says "in transit" after a lookup
 * that said `delivered` — a contradiction with no digit or name in it.
 */
import { describe, expect, it } from 'vitest';
import { actionTurn } from '../../src/data/action-text.ts';
import type { ActionValue, Dialogue, Turn } from '../../src/data/dialogue.ts';
import { checkReply, ClaimIndex, factSupport } from '../../src/facts/index.ts';

const PHRASINGS: Record<string, string[]> = {
  shipped: ['Order {order} is in transit with {carrier}.', 'Good news, order {order} is on the way with {carrier}.'],
  delivered: ['Order {order} shows as delivered by {carrier}.', '{carrier} marked order {order} as delivered.'],
  processing: ['Order {order} is still being packed at our warehouse.', "Order {order} hasn't shipped yet, so I can't say the day."],
};
const CARRIERS = ['UPS', 'FedEx', 'USPS'];
const PRODUCTS = Array.from({ length: 40 }, (_, i) => `Product ${String.fromCharCode(65 + (i % 26))}${i}`);

function lookup(order: string, record?: Record<string, ActionValue>): Turn {
  return actionTurn({ name: 'order_status', parameters: { order }, results: record ? [record] : [] });
}

/** Dialogues in which every status is told in its own words after one sentence every reply shares; one lookup in ten finds nothing. */
function corpus(): Dialogue[] {
  const statuses = Object.keys(PHRASINGS);
  return Array.from({ length: 120 }, (_, i) => {
    const order = String(10000 + i);
    const status = statuses[i % statuses.length];
    const carrier = CARRIERS[Math.floor(i / 6) % CARRIERS.length]; // independent of the status and its phrasing
    const template = PHRASINGS[status][Math.floor(i / statuses.length) % 2];
    const found = i % 10 !== 9;
    const told = found ? template.replace('{order}', order).replace('{carrier}', carrier) : `I can't find order ${order}.`;
    const reply = `Thanks for waiting in line with me on the phone. ${told}`;
    return {
      id: `d${i}`,
      turns: [
        { speaker: 'user', text: `Where is order ${order}?` },
        lookup(order, found ? { order, status, carrier, product: PRODUCTS[i % PRODUCTS.length], insured: i % 30 === 0 ? 'yes' : 'no' } : undefined),
        { speaker: 'bot', text: reply },
        { speaker: 'user', text: 'Thanks for waiting with me.' },
        { speaker: 'bot', text: 'Anything else?' },
      ],
    };
  });
}

describe('ClaimIndex.learn', () => {
  const claims = ClaimIndex.learn(corpus());
  const claimed = (field: string, value: string) => claims.phrases.filter((p) => p.field === field && p.value === value).map((p) => p.phrase);

  it("learns each status's own words, and no words every status's replies share", () => {
    expect(claimed('status', 'shipped')).toEqual(expect.arrayContaining(['transit', 'way']));
    expect(claimed('status', 'delivered')).toEqual(expect.arrayContaining(['delivered']));
    expect(claimed('status', 'processing')).toEqual(expect.arrayContaining(['packed', "hasn't"]));
    for (const shared of ['thanks for waiting', 'with', 'the', 'order']) expect(claims.phrases.map((p) => p.phrase)).not.toContain(shared);
  });

  it('learns only fields with a few short values whose replies depend on them: not a product name, not an order number, not a value nearly every record has', () => {
    expect(new Set(claims.phrases.map((p) => p.field))).toEqual(new Set(['status', 'carrier', '*'])); // '*': whether the lookup found anything
  });

  it('keeps the shortest phrase: "in transit with" adds nothing to "transit"', () => {
    expect(claimed('status', 'shipped')).toContain('transit');
    expect(claimed('status', 'shipped')).not.toContain('in transit with');
  });

  it('learns nothing from a corpus without actions', () => {
    const plain = corpus().map((d) => ({ ...d, turns: d.turns.filter((t) => t.speaker !== 'action') }));
    expect(ClaimIndex.learn(plain).phrases).toEqual([]);
  });

  it('survives a round trip through JSON, and refuses a malformed file', () => {
    const again = ClaimIndex.fromJSON(JSON.parse(JSON.stringify(claims.toJSON())));
    expect(again.phrases).toEqual(claims.phrases);
    expect(() => ClaimIndex.fromJSON({ phrases: [{ action: 'order_status', phrase: 3 }] })).toThrow(/expected/);
    expect(() => ClaimIndex.fromJSON(null)).toThrow(/expected/);
  });
});

describe('ClaimIndex.contradictions', () => {
  const claims = ClaimIndex.learn(corpus());
  const ask: Turn = { speaker: 'user', text: 'where is order 48213?' };
  const delivered = lookup('48213', { order: '48213', status: 'delivered', carrier: 'FedEx' });

  it('names each phrase that states another value than the lookup returned, with the value it returned', () => {
    const found = claims.contradictions("It's in transit with UPS.", [ask, delivered]);
    expect(found).toEqual(expect.arrayContaining(['transit (order status status: delivered)']));
    expect(found.some((f) => f.includes('carrier: FedEx'))).toBe(true);
  });

  it('passes a reply that agrees with the lookup', () => {
    expect(claims.contradictions('Order 48213 shows as delivered by FedEx.', [ask, delivered])).toEqual([]);
  });

  it('after a lookup that found nothing, any status is a contradiction; "I can\'t find it" after one that found the order is one too', () => {
    expect(claims.contradictions('Order 48213 is in transit.', [ask, lookup('48213')])).toContain('transit (order status status: none found)');
    expect(claims.contradictions("I can't find order 48213.", [ask, lookup('48213')])).toEqual([]); // "can't" also says "not shipped": no status claim
    expect(claims.contradictions("I can't find order 48213.", [ask, delivered])).toContain('find (order status: found)');
  });

  it('says nothing when the records do not hold the field', () => {
    expect(claims.contradictions('It is in transit.', [ask, lookup('48213', { order: '48213' })])).toEqual([]);
  });

  it('reads only the reply right after the action: later turns talk about other things', () => {
    expect(claims.contradictions('It is in transit.', [ask, delivered, { speaker: 'bot', text: 'Delivered.' }, { speaker: 'user', text: 'and the other one?' }])).toEqual([]);
  });

  it('makes the fact check fail a reply that contradicts the lookup without naming a number', () => {
    const support = factSupport([ask, delivered], [], claims);
    const verdict = checkReply('Good news, it is on the way!', support);
    expect(verdict.passed).toBe(false);
    expect(verdict.unsupported).toContain('way (order status status: delivered)');
    expect(checkReply('Order 48213 shows as delivered by FedEx.', support).passed).toBe(true);
    expect(checkReply('Good news, it is on the way!', factSupport([ask, delivered])).passed).toBe(true); // without claims, as before
  });
});
