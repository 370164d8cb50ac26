// End to end in Firefox ESR: a Salesforce page's own scripts can't drive Forcefield (issue #12),
// and the token doesn't follow a redirect. WebDriver's "execute script" acts as a page script
// would (its `.click()` and dispatched events are untrusted, which each test checks), while
// WebDriver's element click is the browser's own, trusted input: the admin's.
// The background's rules (tried from a content script's world in Chromium) are not tried here:
// WebDriver can't reach an extension's content-script world in Firefox.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { elementRef, launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');
const ATTACKER_HOST = 'collector.attacker.example'; // Firefox resolves every name to the sim
const GREEN_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEElEQVR42mNg+M+AHQ0tCQDpMD/BHYHcAQAAAABJRU5ErkJggg==';

describe('Firefox: the page can\'t drive Forcefield', () => {
  let sim, firefox, users;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    sim = await startSim();
    firefox = await launchFirefox();
    await firefox.goto(loginUrl(ACME));
    users = Object.fromEntries((await sim.query('SELECT Id, Username FROM User'))
      .map((u) => [u.Username.split('@')[0], u.Id.slice(0, 15)]));
  });

  after(async () => {
    await firefox?.quit();
    await sim?.stop();
  });

  /** Opens a Classic Setup page in the Lightning shell and switches into its frame. */
  const openClassic = async (address, node = 'ManageUsers') => {
    await firefox.toTop();
    await firefox.goto(`https://${ACME.setup}/lightning/setup/${node}/page?address=${encodeURIComponent(address)}`);
    await firefox.toClassicFrame();
    await firefox.waitFor(`return document.body?.classList.contains('sfdcBody')`);
  };

  /** A user's detail page, once Forcefield's badges have answered and drawn. */
  const openUser = async (userId) => {
    await openClassic(`/${userId}?noredirect=1&isUserEntityOverride=1`);
    await firefox.waitFor(`return performance.getEntriesByName('forcefield:badges').length > 0`);
  };

  /** The browser's own click on the element `selector` finds: the admin's. */
  const adminClick = async (selector) => {
    const element = elementRef(await firefox.waitFor('return document.querySelector(arguments[0])', { args: [selector] }));
    const id = Object.values(element)[0];
    await firefox.call('POST', `/element/${id}/click`, {});
  };

  const handles = () => firefox.call('GET', '/window/handles');

  test('five faked clicks on "Generate permission set" open no tab; the admin\'s click opens one', async () => {
    const main = await firefox.call('GET', '/window');
    const before = await handles();
    await openUser(users['int-netsuite']);
    await firefox.waitFor(`return document.querySelector('[data-ff="generate"]')`);
    const seen = await firefox.script(`
      const control = document.querySelector('[data-ff="generate"]');
      const trusted = [];
      control.addEventListener('click', (event) => trusted.push(event.isTrusted));
      for (let i = 0; i < 5; i++) {
        control.click();
        control.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      }
      return trusted;`);
    assert.ok(seen.length > 0 && seen.every((trusted) => trusted === false), `untrusted clicks: ${seen}`);
    // The admin's click is answered after every faked one: had any opened a tab, it would be
    // open by the time the admin's is.
    await adminClick('[data-ff="generate"]');
    const deadline = Date.now() + 15000;
    let now = await handles();
    while (now.length === before.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      now = await handles();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    now = await handles();
    assert.equal(now.length - before.length, 1, 'one tab, from the admin\'s click');
    for (const handle of now.filter((h) => !before.includes(h))) {
      await firefox.call('POST', '/window', { handle });
      await firefox.call('DELETE', '/window');
    }
    await firefox.call('POST', '/window', { handle: main });
  });

  test('a faked "user classified" event or a planted badge puts no button on a person\'s page', async () => {
    const person = users['alan.turing'];
    await openUser(person);
    const buttons = await firefox.script(`
      const userId = arguments[0];
      const title = document.querySelector('.bPageTitle h2.pageDescription');
      const fake = document.createElement('span');
      fake.dataset.ff = 'badge';
      fake.dataset.ffUser = userId;
      fake.dataset.ffIntegration = 'true';
      fake.textContent = 'Integration';
      title.after(fake);
      const detail = { userId, integration: true, kinds: ['integrationLicense'] };
      document.dispatchEvent(new CustomEvent('forcefield:user-classified', { detail }));
      window.dispatchEvent(new CustomEvent('forcefield:user-classified', { detail }));
      return document.querySelectorAll('[data-ff="generate"]').length;`, person);
    assert.equal(buttons, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await firefox.script(`return document.querySelectorAll('[data-ff="generate"]').length`), 0);
    // The core's own verdict still puts it there for an integration user.
    await openUser(users['int-marketo']);
    await firefox.waitFor(`return document.querySelector('[data-ff="generate"]')`);
  });

  test('a faked click or key press leaves the badge menu closed; the admin\'s click opens it', async () => {
    await openUser(users['int-marketo']);
    const opened = await firefox.script(`
      const node = document.querySelector('[data-ff="badge"]');
      const menus = () => document.querySelectorAll('[data-ff="badge-menu"]').length;
      node.focus();
      return [
        () => node.click(),
        () => node.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })),
        () => node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })),
        () => node.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, cancelable: true })),
      ].map((fake) => {
        const before = menus();
        fake();
        return menus() - before;
      });`);
    assert.deepEqual(opened, [0, 0, 0, 0], 'no faked input opened the menu');
    await adminClick('[data-ff="badge"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="badge-menu"]')`);
  });

  test('a script-set file with a faked change stores nothing', async () => {
    const userId = users['int-datasync'];
    await openUser(userId);
    await adminClick('[data-ff="badge"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="badge-menu"]')`);
    const found = await firefox.script(`
      const bytes = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
      const inputs = [...document.querySelectorAll('input[type="file"]')];
      for (const input of inputs) {
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'page.png', { type: 'image/png' }));
        input.files = transfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
      document.querySelector('[data-ff="badge-menu"] button[aria-label="Choose a picture as icon"]').click();
      return inputs.length;`, GREEN_PNG);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await openUser(userId);
    assert.equal(await firefox.script(`return document.querySelectorAll('[data-ff="badge"] [data-ff="badge-icon"]').length`), 0,
      'nothing stored');
    assert.equal(found, 0, 'Forcefield\'s picture input is not in the page');
  });

  test('an API call answered with a redirect to another host: no token there, a clear error here', async () => {
    const logged = (await sim.admin('GET', '/__sim/log')).body.length;
    // The popup (an extension page running the core), for the Setup tab.
    await sim.admin('POST', '/__sim/faults', {
      kind: 'redirect', method: 'GET', path: '/services/oauth2/userinfo',
      location: `https://${ATTACKER_HOST}/steal/userinfo`, times: 10,
    });
    await firefox.toTop();
    const setup = await firefox.call('GET', '/window');
    await firefox.openExtensionPage('popup/popup.html');
    await firefox.waitFor(`return location.protocol === 'moz-extension:' && document.querySelector('#status[aria-busy="false"]')`);
    const tab = await firefox.asyncScript(`
      const done = arguments[arguments.length - 1];
      browser.tabs.query({ url: arguments[0] }).then((tabs) => done(tabs[0]?.id ?? null));`, `https://${ACME.setup}/*`);
    assert.ok(tab, 'the Setup tab is visible to the extension');
    const search = `?tab=${tab}`;
    await firefox.script('location.search = arguments[0]', search);
    const error = await firefox.waitFor(`
      if (location.search !== arguments[0] || !document.querySelector('#status[aria-busy="false"]')) return null;
      return document.querySelector('[data-ff="status-error"]')?.textContent ?? 'no error';`, { args: [search] });
    await firefox.screenshot(path.join(artifacts, 'firefox-security-popup-redirect.png'));
    await firefox.call('DELETE', '/window');
    await firefox.call('POST', '/window', { handle: setup });
    await sim.admin('DELETE', '/__sim/faults');

    // The background (badges on a Setup page).
    await sim.admin('POST', '/__sim/faults', {
      kind: 'redirect', method: 'GET', path: '/services/data/*/query',
      location: `https://${ATTACKER_HOST}/steal/query`, times: 10,
    });
    // Users this run has not badged yet, so the answer is not in the badge cache.
    await openClassic('/005?isUserEntityOverride=1&rowsperpage=50');
    const message = await firefox.waitFor(`return document.querySelector('[data-ff="badge-message"]')?.textContent`);
    await sim.admin('DELETE', '/__sim/faults');

    const calls = (await sim.admin('GET', '/__sim/log')).body.slice(logged);
    const redirected = calls.filter((c) => c.status === 302 && c.path.startsWith('/services/'));
    assert.ok(redirected.length >= 2, `the API host answered with redirects: ${JSON.stringify(calls)}`);
    assert.ok(redirected.every((c) => c.host === ACME.api));
    assert.deepEqual(calls.filter((c) => c.host === ATTACKER_HOST), [], 'the other host received nothing at all');
    assert.ok(calls.filter((c) => c.auth_sent).every((c) => c.host === ACME.api), 'the token went to the API host only');
    // And the admin is told why.
    assert.match(error, /answered with a redirect/);
    assert.match(message, /answered with a redirect/);
  });
});
