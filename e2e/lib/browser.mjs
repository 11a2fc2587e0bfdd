// Debian's Chromium driven by playwright-core, and the accessibility check of each page.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const here = new URL('.', import.meta.url).pathname;
export const OUT_DIR = resolve(here, '../out');
const AXE_SOURCE = readFileSync(resolve(here, '../vendor/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.COCITY_E2E_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Playwright gives every launch a fresh temporary
 * --user-data-dir of its own (it refuses one in `args`), so no profile state leaks
 * between runs.
 */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium chromium-driver`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context for one person. `locale` sets both navigator.language and the
 * Accept-Language header. Every page of it records console errors and CSP violations so
 * that a test can assert the pages run under their Content-Security-Policy untouched.
 */
export async function newPerson(browser, { locale = 'it-IT' } = {}) {
  const context = await browser.newContext({ locale, extraHTTPHeaders: { 'Accept-Language': locale } });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    // A refused page (401/403) is logged by Chromium as a failed load; the scenario asserts
    // those statuses itself, so only other errors (a 404 asset, a CSP violation) count.
    const refusal = /Failed to load resource: the server responded with a status of 40[13]\b/;
    if (m.type() === 'error' && !refusal.test(m.text())) {
      page.problems.push(`console error on ${page.url()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => page.problems.push(`script error on ${page.url()}: ${e.message}`));
  return { context, page };
}

/** Every URL the suite checked with axe, for the closing summary. */
export const checkedPages = [];

/**
 * Runs axe-core on the page as it is now and throws, listing every violation, when any is
 * serious or critical. axe is evaluated through the DevTools protocol (page.evaluate),
 * which the page's Content-Security-Policy does not govern, so the CSP stays enforced:
 * no bypassCSP, no inline script tag.
 */
export async function assertAccessible(page, label = page.url()) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  checkedPages.push(label);
  const blocking = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const describe = (vs) =>
    vs
      .map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    at ${n.target}\n      ${String(n.summary).replace(/\n/g, '\n      ')}`).join('\n')}`)
      .join('\n');
  const minor = result.filter((v) => !blocking.includes(v));
  if (minor.length > 0) {
    console.log(`# axe on ${label}: ${minor.length} minor/moderate finding(s)\n${describe(minor)}`);
  }
  if (blocking.length > 0) {
    throw new Error(`axe found ${blocking.length} serious or critical violation(s) on ${label}:\n${describe(blocking)}`);
  }
}

export function screenshotPath(name) {
  mkdirSync(OUT_DIR, { recursive: true });
  return resolve(OUT_DIR, name);
}
