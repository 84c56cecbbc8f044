/** Starts the real web server over a real engine, the real lowdb store (temp dir) and the bundled model. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWebServer, type CreateWebServerOptions, type WebLimits } from '../../adapters/web/index.ts';
import { createEngine, createLowdbStore, DEFAULT_MODEL_DIR, initBackend, loadModel, LstmGenerator, type ConversationStore, type Engine, type LoadedModel } from '../../src/index.ts';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

let model: LoadedModel | undefined;

/** The bundled model on wasm, loaded once per test file. */
export async function bundledModel(): Promise<LoadedModel> {
  if (!model) {
    await initBackend('wasm');
    model = await loadModel(DEFAULT_MODEL_DIR);
  }
  return model;
}

export interface TestServer<S extends ConversationStore = ConversationStore> {
  url: string;
  store: S;
  engine: Engine;
  dir: string;
  close(): Promise<void>;
}

export async function startTestServer(limits: Partial<WebLimits> = {}): Promise<TestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'colloquy-web-'));
  const generator = new LstmGenerator(await bundledModel());
  const store = await createLowdbStore({ dir });
  const engine = createEngine({ generator, store, tickIntervalMs: false });
  return listenForTest({ dir, engine, store, server: { limits }, free: () => generator.dispose() });
}

/**
 * Serves `engine` and `store` on port 0 with the test secret; `close()` stops
 * the server, the engine and the store, calls `free`, and removes `dir`.
 */
export async function listenForTest<S extends ConversationStore>(o: { dir: string; engine: Engine; store: S; server?: Omit<CreateWebServerOptions, 'engine' | 'secret'>; free?: () => void }): Promise<TestServer<S>> {
  const server = await createWebServer({ engine: o.engine, secret: SECRET, ...o.server }).listen(0);
  return {
    url: server.url,
    store: o.store,
    engine: o.engine,
    dir: o.dir,
    async close() {
      await server.close();
      await o.engine.close();
      await o.store.close();
      o.free?.();
      await fs.rm(o.dir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** Parses a text/event-stream body into its events. */
export function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of chunk.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      return { event, data: JSON.parse(data.join('\n')) as unknown };
    });
}
