// End to end in Chromium: issue #16's generator additions. View All Fields with its risk and an
// assignment expiry, from the page through the preview and the journalled apply to the
// simulated org's records, then through Metadata API XML and a template; a profile copied with
// the system permissions beyond the short list; the union of a set and a profile; Convert Leads
// on a new set, written after the object permission it needs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { artifactsDir, launchChromium, tabIdFor } from './lib/chromium.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

describe('Chromium: the generator additions (#16)', () => {
  let sim, browser, page, users;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    users = Object.fromEntries((await sim.query(
      "SELECT Id, Username FROM User WHERE Username LIKE 'int-%'")).map((u) => [u.Username.split('@')[0], u.Id]));
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  /** The generator page for the Setup tab's org (and a user), once it is usable. */
  async function openGenerator(query = '') {
    const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
    const [generator] = await Promise.all([
      browser.context.waitForEvent('page'),
      browser.worker.evaluate((url) => chrome.tabs.create({ url }),
        `chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}${query}`),
    ]);
    await generator.waitForURL(/\/app\/generator\.html/);
    await generator.locator('body[data-ff-ready="true"]').waitFor();
    return generator;
  }

  async function chooseObject(generator, object) {
    await generator.locator('[data-ff="object-search"]').fill(object);
    await generator.locator(`[data-ff="object-row"][data-object="${object}"] [data-ff="object-include"]`).check();
    return generator.locator(`[data-ff="object-row"][data-object="${object}"]`);
  }

  test('View All Fields and an expiry: preview, apply, the org\'s records, XML and a template', async () => {
    const marketo = users['int-marketo'];
    const generator = await openGenerator(`&user=${marketo.slice(0, 15)}`);
    await generator.locator('[data-ff="generator-name"]').fill('Vaf Expiry');
    const account = await chooseObject(generator, 'Account');
    await account.locator('[data-ff="access-read"]').uncheck();
    const vaf = account.locator('[data-ff="view-all-fields"]');
    assert.equal(await vaf.locator('[data-ff="risk"]').textContent(), 'High risk');
    assert.match(await vaf.textContent(), /fields created later/);
    await vaf.locator('[data-ff="access-viewAllFields"]').check();
    // The core answers that View All Fields brings Read; taking Read away takes it too.
    await account.locator('[data-ff="access-read"]:checked').waitFor();
    await account.locator('[data-ff="access-read"]').uncheck();
    await vaf.locator('[data-ff="access-viewAllFields"]:not(:checked)').waitFor();
    await vaf.locator('[data-ff="access-viewAllFields"]').check();
    await account.locator('[data-ff="access-read"]:checked').waitFor();
    await generator.locator('[data-ff="assignment-expiry"]').fill('2030-06-30T17:00');

    await generator.locator('[data-ff="preview"]').click();
    const plan = generator.locator('[data-ff="plan-preview"]');
    await plan.waitFor();
    assert.match(await plan.locator('[data-ff="plan-warning"]').allTextContents().then((t) => t.join('\n')), /View All Fields on Account \(high risk\)/);
    assert.match(await plan.textContent(), /Assign Integration – Vaf Expiry to .* until 2030-06-30T/);
    await generator.screenshot({ path: path.join(artifactsDir, 'generator-view-all-fields.png'), fullPage: true });
    await generator.locator('[data-ff="confirm-production"]').check();
    await generator.locator('[data-ff="apply"]').click();
    const status = generator.locator('[data-ff="apply-status"]:not([data-status="running"])');
    await status.waitFor({ timeout: 30000 });
    assert.equal(await status.getAttribute('data-status'), 'done');

    const [ps] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Integration_Vaf_Expiry'");
    const [row] = await sim.query(`SELECT PermissionsRead, PermissionsViewAllFields FROM ObjectPermissions WHERE ParentId = '${ps.Id}' AND SobjectType = 'Account'`);
    assert.deepEqual([row.PermissionsRead, row.PermissionsViewAllFields], [true, true]);
    const [assignment] = await sim.query(`SELECT ExpirationDate FROM PermissionSetAssignment WHERE PermissionSetId = '${ps.Id}' AND AssigneeId = '${marketo}'`);
    // The page sends the browser's local time in UTC.
    const expected = new Date('2030-06-30T17:00').toISOString().slice(0, 19);
    assert.equal(assignment.ExpirationDate.slice(0, 19), expected);

    // Metadata API XML carries View All Fields (an assignment is not PermissionSet metadata).
    const [download] = await Promise.all([generator.waitForEvent('download'), generator.locator('[data-ff="export-xml"]').click()]);
    const file = path.join(artifactsDir, download.suggestedFilename());
    await download.saveAs(file);
    const xml = await readFile(file, 'utf8');
    assert.match(xml, /<object>Account<\/object>\s*<viewAllFields>true<\/viewAllFields>/);
    // A template keeps both.
    await generator.locator('[data-ff="template-name"]').fill('Vaf template');
    await generator.locator('[data-ff="save-template"]').click();
    await generator.locator('[data-ff="start-from"] option[value="template:Vaf template"]').waitFor({ state: 'attached' });

    const fresh = await openGenerator(`&user=${marketo.slice(0, 15)}`);
    await fresh.locator('[data-ff="import-xml"]').setInputFiles(file);
    await fresh.locator('[data-ff="loaded"]').waitFor();
    const imported = fresh.locator('[data-ff="object-row"][data-object="Account"]');
    assert.equal(await imported.locator('[data-ff="access-viewAllFields"]').isChecked(), true);
    await fresh.locator('[data-ff="start-from"]').selectOption('template:Vaf template');
    await fresh.locator('[data-ff="load-start"]').click();
    // The template brings the expiry back (the XML import, before it, had none).
    await fresh.locator('[data-ff="assignment-expiry"][value="2030-06-30T17:00"]').waitFor();
    assert.equal(await fresh.locator('[data-ff="object-row"][data-object="Account"] [data-ff="access-viewAllFields"]').isChecked(), true);
    // Applied again from the template: nothing to write.
    await fresh.locator('[data-ff="preview"]').click();
    await fresh.locator('[data-ff="plan-preview"]').waitFor();
    assert.equal(await fresh.locator('[data-ff="plan-preview"] [data-ff="plan-step"]').count(), 0);
  });

  test('a profile copy shows the permissions beyond the short list; the union of a set and a profile', async () => {
    const generator = await openGenerator();
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    await generator.locator('[data-ff="start-from"]').selectOption(`profile:${profile.Id}`);
    await generator.locator('[data-ff="load-start"]').click();
    await generator.locator('[data-ff="loaded"]').waitFor();
    const others = generator.locator('[data-ff="other-permission"]');
    assert.deepEqual(await others.evaluateAll((rows) => rows.map((r) => r.dataset.name)), ['ChatterInternalUser', 'LightningExperienceUser']);
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="RunReports"] input').isChecked(), true);
    assert.match((await generator.locator('[data-ff="load-warning"]').allTextContents()).join('\n'), /ApiEnabled not copied/);

    const [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    await generator.locator('[data-ff="union-sources"]').selectOption([`permissionSet:${netsuite.Id}`, `profile:${profile.Id}`]);
    await generator.locator('[data-ff="load-union"]').click();
    // The set's PasswordNeverExpires and the profile's Run Reports, together.
    await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input:checked').waitFor();
    assert.equal(await generator.locator('[data-ff="system-permission"][data-name="RunReports"] input').isChecked(), true);
    assert.ok(await generator.locator('[data-ff="object-row"] [data-ff="object-include"]:checked').count() > 1);
  });

  test('Convert Leads on a new set: the page says what it needs, the preview adds it, the apply writes it first', async () => {
    const generator = await openGenerator();
    await generator.locator('[data-ff="generator-name"]').fill('Convert Leads');
    const convert = generator.locator('[data-ff="system-permission"][data-name="ConvertLeads"]');
    assert.match(await convert.textContent(), /Needs the object permission Create on Account, which the preview adds\./);
    await convert.locator('input').check();
    await generator.locator('[data-ff="preview"]').click();
    const plan = generator.locator('[data-ff="plan-preview"]');
    await plan.waitFor();
    assert.match(await plan.locator('[data-ff="plan-warning"]').allTextContents().then((t) => t.join('\n')),
      /Create on Account added: ConvertLeads depends on it/);
    assert.match(await plan.textContent(), /Turn on ConvertLeads in Integration – Convert Leads once the object permissions it needs are written/);
    await generator.locator('[data-ff="confirm-production"]').check();
    await generator.locator('[data-ff="apply"]').click();
    const status = generator.locator('[data-ff="apply-status"]:not([data-status="running"])');
    await status.waitFor({ timeout: 30000 });
    assert.equal(await status.getAttribute('data-status'), 'done');
    const [ps] = await sim.query("SELECT Id, PermissionsConvertLeads FROM PermissionSet WHERE Name = 'Integration_Convert_Leads'");
    assert.equal(ps.PermissionsConvertLeads, true);
    const [account] = await sim.query(`SELECT PermissionsRead, PermissionsCreate FROM ObjectPermissions WHERE ParentId = '${ps.Id}' AND SobjectType = 'Account'`);
    assert.deepEqual([account.PermissionsRead, account.PermissionsCreate], [true, true]);
    await generator.close();
  });
});
