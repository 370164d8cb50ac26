// End to end in Chromium: a Salesforce page's own scripts can't drive Forcefield (issue #12).
// Each trick runs as the page would run it (in the page's JavaScript world: `.click()`,
// `dispatchEvent`, planted attributes, a script-set file) and must have no effect, while the
// admin's real input (Playwright's clicks and keys are the browser's own, trusted input) still
// works. The background's rules are tried from inside Forcefield's content-script world, as a
// compromised content script would; the token's path is checked against a redirect to another
// host, on the sim's request log.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ATTACKER_HOST, artifactsDir, contentScriptWorld, launchChromium, loadedClassicFrame, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, UAT, loginUrl, startSim } from './lib/sim.mjs';

// 8×8 opaque PNGs: the admin's red picture and the page's green one.
const RED_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAAEklEQVR4nGP4z8DwHx9mGBkKAMLXf4EvceABAAAAAElFTkSuQmCC';
const GREEN_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEElEQVR42mNg+M+AHQ0tCQDpMD/BHYHcAQAAAABJRU5ErkJggg==';

const shell = (org, node, classicPath) =>
  `https://${org.setup}/lightning/setup/${node}/page?address=${encodeURIComponent(classicPath)}`;

/** Resolves once Forcefield's badges have answered and drawn on this frame (its User Timing mark). */
const badgesDrawn = (frame) =>
  frame.waitForFunction(() => performance.getEntriesByName('forcefield:badges').length > 0, null, { timeout: 15000 });

describe('Chromium: the page can\'t drive Forcefield', () => {
  let sim, browser, page, users, generatorTabs;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    const uat = await browser.context.newPage();
    await uat.goto(loginUrl(UAT));
    await uat.close();
    users = Object.fromEntries((await sim.query('SELECT Id, Username FROM User'))
      .map((u) => [u.Username.split('@')[0], u.Id.slice(0, 15)]));
    generatorTabs = [];
    browser.context.on('page', (opened) => {
      opened.waitForURL(/\/app\/generator\.html/, { timeout: 15000 }).then(() => generatorTabs.push(opened), () => {});
    });
  });

  beforeEach(async () => {
    await sim.admin('DELETE', '/__sim/faults');
    for (const extra of browser.context.pages().filter((p) => p !== page)) await extra.close();
    generatorTabs.length = 0;
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const openUser = async (userId) => {
    await page.goto(shell(ACME, 'ManageUsers', `/${userId}?noredirect=1&isUserEntityOverride=1`));
    const frame = await loadedClassicFrame(page, `/${userId}?noredirect=1`);
    await badgesDrawn(frame);
    return frame;
  };

  test('five faked clicks on "Generate permission set" open no tab; the admin\'s one click opens one', async () => {
    const frame = await openUser(users['int-netsuite']);
    const button = frame.locator('[data-ff="generate"]');
    await button.waitFor();
    // The page's scripts: `.click()`, a dispatched click, a dispatched Enter; five times.
    const seen = await frame.evaluate(() => {
      const control = document.querySelector('[data-ff="generate"]');
      const trusted = [];
      control.addEventListener('click', (event) => trusted.push(event.isTrusted));
      for (let i = 0; i < 5; i++) {
        control.click();
        control.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
        control.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }
      return trusted;
    });
    assert.ok(seen.length > 0 && seen.every((trusted) => trusted === false), 'the page\'s clicks reached the button, untrusted');
    // The same on the permission set list's button.
    await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/home`);
    const list = await loadedClassicFrame(page, '/0PS');
    await list.locator('[data-ff="generate"]').waitFor();
    await list.evaluate(() => {
      for (let i = 0; i < 5; i++) document.querySelector('[data-ff="generate"]').click();
    });
    // The admin's click is answered after every faked one was: had any opened a tab, it would be
    // open by the time the admin's is.
    const [opened] = await Promise.all([
      browser.context.waitForEvent('page'),
      list.locator('[data-ff="generate"]').click(),
    ]);
    await opened.waitForURL(/\/app\/generator\.html/);
    await opened.locator('body[data-ff-ready="true"]').waitFor();
    await page.waitForTimeout(500);
    const open = browser.context.pages().filter((p) => p.url().includes('/app/generator.html'));
    assert.equal(open.length, 1, `tabs: ${browser.context.pages().map((p) => p.url()).join(', ')}`);
  });

  test('a faked "user classified" event or a planted badge puts no button on a person\'s page', async () => {
    const person = users['alan.turing'];
    const trickster = await browser.context.newPage();
    // The page's own script, before Forcefield runs: a badge copied from an integration user's
    // page, marked as an integration user, beside this person's name.
    await trickster.addInitScript((userId) => {
      document.addEventListener('DOMContentLoaded', () => {
        const title = document.querySelector('.bPageTitle h2.pageDescription');
        if (!title) return;
        const fake = document.createElement('span');
        fake.dataset.ff = 'badge';
        fake.dataset.ffUser = userId;
        fake.dataset.ffIntegration = 'true';
        fake.dataset.ffKinds = 'integrationLicense';
        fake.textContent = 'Integration';
        title.after(fake);
      });
    }, person);
    await trickster.goto(shell(ACME, 'ManageUsers', `/${person}?noredirect=1&isUserEntityOverride=1`));
    const frame = await loadedClassicFrame(trickster, `/${person}?noredirect=1`);
    await badgesDrawn(frame);
    assert.equal(await frame.locator('[data-ff="badge"][data-ff-integration="true"]').count(), 1, 'the planted badge is there');
    // Listeners run inside dispatchEvent: a button placed in answer would be there on return.
    const afterEvents = await frame.evaluate((userId) => {
      for (const detail of [{ userId, integration: true }, { userId, integration: true, kinds: ['integrationLicense'] }]) {
        document.dispatchEvent(new CustomEvent('forcefield:user-classified', { detail }));
        window.dispatchEvent(new CustomEvent('forcefield:user-classified', { detail }));
      }
      return document.querySelectorAll('[data-ff="generate"]').length;
    }, person);
    assert.equal(afterEvents, 0);
    await frame.waitForTimeout(300);
    assert.equal(await frame.locator('[data-ff="generate"]').count(), 0, 'no "Generate permission set" for a person');
    await trickster.screenshot({ path: path.join(artifactsDir, 'security-person-no-generate.png') });
    await trickster.close();

    // The core's own verdict still puts it there for an integration user.
    const frameOfIntegration = await openUser(users['int-marketo']);
    await frameOfIntegration.locator('[data-ff="generate"]').waitFor();
  });

  test('a faked click or key press leaves the badge menu closed; the admin\'s click opens it', async () => {
    const frame = await openUser(users['int-marketo']);
    const badge = frame.locator('[data-ff="badge"]');
    // One faked input at a time (a second would close what a first opened): the menu's state
    // after each. Listeners run inside the call, so a menu opened in answer is there on return.
    const opened = await frame.evaluate(() => {
      const node = document.querySelector('[data-ff="badge"]');
      const menus = () => document.querySelectorAll('[data-ff="badge-menu"]').length;
      node.focus();
      return [
        () => node.click(),
        () => node.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window })),
        () => node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true })),
        () => node.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, cancelable: true })),
      ].map((fake) => {
        const before = menus();
        fake();
        return menus() - before;
      });
    });
    assert.deepEqual(opened, [0, 0, 0, 0], 'no faked input opened the menu');
    assert.equal(await badge.getAttribute('aria-expanded'), 'false');
    assert.equal(await frame.locator('[data-ff="badge-menu"]').count(), 0);

    await badge.click();
    await frame.locator('[data-ff="badge-menu"]').waitFor();
    // With the menu open, the page's clicks on its items choose nothing either.
    await frame.evaluate(() => {
      for (const item of document.querySelectorAll('[data-ff="badge-menu"] button')) item.click();
    });
    await frame.waitForTimeout(300);
    assert.equal(await frame.locator('[data-ff="badge"] [data-ff="badge-icon"]').count(), 0, 'no icon chosen by the page');
    await page.keyboard.press('Escape');
  });

  test('a script-set file with a faked change stores nothing; the admin\'s own pick is kept as picked', async () => {
    const userId = users['int-datasync'];
    let frame = await openUser(userId);
    await frame.locator('[data-ff="badge"]').click();
    await frame.locator('[data-ff="badge-menu"]').waitFor();
    // The page looks for Forcefield's file input to fill it with its own picture and fake the
    // change, and fakes a click on "Choose picture…".
    const found = await frame.evaluate((greenPng) => {
      const bytes = Uint8Array.from(atob(greenPng), (c) => c.charCodeAt(0));
      const inputs = [...document.querySelectorAll('input[type="file"]')];
      for (const input of inputs) {
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'page.png', { type: 'image/png' }));
        input.files = transfer.files;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
      document.querySelector('[data-ff="badge-menu"] button[aria-label="Choose a picture as icon"]').click();
      return inputs.length;
    }, GREEN_PNG);
    await frame.waitForTimeout(500);
    frame = await openUser(userId);
    assert.equal(await frame.locator('[data-ff="badge"] [data-ff="badge-icon"]').count(), 0, 'nothing stored');
    assert.equal(found, 0, 'Forcefield\'s picture input is not in the page');

    // The admin picks a picture; the page tries to swap its own in on every change and input
    // event it can see, before Forcefield's listener would read the file.
    await frame.evaluate((greenPng) => {
      const bytes = Uint8Array.from(atob(greenPng), (c) => c.charCodeAt(0));
      window.swapAttempts = 0;
      for (const type of ['change', 'input']) {
        window.addEventListener(type, (event) => {
          const target = event.composedPath()[0];
          if (!(target instanceof HTMLInputElement) || target.type !== 'file') return;
          window.swapAttempts++;
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], 'page.png', { type: 'image/png' }));
          target.files = transfer.files;
        }, true);
      }
    }, GREEN_PNG);
    await frame.locator('[data-ff="badge"]').click();
    const picture = path.join(os.tmpdir(), `ff-admin-red-${process.pid}.png`);
    await writeFile(picture, Buffer.from(RED_PNG, 'base64'));
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      frame.locator('[data-ff="badge-menu"] button[aria-label="Choose a picture as icon"]').click(),
    ]);
    await chooser.setFiles(picture);
    const canvas = frame.locator('[data-ff="badge"] canvas[data-ff="badge-icon"]');
    await canvas.waitFor();
    assert.deepEqual(await canvas.evaluate((c) => [...c.getContext('2d').getImageData(4, 4, 1, 1).data]), [255, 0, 0, 255],
      'the admin\'s red picture, not the page\'s green one');
    assert.equal(await frame.evaluate(() => window.swapAttempts), 0, 'the page never saw the picker\'s input');
  });

  test('a content script asking about another tab\'s org learns nothing about it', async () => {
    await page.goto(shell(ACME, 'ManageUsers', '/005?isUserEntityOverride=1'));
    await loadedClassicFrame(page, '/005?isUserEntityOverride=1');
    const world = await contentScriptWorld(page, '/005?isUserEntityOverride=1');
    try {
      const reply = await world.evaluate((tabUrl) => chrome.runtime.sendMessage({ type: 'orgStatus', tabUrl }),
        `https://${UAT.lightning}/lightning/setup/SetupOneHome/home`);
      const text = JSON.stringify(reply);
      assert.doesNotMatch(text, /admin@acme\.example\.uat/, text);
      assert.doesNotMatch(text, /Ada Lovelace \(UAT\)/, text);
      assert.doesNotMatch(text, new RegExp(UAT.orgId), text);
    } finally {
      await world.detach();
    }
  });

  test('a content script can\'t switch Forcefield off for another org', async () => {
    await page.goto(shell(ACME, 'ManageUsers', '/005?isUserEntityOverride=1'));
    await loadedClassicFrame(page, '/005?isUserEntityOverride=1');
    const world = await contentScriptWorld(page, '/005?isUserEntityOverride=1');
    try {
      await world.evaluate((orgId) => chrome.runtime.sendMessage({ type: 'setOrgEnabled', orgId, enabled: false }), UAT.orgId);
    } finally {
      await world.detach();
    }
    const uat = await browser.context.newPage();
    await uat.goto(`https://${UAT.lightning}/lightning/setup/SetupOneHome/home`);
    const classic = await loadedClassicFrame(uat, '/setup/forcecomHomepage.apexp');
    const uatTab = await tabIdFor(browser.worker, `https://${UAT.lightning}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, uatTab);
    const stillOn = await popup.locator('[data-ff="org-enabled"]').isChecked();
    if (!stillOn) await popup.locator('[data-ff="org-enabled"]').check(); // for the tests after this one
    await popup.close();
    // Whatever the background made of the request, the asking frame's org is on for what follows.
    const acmeTab = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const acmePopup = await openPopup(browser.context, browser.extensionId, acmeTab);
    if (!(await acmePopup.locator('[data-ff="org-enabled"]').isChecked())) await acmePopup.locator('[data-ff="org-enabled"]').check();
    await acmePopup.close();
    assert.equal(stillOn, true, 'UAT is still on');
    await classic.locator('body > [data-ff="marker"]').waitFor({ state: 'attached' });
    await uat.close();
  });

  test('a content script can\'t set a person\'s profile photo', async () => {
    const person = users['alan.turing'];
    const [before] = await sim.query(`SELECT SmallPhotoUrl FROM User WHERE Id = '${person}'`);
    await page.goto(shell(ACME, 'ManageUsers', `/${person}?noredirect=1&isUserEntityOverride=1`));
    await loadedClassicFrame(page, `/${person}?noredirect=1`);
    const logged = (await sim.admin('GET', '/__sim/log')).body.length;
    const world = await contentScriptWorld(page, `/${person}?noredirect=1`);
    let reply;
    try {
      reply = await world.evaluate(({ userId, png }) => chrome.runtime.sendMessage({ type: 'setProfilePhoto', userId, pngBase64: png }),
        { userId: person, png: RED_PNG });
    } finally {
      await world.detach();
    }
    assert.notEqual(reply?.type, 'profilePhotoSet', JSON.stringify(reply));
    const [after] = await sim.query(`SELECT SmallPhotoUrl FROM User WHERE Id = '${person}'`);
    assert.equal(after.SmallPhotoUrl, before.SmallPhotoUrl);
    const writes = (await sim.admin('GET', '/__sim/log')).body.slice(logged)
      .filter((c) => c.method !== 'GET' && c.path.startsWith('/services/'));
    assert.deepEqual(writes, [], 'nothing was written to the org');
  });

  test('an API call answered with a redirect to another host: no token there, a clear error here', async () => {
    const collector = `https://${ATTACKER_HOST}/steal/userinfo`;
    // The harness would see a leak: a fetch that follows redirects does reach the other host.
    await sim.admin('POST', '/__sim/faults', { kind: 'redirect', method: 'GET', path: '/services/data/', location: `https://${ATTACKER_HOST}/probe` });
    await browser.worker.evaluate((url) => fetch(url).catch(() => null), `https://${ACME.api}/services/data/`);
    const probe = (await sim.admin('GET', '/__sim/log')).body.filter((c) => c.host === ATTACKER_HOST);
    assert.equal(probe.length, 1, 'a followed redirect reaches the other host and is logged');
    await sim.admin('DELETE', '/__sim/faults');
    const logged = (await sim.admin('GET', '/__sim/log')).body.length;

    // The popup (an extension page running the core).
    await sim.admin('POST', '/__sim/faults', { kind: 'redirect', method: 'GET', path: '/services/oauth2/userinfo', location: collector, times: 10 });
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, tabId);
    const popupError = await popup.locator('[data-ff="status-error"]').textContent();
    await popup.screenshot({ path: path.join(artifactsDir, 'security-popup-redirect.png') });
    await popup.close();
    await sim.admin('DELETE', '/__sim/faults');

    // The background (badges on a Setup page).
    await browser.worker.evaluate(() => chrome.storage.session.clear());
    await sim.admin('POST', '/__sim/faults', { kind: 'redirect', method: 'GET', path: '/services/data/*/query', location: `https://${ATTACKER_HOST}/steal/query`, times: 10 });
    await page.goto(shell(ACME, 'ManageUsers', '/005?isUserEntityOverride=1&rowsperpage=50'));
    const frame = await loadedClassicFrame(page, 'rowsperpage=50');
    const message = frame.locator('[data-ff="badge-message"]');
    await message.waitFor();
    const badgeError = await message.textContent();
    await sim.admin('DELETE', '/__sim/faults');

    const calls = (await sim.admin('GET', '/__sim/log')).body.slice(logged);
    const redirected = calls.filter((c) => c.status === 302 && c.path.startsWith('/services/'));
    assert.ok(redirected.length >= 2, `the API host answered with redirects: ${JSON.stringify(calls)}`);
    assert.ok(redirected.every((c) => c.host === ACME.api));
    assert.deepEqual(calls.filter((c) => c.host === ATTACKER_HOST), [], 'the other host received nothing at all');
    assert.ok(calls.filter((c) => c.auth_sent).every((c) => c.host === ACME.api), 'the token went to the API host only');
    // And the admin is told why.
    assert.match(popupError, /answered with a redirect/);
    assert.match(badgeError, /answered with a redirect/);
  });
});
