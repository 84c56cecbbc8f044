/**
 * Colloquy's public API (`import … from 'colloquy'`): what a bot builder needs to run a bot.
 * Adapters and extensions import from here only. Training, evaluation, review and the model
 * registry are `colloquy/training` (src/training.ts); the shipped channels are `colloquy/channels`.
 *
 * @example
 * import { createEngine, createLowdbStore, initBackend, loadModel, LstmGenerator } from 'colloquy';
 * await initBackend();
 * const engine = createEngine({
 *   generator: new LstmGenerator(await loadModel('models/default')),
 *   store: await createLowdbStore({ dir: 'conversations' }),
 * });
 * const reply = await engine.handle({ channel: 'web', conversationId: 'w-1', userId: 'u-1', text: 'Where is my order?' });
 * console.log((await reply.result).text);
 */

// ── commonly used ────────────────────────────────────────────────────────────
// a model, a generator, the engine and a conversation log: a bot in five lines

/** Picks the tensor backend (native, wasm, or cpu) — call once before loading a model. */
export { initBackend, currentBackend, type BackendName } from './runtime/backend.ts';
/** A trained model directory (weights, tokenizer, manifest.json). */
export { loadModel, readManifest, type LoadedModel, type Manifest } from './model/model-dir.ts';
/** The LSTM reply generator, and the interface any generator implements. */
export { LstmGenerator, type Generator, type Reply, type ReplyControl } from './generation/generator.ts';
export type { ReplyConstraint } from './generation/constrained.ts';
export type { ReplyStream } from './generation/reply-stream.ts';
export { DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from './generation/options.ts';
/** The conversation engine: every channel hands it messages. */
export { createEngine, type CreateEngineInput } from './engine/engine.ts';
export type { Engine, EngineReply, EngineResult, InboundMessage, ReplyKind, FeedbackInput, AgentDesk } from './engine/types.ts';
/** Conversation logs: lowdb files on disk (the default), or in memory. */
export { createLowdbStore, type LowdbStoreOptions } from './storage/lowdb-store.ts';
export { createMemoryStore } from './engine/memory-store.ts';
export type { ConversationStore, ConversationRecord, ConversationSummary, DeletionReport, ListFilter, LoggedTurn, LoggedSpeaker, Feedback, HandoffInfo, HandoffState } from './storage/types.ts';
/** Errors: one type with a stable code (`colloquy_corpus_empty`) and a hint. */
export { ColloquyError, isColloquyError, type ErrorCode, type PrefixedErrorCode } from './errors.ts';
/** The one logger interface, and two ready ones. */
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger.ts';
export type { Dialogue, Turn, Speaker, ActionCall, ActionValue } from './data/dialogue.ts';
export { DEFAULT_MODEL_DIR } from './config.ts';

// ── channel kit ──────────────────────────────────────────────────────────────
// what a channel implements and the pieces the shipped ones share (README "Writing an adapter")

export type { ChannelPlugin, ConfiguredChannel, RunningChannel, ChannelStartContext, ChannelVariable, ChannelVariableValues, ChannelCapabilities } from './channels/types.ts';
export { configError, portValue, urlValue, listValue } from './channels/config-values.ts';
export { createThrottledEditor, type ThrottledEditor, type ThrottledEditorOptions } from './channels/throttled-editor.ts';
export { createRecentMap, type RecentMap, type RecentMapOptions } from './channels/recent-map.ts';
export { createTurnRefs, TURN_REF_TTL_MS, type TurnRef, type TurnRefs } from './channels/turn-refs.ts';
export { errorText } from './channels/error-text.ts';
export { createHandoffDesk, ANNOUNCED_TURNS, type HandoffDesk, type HandoffDeskInput, type AgentsPlatform, type HandoffAnnouncement, type DeskNote, type RecentTurn } from './channels/handoff-desk.ts';
export type { ChannelHandlers, ChannelEventName, ConversationEvent, ConversationListener } from './engine/routing.ts';
export { DEFAULT_HISTORY_LIMIT, type HistoryPage, type HistoryQuery } from './engine/history.ts';
export type { ChannelState } from './engine/types.ts';

// ── advanced ─────────────────────────────────────────────────────────────────

/** Engine options and hooks (`engine.on('reply' | 'handoff' | 'error' | …)`). */
export { DEFAULT_ENGINE_OPTIONS, resolveEngineOptions, type EngineOptions, type EngineOptionsInput, type CommandNames, type EngineMessages } from './engine/options.ts';
export { normalizeInput } from './engine/input.ts';
export type { Clock, EngineEvents, EngineEventName, EngineErrorEvent, ReceivedMessageEvent, ReplyEvent, FallbackEvent, HandoffEvent, FeedbackEvent, AgentMessageEvent, NoticeEvent } from './engine/types.ts';
/** A generator that follows the model registry and switches versions between replies. */
export { ReloadingGenerator, type ReloadingGeneratorOptions } from './registry/reloading-generator.ts';

/** Grounding: actions put facts into the conversation, the fact check holds replies to them. */
export { matchAction, runAction, webhookHandler, lookupHandler, loadActionsFile, DEFAULT_ACTION_TIMEOUT_MS, type ActionDefinition, type ActionHandler, type ActionTrigger, type ActionResults, type ActionCallContext, type TriggerInput, type ActionsFile } from './actions/index.ts';
export { checkReply, ClaimIndex, extractFacts, factSupport, type ClaimPhrase, type Fact, type FactKind, type FactCheckResult, type FactSupport, type Violation } from './facts/index.ts';
export type { FactCheckOptions } from './engine/grounding.ts';
export type { IntentPrediction } from './engine/understanding.ts';
export { renderAction } from './data/action-text.ts';

/** Many instances: PostgreSQL for the log, Redis for rate limits and live events. */
export { openDatabase } from './storage/postgres/open.ts';
export { createPostgresStore, type PostgresStoreOptions } from './storage/postgres/postgres-store.ts';
export type { ChannelStateOptions, FactCheckVerdict } from './storage/types.ts';
export { CLOSED_RETRY_SECONDS, type RateLimit, type RateLimiter, type RateLimiterFactory, type LimitsWhenDown } from './limits/rate-limiter.ts';
export { createMemoryRateLimiter } from './limits/memory-rate-limiter.ts';
export { redisRateLimiters, type RedisRateLimitersOptions } from './limits/redis-rate-limiter.ts';
export { openRedis, closeRedis, type RedisConnection, type RedisOptions } from './cluster/redis.ts';
export { createRedisLiveBus, type RedisLiveBusOptions } from './cluster/redis-live-bus.ts';
export type { LiveBus } from './engine/live-bus.ts';

/** Operations: the review page and admin API (an express router the web channel mounts), the health check. */
export { createAdminRouter, MIN_ADMIN_TOKEN_LENGTH, type AdminRouterOptions } from './ops/admin-router.ts';
export { createHealthCheck, type HealthCheck, type HealthCheckOptions, type HealthReport } from './ops/health.ts';

/** Privacy: redact a text, export the log as a (redacted) training corpus. */
export { redactText } from './storage/redact.ts';
export { exportCorpus } from './storage/maintenance.ts';
