// End to end in Firefox ESR: bulk toggles on the simulated org's permission pages, driven by
// WebDriver's element clicks and key presses (trusted events, as an admin's), checked on the
// page and through the org's API after the page's own Save.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { elementRef, launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

const READ_TOGGLE = 'th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]';
const EDIT_TOGGLE = 'th:has([id*="fls_editheader"]) > [data-ff="column-toggle"]';
const SETTLED = `return document.querySelector('th > [data-ff="column-toggle"]')
  && !document.querySelector('[data-ff="column-toggle"][aria-busy="true"]')`;
// The field rows as the page shows them (script reads only; it never acts).
const FIELD_ROWS = `return [...document.querySelectorAll('tr')].filter((row) => row.querySelector(':scope > td > input[id$=":fls_read_ck"]'))
  .map((row) => {
    const read = row.querySelector('input[id$=":fls_read_ck"]');
    const edit = row.querySelector('input[id$=":fls_edit_ck"]');
    return { key: /'([^']+)'/.exec(read.getAttribute('onclick'))[1], read: read.checked, edit: edit.checked,
      readDisabled: read.disabled, editDisabled: edit.disabled, shown: !row.hidden };
  });`;

describe('Firefox: bulk toggles, copying access, one truth for disabled boxes', () => {
  let sim, firefox, viewer, netsuite;

  before(async () => {
    sim = await startSim();
    firefox = await launchFirefox();
    // Tall enough that the Lightning shell shows the whole Classic frame: WebDriver clicks at an
    // element's place on screen, and the frame doesn't scroll the shell.
    await firefox.call('POST', '/window/rect', { width: 1280, height: 1600 });
    await firefox.goto(loginUrl(ACME));
    [viewer] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Invoice_Viewer'");
    [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
  });

  after(async () => {
    await firefox?.quit();
    await sim?.stop();
  });

  /** An element of the current frame by CSS selector, waiting for it. */
  const find = async (selector) => {
    const deadline = Date.now() + 10000;
    for (;;) {
      const found = await firefox.call('POST', '/element', { using: 'css selector', value: selector }).catch(() => null);
      if (elementRef(found)) return Object.values(found)[0];
      if (Date.now() > deadline) throw new Error(`no element ${selector}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** WebDriver's element click: real pointer events, trusted as an admin's. */
  const click = async (selector) => firefox.call('POST', `/element/${await find(selector)}/click`, {});
  const type = async (selector, text) => firefox.call('POST', `/element/${await find(selector)}/value`, { text });
  const rows = () => firefox.script(FIELD_ROWS);
  const controlState = (selector) => firefox.script(`const c = document.querySelector(arguments[0]);
    return { checked: c.checked, mixed: c.indeterminate, label: c.getAttribute('aria-label'),
      changeable: Number(c.dataset.ffChangeable), count: Number(c.dataset.ffChecked) };`, selector);
  const pressUntil = async (selector, wanted) => {
    for (let i = 0; i < 2 && (await controlState(selector)).checked !== wanted; i++) await click(selector);
    assert.equal((await controlState(selector)).checked, wanted);
  };

  const openObject = async (id, object, section = 'EntityPermissions', node = 'PermSets') => {
    const address = `/${id.slice(0, 15)}/e?s=${section}&o=${object}`;
    await firefox.toTop();
    await firefox.goto(`https://${ACME.setup}/lightning/setup/${node}/page?address=${encodeURIComponent(address)}`);
    await firefox.toClassicFrame();
    await firefox.waitFor(`return location.search.includes(arguments[0]) && (${SETTLED.replace(/^return /, '')})`, { args: [`o=${object}`] });
  };
  const saveAndWait = async (object) => {
    await click('[id$="button_pc_save"]');
    await firefox.toTop();
    await firefox.toClassicFrame();
    await firefox.waitFor(`return location.search.includes(arguments[0]) && !location.pathname.endsWith('/e')`, { args: [`o=${object}`] });
  };
  const fieldPermissions = async (parentId, object) => Object.fromEntries((await sim.query(
    `SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${parentId}' AND SobjectType = '${object}'`))
    .map((r) => [r.Field, [r.PermissionsRead, r.PermissionsEdit]]));

  test('consecutive toggles apply at once: Edit all, Read none, Read all', async () => {
    await openObject(viewer.Id, 'Account');
    await pressUntil(READ_TOGGLE, true);
    await pressUntil(EDIT_TOGGLE, false);
    // Nothing waits for the core: right after each click no control is busy and the boxes are set.
    const busy = () => firefox.script(`return Boolean(document.querySelector('[data-ff="column-toggle"][aria-busy]'))`);
    await click(EDIT_TOGGLE);
    assert.equal(await busy(), false);
    assert.ok((await rows()).filter((r) => !r.editDisabled).every((r) => r.edit && r.read), 'Edit for all, with Read');
    await click(READ_TOGGLE);
    assert.equal(await busy(), false);
    assert.ok((await rows()).filter((r) => !r.readDisabled).every((r) => !r.read && !r.edit), 'Read none clears Edit');
    await click(READ_TOGGLE);
    assert.equal(await busy(), false);
    assert.ok((await rows()).filter((r) => !r.readDisabled).every((r) => r.read), 'Read for all');
    assert.ok(await firefox.script(`return performance.getEntriesByName('forcefield:toggle').length >= 3`), 'each toggle is measured');
  });

  test('a disabled box is never written and not counted', async () => {
    await openObject(viewer.Id, 'Account');
    await pressUntil(READ_TOGGLE, true);
    await pressUntil(EDIT_TOGGLE, true);
    const { changeable } = await controlState(READ_TOGGLE);
    await firefox.script(`document.querySelector('tr:has(> td > input[onclick*="Account.Phone\\'"]) input[id$=":fls_edit_ck"]').disabled = true`);
    await click(READ_TOGGLE);
    const phone = (await rows()).find((r) => r.key === 'Account.Phone');
    assert.deepEqual([phone.read, phone.edit], [true, true]);
    const state = await controlState(READ_TOGGLE);
    assert.deepEqual([state.checked, state.mixed, state.changeable], [false, false, changeable - 1]);
  });

  test('the header names its column and count, is mixed when it should be, and Space toggles it', async () => {
    await openObject(viewer.Id, 'Contact');
    await pressUntil(READ_TOGGLE, false);
    await click('input[id$=":fls_read_ck"]:not([disabled])');
    const state = await controlState(READ_TOGGLE);
    assert.deepEqual([state.checked, state.mixed, state.count], [false, true, 1]);
    assert.match(state.label, new RegExp(`: 1 of ${state.changeable} changeable boxes checked`));
    await type(READ_TOGGLE, ' ');
    assert.ok((await rows()).filter((r) => !r.readDisabled).every((r) => r.read), 'Space checked the column');
  });

  test('scripted clicks from the page do nothing', async () => {
    await openObject(viewer.Id, 'Contact');
    const before = await rows();
    await firefox.script(`for (const c of document.querySelectorAll('[data-ff="column-toggle"]')) c.click();
      document.querySelector('[data-ff="copy-row"]')?.click();`);
    assert.deepEqual(await rows(), before);
  });

  test('copy a row, paste to the filtered rows with the count first, undo, then save', async () => {
    await openObject(viewer.Id, 'Account');
    await pressUntil(READ_TOGGLE, false);
    const number = 'tr:has(> td > input[onclick*="Account.AccountNumber\'"])';
    await click(`${number} input[id$=":fls_edit_ck"]`);
    await click(`${number} [data-ff="copy-row"]`);
    const bar = '[data-ff="column-filter"][data-ff-table$="fieldTable"]';
    await type(`${bar} [data-ff="row-filter"]`, 'address');
    await firefox.waitFor(`return document.querySelector(arguments[0]).textContent === '2 rows will change'`, { args: [`${bar} [data-ff="paste-count"]`] });
    const before = await rows();
    await click(`${bar} [data-ff="paste"]`);
    for (const row of await rows()) {
      if (['Account.BillingAddress', 'Account.ShippingAddress'].includes(row.key)) assert.deepEqual([row.read, row.edit], [true, true]);
      else assert.deepEqual(row, before.find((r) => r.key === row.key), row.key);
    }
    await click(`${bar} [data-ff="undo"]`);
    assert.deepEqual(await rows(), before);
    await click(`${bar} [data-ff="paste"]`);
    await saveAndWait('Account');
    assert.deepEqual(await fieldPermissions(viewer.Id, 'Account'), {
      'Account.AccountNumber': [true, true], 'Account.BillingAddress': [true, true], 'Account.ShippingAddress': [true, true],
    });
  });

  test('copy access from another permission set, Match exactly, saved by the page', async () => {
    await openObject(viewer.Id, 'Contact');
    await click('[data-ff="copy-source"]');
    await firefox.waitFor(`return [...document.querySelectorAll('[data-ff="copy-source"] option')].some((o) => o.textContent === 'NetSuite Integration')`);
    await click(`[data-ff="copy-source"] option[value*="${netsuite.Id}"]`);
    await click('[data-ff="copy-mode-match"]');
    await click('[data-ff="copy-apply"]');
    const status = await firefox.waitFor(`const s = document.querySelector('[data-ff="copy-status"]').textContent; return s.startsWith('Copied from') && s`);
    assert.match(status, /^Copied from NetSuite Integration \(match exactly\)/);
    await saveAndWait('Contact');
    assert.deepEqual(await fieldPermissions(viewer.Id, 'Contact'), await fieldPermissions(netsuite.Id, 'Contact'));
  });

  test('copy access on a profile page in the Lightning frame, Add only', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    await openObject(profile.Id, 'Contact', 'ObjectsAndTabs', 'EnhancedProfiles');
    await pressUntil(READ_TOGGLE, false);
    await click('tr:has(> td > input[onclick*="Contact.Title\'"]) input[id$=":fls_read_ck"]');
    await click('[data-ff="copy-source"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="copy-source"]').dataset.ffLoaded === 'true'`);
    await click(`[data-ff="copy-source"] option[value*="${netsuite.Id}"]`);
    await click('[data-ff="copy-apply"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="copy-status"]').textContent.startsWith('Copied from')`);
    await saveAndWait('Contact');
    const source = await fieldPermissions(netsuite.Id, 'Contact');
    assert.deepEqual(await fieldPermissions(owned.Id, 'Contact'), { ...source, 'Contact.Title': [true, false] });
  });

  test('copy access on the original profile page flsedit.jsp (Classic, no frame), saved', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    await firefox.toTop();
    await firefox.goto(`https://${ACME.setup}/setup/layout/flsedit.jsp?id=${profile.Id.slice(0, 15)}&type=Account`);
    await firefox.waitFor(`return document.querySelector('[data-ff="copy-access"]') && (${SETTLED.replace(/^return /, '')})`);
    await click('[data-ff="copy-source"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="copy-source"]').dataset.ffLoaded === 'true'`);
    await click(`[data-ff="copy-source"] option[value*="${netsuite.Id}"]`);
    await click('[data-ff="copy-mode-match"]');
    await click('[data-ff="copy-apply"]');
    await firefox.waitFor(`return document.querySelector('[data-ff="copy-status"]').textContent.startsWith('Copied from')`);
    await click('input[name="save"][type="submit"]');
    await firefox.waitFor(`return !location.pathname.endsWith('flsedit.jsp') || location.search.includes('saved')`).catch(() => {});
    const deadline = Date.now() + 10000;
    let stored;
    do {
      stored = await fieldPermissions(owned.Id, 'Account');
    } while (JSON.stringify(stored) !== JSON.stringify(await fieldPermissions(netsuite.Id, 'Account')) && Date.now() < deadline);
    assert.deepEqual(stored, await fieldPermissions(netsuite.Id, 'Account'));
  });
});
