/**
 * Grounding figures of an evaluation, on the same turns as the rest: how
 * often replies state a fact absent from what the model was shown, the same
 * for the reference replies (the floor the data itself sets), and inform
 * recall — of the facts in a reference that the context holds, the share the
 * reply states too.
 */
import type { Turn } from '../data/dialogue.ts';
import { checkReply, extractFacts, factSupport } from '../facts/index.ts';

export interface GroundingFigures {
  /** Share of replies stating at least one fact nothing shown supports. */
  unsupported_fact_rate: number;
  /** Share of reference replies that do. */
  reference_unsupported_fact_rate: number;
  /** Of the facts in the references that the context holds, the share the replies state too. */
  inform_recall: number;
}

/**
 * The figures for replies against references (same order as `histories`).
 *
 * @example
 * groundingFigures([[user, action]], ['Order 48213 ships May 7.'], ['It ships May 7.']);
 */
export function groundingFigures(histories: readonly Turn[][], replies: readonly string[], references: readonly string[], allowlist: readonly string[] = []): GroundingFigures {
  let unsupported = 0;
  let referenceUnsupported = 0;
  let informable = 0;
  let informed = 0;
  histories.forEach((history, i) => {
    const support = factSupport(history, allowlist);
    if (!checkReply(replies[i], support).passed) unsupported++;
    if (!checkReply(references[i], support).passed) referenceUnsupported++;
    const said = new Set(extractFacts(replies[i]).flatMap((f) => f.keys));
    for (const fact of extractFacts(references[i])) {
      if (!support.supports(fact)) continue;
      informable++;
      if (fact.keys.some((k) => said.has(k))) informed++;
    }
  });
  const n = Math.max(1, histories.length);
  return { unsupported_fact_rate: unsupported / n, reference_unsupported_fact_rate: referenceUnsupported / n, inform_recall: informable ? informed / informable : 1 };
}
