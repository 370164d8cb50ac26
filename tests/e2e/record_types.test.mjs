// End to end in Chromium: default record types of the integration profile, from the integration
// user's detail page (and from the generator) through the confirmation to a default verified by
// reading the profile again, checked in the simulated org; an org that refuses the update shows
// Salesforce's message and links the profile's record type page; a record type gone or inactive
// since the page was shown, and an expired session, change nothing.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { artifactsDir, launchChromium, loadedClassicFrame } from './lib/chromium.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

const INTEGRATION = 'Minimum Access - API Only Integrations';

/** The page a click opens in a new tab, once it is usable. */
async function nextPage(context, pattern, click) {
  const [opened] = await Promise.all([context.waitForEvent('page'), click()]);
  await opened.waitForURL(pattern);
  await opened.locator('body[data-ff-ready="true"], [data-ff="rt-error"], [data-ff="generator-error"]').first().waitFor();
  return opened;
}

/** `(recordType → [visible, default])` of a profile, as the simulated org holds it. */
async function visibilities(sim, profileName) {
  const state = (await sim.admin('GET', '/__sim/state?org=acme')).body;
  const profile = state.Profile.find((p) => p.Name === profileName);
  return Object.fromEntries(state.ProfileRecordTypeVisibility
    .filter((row) => row.ProfileId === profile.Id)
    .map((row) => [row.RecordType, [row.Visible, row.Default]]));
}

/** Picks `recordType` in its object's card, reviews, and returns the confirmation panel. */
async function review(page, object, recordType) {
  const card = page.locator(`[data-ff="rt-object"][data-object="${object}"]`);
  await card.locator(`[data-ff="rt-row"][data-record-type="${recordType}"] [data-ff="rt-choice"]`).check();
  await card.locator('[data-ff="rt-review"]').click();
  const confirm = card.locator('[data-ff="rt-confirm"]');
  await confirm.waitFor();
  return { card, confirm };
}

describe('Chromium: default record types of the integration profile', () => {
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
    await sim.admin('POST', '/__sim/reset');
    for (const extra of browser.context.pages().filter((p) => p !== page)) await extra.close();
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const recordTypesFromUserPage = async (userId) => {
    const id15 = userId.slice(0, 15);
    await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    const frame = await loadedClassicFrame(page, `/${id15}`);
    const button = frame.locator('[data-ff="record-types"]');
    await button.waitFor();
    return nextPage(browser.context, /\/app\/record-types\.html/, () => button.click());
  };

  test('from the integration user\'s page through the confirmation to a verified default', async () => {
    await sim.admin('POST', '/__sim/integration-profile-record-types', { mode: 'accept' });
    const before = await visibilities(sim, INTEGRATION);
    const recordTypes = await recordTypesFromUserPage(users['int-netsuite']);
    assert.equal(await recordTypes.locator('[data-ff="rt-profile-name"]').textContent(), INTEGRATION);
    assert.equal(await recordTypes.locator('[data-ff="rt-user"]').textContent(), 'NetSuite Integration (int-netsuite@acme.example)');
    assert.equal(await recordTypes.locator('[data-ff="rt-profile-users"]').textContent(), '4 active users have this profile');
    const objects = await recordTypes.locator('[data-ff="rt-object"]').evaluateAll((cards) => cards.map((c) => c.dataset.object));
    assert.deepEqual(objects, ['Account', 'Case', 'Opportunity']);
    // An inactive record type can't be chosen.
    assert.equal(await recordTypes.locator('[data-record-type="Opportunity.Legacy_Deal"] [data-ff="rt-choice"]').isDisabled(), true);
    assert.equal(await recordTypes.locator('[data-ff="rt-object"][data-object="Opportunity"] [data-ff="rt-current"]').textContent(),
      'No default record type for this profile.');

    const { card, confirm } = await review(recordTypes, 'Account', 'Account.Partner');
    assert.match(await confirm.textContent(), /Make Partner the default Account record type of the profile Minimum Access - API Only Integrations\?/);
    assert.equal(await confirm.locator('[data-ff="rt-confirm-users"]').textContent(),
      '4 active users have this profile; the change applies to all of them.');
    // Nothing is written before the confirmation.
    assert.deepEqual(await visibilities(sim, INTEGRATION), before);
    await recordTypes.screenshot({ path: path.join(artifactsDir, 'record-types-confirm.png'), fullPage: true });

    await confirm.locator('[data-ff="rt-confirm-yes"]').click();
    const result = recordTypes.locator('[data-ff="rt-object"][data-object="Account"] [data-ff="rt-result"]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'verified');
    assert.match(await result.textContent(), /Partner is now the default Account record type of Minimum Access - API Only Integrations/);
    assert.equal(await recordTypes.locator('[data-ff="rt-object"][data-object="Account"] [data-ff="rt-current"]').textContent(), 'Default: Partner');
    await recordTypes.screenshot({ path: path.join(artifactsDir, 'record-types-verified.png'), fullPage: true });
    assert.equal(await card.count(), 1);

    // In the org: the new default, the old one cleared, nothing else touched.
    const after = await visibilities(sim, INTEGRATION);
    assert.deepEqual(after['Account.Partner'], [true, true]);
    assert.deepEqual(after['Account.Customer'], [true, false]);
    const changed = Object.keys(after).filter((rt) => JSON.stringify(after[rt]) !== JSON.stringify(before[rt]));
    assert.deepEqual(changed.sort(), ['Account.Customer', 'Account.Partner']);
    // The Metadata API calls: read, read fresh, update, read again.
    const soap = (await sim.admin('GET', '/__sim/log')).body.filter((l) => l.soap_call).map((l) => l.soap_call);
    assert.deepEqual(soap, ['readMetadata', 'readMetadata', 'updateMetadata', 'readMetadata']);
  });

  test('an org that refuses shows Salesforce\'s message, links the record type page and changes nothing', async () => {
    const before = await visibilities(sim, INTEGRATION);
    const recordTypes = await recordTypesFromUserPage(users['int-tableau']);
    const { card, confirm } = await review(recordTypes, 'Opportunity', 'Opportunity.Renewal');
    await confirm.locator('[data-ff="rt-confirm-yes"]').click();
    const result = card.locator('[data-ff="rt-result"]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'notSet');
    assert.match(await result.locator('[data-ff="rt-message"]').textContent(),
      /^Salesforce refused the change: You can't change the record type settings of standard objects on the profile Minimum Access - API Only Integrations\. \(FIELD_INTEGRITY_EXCEPTION\)\. Nothing was changed/);
    const link = result.locator('[data-ff="rt-settings-link"]');
    const href = new URL(await link.getAttribute('href'));
    assert.equal(href.host, ACME.api);
    assert.equal(href.pathname, '/setup/ui/profilerecordtypeedit.jsp');
    assert.equal(href.searchParams.get('tid'), 'Opportunity');
    assert.equal(href.searchParams.get('pn'), INTEGRATION);
    await recordTypes.screenshot({ path: path.join(artifactsDir, 'record-types-refused.png'), fullPage: true });
    assert.deepEqual(await visibilities(sim, INTEGRATION), before);

    // The link opens the profile's record type settings in Setup.
    const setup = await Promise.all([browser.context.waitForEvent('page'), link.click()]).then(([p]) => p);
    await setup.waitForLoadState();
    const rows = await setup.locator('tr[data-record-type]').evaluateAll((trs) => trs.map((tr) => tr.dataset.recordType));
    assert.deepEqual(rows, ['Opportunity.New_Business', 'Opportunity.Renewal', 'Opportunity.Legacy_Deal']);
  });

  test('faked clicks on "Default record types" open nothing; the admin\'s one click opens one page', async () => {
    const id15 = users['int-tableau'].slice(0, 15);
    await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    const frame = await loadedClassicFrame(page, `/${id15}`);
    const button = frame.locator('[data-ff="record-types"]');
    await button.waitFor();
    const seen = await frame.evaluate(() => {
      const control = document.querySelector('[data-ff="record-types"]');
      const trusted = [];
      control.addEventListener('click', (event) => trusted.push(event.isTrusted));
      for (let i = 0; i < 5; i++) {
        control.click();
        control.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
      }
      return trusted;
    });
    assert.ok(seen.length === 10 && seen.every((trusted) => trusted === false), 'the page\'s clicks reached the button, untrusted');
    // The admin's click is answered after every faked one was: had any opened a tab, it would be
    // open by the time the admin's is.
    await nextPage(browser.context, /\/app\/record-types\.html/, () => button.click());
    await page.waitForTimeout(500);
    const open = browser.context.pages().filter((p) => p.url().includes('/app/record-types.html'));
    assert.equal(open.length, 1, `tabs: ${browser.context.pages().map((p) => p.url()).join(', ')}`);
  });

  test('the generator opens the same page for its user', async () => {
    const id15 = users['int-marketo'].slice(0, 15);
    await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${id15}`)}`);
    const frame = await loadedClassicFrame(page, `/${id15}`);
    const generate = frame.locator('[data-ff="generate"]');
    await generate.waitFor();
    const generator = await nextPage(browser.context, /\/app\/generator\.html/, () => generate.click());
    const recordTypes = await nextPage(browser.context, /\/app\/record-types\.html/,
      () => generator.locator('[data-ff="open-record-types"]').click());
    assert.equal(await recordTypes.locator('[data-ff="rt-user"]').textContent(), 'Marketo Integration (int-marketo@acme.example)');
    assert.equal(await recordTypes.locator('[data-ff="rt-profile-name"]').textContent(), INTEGRATION);
  });

  test('a record type made inactive or deleted since the page was shown gives one message and changes nothing', async () => {
    await sim.admin('POST', '/__sim/integration-profile-record-types', { mode: 'accept' });
    const recordTypes = await recordTypesFromUserPage(users['int-netsuite']);
    for (const [change, says] of [
      ['deactivate', 'The record type Account.Partner is inactive; Salesforce doesn\'t make an inactive record type a default. Activate it in Setup first. Nothing was changed.'],
      ['delete', 'Account has no record type Account.Partner in this org. Nothing was changed.'],
    ]) {
      const before = await visibilities(sim, INTEGRATION);
      const { card, confirm } = await review(recordTypes, 'Account', 'Account.Partner');
      // An admin changes the record type in Setup before this one confirms.
      const changed = await sim.admin('POST', '/__sim/record-type', { org: 'acme', recordType: 'Account.Partner', change });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      await confirm.locator('[data-ff="rt-confirm-yes"]').click();
      const result = card.locator('[data-ff="rt-result"]');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-outcome'), 'notSet');
      assert.equal(await result.locator('[data-ff="rt-message"]').textContent(), says);
      // Deleting a record type takes it out of every profile (the sim, as Setup); nothing else moved.
      if (change === 'delete') delete before['Account.Partner'];
      assert.deepEqual(await visibilities(sim, INTEGRATION), before);
    }
    const soap = (await sim.admin('GET', '/__sim/log')).body.filter((l) => l.soap_call).map((l) => l.soap_call);
    assert.ok(!soap.includes('updateMetadata'), soap.join(', '));
  });

  test('an expired session gives one message and changes nothing', async () => {
    await sim.admin('POST', '/__sim/integration-profile-record-types', { mode: 'accept' });
    const before = await visibilities(sim, INTEGRATION);
    const recordTypes = await recordTypesFromUserPage(users['int-zapier']);
    const { card, confirm } = await review(recordTypes, 'Case', 'Case.Billing');
    await sim.admin('POST', '/__sim/expire-sessions');
    await confirm.locator('[data-ff="rt-confirm-yes"]').click();
    const result = card.locator('[data-ff="rt-result"]');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'notSet');
    assert.equal(await result.locator('[data-ff="rt-message"]').textContent(),
      'Your Salesforce session has expired. Reload the Salesforce tab (log in again if asked), then try again.');
    assert.equal(await result.locator('[data-ff="rt-settings-link"]').count(), 0);
    assert.deepEqual(await visibilities(sim, INTEGRATION), before);
    await page.goto(loginUrl(ACME));
  });
});
