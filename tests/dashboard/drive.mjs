// Drives Debian's Chromium (playwright-core, never a downloaded browser) through the dashboard and prints one
// JSON report on stdout; tests/dashboard/test_dashboard.py asserts on it.
//   node drive.mjs '{"base": "http://127.0.0.1:PORT", "out": DIR, "member": "0x…", "period": "2026-11",
//                    "ledger": "0x…", "decoy": "0x…", "ballot": {signed EIP-712 ballot},
//                    "vectors": [{"address", "amount", "proof", "root"}],
//                    "keystore": {"json": "…", "passphrase": "…"}}  (the member's key, as `linli --keystore` reads it)
// The member imports that keystore as the page's browser key and signs in (Sign-In with Ethereum) before their
// own page is read: payouts, proofs and the verify button are theirs only.
import { DESKTOP, PHONE, launch, watched } from './browser.mjs';

const spec = JSON.parse(process.argv[2]);
const PAGES = { overview: '#/', rules: '#/rules', proposals: '#/proposals', leaderboard: '#/leaderboard', me: `#/me/${spec.member}` };

const report = { pages: {}, screenshots: [], console: [], foreign: [] };
const browser = await launch(DESKTOP);
try {
  const { page, settle, shoot, importKey } = await watched(browser.context, { ...spec, report });
  const visit = async (name, lang) => {
    await page.goto(`${spec.base}/dashboard/${PAGES[name]}`);
    await settle();
    if (name === 'proposals') { // open every "votes cast" and "how to vote" section
      for (const summary of await page.locator('main details > summary').all()) await summary.click();
      await page.waitForFunction(() => [...document.querySelectorAll('main details[data-votes] > div')]
        .every((div) => div.childElementCount > 0));
    }
    report.pages[`${name}.${lang}`] = {
      lang: await page.locator('html').getAttribute('lang'),
      title: await page.title(),
      text: await page.locator('main').innerText(),
      canvases: await page.locator('main canvas').count(),
    };
    await shoot(`${name}.${lang}`);
  };

  // The member signs in with the browser key, imported from their keystore file.
  const signIn = async () => {
    await page.goto(`${spec.base}/dashboard/${PAGES.me}`);
    await settle();
    await importKey(spec.keystore);
    await page.locator('[data-signin]').click();
    await page.locator('[data-verify]').first().waitFor({ timeout: 30000 });
  };

  for (const name of Object.keys(PAGES)) {
    if (name === 'me') await signIn();
    await visit(name, 'zh');
  }

  // Live tallies: the relayer sends the signed ballot; the open proposal's tally changes with no reload.
  await page.goto(`${spec.base}/dashboard/${PAGES.proposals}`);
  await settle();
  const open = 'section[aria-labelledby="open-h"] [data-tally]';
  const before = await page.locator(open).first().innerText();
  const relayed = await page.request.post(`${spec.base}/votes/relay`, { data: spec.ballot });
  await page.waitForFunction(([selector, text]) => document.querySelector(selector).innerText !== text,
    [open, before], { timeout: 30000 });
  report.live = { before, relay: relayed.status(), after: await page.locator(open).first().innerText() };

  // Keyboard: the first Tab lands on the skip link, Enter moves focus to <main>.
  await page.goto('about:blank');
  await page.goto(`${spec.base}/dashboard/#/`);
  await settle();
  await page.keyboard.press('Tab');
  report.keyboard = { first: await page.evaluate(() => document.activeElement.textContent) };
  await page.keyboard.press('Enter');
  report.keyboard.after = await page.evaluate(() => document.activeElement.id);

  // "Verify my payout": honest server, then a server that tampers with the proof.
  const verdict = async (prepare = async () => {}) => {
    await page.goto(`${spec.base}/dashboard/#/me/${spec.member}`);
    await settle();
    await prepare();
    await page.locator(`[data-verify="${spec.period}"]`).click();
    const strong = page.locator(`#verdict-${spec.period} [data-verdict]`);
    await strong.waitFor();
    return { verdict: await strong.getAttribute('data-verdict'), text: await page.locator(`#verdict-${spec.period}`).innerText() };
  };
  report.verify = await verdict();
  await shoot('me.verified.zh');
  await page.route('**/distributions/*/proofs/*', async (route) => {
    const body = await (await route.fetch()).json();
    body.payout_cents = Number(body.payout_cents) + 1; // the server claims one cent more than the chain allows
    await route.fulfill({ json: body });
  });
  report.tampered = await verdict();
  await shoot('me.tampered.zh');
  await page.unroute('**/distributions/*/proofs/*');

  // A server that advertises another contract as the ledger: the check fails until the member types the
  // ledger address the co-op published under "verify with my own node".
  await page.route('**/dashboard/config.json', async (route) => {
    const body = await (await route.fetch()).json();
    await route.fulfill({ json: { ...body, contracts: { ...body.contracts, PayoutLedger: spec.decoy } } });
  });
  await page.goto('about:blank'); // the page reads config.json once per load
  report.decoy = await verdict();
  report.ownNode = await verdict(async () => {
    await page.locator('.own-node summary').click();
    await page.locator('#node-ledger').fill(spec.ledger);
  });
  await shoot('me.own-node.zh');
  await page.unroute('**/dashboard/config.json');
  await page.goto('about:blank');
  await page.goto(`${spec.base}/dashboard/#/`);
  await settle();

  // Language switch: English, kept across pages and reloads.
  await page.locator('#lang-switch').click();
  await settle();
  report.switched = { lang: await page.locator('html').getAttribute('lang'), nav: await page.locator('nav').innerText() };
  for (const name of Object.keys(PAGES)) await visit(name, 'en');

  // Phone-sized screen: no horizontal scrolling of the page itself.
  await page.setViewportSize(PHONE);
  report.phone = {};
  for (const name of ['overview', 'me']) {
    await page.goto(`${spec.base}/dashboard/${PAGES[name]}`);
    await settle();
    report.phone[name] = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await shoot(`${name}.phone.en`);
  }

  // The server's address leads to the dashboard; the API's docs render from local files only.
  await page.goto(`${spec.base}/`);
  report.home = new URL(page.url()).pathname;
  await page.goto(`${spec.base}/docs`);
  await page.locator('.opblock').first().waitFor();
  const operations = await page.locator('.opblock-summary').evaluateAll((blocks) => blocks.map((b) =>
    `${b.querySelector('.opblock-summary-method').textContent} ${b.querySelector('[data-path]').dataset.path}`));
  // an operation under two tags (auth and me) shows in both sections: count each once
  report.docs = { operations: new Set(operations).size, title: await page.title() };
  await shoot('api-docs.phone');
  await page.goto(`${spec.base}/dashboard/`);

  // The page's own Merkle code against roots and proofs made by governance.merkle.
  report.vectors = await page.evaluate(async (vectors) => {
    const { rootFromProof } = await import('./js/merkle.js');
    return vectors.map((v) => rootFromProof(v.address, v.amount, v.proof) === v.root);
  }, spec.vectors ?? []);
} catch (error) {
  report.error = String(error.stack ?? error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
