/**
 * A generator that follows the registry: it serves the active model and
 * switches to a newly promoted (or rolled-back) one without a restart.
 *
 * The new model is loaded whole before the switch; the switch itself is one
 * assignment, so each reply runs on exactly one model: replies already in
 * flight finish on the model they started with, and that model is freed once
 * its last reply ends. A model that fails to load is logged and the current
 * one keeps serving.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import type { Turn } from '../data/dialogue.ts';
import { LstmGenerator, type Generator, type Reply, type ReplyControl } from '../generation/generator.ts';
import type { GenerateOptions } from '../generation/options.ts';
import type { Understanding } from '../engine/understanding.ts';
import type { ClaimIndex } from '../facts/claims.ts';
import type { ReplyStream } from '../generation/reply-stream.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { loadModel, readManifest, type LoadedModel } from '../model/model-dir.ts';
import { REGISTRY_FILE, registryPath } from './registry-file.ts';
import { resolveActive } from './versions.ts';

/** A generator that can be freed (LstmGenerator is one). */
export type DisposableGenerator = Generator & { dispose?(): void };

export interface ReloadingGeneratorOptions {
  /** The registry to follow. */
  modelsDir: string;
  logger?: Logger;
  /** Decoding defaults for every model's generator. */
  defaults?: Partial<GenerateOptions>;
  /** Watch registry.json with fs.watch (default true). */
  watch?: boolean;
  /** Also stat registry.json this often, for file systems where fs.watch is silent (ms; default 2,000; false: never). */
  pollMs?: number | false;
  /** Changes closer together than this are one reload (ms; default 200). */
  debounceMs?: number;
  /** Builds the generator over a loaded model (default: an LstmGenerator with `defaults`). */
  createGenerator?: (model: LoadedModel) => DisposableGenerator;
}

interface Slot {
  /** Directory name in the registry. */
  name: string;
  version: string;
  model: LoadedModel;
  generator: DisposableGenerator;
  inFlight: number;
  retired: boolean;
}

/**
 * @example
 * const generator = await ReloadingGenerator.open({ modelsDir: 'models', logger });
 * const engine = createEngine({ generator, store });
 * // later, in another process: colloquy models promote <version> → the next reply uses it
 */
export class ReloadingGenerator implements Generator {
  private current: Slot;
  private closed = false;
  private reloading: Promise<boolean> = Promise.resolve(false);
  private watcher?: FSWatcher;
  private poller?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private lastStat = '';
  private readonly logger: Logger;

  private constructor(private readonly o: ReloadingGeneratorOptions, first: Slot) {
    this.current = first;
    this.logger = o.logger ?? silentLogger;
  }

  /** Loads the registry's active model and starts following the registry. */
  static async open(o: ReloadingGeneratorOptions): Promise<ReloadingGenerator> {
    const active = await resolveActive(o.modelsDir);
    const slot = await loadSlot(o, active.name, active.dir);
    const g = new ReloadingGenerator(o, slot);
    g.lastStat = await statKey(registryPath(o.modelsDir));
    g.follow();
    g.logger.info(`model ${active.name} (version ${slot.version}, files verified) from the registry in ${o.modelsDir}`);
    return g;
  }

  /** Version of the model new replies start on. */
  get modelVersion(): string {
    return this.current.version;
  }

  /** Registry name (directory) of the model new replies start on. */
  get activeName(): string {
    return this.current.name;
  }

  /** The active model's claim phrases (the fact check of a reply uses those of the model that starts it). */
  get claims(): ClaimIndex | undefined {
    return this.current.generator.claims;
  }

  /** The active model's scorer reading a user message (undefined when that model has none). */
  understand(text: string): Understanding | undefined {
    return this.current.generator.understand?.(text);
  }

  reply(context: Turn[], opts?: Partial<GenerateOptions>, control?: ReplyControl): ReplyStream<Reply> {
    const slot = this.current; // the model this reply runs on, start to end
    slot.inFlight++;
    let stream: ReplyStream<Reply>;
    try {
      stream = slot.generator.reply(context, opts, control);
    } catch (err) {
      this.release(slot);
      throw err;
    }
    stream.result.then(() => this.release(slot), () => this.release(slot));
    return stream;
  }

  /**
   * Loads the registry's active model if it is not the one serving and
   * switches to it. Resolves true when it switched; false when nothing
   * changed or loading failed (logged; the current model keeps serving).
   * Calls are serialized.
   */
  reload(): Promise<boolean> {
    this.reloading = this.reloading.then(() => this.reloadNow());
    return this.reloading;
  }

  /** Stops following the registry and frees the models once their replies end. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    clearInterval(this.poller);
    clearTimeout(this.debounce);
    await this.reloading;
    this.retire(this.current);
  }

  private async reloadNow(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const active = await resolveActive(this.o.modelsDir);
      const manifest = await readManifest(active.dir);
      if (active.name === this.current.name && manifest.version === this.current.version) return false;
      const next = await loadSlot(this.o, active.name, active.dir);
      if (this.closed) {
        disposeSlot(next);
        return false;
      }
      const old = this.current;
      this.current = next; // replies from here on start on the new model
      this.logger.info(`model switched to ${next.name} (version ${next.version}) from ${old.name} (version ${old.version})`, { inFlightOnOld: old.inFlight });
      this.retire(old);
      return true;
    } catch (err) {
      this.logger.error('model reload failed; the current model keeps serving', { version: this.current.version, error: (err as Error)?.message ?? String(err) });
      return false;
    }
  }

  private retire(slot: Slot): void {
    slot.retired = true;
    if (slot.inFlight === 0) disposeSlot(slot);
  }

  private release(slot: Slot): void {
    slot.inFlight--;
    if (slot.retired && slot.inFlight === 0) disposeSlot(slot);
  }

  /** fs.watch on the models directory (registry.json is replaced by rename, so the file itself cannot be watched) plus a stat poll. */
  private follow(): void {
    const { watch: useWatch = true, pollMs = 2000 } = this.o;
    if (useWatch) {
      try {
        this.watcher = watch(this.o.modelsDir, (_event, file) => {
          if (!file || file === REGISTRY_FILE) this.schedule();
        });
        this.watcher.on('error', (err) => {
          this.logger.warn('watching the model registry failed; polling only', { error: err.message });
          this.watcher?.close();
        });
        this.watcher.unref();
      } catch (err) {
        this.logger.warn('cannot watch the model registry; polling only', { dir: this.o.modelsDir, error: (err as Error).message });
      }
    }
    if (pollMs) {
      this.poller = setInterval(() => {
        void statKey(registryPath(this.o.modelsDir)).then((key) => {
          if (key !== this.lastStat) this.schedule();
        });
      }, pollMs);
      this.poller.unref();
    }
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      void statKey(registryPath(this.o.modelsDir)).then((key) => {
        this.lastStat = key;
        return this.reload();
      });
    }, this.o.debounceMs ?? 200);
    this.debounce.unref();
  }
}

async function loadSlot(o: ReloadingGeneratorOptions, name: string, dir: string): Promise<Slot> {
  const model = await loadModel(dir);
  try {
    const generator = o.createGenerator ? o.createGenerator(model) : new LstmGenerator(model, o.defaults);
    return { name, version: model.manifest.version, model, generator, inFlight: 0, retired: false };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

function disposeSlot(slot: Slot): void {
  slot.generator.dispose?.();
  slot.model.dispose();
}

/** Identity of the registry file's current content: changes with every atomic rewrite. */
async function statKey(file: string): Promise<string> {
  try {
    const s = await fs.stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'none';
  }
}
