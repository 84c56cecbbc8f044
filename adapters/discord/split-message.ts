/** Discord refuses message content longer than this. */
export const DISCORD_MESSAGE_LIMIT = 2000;

/**
 * Splits `text` into pieces of at most `limit` characters, cutting at the last
 * line break in a piece, else at the last space, else (one long word) at the
 * limit without breaking a surrogate pair. The separator at a cut is dropped;
 * blank pieces are left out.
 *
 * @example
 * splitMessage('a'.repeat(1500) + '\n' + 'b'.repeat(1500)); // ['aaa…', 'bbb…']
 */
export function splitMessage(text: string, limit = DISCORD_MESSAGE_LIMIT): string[] {
  if (limit < 2) throw new RangeError('splitMessage needs a limit of at least 2 characters');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    parts.push(rest.slice(0, cut.at).trimEnd());
    rest = rest.slice(cut.at + cut.skip).trimStart();
  }
  if (rest) parts.push(rest);
  return parts.filter((p) => p.length > 0);
}

/** Where to cut a text longer than `limit`, and how many separator characters to drop there. */
function cutPoint(text: string, limit: number): { at: number; skip: number } {
  // a separator at index `limit` still lets the piece before it fill the limit
  const line = text.lastIndexOf('\n', limit);
  if (line > limit / 2) return { at: line, skip: 1 };
  const space = text.lastIndexOf(' ', limit);
  if (space > limit / 2) return { at: space, skip: 1 };
  const code = text.charCodeAt(limit - 1);
  const splitsPair = code >= 0xd800 && code <= 0xdbff;
  return { at: splitsPair ? limit - 1 : limit, skip: 0 };
}

/** The first piece `splitMessage` would make: what a streamed message shows. */
export function firstPiece(text: string, limit = DISCORD_MESSAGE_LIMIT): string {
  const trimmed = text.trim();
  return trimmed.length <= limit ? trimmed : splitMessage(trimmed, limit)[0] ?? '';
}
