/**
 * Scheduled retraining for `colloquy serve --schedule nightly`: at the set
 * time, a separate, lower-priority `colloquy retrain` process runs export +
 * retrain and promotes only through the gate; the running server picks a
 * promotion up by hot reload. Runs never overlap; every outcome is logged.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import { ColloquyError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Every day at a local time. */
export interface RetrainSchedule {
  hour: number;
  minute: number;
}

/** `nightly` runs at 03:00 local time. */
export const NIGHTLY: RetrainSchedule = { hour: 3, minute: 0 };

/**
 * Parses `nightly` or `nightly@HH:MM` (local time).
 *
 * @example
 * parseSchedule('nightly@02:30'); // { hour: 2, minute: 30 }
 */
export function parseSchedule(text: string): RetrainSchedule {
  if (text === 'nightly') return NIGHTLY;
  const m = /^nightly@(\d{1,2}):(\d{2})$/.exec(text);
  if (m && Number(m[1]) < 24 && Number(m[2]) < 60) return { hour: Number(m[1]), minute: Number(m[2]) };
  throw new ColloquyError('usage', `--schedule must be "nightly" or "nightly@HH:MM", got "${text}"`, 'Example: --schedule nightly@02:30 (local time).');
}

/** The next time the schedule fires strictly after `now`. */
export function nextRunAt(s: RetrainSchedule, now: Date): Date {
  const next = new Date(now);
  next.setHours(s.hour, s.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next;
}

export interface ScheduledRetrainOptions {
  schedule: RetrainSchedule;
  dataDir: string;
  modelsDir: string;
  logger: Logger;
  /** More `colloquy retrain` flags (e.g. `--base FILE`). */
  args?: string[];
  now?: () => Date;
}

/** What one scheduled run ended with: `promoted`, `refused`, or `failed` (which includes nothing to learn). */
export type ScheduledOutcome = 'promoted' | 'refused' | 'failed';

export interface RetrainScheduler {
  /** When the next run starts. */
  readonly nextRun: Date;
  /** Runs now (unless a run is going), resolving with its outcome. */
  runNow(): Promise<ScheduledOutcome>;
  /** Cancels the timer and stops a running retrain (its checkpoint lets the next run resume). */
  stop(): Promise<void>;
}

const BIN = path.join(PROJECT_ROOT, 'bin', 'colloquy.js');

/**
 * Starts the schedule.
 *
 * @example
 * const scheduler = startRetrainSchedule({ schedule: NIGHTLY, dataDir, modelsDir, logger });
 * // on shutdown
 * await scheduler.stop();
 */
export function startRetrainSchedule(o: ScheduledRetrainOptions): RetrainScheduler {
  const now = o.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ScheduledOutcome> | undefined;
  let kill: (() => void) | undefined;
  let stopped = false;
  let nextRun = nextRunAt(o.schedule, now());

  const arm = () => {
    if (stopped) return;
    nextRun = nextRunAt(o.schedule, now());
    timer = setTimeout(() => void runNow().finally(arm), Math.max(0, nextRun.getTime() - now().getTime()));
    timer.unref();
    o.logger.info(`scheduled retrain: next run at ${nextRun.toISOString()}`);
  };

  const runNow = (): Promise<ScheduledOutcome> => {
    if (running) return running;
    running = new Promise<ScheduledOutcome>((resolve) => {
      const args = [BIN, 'retrain', '--data-dir', o.dataDir, '--models-dir', o.modelsDir, ...(o.args ?? [])];
      o.logger.info('scheduled retrain: starting');
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        if (child.pid) os.setPriority(child.pid, 10); // serving comes first
      } catch {
        /* not allowed here: runs at normal priority */
      }
      kill = () => child.kill('SIGTERM');
      let lastError = '';
      const follow = (stream: NodeJS.ReadableStream, isErr: boolean) => {
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', (d: string) => {
          buf += d;
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const line of lines.map((l) => l.replace(/\r?\x1b\[K/g, '').trim()).filter(Boolean)) {
            if (isErr && /^(error|hint):/.test(line)) lastError = lastError ? `${lastError} ${line}` : line;
            o.logger.debug(`scheduled retrain: ${line}`);
          }
        });
      };
      follow(child.stdout, false);
      follow(child.stderr, true);
      child.on('error', (err) => {
        o.logger.error('scheduled retrain could not start', { error: err.message });
        resolve('failed');
      });
      child.on('close', (code) => {
        const outcome: ScheduledOutcome = code === 0 ? 'promoted' : code === 3 ? 'refused' : 'failed';
        if (outcome === 'promoted') o.logger.info('scheduled retrain: a new version passed the gate and was promoted');
        else if (outcome === 'refused') o.logger.info('scheduled retrain: the candidate was refused by the gate; the active model keeps serving (see colloquy models list)');
        else o.logger.warn('scheduled retrain: nothing was changed', { exitCode: code, reason: lastError || 'see the log' });
        resolve(outcome);
      });
    }).finally(() => {
      running = undefined;
      kill = undefined;
    });
    return running;
  };

  arm();
  return {
    get nextRun() {
      return nextRun;
    },
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      kill?.();
      await running;
    },
  };
}
