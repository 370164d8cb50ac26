// `sf forcefield permset plan / apply` through the real `sf` against the simulated org: a spec
// kept as a file is previewed, applied all or nothing with its license and assignment, re-applied
// without a write; bad input gets one message, exit 2, and writes nothing. (An apply interrupted,
// failed or refused: recovery.test.mjs.)
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ORG, SPEC, loggedInCli, permissionSetRecords, startSim, writeSpec, writes } from './harness.mjs';



let sim;
let cli;
let dir;

/** Writes `content` (an object as JSON, or text) to a file of the test's directory. */
const specFile = (name, content) => writeSpec(dir, name, content);

/** Checks `result` was refused as bad input: exit 2, one sentence matching `message`. */
function assertRefused(result, message) {
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(result.json.status, 2);
  // One sentence (oclif adds its "See more help with --help" to flag errors).
  const [sentence, ...rest] = result.json.message.trim().split('\n');
  assert.match(sentence, message);
  assert.ok(rest.every((line) => /^See more help with --help$/.test(line)), result.json.message);
}

/**
 * Runs every `[args, message]` case at once (the CLI starts slowly) and checks each was refused
 * as bad input and that none of them wrote anything.
 */
async function refused(...cases) {
  const before = (await sim.log()).length;
  const stateBefore = await sim.state();
  const kept = await journalFiles();
  const results = await Promise.all(cases.map(([args]) => cli.sf(args)));
  results.forEach((result, i) => assertRefused(result, cases[i][1]));
  assert.deepEqual(writes((await sim.log()).slice(before)), []);
  assert.deepEqual(await sim.state(), stateBefore);
  assert.deepEqual(await journalFiles(), kept, 'no journal started');
}

/** The files of the plugin's state directory (`~/.sf/forcefield`: journals, locks). */
async function journalFiles() {
  return (await readdir(path.join(cli.home, '.sf', 'forcefield')).catch(() => [])).sort();
}

before(async () => {
  sim = await startSim();
  cli = await loggedInCli(sim);
  dir = await mkdtemp(path.join(tmpdir(), 'forcefield-specs-'));
});

after(async () => {
  await cli?.cleanup();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('plan previews a spec file and writes nothing', async () => {
  const spec = await specFile('pipeline.json', SPEC);
  const before = (await sim.log()).length;
  const planned = await cli.sf(['forcefield', 'permset', 'plan', ...ORG, '--spec', spec, '--assign', 'int-tableau@acme.example', '--license', 'api-integration']);
  assert.equal(planned.code, 0, planned.stdout + planned.stderr);
  const plan = planned.json.result;
  assert.equal(plan.permissionSet.action, 'create');
  assert.equal(plan.permissionSet.name, 'Integration_Pipeline');
  assert.deepEqual(plan.blockers, []);
  assert.ok(plan.requiresConfirmation, 'acme is a production org');
  assert.deepEqual(plan.steps.map((s) => s.kind), ['permissionSet', 'objectPermissions', 'fieldPermissions', 'permissionSetAssignment']);
  assert.deepEqual(writes((await sim.log()).slice(before)), []);
  assert.equal(permissionSetRecords(await sim.state(), 'Integration_Pipeline'), null);
});

test("the license: the spec's wins, --license fills a spec that names none, a conflict is refused", async () => {
  // The rules themselves are the core's (src/cli/spec_file.rs, tested there); here the flag
  // and both kinds of file go through the real sf. A JSON spec's conflict is among the bad input.
  const plan = (spec, ...more) => cli.sf(['forcefield', 'permset', 'plan', ...ORG, '--spec', spec, ...more]);
  const unlicensed = await specFile('unlicensed.json', { ...SPEC, name: 'Integration_Licensed' });
  const objects = '<objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>false</allowEdit>'
    + '<allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Account</object><viewAllRecords>false</viewAllRecords></objectPermissions>';
  await mkdir(path.join(dir, 'xml-psl'));
  const xmlLicensed = await specFile('xml-psl/Integration_Licensed.permissionset-meta.xml',
    '<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">'
    + `<label>Integration – Licensed</label><license>SalesforceAPIIntegrationPsl</license>${objects}</PermissionSet>\n`);
  /** The license of the spec the plan planned (the set's, as the apply would create it). */
  const plannedLicense = (result) => {
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return result.json.result.spec.license;
  };
  const [filled, none, xmlOwn] = await Promise.all([plan(unlicensed, '--license', 'api-integration'), plan(unlicensed), plan(xmlLicensed)]);
  assert.equal(plannedLicense(filled), 'integrationPsl', 'the flag filling a spec without one');
  assert.equal(plannedLicense(none), 'none', 'no license anywhere: None');
  assert.equal(plannedLicense(xmlOwn), 'integrationPsl', "the XML file's <license>");
  await refused([['forcefield', 'permset', 'plan', ...ORG, '--spec', xmlLicensed, '--license', 'none'],
    /licensed Salesforce API Integration, but --license asks for None/]);
});

test('apply on production needs the prompt or --no-prompt: refused under --json, nothing written', async () => {
  const spec = await specFile('pipeline.json', SPEC);
  await refused([['forcefield', 'permset', 'apply', ...ORG, '--spec', spec], /production org/]);
});

test('apply writes the set, its license and the assignment; a second apply writes nothing', async () => {
  const spec = await specFile('pipeline.json', SPEC);
  const before = (await sim.log()).length;
  const applied = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--assign', 'int-tableau@acme.example', '--license', 'api-integration', '--no-prompt']);
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.equal(applied.json.result.apply.status, 'done');
  const plan = applied.json.result.plan;
  // The apply's calls: one state read and the writes the plan announced.
  assert.equal(applied.json.result.apiCalls.apply, plan.apiCalls.reads + plan.apiCalls.writes);
  assert.equal(writes((await sim.log()).slice(before)).length, plan.apiCalls.writes);
  const records = permissionSetRecords(await sim.state(), 'Integration_Pipeline');
  assert.equal(records.permissionSet.Label, 'Integration – Pipeline');
  assert.ok(records.permissionSet.LicenseId, 'licensed with the integration PSL');
  assert.deepEqual(records.objectPermissions.map((o) => [o.SobjectType, o.PermissionsRead, o.PermissionsEdit]),
    [['Account', true, false], ['Invoice__c', true, true]]);
  assert.deepEqual(records.fieldPermissions.map((f) => [f.Field, f.PermissionsEdit]),
    [['Account.Industry', false], ['Invoice__c.Amount__c', true]]);
  assert.equal(records.assignments.length, 1);

  const again = (await sim.log()).length;
  const second = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--assign', 'int-tableau@acme.example', '--license', 'api-integration', '--no-prompt']);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(second.json.result.apply.status, 'done');
  assert.deepEqual(writes((await sim.log()).slice(again)), []);
  assert.deepEqual(permissionSetRecords(await sim.state(), 'Integration_Pipeline'), records);
});

test('bad input is one message, exit 2, nothing written', async () => {
  const good = await specFile('good.json', { ...SPEC, name: 'Integration_Bad_Input', label: 'Integration – Bad Input' });
  const apply = (spec, ...more) => ['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--no-prompt', ...more];
  await refused(
    [apply(path.join(dir, 'missing.json')), /No spec file at .*missing\.json/],
    [apply(await specFile('broken.json', '{"name": "X", ')), /is not valid JSON/],
    [apply(await specFile('typo.json', { ...SPEC, sytemPermissions: [] })), /"sytemPermissions", which a Forcefield spec doesn't have/],
    [apply(await specFile('licensed.json', { ...SPEC, license: 'none' }), '--license', 'api-integration'),
      /licensed None, but --license asks for Salesforce API Integration/],
    [apply(good, '--assign', 'admin@acme.example'), /admin@acme\.example isn't an integration user/],
    [apply(good, '--assign', 'nobody@acme.example'), /no user with the username or Id "nobody@acme\.example"/],
    [apply(good, '--license', 'gold'), /Expected --license=gold to be one of: none, api-integration/],
    // Names the org doesn't have: the whole spec is refused, not applied with less than it says.
    [apply(await specFile('object.json', { ...SPEC, name: 'Integration_Unknown', objects: { ...SPEC.objects, Nope__c: { read: true } } })),
      /^The spec names what this org doesn't have: The object Nope__c doesn't exist in this org\. Fix the spec \(or the org\); nothing was changed\.$/],
    [apply(await specFile('field.json', { ...SPEC, name: 'Integration_Unknown', fields: { ...SPEC.fields, 'Account.Nope__c': 'read' } })),
      /^The spec names what this org doesn't have: Account has no field Nope__c in this org\. Fix the spec \(or the org\); nothing was changed\.$/],
    [['forcefield', 'permset', 'plan', ...ORG, '--spec', await specFile('field-only.json', { ...SPEC, name: 'Integration_Unknown', fields: { 'Account.Nope__c': 'read' } })],
      /Account has no field Nope__c in this org\./],
  );
});
