import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

/**
 * A real browser for end-to-end tests of the pages the services serve (the SEF print page):
 * Debian's Chromium driven by playwright-core. Browsers cannot be downloaded on the build
 * machines, so playwright's own builds are never used; tests skip when `chromiumAvailable()` is
 * false.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A table's own rows (not those of a table nested in a cell), in document order. */
const OWN_ROWS = [
  ':scope > thead > tr',
  ':scope > tbody > tr',
  ':scope > tfoot > tr',
  ':scope > tr',
].join(', ');

export interface RenderedPage {
  title: string;
  /** The body's innerText, as a reader sees it. */
  text: string;
  /** Every `<table id>` by id: its rows (header and footer rows included) as cell texts. */
  tables: Record<string, string[][]>;
}

/** Whether Debian's Chromium is installed, so browser tests can run. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/**
 * Opens `url` in headless Chromium with a fresh profile, sends `headers` (e.g. an Authorization
 * bearer) with every request, waits for the load event, saves a full-page PNG at
 * `screenshotPath` and returns what the page shows. Throws after the screenshot when the server
 * answered with an HTTP error status. The browser and its profile are always removed.
 */
export async function renderPage(
  url: string,
  options: { screenshotPath: string; headers?: Record<string, string> },
): Promise<RenderedPage> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'headless-browser-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      extraHTTPHeaders: options.headers ?? {},
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      timeout: 60_000,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
      await mkdir(dirname(options.screenshotPath), { recursive: true });
      await page.screenshot({ path: options.screenshotPath, fullPage: true, type: 'png' });

      const text = await page.locator('body').innerText();
      if (response && response.status() >= 400) {
        throw new Error(`GET ${url} answered ${response.status()}: ${text.slice(0, 200)}`);
      }

      const tables: Record<string, string[][]> = {};
      for (const table of await page.locator('table[id]').all()) {
        const id = await table.getAttribute('id');
        if (!id) continue;
        const rows: string[][] = [];
        for (const tr of await table.locator(OWN_ROWS).all()) {
          const cells = await tr.locator(':scope > th, :scope > td').allInnerTexts();
          rows.push(cells.map((c) => c.trim()));
        }
        tables[id] = rows;
      }
      return { title: await page.title(), text, tables };
    } finally {
      await context.close();
    }
  } finally {
    await rm(userDataDir, { recursive: true, force: true });
  }
}
