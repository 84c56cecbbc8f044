/**
 * Health that tells the truth: the server is ready only when the model
 * answers (one probe reply per model version, with the decoding strategy the
 * server runs, so a damaged reply index fails it) and the conversation log
 * takes writes. Real traffic counts too: a reply that failed in the
 * generator or the store marks that part down until one succeeds again.
 */
import type { Engine } from '../engine/types.ts';
import type { Generator } from '../generation/generator.ts';
import { silentLogger, type Logger } from '../logger.ts';

/** What `/health` answers: `ok` only when every part is. Problems are short and name the file or cause. */
export interface HealthReport {
  ok: boolean;
  model: { ok: boolean; version: string; problem?: string };
  store: { ok: boolean; problem?: string };
}

/**
 * Options of `createHealthCheck`.
 *
 * @example
 * const health = createHealthCheck({ engine, generator, probeStore: () => probeDirectoryWritable(dataDir) });
 */
export interface HealthCheckOptions {
  engine: Pick<Engine, 'on'>;
  generator: Generator;
  /** Resolves when the log takes a write now; throws saying why not. */
  probeStore?: () => Promise<void>;
  logger?: Logger;
  /** How long a store probe's outcome is reused (default 5 s: a load balancer polling every second costs one write per 5 s). */
  storeProbeMs?: number;
  /** The probe reply must come within this (default 30 s). */
  probeTimeoutMs?: number;
  now?: () => number;
}

export interface HealthCheck {
  report(): Promise<HealthReport>;
  /** Stops listening to the engine. */
  close(): void;
}

const messageOf = (err: unknown): string => (err as Error)?.message ?? String(err);

/**
 * Builds the check behind `/health`. Call `report()` once at start as the
 * readiness probe.
 *
 * @example
 * const health = createHealthCheck({ engine, generator });
 * const first = await health.report(); // runs the probe reply
 * if (!first.ok) logger.error('not ready', first);
 */
export function createHealthCheck({ engine, generator, probeStore, logger = silentLogger, storeProbeMs = 5000, probeTimeoutMs = 30_000, now = Date.now }: HealthCheckOptions): HealthCheck {
  /** Probe reply outcome per model version (undefined while it runs). */
  const probes = new Map<string, Promise<string | undefined>>();
  const failing: { generator?: string; store?: string } = {};
  let storeProbe: { at: number; result: Promise<string | undefined> } | undefined;

  const offs = [
    engine.on('error', (e) => {
      failing[e.source] = e.error.message;
    }),
    engine.on('reply', (e) => {
      delete failing.store; // the reply was written
      if (e.kind === 'reply' || e.kind === 'fallback') delete failing.generator;
    }),
  ];

  const probeModel = (version: string): Promise<string | undefined> => {
    let probe = probes.get(version);
    if (!probe) {
      probe = (async () => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no probe reply within ${probeTimeoutMs / 1000} s`)), probeTimeoutMs);
          });
          const started = now();
          const reply = await Promise.race([generator.reply([{ speaker: 'user', text: 'hello' }]).result, timeout]);
          logger.info('ready: the model answered the probe', { version: reply.modelVersion, ms: now() - started });
          return undefined;
        } catch (err) {
          logger.error('not ready: the model failed the probe reply', { version, error: messageOf(err) });
          return `the probe reply failed: ${messageOf(err)}`;
        } finally {
          clearTimeout(timer);
        }
      })();
      probes.set(version, probe);
    }
    return probe;
  };

  const checkStore = (): Promise<string | undefined> => {
    if (!probeStore) return Promise.resolve(undefined);
    if (!storeProbe || now() - storeProbe.at > storeProbeMs) {
      storeProbe = { at: now(), result: probeStore().then(() => undefined, (err) => `the conversation log takes no writes: ${messageOf(err)}`) };
    }
    return storeProbe.result;
  };

  return {
    async report() {
      const version = generator.modelVersion;
      const [modelProblem, storeProblem] = await Promise.all([probeModel(version), checkStore()]);
      const model = modelProblem ?? (failing.generator && `replies are failing: ${failing.generator}`);
      const store = storeProblem ?? (failing.store && `writes are failing: ${failing.store}`);
      return {
        ok: !model && !store,
        model: { ok: !model, version, ...(model ? { problem: model } : {}) },
        store: { ok: !store, ...(store ? { problem: store } : {}) },
      };
    },
    close() {
      for (const off of offs) off();
    },
  };
}
