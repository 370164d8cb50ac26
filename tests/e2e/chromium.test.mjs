// End to end in Chromium: the built extension on the simulated org's Setup pages.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { artifactsDir, frameWithUrl, launchChromium, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, UAT, loginUrl, startSim } from './lib/sim.mjs';

const CLASSIC_HOME = '/setup/forcecomHomepage.apexp';

describe('Chromium: the walking skeleton', () => {
  let sim, browser, setupPage;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    setupPage = await browser.context.newPage();
    await setupPage.goto(loginUrl(ACME));
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  test('login lands on the Lightning Setup shell of the Setup domain', async () => {
    assert.equal(new URL(setupPage.url()).host, ACME.setup);
    assert.match(setupPage.url(), /\/lightning\/setup\/SetupOneHome\/home/);
  });

  test('the content script marks the Classic page inside the Lightning iframe', async () => {
    const classic = await frameWithUrl(setupPage, CLASSIC_HOME);
    assert.notEqual(classic, setupPage.mainFrame(), 'the Classic page is a child frame');
    const marker = classic.locator('body > [data-ff="marker"]');
    await marker.waitFor({ state: 'attached' });
    assert.equal(await marker.getAttribute('data-ff-surface'), 'classicSetup');
    assert.equal(await marker.getAttribute('data-ff-org'), ACME.orgId);
    assert.equal(await marker.count(), 1, 'exactly one marker');
    const shellMarker = setupPage.locator('body > [data-ff="marker"]');
    await shellMarker.waitFor({ state: 'attached' });
    assert.equal(await shellMarker.getAttribute('data-ff-surface'), 'lightningSetup');
    await setupPage.screenshot({ path: path.join(artifactsDir, 'chromium-setup-home.png') });
  });

  test('the popup shows the org and the user fetched with the session cookie', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    assert.ok(tabId, 'the Setup tab is known to the extension');
    const before = (await sim.admin('GET', '/__sim/log')).body.length;
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    assert.equal(await popup.locator('[data-ff="org-name"]').textContent(), ACME.name);
    assert.equal(await popup.locator('[data-ff="org-kind"]').textContent(), 'Production');
    assert.equal(await popup.locator('[data-ff="my-domain"]').textContent(), 'acme');
    assert.equal(await popup.locator('[data-ff="user-name"]').textContent(), ACME.adminName);
    assert.equal(await popup.locator('[data-ff="username"]').textContent(), ACME.admin);
    assert.equal(await popup.locator('[data-ff="api"]').textContent(), `v66.0 on ${ACME.api}`);
    await popup.screenshot({ path: path.join(artifactsDir, 'chromium-popup.png') });

    const calls = (await sim.admin('GET', '/__sim/log')).body.slice(before);
    const api = calls.filter((c) => c.path.startsWith('/services/'));
    assert.ok(api.length > 0, 'the popup called the API');
    assert.ok(api.every((c) => c.host === ACME.api), 'API calls go to the org\'s own API host only');
    assert.ok(api.filter((c) => c.path !== '/services/data/').every((c) => c.auth_sent && c.status === 200));
    await popup.close();
  });

  test('the API version is read once per org, not on every popup', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const before = (await sim.admin('GET', '/__sim/log')).body.length;
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    await popup.locator('[data-ff="org-name"]').waitFor();
    const calls = (await sim.admin('GET', '/__sim/log')).body.slice(before);
    assert.equal(calls.filter((c) => c.path === '/services/data/').length, 0);
    await popup.close();
  });

  test('a second org in another tab stays apart', async () => {
    const uatPage = await browser.context.newPage();
    await uatPage.goto(loginUrl(UAT, UAT.admin, `https://${UAT.lightning}/lightning/setup/SetupOneHome/home`));
    assert.equal(new URL(uatPage.url()).host, UAT.lightning);
    const classic = await frameWithUrl(uatPage, CLASSIC_HOME);
    const marker = classic.locator('body > [data-ff="marker"]');
    await marker.waitFor({ state: 'attached' });
    assert.equal(await marker.getAttribute('data-ff-org'), UAT.orgId);

    const uatTab = await tabIdFor(browser.worker, `https://${UAT.lightning}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, uatTab);
    assert.equal(await popup.locator('[data-ff="org-name"]').textContent(), UAT.name);
    assert.equal(await popup.locator('[data-ff="org-kind"]').textContent(), 'Sandbox');
    assert.equal(await popup.locator('[data-ff="my-domain"]').textContent(), 'acme — sandbox uat');
    assert.equal(await popup.locator('[data-ff="username"]').textContent(), UAT.admin);
    await popup.close();

    const acmeTab = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const acmePopup = await openPopup(browser.context, browser.extensionId, acmeTab);
    assert.equal(await acmePopup.locator('[data-ff="username"]').textContent(), ACME.admin);
    await acmePopup.close();
    await uatPage.close();
  });

  test('the per-org switch turns Forcefield off for that org only', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    const toggle = popup.locator('[data-ff="org-enabled"]');
    assert.equal(await toggle.isChecked(), true);
    await toggle.uncheck();
    await popup.locator('[data-ff="toggle-note"]', { hasText: 'off' }).waitFor();

    await setupPage.reload();
    const classic = await frameWithUrl(setupPage, CLASSIC_HOME);
    await classic.locator('body.sfdcBody').waitFor();
    // Give the content script time to ask and be told no.
    await setupPage.waitForTimeout(1000);
    assert.equal(await classic.locator('[data-ff]').count(), 0, 'no Forcefield element on a switched-off org');

    await toggle.check();
    await popup.locator('[data-ff="toggle-note"]', { hasText: 'on' }).waitFor();
    await popup.close();
    await setupPage.reload();
    const again = await frameWithUrl(setupPage, CLASSIC_HOME);
    await again.locator('body > [data-ff="marker"]').waitFor({ state: 'attached' });
  });

  test('unreadable settings keep Forcefield off; the popup says why and keeps what was stored', async () => {
    const key = `org:${ACME.orgId}`;
    await browser.worker.evaluate((key) => chrome.storage.local.set({ [key]: { enabled: 'yes' } }), key);
    await setupPage.reload();
    const classic = await frameWithUrl(setupPage, CLASSIC_HOME);
    await classic.locator('body.sfdcBody').waitFor();
    // Give the content script time to ask and be told no.
    await setupPage.waitForTimeout(1000);
    assert.equal(await classic.locator('[data-ff]').count(), 0, 'unreadable settings never turn Forcefield on');

    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    assert.match(await popup.locator('[data-ff="settings-problem"]').textContent(), /could not be read.*stays off/);
    assert.equal(await popup.locator('[data-ff="org-enabled"]').isChecked(), false);
    const kept = popup.locator('[data-ff="set-aside"]');
    assert.match(await kept.textContent(), /settings for this org could not be read/);
    const href = await kept.locator('[data-ff="set-aside-save"]').getAttribute('href');
    assert.equal(await popup.evaluate((url) => fetch(url).then((r) => r.text()), href), '{"enabled":"yes"}');
    await popup.screenshot({ path: path.join(artifactsDir, 'chromium-popup-unreadable-settings.png') });

    // Switching it on replaces the value; what was kept stays until forgotten.
    await popup.locator('[data-ff="org-enabled"]').check();
    await popup.locator('[data-ff="toggle-note"]', { hasText: 'on' }).waitFor();
    await kept.locator('[data-ff="set-aside-forget"]').click();
    await kept.waitFor({ state: 'detached' });
    assert.deepEqual(await browser.worker.evaluate((key) => chrome.storage.local.get(`unreadable:${key}`), key), {});
    await popup.close();
    await setupPage.reload();
    const again = await frameWithUrl(setupPage, CLASSIC_HOME);
    await again.locator('body > [data-ff="marker"]').waitFor({ state: 'attached' });
  });

  test('with the session expired, the popup says so clearly', async () => {
    assert.equal((await sim.admin('POST', '/__sim/expire-sessions')).status, 204);
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    const error = popup.locator('[data-ff="status-error"]');
    assert.match(await error.textContent(), /session has expired\. Reload the Salesforce tab/);
    assert.equal(await popup.locator('[data-ff="org-name"]').count(), 0);
    await popup.screenshot({ path: path.join(artifactsDir, 'chromium-popup-expired.png') });
    await popup.close();
  });

  test('a non-Salesforce tab gets a plain explanation', async () => {
    const page = await browser.context.newPage();
    await page.goto('about:blank');
    const tabId = await browser.worker.evaluate(async () => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((t) => !t.url)?.id ?? null;
    });
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    assert.match(await popup.locator('[data-ff="status-error"]').textContent(), /Open a Salesforce org/);
    await popup.close();
    await page.close();
  });
});
