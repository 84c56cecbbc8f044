/**
 * The state of one dialogue while it is being generated: its turns, the
 * customer, the orders mentioned so far, and what the bot already knows
 * (name, email). Intent modules write turns through `user()` and `bot()`,
 * which enforce strict user/bot alternation.
 */
import type { Turn, UserTurnKind } from '../../data/dialogue.ts';
import { PRODUCTS, type Product } from './catalog.ts';
import { CARRIERS, FIRST_NAMES, LAST_NAMES, longDate, makeEmail, makeOrderNumber, makeTracking, shortDate, type Day } from './slots.ts';
import type { Rng } from './random.ts';
import { fill, money, type Vars } from './text.ts';

/** The customer behind one dialogue. */
export interface Customer {
  first: string;
  last: string;
  email: string;
}

/** Where an order is in its life; decides what the bot can still do with it. */
export type OrderStatus = 'processing' | 'shipped' | 'out-for-delivery' | 'delivered';

/** One fictional order, with dates that follow each other in time. */
export interface Order {
  number: string;
  product: Product;
  quantity: number;
  total: number;
  carrier: string;
  status: OrderStatus;
  placed: Day;
  shipped: Day;
  eta: Day;
  tracking: string;
}

/** Generation state of one dialogue. */
export class DialogueContext {
  readonly turns: Turn[] = [];
  /** The bot has been told the customer's name. */
  nameKnown = false;
  /** Every order made for this dialogue (what the shop's order system knows about the customer). */
  readonly orders: Order[] = [];
  /** The customer's email has appeared in the dialogue. */
  emailKnown = false;
  /** "Today" in the fictional calendar; order dates are placed before it. */
  readonly today: Day;

  constructor(
    readonly rng: Rng,
    readonly customer: Customer,
  ) {
    this.today = rng.int(20, 340);
  }

  /** Appends a user turn (`kind`: a request for a person or frustration); the previous turn must be the bot's (or none). */
  user(text: string, kind?: UserTurnKind): void {
    if (this.turns.length > 0 && this.turns[this.turns.length - 1].speaker === 'user') {
      throw new Error(`Two user turns in a row: ${text}`);
    }
    this.turns.push(kind ? { speaker: 'user', text, kind } : { speaker: 'user', text });
  }

  /** Appends a bot turn; the previous turn must be the user's. */
  bot(text: string): void {
    if (this.turns.length === 0 || this.turns[this.turns.length - 1].speaker !== 'user') {
      throw new Error(`Bot turn without a user turn before it: ${text}`);
    }
    this.turns.push({ speaker: 'bot', text });
  }

  /** Fills one randomly chosen template. */
  say(templates: readonly string[], vars: Vars = {}): string {
    return fill(this.rng.pick(templates), vars);
  }

  /**
   * Builds one line by picking one option from each slot and joining them, then
   * fills placeholders: `[['Thanks', 'Thank you'], ['!', ', bye']]` gives four lines.
   */
  compose(slots: readonly (readonly string[])[], vars: Vars = {}): string {
    const text = slots.map((options) => this.rng.pick(options)).join('');
    return fill(text, vars);
  }

  /** A new order for this customer; `product` and `status` may be fixed by the flow. */
  newOrder(opts: { product?: Product; status?: OrderStatus } = {}): Order {
    const rng = this.rng;
    const product = opts.product ?? rng.pick(PRODUCTS);
    const quantity = rng.chance(0.12) ? 2 : 1;
    const status = opts.status ?? rng.weighted<OrderStatus>([['processing', 0.25], ['shipped', 0.45], ['out-for-delivery', 0.1], ['delivered', 0.2]]);
    const placed = this.today - rng.int(2, 9);
    const carrier = rng.pick(CARRIERS);
    const order: Order = {
      number: makeOrderNumber(rng),
      product,
      quantity,
      total: product.price * quantity + (product.price * quantity >= 50 ? 0 : 5.99),
      carrier,
      status,
      placed,
      shipped: placed + 1,
      eta: this.today + rng.int(1, 4),
      tracking: makeTracking(carrier, rng),
    };
    this.orders.push(order);
    return order;
  }

  /** Template variables describing an order ({order}, {num}, {total}, {eta}...) plus its product. */
  orderVars(order: Order): Record<string, string> {
    return {
      ...productVars(order.product),
      order: `#${order.number}`,
      num: order.number,
      total: money(order.total),
      carrier: order.carrier,
      placed: shortDate(order.placed),
      shipped: shortDate(order.shipped),
      eta: longDate(order.eta),
      etaDay: shortDate(order.eta),
      delivered: shortDate(this.today - 1),
      tracking: order.tracking,
      email: this.customer.email,
      first: this.customer.first,
    };
  }

  /** Template variables for the customer ({first}, {full}, {email}). */
  customerVars(): Record<string, string> {
    const { first, last, email } = this.customer;
    return { first, full: `${first} ${last}`, email };
  }

  /** A day relative to today, as "May 14". */
  dateIn(days: number): string {
    return shortDate(this.today + days);
  }

  /** A day relative to today, as "Tuesday, May 14". */
  longDateIn(days: number): string {
    return longDate(this.today + days);
  }
}

/** Template variables for a product, with agreement words for plural names. */
export function productVars(product: Product): Record<string, string> {
  const plural = product.plural === true;
  return {
    product: product.name,
    price: money(product.price),
    warranty: product.warranty,
    is: plural ? 'are' : 'is',
    Is: plural ? 'Are' : 'Is',
    it: plural ? 'them' : 'it',
    subj: plural ? 'they' : 'it',
    its: plural ? 'they are' : 'it is',
    Its: plural ? 'They are' : 'It is',
    comes: plural ? 'come' : 'comes',
    has: plural ? 'have' : 'has',
    Does: plural ? 'Do' : 'Does',
    does: plural ? 'do' : 'does',
    doesnt: plural ? "don't" : "doesn't",
  };
}

/** A made-up customer. */
export function makeCustomer(rng: Rng): Customer {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return { first, last, email: makeEmail(first, last, rng) };
}
