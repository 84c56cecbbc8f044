/**
 * Headless Chromium for the browser tests (flags from ../shared/TESTING.md; never a downloaded browser).
 * The suites run when a Chromium is found (CHROME_PATH, else Debian's /usr/bin/chromium, else a
 * Playwright-installed one); otherwise they are skipped with one line saying how to enable them —
 * except under CI=true, where a missing browser fails the suite.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

/** Screenshots worth looking at (git-ignored). */
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Waits for the page: generous, the machine may be loaded. */
export const WAIT = { timeout: 60_000 };

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const HOW_TO_ENABLE = 'install one (apt-get install chromium) or set CHROME_PATH to a Chrome/Chromium binary';

/** The browser found, or why none was. */
export interface BrowserLookup {
  path?: string;
  reason?: string;
}

/** Where Chromium is: an explicit CHROME_PATH is the only candidate; otherwise the system paths, then Playwright's. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync, playwrightPath: () => string = () => chromium.executablePath()): BrowserLookup {
  if (env.CHROME_PATH) return exists(env.CHROME_PATH) ? { path: env.CHROME_PATH } : { reason: `CHROME_PATH=${env.CHROME_PATH} does not exist` };
  const candidates = [...SYSTEM_PATHS, safely(playwrightPath)].filter((p): p is string => Boolean(p));
  const found = candidates.find(exists);
  return found ? { path: found } : { reason: `no Chromium at ${candidates.join(', ')}` };
}

function safely(get: () => string): string | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}

const lookup = findChromium();

/**
 * `describe` for a suite that needs a browser: runs it when Chromium is found; otherwise
 * skips it with one line on how to enable it, or fails under CI=true.
 */
export function describeWithBrowser(name: string, suite: () => void): void {
  if (lookup.path) return void describe(name, suite);
  const line = `${name}: skipped, ${lookup.reason}; to run it, ${HOW_TO_ENABLE}`;
  if (process.env.CI === 'true') {
    describe(name, () => it('finds a Chromium (required under CI=true)', () => {
      throw new Error(line.replace('skipped', 'cannot run'));
    }));
    return;
  }
  process.stderr.write(line + '\n');
  describe.skip(`${name} (${lookup.reason}; ${HOW_TO_ENABLE})`, suite);
}

/** Launches the Chromium found (and makes the artifacts folder). */
export async function launchChromium(): Promise<Browser> {
  if (!lookup.path) throw new Error(`No Chromium: ${lookup.reason}`);
  await fs.mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: lookup.path, headless: true, args: LAUNCH_ARGS });
}
