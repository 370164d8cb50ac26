// Launches Debian's Chromium with the built extension through playwright-core, with every flag
// that keeps it off the network except the simulated org (DEVELOPERS.md "This machine").
import { mkdtemp, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from './sim.mjs';

const SALESFORCE_HOSTS = ['*.salesforce.com', '*.force.com', '*.salesforce-setup.com'];
// Hosts that are not Salesforce's, resolved to the sim too so a test can prove nothing reaches
// them (the sim serves and logs any host name, tests/org_sim/README.md "Library (native tests)").
export const ATTACKER_HOST = 'collector.attacker.example';
const SIM_HOSTS = [...SALESFORCE_HOSTS, '*.attacker.example'];
export const artifactsDir = path.join(repoRoot, 'tests/e2e/artifacts');

export async function launchChromium({ headless = true } = {}) {
  const extension = path.join(repoRoot, 'dist/chrome');
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'ff-chromium-'));
  await mkdir(artifactsDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 860 },
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      '--disable-features=DisableLoadExtensionCommandLineSwitch',
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--ignore-certificate-errors',
      `--host-resolver-rules=${SIM_HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}, MAP * ~NOTFOUND`,
      '--proxy-server=http://127.0.0.1:9',
      `--proxy-bypass-list=${SIM_HOSTS.join(';')}`,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return { context, worker, extensionId };
}

/**
 * The frame (Classic iframe or top page) whose URL contains `urlPart` (or passes it, when it is a
 * function), once it exists. The Lightning shell replaces the Classic frame on every in-frame
 * navigation (salesforce.md §D.1), so tests look it up again after each one.
 */
export async function frameWithUrl(page, urlPart, timeout = 15000) {
  const deadline = Date.now() + timeout;
  const matches = typeof urlPart === 'function' ? urlPart : (url) => url.includes(urlPart);
  for (;;) {
    const frame = page.frames().find((f) => !f.isDetached() && matches(f.url()));
    if (frame) return frame;
    if (Date.now() > deadline) {
      throw new Error(`no frame with ${urlPart}; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    }
    await page.waitForTimeout(100);
  }
}

/**
 * Like frameWithUrl, for a Classic page that has finished loading: the shell may swap the frame
 * element once more right after a navigation, so a frame that detaches is looked up again.
 */
export async function loadedClassicFrame(page, urlPart, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await frameWithUrl(page, urlPart, Math.max(deadline - Date.now(), 1));
    try {
      await frame.locator('body.sfdcBody').waitFor({ state: 'attached', timeout: 2000 });
      if (!frame.isDetached()) return frame;
    } catch (error) {
      if (!frame.isDetached() || Date.now() > deadline) throw error;
    }
  }
}

/** The id of the browser tab showing `urlPattern`, asked of the extension's own worker. */
export async function tabIdFor(worker, urlPattern) {
  return worker.evaluate(async (pattern) => {
    const [tab] = await chrome.tabs.query({ url: pattern });
    return tab?.id ?? null;
  }, urlPattern);
}

export async function openPopup(context, extensionId, tabId) {
  const popup = await context.newPage();
  await popup.setViewportSize({ width: 360, height: 420 });
  await popup.goto(`chrome-extension://${extensionId}/popup/popup.html?tab=${tabId}`);
  await popup.locator('#status[aria-busy="false"]').waitFor();
  return popup;
}

/**
 * Runs code inside Forcefield's content-script world (the isolated world) of the frame whose URL
 * contains `urlPart`, through the DevTools protocol: a stand-in for a compromised content script,
 * to show what the background does with requests only the extension's own scripts can send.
 * Returns `evaluate(fn, arg)` (fn is serialised; it runs with the content script's `chrome.*`)
 * and `detach()`.
 */
export async function contentScriptWorld(page, urlPart) {
  const cdp = await page.context().newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const frameIdOf = (node) => (node.frame.url.includes(urlPart) ? node.frame.id
    : (node.childFrames ?? []).map(frameIdOf).find(Boolean));
  const frameId = frameIdOf(frameTree);
  const context = contexts.find((c) => c.auxData?.frameId === frameId && c.auxData?.type === 'isolated'
    && c.name === 'Forcefield for Salesforce Setup');
  if (!context) {
    await cdp.detach();
    throw new Error(`no Forcefield content-script world in the frame with ${urlPart}: ${JSON.stringify(contexts.map((c) => [c.name, c.auxData]))}`);
  }
  return {
    async evaluate(fn, arg) {
      const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
        expression: `(${fn})(${JSON.stringify(arg ?? null)})`, contextId: context.id, awaitPromise: true, returnByValue: true,
      });
      if (exceptionDetails) throw new Error(`in the content-script world: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    },
    detach: () => cdp.detach(),
  };
}
