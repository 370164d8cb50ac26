// Drives Firefox ESR through geckodriver's W3C WebDriver API (no browser download needed) with
// the built extension installed as a temporary add-on, kept off every network but loopback.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './sim.mjs';

export const GECKO_ID = 'forcefield@forcefield-ext.org';
// Pinning the add-on's internal UUID gives its pages a known moz-extension:// origin.
export const EXTENSION_UUID = '6f0b3c1e-5a7d-4c2b-9e8f-1a2b3c4d5e6f';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

function geckodriverPath() {
  return process.env.GECKODRIVER ?? path.join(os.homedir(), '.cargo/bin/geckodriver');
}

// The Classic iframe sits inside nested shadow roots (salesforce.md §D.1): walk them to find it.
const FIND_CLASSIC_FRAME = `
  const seen = [document];
  while (seen.length) {
    const root = seen.shift();
    const frame = root.querySelector('force-aloha-page iframe[name^="vfFrameId"]');
    if (frame) return frame;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) seen.push(el.shadowRoot);
  }
  return null;`;

export async function launchFirefox({ port = 4444 } = {}) {
  // System access lets a test open the add-on's own pages from the browser chrome.
  const driver = spawn(geckodriverPath(), ['--port', String(port), '--host', '127.0.0.1', '--allow-system-access'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const status = await fetch(`${base}/status`);
      if (status.ok) break;
    } catch (error) {
      if (attempt > 100) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const prefs = {
    // Every Salesforce host name resolves to the simulated org; nothing else resolves at all.
    'network.dns.forceResolve': '127.0.0.1',
    'network.proxy.type': 0,
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
    'app.update.enabled': false,
    'app.normandy.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.update.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'toolkit.telemetry.enabled': false,
    'browser.newtabpage.enabled': false,
    'browser.startup.page': 0,
  };
  const stopDriver = async () => {
    driver.kill('SIGTERM');
    if (driver.exitCode === null) await once(driver, 'exit');
  };
  const created = await call(base, 'POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        acceptInsecureCerts: true,
        'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'], prefs },
      },
    },
  }).catch(async (error) => {
    await stopDriver();
    throw error;
  });
  const session = `/session/${created.sessionId}`;
  const browser = {
    call: (method, route, body) => call(base, method, `${session}${route}`, body),
    async installAddon(dir) {
      return browser.call('POST', '/moz/addon/install', { path: dir, temporary: true });
    },
    goto: (url) => browser.call('POST', '/url', { url }),
    url: () => browser.call('GET', '/url'),
    script: (source, ...args) => browser.call('POST', '/execute/sync', { script: source, args }),
    asyncScript: (source, ...args) => browser.call('POST', '/execute/async', { script: source, args }),
    async toFrame(elementRef) {
      await browser.call('POST', '/frame', { id: elementRef });
    },
    toTop: () => browser.call('POST', '/frame', { id: null }),
    /** Waits for the Lightning shell's Classic iframe and switches into it. */
    async toClassicFrame() {
      const frame = elementRef(await browser.waitFor(FIND_CLASSIC_FRAME));
      if (!frame) throw new Error('the Classic iframe is not an element');
      await browser.toFrame(frame);
    },
    /** Opens one of the add-on's pages in a new tab and switches to it. Marionette refuses to
     * navigate content to moz-extension:// URLs, so the tab is opened from the browser chrome. */
    async openExtensionPage(pagePath) {
      const before = await browser.call('GET', '/window/handles');
      await browser.call('POST', '/moz/context', { context: 'chrome' });
      try {
        await browser.script(`
          const window = Services.wm.getMostRecentWindow('navigator:browser');
          window.gBrowser.selectedTab = window.gBrowser.addTab(arguments[0], {
            triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
          });`, `moz-extension://${EXTENSION_UUID}/${pagePath}`);
      } finally {
        await browser.call('POST', '/moz/context', { context: 'content' });
      }
      const handles = await browser.call('GET', '/window/handles');
      await browser.call('POST', '/window', { handle: handles.find((h) => !before.includes(h)) });
    },
    /**
     * Waits for `selector`, then clicks it (`'click'`), or sets its value and sends `input` and
     * `change` as typing and leaving the field would (`'fill'`).
     */
    async act(selector, action, value) {
      await browser.waitFor('return document.querySelector(arguments[0])', { args: [selector] });
      await browser.script(`
        const [selector, action, value] = arguments;
        const node = document.querySelector(selector);
        node.scrollIntoView();
        if (action === 'click') node.click();
        else {
          node.value = value;
          node.dispatchEvent(new Event('input', { bubbles: true }));
          node.dispatchEvent(new Event('change', { bubbles: true }));
        }`, selector, action, value);
    },
    async screenshot(file) {
      const { writeFile } = await import('node:fs/promises');
      const png = await browser.call('GET', '/screenshot');
      await writeFile(file, Buffer.from(png, 'base64'));
    },
    async waitFor(predicateSource, { timeout = 15000, args = [] } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        // A script that lands while the document navigates fails; the next attempt sees the new one.
        const value = await browser.script(predicateSource, ...args).catch(() => null);
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${predicateSource}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    },
    async quit() {
      try {
        await call(base, 'DELETE', session);
      } finally {
        await stopDriver();
      }
    },
  };
  try {
    await browser.installAddon(path.join(repoRoot, 'dist/firefox'));
  } catch (error) {
    await browser.quit();
    throw error;
  }
  return browser;
}

export function elementRef(value) {
  return value?.[ELEMENT] ? value : null;
}

async function call(base, method, route, body) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) {
    throw new Error(`WebDriver ${method} ${route}: ${payload.value?.error}: ${payload.value?.message}`);
  }
  return payload.value;
}
