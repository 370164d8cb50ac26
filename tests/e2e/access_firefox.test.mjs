// End to end in Firefox ESR: the access review opened from the sandbox integration user's page
// (a real WebDriver click on "Access review", which the content script takes only as the admin's
// own), the group's muting applied, a filter, the CSV with its formula guard; the health panel's
// "Can permission sets be assigned?"; the badge's menu and the health panel's own button;
// "Generate a narrower set" opening the generator prefilled, which checks the set before it is
// assigned; and one message, nothing changed, for a user who isn't an integration user and for an
// expired session.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { elementRef, launchFirefox } from './lib/firefox.mjs';
import { ACME, UAT, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

describe('Firefox: the access review', () => {
  let sim, firefox, ids;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    sim = await startSim();
    firefox = await launchFirefox();
    const users = async (org) => Object.fromEntries((await sim.query('SELECT Id, Username FROM User', org))
      .map((u) => [u.Username, u.Id.slice(0, 15)]));
    ids = { ...(await users(ACME)), ...(await users(UAT)) };
    await firefox.goto(loginUrl(ACME));
    await firefox.goto(loginUrl(UAT));
  });

  after(async () => {
    await firefox?.quit();
    await sim?.stop();
  });

  /** Opens a user's page in `org` and switches into its Classic frame. */
  const userFrame = async (org, username) => {
    await firefox.toTop();
    await firefox.goto(`https://${org.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${ids[username]}`)}`);
    await firefox.toClassicFrame();
  };

  /** A trusted (WebDriver) click on the element `selector` of the current frame. */
  const click = async (selector) => {
    const element = elementRef(await firefox.waitFor('return document.querySelector(arguments[0])', { args: [selector] }));
    await firefox.call('POST', `/element/${Object.values(element)[0]}/click`, {});
  };

  /** Runs `clickIt`, then switches to the window it opened and waits until its page is usable. */
  const switchToOpened = async (clickIt) => {
    const before = await firefox.call('GET', '/window/handles');
    await clickIt();
    let opened = null;
    for (let i = 0; i < 100 && !opened; i++) {
      opened = (await firefox.call('GET', '/window/handles')).find((h) => !before.includes(h)) ?? null;
      if (!opened) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(opened, 'a page opened');
    await firefox.call('POST', '/window', { handle: opened });
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true'`);
  };

  /** Closes the current window and goes back to `home`. */
  const closeAndReturn = async (home) => {
    await firefox.call('DELETE', '/window');
    await firefox.call('POST', '/window', { handle: home });
  };

  const reviewUrl = (org, username) => `app/access.html?org=${encodeURIComponent(`https://${org.setup}/`)}&user=${ids[username]}`;

  const checked = (selector) => firefox.script(`return document.querySelector(arguments[0])?.checked ?? null`, selector);

  test('from the user page: sources, muting, a filter and a CSV that guards against formulas', async () => {
    const home = await firefox.call('GET', '/window');
    await userFrame(UAT, 'int-netsuite@acme.example.uat');
    const before = await firefox.call('GET', '/window/handles');
    await click('[data-ff="access-review"]');
    let opened = null;
    for (let i = 0; i < 100 && !opened; i++) {
      opened = (await firefox.call('GET', '/window/handles')).find((h) => !before.includes(h)) ?? null;
      if (!opened) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(opened, 'the access review opened');
    await firefox.call('POST', '/window', { handle: opened });
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true'`);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="access-username"]').textContent`), 'int-netsuite@acme.example.uat');
    const shipment = await firefox.script(`
      const row = document.querySelector('[data-ff="access-object-row"][data-object="Shipment__c"]');
      return Object.fromEntries([...row.querySelectorAll('td')].map((td) => [td.dataset.access, td.dataset.granted]));`);
    assert.deepEqual(shipment, { read: 'true', create: 'true', edit: 'true', delete: 'false', viewAll: 'true', modifyAll: 'false', viewAllFields: 'true' });
    assert.match(await firefox.script(`return document.querySelector('[data-ff="access-group-muting"]').textContent`), /Integration Bundle Muting/);
    // Only what is broad for an integration.
    await firefox.script(`const box = document.querySelector('[data-ff="filter-flagged"]'); box.checked = true; box.dispatchEvent(new Event('change'));`);
    await firefox.waitFor(`return document.querySelectorAll('[data-ff="access-object-row"]').length === 1`);
    assert.deepEqual(await firefox.script(`return [...document.querySelectorAll('[data-ff="access-field-row"]')].map((r) => r.dataset.field)`), ['Shipment__c.*']);
    // The CSV the page hands to the browser.
    await firefox.script(`
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => { window.ffCsv = blob.text(); return create(blob); };`);
    await firefox.script(`document.querySelector('[data-ff="export-csv"]').click()`);
    const csv = await firefox.asyncScript(`const done = arguments[arguments.length - 1]; (async () => { while (!window.ffCsv) await new Promise((r) => setTimeout(r, 50)); done(await window.ffCsv); })();`);
    const lines = csv.replace('\ufeff', '').split('\r\n');
    assert.equal(lines[0], '"Type","Object","Field","Access","Source type","Source","Source API name","Broad for an integration"');
    assert.ok(lines.some((l) => l.startsWith('"Object","Shipment__c","","View All","Permission set group","Integration Bundle","Integration_Bundle","View All on Shipment__c lets')), csv);
    assert.ok(lines.slice(1).filter(Boolean).every((l) => !/(^|,)"[=+\-@]/.test(l)), 'no cell starts with a formula character');
    await firefox.screenshot(path.join(artifacts, 'firefox-access-review.png'));
    await firefox.call('DELETE', '/window');
    await firefox.call('POST', '/window', { handle: home });
  });

  test('the health panel lists what blocks each set', async () => {
    await userFrame(ACME, 'int-netsuite@acme.example');
    await click('[data-ff="health-check-assignable"]');
    const sets = await firefox.waitFor(`
      const sets = [...document.querySelectorAll('[data-ff="assignable-set"]')].map((s) => s.dataset.ffSet);
      return sets.length ? sets : null;`);
    assert.deepEqual(sets.sort(), ['Analytics_Connector_User', 'Connector_Admin', 'Sales_Ops']);
    assert.match(await firefox.script(`return document.querySelector('[data-ff="assignable-set"][data-ff-set="Connector_Admin"]').textContent`),
      /Customize Application/);
    await firefox.toTop();
  });

  test('the badge menu and the health panel\'s own button open the review', async () => {
    const home = await firefox.call('GET', '/window');
    await userFrame(ACME, 'int-netsuite@acme.example');
    await click('[data-ff="badge"][data-ff-integration="true"]');
    const menuItem = elementRef(await firefox.waitFor(`
      return [...document.querySelectorAll('[data-ff="badge-menu"] button')].find((b) => b.textContent.startsWith('Access review')) ?? null;`));
    await switchToOpened(() => firefox.call('POST', `/element/${Object.values(menuItem)[0]}/click`, {}));
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="access-username"]').textContent`), 'int-netsuite@acme.example');
    await closeAndReturn(home);
    await userFrame(ACME, 'int-netsuite@acme.example');
    await switchToOpened(() => click('[data-ff="health-access-review"]'));
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="access-username"]').textContent`), 'int-netsuite@acme.example');
    await closeAndReturn(home);
    await firefox.toTop();
  });

  test('"Generate a narrower set" opens the generator prefilled, which checks the set before it is assigned', async () => {
    const home = await firefox.call('GET', '/window');
    await firefox.openExtensionPage(reviewUrl(UAT, 'int-netsuite@acme.example.uat'));
    const review = await firefox.call('GET', '/window');
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true'`);
    const removed = await firefox.script(`return [...document.querySelectorAll('[data-ff="narrower-removed-item"]')].map((li) => li.textContent)`);
    assert.equal(removed.length, 2);
    assert.match(removed[0], /^View All on Shipment__c \(from permission set group “Integration Bundle”\)/);
    await switchToOpened(() => click('[data-ff="generate-narrower"]'));
    assert.match(await firefox.script('return location.href'), /\/app\/generator\.html\?.*narrower=1/);
    const warnings = await firefox.waitFor(`
      const w = [...document.querySelectorAll('[data-ff="narrower"] [data-ff="load-warning"]')].map((e) => e.textContent);
      return w.length ? w : null;`);
    assert.deepEqual(warnings.map((w) => w.split(' (from')[0]), ['Left out: View All on Shipment__c', 'Left out: View All Fields on Shipment__c']);
    const shipment = '[data-ff="object-row"][data-object="Shipment__c"]';
    assert.equal(await checked(`${shipment} [data-ff="access-read"]`), true);
    assert.equal(await checked(`${shipment} [data-ff="access-edit"]`), true);
    assert.equal(await checked(`${shipment} [data-ff="access-viewAll"]`), false);
    assert.equal(await checked('[data-ff="system-permission"][data-name="RunReports"] input'), true);
    assert.equal(await firefox.waitFor(`return document.querySelector('[data-ff="assignment-state"]')?.dataset.state ?? null`), 'decidedAtAssignment');
    // Modify All Data would block it (a real click on the box, then Preview).
    await click('[data-ff="system-permission"][data-name="ModifyAllData"] input');
    await click('[data-ff="preview"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="assignment-state"]')?.dataset.state === 'blocked'`);
    assert.match(await firefox.script(`return document.querySelector('[data-ff="assignment-blocker"]').textContent`), /Modify All Data/);
    await firefox.screenshot(path.join(artifacts, 'firefox-access-narrower-generator.png'));
    await closeAndReturn(review);
    await closeAndReturn(home);
  });

  test('a user who isn\'t an integration user gets one message', async () => {
    const home = await firefox.call('GET', '/window');
    await firefox.openExtensionPage(`app/access.html?org=${encodeURIComponent(`https://${ACME.setup}/`)}&user=${ids['alan.turing@acme.example']}`);
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true'`);
    assert.deepEqual(await firefox.script(`return [...document.querySelectorAll('[data-ff="access-error"]')].map((e) => e.textContent)`),
      ['“Alan Turing” is not an integration user: their profile\'s user licence is “Salesforce”, not “Salesforce Integration”. The access review and the assignment check are for integration users. Nothing was changed.']);
    await closeAndReturn(home);
  });

  test('an expired session gets one message and changes nothing', async () => {
    const home = await firefox.call('GET', '/window');
    await sim.admin('POST', '/__sim/reset');
    const before = (await sim.admin('GET', '/__sim/state?org=acme')).body;
    await sim.admin('POST', '/__sim/expire-sessions');
    await firefox.openExtensionPage(reviewUrl(ACME, 'int-netsuite@acme.example'));
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true'`);
    assert.deepEqual(await firefox.script(`return [...document.querySelectorAll('[data-ff="access-error"]')].map((e) => e.textContent)`),
      ['Your Salesforce session has expired. Log in to Salesforce again, then reload this page. Nothing was changed.']);
    assert.equal(await firefox.script(`return document.querySelectorAll('[data-ff="access-objects"]').length`), 0);
    assert.deepEqual((await sim.admin('GET', '/__sim/state?org=acme')).body, before);
    await closeAndReturn(home);
    await firefox.goto(loginUrl(ACME));
    await firefox.goto(loginUrl(UAT));
  });
});
