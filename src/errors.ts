/**
 * One error type for everything Colloquy refuses, with a stable string code
 * (`colloquy_corpus_empty`) and an optional hint for the person reading it.
 * The codes are a closed list: a misspelt code does not compile.
 *
 * @example
 * throw new ColloquyError('model_file_missing', `No weights.bin in ${dir}`, 'Train a model first: colloquy train ...');
 * if (isColloquyError(err, 'storage_write_failed')) retryLater();
 */

/** Every code Colloquy throws (without the `colloquy_` prefix). Add yours here, in its group. */
export type ErrorCode =
  // command line and configuration
  | 'usage' | 'config_invalid' | 'threads_invalid' | 'threads_too_late' | 'port_in_use' | 'data_dir_missing' | 'log_in_use'
  // tensor backend
  | 'backend_not_initialized' | 'backend_unavailable'
  // corpus, tokenizer and data
  | 'corpus_empty' | 'corpus_malformed' | 'corpus_missing' | 'corpus_too_small' | 'split_invalid'
  | 'tokenizer_invalid' | 'tokenizer_options_invalid' | 'token_id_invalid'
  // models, training and evaluation
  | 'model_file_corrupt' | 'model_file_missing' | 'model_hash_mismatch' | 'model_incompatible' | 'output_not_model' | 'checkpoint_corrupt'
  | 'training_diverged' | 'training_interrupted'
  | 'scorer_file_corrupt' | 'scorer_data_too_small' | 'scorer_options_invalid'
  | 'eval_invalid' | 'eval_mismatch' | 'eval_no_turns' | 'retrieval_empty' | 'retrieval_invalid'
  // reply generation
  | 'generate_options_invalid' | 'generator_closed' | 'prompt_empty' | 'reply_cancelled'
  // actions (facts from the business's systems): an actions file or declaration is wrong
  | 'actions_invalid'
  // conversation engine and hand-off
  | 'engine_closed' | 'engine_options_invalid' | 'engine_store_failed' | 'engine_generator_failed' | 'message_invalid' | 'conversation_not_found'
  | 'feedback_invalid' | 'feedback_turn_invalid' | 'feedback_turn_unknown' | 'history_query_invalid' | 'history_turn_unknown'
  | 'agent_id_missing' | 'agent_message_invalid' | 'handoff_not_accepted' | 'handoff_not_owner' | 'handoff_taken'
  // conversation log
  | 'storage_bad_argument' | 'storage_bad_record' | 'storage_closed' | 'storage_conversation_gone'
  | 'storage_write_failed' | 'storage_read_failed' | 'storage_open_failed' | 'storage_conversation_deleted'
  // privacy operations (delete-user, retention) and integrity
  | 'privacy_request_failed' | 'privacy_request_timeout'
  // PostgreSQL and Redis (many instances)
  | 'database_failed' | 'migration_invalid' | 'redis_timeout'
  // review, export and retraining
  | 'review_bad_argument' | 'review_conversation_unknown' | 'review_correction_empty' | 'review_correction_too_long'
  | 'review_decision_invalid' | 'review_turn_not_bot' | 'review_turn_unknown'
  | 'export_bad_argument' | 'export_empty' | 'export_write_failed'
  | 'retrain_no_data' | 'retrain_no_eval' | 'retrain_nothing_new'
  // model registry
  | 'registry_active_missing' | 'registry_busy' | 'registry_corrupt' | 'registry_no_active' | 'registry_no_previous' | 'registry_previous_missing'
  | 'lineage_corrupt' | 'version_exists' | 'version_name_invalid' | 'version_refused' | 'version_unknown'
  // channels
  | 'slack_config_missing' | 'slack_listen_failed' | 'slack_port_in_use' | 'slack_started' | 'slack_token_invalid' | 'slack_token_rejected' | 'slack_unreachable'
  | 'discord_already_started' | 'discord_connect_failed' | 'discord_intents_disallowed' | 'discord_token_invalid' | 'discord_token_missing';

/** The code as it appears on an error: `colloquy_<code>`. */
export type PrefixedErrorCode = `colloquy_${ErrorCode}`;

export class ColloquyError extends Error {
  readonly code: PrefixedErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ColloquyError';
    this.code = `colloquy_${code}`;
    this.hint = hint;
  }
}

/** True when `err` is a ColloquyError, optionally with the given short code. */
export function isColloquyError(err: unknown, code?: ErrorCode): err is ColloquyError {
  return err instanceof ColloquyError && (code === undefined || err.code === `colloquy_${code}`);
}
