// End to end in Firefox ESR: the generator page, opened for the Setup tab's org and an
// integration user, plans and applies a permission set through the tab's cookie store.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

describe('Firefox: the permission set generator', () => {
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

  test('from the Setup tab to an assigned permission set', async () => {
    const [user] = await sim.query("SELECT Id FROM User WHERE Username = 'int-marketo@acme.example'");
    await firefox.goto(loginUrl(ACME));
    // Marionette can't navigate content to moz-extension:// URLs: the page is opened from the
    // browser chrome, then pointed at the Setup tab it would have been opened beside.
    await firefox.openExtensionPage('app/generator.html');
    await firefox.waitFor(`return document.querySelector('[data-ff="generator-error"]') || document.body.dataset.ffReady`);
    const tab = await firefox.asyncScript(`
      const done = arguments[arguments.length - 1];
      browser.tabs.query({ url: arguments[0] }).then((tabs) => done(tabs[0]?.id ?? null));`, `https://${ACME.setup}/*`);
    assert.ok(tab, 'the Setup tab is visible to the extension');
    const search = `?tab=${tab}&user=${user.Id.slice(0, 15)}`;
    await firefox.script('location.search = arguments[0]', search);
    await firefox.waitFor(`return location.search.includes('org=') && document.body.dataset.ffReady === 'true'`);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="org-name"]').textContent`), ACME.name);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="user-username"]').textContent`), 'int-marketo@acme.example');

    await firefox.act('[data-ff="generator-name"]', 'fill', 'Marketo Leads');
    await firefox.waitFor(`return document.querySelector('[data-ff="ps-api-name"]').value === 'Integration_Marketo_Leads'`);
    await firefox.act('[data-ff="object-search"]', 'fill', 'Lead');
    await firefox.act('[data-ff="object-row"][data-object="Lead"] [data-ff="object-include"]', 'click');
    await firefox.act('[data-ff="object-row"][data-object="Lead"] [data-ff="access-edit"]', 'click');
    await firefox.act('[data-ff="object-row"][data-object="Lead"] [data-ff="field-mode-all"]', 'click');
    await firefox.act('[data-ff="preview"]', 'click');
    await firefox.act('[data-ff="confirm-production"]', 'click');
    await firefox.waitFor(`return !document.querySelector('[data-ff="apply"]').disabled`);
    await firefox.act('[data-ff="apply"]', 'click');
    const status = await firefox.waitFor(`
      const status = document.querySelector('[data-ff="apply-status"]')?.dataset.status;
      return status && status !== 'running' ? status : null;`, { timeout: 30000 });
    await firefox.screenshot(path.join(artifacts, 'firefox-generator-applied.png'));
    assert.equal(status, 'done');

    const [ps] = await sim.query("SELECT Id, Label FROM PermissionSet WHERE Name = 'Integration_Marketo_Leads'");
    assert.equal(ps?.Label, 'Integration – Marketo Leads');
    const [lead] = await sim.query(`SELECT PermissionsRead, PermissionsEdit FROM ObjectPermissions WHERE ParentId = '${ps.Id}' AND SobjectType = 'Lead'`);
    assert.deepEqual([lead.PermissionsRead, lead.PermissionsEdit], [true, true]);
    const fields = await sim.query(`SELECT Field FROM FieldPermissions WHERE ParentId = '${ps.Id}'`);
    assert.ok(fields.length > 0 && fields.every((f) => f.Field.startsWith('Lead.')), 'Lead fields granted');
    const assigned = await sim.query(`SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = '${ps.Id}' AND AssigneeId = '${user.Id}'`);
    assert.equal(assigned.length, 1);
  });
});
