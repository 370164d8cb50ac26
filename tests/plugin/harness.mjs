// The Salesforce CLI (npm @salesforce/cli, the real `sf`) against the simulated org, with the
// Forcefield plugin linked: one org-sim on port 443 (tests/plugin/run.sh puts the org's host names
// in /etc/hosts inside the loopback-only namespace), its certificate trusted through
// NODE_EXTRA_CA_CERTS, a fresh HOME for the CLI's auth files, and a login the way a pipeline does
// it: `SF_ACCESS_TOKEN=… sf org login access-token --instance-url … --no-prompt`
// (salesforce.md §I.16). One sim and one login per test file, the plugin linked once for all
// (tests/plugin/run.sh runs the files side by side, each in its own namespace).
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SF = path.join(ROOT, 'node_modules/.bin/sf');
export const PLUGIN = path.join(ROOT, 'plugin');
export const ACME = 'https://acme.my.salesforce.com';
export const ORG = ['--target-org', 'acme'];

/** A spec as a pipeline keeps it in its repository. */
export const SPEC = {
  name: 'Integration_Pipeline',
  label: 'Integration – Pipeline',
  description: 'Kept in the repository, applied from CI.',
  objects: { Account: { read: true }, Invoice__c: { read: true, create: true, edit: true } },
  fields: { 'Account.Industry': 'read', 'Invoice__c.Amount__c': 'readEdit' },
  systemPermissions: ['PasswordNeverExpires'],
};

/** Writes `content` (an object as JSON, or text) to `dir`/`name`; resolves to the file's path. */
export async function writeSpec(dir, name, content) {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Starts org-sim on port 443 with `args`; resolves once it is ready. */
export async function startSim(args = []) {
  const dir = await mkdtemp(path.join(tmpdir(), 'forcefield-sim-'));
  const certFile = path.join(dir, 'sim.pem');
  const child = spawn(path.join(path.resolve(ROOT, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug/org-sim'), ['--port', '443', '--cert-out', certFile, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`org-sim exited with ${code}`)));
    lines.on('line', (line) => { if (line === 'ready') resolve(); });
  });
  const ca = await readFile(certFile, 'utf8');
  /** A loopback admin call (tests/org_sim/README.md: /__sim/…); resolves to the parsed answer. */
  const admin = (method, pathname, body) => new Promise((resolve, reject) => {
    const request = https.request({ host: '127.0.0.1', port: 443, method, path: pathname, ca, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => {
        if (response.statusCode >= 400) reject(new Error(`${method} ${pathname}: ${response.statusCode} ${text}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
  return {
    certFile,
    admin,
    /** A new API session of `username` (as the API host's login would give). */
    session: async (username = 'admin@acme.example', org = 'acme') => (await admin('POST', '/__sim/sessions', { org, username })).sid,
    log: () => admin('GET', '/__sim/log'),
    state: (org = 'acme') => admin('GET', `/__sim/state?org=${org}`),
    reset: () => admin('POST', '/__sim/reset'),
    expireSessions: () => admin('POST', '/__sim/expire-sessions'),
    stop: async () => {
      child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The CLI's environment: its own HOME, the file keychain, no telemetry or update checks. */
export function cliEnv(home, certFile) {
  return {
    ...process.env,
    HOME: home,
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    // What oclif's update hook itself reads (plugin-update `init`: `<BIN>_DISABLE_AUTOUPDATE`);
    // without it each run may leave a detached `sf update --autoupdate` behind.
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    ...(certFile ? { NODE_EXTRA_CA_CERTS: certFile } : {}),
  };
}

/** Runs the real `sf` with `args` (in `cwd`); with `json`, adds --json and parses stdout. */
export function run(env, args, { json = true, extraEnv = {}, onStderr, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SF, json ? [...args, '--json'] : args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; onStderr?.(chunk, child); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let parsed = null;
      if (json) {
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = null;
        }
      }
      resolve({ code, signal, stdout, stderr, json: parsed, child });
    });
  });
}

/**
 * A HOME with the plugin linked from plugin/ (`sf plugins link --no-install`: its dependencies are
 * the npm workspace's, salesforce.md §I.20) and the CLI's caches warm. tests/plugin/run.sh makes
 * one (`node tests/plugin/harness.mjs link <dir>`) and every test file starts from a copy of it
 * (FORCEFIELD_SF_HOME), so the link is made once, not once per file.
 */
export async function linkedHome(home) {
  const env = cliEnv(home, null);
  const link = await run(env, ['plugins', 'link', PLUGIN, '--no-install'], { json: false });
  if (link.code !== 0) throw new Error(`plugins link failed (${link.code}): ${link.stdout}${link.stderr}`);
  const listed = await run(env, ['plugins']);
  if (!JSON.stringify(listed.json).includes('plugin-forcefield')) throw new Error(`the plugin is not linked: ${listed.stdout}`);
}

/**
 * A logged-in CLI: a fresh HOME with the plugin linked (a copy of FORCEFIELD_SF_HOME when
 * run.sh made one, else linked here), and `sf org login access-token` for `username` (alias
 * `acme`), as a pipeline logs in. Returns the environment and a runner bound to it.
 */
export async function loggedInCli(sim, { username = 'admin@acme.example' } = {}) {
  const home = await mkdtemp(path.join(tmpdir(), 'forcefield-cli-home-'));
  if (process.env.FORCEFIELD_SF_HOME) await cp(process.env.FORCEFIELD_SF_HOME, home, { recursive: true, verbatimSymlinks: true });
  else await linkedHome(home);
  const env = cliEnv(home, sim.certFile);
  const token = await sim.session(username);
  const login = await run(env, ['org', 'login', 'access-token', '--instance-url', ACME, '--no-prompt', '--alias', 'acme'],
    { extraEnv: { SF_ACCESS_TOKEN: token } });
  if (login.code !== 0) throw new Error(`login failed (${login.code}): ${login.stdout}${login.stderr}`);
  return {
    home,
    env,
    token,
    sf: (args, options) => run(env, args, options),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

const VOLATILE = new Set(['Id', 'ParentId', 'PermissionSetId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

/**
 * What the org holds for the permission set `name` (from the sim's state dump): the set, its
 * object and field permissions, its assignments and the assignees' licence assignments, without
 * Ids and audit fields, so two orgs (or one org before and after) compare as records.
 */
export function permissionSetRecords(state, name) {
  const set = (state.PermissionSet ?? []).find((r) => r.Name === name);
  if (!set) return null;
  const strip = (r) => Object.fromEntries(Object.entries(r).filter(([key]) => !VOLATILE.has(key)));
  const sortBy = (rows, key) => [...rows].sort((a, b) => String(key(a)).localeCompare(String(key(b))));
  const children = (type) => (state[type] ?? []).filter((r) => r.ParentId === set.Id);
  const assignments = (state.PermissionSetAssignment ?? []).filter((r) => r.PermissionSetId === set.Id);
  const assignees = new Set(assignments.map((a) => a.AssigneeId));
  return {
    permissionSet: strip(set),
    objectPermissions: sortBy(children('ObjectPermissions'), (r) => r.SobjectType).map(strip),
    fieldPermissions: sortBy(children('FieldPermissions'), (r) => r.Field).map(strip),
    assignments: sortBy(assignments, (r) => r.AssigneeId).map(strip),
    licenseAssignments: sortBy((state.PermissionSetLicenseAssign ?? []).filter((r) => assignees.has(r.AssigneeId)), (r) => r.AssigneeId).map(strip),
  };
}

/**
 * The write calls among logged requests: anything but GET, except `POST …/composite`, which the
 * core sends only with GET subrequests (its batched reads; it writes with sObject Collections).
 */
export const writes = (log) => log.filter((r) => r.method !== 'GET' && r.path.startsWith('/services/')
  && !/^\/services\/data\/v[\d.]+\/composite$/.test(r.path));

// `node tests/plugin/harness.mjs link <dir>`: makes <dir> the linked HOME the test files copy.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'link') {
  await linkedHome(process.argv[3]);
}
