// Drives Debian's Chromium (playwright-core) through voting and delegating in the dashboard, on a phone-sized
// screen, and prints one JSON report on stdout; tests/dashboard/test_dashboard_acting.py asserts on it.
//   node act.mjs '{"base": "http://127.0.0.1:PORT", "out": DIR, "proposal": "ID",
//                  "wallets": {"keyboard": "0xKEY", "reason": "0xKEY"}, "reason": "…",
//                  "keystore": {"json": "…", "passphrase": "…", "address": "0x…"},
//                  "delegatee": "0x…", "delegateeShort": "0x12…abcd", "created": {"passphrase": "…"},
//                  "expect": {"keyboard": "赞成 …", "reason": "Abstain …", "imported": "反对 …"}}'
// The wallet is an injected EIP-1193 provider whose eth_signTypedData_v4 answers are MetaMask's own
// (@metamask/eth-sig-util, computed here in node from the member's key): the page cannot tell it from MetaMask.
import { readFileSync } from 'node:fs';
import { SignTypedDataVersion, signTypedData } from '@metamask/eth-sig-util';
import { Wallet } from 'ethers';
import { PHONE, injectWallet, launch, unsupported, watched } from './browser.mjs';

const spec = JSON.parse(process.argv[2]);
const ETHERS = /\/dashboard\/vendor\/ethers\/ethers\.min\.js$/;

const report = { console: [], foreign: [], ethers: [], wallet: [], steps: {}, screenshots: [] };
const wallets = Object.fromEntries(Object.entries(spec.wallets).map(([name, key]) => [name, new Wallet(key)]));
let walletInUse = null; // the account the injected wallet offers now
const browser = await launch(PHONE, { acceptDownloads: true });
const { context } = browser;
const step = (name) => { report.current = name; };
try {
  await injectWallet(context, (method, [address, json]) => {
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return walletInUse ? [walletInUse.address] : [];
    if (method !== 'eth_signTypedData_v4') throw unsupported(method);
    report.wallet.push({ address, data: JSON.parse(json) });
    if (address.toLowerCase() !== walletInUse.address.toLowerCase()) throw new Error('not this wallet\'s account');
    const privateKey = Buffer.from(walletInUse.privateKey.slice(2), 'hex');
    return signTypedData({ privateKey, data: JSON.parse(json), version: SignTypedDataVersion.V4 });
  });
  const { page, shoot, open, fits, importKey } = await watched(context, { ...spec, report, step: () => report.current });
  page.on('request', (r) => { if (ETHERS.test(new URL(r.url()).pathname)) report.ethers.push(report.current); });
  page.on('dialog', (dialog) => dialog.accept()); // "remove the key from this browser?"

  const form = `form[data-vote="${spec.proposal}"]`;
  const outcome = async (selector) => {
    const status = page.locator(selector);
    await page.waitForFunction((s) => {
      const el = document.querySelector(s);
      return el && (el.querySelector('[data-tx]') || el.classList.contains('error'));
    }, selector, { timeout: 60000 });
    return { text: await status.innerText(), tx: await status.locator('[data-tx]').textContent().catch(() => null),
      error: await status.evaluate((el) => el.classList.contains('error')) };
  };
  const voteOutcome = () => outcome(`${form} [data-vote-status]`);
  const tallyShows = async (text) => {
    await page.waitForFunction(([id, t]) => document.querySelector(`[data-tally="${id}"]`)?.innerText.includes(t),
      [spec.proposal, text], { timeout: 30000 });
    return page.locator(`[data-tally="${spec.proposal}"]`).innerText();
  };

  // Reading pages loads no signing library.
  step('reading');
  for (const hash of ['#/', '#/proposals', '#/me']) await open(hash, 'zh');

  // 1. Keyboard only, in Chinese: Tab from the top of the page to 赞成, Enter; the wallet signs.
  step('keyboard');
  walletInUse = wallets.keyboard;
  await open('#/proposals', 'zh');
  const forButton = `${form} button[data-support="for"]`;
  let presses = 0;
  while (!(await page.evaluate((s) => document.activeElement?.matches(s), forButton))) {
    await page.keyboard.press('Tab');
    if (++presses > 80) throw new Error('Tab never reached the For button');
  }
  await page.keyboard.press('Enter');
  report.steps.keyboard = { presses, ...(await voteOutcome()), fits: await fits() };
  report.steps.keyboard.tally = await tallyShows(spec.expect.keyboard);
  await shoot('vote.zh');

  // 2. With a reason, in English, by the wallet's second account.
  step('reason');
  walletInUse = wallets.reason;
  await open('#/proposals', 'en');
  await page.locator(`${form} textarea`).fill(spec.reason);
  await page.locator(`${form} button[data-support="abstain"]`).click();
  report.steps.reason = { ...(await voteOutcome()), fits: await fits() };
  report.steps.reason.tally = await tallyShows(spec.expect.reason);
  await shoot('vote-reason.en');

  // 3. A key created in the browser: encrypted at rest, exported as a keystore; it has no points, so the
  //    relayer refuses its vote (403) and the page says so in one line, in English, then in Chinese.
  step('create');
  await open('#/proposals', 'en');
  await page.locator('input[name="signer"][value="key"]').check();
  await page.locator('#key-pass').fill(spec.created.passphrase);
  await page.locator('[data-key-create] button[type="submit"]').click();
  await page.locator('[data-key-address]').waitFor({ timeout: 120000 });
  const created = {
    address: await page.locator('[data-key-address]').innerText(),
    status: await page.locator('[data-signer-status]').innerText(),
    stored: await page.evaluate(() => localStorage.getItem('linli.keystore')),
  };
  await shoot('key.en');
  const download = page.waitForEvent('download');
  await page.locator('[data-key-export]').click();
  const file = await download;
  created.exportName = file.suggestedFilename();
  created.exported = readFileSync(await file.path(), 'utf8');
  await page.locator(`${form} button[data-support="for"]`).click();
  created.refused = await voteOutcome();
  await open('#/proposals', 'zh'); // a reload locks the key again: the passphrase unlocks it when signing
  await page.locator('#key-pass').fill(spec.created.passphrase);
  await page.locator(`${form} button[data-support="against"]`).click();
  created.refusedZh = await voteOutcome();
  await shoot('error.zh');
  await page.locator('[data-key-forget]').click();
  created.afterForget = await page.evaluate(() => localStorage.getItem('linli.keystore'));
  report.steps.created = created;

  // 4. A keystore written by Python (what `linli --keystore` reads), imported, then a vote against.
  step('import');
  await open('#/proposals', 'zh');
  await importKey(spec.keystore);
  report.steps.imported = { address: await page.locator('[data-key-address]').innerText() };
  await shoot('key-import.zh');
  await page.locator(`${form} button[data-support="against"]`).click();
  Object.assign(report.steps.imported, await voteOutcome(), { fits: await fits() });
  report.steps.imported.tally = await tallyShows(spec.expect.imported);
  const votes = page.locator(`details[data-votes="${spec.proposal}"]`);
  await votes.locator('summary').click();
  await votes.locator('table').waitFor();
  report.steps.imported.votes = await votes.innerText();
  await shoot('vote-key.zh');

  // 5. The same member delegates to the keyboard voter on 我的, with the imported key (unlocked again).
  step('delegate');
  await open(`#/me/${spec.keystore.address}`, 'zh');
  await page.locator('#key-pass').fill(spec.keystore.passphrase);
  await page.locator('#delegatee').fill(spec.delegatee);
  await page.locator('[data-delegate-form] button[value="other"]').click();
  report.steps.delegate = await outcome('[data-delegate-status]');
  await page.waitForFunction((to) => document.querySelector('#profile')?.innerText.includes(to),
    spec.delegateeShort, { timeout: 30000 });
  report.steps.delegate.profile = await page.locator('#profile').innerText();
  report.steps.delegate.fits = await fits();
  await shoot('delegate.phone');
  await open(`#/me/${spec.keystore.address}`, 'en');
  report.steps.delegate.profileEn = await page.locator('#profile').innerText();
  await shoot('delegate.en');

  // 6. A wallet member delegates to the same neighbour, then takes the vote back (keyboard: Enter on the button).
  step('takeback');
  walletInUse = wallets.reason;
  await open(`#/me/${walletInUse.address}`, 'en');
  await page.locator('input[name="signer"][value="wallet"]').check();
  await page.locator('#delegatee').fill(spec.delegatee);
  await page.locator('[data-delegate-form] button[value="other"]').click();
  const away = await outcome('[data-delegate-status]');
  await page.evaluate(() => { document.querySelector('[data-delegate-status]').textContent = ''; });
  await page.locator('[data-delegate-form] button[value="self"]').focus();
  await page.keyboard.press('Enter');
  report.steps.takeback = { away, back: await outcome('[data-delegate-status]'), fits: await fits() };
  await shoot('delegate-back.phone');
} catch (error) {
  report.error = `${report.current}: ${String(error.stack ?? error)}`;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
