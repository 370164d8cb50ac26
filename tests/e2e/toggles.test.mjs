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

describe('Chromium: instant consecutive toggles, copying access, one truth for disabled boxes', () => {
  let sim, browser, page, viewer;

  before(async () => {
    sim = await startSim();
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(loginUrl(ACME));
    [viewer] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Invoice_Viewer'");
  });

  after(async () => {
    await browser?.context.close();
    await sim?.stop();
  });

  const READ_TOGGLE = 'th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]';
  const EDIT_TOGGLE = 'th:has([id*="fls_editheader"]) > [data-ff="column-toggle"]';
  const setPage = async (id, object, section = 'EntityPermissions', node = 'PermSets') => {
    const address = `/${id.slice(0, 15)}/e?s=${section}&o=${object}`;
    await page.goto(`https://${ACME.setup}/lightning/setup/${node}/page?address=${encodeURIComponent(address)}`);
    const frame = await loadedClassicFrame(page, `o=${object}`);
    await frame.locator('[data-ff="column-toggle"]').first().waitFor();
    return settled(frame);
  };
  /** The field rows as the page shows them: key (from the onclick), read, edit, disabled flags, shown. */
  const fieldRows = (frame) => frame.locator('tr:has(> td > input[id$=":fls_read_ck"])').evaluateAll((rows) => rows.map((row) => {
    const read = row.querySelector('input[id$=":fls_read_ck"]');
    const edit = row.querySelector('input[id$=":fls_edit_ck"]');
    return {
      key: /'([^']+)'/.exec(read.getAttribute('onclick'))[1], read: read.checked, edit: edit.checked,
      readDisabled: read.disabled, editDisabled: edit.disabled, shown: !row.hidden,
    };
  }));
  const controlState = (control) => control.evaluate((c) => ({
    checked: c.checked, mixed: c.indeterminate, disabled: c.disabled, label: c.getAttribute('aria-label'),
    changeable: Number(c.dataset.ffChangeable), count: Number(c.dataset.ffChecked),
  }));
  /** Clicks `control` until its column is all checked (`true`) or all clear (`false`). */
  const pressUntil = async (control, wanted) => {
    for (let i = 0; i < 2 && (await controlState(control)).checked !== wanted; i++) await control.click();
    assert.equal((await controlState(control)).checked, wanted);
  };

  test('consecutive toggles apply at once: Edit all, then Read none right after, then Read all', async () => {
    const frame = await setPage(viewer.Id, 'Account');
    const read = frame.locator(READ_TOGGLE);
    const edit = frame.locator(EDIT_TOGGLE);
    await pressUntil(read, true);
    await pressUntil(edit, false);
    // From here on nothing may wait for the core: watch for any control going busy.
    await frame.evaluate(() => {
      globalThis.ffBusySeen = 0;
      new MutationObserver(() => {
        if (document.querySelector('[data-ff="column-toggle"][aria-busy]')) globalThis.ffBusySeen++;
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['aria-busy'] });
    });
    await edit.click();
    let rows = await fieldRows(frame);
    assert.ok(rows.filter((r) => !r.editDisabled).every((r) => r.edit && r.read), 'Edit for all, with Read');
    await read.click();
    rows = await fieldRows(frame);
    assert.ok(rows.filter((r) => !r.readDisabled).every((r) => !r.read && !r.edit), 'Read none clears Edit too');
    await read.click();
    rows = await fieldRows(frame);
    assert.ok(rows.filter((r) => !r.readDisabled).every((r) => r.read), 'Read for all again');
    assert.equal(await frame.evaluate(() => globalThis.ffBusySeen), 0, 'no toggle waited for a re-plan');
    const timings = await frame.evaluate(() => performance.getEntriesByName('forcefield:toggle').length);
    assert.ok(timings >= 3, 'each toggle is measured');
  });

  test('a toggle ends where clicking every box by hand ends, through the page\'s own handler', async () => {
    for (const [toggle, wanted] of [[EDIT_TOGGLE, true], [READ_TOGGLE, false]]) {
      let frame = await setPage(viewer.Id, 'Contact');
      await pressUntil(frame.locator(toggle), !wanted);
      const before = await fieldRows(frame);
      // By hand: every enabled box of the column not yet as wanted, clicked top to bottom (the
      // page's ProfileDependentCheckboxes handler moves the dependent boxes).
      const column = toggle === EDIT_TOGGLE ? ':fls_edit_ck' : ':fls_read_ck';
      await frame.locator(`input[id$="${column}"]`).evaluateAll((boxes, want) => {
        for (const box of boxes) if (!box.disabled && box.checked !== want) box.click();
      }, wanted);
      const byHand = await fieldRows(frame);
      frame = await setPage(viewer.Id, 'Contact');
      await pressUntil(frame.locator(toggle), !wanted);
      assert.deepEqual(await fieldRows(frame), before, 'the same start');
      await frame.locator(toggle).click();
      assert.deepEqual(await fieldRows(frame), byHand, `${column} ${wanted}`);
    }
  });

  test('a disabled box is never written and not counted; the page\'s handler leaves it too', async () => {
    const frame = await setPage(viewer.Id, 'Account');
    const read = frame.locator(READ_TOGGLE);
    await pressUntil(read, true);
    await pressUntil(frame.locator(EDIT_TOGGLE), true);
    const { changeable } = await controlState(read);
    // The page disables one row's Edit box (as Salesforce renders fields that can't be edited).
    const phone = 'tr:has(> td > input[onclick*="Account.Phone\'"])';
    await frame.locator(`${phone} input[id$=":fls_edit_ck"]`).evaluate((box) => { box.disabled = true; });
    await read.click(); // all → none: Phone's Read would clear its disabled Edit, so it stays
    const rows = await fieldRows(frame);
    const phoneRow = rows.find((r) => r.key === 'Account.Phone');
    assert.deepEqual([phoneRow.read, phoneRow.edit], [true, true], 'Phone left as it was');
    assert.ok(rows.filter((r) => r.key !== 'Account.Phone' && !r.readDisabled).every((r) => !r.read));
    const after = await controlState(read);
    assert.equal(after.changeable, changeable - 1, 'Phone\'s Read is not changeable any more');
    assert.deepEqual([after.checked, after.mixed, after.count], [false, false, 0], 'the header says none');
    // By hand, the page's own handler also leaves the disabled Edit box alone.
    await frame.locator(`${phone} input[id$=":fls_read_ck"]`).click();
    const byHand = (await fieldRows(frame)).find((r) => r.key === 'Account.Phone');
    assert.deepEqual([byHand.read, byHand.edit], [false, true]);
  });

  test('the header states the column truthfully, names it with its count, and works from the keyboard', async () => {
    const frame = await setPage(viewer.Id, 'Contact');
    const read = frame.locator(READ_TOGGLE);
    await pressUntil(read, false);
    await frame.locator('input[id$=":fls_read_ck"]:not([disabled])').first().click();
    const state = await controlState(read);
    assert.deepEqual([state.checked, state.mixed, state.count], [false, true, 1], 'mixed after one box by hand');
    assert.match(state.label, new RegExp(`^${await frame.locator('th:has([id*="fls_readheader"])').innerText()}`.trim()));
    assert.match(state.label, new RegExp(`: 1 of ${state.changeable} changeable boxes checked`));
    assert.equal(await read.evaluate((c) => c.matches(':indeterminate')), true);
    // Reachable with Tab from the filter above the table, operable with Space.
    await frame.locator('[data-ff="row-filter"]').last().focus();
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await read.evaluate((c) => document.activeElement === c);
    }
    assert.ok(reached, 'Tab reaches the Read control');
    await page.keyboard.press('Space');
    const rows = await fieldRows(frame);
    assert.ok(rows.filter((r) => !r.readDisabled).every((r) => r.read), 'Space checked the whole column');
    assert.equal((await controlState(read)).checked, true);
  });

  test('scripted clicks and events from the page do nothing', async () => {
    const frame = await setPage(viewer.Id, 'Contact');
    const before = await fieldRows(frame);
    await frame.evaluate(() => {
      for (const control of document.querySelectorAll('[data-ff="column-toggle"]')) control.click();
      const filter = document.querySelector('[data-ff="row-filter"]');
      filter.value = 'zzz';
      filter.dispatchEvent(new Event('input', { bubbles: true }));
      document.querySelector('[data-ff="copy-row"]')?.click();
    });
    assert.deepEqual(await fieldRows(frame), before, 'no box changed, no row hidden');
    assert.equal(await frame.locator('[data-ff="paste"]:visible').count(), 0, 'nothing copied');
  });

  test('copy a row\'s access, paste it to the filtered rows with the count shown first; undo restores', async () => {
    const frame = await setPage(viewer.Id, 'Account');
    await pressUntil(frame.locator(READ_TOGGLE), false);
    const number = 'tr:has(> td > input[onclick*="Account.AccountNumber\'"])';
    await frame.locator(`${number} input[id$=":fls_edit_ck"]`).click(); // Edit ⇒ Read, by the page
    await frame.locator(`${number} [data-ff="copy-row"]`).waitFor();
    await frame.locator(`${number} [data-ff="copy-row"]`).click();
    const bar = frame.locator('[data-ff="column-filter"]').last();
    assert.match(await bar.locator('[data-ff="copied"]').innerText(), /^Copied: Account Number \(.*✓, .*✓\)$/);
    await bar.locator('[data-ff="row-filter"]').fill('address');
    assert.equal(await bar.locator('[data-ff="paste"]').innerText(), 'Paste to the 2 shown rows');
    assert.equal(await bar.locator('[data-ff="paste-count"]').innerText(), '2 rows will change');
    const before = await fieldRows(frame);
    await bar.locator('[data-ff="paste"]').click();
    const pasted = await fieldRows(frame);
    for (const row of pasted) {
      const was = before.find((r) => r.key === row.key);
      if (['Account.BillingAddress', 'Account.ShippingAddress'].includes(row.key)) {
        assert.deepEqual([row.read, row.edit], [true, true], row.key);
      } else {
        assert.deepEqual(row, was, `${row.key} untouched`);
      }
    }
    await bar.locator('[data-ff="undo"]').click();
    assert.deepEqual(await fieldRows(frame), before, 'undo restores every box');
    await bar.locator('[data-ff="paste"]').click();
    await frame.locator('[id$="button_pc_save"]').click();
    await loadedClassicFrame(page, (url) => url.includes('o=Account') && !new URL(url).pathname.endsWith('/e'));
    const rows = await sim.query(`SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${viewer.Id}' AND SobjectType = 'Account'`);
    const stored = Object.fromEntries(rows.map((r) => [r.Field, [r.PermissionsRead, r.PermissionsEdit]]));
    assert.deepEqual(stored, {
      'Account.AccountNumber': [true, true], 'Account.BillingAddress': [true, true], 'Account.ShippingAddress': [true, true],
    });
  });

  // Found by the page snapshot fuzz target (tests/fuzz/targets.rs): pasting a row with Edit but not
  // Read clears each target's Read, then checks its Edit and with it Read again. Undo once set
  // such a box to the opposite of where the paste left it, not to where it started.
  test('undo after a paste that wrote a box twice puts every box back where it started', async () => {
    const frame = await setPage(viewer.Id, 'Account');
    const row = (field) => `tr:has(> td > input[onclick*="Account.${field}'"])`;
    // A row the page's own clicks would not leave (Edit without Read), set on the boxes directly.
    await frame.evaluate(({ source, targets }) => {
      const set = (selector, read, edit) => {
        const tr = document.querySelector(selector);
        tr.querySelector('input[id$=":fls_read_ck"]').checked = read;
        tr.querySelector('input[id$=":fls_edit_ck"]').checked = edit;
      };
      set(source, false, true);
      for (const target of targets) set(target, true, false);
    }, { source: row('AccountNumber'), targets: [row('BillingAddress'), row('ShippingAddress')] });
    await frame.locator(`${row('AccountNumber')} [data-ff="copy-row"]`).click();
    const bar = frame.locator('[data-ff="column-filter"]').last();
    await bar.locator('[data-ff="row-filter"]').fill('address');
    const before = await fieldRows(frame);
    await bar.locator('[data-ff="paste"]').click();
    for (const field of ['BillingAddress', 'ShippingAddress']) {
      const pasted = (await fieldRows(frame)).find((r) => r.key === `Account.${field}`);
      assert.deepEqual([pasted.read, pasted.edit], [true, true], `${field}: Edit, and Read with it`);
    }
    await bar.locator('[data-ff="undo"]').click();
    assert.deepEqual(await fieldRows(frame), before, 'undo puts every box back where it started');
  });

  /** Picks `label` in the copy bar, sets the mode and copies; returns the status text. */
  const copyFrom = async (frame, label, mode) => {
    const bar = frame.locator('[data-ff="copy-access"]');
    const source = bar.locator('[data-ff="copy-source"]');
    await source.click(); // loads the list (the admin's own pointer)
    await source.locator('option', { hasText: label }).first().waitFor({ state: 'attached' });
    await source.selectOption({ label });
    await page.keyboard.press('Escape');
    await bar.locator(mode === 'matchExactly' ? '[data-ff="copy-mode-match"]' : '[data-ff="copy-mode-add"]').check();
    await bar.locator('[data-ff="copy-apply"]').click();
    await bar.locator('[data-ff="copy-status"]', { hasText: 'Copied from' }).waitFor();
    return bar.locator('[data-ff="copy-status"]').innerText();
  };
  const fieldPermissions = async (parentId, object) => Object.fromEntries((await sim.query(
    `SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${parentId}' AND SobjectType = '${object}'`))
    .map((r) => [r.Field, [r.PermissionsRead, r.PermissionsEdit]]));
  const objectPermissions = async (parentId, object) => (await sim.query(
    `SELECT PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords FROM ObjectPermissions WHERE ParentId = '${parentId}' AND SobjectType = '${object}'`))
    .map(({ attributes, ...flags }) => flags)[0] ?? null;

  test('copy access from another permission set, Match exactly: saved by the page, the set matches the source', async () => {
    const [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    const frame = await setPage(viewer.Id, 'Contact');
    const status = await copyFrom(frame, 'NetSuite Integration', 'matchExactly');
    assert.match(status, /^Copied from NetSuite Integration \(match exactly\): \d+ boxes changed.*Nothing is saved until you press Save\.$/);
    assert.equal(await sim.query(`SELECT Id FROM FieldPermissions WHERE ParentId = '${viewer.Id}' AND SobjectType = 'Contact' AND Field = 'Contact.Email'`).then((r) => r.length), 0,
      'nothing saved before Save');
    await frame.locator('[id$="button_pc_save"]').click();
    await loadedClassicFrame(page, (url) => url.includes('o=Contact') && !new URL(url).pathname.endsWith('/e'));
    assert.deepEqual(await fieldPermissions(viewer.Id, 'Contact'), await fieldPermissions(netsuite.Id, 'Contact'));
    assert.deepEqual(await objectPermissions(viewer.Id, 'Contact'), await objectPermissions(netsuite.Id, 'Contact'));
  });

  test('copy access from a permission set onto a profile in the Lightning frame, Add only', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    const [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    const frame = await setPage(profile.Id, 'Contact', 'ObjectsAndTabs', 'EnhancedProfiles');
    // Start from one read-only field: Add only must keep it and add the source's.
    await pressUntil(frame.locator(READ_TOGGLE), false);
    await frame.locator('tr:has(> td > input[onclick*="Contact.Title\'"]) input[id$=":fls_read_ck"]').click();
    await copyFrom(frame, 'NetSuite Integration', 'addOnly');
    await frame.locator('[id$="button_pc_save"]').click();
    await loadedClassicFrame(page, (url) => url.includes('o=Contact') && !new URL(url).pathname.endsWith('/e'));
    const source = await fieldPermissions(netsuite.Id, 'Contact');
    assert.ok(Object.keys(source).length > 0 && !source['Contact.Title']);
    assert.deepEqual(await fieldPermissions(owned.Id, 'Contact'), { ...source, 'Contact.Title': [true, false] });
  });

  test('copy access on the original profile page flsedit.jsp: saved, and rows without an API name skipped and counted', async () => {
    const [profile] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
    const [owned] = await sim.query(`SELECT Id FROM PermissionSet WHERE ProfileId = '${profile.Id}'`);
    const [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
    const openFlsedit = async (object) => {
      await page.goto(`https://${ACME.setup}/setup/layout/flsedit.jsp?id=${profile.Id.slice(0, 15)}&type=${object}`);
      const frame = page.mainFrame();
      await frame.locator('[data-ff="copy-access"]').waitFor();
      return settled(frame);
    };
    // Account's fields are all standard: named by their API names in the boxes' ids.
    let frame = await openFlsedit('Account');
    await copyFrom(frame, 'NetSuite Integration', 'matchExactly');
    await frame.locator('input[name="save"][type="submit"]').first().click();
    await page.waitForURL((url) => !url.pathname.endsWith('flsedit.jsp') || url.search.includes('saved'), { timeout: 5000 }).catch(() => {});
    assert.deepEqual(await fieldPermissions(owned.Id, 'Account'), await fieldPermissions(netsuite.Id, 'Account'));
    // Invoice's custom fields are named by Id on this page: skipped, counted, left as they were.
    const before = await fieldPermissions(owned.Id, 'Invoice__c');
    frame = await openFlsedit('Invoice__c');
    const customRows = await frame.locator('tr.dataRow input[id^="display_00N"]').count();
    assert.ok(customRows > 0);
    const status = await copyFrom(frame, 'NetSuite Integration', 'matchExactly');
    assert.match(status, new RegExp(`; ${customRows} rows? without an API name skipped`));
    const boxes = await frame.locator('tr.dataRow input[id^="display_00N"]').evaluateAll((all) => all.map((b) => b.checked));
    await openFlsedit('Invoice__c');
    assert.deepEqual(await page.mainFrame().locator('tr.dataRow input[id^="display_00N"]').evaluateAll((all) => all.map((b) => b.checked)), boxes);
    assert.deepEqual(await fieldPermissions(owned.Id, 'Invoice__c'), before);
  });
});
