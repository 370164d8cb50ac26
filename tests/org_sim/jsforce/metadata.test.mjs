// jsforce's Metadata API client against org-sim's SOAP endpoint (salesforce.md §I.12, §I.13):
// `conn.metadata.read('Profile', …)` and `conn.metadata.update('Profile', …)` build their own
// envelopes and read the sim's answers exactly as they would a real org's. Run with
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
const bin = path.join(root, 'target', 'debug', 'org-sim');
const INTEGRATION = 'Minimum Access - API Only Integrations';
let sim;
let base;
let conn;

async function session() {
  const r = await fetch(`${base}/__sim/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ org: 'acme', username: 'admin@acme.example' }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).sid;
}

before(async () => {
  // The default answer of the integration profile (refuse) is checked below.
  sim = spawn(bin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: sim.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    sim.once('error', reject);
    sim.once('exit', (code) => reject(new Error(`org-sim exited with ${code}`)));
  });
  const port = Number(/:(\d+)\s*$/.exec(first)?.[1]);
  assert.ok(port > 0, `port in ${first}`);
  base = `https://127.0.0.1:${port}`;
  conn = new jsforce.Connection({ instanceUrl: base, accessToken: await session(), version: '66.0' });
});

after(() => {
  sim?.kill('SIGTERM');
});

const visibility = (profile, recordType) => profile.recordTypeVisibilities.find((v) => v.recordType === recordType);

test('metadata.read returns a profile with its record type visibilities', async () => {
  const admin = await conn.metadata.read('Profile', 'Admin');
  assert.equal(admin.fullName, 'Admin');
  assert.equal(admin.custom, false);
  assert.equal(admin.userLicense, 'Salesforce');
  assert.equal(admin.recordTypeVisibilities.length, 8);
  assert.deepEqual(visibility(admin, 'Account.Customer'), { default: true, recordType: 'Account.Customer', visible: true });
  assert.ok(admin.objectPermissions.length > 0 && admin.userPermissions.some((p) => p.name === 'ModifyAllData'));

  const [integration, missing] = await conn.metadata.read('Profile', [INTEGRATION, 'System Administrator']);
  assert.equal(integration.fullName, INTEGRATION);
  assert.equal(visibility(integration, 'Opportunity.Renewal').default, false);
  // An unknown name is an empty record, not an error (salesforce.md §I.12).
  assert.equal(missing.fullName, undefined);
});

test('metadata.update changes only the visibilities it names', async () => {
  const result = await conn.metadata.update('Profile', {
    fullName: 'Admin',
    recordTypeVisibilities: [
      { recordType: 'Case.Billing', default: true, visible: true },
      { recordType: 'Case.Support', default: false, visible: true },
    ],
  });
  assert.deepEqual(result, { fullName: 'Admin', success: true, errors: [] });
  const admin = await conn.metadata.read('Profile', 'Admin');
  assert.equal(visibility(admin, 'Case.Billing').default, true);
  assert.equal(visibility(admin, 'Case.Support').default, false);
  assert.equal(visibility(admin, 'Account.Customer').default, true);
});

test('a refused update is a SaveResult with Salesforce-shaped errors', async () => {
  const unknown = await conn.metadata.update('Profile', {
    fullName: 'Admin',
    recordTypeVisibilities: [{ recordType: 'Account.Nope', default: true, visible: true }],
  });
  assert.equal(unknown.success, false);
  assert.deepEqual(unknown.errors, [{
    extendedErrorDetails: [],
    fields: ['recordType'],
    message: 'In field: recordType - no RecordType named Account.Nope found',
    statusCode: 'INVALID_CROSS_REFERENCE_KEY',
  }]);

  const refused = await conn.metadata.update('Profile', {
    fullName: INTEGRATION,
    recordTypeVisibilities: [{ recordType: 'Opportunity.Renewal', default: true, visible: true }],
  });
  assert.equal(refused.success, false);
  assert.match(refused.errors[0].message, /record type settings of standard objects/);
  const again = await conn.metadata.read('Profile', INTEGRATION);
  assert.equal(visibility(again, 'Opportunity.Renewal').default, false);
});

test('an expired session is the INVALID_SESSION_ID fault', async () => {
  const r = await fetch(`${base}/__sim/expire-sessions`, { method: 'POST' });
  assert.equal(r.status, 204);
  await assert.rejects(conn.metadata.read('Profile', 'Admin'), (error) => {
    assert.match(`${error.errorCode ?? error.name} ${error.message}`, /INVALID_SESSION_ID/);
    return true;
  });
});
