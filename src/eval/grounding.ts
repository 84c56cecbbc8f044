/**
 * Grounding figures of an evaluation, on the same turns as the rest: how
 * often replies state a fact absent from what the model was shown, the same
 * for the reference replies (the floor the data itself sets), and inform
 * recall — of the facts in a reference that the context holds, the share the
 * reply states too; with the model's claim phrases, how often a reply right
 * after an action contradicts what it answered (and the references' floor).
 */
import type { Turn } from '../data/dialogue.ts';
import { checkReply, extractFacts, factSupport, type ClaimIndex } from '../facts/index.ts';

export interface GroundingFigures {
  /** Share of replies stating at least one fact nothing shown supports. */
  unsupported_fact_rate: number;
  /** Share of reference replies that do. */
  reference_unsupported_fact_rate: number;
  /** Of the facts in the references that the context holds, the share the replies state too. */
  inform_recall: number;
  /** Share of replies contradicting the action just before them, by the model's claim phrases (absent when it has none). */
  contradiction_rate?: number;
  /** Share of reference replies that do. */
  reference_contradiction_rate?: number;
}

/**
 * The figures for replies against references (same order as `histories`).
 *
 * @example
 * groundingFigures([[user, action]], ['Order 48213 ships May 7.'], ['It ships May 7.']);
 */
export function groundingFigures(histories: readonly Turn[][], replies: readonly string[], references: readonly string[], allowlist: readonly string[] = [], claims?: ClaimIndex): GroundingFigures {
  let unsupported = 0;
  let referenceUnsupported = 0;
  let contradicting = 0;
  let referenceContradicting = 0;
  let informable = 0;
  let informed = 0;
  histories.forEach((history, i) => {
    const support = factSupport(history, allowlist);
    if (!checkReply(replies[i], support).passed) unsupported++;
    if (!checkReply(references[i], support).passed) referenceUnsupported++;
    if (claims?.contradictions(replies[i], history).length) contradicting++;
    if (claims?.contradictions(references[i], history).length) referenceContradicting++;
    const said = new Set(extractFacts(replies[i]).flatMap((f) => f.keys));
    for (const fact of extractFacts(references[i])) {
      if (!support.supports(fact)) continue;
      informable++;
      if (fact.keys.some((k) => said.has(k))) informed++;
    }
  });
  const n = Math.max(1, histories.length);
  return {
    unsupported_fact_rate: unsupported / n,
    reference_unsupported_fact_rate: referenceUnsupported / n,
    inform_recall: informable ? informed / informable : 1,
    ...(claims ? { contradiction_rate: contradicting / n, reference_contradiction_rate: referenceContradicting / n } : {}),
  };
}
