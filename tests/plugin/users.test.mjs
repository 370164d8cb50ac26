// `sf forcefield users list` and `users check` through the real `sf` against an org of 2,530
// users: the list reads every page (child rows count toward a page, salesforce.md §B.1) and
// finds the integration users wherever they sort; check gates on one user's health; an expired
// session is one clear message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { loggedInCli, startSim } from './harness.mjs';

const SEEDED_USERS = 30;
const EXTRA_USERS = 2500;
const INTEGRATION_USERS = [
  'int-datasync@acme.example',
  'int-legacy-erp@acme.example',
  'int-marketo@acme.example',
  'int-netsuite@acme.example',
  'int-tableau@acme.example',
  'int-zapier@acme.example',
];

let sim;
let cli;

before(async () => {
  sim = await startSim(['--extra-users', String(EXTRA_USERS)]);
  cli = await loggedInCli(sim);
});

after(async () => {
  await cli?.cleanup();
  await sim?.stop();
});

test('users list reads every page of 2,530 users and lists the integration users, exit 3 when some need attention', async () => {
  const before = (await sim.log()).length;
  const listed = await cli.sf(['forcefield', 'users', 'list', '--target-org', 'acme']);
  assert.equal(listed.code, 3, listed.stdout + listed.stderr);
  assert.equal(listed.json.status, 3);
  const { users, scanned, needsAttention } = listed.json.result;
  assert.equal(scanned, SEEDED_USERS + EXTRA_USERS);
  assert.deepEqual(users.filter((u) => u.integration).map((u) => u.username).sort(), INTEGRATION_USERS);
  assert.ok(!users.some((u) => /^user\d{4}@/.test(u.username)), 'generated standard users are not marked');
  const netsuite = users.find((u) => u.username === 'int-netsuite@acme.example');
  assert.deepEqual(netsuite.permissionSetLicenses, ['SalesforceAPIIntegrationPsl']);
  assert.ok(netsuite.permissionSets.includes('NetSuite_Integration'));
  assert.deepEqual(netsuite.warnings, []);
  assert.equal(needsAttention, users.filter((u) => u.integration && u.warnings.length > 0).length);
  assert.ok(needsAttention >= 4);
  // The users came in several pages, each fetched from its query locator on the org's host.
  const calls = (await sim.log()).slice(before);
  const pages = calls.filter((c) => /^\/services\/data\/v66\.0\/query\/01g/.test(c.path));
  assert.ok(pages.length >= 2, JSON.stringify(calls.map((c) => c.path.slice(0, 80))));
  assert.ok(calls.every((c) => c.host === 'acme.my.salesforce.com' && c.status === 200 && !c.path.startsWith('//')));
});

test('users check: healthy is exit 0; needs attention is exit 3 with the warnings', async () => {
  const healthy = await cli.sf(['forcefield', 'users', 'check', '--target-org', 'acme', '--user', 'int-netsuite@acme.example']);
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  assert.equal(healthy.json.status, 0);
  assert.equal(healthy.json.result.verdict, 'healthy');

  const marketo = await cli.sf(['forcefield', 'users', 'check', '--target-org', 'acme', '--user', 'int-marketo@acme.example']);
  assert.equal(marketo.code, 3);
  assert.equal(marketo.json.status, 3);
  assert.equal(marketo.json.result.verdict, 'needsAttention');
  assert.ok(marketo.json.result.user.warnings.some((w) => w.code === 'missingIntegrationPsl'));

  // By Id too, 15 characters as Setup links show it.
  const id15 = healthy.json.result.user.id.slice(0, 15);
  const byId = await cli.sf(['forcefield', 'users', 'check', '--target-org', 'acme', '--user', id15]);
  assert.equal(byId.code, 0);
  assert.equal(byId.json.result.user.username, 'int-netsuite@acme.example');
});

test('users check of a user who is not an integration user, or of nobody: exit 2 with one message', async () => {
  const admin = await cli.sf(['forcefield', 'users', 'check', '--target-org', 'acme', '--user', 'admin@acme.example']);
  assert.equal(admin.code, 2);
  assert.equal(admin.json.status, 2);
  assert.equal(admin.json.message, "admin@acme.example isn't an integration user: the profile's user license is Salesforce, not Salesforce Integration.");
  const nobody = await cli.sf(['forcefield', 'users', 'check', '--target-org', 'acme', '--user', "o'nobody@acme.example"]);
  assert.equal(nobody.code, 2);
  assert.equal(nobody.json.message, 'The org has no user with the username or Id "o\'nobody@acme.example".');
});

test('an API answer redirecting elsewhere: the plugin follows no redirect, one clear message, exit 1', async () => {
  const collector = 'collector.attacker.example';
  // The collector is reachable: a client that followed the redirect would show up in the log.
  await new Promise((resolve, reject) => https.get({ host: collector, path: '/probe', ca: readFileSync(sim.certFile) },
    (response) => { response.resume(); response.on('end', resolve); }).on('error', reject));
  assert.ok((await sim.log()).some((c) => c.host === collector && c.path === '/probe'));

  await sim.admin('POST', '/__sim/faults', { kind: 'redirect', method: 'GET', path: '/services/data/*/query', location: `https://${collector}/steal`, times: 10 });
  const before = (await sim.log()).length;
  const listed = await cli.sf(['forcefield', 'users', 'list', '--target-org', 'acme']);
  await sim.admin('DELETE', '/__sim/faults');
  assert.equal(listed.code, 1, listed.stdout + listed.stderr);
  assert.match(listed.json.message, /redirect/);
  const calls = (await sim.log()).slice(before);
  assert.ok(calls.some((c) => c.status === 302 && c.host === 'acme.my.salesforce.com'));
  assert.deepEqual(calls.filter((c) => c.host !== 'acme.my.salesforce.com'), []);
});

test('an expired session is one clear message, exit 1', async () => {
  await sim.expireSessions();
  const listed = await cli.sf(['forcefield', 'users', 'list', '--target-org', 'acme']);
  assert.equal(listed.code, 1, listed.stdout + listed.stderr);
  assert.equal(listed.json.status, 1);
  assert.match(listed.json.message, /session has expired/);
  assert.match(listed.json.actions.join(' '), /log in again/);
  assert.doesNotMatch(listed.json.message, /\n/);
});
