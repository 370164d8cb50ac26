// End to end in Chromium: the access review of an integration user, opened from the user's page,
// the badge's menu and the health panel (trusted clicks only); every grant with its source, a
// group with its muting set applied, View All Fields as an override, broad grants flagged with
// their reason, filters, sorting and a CSV that guards against formulas; "can this set be
// assigned?" in the review, the health panel and the generator, which opens prefilled with the
// narrower set; and one message, nothing changed, for a user who isn't an integration user and
// for an expired session.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { artifactsDir, launchChromium, loadedClassicFrame } from './lib/chromium.mjs';
import { ACME, UAT, loginUrl, startSim } from './lib/sim.mjs';

/** The page a click opens in a new tab, once it is usable. */
async function nextPage(context, pattern, click) {
  const [opened] = await Promise.all([context.waitForEvent('page'), click()]);
  await opened.waitForURL(pattern);
  await opened.locator('body[data-ff-ready="true"]').waitFor();
  return opened;
}

const column = (page, selector, attribute) => page.locator(selector).evaluateAll(
  (nodes, name) => nodes.map((n) => n.getAttribute(name)), attribute);

describe('Chromium: the access review', () => {
  let sim, browser, page, ids;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    await page.goto(loginUrl(UAT));
    const users = async (org) => Object.fromEntries((await sim.query("SELECT Id, Username FROM User", org))
      .map((u) => [u.Username, u.Id]));
    ids = { ...(await users(ACME)), ...(await users(UAT)) };
  });

  beforeEach(async () => {
    for (const extra of browser.context.pages().filter((p) => p !== page)) await extra.close();
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const userPage = async (org, username) => {
    const id15 = ids[username].slice(0, 15);
    await page.goto(`https://${org.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    return loadedClassicFrame(page, `/${id15}`);
  };

  const reviewFromUserPage = async (org, username) => {
    const frame = await userPage(org, username);
    const button = frame.locator('[data-ff="access-review"]');
    await button.waitFor();
    return nextPage(browser.context, /\/app\/access\.html/, () => button.click());
  };

  test('every grant with its source, muting applied, overrides and broad grants, filters and CSV', async () => {
    await sim.admin('POST', '/__sim/reset');
    // A set whose label a spreadsheet would run as a formula.
    const created = await sim.create('PermissionSet', { Name: 'Formula_Label', Label: '=HYPERLINK("http://x")', PermissionsRunReports: true }, UAT);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const assigned = await sim.create('PermissionSetAssignment',
      { AssigneeId: ids['int-netsuite@acme.example.uat'], PermissionSetId: created.body.id }, UAT);
    assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
    const before = (await sim.admin('GET', '/__sim/state?org=acme--uat')).body;

    const review = await reviewFromUserPage(UAT, 'int-netsuite@acme.example.uat');
    assert.equal(await review.locator('[data-ff="access-username"]').textContent(), 'int-netsuite@acme.example.uat');
    assert.deepEqual(await review.locator('[data-ff="access-source"]').allTextContents(), [
      'Profile: Minimum Access - API Only Integrations',
      'Permission set: =HYPERLINK("http://x") Formula_Label',
      'Permission set: NetSuite Integration NetSuite_Integration',
      'Permission set group: Integration Bundle Integration_Bundle',
    ]);
    assert.match(await review.locator('[data-ff="access-scope-note"]').first().textContent(), /Record sharing is not covered/);
    // The group: members, muting set, what it muted.
    const group = review.locator('[data-ff="access-group"]');
    assert.equal(await group.locator('[data-ff="access-group-muting"]').textContent(), 'Muting set: Integration Bundle Muting');
    assert.match(await group.locator('[data-ff="access-group-muted"]').textContent(), /Modify All on Shipment__c/);
    // Shipment__c: Delete and Modify All muted; View All Fields shown and flagged.
    const shipment = review.locator('[data-ff="access-object-row"][data-object="Shipment__c"]');
    assert.equal(await shipment.locator('td[data-access="delete"]').getAttribute('data-granted'), 'false');
    assert.equal(await shipment.locator('td[data-access="modifyAll"]').getAttribute('data-granted'), 'false');
    assert.equal(await shipment.locator('td[data-access="viewAllFields"]').getAttribute('data-granted'), 'true');
    assert.equal(await shipment.locator('td[data-access="viewAllFields"] [data-ff="access-cell-flag"]').count(), 1);
    assert.match(await shipment.locator('td[data-access="edit"]').textContent(), /Permission set group “Integration Bundle”/);
    const invoiceRead = await review.locator('[data-ff="access-object-row"][data-object="Invoice__c"] td[data-access="read"]').textContent();
    assert.match(invoiceRead, /Permission set “NetSuite Integration”/);
    assert.match(invoiceRead, /Permission set group “Integration Bundle”/);
    assert.deepEqual(await column(review, '[data-ff="access-override"]', 'data-permission'), ['ViewAllFields']);
    assert.deepEqual(await column(review, '[data-ff="access-flag"]', 'data-permission'), ['ViewAll', 'ViewAllFields']);
    assert.match(await review.locator('[data-ff="access-flag-reason"]').last().textContent(), /including ones created later/);
    // Can these sets be assigned? Blocked ones with what blocks them.
    await review.locator('[data-ff="access-assign"]').waitFor();
    const blocked = await column(review, '[data-ff="assign-blocked"] > [data-ff="assign-verdict"]', 'data-name');
    assert.ok(['Analytics_Connector_User', 'Connector_Admin', 'Sales_Ops'].every((n) => blocked.includes(n)), JSON.stringify(blocked));
    assert.match(await review.locator('[data-ff="assign-verdict"][data-name="Connector_Admin"] [data-ff="assign-blocker"]').textContent(),
      /Customize Application/);
    assert.match(await review.locator('[data-ff="assign-verdict"][data-name="Analytics_Connector_User"] [data-ff="assign-blocker"]').textContent(),
      /no seat left \(1 of 1 assigned\)/);
    await review.screenshot({ path: path.join(artifactsDir, 'access-review.png'), fullPage: true });

    // Filters: by source, access, object text, field text; sorting.
    const objects = () => column(review, '[data-ff="access-object-row"]', 'data-object');
    const bundle = await review.locator('[data-ff="filter-source"] option', { hasText: 'Integration Bundle' }).getAttribute('value');
    await review.locator('[data-ff="filter-source"]').selectOption(bundle);
    await review.waitForFunction(() => !document.querySelector('[data-ff="access-object-row"][data-object="Account"]'));
    assert.deepEqual(await objects(), ['Invoice__c', 'Invoice_Line__c', 'Shipment__c']);
    await review.locator('[data-ff="filter-access"]').selectOption('viewAll');
    await review.waitForFunction(() => document.querySelectorAll('[data-ff="access-object-row"]').length === 1);
    assert.deepEqual(await objects(), ['Shipment__c']);
    await review.locator('[data-ff="filter-source"]').selectOption('');
    await review.locator('[data-ff="filter-access"]').selectOption('');
    await review.locator('[data-ff="sort-descending"]').check();
    await review.waitForFunction(() => document.querySelector('[data-ff="access-object-row"]')?.dataset.object === 'Shipment__c');
    await review.locator('[data-ff="filter-object"]').fill('invoice');
    await review.waitForFunction(() => document.querySelectorAll('[data-ff="access-object-row"]').length === 2);
    assert.deepEqual(await objects(), ['Invoice_Line__c', 'Invoice__c']);
    await review.locator('[data-ff="filter-object"]').fill('');
    await review.locator('[data-ff="filter-field"]').fill('tax');
    await review.waitForFunction(() => document.querySelectorAll('[data-ff="access-field-row"]').length === 1
      && !document.querySelector('[data-ff="access-object-row"]'));
    assert.deepEqual(await column(review, '[data-ff="access-field-row"]', 'data-field'), ['Invoice__c.Tax__c']);
    await review.locator('[data-ff="filter-field"]').fill('');
    await review.locator('[data-ff="sort-descending"]').uncheck();

    // CSV: every grant with its source; a cell starting with = gets a leading '.
    const [download] = await Promise.all([review.waitForEvent('download'), review.locator('[data-ff="export-csv"]').click()]);
    assert.equal(download.suggestedFilename(), 'Access review – NetSuite Integration.csv');
    const csv = await readFile(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff"Type","Object","Field","Access","Source type","Source","Source API name","Broad for an integration"\r\n'));
    assert.ok(csv.includes('"Object","Shipment__c","","View All Fields","Permission set group","Integration Bundle","Integration_Bundle","View All Fields on Shipment__c lets'));
    assert.ok(csv.includes('"System permission","","","Password Never Expires","Permission set","NetSuite Integration","NetSuite_Integration",""'));
    assert.ok(csv.includes('"System permission","","","Run Reports","Permission set","\'=HYPERLINK(""http://x"")","Formula_Label",""'));
    assert.ok(!csv.includes(',"=HYPERLINK'), 'no cell starts with =');
    // The review only read: the org is as it was.
    assert.deepEqual((await sim.admin('GET', '/__sim/state?org=acme--uat')).body, before);
  });

  test('"Generate a narrower set" opens the generator with today\'s access minus the flagged grants', async () => {
    await sim.admin('POST', '/__sim/reset');
    const review = await reviewFromUserPage(UAT, 'int-netsuite@acme.example.uat');
    const removed = await review.locator('[data-ff="narrower-removed-item"]').allTextContents();
    assert.equal(removed.length, 2);
    assert.match(removed[0], /^View All on Shipment__c \(from permission set group “Integration Bundle”\)/);
    const generator = await nextPage(browser.context, /\/app\/generator\.html\?.*narrower=1/,
      () => review.locator('[data-ff="generate-narrower"]').click());
    const warnings = await generator.locator('[data-ff="narrower"] [data-ff="load-warning"]').allTextContents();
    assert.deepEqual(warnings.map((w) => w.split(' (from')[0]), ['Left out: View All on Shipment__c', 'Left out: View All Fields on Shipment__c']);
    const shipment = generator.locator('[data-ff="object-row"][data-object="Shipment__c"]');
    assert.equal(await shipment.locator('[data-ff="access-read"]').isChecked(), true);
    assert.equal(await shipment.locator('[data-ff="access-edit"]').isChecked(), true);
    assert.equal(await shipment.locator('[data-ff="access-viewAll"]').isChecked(), false);
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="RunReports"] input').isChecked(), true);
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').isChecked(), true);
    // Can it be assigned? Salesforce decides (object permissions); the licence's word on each
    // system permission where the org exposes it.
    await generator.locator('[data-ff="assignment-state"]').waitFor();
    assert.equal(await generator.locator('[data-ff="assignment-state"]').getAttribute('data-state'), 'decidedAtAssignment');
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="ModifyAllData"] [data-ff="licence-limit"]').getAttribute('data-allowed'), 'false');
    // Modify All Data would block it.
    await generator.locator('[data-ff="system-permission"][data-name="ModifyAllData"] input').check();
    await generator.locator('[data-ff="preview"]').click();
    await generator.waitForFunction(() => document.querySelector('[data-ff="assignment-state"]')?.dataset.state === 'blocked');
    assert.match(await generator.locator('[data-ff="assignment-blocker"]').first().textContent(), /Modify All Data/);
    await generator.screenshot({ path: path.join(artifactsDir, 'access-narrower-generator.png'), fullPage: true });
  });

  test('the health panel lists what blocks each set, and the badge menu opens the review', async () => {
    await sim.admin('POST', '/__sim/reset');
    const frame = await userPage(ACME, 'int-netsuite@acme.example');
    const check = frame.locator('[data-ff="health-check-assignable"]');
    await check.waitFor();
    // A page script's click does nothing.
    await check.evaluate((b) => b.click());
    await page.waitForTimeout(300);
    assert.equal(await frame.locator('[data-ff="assignable-set"]').count(), 0);
    await check.click();
    await frame.locator('[data-ff="assignable-set"]').first().waitFor();
    const sets = await frame.locator('[data-ff="assignable-set"]').evaluateAll((nodes) => nodes.map((n) => n.dataset.ffSet));
    assert.deepEqual(sets.sort(), ['Analytics_Connector_User', 'Connector_Admin', 'Sales_Ops']);
    assert.match(await frame.locator('[data-ff="assignable-set"][data-ff-set="Sales_Ops"]').textContent(),
      /user licence “Salesforce”, and the user's profile has “Salesforce Integration”/);
    assert.match(await frame.locator('[data-ff="assignable-others"]').textContent(), /Salesforce decides at assignment/);
    await page.screenshot({ path: path.join(artifactsDir, 'access-health-panel.png') });
    // The badge's menu.
    await frame.locator('[data-ff="badge"][data-ff-integration="true"]').first().click();
    const review = await nextPage(browser.context, /\/app\/access\.html/,
      () => frame.locator('[data-ff="badge-menu"] button', { hasText: 'Access review' }).click());
    assert.equal(await review.locator('[data-ff="access-username"]').textContent(), 'int-netsuite@acme.example');
    // And the health panel's own button.
    const again = await nextPage(browser.context, /\/app\/access\.html/,
      () => frame.locator('[data-ff="health-access-review"]').click());
    assert.equal(await again.locator('[data-ff="access-username"]').textContent(), 'int-netsuite@acme.example');
  });

  test('a user who isn\'t an integration user, and an expired session, get one message and change nothing', async () => {
    await sim.admin('POST', '/__sim/reset');
    const before = (await sim.admin('GET', '/__sim/state?org=acme')).body;
    // No button on a person's page …
    const frame = await userPage(ACME, 'alan.turing@acme.example');
    await frame.locator('[data-ff="generate"], [data-ff="badge"]').first().waitFor({ state: 'attached', timeout: 3000 }).catch(() => {});
    assert.equal(await frame.locator('[data-ff="access-review"]').count(), 0);
    // … and the page itself refuses one.
    const open = async (userId) => {
      const review = await browser.context.newPage();
      await review.goto(`chrome-extension://${browser.extensionId}/app/access.html?org=${encodeURIComponent(`https://${ACME.setup}/`)}&user=${userId}`);
      await review.locator('body[data-ff-ready="true"]').waitFor();
      return review;
    };
    const person = await open(ids['alan.turing@acme.example']);
    assert.deepEqual(await person.locator('[data-ff="access-error"]').allTextContents(),
      ['“Alan Turing” is not an integration user: their profile\'s user licence is “Salesforce”, not “Salesforce Integration”. The access review and the assignment check are for integration users. Nothing was changed.']);
    assert.equal(await person.locator('[data-ff="access-objects"]').count(), 0);
    await sim.admin('POST', '/__sim/expire-sessions');
    const expired = await open(ids['int-netsuite@acme.example']);
    assert.deepEqual(await expired.locator('[data-ff="access-error"]').allTextContents(),
      ['Your Salesforce session has expired. Log in to Salesforce again, then reload this page. Nothing was changed.']);
    assert.deepEqual((await sim.admin('GET', '/__sim/state?org=acme')).body, before);
    await page.goto(loginUrl(ACME));
    await page.goto(loginUrl(UAT));
  });
});
