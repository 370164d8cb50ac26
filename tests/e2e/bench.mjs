// `make bench`: Forcefield's figures, each measured side by side with its baseline in the same
// run, printed as one Markdown table. Runs inside the loopback-only namespace (scripts/bench.sh).
import { readFile, stat } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { frameWithUrl, launchChromium, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, loginUrl, repoRoot, startSim } from './lib/sim.mjs';

const LATENCY_MS = 150;
const RUNS = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => value.toFixed(value < 10 ? 2 : 0);

const sim = await startSim({ args: ['--latency-ms', String(LATENCY_MS)] });
const browser = await launchChromium();
const rows = [];
try {
  const page = await browser.context.newPage();
  await page.goto(loginUrl(ACME));
  const tabId = await tabIdFor(browser.worker, `https://${ACME.setup}/*`);

  // The popup: time from opening to the org status shown.
  const popupTimes = async (cold) => {
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      if (cold) await browser.worker.evaluate(() => chrome.storage.session.clear());
      const popup = await openPopup(browser.context, browser.extensionId, tabId);
      await popup.locator('[data-ff="org-name"]').waitFor();
      times.push(await popup.evaluate(() => ['org-status', 'status-shown']
        .map((name) => performance.getEntriesByName(`forcefield:${name}`)[0].duration)));
      await popup.close();
    }
    return [median(times.map(([api]) => api)), median(times.map(([, shown]) => shown))];
  };
  const { sid } = (await sim.admin('POST', '/__sim/sessions', { org: 'acme', username: ACME.admin })).body;
  const naive = async () => {
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      for (const apiPath of ['/services/data/', '/services/oauth2/userinfo',
        '/services/data/v66.0/query?q=SELECT+Id,Name,IsSandbox,InstanceName,OrganizationType+FROM+Organization']) {
        await get(sim.port, apiPath, sid);
      }
      times.push(performance.now() - started);
    }
    return median(times);
  };
  const naiveTime = await naive();
  for (const cold of [true, false]) {
    const [api, shown] = await popupTimes(cold);
    const roundTrips = cold ? 2 : 1;
    rows.push([`popup: org status from the core, ${cold ? 'cold' : 'warm'} (ms, ${LATENCY_MS} ms API latency)`,
      ms(api), `${ms(naiveTime)} (the same three reads one after another, uncached)`, (api / naiveTime).toFixed(2),
      `${roundTrips} round trip${roundTrips > 1 ? 's' : ''} (${roundTrips * LATENCY_MS} ms) + 50`]);
    rows.push([`popup: opened to status shown, ${cold ? 'cold' : 'warm'} (ms)`, ms(shown), '—', '—',
      `${roundTrips * LATENCY_MS + 150}`]);
  }

  // The content script's own main-thread time on page load.
  const scriptTime = async (url, framePart, names) => {
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(url);
      const frame = await frameWithUrl(page, framePart);
      await frame.waitForFunction((wanted) =>
        wanted.every((n) => performance.getEntriesByName(`forcefield:${n}`).length), names);
      times.push(await frame.evaluate((wanted) => wanted
        .reduce((sum, n) => sum + performance.getEntriesByName(`forcefield:${n}`)[0].duration, 0), names));
    }
    return median(times);
  };
  const enhanced = await scriptTime(`https://${ACME.setup}/lightning/setup/ManageUsers/home`, '/005?', ['detect', 'apply']);
  rows.push(['content script main-thread time, Setup page it enhances (ms)', ms(enhanced), '—', '—', '< 5']);
  const inert = await scriptTime(`https://${ACME.api}/`, `https://${ACME.api}/`, ['inert']);
  rows.push(['content script main-thread time, Salesforce page it leaves alone (ms)', ms(inert), '—', '—', '≈ 0']);

  // What the browser downloads and compiles.
  const shipped = await readFile(path.join(repoRoot, 'pkg/forcefield_bg.wasm'));
  const unoptimised = (await stat(path.join(repoRoot, 'target/wasm32-unknown-unknown/release/forcefield.wasm'))).size;
  rows.push(['core .wasm shipped (KB, gzipped)', (gzipSync(shipped, { level: 9 }).length / 1024).toFixed(0),
    `${(shipped.length / 1024).toFixed(0)} KB raw; rustc output ${(unoptimised / 1024).toFixed(0)} KB`,
    (shipped.length / unoptimised).toFixed(2), '≤ 150']);
} finally {
  await browser.context.close();
  await sim.stop();
}

console.log('| figure | Forcefield | baseline or peer | ratio | target |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

function get(port, apiPath, sid) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: apiPath, rejectUnauthorized: false,
      headers: { Authorization: `Bearer ${sid}`, Host: ACME.api } }, (response) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', reject);
  });
}
