// One spec, two hosts of the same core: a permission set designed on the extension's generator
// page in Chromium is exported as Metadata API XML and applied there; the org is reset to its
// seed; the exported file is applied by `sf forcefield permset apply`. Both leave the same
// records, written by the same calls.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium, tabIdFor } from '../e2e/lib/chromium.mjs';
import { ACME, loginUrl } from '../e2e/lib/sim.mjs';
import { loggedInCli, permissionSetRecords, startSim, writes } from './harness.mjs';

let sim;
let cli;
let browser;
let dir;

before(async () => {
  sim = await startSim();
  cli = await loggedInCli(sim);
  browser = await launchChromium();
  dir = await mkdtemp(path.join(tmpdir(), 'forcefield-parity-'));
});

after(async () => {
  await browser?.context.close();
  await cli?.cleanup();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function chooseObject(generator, object) {
  await generator.locator('[data-ff="object-search"]').fill(object);
  await generator.locator(`[data-ff="object-row"][data-object="${object}"] [data-ff="object-include"]`).check();
  return generator.locator(`[data-ff="object-row"][data-object="${object}"]`);
}

test('a spec exported from the generator page gives the same records applied by sf as applied in the browser', async () => {
  const page = await browser.context.newPage();
  await page.goto(loginUrl(ACME));
  const tabId = await tabIdFor(browser.worker, `https://${ACME.lightning}/*`) ?? await tabIdFor(browser.worker, `https://${ACME.setup}/*`);
  assert.ok(tabId, 'the Salesforce tab');
  const state = await sim.state();
  const tableau = state.User.find((u) => u.Username === 'int-tableau@acme.example');

  const generator = await browser.context.newPage();
  await generator.goto(`chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}&user=${tableau.Id.slice(0, 15)}`);
  await generator.locator('body[data-ff-ready="true"]').waitFor({ timeout: 60000 });
  await generator.locator('[data-ff="generator-name"]').fill('Parity');
  const account = await chooseObject(generator, 'Account');
  await account.locator('[data-ff="access-edit"]').check();
  await account.locator('[data-ff="field-mode-pick"]').check();
  await account.locator('[data-ff="field-search"]').fill('Industry');
  await account.locator('[data-ff="field-row"][data-field="Industry"] [data-ff="field-edit"]').check();
  const contact = await chooseObject(generator, 'Contact');
  await contact.locator('[data-ff="field-mode-readOnly"]').check();
  await generator.locator('[data-ff="system-permission"][data-name="PasswordNeverExpires"] input').check();
  await generator.locator('[data-ff="license-integration"]').check();

  await generator.locator('[data-ff="preview"]').click();
  await generator.locator('[data-ff="plan-preview"]').waitFor();
  // The preview is drawn from the spec the page exports: Contact's fields are in it once described.
  const fieldStep = generator.locator('[data-ff="plan-step"][data-kind="fieldPermissions"]');
  await fieldStep.waitFor();
  assert.ok(Number(await fieldStep.getAttribute('data-count')) > 2, `Contact read-only brings its fields: ${await fieldStep.getAttribute('data-count')}`);
  const [download] = await Promise.all([generator.waitForEvent('download'), generator.locator('[data-ff="export-xml"]').click()]);
  const xml = path.join(dir, download.suggestedFilename());
  await download.saveAs(xml);
  assert.equal(path.basename(xml), 'Integration_Parity.permissionset-meta.xml');

  await generator.locator('[data-ff="confirm-production"]').check();
  const browserStart = (await sim.log()).length;
  await generator.locator('[data-ff="apply"]').click();
  const status = generator.locator('[data-ff="apply-status"]:not([data-status="running"])');
  await status.waitFor({ timeout: 60000 });
  assert.equal(await status.getAttribute('data-status'), 'done');
  const browserWrites = writes((await sim.log()).slice(browserStart));
  const inBrowser = permissionSetRecords(await sim.state(), 'Integration_Parity');
  assert.ok(inBrowser.fieldPermissions.length > 2);
  assert.equal(inBrowser.assignments.length, 1);
  await generator.close();
  await page.close();

  await sim.reset();
  assert.equal(permissionSetRecords(await sim.state(), 'Integration_Parity'), null);
  const cliStart = (await sim.log()).length;
  const applied = await cli.sf(['forcefield', 'permset', 'apply', '--target-org', 'acme', '--spec', xml, '--assign', 'int-tableau@acme.example', '--no-prompt']);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.equal(applied.json.result.apply.status, 'done');
  assert.deepEqual(permissionSetRecords(await sim.state(), 'Integration_Parity'), inBrowser);
  const cliWrites = writes((await sim.log()).slice(cliStart));
  assert.deepEqual(cliWrites.map((c) => `${c.method} ${c.path}`), browserWrites.map((c) => `${c.method} ${c.path}`));
});
