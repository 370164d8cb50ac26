// End to end in Chromium: bulk column toggles on the permission set object edit page inside the
// Lightning iframe, saved by the page's own Save and checked through the org's API.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { artifactsDir, launchChromium, loadedClassicFrame } from './lib/chromium.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

const READ = 'input[type="checkbox"][id$=":fls_read_ck"]';
const EDIT = 'input[type="checkbox"][id$=":fls_edit_ck"]';

/** Waits until no column control is recomputing its plans (they show `aria-busy` meanwhile). */
async function settled(frame) {
  await frame.locator('[data-ff="column-toggle"][aria-busy="true"]').first().waitFor({ state: 'detached' });
  return frame;
}

/** Activates a control the way an admin does, then waits for the page to settle. */
async function press(frame, control) {
  await control.click();
  await settled(frame);
}

async function boxStates(frame, selector) {
  return frame.locator(selector).evaluateAll((boxes) =>
    boxes.map((box) => ({ id: box.id, checked: box.checked, disabled: box.disabled })));
}

describe('Chromium: bulk column toggles', () => {
  let sim, browser, page, permissionSet;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    // Assigned to a Salesforce-licensed user only, so every field permission is grantable.
    [permissionSet] = await sim.query("SELECT Id, Name FROM PermissionSet WHERE Name = 'Invoice_Viewer'");
    assert.ok(permissionSet, 'the org has the Invoice Viewer permission set');
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const openObject = async (object) => {
    const address = `/${permissionSet.Id.slice(0, 15)}/e?s=EntityPermissions&o=${object}`;
    await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/page?address=${encodeURIComponent(address)}`);
    const frame = await loadedClassicFrame(page, `o=${object}`);
    await frame.locator('[data-ff="column-toggle"]').first().waitFor();
    return settled(frame);
  };
  const toggleFor = (frame, headerDiv) =>
    frame.locator(`th:has([id*="${headerDiv}"]) > [data-ff="column-toggle"]`);

  test('Read for all, then Edit for all, saved by the page: FieldPermissions match the boxes', async () => {
    const frame = await openObject('Account');
    const readToggle = toggleFor(frame, 'fls_readheader');
    const editToggle = toggleFor(frame, 'fls_editheader');
    assert.equal(await readToggle.count(), 1, 'exactly one Read control');
    assert.equal(await editToggle.count(), 1, 'exactly one Edit control');
    const disabledBefore = (await boxStates(frame, `${READ}, ${EDIT}`)).filter((b) => b.disabled);

    await press(frame, readToggle);
    const reads = await boxStates(frame, READ);
    assert.ok(reads.filter((b) => !b.disabled).every((b) => b.checked), 'every enabled Read box checked');
    assert.equal(await readToggle.isChecked(), true);

    await press(frame, editToggle);
    const edits = await boxStates(frame, EDIT);
    assert.ok(edits.filter((b) => !b.disabled).every((b) => b.checked), 'every enabled Edit box checked');
    const disabledAfter = (await boxStates(frame, `${READ}, ${EDIT}`)).filter((b) => b.disabled);
    assert.deepEqual(disabledAfter, disabledBefore, 'no disabled box changed');
    await page.screenshot({ path: path.join(artifactsDir, 'toggles-account-all.png') });

    const expectedRead = reads.filter((b) => !b.disabled).length;
    const expectedEdit = edits.filter((b) => !b.disabled).length;
    await frame.locator('[id$="button_pc_save"]').click();
    await loadedClassicFrame(page, (url) => url.includes('s=EntityPermissions') && !new URL(url).pathname.endsWith('/e'));

    const rows = await sim.query(
      `SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${permissionSet.Id}' AND SobjectType = 'Account'`);
    assert.equal(rows.filter((r) => r.PermissionsRead).length, expectedRead);
    assert.equal(rows.filter((r) => r.PermissionsEdit).length, expectedEdit);
    assert.ok(rows.every((r) => r.PermissionsRead), 'Edit never without Read');
  });

  test('clearing Read clears Edit; undo restores the boxes before Save', async () => {
    const frame = await openObject('Account');
    const readToggle = toggleFor(frame, 'fls_readheader');
    const before = await boxStates(frame, `${READ}, ${EDIT}`);
    assert.equal(await readToggle.isChecked(), true, 'all readable after the previous save');
    await press(frame, readToggle);
    const cleared = await boxStates(frame, `${READ}, ${EDIT}`);
    assert.ok(cleared.filter((b) => !b.disabled).every((b) => !b.checked), 'Read and Edit cleared');
    await press(frame, frame.locator('[data-ff="undo"]').first());
    assert.deepEqual(await boxStates(frame, `${READ}, ${EDIT}`), before, 'undo restores every box');
  });

  test('the filter restricts a toggle to the rows it shows, with a live count', async () => {
    const frame = await openObject('Account');
    const readToggle = toggleFor(frame, 'fls_readheader');
    await press(frame, readToggle); // clear all (everything was readable)
    const filter = frame.locator('[data-ff="row-filter"]').last();
    await filter.fill('billing');
    await settled(frame);
    const count = await frame.locator('[data-ff="filter-count"]').last().textContent();
    assert.match(count, /^\d+ of \d+ fields shown, 0 readable$/);
    const [shown] = count.split(' ');
    assert.ok(Number(shown) > 0, 'some rows match');
    await press(frame, readToggle); // check the shown rows only
    const states = await frame.locator(READ).evaluateAll((boxes) => boxes.map((box) => ({
      visible: !box.closest('tr').hidden, checked: box.checked, disabled: box.disabled })));
    assert.ok(states.filter((s) => s.visible && !s.disabled).every((s) => s.checked), 'shown rows checked');
    assert.ok(states.filter((s) => !s.visible && !s.disabled).every((s) => !s.checked), 'hidden rows untouched');
    const readable = states.filter((s) => s.visible && s.checked).length;
    assert.match(await frame.locator('[data-ff="filter-count"]').last().textContent(), new RegExp(`, ${readable} readable$`));
  });

  test('API-name search and "custom fields only" pick out custom fields', async () => {
    const frame = await openObject('Invoice__c');
    const filter = frame.locator('[data-ff="row-filter"]').last();
    // A field's row key is its API name (`Object.Field`, from the page's onclick, salesforce.md §D.3).
    const shownKeys = () => frame.locator(READ).evaluateAll((boxes) => boxes
      .filter((box) => !box.closest('tr').hidden)
      .map((box) => /'([^']+)'/.exec(box.getAttribute('onclick'))?.[1] ?? ''));
    const all = await shownKeys();
    await filter.fill('amount');
    await settled(frame);
    assert.deepEqual(await shownKeys(), all.filter((key) => key.toLowerCase().includes('amount')));
    await filter.fill('');
    await frame.locator('[data-ff="custom-only"]').last().check();
    await settled(frame);
    const custom = await shownKeys();
    assert.ok(custom.length > 0 && custom.length < all.length, `${custom.length} of ${all.length}`);
    assert.deepEqual(custom, all.filter((key) => key.endsWith('__c')));
  });

  test('keyboard only: Space on a focused control toggles its column', async () => {
    const frame = await openObject('Contact');
    const readToggle = toggleFor(frame, 'fls_readheader');
    await readToggle.focus();
    const wasChecked = await readToggle.isChecked();
    await page.keyboard.press('Space');
    await settled(frame);
    const reads = (await boxStates(frame, READ)).filter((b) => !b.disabled);
    assert.ok(reads.every((b) => b.checked === !wasChecked), 'the whole column followed the key press');
  });

  test('the enhanced profile object page: clearing Read for all clears Edit too, saved to the profile', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    const stored = () => sim.query(`SELECT Field, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${owned.Id}' AND SobjectType = 'Case'`);
    assert.ok((await stored()).length > 0, 'the profile starts with Case field permissions');
    const address = `/${profile.Id.slice(0, 15)}/e?s=ObjectsAndTabs&o=Case`;
    await page.goto(`https://${ACME.setup}/lightning/setup/EnhancedProfiles/page?address=${encodeURIComponent(address)}`);
    const frame = await loadedClassicFrame(page, 'o=Case');
    const readToggle = toggleFor(frame, 'fls_readheader');
    assert.equal(await readToggle.isChecked(), true, 'every Case field is readable to start with');
    await press(frame, readToggle);
    const boxes = (await boxStates(frame, `${READ}, ${EDIT}`)).filter((b) => !b.disabled);
    assert.ok(boxes.length > 0 && boxes.every((b) => !b.checked), 'Read and Edit cleared');
    await frame.locator('[id$="button_pc_save"]').click();
    await loadedClassicFrame(page, (url) => url.includes('o=Case') && !new URL(url).pathname.endsWith('/e'));
    assert.deepEqual(await stored(), [], 'no Case field permission left on the profile');
  });

  test('the original flsedit.jsp page: Read-Only for all also makes every field Visible', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    await page.goto(`https://${ACME.setup}/setup/layout/flsedit.jsp?id=${profile.Id.slice(0, 15)}&type=Lead`);
    const frame = page.mainFrame();
    const visibleToggle = frame.locator('th.displayedCol > [data-ff="column-toggle"]');
    const readOnlyToggle = frame.locator('th.readonlyCol > [data-ff="column-toggle"]');
    await readOnlyToggle.waitFor();
    await settled(frame);
    if (await readOnlyToggle.isChecked()) await press(frame, readOnlyToggle); // start from no read-only field
    await press(frame, readOnlyToggle);
    const states = await frame.locator('tr.dataRow').evaluateAll((rows) => rows.map((row) => ({
      visible: row.querySelector('.displayedCol input[type="checkbox"]'),
      readOnly: row.querySelector('.readonlyCol input[type="checkbox"]'),
    })).map(({ visible, readOnly }) => ({
      visible: visible?.checked, visibleDisabled: visible?.disabled, readOnly: readOnly?.checked, readOnlyDisabled: readOnly?.disabled,
    })));
    const editable = states.filter((s) => !s.readOnlyDisabled);
    assert.ok(editable.length > 0);
    assert.ok(editable.every((s) => s.readOnly && s.visible), 'Read-Only ⇒ Visible on every row it could change');
    assert.equal(await visibleToggle.count(), 1);
    await frame.locator('input[name="save"][type="submit"]').first().click();
    await page.waitForURL((url) => !url.pathname.endsWith('flsedit.jsp') || url.search.includes('saved'), { timeout: 5000 }).catch(() => {});
    const rows = await sim.query(
      `SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${owned.Id}' AND SobjectType = 'Lead'`);
    const readOnlyRows = rows.filter((r) => r.PermissionsRead && !r.PermissionsEdit);
    assert.ok(rows.every((r) => r.PermissionsRead && !r.PermissionsEdit), 'every stored field is read-only now');
    assert.ok(readOnlyRows.length >= editable.length, `${readOnlyRows.length} read-only rows for ${editable.length} boxes`);
  });

  test('the page\'s own dependency map (read from its world) drives the toggle: Visible tab ⇒ Available', async () => {
    const frame = await openObject('Invoice__c');
    const available = frame.locator('input[type="checkbox"][id$="tab_available_ck"]');
    const visible = frame.locator('input[type="checkbox"][id$="tab_visible_ck"]');
    // By hand, through the page's own handler: clearing Available clears Visible too.
    if (await available.isChecked()) await available.click();
    if (await visible.isChecked()) await visible.click();
    assert.equal(await available.isChecked(), false);
    // Only the page's map says Visible needs Available; no built-in rule does (src/rules.rs).
    await settled(frame);
    const columnIndex = await visible.evaluate((box) => box.closest('td, th').cellIndex);
    const toggle = frame.locator('table:has([id$="tab_visible_ck"]) tr.headerRow > *').nth(columnIndex)
      .locator(':scope > [data-ff="column-toggle"]');
    await press(frame, toggle);
    assert.equal(await visible.isChecked(), true);
    assert.equal(await available.isChecked(), true, 'the map\'s dependency was applied');
  });

  test('navigating the Lightning iframe to another object re-adds the controls exactly once', async () => {
    await openObject('Account');
    const frame = await openObject('Opportunity');
    assert.equal(await toggleFor(frame, 'fls_readheader').count(), 1);
    assert.equal(await toggleFor(frame, 'fls_editheader').count(), 1);
    const perHeader = await frame.locator('th').evaluateAll((cells) =>
      Math.max(...cells.map((cell) => cell.querySelectorAll(':scope > [data-ff="column-toggle"]').length)));
    assert.equal(perHeader, 1, 'no header cell has two controls');
  });
});

describe('Chromium: bulk column toggles on a table the page re-renders in place', () => {
  let sim, browser, page, permissionSet;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    [permissionSet] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Invoice_Viewer'");
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  // What an AJAX list does when it pages or re-sorts: fetch the server's markup again and swap
  // the table in place, with no page load (as the sim's `--users-list-ajax` Users list does).
  // The first render swaps just the field table, the second the whole layout table around it.
  const rerender = (frame, selector) => frame.evaluate(async (part) => {
    const html = await (await fetch(location.href, { credentials: 'same-origin' })).text();
    const fresh = new DOMParser().parseFromString(html, 'text/html');
    document.querySelector(part).replaceWith(document.importNode(fresh.querySelector(part), true));
  }, selector);

  test('after each in-place re-render the controls and the filter bar are back exactly once, and work', async () => {
    const address = `/${permissionSet.Id.slice(0, 15)}/e?s=EntityPermissions&o=Account`;
    await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/page?address=${encodeURIComponent(address)}`);
    const frame = await loadedClassicFrame(page, 'o=Account');
    const readToggle = frame.locator('th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]');
    await readToggle.waitFor();
    await settled(frame);
    let original = await frame.locator(READ).first().elementHandle();
    for (const [render, part] of [[1, 'table[id$=":fieldTable"]'], [2, 'table#bodyTable']]) {
      await rerender(frame, part);
      await frame.waitForFunction((old) => !old.isConnected, original);
      original = await frame.locator(READ).first().elementHandle();
      await readToggle.waitFor();
      await settled(frame);
      assert.equal(await readToggle.count(), 1, `render ${render}: one Read control`);
      const bars = await frame.locator('[data-ff="column-filter"]').evaluateAll((all) =>
        all.map((bar) => [bar.dataset.ffTable, bar.nextElementSibling?.id ?? '']));
      assert.equal(new Set(bars.map(([table]) => table)).size, bars.length, `render ${render}: one filter bar per table`);
      assert.ok(bars.some(([table, next]) => table === next && next.endsWith(':fieldTable')),
        `render ${render}: the field table's bar sits right above it`);
      const perHeader = await frame.locator('th').evaluateAll((cells) =>
        Math.max(...cells.map((cell) => cell.querySelectorAll(':scope > [data-ff="column-toggle"]').length)));
      assert.equal(perHeader, 1, `render ${render}: no header cell has two controls`);
    }
    // The control acts on the boxes of the table now on the page, not on the replaced ones:
    // two presses set every enabled Read box one way, then the other.
    for (const press of [1, 2]) {
      await readToggle.click();
      await settled(frame);
      const wanted = await readToggle.isChecked();
      const enabled = (await boxStates(frame, READ)).filter((box) => !box.disabled);
      assert.ok(enabled.length > 0 && enabled.every((box) => box.checked === wanted), `press ${press}: every enabled Read box follows`);
    }
  });
});
