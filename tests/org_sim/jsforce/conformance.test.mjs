// An independent client against org-sim: jsforce (the npm Salesforce client) talks to the
// built `target/debug/org-sim` exactly as it would to a real org. Run with
// `cargo build -p org-sim && node --test tests/org_sim/jsforce/` from the repository root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import jsforce from 'jsforce';

// The sim's certificate is self-signed: trust it in this test process only.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'org-sim');
const PAGE = 7;
let sim;
let base;
let conn;

before(async () => {
  sim = spawn(bin, ['--port', '0', '--query-page-size', String(PAGE)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: sim.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    sim.once('error', reject);
    sim.once('exit', (code) => reject(new Error(`org-sim exited with ${code}`)));
  });
  const port = Number(/:(\d+)\s*$/.exec(first)?.[1]);
  assert.ok(port > 0, `port in ${first}`);
  base = `https://127.0.0.1:${port}`;
  const r = await fetch(`${base}/__sim/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org: 'acme', username: 'admin@acme.example' }),
  });
  assert.equal(r.status, 200);
  const { sid } = await r.json();
  conn = new jsforce.Connection({ instanceUrl: base, accessToken: sid, version: '66.0' });
});

after(() => {
  sim?.kill('SIGTERM');
});

test('query pages with queryMore and autoFetch', async () => {
  const first = await conn.query('SELECT Id, Name FROM User ORDER BY Name');
  assert.equal(first.totalSize, 30);
  assert.equal(first.done, false);
  assert.equal(first.records.length, PAGE);
  assert.equal(first.records[0].attributes.type, 'User');
  let records = [...first.records];
  let page = first;
  while (!page.done) {
    page = await conn.queryMore(page.nextRecordsUrl);
    records = records.concat(page.records);
  }
  assert.equal(records.length, 30);
  assert.equal(new Set(records.map((r) => r.Id)).size, 30);

  const all = [];
  await new Promise((resolve, reject) => {
    conn
      .query('SELECT Id, Username, Profile.Name FROM User')
      .on('record', (r) => all.push(r))
      .on('end', resolve)
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 1000 });
  });
  assert.equal(all.length, 30);
  assert.ok(all.some((r) => r.Profile?.Name === 'Minimum Access - API Only Integrations'));

  const sub = await conn.query(
    "SELECT Username, (SELECT PermissionSet.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false) FROM User WHERE Username = 'int-netsuite@acme.example'",
  );
  assert.equal(sub.records[0].PermissionSetAssignments.records[0].PermissionSet.Name, 'NetSuite_Integration');
});

test('describe and describeGlobal', async () => {
  const global = await conn.describeGlobal();
  const names = global.sobjects.map((o) => o.name);
  for (const n of ['Account', 'PermissionSet', 'ObjectPermissions', 'Invoice__c', 'Wide_Object__c']) {
    assert.ok(names.includes(n), n);
  }
  const account = await conn.sobject('Account').describe();
  assert.equal(account.name, 'Account');
  const name = account.fields.find((f) => f.name === 'Name');
  assert.equal(name.nillable, false);
  assert.equal(name.permissionable, false);
  const op = await conn.sobject('ObjectPermissions').describe();
  const types = op.fields.find((f) => f.name === 'SobjectType').picklistValues.map((v) => v.value);
  assert.ok(types.includes('Account') && !types.includes('Task'));
});

test('create, retrieve, update, delete', async () => {
  const created = await conn.sobject('Account').create({ Name: 'jsforce Co', BillingCity: 'Oslo' });
  assert.equal(created.success, true);
  assert.match(created.id, /^001/);
  const rec = await conn.sobject('Account').retrieve(created.id);
  assert.equal(rec.Name, 'jsforce Co');
  assert.equal(rec.BillingAddress.city, 'Oslo');
  const updated = await conn.sobject('Account').update({ Id: created.id, Name: 'jsforce Co 2' });
  assert.equal(updated.success, true);
  const again = await conn.query(`SELECT Name FROM Account WHERE Id = '${created.id}'`);
  assert.equal(again.records[0].Name, 'jsforce Co 2');
  const deleted = await conn.sobject('Account').destroy(created.id);
  assert.equal(deleted.success, true);
  await assert.rejects(conn.sobject('Account').create({ Industry: 'Retail' }), (e) => {
    assert.equal(e.errorCode, 'REQUIRED_FIELD_MISSING');
    return true;
  });
});

test('sObject collections create several records', async () => {
  const results = await conn.sobject('Account').create(
    [{ Name: 'Coll One' }, { Name: 'Coll Two' }, { Name: 'Coll Three' }],
    { allOrNone: true },
  );
  assert.equal(results.length, 3);
  assert.ok(results.every((r) => r.success && /^001/.test(r.id)));
  const failed = await conn.sobject('Account').create([{ Name: 'Fine' }, { Industry: 'No name' }], {
    allOrNone: true,
  });
  assert.equal(failed[0].success, false);
  assert.equal(failed[0].errors[0].statusCode ?? failed[0].errors[0].errorCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
  const fine = await conn.query("SELECT Id FROM Account WHERE Name = 'Fine'");
  assert.equal(fine.totalSize, 0, 'rolled back');
});

test('composite through requestPost', async () => {
  const res = await conn.requestPost('/services/data/v66.0/composite', {
    allOrNone: true,
    compositeRequest: [
      { method: 'POST', url: '/services/data/v66.0/sobjects/Account', referenceId: 'acc', body: { Name: 'Composite jsforce' } },
      { method: 'POST', url: '/services/data/v66.0/sobjects/Contact', referenceId: 'con', body: { LastName: 'Lovelace', AccountId: '@{acc.id}' } },
    ],
  });
  assert.equal(res.compositeResponse.length, 2);
  assert.deepEqual(res.compositeResponse.map((r) => r.httpStatusCode), [201, 201]);
  const con = await conn.query("SELECT Account.Name FROM Contact WHERE LastName = 'Lovelace'");
  assert.equal(con.records[0].Account.Name, 'Composite jsforce');
});
