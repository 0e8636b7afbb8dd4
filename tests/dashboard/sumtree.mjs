// Drives Debian's Chromium through the member's "verify my payout" with the Merkle sum tree and prints one JSON
// report; tests/dashboard/test_dashboard_sum_tree.py asserts on it.
//   node sumtree.mjs '{"base": "http://127.0.0.1:PORT", "out": DIR, "member": "0x…", "period": "2026-11",
//                      "keystore": {"json": "…", "passphrase": "…"}}'
// The member signs in with their browser key, then verifies: with the honest server, and with a server that
// alters the sum proof, the salt, or the public record's sum root (each must be refused in the page).
import { DESKTOP, launch, watched } from './browser.mjs';

const spec = JSON.parse(process.argv[2]);
const report = { screenshots: [], console: [], foreign: [], verdicts: {} };
const browser = await launch(DESKTOP);
try {
  const { page, settle, shoot, importKey } = await watched(browser.context, { ...spec, report });
  await page.goto(`${spec.base}/dashboard/#/me/${spec.member}`);
  await settle();
  await importKey(spec.keystore);
  await page.locator('[data-signin]').click();
  await page.locator(`[data-verify="${spec.period}"]`).waitFor({ timeout: 30000 });

  const verdict = async (name) => {
    await page.locator(`[data-verify="${spec.period}"]`).click();
    const sum = page.locator(`#verdict-${spec.period} [data-sum]`);
    await sum.waitFor({ timeout: 30000 });
    report.verdicts[name] = {
      verdict: await page.locator(`#verdict-${spec.period} [data-verdict]`).getAttribute('data-verdict'),
      sum: await sum.getAttribute('data-sum'),
      text: await page.locator(`#verdict-${spec.period}`).innerText(),
    };
    await shoot(`me.sum.${name}`);
  };
  const tamper = async (glob, change) => {
    await page.route(glob, async (route) => {
      const body = await (await route.fetch()).json();
      change(body);
      await route.fulfill({ json: body });
    });
  };

  await verdict('honest');
  await tamper('**/distributions/*/proofs/*', (body) => { body.sum_proof[0].sum = String(BigInt(body.sum_proof[0].sum) + 1n); });
  await verdict('sibling-sum');
  await page.unroute('**/distributions/*/proofs/*');
  await tamper('**/distributions/*/proofs/*', (body) => { body.salt = `0x${'00'.repeat(32)}`; });
  await verdict('salt');
  await page.unroute('**/distributions/*/proofs/*');
  await tamper('**/distributions/*/record', (body) => { body.content.sum_root = `0x${'ab'.repeat(32)}`; });
  await verdict('sum-root');
  await page.unroute('**/distributions/*/record');
  await tamper('**/distributions/*/record', (body) => { body.content.record_hash = `0x${'cd'.repeat(32)}`; });
  await verdict('record-hash');
  await page.unroute('**/distributions/*/record');
} catch (error) {
  report.error = String(error.stack ?? error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
