// End to end in Firefox ESR: the same extension, loaded as a temporary add-on, on the simulated
// org; the popup finds the session through Firefox's cookie store of the tab (cookieStoreId).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

/** Polls `read` until it returns `count` rows (the page's Save lands asynchronously). */
async function waitForRows(read, count, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const rows = await read();
    if (rows.length === count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Firefox: the walking skeleton', () => {
  let sim, firefox;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    sim = await startSim();
    firefox = await launchFirefox();
  });

  after(async () => {
    await firefox?.quit();
    await sim?.stop();
  });

  test('the content script marks the Classic page inside the Lightning iframe', async () => {
    await firefox.goto(loginUrl(ACME));
    assert.equal(new URL(await firefox.url()).host, ACME.setup);
    await firefox.toClassicFrame();
    const surface = await firefox.waitFor(
      `return document.querySelector('body > [data-ff="marker"]')?.dataset.ffSurface`);
    assert.equal(surface, 'classicSetup');
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="marker"]').dataset.ffOrg`), ACME.orgId);
    await firefox.toTop();
    await firefox.screenshot(path.join(artifacts, 'firefox-setup-home.png'));
  });

  test('bulk toggle: Read for all on a permission set object page, saved by the page', async () => {
    const [permissionSet] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Invoice_Viewer'");
    const address = `/${permissionSet.Id.slice(0, 15)}/e?s=EntityPermissions&o=Contact`;
    await firefox.goto(`https://${ACME.setup}/lightning/setup/PermSets/page?address=${encodeURIComponent(address)}`);
    await firefox.toClassicFrame();
    const enabledReads = `[...document.querySelectorAll('input[type="checkbox"][id$=":fls_read_ck"]')].filter((b) => !b.disabled)`;
    const settled = `return document.querySelector('th > [data-ff="column-toggle"]')
      && !document.querySelector('[data-ff="column-toggle"][aria-busy="true"]')`;
    await firefox.waitFor(settled);
    const expected = await firefox.script(`return ${enabledReads}.length`);
    // A WebDriver click, trusted like the admin's (a scripted click is ignored); the window is
    // tall enough for the shell to show the whole Classic frame, where the click lands.
    await firefox.call('POST', '/window/rect', { width: 1280, height: 1600 });
    const control = await firefox.call('POST', '/element', { using: 'css selector', value: 'th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]' });
    await firefox.call('POST', `/element/${Object.values(control)[0]}/click`, {});
    await firefox.waitFor(settled);
    assert.equal(await firefox.script(`return ${enabledReads}.every((b) => b.checked)`), true);
    await firefox.script(`document.querySelector('[id$="button_pc_save"]').click()`);
    await firefox.toTop();
    const rows = await waitForRows(() => sim.query(
      `SELECT Field FROM FieldPermissions WHERE ParentId = '${permissionSet.Id}' AND SobjectType = 'Contact' AND PermissionsRead = true`), expected);
    assert.equal(rows.length, expected);
  });

  test('the popup finds the session through the tab\'s cookie store', async () => {
    await firefox.openExtensionPage('popup/popup.html');
    await firefox.waitFor(`return document.getElementById('status')?.getAttribute('aria-busy') === 'false'`);
    const tab = await firefox.asyncScript(`
      const done = arguments[arguments.length - 1];
      browser.tabs.query({ url: arguments[0] }).then((tabs) => done(tabs[0] ? { id: tabs[0].id, store: tabs[0].cookieStoreId } : null));`,
    `https://${ACME.setup}/*`);
    assert.ok(tab?.id, 'the Setup tab is visible to the extension');
    assert.ok(tab.store, 'Firefox reports the tab\'s cookie store');
    const search = `?tab=${tab.id}`;
    await firefox.script('location.search = arguments[0]', search);
    // Wait for the navigated document, not the one that started the navigation.
    const name = await firefox.waitFor(`
      if (location.search !== arguments[0] || !document.querySelector('#status[aria-busy="false"]')) return null;
      const error = document.querySelector('[data-ff="status-error"]');
      return document.querySelector('[data-ff="org-name"]')?.textContent ?? 'error: ' + error?.textContent;`,
    { args: [search] });
    assert.equal(name, ACME.name);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="user-name"]').textContent`), ACME.adminName);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="username"]').textContent`), ACME.admin);
    await firefox.screenshot(path.join(artifacts, 'firefox-popup.png'));
  });

  test('with the session expired, the popup says so clearly', async () => {
    assert.equal((await sim.admin('POST', '/__sim/expire-sessions')).status, 204);
    await firefox.call('POST', '/refresh', {});
    const message = await firefox.waitFor(`return document.querySelector('[data-ff="status-error"]')?.textContent`);
    assert.match(message, /session has expired/);
  });
});
