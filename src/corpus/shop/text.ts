/**
 * Small text helpers for the shop corpus templates: slot filling that refuses
 * to leave a placeholder behind, sentence joining and casing.
 */

/** Values for `{slot}` placeholders. */
export type Vars = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{(\w+)\}/g;
const FIRST_PERSON = /^(I|I'm|I've|I'd|I'll)\b/;

/**
 * Replaces every `{slot}` in `template` with its value. Throws when a slot has
 * no value, so an unfilled placeholder can never reach the corpus.
 *
 * @example
 * fill('Order {order} shipped.', { order: '#48213' }); // 'Order #48213 shipped.'
 */
export function fill(template: string, vars: Vars = {}): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`Missing slot {${key}} in template: ${template}`);
    return String(value);
  });
}

/** Joins sentences with single spaces, skipping empty ones. */
export function sentences(...parts: (string | undefined)[]): string {
  return parts
    .map((part) => (part ?? '').trim())
    .filter((part) => part.length > 0)
    .join(' ');
}

/** Upper-cases the first character. */
export function upperFirst(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}

/**
 * Lower-cases the first character so the text can follow a prefix such as
 * "hi, ", keeping "I", "I'm" and acronyms like "UPS" intact.
 */
export function lowerFirst(text: string): string {
  if (FIRST_PERSON.test(text) || /^[A-Z]{2}/.test(text)) return text;
  return text.length === 0 ? text : text[0].toLowerCase() + text.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Formats a dollar amount: 49 -> "$49.00". */
export function money(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
