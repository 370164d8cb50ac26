// End to end in Chromium: integration-user badges on the Classic Users list (every page, after
// in-place paging and rolodex filtering), the user detail page, a profile's user list and a
// permission set's assignments; hostile names stay text; an expired session leaves the page
// unbadged with one message; the icon menu and "Use as profile photo".
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { artifactsDir, launchChromium, loadedClassicFrame } from './lib/chromium.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

const PAGE_SIZE = 10;
// An 8×8 opaque red PNG.
const RED_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAAEklEQVR4nGP4z8DwHx9mGBkKAMLXf4EvceABAAAAAElFTkSuQmCC';
const INTEGRATION = {
  'int-netsuite@acme.example': 0,
  'int-marketo@acme.example': 1,
  'int-tableau@acme.example': 2,
  'int-legacy-erp@acme.example': 2,
  'int-datasync@acme.example': 3,
  'int-zapier@acme.example': 3,
};

/** A REST write through the org's API as the admin (the sim's own session, not the browser's). */
async function apiPost(sim, apiPath, body) {
  const { sid } = (await sim.admin('POST', '/__sim/sessions', { org: 'acme', username: ACME.admin })).body;
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: sim.port, path: apiPath, method: 'POST', rejectUnauthorized: false,
      headers: { authorization: `Bearer ${sid}`, host: ACME.api, 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

const shell = (node, classicPath) =>
  `https://${ACME.setup}/lightning/setup/${node}/page?address=${encodeURIComponent(classicPath)}`;

/** The badges in a frame: user Id, warning count, tooltip, per name link. */
function badgesIn(frame) {
  return frame.locator('[data-ff="badge"]').evaluateAll((nodes) => nodes.map((n) => ({
    user: n.dataset.ffUser,
    warnings: Number(n.dataset.ffWarnings),
    integration: n.dataset.ffIntegration === 'true',
    title: n.title,
    after: n.previousElementSibling?.getAttribute('href') ?? n.previousElementSibling?.className,
  })));
}

/** Waits until the badges have been drawn (or the page's users turned out to have none). */
async function badgesSettled(frame, expected) {
  await frame.waitForFunction((n) => document.querySelectorAll('[data-ff="badge"]').length === n, expected, { timeout: 15000 });
  // One more beat: a second drawing pass would add duplicates now.
  await frame.waitForTimeout(300);
  return badgesIn(frame);
}

describe('Chromium: integration-user badges', () => {
  let sim, browser, page, users, dialogs;
  const queries = async () => (await sim.admin('GET', '/__sim/log')).body
    .filter((c) => c.path.startsWith('/services/data/') && c.path.includes('/query')).length;

  before(async () => {
    sim = await startSim({ args: ['--users-list-ajax', '--users-list-page-size', String(PAGE_SIZE)] });
    browser = await launchChromium();
    page = await browser.context.newPage();
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    await page.goto(loginUrl(ACME));
    users = Object.fromEntries((await sim.query('SELECT Id, Username FROM User'))
      .map((u) => [u.Username, u.Id.slice(0, 15)]));
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  test('with the session expired the list stays unbadged and shows one message', async () => {
    // The API answers 401 INVALID_SESSION_ID (salesforce.md §A.5) while the page itself still renders.
    await sim.admin('POST', '/__sim/faults', {
      kind: 'fail', method: 'GET', path: '/services/data/*/query', status: 401,
      errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid', times: 100,
    });
    try {
      await page.goto(shell('ManageUsers', '/005?isUserEntityOverride=1&rowsperpage=50'));
      const frame = await loadedClassicFrame(page, 'rowsperpage=50');
      const message = frame.locator('[data-ff="badge-message"]');
      await message.waitFor();
      assert.match(await message.textContent(), /session has expired/);
      assert.equal(await message.count(), 1);
      assert.equal(await frame.locator('[data-ff="badge"], [data-ff="health"], [data-ff="badge-menu"]').count(), 0);
      // Every name cell holds the page's own link only.
      const nameCells = await frame.locator('table.list tr.dataRow th').evaluateAll((cells) => cells.map((c) => c.childElementCount));
      assert.equal(nameCells.length, 30);
      assert.ok(nameCells.every((n) => n === 1));
      await page.screenshot({ path: path.join(artifactsDir, 'badges-session-expired.png') });
    } finally {
      await sim.admin('DELETE', '/__sim/faults');
    }
  });

  test('the Users list badges exactly the integration users, with their warnings, in one query', async () => {
    const before = await queries();
    await page.goto(shell('ManageUsers', '/005?isUserEntityOverride=1&setupid=ManageUsers&rowsperpage=50'));
    const frame = await loadedClassicFrame(page, 'setupid=ManageUsers&rowsperpage=50');
    const badges = await badgesSettled(frame, 6);
    assert.equal(await queries() - before, 1, 'one query for the whole page');
    const byUser = Object.fromEntries(badges.map((b) => [b.user, b]));
    for (const [username, warnings] of Object.entries(INTEGRATION)) {
      const badge = byUser[users[username]];
      assert.ok(badge, `${username} has a badge`);
      assert.equal(badge.warnings, warnings, `${username} warnings`);
      assert.ok(badge.integration);
      assert.match(badge.title, /Salesforce Integration user license/);
      assert.equal(badge.after, `/${users[username]}`, 'the badge sits right after the name link');
    }
    // content.css styles the badges by role and state (the scripts set no inline styles): amber with
    // setup warnings, blue without.
    const looks = await frame.locator('[data-ff="badge"]').evaluateAll((nodes) => nodes.map((n) => {
      const style = getComputedStyle(n);
      return { warned: n.dataset.ffWarnings !== '0', border: style.borderTopColor, radius: style.borderTopLeftRadius, inline: n.getAttribute('style') };
    }));
    for (const look of looks) {
      assert.equal(look.border, look.warned ? 'rgb(221, 122, 1)' : 'rgb(1, 118, 211)');
      assert.equal(look.radius, '10px');
      assert.equal(look.inline, null);
    }
    assert.ok(looks.some((l) => l.warned) && looks.some((l) => !l.warned));
    assert.match(byUser[users['int-zapier@acme.example']].title, /Sales Ops.*licensed .Salesforce./);
    assert.match(byUser[users['int-datasync@acme.example']].title, /Salesforce API Only System Integrations/);
    // The hostile name is text: no element came from it, and nothing ran.
    const hostile = frame.locator(`table.list a[href="/${users['xss@acme.example']}"]`);
    assert.equal(await hostile.textContent(), '<img src=x onerror=alert(1)>');
    assert.equal(await frame.locator('table.list img[src="x"]').count(), 0);
    assert.deepEqual(dialogs, []);
    await page.screenshot({ path: path.join(artifactsDir, 'badges-users-list.png') });

    // A revisit within the cache's lifetime asks the API nothing.
    const cached = await queries();
    await page.reload();
    const again = await loadedClassicFrame(page, 'setupid=ManageUsers&rowsperpage=50');
    await badgesSettled(again, 6);
    assert.equal(await queries(), cached, 'no query on a cached revisit');
  });

  test('paging and rolodex filtering re-render the list in place; each row is badged once', async () => {
    await page.goto(shell('ManageUsers', '/005?isUserEntityOverride=1&fcf=00BAM0000000001'));
    const frame = await loadedClassicFrame(page, 'fcf=00BAM0000000001');
    await frame.locator('table.list tr.dataRow').first().waitFor();
    await frame.waitForTimeout(500);
    assert.equal(await frame.locator('[data-ff="badge"]').count(), 0, 'no integration user on page 1');

    await frame.locator('.listElementBottomNav div.next a').click();
    await frame.waitForFunction(() => document.body.dataset.simRerenders === '1');
    const page2 = await badgesSettled(frame, 6);
    assert.deepEqual(new Set(page2.map((b) => b.user)), new Set(Object.keys(INTEGRATION).map((u) => users[u])));
    const perRow = await frame.locator('table.list tr.dataRow').evaluateAll((rows) =>
      rows.map((r) => r.querySelectorAll('[data-ff="badge"]').length));
    assert.ok(perRow.every((n) => n <= 1), 'at most one badge per row');

    await frame.locator('.rolodex a.listItem', { hasText: /^I$/ }).click();
    await frame.waitForFunction(() => document.body.dataset.simRerenders === '2');
    const letterI = await badgesSettled(frame, 6);
    assert.equal(letterI.length, 6);
    assert.equal(await frame.locator('table.list tr.dataRow').count(), 6);

    await frame.locator('.rolodex a.listItem', { hasText: /^T$/ }).click();
    await frame.waitForFunction(() => document.body.dataset.simRerenders === '3');
    await badgesSettled(frame, 0);
    assert.ok(await frame.locator('table.list tr.dataRow').count() > 0, 'T has users, none of them integration users');
  });

  test('the user detail page shows the badge and the setup-health panel', async () => {
    const zapier = users['int-zapier@acme.example'];
    await page.goto(shell('ManageUsers', `/${zapier}?noredirect=1&isUserEntityOverride=1`));
    const frame = await loadedClassicFrame(page, `${zapier}?noredirect=1`);
    const [badge] = await badgesSettled(frame, 1);
    assert.equal(badge.after, 'pageDescription');
    assert.equal(badge.integration, true, 'data-ff-integration marks integration users (for tests and styling; no Forcefield script reads it back)');
    const health = frame.locator('[data-ff="health"]');
    assert.deepEqual(await health.locator('li').evaluateAll((items) => items.map((i) => i.dataset.ffWarning)),
      ['missingIntegrationPsl', 'assignmentWillFail', 'passwordExpires']);
    assert.equal(await health.getAttribute('aria-label'), 'Integration user setup health');

    const netsuite = users['int-netsuite@acme.example'];
    await page.goto(shell('ManageUsers', `/${netsuite}?noredirect=1&isUserEntityOverride=1`));
    const healthy = await loadedClassicFrame(page, `${netsuite}?noredirect=1`);
    await badgesSettled(healthy, 1);
    assert.match(await healthy.locator('[data-ff="health"]').textContent(), /no problems found/);

    const person = users['alan.turing@acme.example'];
    await page.goto(shell('ManageUsers', `/${person}?noredirect=1&isUserEntityOverride=1`));
    const plain = await loadedClassicFrame(page, `${person}?noredirect=1`);
    await plain.waitForTimeout(800);
    assert.equal(await plain.locator('[data-ff="badge"], [data-ff="health"]').count(), 0);
  });

  test('a profile\'s users and a permission set\'s assignments are badged too', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Salesforce API Only System Integrations'");
    const address = `/005?id=${profile.Id.slice(0, 15)}&isUserEntityOverride=1&SetupNode=EnhancedProfiles`;
    await page.goto(shell('EnhancedProfiles', address));
    const frame = await loadedClassicFrame(page, `id=${profile.Id.slice(0, 15)}`);
    const badges = await badgesSettled(frame, 1);
    assert.equal(badges[0].user, users['int-datasync@acme.example']);

    const [salesOps] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Sales_Ops'");
    await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/${salesOps.Id}/PermissionSetAssignment/home`);
    const assignments = await loadedClassicFrame(page, 's=PermissionSetAssignment');
    await assignments.locator('table.list tr.dataRow').first().waitFor();
    const assigned = await badgesSettled(assignments, 1);
    assert.equal(assigned[0].user, users['int-zapier@acme.example']);
    assert.equal(assigned[0].warnings, 3);
    await page.screenshot({ path: path.join(artifactsDir, 'badges-assignments.png') });
  });

  test('the badge menu works by keyboard: an emoji icon is kept and shown after a reload', async () => {
    const tableau = users['int-tableau@acme.example'];
    const open = async () => {
      await page.goto(shell('ManageUsers', `/${tableau}?noredirect=1&isUserEntityOverride=1`));
      const frame = await loadedClassicFrame(page, `${tableau}?noredirect=1`);
      await badgesSettled(frame, 1);
      return frame;
    };
    let frame = await open();
    const badge = frame.locator('[data-ff="badge"]');
    await badge.focus();
    await page.keyboard.press('Enter');
    const menu = frame.locator('[data-ff="badge-menu"]');
    await menu.waitFor();
    assert.equal(await badge.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await frame.evaluate(() => document.activeElement?.dataset.ff), 'badge', 'focus returns to the badge');

    await page.keyboard.press('Enter');
    await frame.locator('[data-ff="badge-menu"] button[aria-label="Use 📊 as icon"]').focus();
    await page.keyboard.press('Enter');
    await frame.locator('[data-ff="badge"] [data-ff="badge-icon"]').waitFor();
    assert.equal(await frame.locator('[data-ff="badge"] [data-ff="badge-icon"]').textContent(), '📊');

    frame = await open();
    assert.equal(await frame.locator('[data-ff="badge"] [data-ff="badge-icon"]').textContent(), '📊', 'kept in extension storage');

    // A picture: cropped, shrunk and painted from its pixels (no URL for the page's CSP to block).
    // The picker's input never enters the page (README "Security"): the admin picks through the
    // file chooser that "Choose picture…" opens.
    await frame.locator('[data-ff="badge"]').click();
    const picture = path.join(os.tmpdir(), `ff-red-${process.pid}.png`);
    await writeFile(picture, Buffer.from(RED_PNG, 'base64'));
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      frame.locator('[data-ff="badge-menu"] button', { hasText: 'Choose picture…' }).click(),
    ]);
    await chooser.setFiles(picture);
    const canvas = frame.locator('[data-ff="badge"] canvas[data-ff="badge-icon"]');
    await canvas.waitFor();
    const pixel = await canvas.evaluate((c) => [...c.getContext('2d').getImageData(8, 8, 1, 1).data]);
    assert.deepEqual(pixel, [255, 0, 0, 255]);
  });

  test('"Use as profile photo" asks first, then sets the photo through the Connect API', async () => {
    const tableau = users['int-tableau@acme.example'];
    await page.goto(shell('ManageUsers', `/${tableau}?noredirect=1&isUserEntityOverride=1`));
    const frame = await loadedClassicFrame(page, `${tableau}?noredirect=1`);
    await badgesSettled(frame, 1);
    const [before] = await sim.query(`SELECT SmallPhotoUrl FROM User WHERE Id = '${tableau}'`);
    await frame.locator('[data-ff="badge"]').click();
    await frame.locator('[data-ff="badge-menu"] button', { hasText: 'Use as profile photo…' }).click();
    const confirm = frame.locator('[data-ff="photo-confirm"]');
    await confirm.waitFor();
    const [unchanged] = await sim.query(`SELECT SmallPhotoUrl FROM User WHERE Id = '${tableau}'`);
    assert.equal(unchanged.SmallPhotoUrl, before.SmallPhotoUrl, 'nothing is written before the admin confirms');
    await frame.locator('[data-ff="photo-confirm-yes"]').click();
    await frame.locator('[data-ff="badge-menu-status"]', { hasText: 'Profile photo set.' }).waitFor();
    const [after] = await sim.query(`SELECT SmallPhotoUrl FROM User WHERE Id = '${tableau}'`);
    assert.notEqual(after.SmallPhotoUrl, before.SmallPhotoUrl);
    const log = (await sim.admin('GET', '/__sim/log')).body;
    const photo = log.filter((c) => c.method === 'POST' && c.path.includes('/connect/user-profiles/'));
    assert.equal(photo.length, 1);
    assert.equal(photo[0].host, ACME.api, 'the write goes to the org\'s API host');
    await page.screenshot({ path: path.join(artifactsDir, 'badges-photo.png') });
  });

  test('markup in a user name and a permission set label stays text in the badge', async () => {
    // The seed's user named `<img src=x onerror=alert(1)>` gets API Only User through a
    // permission set whose label is markup too.
    const created = await apiPost(sim, '/services/data/v66.0/sobjects/PermissionSet',
      { Name: 'Hostile_Api_Only', Label: '<img src=x onerror=alert(2)>', PermissionsApiUserOnly: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const hostileUser = users['xss@acme.example'];
    const assigned = await apiPost(sim, '/services/data/v66.0/sobjects/PermissionSetAssignment',
      { AssigneeId: hostileUser, PermissionSetId: created.body.id });
    assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
    // The cached classification (unmarked) would hide the change for five minutes.
    await browser.worker.evaluate(() => chrome.storage.session.clear());

    await page.goto(shell('ManageUsers', `/${hostileUser}?noredirect=1&isUserEntityOverride=1`));
    const frame = await loadedClassicFrame(page, `${hostileUser}?noredirect=1`);
    const [badge] = await badgesSettled(frame, 1);
    assert.equal(badge.integration, false);
    assert.match(badge.title, /API Only User, granted by permission set .<img src=x onerror=alert\(2\)>./);
    assert.equal(await frame.locator('[data-ff="badge"] [data-ff="badge-label"]').textContent(), 'API only');
    assert.equal(await frame.locator('img[src="x"]').count(), 0, 'no element came from the markup');
    assert.equal(await frame.locator('[data-ff="health"]').count(), 0, 'no health panel for a person');
    assert.equal(await frame.locator('h2.pageDescription').textContent(), '<img src=x onerror=alert(1)>');
    await frame.waitForTimeout(300);
    assert.deepEqual(dialogs, [], 'nothing ran');
  });
});
