// Drives Debian's Chromium (playwright-core) through the dashboard's privacy on a phone-sized screen and prints
// one JSON report on stdout; tests/dashboard/test_dashboard_privacy.py asserts on it.
//   node privacy.mjs '{"base": "http://127.0.0.1:PORT", "out": DIR, "period": "2026-11",
//                      "member": {"address": "0x…", "keystore": "…", "passphrase": "…", "name": "…"},
//                      "wallet": {"key": "0x…"}, "stranger": {"key": "0x…"}}'
// A signed-out visitor reads every page (their text and every JSON answer the page fetched are reported); the
// member imports their keystore and signs in by keyboard (zh), names themselves, sees it on the leaderboard,
// verifies their payout and signs out; another member signs in with a wallet (en): an injected EIP-1193
// provider whose personal_sign answers are MetaMask's own (@metamask/eth-sig-util, computed here in node).
// Then sign-ins that fail: a wallet whose signature is another key's, a message issued too long ago (the
// page's clock set back), a signature cancelled in the wallet, and a session the server has ended.
import { personalSign } from '@metamask/eth-sig-util';
import { Wallet } from 'ethers';
import { PHONE, injectWallet, launch, unsupported, watched } from './browser.mjs';

const spec = JSON.parse(process.argv[2]);
const PAGES = { overview: '#/', rules: '#/rules', proposals: '#/proposals', polls: '#/polls',
  leaderboard: '#/leaderboard', sales: '#/leaderboard/sales/year', me: `#/me/${spec.member.address}` };

const report = { console: [], foreign: [], json: [], wallet: [], screenshots: [] };
let step = 'start';
const wallet = { account: null, signer: null, refuse: false }; // what the injected wallet offers and signs with
const browser = await launch(PHONE);
const { context } = browser;
try {
  await injectWallet(context, (method, [data, address]) => {
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return wallet.account ? [wallet.account] : [];
    if (method !== 'personal_sign') throw unsupported(method);
    report.wallet.push({ step, address, message: Buffer.from(data.slice(2), 'hex').toString('utf8') });
    if (wallet.refuse) throw Object.assign(new Error('User rejected the request.'), { code: 4001 });
    if (address.toLowerCase() !== wallet.account.toLowerCase()) throw new Error('not this wallet\'s account');
    return personalSign({ privateKey: Buffer.from(wallet.signer.privateKey.slice(2), 'hex'), data });
  });
  const { page, settle, shoot, open, fits, importKey } = await watched(context, { ...spec, report, step: () => step });
  page.on('response', async (r) => { // every JSON answer of the API the page fetched (not the node's RPC)
    if (!r.url().startsWith(spec.base) || !(r.headers()['content-type'] ?? '').includes('json')) return;
    try { report.json.push({ step, url: r.url().slice(spec.base.length), status: r.status(), body: await r.json() }); } catch { /* gone with a navigation */ }
  });
  const mainText = () => page.locator('main').innerText();
  const signinStatus = async () => {
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-signin-status]');
      return el?.classList.contains('error') || document.querySelector('[data-verify], [data-signin-needed]') && !/…$/.test(el?.textContent ?? '');
    }, null, { timeout: 60000 });
    return page.locator('[data-signin-status]').evaluate((el) => ({ text: el.textContent, error: el.classList.contains('error') }));
  };
  const verify = async () => {
    await page.locator(`[data-verify="${spec.period}"]`).click();
    const strong = page.locator(`#verdict-${spec.period} [data-verdict]`);
    await strong.waitFor({ timeout: 60000 });
    return { verdict: await strong.getAttribute('data-verdict'), text: await page.locator(`#verdict-${spec.period}`).innerText() };
  };
  const proofStatus = () => page.evaluate(async ([period, address]) =>
    (await fetch(`/distributions/${period}/proofs/${address}`)).status, [spec.period, spec.member.address]);

  // 1. Signed out: every page, in Chinese and English.
  report.signedOut = {};
  for (const lang of ['zh', 'en']) {
    for (const [name, hash] of Object.entries(PAGES)) {
      step = `signed-out ${name}.${lang}`;
      await open(hash, lang);
      report.signedOut[`${name}.${lang}`] = { text: await mainText(), fits: await fits() };
      await shoot(`signed-out.${name}.${lang}`);
    }
  }
  step = 'signed-out proof';
  report.signedOut.proofStatus = await proofStatus();

  // 2. The member imports their keystore (zh), reloads (the key is locked again), then signs in by keyboard:
  //    Tab to the passphrase, type it, Tab to 登录, Enter.
  step = 'import';
  await open(PAGES.me, 'zh');
  await importKey({ json: spec.member.keystore, passphrase: spec.member.passphrase });
  step = 'keyboard';
  await open(PAGES.me, 'zh');
  const tabTo = async (selector) => {
    let presses = 0;
    while (!(await page.evaluate((s) => document.activeElement?.matches(s), selector))) {
      await page.keyboard.press('Tab');
      if (++presses > 60) throw new Error(`Tab never reached ${selector}`);
    }
    return presses;
  };
  const presses = await tabTo('#key-pass');
  await page.keyboard.type(spec.member.passphrase);
  const more = await tabTo('[data-signin]');
  await page.keyboard.press('Enter');
  const keyboard = { presses: presses + more, status: await signinStatus() };
  await page.locator('[data-verify]').first().waitFor({ timeout: 30000 });
  Object.assign(keyboard, { text: await mainText(), fits: await fits(), proofStatus: await proofStatus() });
  report.keyboard = keyboard;
  await shoot('signed-in.zh');

  // 3. A display name, then the leaderboard shows it (with 我); the payout verifies against the chain.
  step = 'name';
  await page.locator('#display-name').fill('邻居·beef'); // another member's masked id: refused
  await page.locator('#name-form button[type="submit"]').click();
  await page.waitForFunction(() => document.querySelector('[data-name-status]')?.classList.contains('error'), null,
    { timeout: 30000 });
  const refusedName = await page.locator('[data-name-status]').innerText();
  await page.locator('#display-name').fill(spec.member.name);
  await page.locator('#name-form button[type="submit"]').click();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-name-status]');
    return el?.textContent && !el.classList.contains('error');
  }, null, { timeout: 30000 });
  report.name = { refused: refusedName, status: await page.locator('[data-name-status]').innerText() };
  report.verify = await verify();
  await shoot('verified.zh');
  await open(PAGES.leaderboard, 'zh');
  report.name.board = await mainText();
  await shoot('leaderboard.named.zh');

  // 4. Sign out: the page is a visitor's again and the server refuses the proof.
  step = 'signout';
  await open(PAGES.me, 'zh');
  await page.locator('[data-signout]').click();
  await page.locator('[data-signin-needed]').waitFor({ timeout: 30000 });
  report.signout = { text: await mainText(), proofStatus: await proofStatus() };
  await open(PAGES.leaderboard, 'en');
  report.signout.board = await mainText();
  await shoot('signed-out.after.en');

  // 5. Another member signs in with a wallet (en), sees their payout and verifies it.
  step = 'wallet';
  const member = new Wallet(spec.wallet.key);
  Object.assign(wallet, { account: member.address, signer: member });
  await open(`#/me/${member.address}`, 'en');
  await page.locator('input[name="signer"][value="wallet"]').check();
  await page.locator('[data-signin]').click();
  const walletStatus = await signinStatus();
  await page.locator('[data-verify]').first().waitFor({ timeout: 30000 });
  report.walletSignIn = { address: member.address, status: walletStatus, text: await mainText(), fits: await fits(),
    verify: await verify() };
  await shoot('wallet.en');

  // 6. The server ends that session (as 15 minutes would): the page says so in one line and shows a visitor's view.
  step = 'expired-session';
  await page.request.post(`${spec.base}/auth/logout`); // the browser's cookie, sent from outside the page
  await page.reload(); // once: the page says it, then forgets the session
  await settle();
  report.expiredSession = { status: await signinStatus(), text: await mainText() };
  await shoot('expired-session.en');

  // 7. Refused sign-ins, each one line: a signature by another key (en), a message issued 11 minutes ago by a
  //    clock set back (zh), a signature cancelled in the wallet (zh).
  const refused = async (name, lang, prepare) => {
    step = name;
    await open(`#/me/${member.address}`, lang);
    await prepare();
    await page.locator('[data-signin]').click();
    const { text: line, error } = await signinStatus();
    await shoot(`${name}.${lang}`);
    return { line, error, text: await mainText(), fits: await fits() };
  };
  report.refused = {};
  report.refused.otherKey = await refused('other-key', 'en', async () => {
    wallet.signer = new Wallet(spec.stranger.key);
  });
  wallet.signer = member;
  report.refused.stale = await refused('stale', 'zh', async () => {
    await page.clock.setFixedTime(new Date(Date.now() - 11 * 60 * 1000));
  });
  await page.clock.setFixedTime(new Date());
  report.refused.cancelled = await refused('cancelled', 'zh', async () => { wallet.refuse = true; });
  wallet.refuse = false;
} catch (error) {
  report.error = `${step}: ${String(error.stack ?? error)}`;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
