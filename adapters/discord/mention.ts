/**
 * Removes mentions of the bot (`<@id>` and the older `<@!id>`) from a message
 * and tidies the spaces they leave.
 *
 * @example
 * stripMention('<@123> where is my order?', '123'); // 'where is my order?'
 */
export function stripMention(text: string, botId: string): string {
  return text
    .replace(new RegExp(`<@!?${botId}>`, 'g'), ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
