/** The fact check: replies state only facts the conversation, the action results or the allowlist hold. */
export { extractFacts, type Fact, type FactKind } from './extract.ts';
export { checkReply, factSupport, supportedFactCount, type FactCheckResult, type FactSupport, type Violation } from './check.ts';
export { ClaimIndex, type ClaimLearning, type ClaimPhrase } from './claims.ts';
