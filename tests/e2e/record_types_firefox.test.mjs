// End to end in Firefox ESR: from an integration user's detail page (a real WebDriver click on
// "Default record types", which the content script takes only as the admin's own) to the record
// types page, through the confirmation to a default the profile, read again, shows; then an org
// that refuses, with Salesforce's message and the link to the profile's record type page; then a
// record type deleted while the page was open, which changes nothing.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { elementRef, launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');
const INTEGRATION = 'Minimum Access - API Only Integrations';

describe('Firefox: default record types of the integration profile', () => {
  let sim, firefox, users;

  before(async () => {
    await mkdir(artifacts, { recursive: true });
    sim = await startSim();
    firefox = await launchFirefox();
    users = Object.fromEntries((await sim.query("SELECT Id, Username FROM User WHERE Username LIKE 'int-%'"))
      .map((u) => [u.Username.split('@')[0], u.Id.slice(0, 15)]));
    await firefox.goto(loginUrl(ACME));
  });

  after(async () => {
    await firefox?.quit();
    await sim?.stop();
  });

  const visibilities = async () => {
    const state = (await sim.admin('GET', '/__sim/state?org=acme')).body;
    const profile = state.Profile.find((p) => p.Name === INTEGRATION);
    return Object.fromEntries(state.ProfileRecordTypeVisibility
      .filter((row) => row.ProfileId === profile.Id)
      .map((row) => [row.RecordType, [row.Visible, row.Default]]));
  };

  /** Opens the user's page, clicks "Default record types" as a person would, switches to the page it opens. */
  const openFromUserPage = async (id15) => {
    const home = await firefox.call('GET', '/window');
    await firefox.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    await firefox.toClassicFrame();
    const button = elementRef(await firefox.waitFor(`return document.querySelector('[data-ff="record-types"]')`));
    const before = await firefox.call('GET', '/window/handles');
    // WebDriver's element click is a trusted event, like the admin's.
    await firefox.call('POST', `/element/${Object.values(button)[0]}/click`, {});
    const opened = await (async () => {
      for (let i = 0; i < 100; i++) {
        const handles = await firefox.call('GET', '/window/handles');
        const fresh = handles.find((h) => !before.includes(h));
        if (fresh) return fresh;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the record types page did not open');
    })();
    await firefox.call('POST', '/window', { handle: opened });
    await firefox.waitFor(`return document.body?.dataset.ffReady === 'true' || document.querySelector('[data-ff="rt-error"]')`);
    return async () => {
      await firefox.call('DELETE', '/window');
      await firefox.call('POST', '/window', { handle: home });
    };
  };

  /** Chooses `recordType` in its card, reviews and confirms; returns the result's outcome and text. */
  const setDefault = async (object, recordType, beforeConfirm = async () => {}) => {
    const card = `[data-ff="rt-object"][data-object="${object}"]`;
    await firefox.script(`document.querySelector(arguments[0]).click()`,
      `${card} [data-record-type="${recordType}"] [data-ff="rt-choice"]`);
    await firefox.script(`document.querySelector(arguments[0]).click()`, `${card} [data-ff="rt-review"]`);
    const users = await firefox.waitFor(`return document.querySelector(arguments[0])?.textContent`,
      { args: [`${card} [data-ff="rt-confirm-users"]`] });
    await beforeConfirm();
    await firefox.script(`document.querySelector(arguments[0]).click()`, `${card} [data-ff="rt-confirm-yes"]`);
    const result = await firefox.waitFor(`
      const result = document.querySelector(arguments[0]);
      return result ? [result.dataset.outcome, result.textContent, result.querySelector('[data-ff="rt-settings-link"]')?.href ?? null] : null;`,
    { args: [`${card} [data-ff="rt-result"]`] });
    return { users, outcome: result[0], text: result[1], link: result[2] };
  };

  test('from the user page through the confirmation to a verified default', async () => {
    await sim.admin('POST', '/__sim/integration-profile-record-types', { mode: 'accept' });
    const close = await openFromUserPage(users['int-netsuite']);
    assert.equal(await firefox.script(`return document.querySelector('[data-ff="rt-profile-name"]').textContent`), INTEGRATION);
    const { users: count, outcome, text } = await setDefault('Opportunity', 'Opportunity.Renewal');
    assert.equal(count, '4 active users have this profile; the change applies to all of them.');
    await firefox.screenshot(path.join(artifacts, 'firefox-record-types-verified.png'));
    assert.equal(outcome, 'verified', text);
    const now = await visibilities();
    assert.deepEqual(now['Opportunity.Renewal'], [true, true]);
    await close();
  });

  test('an org that refuses shows Salesforce\'s message and the record type page, and changes nothing', async () => {
    await sim.admin('POST', '/__sim/reset');
    const before = await visibilities();
    const close = await openFromUserPage(users['int-marketo']);
    const { outcome, text, link } = await setDefault('Account', 'Account.Partner');
    assert.equal(outcome, 'notSet');
    assert.match(text, /Salesforce refused the change: You can't change the record type settings of standard objects/);
    const url = new URL(link);
    assert.equal(`${url.host}${url.pathname}`, `${ACME.api}/setup/ui/profilerecordtypeedit.jsp`);
    assert.equal(url.searchParams.get('tid'), 'Account');
    assert.deepEqual(await visibilities(), before);
    await close();
  });

  test('a record type deleted since the page was shown gives one message and changes nothing', async () => {
    await sim.admin('POST', '/__sim/reset');
    await sim.admin('POST', '/__sim/integration-profile-record-types', { mode: 'accept' });
    const before = await visibilities();
    const close = await openFromUserPage(users['int-zapier']);
    const { outcome, text, link } = await setDefault('Case', 'Case.Billing', async () => {
      // An admin deletes the record type in Setup before this one confirms.
      for (const change of ['deactivate', 'delete']) {
        const answer = await sim.admin('POST', '/__sim/record-type', { org: 'acme', recordType: 'Case.Billing', change });
        assert.equal(answer.status, 204, JSON.stringify(answer.body));
      }
    });
    assert.equal(outcome, 'notSet');
    assert.equal(text, 'Case has no record type Case.Billing in this org. Nothing was changed.');
    assert.equal(link, null);
    const { 'Case.Billing': deleted, ...rest } = before;
    assert.ok(deleted, 'Case.Billing was in the profile before');
    assert.deepEqual(await visibilities(), rest);
    await close();
  });
});
