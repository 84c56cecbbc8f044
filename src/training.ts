/**
 * `colloquy/training`: make and improve models — train, evaluate, read corpora, review the
 * conversation log, export it, retrain behind a quality gate, and manage model versions.
 * (Running a bot is `colloquy`, src/index.ts.)
 *
 * @example
 * import { createLogger, initBackend } from 'colloquy';
 * import { readCorpus, trainModel } from 'colloquy/training';
 * const backend = await initBackend();
 * const { dialogues } = await readCorpus('my-dialogues.jsonl');
 * await trainModel({ dialogues, out: 'models/mybot', training: { epochs: 4 }, backend, logger: createLogger() });
 */

// ── commonly used ────────────────────────────────────────────────────────────

export { trainModel, type TrainModelInput } from './training/train-model.ts';
export { DEFAULT_TRAINING_OPTIONS, type TrainingOptions } from './training/options.ts';
export { DEFAULT_MODEL_CONFIG, type ModelConfig } from './model/config.ts';
export { evaluate, formatReport, type EvalReport } from './eval/evaluate.ts';
export { readCorpus, writeCorpus, type CorpusReadResult, type CorpusProblem, type ReadCorpusOptions } from './data/corpus-file.ts';
export { importTable } from './data/import-table.ts';

// ── learning from conversations: review, export, retrain, versions ───────────

export { listReviewItems, reviewConversation, flaggedTurns, MAX_CORRECTION_CHARS, type ReviewItem, type ReviewTurn, type ReviewReason, type ReviewDecision, type ListReviewOptions } from './learning/review.ts';
export type { ReviewState, ReviewStatus } from './storage/types.ts';
export { exportTrainingSet, writeTrainingExport, heldBackFileFor, type TrainingExport, type TrainingExportOptions, type SkipReason } from './learning/export.ts';
export { retrain, type RetrainInput, type RetrainResult, type RetrainData } from './learning/retrain.ts';
export { applyGate, DEFAULT_GATE } from './learning/gate.ts';
export { listVersions, findVersion, resolveActive, type ModelVersion, type VersionStatus } from './registry/versions.ts';
export { promote, rollback, addVersion } from './registry/promote.ts';
export type { Lineage, GateSettings, GateVerdict, EvalSummary } from './registry/lineage.ts';

// ── advanced ─────────────────────────────────────────────────────────────────

export { saveModel } from './model/model-dir.ts';
export { corpusBleu, distinctN, perWordPerplexity, scoreTokens } from './eval/metrics.ts';
export { createRetrievalBaseline } from './eval/retrieval.ts';
export { cleanText, cleanDialogue, type CleanOptions } from './data/clean.ts';
export { splitDialogues } from './data/split.ts';
export { Tokenizer, SPECIAL_TOKENS } from './tokenizer/index.ts';
