// The browser suite of issue 3: a citizen registers and logs in, an officer creates an
// actor, the actor is found in the public list in Italian and in English, a citizen is
// refused officer pages, and axe-core checks every page visited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemo } from '../lib/server.mjs';
import { assertAccessible, checkedPages, launch, newPerson, screenshotPath } from '../lib/browser.mjs';

// The Turin officer that `cocity demo` creates (crates/cocity/src/demo/mod.rs, DEMO_USERS).
const OFFICER = { email: 'ufficio.collaborazione@torino.cocity.example', password: 'demo-officer-2026' };

// A run-unique suffix keeps the names searchable and distinct if a database is reused.
const RUN = Date.now().toString(36);
const CITIZEN = {
  email: `chiara.e2e.${RUN}@example.org`,
  name: 'Chiara Gallo',
  password: `Orti-di-Mirafiori-${RUN}`,
};
const NEW_ACTOR = {
  name: `Comitato Orti Urbani Mirafiori ${RUN}`,
  sector: 'civic',
  level: 'local',
  kind: 'citizen_group',
  description: 'Gruppo di residenti che cura gli orti urbani di Mirafiori Sud con un patto di collaborazione.',
  website: 'https://orti.example.org',
};

/** Submits the form that contains `selector` and waits for the page it leads to. */
async function submit(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator(selector).click(),
  ]);
  return response;
}

async function signedIn(page) {
  return (await page.locator('form[action="/logout"]').count()) > 0;
}

async function logIn(page, baseUrl, { email, password }) {
  await page.goto(`${baseUrl}/login`);
  await assertAccessible(page, 'GET /login');
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await submit(page, 'main form button[type="submit"]');
  assert.ok(await signedIn(page), `after logging in as ${email} the page at ${page.url()} shows no logout button`);
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

describe('cocity in headless Chromium', { timeout: 240_000 }, () => {
  let server;
  let browser;
  const people = [];

  before(async () => {
    server = await startDemo();
    browser = await launch();
  });

  after(async () => {
    // Stop the browser and the server before asserting, so that a failure cannot leave
    // them running and keep the test process alive.
    const problems = people.flatMap((p) => p.page.problems);
    await browser?.close();
    await server?.stop();
    console.log(`# axe checked ${checkedPages.length} page(s): ${checkedPages.join(', ')}`);
    assert.deepEqual(problems, [], 'pages logged console errors (CSP violations among them)');
  });

  async function person(locale = 'it-IT') {
    const p = await newPerson(browser, { locale });
    people.push(p);
    return p.page;
  }

  let citizenPage;

  it('shows the municipality picker with the three demo municipalities', async () => {
    const page = await person();
    const r = await page.goto(`${server.baseUrl}/`);
    assert.equal(r.status(), 200);
    for (const slug of ['torino', 'bologna', 'milano']) {
      assert.equal(await page.locator(`a[href^="/m/${slug}/"]`).count() > 0, true, `no link to /m/${slug}/ on the picker`);
    }
    await assertAccessible(page, 'GET /');
  });

  it('registers a citizen in Turin, who is then signed in', async () => {
    citizenPage = await person();
    const page = citizenPage;
    const r = await page.goto(`${server.baseUrl}/m/torino/register`);
    assert.equal(r.status(), 200);
    await assertAccessible(page, 'GET /m/torino/register');
    await page.locator('input[name="email"]').fill(CITIZEN.email);
    await page.locator('input[name="display_name"]').fill(CITIZEN.name);
    await page.locator('input[name="password"]').fill(CITIZEN.password);
    await page.locator('input[name="password_confirmation"]').fill(CITIZEN.password);
    const after = await submit(page, 'main form button[type="submit"]');
    assert.ok(after.status() < 400, `registration answered ${after.status()} at ${page.url()}`);
    assert.ok(await signedIn(page), `after registering, ${page.url()} shows no logout button`);
    await assertAccessible(page, `after registration: ${new URL(page.url()).pathname}`);
  });

  it('logs the citizen out and in again', async () => {
    const page = citizenPage;
    await submit(page, 'form[action="/logout"] button[type="submit"]');
    assert.equal(await signedIn(page), false, 'still signed in after logging out');
    await assertAccessible(page, `after logout: ${new URL(page.url()).pathname}`);
    await logIn(page, server.baseUrl, CITIZEN);
  });

  it('refuses officer pages to a citizen with 403', async () => {
    const page = citizenPage;
    for (const path of ['/m/torino/actors/new', '/m/torino/audit']) {
      const r = await page.goto(`${server.baseUrl}${path}`);
      assert.equal(r.status(), 403, `${path} answered ${r.status()} to a citizen`);
      assert.equal(await page.locator('input[name="name"]').count(), 0, `${path} shows the actor form to a citizen`);
      await assertAccessible(page, `GET ${path} as citizen (403)`);
    }
  });

  it('lets an officer create an actor', async () => {
    const page = await person();
    await logIn(page, server.baseUrl, OFFICER);
    const r = await page.goto(`${server.baseUrl}/m/torino/actors/new`);
    assert.equal(r.status(), 200);
    await assertAccessible(page, 'GET /m/torino/actors/new as officer');
    await page.locator('[name="name"]').fill(NEW_ACTOR.name);
    await page.locator('[name="sector"]').selectOption(NEW_ACTOR.sector);
    await page.locator('[name="level"]').selectOption(NEW_ACTOR.level);
    await page.locator('[name="kind"]').selectOption(NEW_ACTOR.kind);
    await page.locator('[name="description"]').fill(NEW_ACTOR.description);
    await page.locator('[name="website"]').fill(NEW_ACTOR.website);
    const done = await submit(page, 'main form button[type="submit"]');
    assert.ok(done.status() < 400, `creating the actor answered ${done.status()}`);
    assert.match(new URL(page.url()).pathname, /^\/m\/torino\/actors\/\d+$/, `after creating, the browser is at ${page.url()}`);
    assert.ok((await page.content()).includes(NEW_ACTOR.name), 'the new actor page does not show its name');
    await assertAccessible(page, 'GET /m/torino/actors/{id} (new actor)');
  });

  it('finds the new actor in the public list in Italian (Accept-Language: it)', async () => {
    const page = await person('it-IT');
    const r = await page.goto(`${server.baseUrl}/m/torino/actors?q=${encodeURIComponent('Orti Urbani Mirafiori')}`);
    assert.equal(r.status(), 200);
    assert.equal(await htmlLang(page), 'it');
    assert.ok(await page.getByText(NEW_ACTOR.name).count() > 0, 'the new actor is not in the Italian list');
    await assertAccessible(page, 'GET /m/torino/actors?q=… (it)');

    // The whole Turin list, as a visitor first sees it, for a person to look at.
    await page.goto(`${server.baseUrl}/m/torino/actors`);
    assert.ok(await page.getByText('Fondazione Torino Smart City').count() > 0, 'the demo actors are not listed');
    await assertAccessible(page, 'GET /m/torino/actors (it)');
    await page.screenshot({ path: screenshotPath('actors-list-it.png'), fullPage: true });
  });

  it('finds the new actor in the public list in English (Accept-Language: en)', async () => {
    const page = await person('en-GB');
    const r = await page.goto(`${server.baseUrl}/m/torino/actors?q=${encodeURIComponent('orti urbani mirafiori')}`);
    assert.equal(r.status(), 200);
    assert.equal(await htmlLang(page), 'en');
    assert.ok(await page.getByText(NEW_ACTOR.name).count() > 0, 'the new actor is not in the English list');
    await assertAccessible(page, 'GET /m/torino/actors?q=… (en)');
    await page.screenshot({ path: screenshotPath('actors-list-en.png'), fullPage: true });
  });

  it('switches language with the switch on the page', async () => {
    const page = await person('it-IT');
    await page.goto(`${server.baseUrl}/m/torino/actors?q=${encodeURIComponent('Orti Urbani Mirafiori')}`);
    assert.equal(await htmlLang(page), 'it');
    await page.locator('#lang-select').selectOption('en');
    await submit(page, 'form[action="/lang"] button[type="submit"]');
    assert.equal(await htmlLang(page), 'en', `after switching to English the page at ${page.url()} is not in English`);
    assert.ok(await page.getByText(NEW_ACTOR.name).count() > 0, 'the switch lost the list the person was on');
    await assertAccessible(page, 'after language switch (en)');
    // The choice sticks: the next page is in English although the browser asks for Italian.
    await page.goto(`${server.baseUrl}/m/torino/actors`);
    assert.equal(await htmlLang(page), 'en');
  });
});
