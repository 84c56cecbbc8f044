import os from 'node:os';
import { formatReviewItem, REVIEW_KEYS, runReviewSession } from '../../learning/review-session.ts';
import { listReviewItems } from '../../learning/review.ts';
import { num, parseFlags } from '../args.ts';
import type { CliContext } from '../context.ts';
import { openExistingLog } from './log-dir.ts';

export const REVIEW_USAGE = `colloquy review [--list] [--json] [--limit N] [--min-confidence X] [--include-reviewed] [--reviewer NAME] [--data-dir DIR]
  walks through what needs a look in the conversation log (low confidence, fallbacks,
  thumbs-down, hand-offs), the conversation around each; reads one command a line:
  ${REVIEW_KEYS}
  works piped: script the commands on stdin
  --list               print the queue and exit (--json: as JSON)
  --limit N            at most N items (default 50)
  --min-confidence X   flag bot replies below this mean log-probability (default: the engine's threshold, -2.5)
  --include-reviewed   also show conversations already reviewed
  --reviewer NAME      stored with each decision (default: your user name)
  --data-dir DIR       the conversation log (default: conversations/); while \`colloquy serve\`
                       runs on it, review in its admin page instead`;

/** The flags `colloquy review` accepts (its --help lists each). */
export const REVIEW_FLAGS = {
  list: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' }, 'min-confidence': { type: 'string' },
  'include-reviewed': { type: 'boolean' }, reviewer: { type: 'string' }, 'data-dir': { type: 'string' },
} as const;

/** `colloquy review`: the review queue in the terminal. */
export async function reviewCommand(argv: string[], ctx: CliContext): Promise<void> {
  const f = parseFlags(argv, REVIEW_FLAGS);
  const interactive = !f.list && !f.json;
  const store = await openExistingLog(f['data-dir'], ctx, interactive ? 'review' : undefined);
  try {
    const items = await listReviewItems(store, { limit: num(f, 'limit') ?? 50, minConfidence: num(f, 'min-confidence'), includeReviewed: f['include-reviewed'] === true });
    if (f.json) return void ctx.print(JSON.stringify(items, null, 2));
    if (items.length === 0) return void ctx.print('Nothing to review: no low-confidence replies, fallbacks, thumbs-down or hand-offs left unreviewed.');
    if (f.list) return void ctx.print(items.map((item, i) => formatReviewItem(item, i, items.length)).join('\n\n'));
    const s = await runReviewSession({ store, items, reviewer: (f.reviewer as string | undefined) ?? localUser() });
    ctx.print(`\nReviewed: ${s.good} good, ${s.bad} bad, ${s.ignored} ignored, ${s.corrections} ${s.corrections === 1 ? 'reply' : 'replies'} corrected; ${s.skipped} skipped, ${s.left} left for later.`);
  } finally {
    await store.close();
  }
}

function localUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
