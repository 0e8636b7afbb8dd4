// What the dashboard's drivers share: Debian's Chromium (playwright-core, never a downloaded browser) in a
// throwaway profile, a page whose console errors and requests leaving the machine are reported, and the steps
// every walk takes (wait for a view, open one in a language, screenshot, check the width).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
const LOCAL = /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/;

/** A fresh browser; `close()` ends it and removes its profile. */
export async function launch(viewport, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'linli-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport, ...options,
  });
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/**
 * The context's page, reporting console errors and page errors in `report.console` (as {step, text} when
 * `step()` names the walk's current step, else as text) and every request leaving the machine in
 * `report.foreign`; and the walk's steps, which screenshot into `out`.
 */
export async function watched(context, { base, out, report, step = null }) {
  const page = context.pages()[0] ?? await context.newPage();
  const note = (text) => report.console.push(step ? { step: step(), text } : text);
  page.on('console', (m) => { if (m.type() === 'error') note(m.text()); });
  page.on('pageerror', (e) => note(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (!LOCAL.test(r.url())) report.foreign.push(r.url()); });
  const settle = async () => {
    await page.waitForSelector('main:not([aria-busy]) h1');
    await page.waitForLoadState('networkidle');
  };
  return {
    page,
    settle,
    /** A full-page screenshot named `name`.png, listed in report.screenshots. */
    shoot: async (name) => {
      const path = join(out, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      report.screenshots.push(path);
    },
    /** The dashboard at `hash`, freshly loaded in `lang` (zh or en). */
    open: async (hash, lang) => {
      await page.goto(`${base}/dashboard/`);
      await page.evaluate((code) => localStorage.setItem('linli.lang', code), lang);
      await page.goto(`${base}/dashboard/${hash}`);
      await page.reload();
      await settle();
    },
    /** No horizontal scrolling of the page itself. */
    fits: () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    /** Imports a v3 keystore as the page's browser key (the signer panel must be on the page). */
    importKey: async ({ json, passphrase }) => {
      await page.locator('input[name="signer"][value="key"]').check();
      await page.locator('#key-pass').fill(passphrase);
      await page.locator('#key-file').setInputFiles({ name: 'member.json', mimeType: 'application/json',
        buffer: Buffer.from(json) });
      await page.locator('[data-key-import]').click();
      // the import ends with the key's address, or with the page's own one-line refusal: report which
      const outcome = page.locator('[data-key-address], [data-signer-status].error');
      await outcome.first().waitFor({ timeout: 60000 });
      const refused = page.locator('[data-signer-status].error');
      if (await refused.count()) throw new Error(`the page refused the keystore: ${await refused.innerText()}`);
    },
  };
}

/**
 * A wallet injected as window.ethereum (an EIP-1193 provider, as MetaMask injects it) whose requests
 * `answer(method, params)` answers in node; what it throws reaches the page as the wallet's error, with its
 * EIP-1193 `code` (4001: the member said no).
 */
export async function injectWallet(context, answer) {
  await context.exposeFunction('__wallet', async (method, params) => {
    try {
      return { result: await answer(method, params) };
    } catch (error) {
      return { error: { message: error.message, code: error.code } };
    }
  });
  await context.addInitScript(() => {
    window.ethereum = {
      isMetaMask: true,
      async request({ method, params = [] }) {
        const { result, error } = await window.__wallet(method, params);
        if (error) throw Object.assign(new Error(error.message), { code: error.code });
        return result;
      },
    };
  });
}

/** The wallet's answer to a method it does not offer. */
export const unsupported = (method) => Object.assign(new Error(`unsupported method ${method}`), { code: 4200 });
