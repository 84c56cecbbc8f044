import type { ActionCall, Turn } from '../data/dialogue.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_ACTION_TIMEOUT_MS, type ActionDefinition, type ActionResults } from './types.ts';

/** Result records kept in the log per call (a handler returning thousands would bloat every conversation file). */
export const MAX_RESULTS_LOGGED = 20;

export interface RunActionInput {
  action: ActionDefinition;
  parameters: Record<string, string>;
  conversationId: string;
  recentTurns: Turn[];
  logger: Logger;
}

/**
 * Runs an action's handler under its timeout and returns the call as it
 * should be logged: its results, or an `error` saying what went wrong (a
 * timeout, a failing webhook, a thrown error, an answer that is not a list of
 * records). Never throws; a handler that ignores the abort signal is left
 * behind, not waited for.
 */
export async function runAction({ action, parameters, conversationId, recentTurns, logger }: RunActionInput): Promise<ActionCall> {
  const timeoutMs = action.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const started = Date.now();
  try {
    const results = await Promise.race([Promise.resolve().then(() => action.handler(parameters, { conversationId, recentTurns, signal: controller.signal })), timeout]);
    const checked = checkResults(results);
    logger.debug('action ran', { action: action.name, conversationId, results: checked.length, ms: Date.now() - started });
    return { name: action.name, parameters, results: checked.slice(0, MAX_RESULTS_LOGGED) };
  } catch (err) {
    const error = (err as Error)?.message ?? String(err);
    logger.warn('action failed', { action: action.name, conversationId, error, ms: Date.now() - started });
    return { name: action.name, parameters, error };
  } finally {
    clearTimeout(timer);
  }
}

function checkResults(results: unknown): ActionResults {
  if (!Array.isArray(results) || !results.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new Error('the handler did not return a list of records');
  }
  return results as ActionResults;
}
