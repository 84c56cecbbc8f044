import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { isColloquyError, type Logger } from '../../src/index.ts';

/** Where the widget, its stylesheet and the demo page live. */
export const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

/** The widget files and the demo page. */
export const staticFiles = () => express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '5m' });

/** The last handler: anything thrown becomes a JSON error, and the process stays up. */
export function errorHandler(logger: Logger, bodyBytes: number) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode ?? 500;
    if (res.headersSent) return void res.end();
    if (e?.type === 'entity.too.large') return void res.status(413).json({ error: 'too_large', message: `The request body is over ${bodyBytes} bytes.` });
    if (e?.type === 'entity.parse.failed') return void res.status(400).json({ error: 'bad_json', message: 'The body is not valid JSON.' });
    if (status >= 400 && status < 500) return void res.status(status).json({ error: 'bad_request', message: 'Bad request.' });
    if (isColloquyError(err) && err.code.startsWith('colloquy_storage_')) {
      // the conversation log cannot be read or written now (read-only or full disk, database down): a retry may work
      logger.error('web request failed: the conversation log is unavailable', { code: err.code, error: err.message });
      res.setHeader('Retry-After', '30');
      return void res.status(503).json({ error: 'unavailable', message: 'Could not save this right now. Nothing stored was lost; please try again shortly.' });
    }
    logger.error('web request failed', { error: e?.message ?? String(err) });
    res.status(500).json({ error: 'internal', message: 'Something went wrong on our side.' });
  };
}
