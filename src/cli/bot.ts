import { loadActionsFile, type ActionsFile } from '../actions/index.ts';
import path from 'node:path';
import { createEngine } from '../engine/engine.ts';
import type { FactCheckOptions } from '../engine/grounding.ts';
import type { Engine } from '../engine/types.ts';
import type { LiveBus } from '../engine/live-bus.ts';
import { LstmGenerator, type Generator } from '../generation/generator.ts';
import { loadModel, type LoadedModel } from '../model/model-dir.ts';
import { ReloadingGenerator } from '../registry/reloading-generator.ts';
import type { ConversationStore } from '../storage/types.ts';
import type { CliContext } from './context.ts';
import { generateOptionsFrom } from './commands/generate-flags.ts';

/** Which model serves. */
export interface ServedModel {
  name: string;
  version: string;
}

/** A bot as the channel commands run it: model, generator, log and engine. */
export interface RunningBot {
  engine: Engine;
  /** The generator the engine runs (for the readiness probe). */
  generator: Generator;
  store: ConversationStore;
  /** The model new replies start on: registry name (directory) and version (weights hash). */
  served(): ServedModel;
  /** Switches to the registry's active model when it changed (a fixed --model never changes). */
  reload(): Promise<boolean>;
  /** Waits for the engine, closes the log and frees the model. */
  close(): Promise<void>;
}

/**
 * Starts the tensor backend, loads the model (see `openGenerator`), opens the
 * conversation log and builds the engine over them. The context budget goes to the engine; the other decoding flags become the
 * generator's defaults.
 */
export async function startBot(flags: Record<string, unknown>, ctx: CliContext, openStore: () => Promise<ConversationStore>, { bus }: { bus?: LiveBus } = {}): Promise<RunningBot> {
  const { contextTokens, ...decoding } = generateOptionsFrom(flags);
  await ctx.startBackend(flags.backend);
  // Concurrent conversations share decoding steps (the same replies, many more per second under load).
  const makeGenerator = (model: LoadedModel) => new LstmGenerator(model, decoding, { batching: true });
  const { generator, served, reload, free: freeModel } = await openGenerator(flags, ctx, makeGenerator);
  let store: ConversationStore;
  try {
    store = await openStore();
  } catch (err) {
    await freeModel();
    throw err;
  }
  let grounding: { actions: ActionsFile['actions']; factCheck: FactCheckOptions | false };
  try {
    grounding = await groundingFrom(flags, ctx);
  } catch (err) {
    await store.close().catch(() => undefined);
    await freeModel();
    throw err;
  }
  const { contactText } = ctx.env;
  const engine = createEngine({ generator, store, logger: ctx.logger, options: { ...(contextTokens === undefined ? {} : { contextTokens }), ...(contactText ? { contactText } : {}) }, ...(bus ? { bus } : {}), ...grounding });
  return {
    engine,
    generator,
    store,
    served,
    reload,
    async close() {
      try {
        await engine.close();
        await store.close();
      } finally {
        await freeModel();
      }
    },
  };
}

/** The actions file (`--actions`, COLLOQUY_ACTIONS, else the bundled demo's; `none`: no actions) and the fact check (on unless `--no-fact-check`). */
async function groundingFrom(flags: Record<string, unknown>, ctx: CliContext): Promise<{ actions: ActionsFile['actions']; factCheck: FactCheckOptions | false }> {
  const file = (flags.actions as string | undefined) ?? ctx.env.actionsFile;
  const declared = file === 'none' ? { actions: [], allowlist: [] } : await loadActionsFile(file, { token: ctx.env.actionsToken });
  if (declared.actions.length) ctx.logger.info(`actions: ${declared.actions.map((a) => a.name).join(', ')} (${file})`);
  return { actions: declared.actions, factCheck: flags['no-fact-check'] === true ? false : { allowlist: declared.allowlist } };
}

/** The fixed model directory (--model or COLLOQUY_MODEL), or undefined when the registry's active model serves. */
export function fixedModelOf(flags: Record<string, unknown>, ctx: CliContext): string | undefined {
  return (flags.model as string | undefined) ?? (ctx.env.modelPinned ? ctx.env.model : undefined);
}

/**
 * The generator the bot runs: a fixed model when `--model DIR` or
 * COLLOQUY_MODEL names one; otherwise the registry's active model
 * (`--models-dir`, default models/), followed live — a promotion or rollback
 * switches the running bot between replies.
 */
async function openGenerator(flags: Record<string, unknown>, ctx: CliContext, make: (model: LoadedModel) => LstmGenerator): Promise<Pick<RunningBot, 'served' | 'reload'> & { generator: Generator; free(): Promise<void> }> {
  const fixed = fixedModelOf(flags, ctx);
  if (fixed === undefined) {
    const generator = await ReloadingGenerator.open({ modelsDir: (flags['models-dir'] as string | undefined) ?? ctx.env.modelsDir, logger: ctx.logger, createGenerator: make });
    return { generator, served: () => ({ name: generator.activeName, version: generator.modelVersion }), reload: () => generator.reload(), free: () => generator.close() };
  }
  const model = await loadModel(fixed);
  ctx.logger.info(`model ${model.manifest.name} (version ${model.manifest.version}, files verified against the manifest)`);
  const generator = make(model);
  const served = { name: path.basename(path.resolve(fixed)), version: model.manifest.version };
  return {
    generator,
    served: () => served,
    reload: async () => false,
    async free() {
      generator.dispose();
      model.dispose();
    },
  };
}
