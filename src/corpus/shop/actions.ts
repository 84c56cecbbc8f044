/**
 * The shop bot's actions in its corpus: after every user turn that the bundled
 * demo's trigger matches (conversations/corpus/shop-actions.json: a
 * five-digit order number), an action turn with what the shop's order
 * system would answer, so the model learns to state the backend's facts (and
 * to say it cannot find an order the backend does not know).
 */
import { actionTurn } from '../../data/action-text.ts';
import type { Turn } from '../../data/dialogue.ts';
import type { DialogueContext, Order } from './context.ts';
import { longDate, shortDate } from './slots.ts';
import { money } from './text.ts';

/** The demo's trigger; shop-actions.json declares the same pattern (a test keeps them equal). */
export const ORDER_NUMBER_PATTERN = '(?<![\\d])#?(?<order>\\d{5})(?![\\d])';

/** One order as the shop's order system returns it (the fields the bot's replies state). */
export function orderRecord(ctx: DialogueContext, order: Order): Record<string, string> {
  const record: Record<string, string> = { order: order.number, status: order.status, product: order.product.name, carrier: order.carrier, placed: shortDate(order.placed) };
  if (order.status === 'processing') record.ship_by = ctx.dateIn(1);
  else record.shipped = shortDate(order.shipped);
  if (order.status === 'shipped' || order.status === 'out-for-delivery') record.eta = longDate(order.eta);
  if (order.status === 'delivered') record.delivered = shortDate(ctx.today - 1);
  if (order.status !== 'processing') record.tracking = order.tracking;
  record.total = money(order.total);
  return record;
}

/** The dialogue's turns with an action turn after each user turn a demo trigger matches. */
export function withActionTurns(ctx: DialogueContext, turns: readonly Turn[]): Turn[] {
  const byNumber = new RegExp(ORDER_NUMBER_PATTERN);
  const out: Turn[] = [];
  for (const turn of turns) {
    out.push(turn);
    if (turn.speaker !== 'user') continue;
    const number = byNumber.exec(turn.text)?.groups?.order;
    if (number) {
      const found = ctx.orders.filter((o) => o.number === number);
      out.push(actionTurn({ name: 'order_status', parameters: { order: number }, results: found.map((o) => orderRecord(ctx, o)) }));
    }
  }
  return out;
}
