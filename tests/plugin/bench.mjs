// The sf plugin's rows of `make bench` (tests/e2e/bench.mjs adds them to its table): how long a
// Forcefield command takes from start to exit, core load included, beside `sf org display` in
// the same run against the same org; the core's load alone; and the API calls of an apply by
// `sf forcefield permset apply` beside the generator page's for the same exported spec.
// Needs the org's host names in /etc/hosts (scripts/with-org-hosts.sh), like the plugin's tests.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN, loggedInCli, startSim, writes } from './harness.mjs';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => value.toFixed(value < 10 ? 2 : 0);

/** Wall time of one `sf` run, spawn to exit (ms); fails on a non-zero exit. */
async function timed(cli, args) {
  const started = performance.now();
  const result = await cli.sf(args);
  const elapsed = performance.now() - started;
  if (result.code !== 0) throw new Error(`sf ${args.join(' ')}: ${result.code} ${result.stdout}${result.stderr}`);
  return [elapsed, result.json];
}

/** The core loaded in this process as the plugin loads it (read, compile, bind): ms. */
async function coreLoad(runs) {
  const times = [];
  for (let run = 0; run < runs; run++) {
    // A fresh module instance each time: the glue keeps its instance per module.
    const url = `${pathToFileURL(path.join(PLUGIN, 'core/forcefield.js')).href}?run=${run}`;
    const started = performance.now();
    const glue = await import(url);
    await glue.default({ module_or_path: await readFile(path.join(PLUGIN, 'core/forcefield_bg.wasm')) });
    new glue.Core({ fetch: async () => ({ status: 404, headers: [], body: '' }), storageGet: async () => null, storageSet: async () => {}, storageKeys: async () => '[]', now: () => Date.now() });
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Rows for the bench table. `spec` is a PermissionSet file the generator page exported and
 * applied on a fresh org with `extensionApplyCalls` API calls from Apply to done.
 */
export async function pluginRows({ runs = 5, latencyMs = 150, spec, extensionApplyCalls }) {
  const sim = await startSim(['--latency-ms', String(latencyMs)]);
  const rows = [];
  try {
    const cli = await loggedInCli(sim);
    try {
      const display = [];
      const check = [];
      for (let run = 0; run < runs; run++) {
        display.push((await timed(cli, ['org', 'display', '--target-org', 'acme']))[0]);
        check.push((await timed(cli, ['forcefield', 'users', 'check', '--target-org', 'acme', '--user', 'int-netsuite@acme.example']))[0]);
      }
      const [ours, theirs] = [median(check), median(display)];
      rows.push([`sf forcefield users check: start to exit, core load and 2 API calls included (ms, ${latencyMs} ms API latency)`, ms(ours),
        `${ms(theirs)} (sf org display, 2 API calls, same org)`, (ours / theirs).toFixed(2), '≤ 1.25']);
      rows.push(['sf plugin: the core loaded in Node (read, compile, bind the host) (ms)', ms(await coreLoad(runs)), '—', '—', '≤ 150']);

      if (spec) {
        const before = (await sim.log()).length;
        const [elapsed, applied] = await timed(cli, ['forcefield', 'permset', 'apply', '--target-org', 'acme', '--spec', spec, '--no-prompt']);
        const all = (await sim.log()).slice(before);
        const { apiCalls, plan } = applied.result;
        rows.push([`sf forcefield permset apply of the generator page's exported spec: API calls from start of the apply to done (${plan.apiCalls.writes} writes)`,
          String(apiCalls.apply), `${extensionApplyCalls} (the generator page's Apply to done, same spec)`,
          (apiCalls.apply / extensionApplyCalls).toFixed(2), '= the extension\'s']);
        rows.push([`sf forcefield permset apply: the whole command, start to exit (ms, ${latencyMs} ms API latency; ${all.length} API calls: ${writes(all).length} writes, the rest reads incl. the preview)`,
          ms(elapsed), '—', '—', '—']);
      }
    } finally {
      await cli.cleanup();
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
