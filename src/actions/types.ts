/**
 * Actions: how a bot gets facts from the business's systems. An action has a
 * name, a trigger (a pattern whose named groups become parameters, an intent
 * once the scorer predicts it, or a function of the message and the
 * conversation) and a handler (an async function, or a webhook from the
 * actions file). The engine runs the first matching action after the user's
 * turn and before generating, and logs its results as an action turn.
 */
import type { ActionValue, Turn } from '../data/dialogue.ts';
import type { IntentPrediction } from '../engine/understanding.ts';

/** What a trigger function sees. */
export interface TriggerInput {
  /** The user's message (normalized). */
  text: string;
  /** The current session's turns the model reads, the user's message last. */
  turns: Turn[];
  conversationId: string;
  /** The predicted intent, when an intent scorer runs. */
  intent?: IntentPrediction;
}

/** When an action runs. Give one or more; the first that matches supplies the parameters. */
export interface ActionTrigger {
  /** A pattern tested on the user's message; its named groups become the parameters (`(?<order>\d{5})`). */
  pattern?: RegExp;
  /** An intent name: runs when the scorer predicts it with at least `minProbability` (default 0.5). */
  intent?: string;
  minProbability?: number;
  /** Returns the parameters to run with, or undefined to not run. */
  when?: (input: TriggerInput) => Record<string, string> | undefined;
}

/** What a handler gets besides the parameters. */
export interface ActionCallContext {
  conversationId: string;
  /** The last few turns, oldest first. */
  recentTurns: Turn[];
  /** Aborted when the action's time is up: stop work and let go. */
  signal: AbortSignal;
}

/** The records a handler returns (an empty list means nothing was found). */
export type ActionResults = Record<string, ActionValue>[];

/** Looks something up in the business's systems. Throwing (or timing out) logs the action with an error. */
export type ActionHandler = (parameters: Record<string, string>, context: ActionCallContext) => Promise<ActionResults>;

/**
 * An action a bot declares.
 *
 * @example
 * const orderStatus: ActionDefinition = {
 *   name: 'order_status',
 *   trigger: { pattern: /order\D{0,12}(?<order>\d{5})/i },
 *   handler: async ({ order }) => db.orders.find(order),
 * };
 */
export interface ActionDefinition {
  name: string;
  trigger: ActionTrigger;
  handler: ActionHandler;
  /** How long the handler may take (ms); default 3000. */
  timeoutMs?: number;
}

/** Default time an action may take before it is logged as failed. */
export const DEFAULT_ACTION_TIMEOUT_MS = 3000;
