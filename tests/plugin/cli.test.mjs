// The real `sf` logs in to the simulated org and uses it: every request the CLI makes during
// `sf org login access-token` and `sf org display` is answered as Salesforce answers it
// (salesforce.md §I.16), and `sf forcefield permset export` writes a file Salesforce's own
// source-deploy-retrieve library takes, as `sf project deploy start` would; README.md's worked
// example runs as written.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { ROOT, loggedInCli, permissionSetRecords, startSim, writes } from './harness.mjs';

let sim;
let cli;

before(async () => {
  sim = await startSim();
  cli = await loggedInCli(sim);
});

after(async () => {
  await cli?.cleanup();
  await sim?.stop();
});

test('login asks the org what the CLI asks and gets real answers', async () => {
  const requests = (await sim.log()).filter((r) => r.host === 'acme.my.salesforce.com');
  const asked = requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);
  // salesforce.md §I.16: UserInfo, the user record, the Dev Hub probe (refused: not a Dev Hub).
  assert.deepEqual(asked.slice(0, 3), [
    'GET /services/oauth2/userinfo 200',
    `GET /services/data/v51.0/sobjects/User/${requests[1].path.split('/').pop()} 200`,
    'GET /services/data/v51.0/query 400',
  ]);
  assert.match(requests[2].path, /ScratchOrgInfo/);
  assert.ok(requests.every((r) => r.auth_sent), 'every call carries the token');
});

test('sf org display reaches the org through the sim', async () => {
  const before = (await sim.log()).length;
  const shown = await cli.sf(['org', 'display', '--target-org', 'acme']);
  // Every request it makes is answered (salesforce.md §I.16: paths start `//services/` after an
  // access-token login; the org serves them as `/services/`).
  const asked = (await sim.log()).slice(before);
  assert.ok(asked.length > 0);
  assert.deepEqual(asked.filter((r) => r.status >= 400), []);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.json.result.username, 'admin@acme.example');
  assert.equal(shown.json.result.connectedStatus, 'Connected', JSON.stringify(shown.json));
  assert.equal(shown.json.result.apiVersion, '66.0');
});

test('permset export writes what source-deploy-retrieve converts for a deploy', async () => {
  const project = await mkdtemp(path.join(tmpdir(), 'forcefield-export-'));
  try {
    const dir = path.join(project, 'force-app/main/default/permissionsets');
    const exported = await cli.sf(['forcefield', 'permset', 'export', '--target-org', 'acme', '--name', 'NetSuite_Integration', '--output-dir', dir]);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    assert.equal(exported.json.status, 0);
    const file = path.join(dir, 'NetSuite_Integration.permissionset-meta.xml');
    assert.equal(exported.json.result.path, file);
    const xml = await readFile(file, 'utf8');
    // Licensed None (tests/org_sim README), with its system permission and object access.
    assert.doesNotMatch(xml, /<license>/);
    assert.match(xml, /<name>PasswordNeverExpires<\/name>/);
    assert.match(xml, /<object>Invoice__c<\/object>/);
    const components = ComponentSet.fromSource(path.join(project, 'force-app'));
    assert.deepEqual([...components].map((c) => `${c.type.name}:${c.fullName}`), ['PermissionSet:NetSuite_Integration']);
    const out = path.join(project, 'mdapi');
    await new MetadataConverter().convert(components, 'metadata', { type: 'directory', outputDirectory: out, genUniqueDir: false });
    assert.equal(await readFile(path.join(out, 'permissionsets/NetSuite_Integration.permissionset'), 'utf8'), xml);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});

test('permset export of a name the org lacks is bad input: exit 2, one message, no file', async () => {
  const project = await mkdtemp(path.join(tmpdir(), 'forcefield-export-'));
  try {
    const missing = await cli.sf(['forcefield', 'permset', 'export', '--target-org', 'acme', '--name', 'No_Such_Set', '--output-dir', project]);
    assert.equal(missing.code, 2);
    assert.equal(missing.json.status, 2);
    assert.match(missing.json.message, /no custom permission set with the API name "No_Such_Set"/);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});

test('the packed plugin carries the core, the compiled commands, their messages and the command manifest', async () => {
  const { execFileSync } = await import('node:child_process');
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--workspace', 'plugin'], { cwd: ROOT, encoding: 'utf8' }));
  const files = packed.files.map((f) => f.path).sort();
  for (const file of ['core/forcefield.js', 'core/forcefield_bg.wasm', 'oclif.manifest.json', 'package.json',
    'lib/commands/forcefield/permset/apply.js', 'lib/commands/forcefield/users/list.js', 'messages/forcefield.permset.apply.md']) {
    assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/')), 'no TypeScript sources');
  // The same core the generator page loads.
  const { readFile: read } = await import('node:fs/promises');
  assert.deepEqual(await read(path.join(ROOT, 'plugin/core/forcefield_bg.wasm')), await read(path.join(ROOT, 'pkg/generator/forcefield_bg.wasm')));
});

/**
 * README.md's worked example ("From the command line"): its `sf forcefield` commands in the order
 * it gives them, each as one argument list (continued lines joined, comments dropped), and the
 * change to the file it shows (its XML block).
 */
async function readmeExample() {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## From the command line\n')[1].split('\n## ')[0];
  const blocks = (language) => [...section.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  const commands = blocks('sh').join('\n').replace(/\\\n\s*/g, ' ').split('\n')
    .filter((line) => line.startsWith('sf forcefield '))
    .map((line) => line.replace(/\s+#.*$/, '').trim().split(/\s+/).slice(1));
  const [change] = blocks('xml');
  return { commands, change };
}

test("README's worked example runs as written: export, a reviewed change, plan, apply, check", async () => {
  const { commands, change } = await readmeExample();
  const verbs = commands.map((args) => args.slice(1, 3).join(' '));
  assert.deepEqual(verbs, ['permset export', 'permset plan', 'permset apply', 'users check']);
  const [exportArgs, planArgs, applyArgs, checkArgs] = commands;
  const repository = await mkdtemp(path.join(tmpdir(), 'forcefield-repository-'));
  const sf = (args) => cli.sf(args, { cwd: repository });
  try {
    // Once: the set as the org has it, into the repository.
    const exported = await sf(exportArgs);
    assert.equal(exported.code, 0, exported.stdout + exported.stderr);
    const file = exported.json.result.path;
    assert.equal(path.dirname(file), path.join(repository, 'integrations'));
    // Kept as exported, it plans no change.
    const unchanged = await sf(planArgs);
    assert.equal(unchanged.code, 0, unchanged.stdout + unchanged.stderr);
    assert.deepEqual(unchanged.json.result.steps, []);

    // The README's reviewed change to the file: read access to Account.Industry.
    assert.match(change, /<field>Account\.Industry<\/field>/);
    const xml = await readFile(file, 'utf8');
    await writeFile(file, xml.replace('</PermissionSet>', `${change}</PermissionSet>`));

    const planned = await sf(planArgs);
    assert.equal(planned.code, 0, planned.stdout + planned.stderr);
    assert.deepEqual(planned.json.result.steps.map((s) => [s.kind, s.action, s.count]), [['fieldPermissions', 'create', 1]]);
    const before = (await sim.log()).length;
    const applied = await sf(applyArgs);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.equal(applied.json.result.apply.status, 'done');
    assert.equal(writes((await sim.log()).slice(before)).length, 1);
    const records = permissionSetRecords(await sim.state(), 'NetSuite_Integration');
    assert.deepEqual(records.fieldPermissions.filter((f) => f.Field === 'Account.Industry').map((f) => [f.PermissionsRead, f.PermissionsEdit]), [[true, false]]);

    // The user's check passes (exit 0). (A second apply writes nothing: permset.test.mjs.)
    const checked = await sf(checkArgs);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    assert.equal(checked.json.result.verdict, 'healthy');
  } finally {
    await rm(repository, { recursive: true, force: true });
    await sim.reset();
  }
});
