// Finds the headless browser for the dashboard tests: $CHROMIUM_PATH, else Debian's `chromium`
// (.ci/run installs it with apt-get). When none is found the tests skip and print why.
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

/** The browser executable, or null. */
export const chromiumPath = CANDIDATES.find((p) => existsSync(p)) ?? null;

/** Why the browser tests skip, or null when they run. */
export const browserSkipReason = chromiumPath
  ? null
  : `no Chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`;

/** Where screenshots go (gitignored; CI keeps them as artifacts). */
export const SCREENSHOTS = resolve('.tasker-test/screenshots');

/** Starts headless Chromium (no sandbox: CI containers run as root). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const { launch } = await import('puppeteer-core');
  return launch({
    executablePath: chromiumPath!,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
    defaultViewport: { width: 1280, height: 900 },
  });
}
