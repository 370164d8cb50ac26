// End to end in Chromium: the permission set generator, from its entry points on Setup pages and
// the popup to an applied, assigned permission set, checked through the org's API and on the
// simulated org's own Setup pages; production confirmation; a failure with Salesforce's
// message and the clean-up after it; Metadata API XML export read back by the import.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { artifactsDir, launchChromium, loadedClassicFrame, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, UAT, loginUrl, startSim } from './lib/sim.mjs';

/** The generator page the next click opens in a new tab, once it is usable. */
async function nextGenerator(context, click) {
  const [generator] = await Promise.all([context.waitForEvent('page'), click()]);
  await generator.waitForURL(/\/app\/generator\.html/);
  await generator.locator('body[data-ff-ready="true"]').waitFor();
  return generator;
}

async function chooseObject(generator, object) {
  await generator.locator('[data-ff="object-search"]').fill(object);
  await generator.locator(`[data-ff="object-row"][data-object="${object}"] [data-ff="object-include"]`).check();
  return generator.locator(`[data-ff="object-row"][data-object="${object}"]`);
}

async function pickField(row, field, { edit = false } = {}) {
  await row.locator('[data-ff="field-mode-pick"]').check();
  await row.locator('[data-ff="field-search"]').fill(field);
  const fieldRow = row.locator(`[data-ff="field-row"][data-field="${field}"]`);
  await fieldRow.locator('[data-ff="field-read"]').check();
  if (edit) await fieldRow.locator('[data-ff="field-edit"]').check();
}

async function preview(generator) {
  await generator.locator('[data-ff="preview"]').click();
  const plan = generator.locator('[data-ff="plan-preview"]');
  await plan.waitFor();
  return plan;
}

/** Presses Apply and waits until the apply stops running; returns its final status. */
async function applyAndWait(generator) {
  await generator.locator('[data-ff="apply"]').click();
  const status = generator.locator('[data-ff="apply-status"]:not([data-status="running"])');
  await status.waitFor({ timeout: 30000 });
  return status.getAttribute('data-status');
}

/**
 * The banner of `setName`'s unfinished apply in `generator`, once the page has listed the org's
 * unfinished applies (other applies of the org may be listed beside it).
 */
async function pendingBanner(generator, setName) {
  await generator.locator('[data-ff="pending-applies"][data-ff-listed="true"]').waitFor({ state: 'attached' });
  return generator.locator('[data-ff="pending-apply"]', { hasText: setName });
}

/** One REST call to the org as `username` (another admin acting beside the page); its status and JSON answer. */
async function restAs(sim, username, method, apiPath, body) {
  const { sid } = (await sim.admin('POST', '/__sim/sessions', { org: 'acme', username })).body;
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: sim.port, method, path: apiPath,
      rejectUnauthorized: false, headers: { Authorization: `Bearer ${sid}`, Host: ACME.api, 'Content-Type': 'application/json' } },
    (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null }));
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Updates one record through the org's REST API as the admin. */
async function updateRecord(sim, type, id, fields) {
  const { sid } = (await sim.admin('POST', '/__sim/sessions', { org: 'acme', username: ACME.admin })).body;
  const status = await new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: sim.port, method: 'PATCH', path: `/services/data/v66.0/sobjects/${type}/${id}`,
      rejectUnauthorized: false, headers: { Authorization: `Bearer ${sid}`, Host: ACME.api, 'Content-Type': 'application/json' } },
    (response) => { response.resume(); response.on('end', () => resolve(response.statusCode)); });
    request.on('error', reject);
    request.end(JSON.stringify(fields));
  });
  assert.equal(status, 204, `PATCH ${type} ${id}`);
}

describe('Chromium: the permission set generator', () => {
  let sim, browser, page, users;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    users = Object.fromEntries((await sim.query(
      "SELECT Id, Username FROM User WHERE Username LIKE 'int-%'")).map((u) => [u.Username.split('@')[0], u.Id]));
  });

  beforeEach(async () => {
    await sim.admin('DELETE', '/__sim/faults');
    for (const extra of browser.context.pages().filter((p) => p !== page)) await extra.close();
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const openUser = async (userId) => {
    const id15 = userId.slice(0, 15);
    await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    return loadedClassicFrame(page, `/${id15}`);
  };

  test('from an integration user\'s detail page to an assigned permission set', async () => {
    const userId = users['int-tableau'];
    const frame = await openUser(userId);
    const button = frame.locator('[data-ff="generate"]');
    await button.waitFor();
    assert.match(await button.getAttribute('aria-label'), /Tableau Integration/);
    await page.screenshot({ path: path.join(artifactsDir, 'generator-entry-user.png') });

    const generator = await nextGenerator(browser.context, () => button.click());
    assert.equal(new URL(generator.url()).searchParams.get('user'), userId.slice(0, 15));
    assert.equal(await generator.locator('[data-ff="org-name"]').textContent(), ACME.name);
    assert.equal(await generator.locator('[data-ff="user-username"]').textContent(), 'int-tableau@acme.example');
    assert.equal(await generator.locator('[data-ff="user-integration"]').textContent(), 'Yes');

    await generator.locator('[data-ff="generator-name"]').fill('Tableau Cloud');
    await generator.locator('[data-ff="ps-label"]', { hasText: 'Integration – Tableau Cloud' }).waitFor();
    assert.equal(await generator.locator('[data-ff="ps-api-name"]').inputValue(), 'Integration_Tableau_Cloud');

    const account = await chooseObject(generator, 'Account');
    await account.locator('[data-ff="access-edit"]').check();
    assert.equal(await account.locator('[data-ff="access-read"]').isChecked(), true, 'Edit brings Read');
    await pickField(account, 'Industry', { edit: true });
    // A field that can't be edited says why.
    await account.locator('[data-ff="field-search"]').fill('');
    await account.locator('[data-ff="field-filter"]').selectOption('limited');
    const limited = account.locator('[data-ff="field-row"]:not([data-grant="readEdit"]) [data-ff="field-reason"]');
    assert.ok(await limited.count() > 0, 'read-only or non-grantable Account fields are listed');
    assert.notEqual((await limited.first().textContent()).trim(), '');

    await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').check();
    const plan = await preview(generator);
    assert.match(await plan.locator('[data-ff="plan-org"]').textContent(), /Acme Corp/);
    const steps = await plan.locator('[data-ff="plan-step"]').evaluateAll((items) =>
      items.map((i) => [i.dataset.kind, i.dataset.action, Number(i.dataset.count)]));
    assert.deepEqual(steps, [['permissionSet', 'create', 1], ['objectPermissions', 'create', 1],
      ['fieldPermissions', 'create', 1], ['permissionSetAssignment', 'create', 1]]);
    assert.match(await plan.locator('[data-ff="plan-api-calls"]').textContent(), /\d+ API calls/);
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-plan.png'), fullPage: true });

    // Production: Apply waits for the explicit confirmation.
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), true);
    await generator.locator('[data-ff="confirm-production"]').check();
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), false);
    assert.equal(await applyAndWait(generator), 'done');
    const states = await generator.locator('[data-ff="progress-step"]').evaluateAll((items) => items.map((i) => i.dataset.state));
    assert.deepEqual(states, ['done', 'done', 'done', 'done']);
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-applied.png'), fullPage: true });

    // Through the API: the set, its permissions, the assignment.
    const [ps] = await sim.query("SELECT Id, Label, LicenseId, PermissionsPasswordNeverExpires FROM PermissionSet WHERE Name = 'Integration_Tableau_Cloud'");
    assert.ok(ps, 'the permission set exists');
    assert.equal(ps.Label, 'Integration – Tableau Cloud');
    assert.equal(ps.LicenseId, null, 'license None by default');
    assert.equal(ps.PermissionsPasswordNeverExpires, true);
    const [objectPerm] = await sim.query(`SELECT PermissionsRead, PermissionsEdit, PermissionsDelete FROM ObjectPermissions WHERE ParentId = '${ps.Id}' AND SobjectType = 'Account'`);
    assert.deepEqual([objectPerm.PermissionsRead, objectPerm.PermissionsEdit, objectPerm.PermissionsDelete], [true, true, false]);
    const fieldPerms = await sim.query(`SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${ps.Id}'`);
    assert.deepEqual(fieldPerms.map((f) => [f.Field, f.PermissionsRead, f.PermissionsEdit]), [['Account.Industry', true, true]]);
    const assignments = await sim.query(`SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = '${ps.Id}'`);
    assert.deepEqual(assignments.map((a) => a.AssigneeId), [userId]);

    // Previewed again, the same choices change nothing.
    await generator.locator('[data-ff="preview"]').click();
    await generator.locator('[data-ff="plan-nothing"]').waitFor();
    assert.equal(await generator.locator('[data-ff="plan-step"]').count(), 0);
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), true);

    // On the org's own Setup page: the user's Permission Set Assignments list shows it.
    const detail = await openUser(userId);
    const related = detail.locator('div[id$="RelatedPermsetAssignmentList"]');
    await related.waitFor();
    assert.match(await related.textContent(), /Integration – Tableau Cloud/);
  });

  test('the permission set list and the popup open the generator for their org', async () => {
    await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/home`);
    const list = await loadedClassicFrame(page, '/0PS');
    const button = list.locator('[data-ff="generate"]');
    await button.waitFor();
    const fromList = await nextGenerator(browser.context, () => button.click());
    assert.equal(new URL(fromList.url()).searchParams.get('user'), null);
    assert.equal(await fromList.locator('[data-ff="org-name"]').textContent(), ACME.name);
    assert.equal(await fromList.locator('[data-ff="user-username"]').count(), 0, 'no user chosen');
    await fromList.close();

    // The popup of a sandbox tab: the generator needs no production confirmation there.
    const uatPage = await browser.context.newPage();
    await uatPage.goto(loginUrl(UAT, UAT.admin, `https://${UAT.lightning}/lightning/setup/SetupOneHome/home`));
    const uatTab = await tabIdFor(browser.worker, `https://${UAT.lightning}/*`);
    const popup = await openPopup(browser.context, browser.extensionId, uatTab);
    const generator = await nextGenerator(browser.context, () => popup.locator('[data-ff="generate"]').click());
    assert.equal(await generator.locator('[data-ff="org-name"]').textContent(), UAT.name);
    assert.equal(await generator.locator('[data-ff="org-kind"]').textContent(), 'Sandbox');
    await generator.locator('[data-ff="generator-name"]').fill('Sandbox Feed');
    const contact = await chooseObject(generator, 'Contact');
    // Select-all takes every grantable field the filter shows, and only those.
    await contact.locator('[data-ff="field-mode-pick"]').check();
    await contact.locator('[data-ff="field-filter"]').selectOption('standard');
    const shown = contact.locator('[data-ff="field-row"]');
    const grantable = await contact.locator('[data-ff="field-row"]:not([data-grant="none"])').count();
    assert.ok(grantable > 0 && grantable < await shown.count(), JSON.stringify(await shown.evaluateAll((rows) => rows.map((r) => [r.dataset.field, r.dataset.grant]))));
    await contact.locator('[data-ff="field-select-all"]').check();
    assert.equal(await contact.locator('[data-ff="field-read"]:checked').count(), grantable);
    assert.equal(await contact.locator('[data-ff="field-row"][data-grant="none"] [data-ff="field-read"]:checked').count(), 0);
    assert.match(await contact.locator('[data-ff="field-count"]').textContent(), new RegExp(`^${grantable} of \\d+ grantable fields selected$`));
    // A system permission brings what the org says it requires (PermissionDependency): the page
    // asks the core (systemPermissionChange) and shows the choices it answers.
    const systemBox = (name) => generator.locator(`[data-ff="system-permission"][data-name="${name}"] input`);
    await systemBox('ModifyAllData').check();
    await generator.locator('[data-ff="system-permission"][data-name="ViewAllData"] input:checked').waitFor();
    await systemBox('ViewAllData').uncheck();
    await generator.locator('[data-ff="system-permission"][data-name="ModifyAllData"] input:not(:checked)').waitFor();
    assert.equal(await systemBox('ViewAllData').isChecked(), false);
    const plan = await preview(generator);
    assert.equal(await plan.locator('[data-ff="confirm-production"]').count(), 0);
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), false);
    await uatPage.close();
  });

  test('a failed write shows the step and Salesforce\'s message, and nothing is left behind', async () => {
    const generator = await nextGenerator(browser.context, async () => {
      const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
      await browser.worker.evaluate((url) => chrome.tabs.create({ url }),
        `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}&user=${users['int-marketo'].slice(0, 15)}`);
    });
    await generator.locator('[data-ff="generator-name"]').fill('Marketo Sync');
    const lead = await chooseObject(generator, 'Lead');
    await lead.locator('[data-ff="field-mode-all"]').check();
    await preview(generator);
    await generator.locator('[data-ff="confirm-production"]').check();
    const message = 'Field Lead.Status is not permissionable (simulated)';
    // The third sObject collection write (the object permissions, after the set and the licence
    // assignment, which go out together) is refused.
    assert.equal((await sim.admin('POST', '/__sim/faults', {
      kind: 'fail', method: 'POST', path: '/services/data/*/composite/sobjects', nthWrite: 3,
      status: 400, errorCode: 'FIELD_INTEGRITY_EXCEPTION', message,
    })).status, 201);
    assert.equal(await applyAndWait(generator), 'rolledBack');
    const failed = generator.locator('[data-ff="progress-step"][data-state="failed"]');
    assert.equal(await failed.count(), 1, 'exactly one step failed');
    const error = await failed.locator('[data-ff="step-error"]').textContent();
    assert.ok(error.startsWith('FIELD_INTEGRITY_EXCEPTION: '), error);
    assert.ok(error.includes(message), `Salesforce's own message is shown: ${error}`);
    assert.match(await failed.textContent(), /object permission/);
    assert.deepEqual(await generator.locator('[data-ff="progress-step"]').evaluateAll((items) => items.map((i) => i.dataset.state)),
      ['undone', 'failed', 'pending', 'undone', 'pending']);
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-failed.png'), fullPage: true });
    assert.deepEqual(await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Marketo_Sync'"), []);
  });

  test('when the undo itself fails, what remains is listed with links and clean-up finishes it', async () => {
    const generator = await nextGenerator(browser.context, async () => {
      const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
      await browser.worker.evaluate((url) => chrome.tabs.create({ url }),
        `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`);
    });
    await generator.locator('[data-ff="generator-name"]').fill('Half Done');
    await chooseObject(generator, 'Case');
    await preview(generator);
    await generator.locator('[data-ff="confirm-production"]').check();
    // The second write is refused, and the undo of the new set (one composite request whose
    // delete is guarded, so it names the subrequest `deleteSet`) finds Salesforce unavailable
    // until the faults are cleared: the core tries twice, re-reading the set before each, then
    // waits for the admin. Chromium holds back an extension's calls to a URL path (query left
    // out) for 0.4-0.7 s, growing to minutes, once it has seen more than two 500/503/509 answers
    // in a row there (its extension request throttle); the refused write is a 400 so that the
    // two 503s stay within what Chromium lets through, and the clean-up below is not held back.
    const logged = (await sim.admin('GET', '/__sim/log')).body.length;
    await sim.admin('POST', '/__sim/faults', { kind: 'fail', method: 'POST', path: '/services/data/*/composite/sobjects', nthWrite: 2, status: 400, errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Refused on purpose' });
    await sim.admin('POST', '/__sim/faults', { kind: 'fail', method: 'POST', path: '/services/data/*/composite', bodyContains: '"referenceId":"deleteSet"', status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'Try later', times: 50 });
    assert.equal(await applyAndWait(generator), 'cleanupNeeded');
    const remaining = generator.locator('[data-ff="remaining"] a');
    assert.ok(await remaining.count() >= 1, 'the records left behind are listed');
    const [ps] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Half_Done'");
    assert.ok(ps, 'the permission set is still there');
    const unavailable = (await sim.admin('GET', '/__sim/log')).body.slice(logged).filter((r) => r.status === 503);
    assert.deepEqual(unavailable.map((r) => `${r.method} ${r.path.replace(/v\d+\.0/, 'vNN')}`),
      ['POST /services/data/vNN/composite', 'POST /services/data/vNN/composite'],
      'two tries, both answered 503 (more would trip Chromium\'s throttle)');
    const hrefs = await remaining.evaluateAll((links) => links.map((a) => a.href));
    assert.ok(hrefs.some((href) => href.includes(ps.Id.slice(0, 15))), `a link to the permission set: ${hrefs}`);

    assert.equal(await generator.locator('[data-ff="progress"] [data-ff="finish-cleanup"]').count(), 1);

    // Closed and reopened, the generator still offers the clean-up, which now succeeds.
    await sim.admin('DELETE', '/__sim/faults');
    const remembered = generator.url();
    await generator.close();
    const reopened = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }), remembered));
    const banner = await pendingBanner(reopened, 'Integration_Half_Done');
    assert.equal(await banner.count(), 1, 'the apply is offered again');
    assert.match(await banner.textContent(), /An apply of Integration_Half_Done failed and its undo did not finish/);
    assert.equal(await banner.locator('[data-ff="resume-apply"]').count(), 0, 'a failed apply is not resumed');
    await banner.locator('[data-ff="finish-cleanup"]').click();
    await banner.locator('[data-ff="apply-status"][data-status="rolledBack"]').waitFor();
    assert.deepEqual(await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Half_Done'"), []);
  });

  test('a lost answer: the page looks the write up and says truthfully how the apply ended', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    // The permission set's create runs, and its answer never arrives (the connection is cut):
    // the page finds the set it wrote, carries on, and ends as planned.
    const generator = await open();
    await generator.locator('[data-ff="generator-name"]').fill('Lost Answer');
    await (await chooseObject(generator, 'Account')).locator('[data-ff="field-mode-all"]').check();
    await preview(generator);
    await generator.locator('[data-ff="confirm-production"]').check();
    await sim.admin('POST', '/__sim/faults', { kind: 'cut', method: 'POST', path: '/services/data/*/composite/sobjects', nthWrite: 1 });
    assert.equal(await applyAndWait(generator), 'done');
    assert.match(await generator.locator('[data-ff="apply-status"]').textContent(), /holds what the preview showed/);
    const sets = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Lost_Answer'");
    assert.equal(sets.length, 1, 'written once, not twice');
    const objects = await sim.query(`SELECT SobjectType FROM ObjectPermissions WHERE ParentId = '${sets[0].Id}'`);
    assert.deepEqual(objects.map((o) => o.SobjectType), ['Account']);

    // The object permissions' answer is lost after they were written (a gateway's 502), then the
    // field permissions are refused: everything, the looked-up write included, is undone.
    const second = await open();
    await second.locator('[data-ff="generator-name"]').fill('Lost Then Refused');
    await (await chooseObject(second, 'Contact')).locator('[data-ff="field-mode-all"]').check();
    await preview(second);
    await second.locator('[data-ff="confirm-production"]').check();
    await sim.admin('POST', '/__sim/faults', { kind: 'fail_after_commit', method: 'POST', path: '/services/data/*/composite/sobjects', nthWrite: 2, status: 502 });
    await sim.admin('POST', '/__sim/faults', { kind: 'fail', method: 'POST', path: '/services/data/*/composite/sobjects', nthWrite: 3, status: 400, errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Refused on purpose' });
    assert.equal(await applyAndWait(second), 'rolledBack');
    assert.match(await second.locator('[data-ff="apply-message"]').textContent(), /as it was before/);
    assert.deepEqual(await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Lost_Then_Refused'"), []);
    assert.deepEqual(await sim.query("SELECT Id FROM ObjectPermissions WHERE Parent.Name = 'Integration_Lost_Then_Refused'"), []);
  });

  test('Apply writes only what was previewed: an org changed since shows the new preview, nothing written', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    await generator.locator('[data-ff="generator-name"]').fill('Preview Check');
    await chooseObject(generator, 'Account');
    const plan = await preview(generator);
    assert.equal(await plan.locator('[data-ff="plan-steps"]').getAttribute('data-permission-set'), 'create');
    await generator.locator('[data-ff="confirm-production"]').check();
    // Meanwhile another admin creates a set of the same name.
    const created = await restAs(sim, 'grace.hopper@acme.example', 'POST', '/services/data/v66.0/sobjects/PermissionSet',
      { Name: 'Integration_Preview_Check', Label: 'Integration – Preview Check (Grace)' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await generator.locator('[data-ff="apply"]').click();
    const changed = generator.locator('[data-ff="plan-changed"]');
    await changed.waitFor();
    assert.match(await changed.textContent(), /nothing was written/);
    assert.notEqual(await generator.locator('[data-ff="plan-steps"]').getAttribute('data-permission-set'), 'create');
    assert.deepEqual(await sim.query(`SELECT Id FROM ObjectPermissions WHERE ParentId = '${created.body.id}'`), [], 'nothing written');
    // Apply stays off until the new preview is confirmed; then it writes that one.
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), true);
    await generator.locator('[data-ff="confirm-production"]').check();
    assert.equal(await applyAndWait(generator), 'done');
    const sets = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Preview_Check'");
    assert.deepEqual(sets.map((set) => set.Id), [created.body.id], 'the set the new preview showed, not a second one');
    const objects = await sim.query(`SELECT SobjectType FROM ObjectPermissions WHERE ParentId = '${created.body.id}'`);
    assert.deepEqual(objects.map((o) => o.SobjectType), ['Account']);
  });

  test('what another admin did meanwhile is left for the admin to decide, and the decision is kept', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = (query = '') => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}${query}`));
    const generator = await open(`&user=${users['int-datasync'].slice(0, 15)}`);
    await generator.locator('[data-ff="generator-name"]').fill('Shared Meanwhile');
    await chooseObject(generator, 'Account');
    await preview(generator);
    await generator.locator('[data-ff="confirm-production"]').check();
    // Just before this apply assigns its new set, another admin assigns it to someone else; then
    // this apply's assignment is refused, so the apply is undone, all but the set now in use.
    let held = false;
    await generator.route((url) => url.host === ACME.api && url.pathname.endsWith('/composite/sobjects'), async (route) => {
      const request = route.request();
      if (held || request.method() !== 'POST' || !(request.postData() ?? '').includes('"PermissionSetAssignment"')) return route.continue();
      held = true;
      const [set] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Shared_Meanwhile'");
      const assigned = await restAs(sim, 'grace.hopper@acme.example', 'POST', '/services/data/v66.0/sobjects/PermissionSetAssignment',
        { PermissionSetId: set.Id, AssigneeId: users['int-netsuite'] });
      assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
      await sim.admin('POST', '/__sim/faults', { kind: 'fail', method: 'POST', path: '/services/data/*/composite/sobjects',
        status: 400, errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Refused on purpose' });
      return route.continue();
    });
    assert.equal(await applyAndWait(generator), 'needsAttention');
    assert.ok(held, 'the assignment was sent');
    const item = generator.locator('[data-ff="attention-item"]');
    assert.equal(await item.count(), 1, await generator.locator('[data-ff="progress"]').textContent());
    assert.match(await item.textContent(), /^PermissionSet /);
    const [set] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Shared_Meanwhile'");
    assert.equal(await item.locator('a').first().textContent(), set.Id);
    // The choices are the core's; leaving it as it is keeps the other admin's work.
    assert.equal(await item.locator('[data-ff="attention-delete"]').count(), 1);
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-needs-attention.png'), fullPage: true });
    await item.locator('[data-ff="attention-keep"]').click();
    await generator.locator('[data-ff="attention-chosen"]').waitFor();
    assert.match(await generator.locator('[data-ff="attention-chosen"]').textContent(), /Leave it as it is/);
    const assignees = await sim.query(`SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = '${set.Id}'`);
    assert.deepEqual(assignees.map((a) => a.AssigneeId), [users['int-netsuite']], 'the other admin\'s assignment stays');
    assert.deepEqual(await sim.query(`SELECT Id FROM ObjectPermissions WHERE ParentId = '${set.Id}'`), [], 'this apply\'s own writes are undone');
    // Decided: a new generator window offers nothing more.
    const again = await open();
    assert.equal(await (await pendingBanner(again, 'Integration_Shared_Meanwhile')).count(), 0);
  });

  test('a journal that can\'t be read is shown with its content and the records it names, never dropped', async () => {
    const [org] = await sim.query('SELECT Id FROM Organization');
    const key = `generatorApply:${org.Id.slice(0, 15)}:broken-journal`;
    // As the first release kept journals (text), with its calls missing.
    const raw = JSON.stringify({ applyId: 'broken-journal', undo: [{ delete: { id: '0PSAM0000009zzzAAA', step: 0 } }] });
    await browser.worker.evaluate(([k, v]) => chrome.storage.local.set({ [k]: v }), [key, raw]);
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const generator = await open();
    const banner = generator.locator('[data-ff="pending-apply"]', { hasText: 'journal can\'t be read' });
    await banner.waitFor();
    assert.equal(await banner.locator('[data-ff="journal-raw"] pre').textContent(), raw);
    const named = banner.locator('[data-ff="named-ids"] a');
    assert.equal(await named.textContent(), '0PSAM0000009zzzAAA');
    assert.equal(await named.getAttribute('href'), `https://${ACME.setup}/0PSAM0000009zzzAAA`);
    assert.equal(await banner.locator('[data-ff="attention-item"]').getAttribute('data-reason'), 'unreadableJournal');
    await banner.locator('[data-ff="attention-keep"]').click();
    await banner.locator('[data-ff="attention-chosen"]').waitFor();
    // Marked handled: no longer offered, and still stored exactly as it was (and kept aside).
    const stored = await browser.worker.evaluate((k) => chrome.storage.local.get([k, `unreadable:${k}`]), key);
    assert.equal(stored[key], raw);
    assert.equal(JSON.parse(JSON.parse(stored[`unreadable:${key}`].json)[0].raw), raw);
    const again = await open();
    assert.equal(await (await pendingBanner(again, 'broken-journal')).count(), 0);
  });

  test('start from a copy of a permission set, a profile, or a saved template', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const generator = await open();
    const [netsuite] = await sim.query("SELECT Id, PermissionsPasswordNeverExpires FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    const objects = await sim.query(`SELECT SobjectType FROM ObjectPermissions WHERE ParentId = '${netsuite.Id}' ORDER BY SobjectType`);
    assert.ok(objects.length > 0, 'the seed set grants objects');
    await generator.locator('[data-ff="generator-name"]').fill('NetSuite Copy');
    await generator.locator('[data-ff="start-from"]').selectOption(`permissionSet:${netsuite.Id}`);
    await generator.locator('[data-ff="load-start"]').click();
    await generator.locator('[data-ff="loaded"]').waitFor();
    // The copy brings the access, not the name: applying creates a new set.
    assert.equal(await generator.locator('[data-ff="ps-api-name"]').inputValue(), 'Integration_NetSuite_Copy');
    const copyPlan = await preview(generator);
    assert.equal(await copyPlan.locator('[data-ff="plan-steps"]').getAttribute('data-permission-set'), 'create');
    const included = await generator.locator('[data-ff="object-row"]:has([data-ff="object-include"]:checked)')
      .evaluateAll((rows) => rows.map((r) => r.dataset.object).sort());
    assert.deepEqual(included, objects.map((o) => o.SobjectType).sort());
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').isChecked(),
      netsuite.PermissionsPasswordNeverExpires);

    // Saved as a template, it comes back in a fresh generator.
    await generator.locator('[data-ff="template-name"]').fill('NetSuite copy');
    await generator.locator('[data-ff="save-template"]').click();
    await generator.locator('[data-ff="start-from"] option[value="template:NetSuite copy"]').waitFor({ state: 'attached' });
    const fresh = await open();
    await fresh.locator('[data-ff="start-from"]').selectOption('template:NetSuite copy');
    await fresh.locator('[data-ff="load-start"]').click();
    await fresh.locator('[data-ff="loaded"]').waitFor();
    assert.deepEqual(await fresh.locator('[data-ff="object-row"]:has([data-ff="object-include"]:checked)')
      .evaluateAll((rows) => rows.map((r) => r.dataset.object).sort()), included);
    await fresh.locator('[data-ff="delete-template"]').click();
    await fresh.locator('[data-ff="start-from"] option[value="template:NetSuite copy"]').waitFor({ state: 'detached' });

    // A profile's access: the API-only integration profile.
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'");
    await fresh.locator('[data-ff="start-from"]').selectOption(`profile:${profile.Id}`);
    await fresh.locator('[data-ff="load-start"]').click();
    await fresh.locator('[data-ff="loaded"]').waitFor();
    assert.ok(await fresh.locator('[data-ff="load-warning"]').count() >= 1, 'what a profile copy leaves out is said');
  });

  test('an unreadable template store is shown with its content, kept, and not overwritten', async () => {
    const unreadable = '{"ERP":{"name":"ERP","license":"platinum"}}';
    await browser.worker.evaluate((text) => chrome.storage.local.set({ generatorTemplates: text }), unreadable);
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const notice = generator.locator('[data-ff="set-aside-templates"]');
    assert.match(await notice.textContent(), /saved templates could not be read/);
    assert.equal(await notice.locator('[data-ff="set-aside-raw"]').textContent(), JSON.stringify(unreadable));
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-unreadable-templates.png') });
    // A new template is saved beside the kept copy.
    await generator.locator('[data-ff="template-name"]').fill('Fresh');
    await generator.locator('[data-ff="save-template"]').click();
    await generator.locator('[data-ff="start-from"] option[value="template:Fresh"]').waitFor({ state: 'attached' });
    const kept = await browser.worker.evaluate(() => chrome.storage.local.get('unreadable:generatorTemplates'));
    assert.match(JSON.stringify(kept), /platinum/);
    await generator.locator('[data-ff="set-aside-templates"] [data-ff="set-aside-forget"]').click();
    await generator.locator('[data-ff="set-aside-templates"]').waitFor({ state: 'detached' });
    assert.deepEqual(await browser.worker.evaluate(() => chrome.storage.local.get('unreadable:generatorTemplates')), {});
    await browser.worker.evaluate(() => chrome.storage.local.remove('generatorTemplates'));
    await generator.close();
  });

  test('a changed license is not updated in place: the plan offers a new permission set', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const [netsuite] = await sim.query("SELECT Id, LicenseId FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    assert.equal(netsuite.LicenseId, null);
    await generator.locator('[data-ff="generator-name"]').fill('NetSuite Licensed');
    await chooseObject(generator, 'Account');
    await generator.locator('[data-ff="target-permission-set"]').selectOption(netsuite.Id);
    await generator.locator('[data-ff="license-integration"]').check();
    const plan = await preview(generator);
    const change = plan.locator('[data-ff="license-change"]');
    await change.waitFor();
    assert.match(await change.textContent(), /None → Salesforce API Integration/);
    await generator.locator('[data-ff="confirm-production"]').check();
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), true, 'no apply while the license differs');

    await change.locator('[data-ff="new-permission-set-instead"]').click();
    await generator.locator('[data-ff="plan-steps"][data-permission-set="create"]').waitFor();
    assert.equal(await generator.locator('[data-ff="license-change"]').count(), 0);
    await generator.locator('[data-ff="confirm-production"]').check();
    assert.equal(await applyAndWait(generator), 'done');
    const [psl] = await sim.query("SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'");
    const [created] = await sim.query("SELECT LicenseId, Label FROM PermissionSet WHERE Name = 'Integration_NetSuite_Licensed_2'");
    assert.equal(created?.LicenseId, psl.Id);
    assert.equal(created.Label, 'Integration – NetSuite Licensed (2)');
    const [unchanged] = await sim.query(`SELECT LicenseId FROM PermissionSet WHERE Id = '${netsuite.Id}'`);
    assert.equal(unchanged.LicenseId, null, 'the existing set keeps its license');
  });

  test('the integration user can be created first, after its own confirmation', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    await generator.locator('[data-ff="user"] summary').click();
    await generator.locator('[data-ff="new-user-first-name"]').fill('Mule');
    await generator.locator('[data-ff="new-user-last-name"]').fill('Integration');
    await generator.locator('[data-ff="new-user-username"]').fill('int-mule@acme.example');
    await generator.locator('[data-ff="new-user-email"]').fill('it-ops@acme.example');
    const create = generator.locator('[data-ff="create-user"]');
    assert.equal(await create.isDisabled(), true, 'creating a user waits for its own confirmation');
    await generator.locator('[data-ff="confirm-create-user"]').check();
    await create.click();
    // The seed's five active integration users hold all five Salesforce Integration licenses.
    const refused = generator.locator('[data-ff="create-user-form"] [data-ff="error"]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /License Limit Exceeded/, 'Salesforce\'s own message');
    await updateRecord(sim, 'User', users['int-zapier'], { IsActive: false });
    await create.click();
    await generator.locator('[data-ff="user-username"]').waitFor();
    assert.equal(await generator.locator('[data-ff="user-username"]').textContent(), 'int-mule@acme.example');
    const [user] = await sim.query("SELECT Id, Profile.Name, IsActive FROM User WHERE Username = 'int-mule@acme.example'");
    assert.equal(user?.Profile.Name, 'Minimum Access - API Only Integrations');
    // The new user is the assignee of the permission set the page goes on to plan.
    assert.equal(await generator.locator('[data-ff="generator-name"]').inputValue(), 'Mule Integration');
    await chooseObject(generator, 'Account');
    const plan = await preview(generator);
    assert.equal(await plan.locator('[data-ff="plan-step"][data-kind="permissionSetAssignment"]').count(), 1);
  });

  test('an apply cut off by closing the page is offered again when the generator reopens', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const generator = await open();
    await generator.locator('[data-ff="generator-name"]').fill('Resume Check');
    const account = await chooseObject(generator, 'Account');
    await account.locator('[data-ff="field-mode-all"]').check();
    await chooseObject(generator, 'Contact');
    await preview(generator);
    await generator.locator('[data-ff="confirm-production"]').check();
    await sim.admin('POST', '/__sim/latency', { ms: 500, jitterMs: 0 });
    // The page remembers its org in its own address, so it reopens even without the Setup tab.
    const remembered = generator.url();
    assert.equal(new URL(remembered).searchParams.get('org'), `https://${ACME.setup}/`);
    try {
      await generator.locator('[data-ff="apply"]').click();
      await generator.locator('[data-ff="progress-step"][data-state="done"]').first().waitFor();
      await generator.close();
    } finally {
      await sim.admin('POST', '/__sim/latency', { ms: 0, jitterMs: 0 });
    }
    const reopened = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      remembered.replace(/([?&])tab=\d+&?/, '$1')));
    const banner = await pendingBanner(reopened, 'Integration_Resume_Check');
    await banner.locator('[data-ff="resume-apply"]').click();
    const status = banner.locator('[data-ff="apply-status"]:not([data-status="running"])');
    await status.waitFor({ timeout: 30000 });
    const final = await status.getAttribute('data-status');
    const sets = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Resume_Check'");
    // Closed between two calls, the apply finishes; closed during one, it is undone (the core
    // never writes past a call whose outcome it doesn't know).
    if (final === 'done') assert.equal(sets.length, 1);
    else assert.equal(final, 'rolledBack', await banner.textContent());
    const again = await open();
    assert.equal(await (await pendingBanner(again, 'Integration_Resume_Check')).count(), 0, 'nothing left to resume');
  });

  test('a second window offered a running apply leaves it to the window running it', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const first = await open();
    await first.locator('[data-ff="generator-name"]').fill('Two Windows');
    for (const object of ['Account', 'Contact']) {
      await (await chooseObject(first, object)).locator('[data-ff="field-mode-all"]').check();
    }
    await preview(first);
    await first.locator('[data-ff="confirm-production"]').check();
    // From its preview on, the first window holds the org+set lock: a window previewing the same
    // set is told so, and its Apply stays off.
    const early = await open();
    await early.locator('[data-ff="generator-name"]').fill('Two Windows');
    await preview(early);
    await early.locator('[data-ff="plan"] [data-ff="apply-busy"]').waitFor();
    assert.equal(await early.locator('[data-ff="apply"]').isDisabled(), true);
    await early.close();
    // Slow enough that the second window is up while the first still writes.
    await sim.admin('POST', '/__sim/latency', { ms: 1500, jitterMs: 0 });
    try {
      await first.locator('[data-ff="apply"]').click();
      await first.locator('[data-ff="apply-status"][data-status="running"]').waitFor();
      // Opened while the first window applies: the apply looks interrupted from here, and the
      // org+set lock (held by the first window from its preview to the end) keeps this one off it.
      const second = await open();
      const banner = await pendingBanner(second, 'Integration_Two_Windows');
      await banner.locator('[data-ff="resume-apply"]').click();
      await banner.locator('[data-ff="apply-busy"]').waitFor();

      await first.locator('[data-ff="apply-status"][data-status="done"]').waitFor({ timeout: 30000 });
      await second.close();
    } finally {
      await sim.admin('POST', '/__sim/latency', { ms: 0, jitterMs: 0 });
    }
    const sets = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Two_Windows'");
    assert.equal(sets.length, 1);
    const objects = await sim.query(`SELECT SobjectType FROM ObjectPermissions WHERE ParentId = '${sets[0].Id}'`);
    assert.deepEqual(objects.map((o) => o.SobjectType).sort(), ['Account', 'Contact'], 'each object permission written once');
  });

  test('Metadata API XML: the export downloads a file the import reads back', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const open = () => nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const generator = await open();
    await generator.locator('[data-ff="generator-name"]').fill('Export Check');
    const contact = await chooseObject(generator, 'Contact');
    await contact.locator('[data-ff="access-create"]').check();
    await pickField(contact, 'Email');
    await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').check();
    const [download] = await Promise.all([generator.waitForEvent('download'), generator.locator('[data-ff="export-xml"]').click()]);
    assert.equal(download.suggestedFilename(), 'Integration_Export_Check.permissionset-meta.xml');
    const file = path.join(artifactsDir, download.suggestedFilename());
    await download.saveAs(file);
    const xml = await readFile(file, 'utf8');
    assert.match(xml, /<PermissionSet xmlns="http:\/\/soap\.sforce\.com\/2006\/04\/metadata">/);
    assert.match(xml, /<field>Contact\.Email<\/field>/);
    assert.match(xml, /<name>PasswordNeverExpires<\/name>/);

    const fresh = await open();
    await fresh.locator('[data-ff="import-xml"]').setInputFiles(file);
    await fresh.locator('[data-ff="loaded"]').waitFor();
    assert.equal(await fresh.locator('[data-ff="ps-api-name"]').inputValue(), 'Integration_Export_Check');
    assert.equal(await fresh.locator('[data-ff="generator-name"]').inputValue(), 'Export Check');
    const row = fresh.locator('[data-ff="object-row"][data-object="Contact"]');
    assert.equal(await row.locator('[data-ff="object-include"]').isChecked(), true);
    assert.equal(await row.locator('[data-ff="access-create"]').isChecked(), true);
    assert.equal(await row.locator('[data-ff="field-row"][data-field="Email"] [data-ff="field-read"]').isChecked(), true);
    assert.equal(await fresh.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').isChecked(), true);
  });
  test('a permission set XML nested 20,000 deep is refused with a clear message, in the page', async () => {
    // Issue #11, finding 3: this once threw "Maximum call stack size exceeded" and showed nothing.
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    const deep = `<PermissionSet>${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}</PermissionSet>`;
    await generator.locator('[data-ff="import-xml"]').setInputFiles({ name: 'Deep.permissionset-meta.xml', mimeType: 'text/xml', buffer: Buffer.from(deep) });
    const error = generator.locator('[data-ff="start"] [data-ff="error"]');
    await error.waitFor();
    assert.match(await error.textContent(), /not a readable XML file: its elements are nested more than 32 deep/);
    // The page still works: a good file imports after it.
    const good = '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>After</label></PermissionSet>';
    await generator.locator('[data-ff="import-xml"]').setInputFiles({ name: 'After.permissionset-meta.xml', mimeType: 'text/xml', buffer: Buffer.from(good) });
    await generator.locator('[data-ff="loaded"]').waitFor();
    await generator.close();
  });

  test('org data is shown as text: a user named like markup stays text', async () => {
    const [user] = await sim.query("SELECT Id FROM User WHERE Username = 'xss@acme.example'");
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}&user=${user.Id}`));
    const card = generator.locator('[data-ff="user"]');
    assert.match(await card.locator('h2').textContent(), /<img src=x onerror=alert\(1\)>/);
    assert.equal(await generator.locator('main img').count(), 0, 'no element made from org data');
    assert.match(await generator.locator('[data-ff="ps-label"]').textContent(), /^Integration – <img src=x onerror=alert\(1\)>$/);
    assert.equal(await generator.locator('[data-ff="user-integration"]').textContent(), 'No');
    await generator.locator('[data-ff="user-warning"]').waitFor();
  });

  test('the generator works from the keyboard', async () => {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await nextGenerator(browser.context, () => browser.worker.evaluate((url) => chrome.tabs.create({ url }),
      `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`));
    await generator.locator('[data-ff="generator-name"]').focus();
    await generator.keyboard.type('Keyboard Only');
    await generator.locator('[data-ff="object-search"]').focus();
    await generator.keyboard.type('Opportunity');
    await generator.keyboard.press('Tab');
    assert.equal(await generator.evaluate(() => document.activeElement.dataset.ff), 'object-include');
    await generator.keyboard.press('Space');
    const row = generator.locator('[data-ff="object-row"][data-object="Opportunity"]');
    await row.locator('[data-ff="object-access"]').waitFor();
    assert.equal(await generator.evaluate(() => document.activeElement.closest('[data-ff="object-row"]')?.dataset.object), 'Opportunity',
      'focus stays on the row after it opens');
    await generator.keyboard.press('Tab'); // Read
    await generator.keyboard.press('Tab'); // Create
    await generator.keyboard.press('Space');
    assert.equal(await row.locator('[data-ff="access-create"]').isChecked(), true);
    await generator.locator('[data-ff="preview"]').focus();
    await generator.keyboard.press('Enter');
    await generator.locator('[data-ff="plan-preview"]').waitFor();
    await generator.locator('[data-ff="confirm-production"]').focus();
    await generator.keyboard.press('Space');
    assert.equal(await generator.locator('[data-ff="apply"]').isDisabled(), false);
    assert.equal(await generator.locator('[data-ff="progress"]').getAttribute('aria-live'), 'polite');
  });

  test('with the session expired, the generator says so instead of showing a form', async () => {
    assert.equal((await sim.admin('POST', '/__sim/expire-sessions')).status, 204);
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const generator = await browser.context.newPage();
    await generator.goto(`chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`);
    const error = generator.locator('[data-ff="generator-error"]');
    await error.waitFor();
    assert.match(await error.textContent(), /session has expired/i);
    assert.equal(await generator.locator('[data-ff="apply"]').count(), 0);
  });
});
