import { createEngine } from '../engine/engine.ts';
import type { Engine } from '../engine/types.ts';
import { LstmGenerator } from '../generation/generator.ts';
import { loadModel } from '../model/model-dir.ts';
import type { ConversationStore } from '../storage/types.ts';
import type { CliContext } from './context.ts';
import { generateOptionsFrom } from './commands/generate-flags.ts';

/** A bot as the channel commands run it: model, generator, log and engine. */
export interface RunningBot {
  engine: Engine;
  store: ConversationStore;
  /** Waits for the engine, closes the log and frees the model. */
  close(): Promise<void>;
}

/**
 * Starts the tensor backend, loads the model (`--model`, else the configured
 * default), opens the conversation log and builds the engine over them.
 * The context budget goes to the engine; the other decoding flags become the
 * generator's defaults.
 */
export async function startBot(flags: Record<string, unknown>, ctx: CliContext, openStore: () => Promise<ConversationStore>): Promise<RunningBot> {
  const { contextTokens, ...decoding } = generateOptionsFrom(flags);
  await ctx.startBackend(flags.backend);
  const model = await loadModel((flags.model as string | undefined) ?? ctx.env.model);
  ctx.logger.info(`model ${model.manifest.name} (version ${model.manifest.version})`);
  const generator = new LstmGenerator(model, decoding);
  const freeModel = () => {
    generator.dispose();
    model.dispose();
  };
  let store: ConversationStore;
  try {
    store = await openStore();
  } catch (err) {
    freeModel();
    throw err;
  }
  const engine = createEngine({ generator, store, logger: ctx.logger, options: contextTokens === undefined ? {} : { contextTokens } });
  return {
    engine,
    store,
    async close() {
      try {
        await engine.close();
        await store.close();
      } finally {
        freeModel();
      }
    },
  };
}
