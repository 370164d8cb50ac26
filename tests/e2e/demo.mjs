// `make demo`: the simulated org with Forcefield loaded in Chromium. With a display, a real
// window stays open until Ctrl-C; without one, it takes screenshots and prints where they are.
import path from 'node:path';
import { artifactsDir, frameWithUrl, launchChromium, loadedClassicFrame, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, loginUrl, startSim } from './lib/sim.mjs';

const headed = Boolean(process.env.DISPLAY) && process.env.FF_DEMO_HEADLESS !== '1';
const sim = await startSim();
const browser = await launchChromium({ headless: !headed });
const page = await browser.context.newPage();
await page.goto(loginUrl(ACME));
const classic = await frameWithUrl(page, '/setup/forcecomHomepage.apexp');
await classic.locator('body > [data-ff="marker"]').waitFor({ state: 'attached' });

const shots = [];
const shoot = async (target, name) => {
  const file = path.join(artifactsDir, `demo-${name}.png`);
  await target.screenshot({ path: file });
  shots.push(file);
};
await shoot(page, 'setup-home');
// Bulk toggles: a permission set's object page in edit mode, a control in every checkbox
// column's header, the rows filtered (by label or API name) with the count above the table.
const [netsuite] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'NetSuite_Integration'");
const objectPage = `/${netsuite.Id.slice(0, 15)}/e?s=EntityPermissions&o=Account`;
await page.goto(`https://${ACME.setup}/lightning/setup/PermSets/page?address=${encodeURIComponent(objectPage)}`);
const permissions = await loadedClassicFrame(page, 'o=Account');
await permissions.locator('th > [data-ff="column-toggle"]').first().waitFor();
await permissions.locator('[data-ff="column-toggle"][aria-busy="true"]').first().waitFor({ state: 'detached' });
const fieldBar = permissions.locator('[data-ff="column-filter"][data-ff-table$="fieldTable"]');
await fieldBar.locator('[data-ff="row-filter"]').fill('number');
await fieldBar.locator('[data-ff="filter-count"]', { hasText: 'fields shown' }).waitFor();
await permissions.locator('[data-ff="copy-access"]').scrollIntoViewIfNeeded();
await shoot(page, 'permission-set-toggles');
await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/home`);
await (await frameWithUrl(page, '/005')).locator('table.list').waitFor();
await shoot(page, 'users');
const popup = await openPopup(browser.context, browser.extensionId, await tabIdFor(browser.worker, `https://${ACME.setup}/*`));
await shoot(popup, 'popup');
// The permission set generator, opened from an integration user's detail page.
const [tableau] = await sim.query("SELECT Id FROM User WHERE Username = 'int-tableau@acme.example'");
const tableauId = tableau.Id.slice(0, 15);
await page.goto(`https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(`/${tableauId}`)}`);
const generate = (await loadedClassicFrame(page, `/${tableauId}`)).locator('[data-ff="generate"]');
await generate.waitFor();
await shoot(page, 'integration-user');
const [generator] = await Promise.all([browser.context.waitForEvent('page'), generate.click()]);
await generator.locator('body[data-ff-ready="true"]').waitFor();
await shoot(generator, 'generator');

if (headed) {
  console.log('demo: Chromium is open on the simulated org with Forcefield loaded. Ctrl-C to stop.');
  await new Promise((resolve) => process.once('SIGINT', resolve));
} else {
  console.log('demo: no display, so here is what Forcefield looks like on the simulated org:');
  for (const file of shots) console.log(`  ${file}`);
}
await browser.context.close();
await sim.stop();
