/**
 * Colloquy's public API. Adapters and extensions import from here only.
 *
 * Commonly used: load a model, make a generator, ask it for replies.
 * @example
 * import { initBackend, loadModel, LstmGenerator } from 'colloquy';
 * await initBackend();
 * const generator = new LstmGenerator(await loadModel('models/default'));
 * const reply = await generator.reply([{ speaker: 'user', text: 'Where is my order?' }]).result;
 */

// — commonly used —
export { initBackend, currentBackend, type BackendName } from './runtime/backend.ts';
export { loadModel, saveModel, readManifest, type LoadedModel, type Manifest } from './model/model-dir.ts';
export { LstmGenerator, type Generator, type Reply } from './generation/generator.ts';
export { DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from './generation/options.ts';
export type { ReplyStream } from './generation/reply-stream.ts';
export type { Dialogue, Turn, Speaker, ActionCall, ActionValue } from './data/dialogue.ts';
export { ColloquyError, isColloquyError } from './errors.ts';
export { createLogger, silentLogger, type Logger } from './logger.ts';

// — training and evaluation —
export { trainModel, type TrainModelInput } from './training/train-model.ts';
export { DEFAULT_TRAINING_OPTIONS, type TrainingOptions } from './training/options.ts';
export { DEFAULT_MODEL_CONFIG, type ModelConfig } from './model/config.ts';
export { evaluate, formatReport, type EvalReport } from './eval/evaluate.ts';
export { corpusBleu, distinctN, perWordPerplexity, scoreTokens } from './eval/metrics.ts';
export { createRetrievalBaseline } from './eval/retrieval.ts';

// — data —
export { readCorpus, writeCorpus, type CorpusReadResult, type CorpusProblem } from './data/corpus-file.ts';
export { importTable } from './data/import-table.ts';
export { cleanText, cleanDialogue, type CleanOptions } from './data/clean.ts';
export { splitDialogues } from './data/split.ts';
export { Tokenizer, SPECIAL_TOKENS } from './tokenizer/index.ts';

// — configuration —
export { readEnvConfig, DEFAULT_MODEL_DIR, type EnvConfig } from './config.ts';

// — conversation engine —
export { createEngine, type CreateEngineInput } from './engine/engine.ts';
export { createMemoryStore } from './engine/memory-store.ts';
export { DEFAULT_ENGINE_OPTIONS, resolveEngineOptions, type EngineOptions, type EngineOptionsInput, type CommandNames, type EngineMessages } from './engine/options.ts';
export { normalizeInput } from './engine/input.ts';
export type { Engine, EngineReply, EngineResult, InboundMessage, ReplyKind, Clock, AgentDesk, FeedbackInput, ChannelState } from './engine/types.ts';
export type { EngineEvents, EngineEventName, ReceivedMessageEvent, ReplyEvent, FallbackEvent, HandoffEvent, FeedbackEvent, AgentMessageEvent, NoticeEvent } from './engine/types.ts';
export type { ChannelHandlers, ChannelEventName, ConversationEvent, ConversationListener } from './engine/routing.ts';
export { DEFAULT_HISTORY_LIMIT, type HistoryPage, type HistoryQuery } from './engine/history.ts';

// — grounding: actions put facts into the conversation, the fact check holds replies to them —
export { matchAction, runAction, webhookHandler, lookupHandler, loadActionsFile, DEFAULT_ACTION_TIMEOUT_MS, type ActionDefinition, type ActionHandler, type ActionTrigger, type ActionResults, type ActionCallContext, type TriggerInput, type ActionsFile } from './actions/index.ts';
export { checkReply, extractFacts, factSupport, type Fact, type FactKind, type FactCheckResult, type FactSupport } from './facts/index.ts';
export type { FactCheckOptions } from './engine/grounding.ts';
export type { IntentPrediction } from './engine/understanding.ts';
export { renderAction } from './data/action-text.ts';

// — conversation log —
export { createLowdbStore, type LowdbStoreOptions } from './storage/lowdb-store.ts';
export { exportCorpus } from './storage/maintenance.ts';
export { redactText } from './storage/redact.ts';
export type { ConversationStore, ChannelStateOptions, ConversationRecord, ConversationSummary, DeletionReport, ListFilter, LoggedTurn, LoggedSpeaker, Feedback, HandoffInfo, HandoffState, FactCheckVerdict } from './storage/types.ts';

// — rate limits (in memory for one process; in Redis, shared by instances) —
export { CLOSED_RETRY_SECONDS, type RateLimit, type RateLimiter, type RateLimiterFactory, type LimitsWhenDown } from './limits/rate-limiter.ts';
export { createMemoryRateLimiter } from './limits/memory-rate-limiter.ts';
export { redisRateLimiters, type RedisRateLimitersOptions } from './limits/redis-rate-limiter.ts';
export { openRedis, closeRedis, type RedisConnection, type RedisOptions } from './cluster/redis.ts';
export { createRedisLiveBus, type RedisLiveBusOptions } from './cluster/redis-live-bus.ts';
export type { LiveBus } from './engine/live-bus.ts';

// — channels (what a channel implements; see README "Writing an adapter") —
export type { ChannelPlugin, ConfiguredChannel, RunningChannel, ChannelStartContext, ChannelVariable, ChannelVariableValues, ChannelCapabilities } from './channels/types.ts';
export { configError, portValue, urlValue, listValue } from './channels/config-values.ts';
export { createThrottledEditor, type ThrottledEditor, type ThrottledEditorOptions } from './channels/throttled-editor.ts';
export { createRecentMap, type RecentMap, type RecentMapOptions } from './channels/recent-map.ts';
export { createTurnRefs, TURN_REF_TTL_MS, type TurnRef, type TurnRefs } from './channels/turn-refs.ts';
export { errorText } from './channels/error-text.ts';
export { createHandoffDesk, ANNOUNCED_TURNS, type HandoffDesk, type HandoffDeskInput, type AgentsPlatform, type HandoffAnnouncement, type DeskNote, type RecentTurn } from './channels/handoff-desk.ts';

// — operations: the review page and admin API, an express router to mount on the web channel —
export { createAdminRouter, MIN_ADMIN_TOKEN_LENGTH, type AdminRouterOptions } from './ops/admin-router.ts';
export { createHealthCheck, type HealthCheck, type HealthCheckOptions, type HealthReport } from './ops/health.ts';

// — learning from conversations —
export { listReviewItems, reviewConversation, flaggedTurns, MAX_CORRECTION_CHARS, type ReviewItem, type ReviewTurn, type ReviewReason, type ReviewDecision, type ListReviewOptions } from './learning/review.ts';
export { exportTrainingSet, writeTrainingExport, heldBackFileFor, type TrainingExport, type TrainingExportOptions, type SkipReason } from './learning/export.ts';
export type { ReviewState, ReviewStatus } from './storage/types.ts';

// — model versions, retraining and hot reload —
export { retrain, type RetrainInput, type RetrainResult, type RetrainData } from './learning/retrain.ts';
export { applyGate, DEFAULT_GATE } from './learning/gate.ts';
export { listVersions, findVersion, resolveActive, type ModelVersion, type VersionStatus } from './registry/versions.ts';
export { promote, rollback, addVersion } from './registry/promote.ts';
export { ReloadingGenerator, type ReloadingGeneratorOptions } from './registry/reloading-generator.ts';
export type { Lineage, GateSettings, GateVerdict, EvalSummary } from './registry/lineage.ts';
