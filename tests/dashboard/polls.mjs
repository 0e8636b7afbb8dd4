// Drives Debian's Chromium (playwright-core) through 选品投票 / Product picks on a phone-sized screen and prints
// one JSON report on stdout; tests/dashboard/test_dashboard_polls.py asserts on it. Two phases, so that Python
// can enact the poll between them:
//   node polls.mjs '{"phase": "approve", "base": URL, "out": DIR, "poll": "ID", "picks": ["tea", "oil"],
//                    "keystore": {"json": "…", "passphrase": "…"}, "weights": {"0xPRODUCT": "WEIGHT", …}}'
//   node polls.mjs '{"phase": "enacted", "base": URL, "out": DIR, "poll": "ID", "winners": ["tea", …]}'
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const spec = JSON.parse(process.argv[2]);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const report = { console: [], steps: {}, screenshots: [] };
const profile = mkdtempSync(join(tmpdir(), 'linli-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport: { width: 390, height: 844 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') report.console.push(m.text()); });
  page.on('pageerror', (e) => report.console.push(`pageerror: ${e.message}`));
  const open = async (lang) => {
    await page.goto(`${spec.base}/dashboard/`);
    await page.evaluate((code) => { localStorage.setItem('linli.lang', code); localStorage.setItem('linli.signer', 'key'); }, lang);
    await page.goto(`${spec.base}/dashboard/#/polls`);
    await page.reload();
    await page.waitForSelector('main:not([aria-busy]) h1');
  };
  const shoot = async (name) => {
    const path = join(spec.out, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    report.screenshots.push(path);
  };
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  const card = `[data-poll="${spec.poll}"]`;

  if (spec.phase === 'approve') {
    await open('zh');
    await page.waitForSelector(`${card} form[data-approve]`, { timeout: 60000 }); // the mirror catches up live
    report.steps.nav = await page.locator('nav a[data-route="polls"]').innerText();
    report.steps.heading = await page.locator('main h1').innerText();
    await page.locator('#key-pass').fill(spec.keystore.passphrase);
    await page.locator('#key-file').setInputFiles({ name: 'member.json', mimeType: 'application/json',
      buffer: Buffer.from(spec.keystore.json) });
    await page.locator('[data-key-import]').click();
    await page.locator('[data-key-address]').waitFor({ timeout: 60000 });
    report.steps.labels = await page.locator(`${card} input[name=pick]`).evaluateAll(
      (boxes) => boxes.map((b) => b.labels[0].innerText.trim()));
    for (const name of spec.picks) { // by keyboard: focus each box by its label, Space ticks it
      await page.getByLabel(name, { exact: true }).focus();
      await page.keyboard.press('Space');
    }
    await page.locator(`${card} button[type=submit]`).focus();
    await page.keyboard.press('Enter');
    const status = page.locator(`${card} [data-approve-status]`);
    await page.waitForFunction((s) => {
      const el = document.querySelector(s);
      return el && (el.querySelector('[data-tx]') || el.classList.contains('error'));
    }, `${card} [data-approve-status]`, { timeout: 60000 });
    report.steps.approved = { text: await status.innerText(), tx: await status.locator('[data-tx]').innerText().catch(() => null) };
    await page.waitForFunction((weights) => Object.entries(weights).every(([id, w]) =>
      document.querySelector(`[data-weight="${id}"]`)?.innerText.replace(/\D/g, '') === w), spec.weights, { timeout: 60000 });
    report.steps.tally = await page.locator(`${card} [data-poll-tally]`).innerText();
    report.steps.fits = await fits();
    await shoot('approved.zh');
  } else {
    for (const lang of ['zh', 'en']) {
      await open(lang);
      await page.waitForFunction((s) => document.querySelector(`${s} [data-winners]`), card, { timeout: 60000 });
      report.steps[lang] = {
        state: await page.locator(`${card} [data-poll-state]`).innerText(),
        winners: await page.locator(`${card} [data-winners]`).innerText(),
        catalogue: await page.locator('[data-catalogue]').innerText(),
        fits: await fits(),
      };
      await shoot(`enacted.${lang}`);
    }
  }
} catch (error) {
  report.error = String(error?.stack ?? error);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report));
