// `sf forcefield permset apply / cleanup` when an apply does not run straight through, against the
// simulated org: resumed after `kill -9` while a write is out, cleaned up after a failed undo,
// confirmed at a terminal's prompt on production, and an expired session (exit 1, nothing
// written). Its own file so it runs beside permset.test.mjs (tests/plugin/run.sh).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ORG, SPEC, loggedInCli, permissionSetRecords, startSim, writeSpec, writes } from './harness.mjs';

let sim;
let cli;
let dir;

/** Writes `content` (an object as JSON, or text) to a file of the test's directory. */
const specFile = (name, content) => writeSpec(dir, name, content);

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

test('kill -9 while a write is out, then --resume: the apply ends consistent, once', async (t) => {
  const spec = await specFile('killed.json', { ...SPEC, name: 'Integration_Killed', label: 'Integration – Killed' });
  await sim.admin('POST', '/__sim/latency', { ms: 1500, jitterMs: 0 });
  let killedAfter = null;
  const killed = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--assign', 'int-tableau@acme.example', '--no-prompt'], {
    json: false,
    onStderr: (chunk, child) => {
      // The first step is written; the next write is out (every answer takes 1.5 s): kill now.
      if (killedAfter === null && chunk.includes('✓')) {
        killedAfter = chunk;
        setTimeout(() => child.kill('SIGKILL'), 400);
      }
    },
  });
  await sim.admin('POST', '/__sim/latency', { ms: 0, jitterMs: 0 });
  assert.equal(killed.signal, 'SIGKILL', killed.stdout + killed.stderr);
  const interrupted = permissionSetRecords(await sim.state(), 'Integration_Killed');
  assert.ok(interrupted, 'the first step was written before the kill');
  assert.equal(interrupted.assignments.length, 0, 'the apply did not finish');

  const resumed = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--resume']);
  t.diagnostic(`--resume: ${resumed.json.status === 0 ? 'continued to done' : `ended ${resumed.json.data?.status}`}`);
  const records = permissionSetRecords(await sim.state(), 'Integration_Killed');
  if (resumed.json.status === 0) {
    // Continued: every record once, as an uninterrupted apply writes them.
    assert.equal(resumed.json.result.apply.status, 'done');
    assert.deepEqual(records.objectPermissions.map((o) => o.SobjectType), ['Account', 'Invoice__c']);
    assert.deepEqual(records.fieldPermissions.map((f) => f.Field), ['Account.Industry', 'Invoice__c.Amount__c']);
    assert.equal(records.assignments.length, 1);
  } else {
    // Undone: the outcome of the write that was out is looked up and undone with the rest.
    assert.equal(resumed.json.status, 1, resumed.stdout + resumed.stderr);
    assert.equal(resumed.json.data.status, 'rolledBack');
    assert.equal(records, null);
  }
  // Nothing is left to resume or clean up.
  const cleanup = await cli.sf(['forcefield', 'permset', 'cleanup', ...ORG]);
  assert.equal(cleanup.code, 0, cleanup.stdout + cleanup.stderr);
  assert.deepEqual(cleanup.json.result.applies, []);
  const again = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--resume']);
  assert.equal(again.code, 2);
  assert.match(again.json.message, /no interrupted apply to resume/);
});

test('a failed write whose undo is refused leaves a clean-up, which permset cleanup finishes', async () => {
  const spec = await specFile('failing.json', { ...SPEC, name: 'Integration_Failing', label: 'Integration – Failing' });
  const collections = '/services/data/v66.0/composite/sobjects';
  // The second write (the object permissions) fails; the undo of the first (the new set's
  // guarded delete, a composite request naming its subrequest `deleteSet`) is refused because
  // the org's API allowance is spent.
  await sim.admin('POST', '/__sim/faults', { kind: 'fail', path: collections, nthWrite: 2, status: 503, errorCode: 'SERVER_UNAVAILABLE', message: 'Try again later.' });
  await sim.admin('POST', '/__sim/faults', { kind: 'fail', path: '/services/data/v66.0/composite', bodyContains: '"referenceId":"deleteSet"', status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
  const failed = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--no-prompt']);
  await sim.admin('DELETE', '/__sim/faults');
  assert.equal(failed.code, 3, failed.stdout + failed.stderr);
  assert.equal(failed.json.status, 3);
  assert.equal(failed.json.result.apply.status, 'cleanupNeeded');
  assert.deepEqual(failed.json.result.apply.remaining.map((r) => r.sobjectType), ['PermissionSet']);
  assert.ok(permissionSetRecords(await sim.state(), 'Integration_Failing'), 'the set remains until the clean-up');

  const cleaned = await cli.sf(['forcefield', 'permset', 'cleanup', ...ORG]);
  assert.equal(cleaned.code, 0, cleaned.stdout + cleaned.stderr);
  assert.deepEqual(cleaned.json.result.applies.map((a) => a.status), ['rolledBack']);
  assert.equal(permissionSetRecords(await sim.state(), 'Integration_Failing'), null);
});

test('in a terminal, production asks before writing: "n" writes nothing, "y" applies', async () => {
  const spec = await specFile('prompted.json', { ...SPEC, name: 'Integration_Prompted', label: 'Integration – Prompted' });
  // `script` gives the CLI a terminal; the answer is typed into it.
  const inTerminal = async (answer) => {
    const { spawn } = await import('node:child_process');
    const command = `sf forcefield permset apply --target-org acme --spec ${spec}`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { env: cli.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      if (/production org Acme Corp\?/.test(output) && !child.answered) {
        child.answered = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    return { code, output };
  };
  const declined = await inTerminal('n');
  assert.equal(declined.code, 1, declined.output);
  assert.match(declined.output, /Nothing was changed/);
  assert.equal(permissionSetRecords(await sim.state(), 'Integration_Prompted'), null);
  const confirmed = await inTerminal('y');
  assert.equal(confirmed.code, 0, confirmed.output);
  assert.ok(permissionSetRecords(await sim.state(), 'Integration_Prompted'));
});

test('an expired session is one clear message, exit 1, nothing written', async () => {
  const spec = await specFile('expired.json', { ...SPEC, name: 'Integration_Expired', label: 'Integration – Expired' });
  await sim.expireSessions();
  const before = (await sim.log()).length;
  const result = await cli.sf(['forcefield', 'permset', 'apply', ...ORG, '--spec', spec, '--no-prompt']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.equal(result.json.status, 1);
  assert.match(result.json.message, /session has expired/);
  assert.match(result.json.actions.join(' '), /log in again .*sf org login access-token --instance-url https:\/\/acme\.my\.salesforce\.com/);
  assert.doesNotMatch(result.json.message.trim(), /\n/);
  assert.deepEqual(writes((await sim.log()).slice(before)), []);
  assert.equal(permissionSetRecords(await sim.state(), 'Integration_Expired'), null);
});
