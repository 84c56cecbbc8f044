/**
 * The shop bot's own facts, for the fact check's allowlist: its name, the
 * catalog's products and prices, and the policy facts its replies state in
 * many different conversations without anything in them saying it (hours,
 * fees, carriers, countries). A fact only a few conversations state unprompted
 * (a made-up date, a replacement's tracking number) stays off the list.
 */
import type { Dialogue } from '../../data/dialogue.ts';
import { checkReply, factSupport } from '../../facts/index.ts';
import { FALSE_CONFIRMATION } from '../../facts/check.ts';
import { PRODUCTS } from './catalog.ts';

/** Conversations a fact must be stated in, unprompted, to count as the shop's own. */
const MIN_CONVERSATIONS = 15;

export function shopAllowlist(dialogues: readonly Dialogue[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const d of dialogues) {
    d.turns.forEach((t, i) => {
      if (t.speaker !== 'bot') return;
      for (const fact of checkReply(t.text, factSupport(d.turns.slice(0, i))).unsupported) seen.set(fact, (seen.get(fact) ?? new Set()).add(d.id));
    });
  }
  const policy = [...seen].filter(([fact, ids]) => ids.size >= MIN_CONVERSATIONS && fact !== FALSE_CONFIRMATION).map(([fact]) => fact.replace(/[.,]$/, ''));
  const catalog = PRODUCTS.flatMap((p) => [p.name, `$${p.price}`, `$${p.price.toFixed(2)}`]);
  return [...new Set(['Northwind Goods', 'Nora', ...catalog, ...policy])].sort();
}
