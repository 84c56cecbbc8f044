/**
 * What a shop reply claims about an order, read with the phrasings the bundled
 * shop corpus uses (src/corpus/shop): the status it states, the order numbers
 * and carriers it names. For the grounding benchmark (bench/shop-grounding.ts).
 */

/** An order's status as the shop's order system returns it, or `not-found` for an empty lookup. */
export type OrderStatus = 'processing' | 'shipped' | 'out-for-delivery' | 'delivered' | 'not-found';

/** Phrasings that state each status (a reply may match several: it then contradicts itself). */
const STATUS_PHRASES: Record<OrderStatus, RegExp> = {
  'not-found': /\b(can't|cannot|couldn't) find (an |that |your )?order\b|\bno order #?\d{5}\b|\bisn't in our system\b/i,
  'out-for-delivery': /\bout for delivery\b|\bon the truck\b/i,
  delivered: /\b(was|were|shows as|marked as) delivered\b|\bdelivered (on|by \w+ on) [A-Z]|\barrived on\b/i,
  shipped: /\bin transit\b|\bis on the way\b|\bleft our warehouse\b|\balready shipped\b|\bshipped on\b|\bis already with\b|\bexpects to deliver\b|\bestimated delivery\b/i,
  processing: /\bbeing packed\b|\bhas(n't| not) shipped\b|\bstill at our warehouse\b|\bstill in processing\b|\bwill ship within\b|\bshould ship by\b|\bnot shipped yet\b/i,
};

/** A carrier named as the one carrying the order (not a return label's). */
const CARRIERS = /\b(?:with|by|via|ask) (UPS|FedEx|USPS|DHL)\b|\b(UPS|FedEx|USPS|DHL) (?:expects|usually|tracking)\b/g;
const ORDER_NUMBER = /(?<!\d)\d{5}(?!\d)/g;

/** The statuses a reply states (empty when it states none). */
export function statusesStated(reply: string): OrderStatus[] {
  return (Object.keys(STATUS_PHRASES) as OrderStatus[]).filter((s) => STATUS_PHRASES[s].test(reply));
}

/** Five-digit order numbers a reply names. */
export function orderNumbersIn(reply: string): string[] {
  return reply.match(ORDER_NUMBER) ?? [];
}

/** Carriers a reply says carry the order. */
export function carriersIn(reply: string): string[] {
  return [...reply.matchAll(CARRIERS)].map((m) => m[1] ?? m[2]);
}

/** The backend's answer to one lookup, as the benchmark compares replies with it. */
export interface LookupAnswer {
  order: string;
  status: OrderStatus;
  carrier?: string;
}

/** What is wrong with a reply against the backend's answer: another status, another order number, another carrier. */
export function contradictions(reply: string, answer: LookupAnswer): string[] {
  const wrong: string[] = [];
  for (const s of statusesStated(reply)) if (s !== answer.status) wrong.push(`status ${s}`);
  for (const n of orderNumbersIn(reply)) if (n !== answer.order) wrong.push(`order ${n}`);
  if (answer.status !== 'not-found') for (const c of carriersIn(reply)) if (c !== answer.carrier) wrong.push(`carrier ${c}`);
  return wrong;
}
