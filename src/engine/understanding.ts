/**
 * What the engine learns about a user's message before it answers: shared by
 * the out-of-scope scorer (which fills it) and actions (an intent is one of
 * their triggers).
 */

/** The intent the scorer predicted for a message, with its probability. */
export interface IntentPrediction {
  name: string;
  /** In [0, 1]. */
  probability: number;
}
