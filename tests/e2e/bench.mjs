// `make bench`: Forcefield's figures, each measured side by side with its baseline in the same
// run, printed as one Markdown table. Runs inside the loopback-only namespace (scripts/in-loopback-netns.sh).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { artifactsDir, frameWithUrl, launchChromium, loadedClassicFrame, openPopup, tabIdFor } from './lib/chromium.mjs';
import { ACME, loginUrl, repoRoot, startSim, targetDir } from './lib/sim.mjs';
import { pluginRows } from '../plugin/bench.mjs';

const LATENCY_MS = 150;
const RUNS = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => value.toFixed(value < 10 ? 2 : 0);

const sim = await startSim({ args: ['--latency-ms', String(LATENCY_MS)] });
const browser = await launchChromium();
const rows = [];
// The generator page's exported spec and its Apply's API calls, for the sf plugin's rows.
let exportedSpec = null;
let pageApplyCalls = 0;
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

  // The content script's own main-thread time: what it does while the page loads (`detect`,
  // `apply`), and what it defers until after load: reading tables in idle slices, drawing the
  // toggles, drawing the badges.
  const AT_LOAD = ['detect', 'apply'];
  const mainThreadTimes = (atLoad) => {
    const total = atLoad
      .reduce((sum, n) => sum + (performance.getEntriesByName(`forcefield:${n}`)[0]?.duration ?? 0), 0);
    const later = ['slice', 'badges'].flatMap((n) => performance.getEntriesByName(`forcefield:${n}`)).map((entry) => entry.duration);
    return { atLoad: total, deferred: later.reduce((a, b) => a + b, 0), longest: Math.max(0, ...later) };
  };
  const medians = (samples) => Object.fromEntries(Object.keys(samples[0]).map((key) => [key, median(samples.map((s) => s[key]))]));
  const scriptTime = async (url, framePart, names, settledWhen = []) => {
    const samples = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(url);
      const frame = await frameWithUrl(page, framePart);
      await frame.waitForFunction((wanted) =>
        wanted.every((n) => performance.getEntriesByName(`forcefield:${n}`).length), [...names, ...settledWhen]);
      samples.push(await frame.evaluate(mainThreadTimes, names));
    }
    return medians(samples);
  };
  const deferredRow = (what, { deferred, longest }) => [`content script work after load, ${what}: total / longest task (ms)`,
    `${ms(deferred)} / ${ms(longest)}`, '—', '—', 'longest < 5'];
  const users = await scriptTime(`https://${ACME.setup}/lightning/setup/ManageUsers/home`, '/005?', AT_LOAD, ['drawn', 'badges']);
  rows.push(['content script main-thread time at load, Users list (ms)', ms(users.atLoad), '—', '—', '< 5']);
  rows.push(deferredRow('Users list (tables read, badges drawn)', users));
  const inert = await scriptTime(`https://${ACME.api}/`, `https://${ACME.api}/`, ['inert']);
  rows.push(['content script main-thread time, Salesforce page it leaves alone (ms)', ms(inert.atLoad + inert.deferred), '—', '—', '≈ 0']);

  // Bulk toggles on the 800-field object, as an admin clicks column after column: from Read for
  // all, Edit all → Read none → Read all → Undo, each step timed from the click to the last box
  // set (the content script's `forcefield:toggle` / `forcefield:undo` measures), clicked with
  // trusted input events like an admin's. Beside it, the same sequence by a loop that clicks
  // every box (what admins' bookmarklets do) on a freshly loaded page.
  const [wide] = await sim.query("SELECT Id FROM PermissionSet WHERE Name = 'Wide_Object_Access'");
  const wideAddress = `/${wide.Id.slice(0, 15)}/e?s=EntityPermissions&o=Wide_Object__c`;
  const widePage = `https://${ACME.setup}/lightning/setup/PermSets/page?address=${encodeURIComponent(wideAddress)}`;
  const READ = 'input[type="checkbox"][id$=":fls_read_ck"]';
  const EDIT = 'input[type="checkbox"][id$=":fls_edit_ck"]';
  const loadWide = async () => {
    await page.goto(widePage);
    const frame = await loadedClassicFrame(page, 'o=Wide_Object__c');
    await frame.locator('th > [data-ff="column-toggle"]').first().waitFor();
    await frame.locator('[data-ff="column-toggle"][aria-busy="true"]').first().waitFor({ state: 'detached' });
    // The page is fully drawn (the rows' Copy buttons come last, in idle slices).
    await frame.waitForFunction(() => performance.getEntriesByName('forcefield:row-buttons').length > 0);
    return frame;
  };
  // What every enabled box of a column must show after a step.
  const columnIs = (frame, selector, wanted) => frame.locator(selector).evaluateAll((boxes, want) =>
    boxes.filter((box) => !box.disabled).every((box) => box.checked === want), wanted);
  const STEPS = [
    { name: 'Edit all', control: 'th:has([id*="fls_editheader"]) > [data-ff="column-toggle"]', measure: 'forcefield:toggle', check: [[EDIT, true], [READ, true]] },
    { name: 'Read none', control: 'th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]', measure: 'forcefield:toggle', check: [[READ, false], [EDIT, false]] },
    { name: 'Read all', control: 'th:has([id*="fls_readheader"]) > [data-ff="column-toggle"]', measure: 'forcefield:toggle', check: [[READ, true], [EDIT, false]] },
    { name: 'Undo', control: '[data-ff="column-filter"][data-ff-table$="fieldTable"] [data-ff="undo"]', measure: 'forcefield:undo', check: [[READ, false], [EDIT, false]] },
  ];
  const stepTimes = STEPS.map(() => ({ listener: [], sinceClick: [], loop: [] }));
  const loadTimes = [];
  let rowsOnPage = 0;
  for (let run = 0; run < RUNS; run++) {
    let frame = await loadWide();
    loadTimes.push(await frame.evaluate(mainThreadTimes, AT_LOAD));
    await frame.locator(STEPS[2].control).click(); // Read for all: where the sequence starts
    if (!(await columnIs(frame, READ, true))) throw new Error('the setup left Read boxes unchecked');
    for (const [index, step] of STEPS.entries()) {
      const before = await frame.evaluate((name) => performance.getEntriesByName(name).length, step.measure);
      await frame.locator(step.control).click();
      const entry = await frame.evaluate(([name, count]) => {
        const entries = performance.getEntriesByName(name);
        return entries.length > count ? { duration: entries.at(-1).duration, sinceClick: entries.at(-1).detail?.sinceClick } : null;
      }, [step.measure, before]);
      if (!entry) throw new Error(`${step.name}: no ${step.measure} measure`);
      for (const [selector, wanted] of step.check) {
        if (!(await columnIs(frame, selector, wanted))) throw new Error(`${step.name}: ${selector} not all ${wanted}`);
      }
      stepTimes[index].listener.push(entry.duration);
      stepTimes[index].sinceClick.push(entry.sinceClick);
    }
    // The same sequence by a loop that clicks every box not yet as wanted (the page's own
    // handler moves the dependent boxes); Undo has no counterpart.
    frame = await loadWide();
    const loops = await frame.evaluate(([read, edit]) => {
      const clickAll = (selector, want) => {
        const boxes = [...document.querySelectorAll(selector)].filter((box) => !box.disabled && box.checked !== want);
        const started = performance.now();
        for (const box of boxes) box.click();
        return performance.now() - started;
      };
      clickAll(read, true);
      return [clickAll(edit, true), clickAll(read, false), clickAll(read, true)];
    }, [READ, EDIT]);
    loops.forEach((elapsed, index) => stepTimes[index].loop.push(elapsed));
    rowsOnPage = await frame.locator(READ).count();
  }
  for (const [index, step] of STEPS.entries()) {
    const times = stepTimes[index];
    const listener = median(times.listener);
    const fromClick = median(times.sinceClick);
    const loop = times.loop.length ? median(times.loop) : null;
    rows.push([`bulk toggle, ${rowsOnPage}-field page, ${index + 1}. ${step.name}: click to last box set, median / max of ${RUNS} (ms; from the click event's time stamp: ${ms(fromClick)} / ${ms(Math.max(...times.sinceClick))})`,
      `${ms(listener)} / ${ms(Math.max(...times.listener))}`,
      loop === null ? '—' : `${ms(loop)} (a loop that clicks every box)`,
      loop === null ? '—' : (listener / loop).toFixed(3), '≤ 4 / ≤ 8']);
  }
  const wideLoad = medians(loadTimes);
  rows.push([`content script main-thread time at load, ${rowsOnPage}-field permission page (ms)`, ms(wideLoad.atLoad),
    '—', '—', '< 1']);
  rows.push(deferredRow(`${rowsOnPage}-field permission page`, wideLoad));

  // The generator: opening it to usable, and Apply to done for a mid-size spec (five objects,
  // all their permissionable fields read-only) against the same records written by a page that
  // sends one request per record, one after another.
  const GENERATOR_OBJECTS = ['Account', 'Contact', 'Opportunity', 'Case', 'Lead'];
  const openTimes = [];
  const applyTimes = [];
  const perRecordTimes = [];
  let records = 0;
  let applyCalls = 0;
  for (let run = 0; run < RUNS; run++) {
    const generator = await browser.context.newPage();
    await generator.goto(`chrome-extension://${browser.extensionId}/app/generator.html?tab=${tabId}`);
    await generator.locator('body[data-ff-ready="true"]').waitFor({ timeout: 60000 });
    openTimes.push(await generator.evaluate(() => performance.getEntriesByName('forcefield:generator-ready')[0].duration));
    await generator.locator('[data-ff="generator-name"]').fill(`Bench ${run}`);
    for (const object of GENERATOR_OBJECTS) {
      await generator.locator('[data-ff="object-search"]').fill(object);
      await generator.locator(`[data-ff="object-row"][data-object="${object}"] [data-ff="object-include"]`).check();
      await generator.locator(`[data-ff="object-row"][data-object="${object}"] [data-ff="field-mode-readOnly"]`).waitFor();
    }
    await generator.locator('[data-ff="preview"]').click();
    await generator.locator('[data-ff="confirm-production"]').check();
    if (run === 0) {
      // The same spec for the sf plugin's apply (tests/plugin/bench.mjs), as the page exports it.
      const [download] = await Promise.all([generator.waitForEvent('download'), generator.locator('[data-ff="export-xml"]').click()]);
      exportedSpec = path.join(artifactsDir, download.suggestedFilename());
      await download.saveAs(exportedSpec);
    }
    const logBefore = (await sim.admin('GET', '/__sim/log')).body.length;
    await generator.locator('[data-ff="apply"]').click();
    await generator.locator('[data-ff="apply-status"][data-status="done"]').waitFor({ timeout: 120000 });
    applyTimes.push(await generator.evaluate(() => performance.getEntriesByName('forcefield:generator-apply')[0].duration));
    applyCalls = (await sim.admin('GET', '/__sim/log')).body.slice(logBefore).filter((c) => c.path.startsWith('/services/')).length;
    pageApplyCalls = applyCalls;
    await generator.close();

    const [created] = await sim.query(`SELECT Id FROM PermissionSet WHERE Name = 'Integration_Bench_${run}'`);
    const objectRows = await sim.query(`SELECT SobjectType, PermissionsRead FROM ObjectPermissions WHERE ParentId = '${created.Id}'`);
    const fieldRows = await sim.query(`SELECT SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = '${created.Id}'`);
    records = 1 + objectRows.length + fieldRows.length;
    const started = performance.now();
    const post = async (type, body) => {
      const answer = await send(sim.port, 'POST', `/services/data/v66.0/sobjects/${type}`, sid, body);
      if (!answer?.id) throw new Error(`${type}: ${JSON.stringify(answer)}`);
      return answer.id;
    };
    const parent = await post('PermissionSet', { Name: `Bench_Baseline_${run}`, Label: `Bench Baseline ${run}` });
    for (const o of objectRows) await post('ObjectPermissions', { ParentId: parent, SobjectType: o.SobjectType, PermissionsRead: o.PermissionsRead });
    for (const f of fieldRows) {
      await post('FieldPermissions', { ParentId: parent, SobjectType: f.SobjectType, Field: f.Field, PermissionsRead: f.PermissionsRead, PermissionsEdit: f.PermissionsEdit });
    }
    perRecordTimes.push(performance.now() - started);
  }
  // The first open fills the core's per-org caches (catalog, describe); later opens reuse them.
  rows.push([`generator page: opened to usable, first time (ms, ${LATENCY_MS} ms API latency)`, ms(openTimes[0]), '—', '—', '≤ 1000']);
  rows.push([`generator page: opened to usable, again (ms, ${LATENCY_MS} ms API latency)`, ms(median(openTimes.slice(1))), '—', '—', '≤ 500']);
  const applied = median(applyTimes);
  const perRecord = median(perRecordTimes);
  // The apply reads the org once (composite) and writes one collection per type: 4 round trips.
  rows.push([`generator page: Apply to done, ${records} records on ${GENERATOR_OBJECTS.length} objects, ${applyCalls} API calls (ms, ${LATENCY_MS} ms API latency)`, ms(applied),
    `${ms(perRecord)} (the same ${records} records from the page, one request each, one after another)`, (applied / perRecord).toFixed(2),
    `4 round trips (${4 * LATENCY_MS} ms) + 200`]);

  // Integration-user badges on a Users list of BADGE_USERS users (the seed's 30 plus generated
  // people): API queries and time until the badges show, first load (empty storage.session) and
  // a cached revisit, against classifying each user with a query of its own.
  const BADGE_USERS = 200;
  const [standard] = await sim.query("SELECT Id FROM Profile WHERE Name = 'Standard User'");
  const extra = Array.from({ length: BADGE_USERS - 30 }, (_, i) => ({
    attributes: { type: 'User' }, LastName: `Bench ${String(i).padStart(3, '0')}`, FirstName: 'Person',
    Username: `bench${i}@acme.example`, Alias: `b${i}`, Email: `bench${i}@acme.example`, ProfileId: standard.Id,
    IsActive: false, // no license needed
  }));
  const created = await send(sim.port, 'POST', '/services/data/v66.0/composite/sobjects', sid,
    { allOrNone: true, records: extra });
  if (!created.every?.((r) => r.success)) throw new Error(`could not create bench users: ${JSON.stringify(created).slice(0, 300)}`);
  const listAddress = `/005?isUserEntityOverride=1&rowsperpage=${BADGE_USERS}`;
  const listPage = `https://${ACME.setup}/lightning/setup/ManageUsers/page?address=${encodeURIComponent(listAddress)}`;
  const queryCount = async () => (await sim.admin('GET', '/__sim/log')).body
    .filter((c) => c.path.startsWith('/services/data/') && c.path.includes('/query')).length;
  const badgeRun = async (cold) => {
    if (cold) await browser.worker.evaluate(() => chrome.storage.session.clear());
    const before = await queryCount();
    await page.goto(listPage);
    const frame = await loadedClassicFrame(page, `rowsperpage=${BADGE_USERS}`);
    await frame.waitForFunction(() => performance.getEntriesByName('forcefield:badges').length > 0, null, { timeout: 30000 });
    // From the content script's start (Chrome runs it at document_idle, about the load event)
    // to the badges drawn.
    const [shown, loaded, badges] = await frame.evaluate(() => {
      const drawn = performance.getEntriesByName('forcefield:badges')[0];
      const started = performance.getEntriesByName('forcefield:detect')[0];
      return [drawn.startTime + drawn.duration, started.startTime,
        document.querySelectorAll('[data-ff="badge"]').length];
    });
    if (badges !== 6) throw new Error(`expected 6 badges, saw ${badges}`);
    return { shown, loaded, queries: (await queryCount()) - before };
  };
  const firstLoads = [];
  const revisits = [];
  for (let run = 0; run < RUNS; run++) {
    firstLoads.push(await badgeRun(true));
    revisits.push(await badgeRun(false));
  }
  const userIds = (await sim.query('SELECT Id FROM User')).map((u) => u.Id);
  const naiveTimes = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    // One query per user, six at a time (a browser's connections per host).
    for (let i = 0; i < userIds.length; i += 6) {
      await Promise.all(userIds.slice(i, i + 6).map((id) => get(sim.port,
        `/services/data/v66.0/query?q=${encodeURIComponent(`SELECT Id, Profile.UserLicense.Name, (SELECT PermissionSet.Name FROM PermissionSetAssignments) FROM User WHERE Id = '${id}'`)}`, sid)));
    }
    naiveTimes.push(performance.now() - started);
  }
  const naiveBadges = median(naiveTimes);
  for (const [label, runs, target] of [['first load', firstLoads, 1], ['cached revisit', revisits, 0]]) {
    const queries = Math.max(...runs.map((r) => r.queries));
    rows.push([`badges: API queries to badge a Users list of ${userIds.length} users, ${label}`, String(queries),
      `${userIds.length} (one query per user)`, (queries / userIds.length).toFixed(3), String(target)]);
  }
  for (const [label, runs, roundTrips] of [['first load', firstLoads, 1], ['cached revisit', revisits, 0]]) {
    const after = median(runs.map((r) => r.shown - r.loaded));
    rows.push([`badges: content script start to badges shown, ${label} (ms, ${LATENCY_MS} ms API latency, ${userIds.length} users)`,
      ms(after), `${ms(naiveBadges)} (one query per user, 6 in parallel)`, (after / naiveBadges).toFixed(2),
      `${roundTrips} round trip${roundTrips === 1 ? '' : 's'} (${roundTrips * LATENCY_MS} ms) + 100`]);
  }

  // What the browser downloads and compiles: the core every Setup page and the popup wake (the
  // background worker's), and the whole core the generator page loads.
  const shippedKb = async (module) => {
    const shipped = await readFile(path.join(repoRoot, module));
    return [(gzipSync(shipped, { level: 9 }).length / 1024).toFixed(0), `${(shipped.length / 1024).toFixed(0)} KB raw`];
  };
  const [workerGz, workerRaw] = await shippedKb('pkg/forcefield_bg.wasm');
  const [generatorGz, generatorRaw] = await shippedKb('pkg/generator/forcefield_bg.wasm');
  rows.push(['core .wasm shipped to the worker and popup (KB, gzipped)', workerGz,
    `${generatorGz} KB (the whole core, generator page only); ${workerRaw}`, (workerGz / generatorGz).toFixed(2), '≤ 150']);
  rows.push(['core .wasm shipped to the generator page (KB, gzipped)', generatorGz, `${generatorRaw}`, '—', '≤ 350']);
} finally {
  await browser.context.close();
  await sim.stop();
}

// The sf plugin through the real Salesforce CLI, on a simulated org of its own.
rows.push(...await pluginRows({ runs: RUNS, latencyMs: LATENCY_MS, spec: exportedSpec, extensionApplyCalls: pageApplyCalls }));

// The permission set generator, natively against its own simulated org (examples/generator_bench.rs,
// built by `make bench`): one JSON row per line.
rows.push(...execFileSync(path.join(targetDir, 'release/examples/generator_bench'), { encoding: 'utf8' })
  .split('\n').filter(Boolean).map((line) => JSON.parse(line)));
// Its apply under seeded faults (examples/fault_schedules.rs; `make soak` runs 100,000).
rows.push(...execFileSync(path.join(repoRoot, 'target/release/examples/fault_schedules'), ['5000', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 })
  .split('\n').filter(Boolean).map((line) => JSON.parse(line)));
// Default record types, natively the same way (examples/record_types_bench.rs).
rows.push(...execFileSync(path.join(targetDir, 'release/examples/record_types_bench'), { encoding: 'utf8' })
  .split('\n').filter(Boolean).map((line) => JSON.parse(line)));
// The access review, natively the same way (examples/access_bench.rs).
rows.push(...execFileSync(path.join(targetDir, 'release/examples/access_bench'), { encoding: 'utf8' })
  .split('\n').filter(Boolean).map((line) => JSON.parse(line)));

console.log('| figure | Forcefield | baseline or peer | ratio | target |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

function send(port, method, apiPath, sid, body) {
  return new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port, path: apiPath, method, rejectUnauthorized: false,
      headers: { Authorization: `Bearer ${sid}`, Host: ACME.api, 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(text ? JSON.parse(text) : null));
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

function get(port, apiPath, sid) {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: apiPath, rejectUnauthorized: false,
      headers: { Authorization: `Bearer ${sid}`, Host: ACME.api } }, (response) => {
      response.resume();
      response.on('end', resolve);
    }).on('error', reject);
  });
}
