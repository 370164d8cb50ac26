// Starts the simulated org (tests/org_sim) for a browser test and talks to its loopback-only
// admin endpoints. Browser tests run inside a loopback-only network namespace (run.sh), where
// the sim can own port 443 so both browsers reach the real Salesforce host names unchanged.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import https from 'node:https';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where cargo puts its builds: `CARGO_TARGET_DIR` when set (worktrees can share one), else `target/`. */
export const targetDir = path.resolve(repoRoot, process.env.CARGO_TARGET_DIR ?? 'target');

export const ACME = {
  orgId: '00DAM0000000001',
  name: 'Acme Corp',
  admin: 'admin@acme.example',
  adminName: 'Ada Lovelace',
  api: 'acme.my.salesforce.com',
  lightning: 'acme.lightning.force.com',
  setup: 'acme.my.salesforce-setup.com',
};
export const UAT = {
  orgId: '00DAM0000000002',
  name: 'Acme Corp (UAT)',
  admin: 'admin@acme.example.uat',
  adminName: 'Ada Lovelace (UAT)',
  api: 'acme--uat.sandbox.my.salesforce.com',
  lightning: 'acme--uat.sandbox.lightning.force.com',
  setup: 'acme--uat.sandbox.my.salesforce-setup.com',
};

/** The URL that logs `username` in to `org` and lands on `startURL` (a Setup page by default). */
export function loginUrl(org, username = org.admin, startURL = '/lightning/setup/SetupOneHome/home') {
  const query = new URLSearchParams({ username, startURL });
  return `https://${org.api}/__sim/login?${query}`;
}

export async function startSim({ port = 443, args = [] } = {}) {
  const binary = path.join(targetDir, 'debug/org-sim');
  const child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`org-sim exited early with ${code}`)));
    lines.on('line', (line) => line.trim() === 'ready' && resolve());
  });
  const admin = (method, adminPath, body) => adminRequest(port, method, adminPath, body);
  return {
    port,
    admin,
    /** Runs SOQL through the org's REST API as `username` (the sim's own view of the data). */
    async query(soql, org = ACME, username = org.admin) {
      const { sid } = (await admin('POST', '/__sim/sessions', { org: org.api.split('.')[0], username })).body;
      const response = await adminRequest(port, 'GET', `/services/data/v66.0/query?q=${encodeURIComponent(soql)}`,
        undefined, { authorization: `Bearer ${sid}`, host: org.api });
      if (response.status !== 200) throw new Error(`query failed: ${JSON.stringify(response.body)}`);
      return response.body.records;
    },
    /** Creates a record through the org's REST API as `username`; the response. */
    async create(object, fields, org = ACME, username = org.admin) {
      const { sid } = (await admin('POST', '/__sim/sessions', { org: org.api.split('.')[0], username })).body;
      return adminRequest(port, 'POST', `/services/data/v66.0/sobjects/${object}`, fields,
        { authorization: `Bearer ${sid}`, host: org.api });
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function adminRequest(port, method, adminPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = https.request(
      { host: '127.0.0.1', port, path: adminPath, method, rejectUnauthorized: false,
        headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: text ? JSON.parse(text) : null }));
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
