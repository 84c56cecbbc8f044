/** Headless Debian Chromium for the browser tests (flags from ../shared/TESTING.md; never a downloaded browser). */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Screenshots worth looking at (git-ignored). */
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Waits for the page: generous, the machine may be loaded. */
export const WAIT = { timeout: 60_000 };

/** Launches Chromium (and makes the artifacts folder). */
export async function launchChromium(): Promise<Browser> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS });
}
