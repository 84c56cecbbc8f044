import { readCorpus } from '../../data/corpus-file.ts';
import { ClaimIndex } from '../../facts/claims.ts';
import { FactSelection } from '../../facts/selection.ts';
import { readManifest, saveClaims, saveReplies, saveSelection } from '../../model/model-dir.ts';
import { ReplyIndex } from '../../retrieval/reply-index.ts';
import { parseFlags, required } from '../args.ts';
import type { CliContext } from '../context.ts';

export const INDEX_USAGE = `colloquy index --model DIR --data FILE
  writes the model's reply index (replies.json): the replies of FILE by what preceded them, which
  --strategy consensus weighs candidate replies against; and its claim phrases (claims.json): the
  phrases FILE's replies use for each value of an action's fields, with which the fact check catches
  a reply that contradicts the action just before it; and its fact selection (selection.json): the
  chance that a reply states each fact the conversation holds, which consensus weighs candidates by
  (train writes all three from its training split)`;

/** The flags `colloquy index` accepts (its --help lists each). */
export const INDEX_FLAGS = { model: { type: 'string' }, data: { type: 'string' } } as const;

/** `colloquy index`: gives a model (one trained before reply indexes, or on other data) its reply index. */
export async function indexCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, INDEX_FLAGS);
  const usage = 'colloquy index --model models/mybot --data dialogues.jsonl';
  const modelDir = required(f, 'model', usage);
  const data = required(f, 'data', usage);
  await readManifest(modelDir); // only into a model directory
  const { dialogues } = await readCorpus(data, { logger: ctx.logger });
  const index = ReplyIndex.build(dialogues);
  await saveReplies(modelDir, index);
  const claims = ClaimIndex.learn(dialogues);
  await saveClaims(modelDir, claims);
  let loss = NaN;
  await saveSelection(modelDir, FactSelection.learn(dialogues, { onEpoch: (_, l) => (loss = l) }));
  ctx.print(`indexed ${index.replies.length} replies from ${dialogues.length} dialogues into ${modelDir}, ${claims.phrases.length} claim phrases, and the facts its replies state (log loss ${loss.toFixed(3)})`);
}
