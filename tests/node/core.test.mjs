// The core in plain Node, as the `sf` plugin will run it: the built .wasm loaded without a browser,
// given in-memory host functions (a transport that answers like an org, storage in a Map, a
// clock, and a session from the host's own login instead of cookies), answering requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const ACME_TOKEN = '00DAM0000000001!node-host-token';

/** An org's answers by path, as Salesforce gives them (salesforce.md §A.4, §B.1). */
function acmeAnswers(url) {
  const { pathname, searchParams } = new URL(url);
  if (pathname === '/services/data/') {
    return [{ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' }];
  }
  if (pathname === '/services/oauth2/userinfo') {
    return { user_id: '005AM0000000001AAA', organization_id: '00DAM0000000001AAA', name: 'Ada Admin', preferred_username: 'admin@acme.example' };
  }
  if (pathname === '/services/data/v66.0/query' && /FROM Organization/.test(searchParams.get('q'))) {
    return { totalSize: 1, done: true, records: [{ Id: '00DAM0000000001AAA', Name: 'Acme', IsSandbox: false, InstanceName: 'NA1', OrganizationType: 'Enterprise Edition' }] };
  }
  return null;
}

/** A host made of plain functions: what a Node program passes to the core at init. */
function memoryHost() {
  const stored = new Map();
  const sent = [];
  return {
    sent,
    stored,
    async fetch(request) {
      sent.push(request);
      const body = acmeAnswers(request.url);
      return body === null
        ? { status: 404, headers: [], body: '[{"errorCode":"NOT_FOUND","message":"no such resource"}]' }
        : { status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify(body) };
    },
    async storageGet(area, key) {
      return stored.get(`${area}:${key}`) ?? null;
    },
    async storageSet(area, key, json) {
      stored.set(`${area}:${key}`, json);
    },
    async storageKeys(area, prefix) {
      const keys = [...stored.keys()].filter((k) => k.startsWith(`${area}:${prefix}`)).map((k) => k.slice(area.length + 1));
      return JSON.stringify(keys);
    },
    now: () => Date.UTC(2026, 11, 1),
    async session(orgUrl) {
      return new URL(orgUrl).hostname.startsWith('acme.')
        ? { instanceUrl: 'https://acme.my.salesforce.com', accessToken: ACME_TOKEN }
        : null;
    },
  };
}

async function loadCore(dir) {
  const glue = await import(new URL(`../../${dir}/forcefield.js`, import.meta.url));
  await glue.default({ module_or_path: await readFile(new URL(`../../${dir}/forcefield_bg.wasm`, import.meta.url)) });
  return glue.Core;
}

test('a content script is answered only about the org of the frame its sender record names', async () => {
  const Core = await loadCore('pkg');
  const host = memoryHost();
  const core = new Core(host);
  const sender = { id: 'forcefield', url: 'https://acme.my.salesforce-setup.com/005?isdtp=p1', tab: { id: 7 } };
  // A content script may not ask about a tab it names…
  const refused = await core.answerContentScript({ type: 'orgStatus', tabUrl: 'https://uat.lightning.force.com/' }, sender);
  assert.equal(refused.type, 'failed', JSON.stringify(refused));
  assert.equal(host.sent.length, 0);
  // …and a URL it passes is not what decides which org it hears about.
  const verdict = await core.answerContentScript(
    { type: 'pageLoaded', surface: 'classicSetup', tabUrl: 'https://uat.lightning.force.com/' }, sender);
  assert.equal(verdict.type, 'pageVerdict', JSON.stringify(verdict));
  assert.equal(verdict.orgId, '00DAM0000000001');
  const elsewhere = await core.answerContentScript({ type: 'pageLoaded', surface: 'classicSetup' },
    { ...sender, url: 'https://example.com/' });
  assert.deepEqual(elsewhere, { type: 'pageVerdict', enhance: false, orgId: null });
});

for (const [name, dir] of [['the worker core', 'pkg'], ['the generator page core', 'pkg/generator']]) {
  test(`${name} loads in plain Node and answers through the host's functions`, async () => {
    const Core = await loadCore(dir);
    const host = memoryHost();
    const core = new Core(host);
    const reply = await core.ask({ type: 'orgStatus', tabUrl: 'https://acme.lightning.force.com/lightning/setup/SetupOneHome/home' }, null);
    assert.equal(reply.type, 'orgStatus', JSON.stringify(reply));
    assert.equal(reply.state, 'connected', JSON.stringify(reply));
    assert.equal(reply.orgName, 'Acme');
    assert.equal(reply.userName, 'Ada Admin');
    assert.equal(reply.username, 'admin@acme.example');
    assert.equal(reply.apiVersion, '66.0');
    assert.equal(reply.kind, 'production');
    // Every call went to the org's API host, with the host's token, and followed no redirect.
    assert.ok(host.sent.length >= 3);
    for (const request of host.sent) {
      assert.match(request.url, /^https:\/\/acme\.my\.salesforce\.com\/services\//);
      assert.deepEqual(request.headers.find(([header]) => header === 'Authorization'), ['Authorization', `Bearer ${ACME_TOKEN}`]);
    }
    // The API version was kept in the host's storage (as JSON text, versioned), never the token.
    assert.deepEqual(JSON.parse(host.stored.get('session:apiVersion:00DAM0000000001')),
      { kind: 'apiVersion', version: 1, json: '"66.0"' });
    for (const value of host.stored.values()) assert.ok(!value.includes(ACME_TOKEN));
  });

  test(`${name}: an org the host has no session for is reported, not thrown`, async () => {
    const Core = await loadCore(dir);
    const host = memoryHost();
    const reply = await new Core(host).ask({ type: 'orgStatus', tabUrl: 'https://other.lightning.force.com/' }, null);
    assert.equal(reply.state, 'unavailable', JSON.stringify(reply));
    assert.equal(host.sent.length, 0);
  });
}
