/**
 * The one logger: four methods, injected where needed. Message text written by
 * users is logged at debug level only (it is user data).
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface ConsoleLoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default so stdout stays for replies. */
  write?: (line: string) => void;
}

/** Control characters (CR, LF, NUL, …) and line separators: a crafted id must not start a forged log line. */
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character escaped (`\n`, `\r`, `\u0000`), so it stays on its line. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A logger writing one line per entry: `level message key=value ...`; whatever the message and fields hold, one entry is one line. */
export function createLogger({ level = 'info', write = (l) => process.stderr.write(l + '\n') }: ConsoleLoggerOptions = {}): Logger {
  const min = ORDER.indexOf(level);
  const emit = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER.indexOf(lvl) < min) return;
    const extra = fields ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
    write(escapeControl(`[${lvl}] ${msg}${extra}`));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
