// End to end in Firefox ESR: integration-user badges on the Users list inside the Lightning
// frame, the same extension as a temporary add-on (one flow; Chromium covers the rest).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { launchFirefox } from './lib/firefox.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const artifacts = path.join(repoRoot, 'tests/e2e/artifacts');

describe('Firefox: integration-user badges', () => {
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

  test('the Users list badges exactly the integration users, with their warnings', async () => {
    const users = Object.fromEntries((await sim.query('SELECT Id, Username FROM User'))
      .map((u) => [u.Username, u.Id.slice(0, 15)]));
    await firefox.goto(loginUrl(ACME));
    const address = '/005?isUserEntityOverride=1&setupid=ManageUsers&rowsperpage=50';
    await firefox.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(address)}`);
    await firefox.toClassicFrame();
    await firefox.waitFor(`return document.querySelectorAll('[data-ff="badge"]').length === 6`);
    const badges = await firefox.script(`return [...document.querySelectorAll('[data-ff="badge"]')]
      .map((b) => [b.dataset.ffUser, Number(b.dataset.ffWarnings)])`);
    assert.deepEqual(Object.fromEntries(badges), {
      [users['int-netsuite@acme.example']]: 0,
      [users['int-marketo@acme.example']]: 1,
      [users['int-tableau@acme.example']]: 2,
      [users['int-legacy-erp@acme.example']]: 2,
      [users['int-datasync@acme.example']]: 3,
      [users['int-zapier@acme.example']]: 3,
    });
    // content.css reaches Firefox too: the badges are styled by role and state, not inline.
    const looks = await firefox.script(`return [...document.querySelectorAll('[data-ff="badge"]')]
      .map((b) => [b.dataset.ffWarnings !== '0', getComputedStyle(b).borderTopColor, b.getAttribute('style')])`);
    for (const [warned, border, inline] of looks) {
      assert.equal(border, warned ? 'rgb(221, 122, 1)' : 'rgb(1, 118, 211)');
      assert.equal(inline, null);
    }
    const hostile = await firefox.script(`return document.querySelector('table.list a[href="/' + arguments[0] + '"]').textContent`,
      users['xss@acme.example']);
    assert.equal(hostile, '<img src=x onerror=alert(1)>');
    assert.equal(await firefox.script(`return document.querySelectorAll('table.list img[src="x"]').length`), 0);
    await firefox.toTop();
    await firefox.screenshot(path.join(artifacts, 'firefox-badges-users-list.png'));
  });
});
