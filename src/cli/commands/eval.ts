import { loadActionsFile } from '../../actions/index.ts';
import { readCorpus } from '../../data/corpus-file.ts';
import { evaluate, formatReport } from '../../eval/evaluate.ts';
import { createRetrievalBaseline } from '../../eval/retrieval.ts';
import { ColloquyError } from '../../errors.ts';
import { LstmGenerator } from '../../generation/generator.ts';
import { loadModel } from '../../model/model-dir.ts';
import { num, parseFlags, required } from '../args.ts';
import { evaluateOod, formatOodReport } from '../../understanding/evaluate-ood.ts';
import { OOS_INTENT, readMessages, readOutOfScope } from '../../understanding/read-examples.ts';
import type { CliContext } from '../context.ts';
import { generateFlags, generateOptionsFrom } from './generate-flags.ts';

export const EVAL_USAGE = `colloquy eval --model DIR --data FILE [options] [decoding flags]
  --max-turns N        evaluate a fixed sample of N bot turns (default 2000; 0 = all)
  --baseline retrieval --train FILE   also score the TF-IDF retrieval baseline on the same turns
  --predictions FILE   write {id, context, reference, hypothesis} per turn (JSONL)
  --fact-check         also report the replies after the fact check (candidates written under the check, then the fallback)
  --actions FILE       the bot's actions file, for its allowlist of facts it may always state
  --json               print the report as JSON
  Always reported: unsupported_fact_rate (replies stating a fact absent from the context),
  reference_unsupported_fact_rate (the same for the references) and inform_recall; with a model that
  has claim phrases (claims.json), contradiction_rate and reference_contradiction_rate (replies right
  after an action that say another value than it answered)
  --ood FILE           instead: out-of-scope detection — the scorer's AUROC, fallback rates at the stored threshold and
                       intent accuracy on --data's user turns against FILE's messages, beside the generator-confidence baseline
  --baseline-turns N   messages of each side the confidence baseline replies to (default 300; 0 = no baseline)`;

/** The flags `colloquy eval` accepts (its --help lists each). */
export const EVAL_FLAGS = {
  model: { type: 'string' }, data: { type: 'string' }, 'max-turns': { type: 'string' }, baseline: { type: 'string' }, train: { type: 'string' },
  predictions: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' }, ood: { type: 'string' }, 'baseline-turns': { type: 'string' },
  'fact-check': { type: 'boolean' }, actions: { type: 'string' }, ...generateFlags,
} as const;

/** `colloquy eval`: held-out perplexity, BLEU-4, distinct-n and length, beside a retrieval baseline. */
export async function evalCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, EVAL_FLAGS);
  const modelDir = required(f, 'model', 'colloquy eval --model models/mybot --data held-out.jsonl');
  const data = required(f, 'data', 'colloquy eval --model models/mybot --data held-out.jsonl');
  if (typeof f.ood === 'string') return evalOod(modelDir, data, f.ood, f, ctx);
  if (f.baseline !== undefined && f.baseline !== 'retrieval') throw new ColloquyError('usage', `--baseline must be "retrieval", got "${f.baseline}"`);
  if (f.baseline && !f.train) throw new ColloquyError('usage', '--baseline retrieval needs --train FILE (the dialogues to retrieve replies from)');
  await ctx.startBackend(f.backend);
  const model = await loadModel(modelDir);
  const generator = new LstmGenerator(model);
  const { dialogues } = await readCorpus(data, { logger: ctx.logger });
  const baseline = f.baseline ? createRetrievalBaseline((await readCorpus(f.train as string, { logger: ctx.logger })).dialogues) : undefined;
  const allowlist = typeof f.actions === 'string' ? (await loadActionsFile(f.actions)).allowlist : [];
  const tty = process.stderr.isTTY;
  const report = await evaluate({
    model, generator, dialogues, baseline, maxTurns: num(f, 'max-turns') ?? 2000, predictionsFile: f.predictions as string | undefined,
    generate: generateOptionsFrom(f), allowlist, ...(f['fact-check'] ? { factCheck: { allowlist } } : {}),
    onProgress: (done, total) => {
      if (tty && (done % 20 === 0 || done === total)) process.stderr.write(`\rgenerating ${done}/${total}`);
      if (tty && done === total) process.stderr.write('\n');
    },
  });
  ctx.print(f.json ? JSON.stringify(report, null, 2) : formatReport(report));
  generator.dispose();
  model.dispose();
}

/** `colloquy eval --ood FILE`: the scorer against the generator-confidence baseline, in one run. */
async function evalOod(modelDir: string, data: string, oodFile: string, f: Record<string, unknown>, ctx: CliContext): Promise<void> {
  await ctx.startBackend(f.backend);
  const model = await loadModel(modelDir);
  try {
    if (!model.scorer) throw new ColloquyError('eval_invalid', `${modelDir} has no out-of-scope scorer`, `Train one: colloquy scorer --model ${modelDir} --data FILE`);
    const { messages } = await readMessages(data, { skipIntent: OOS_INTENT });
    const outOfScope = await readOutOfScope(oodFile);
    const baselineTurns = num(f, 'baseline-turns') ?? 300;
    const generator = baselineTurns > 0 ? new LstmGenerator(model) : undefined;
    const tty = process.stderr.isTTY;
    const report = await evaluateOod({
      scorer: model.scorer, inDomain: messages, outOfScope, generator, baselineTurns,
      onProgress: (done, total) => {
        if (tty && (done % 20 === 0 || done === total)) process.stderr.write(`\rbaseline: replying ${done}/${total}`);
        if (tty && done === total) process.stderr.write('\n');
      },
    });
    generator?.dispose();
    ctx.print(f.json ? JSON.stringify(report, null, 2) : formatOodReport(report));
  } finally {
    model.dispose();
  }
}
