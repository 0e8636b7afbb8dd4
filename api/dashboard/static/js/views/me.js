// 我的: one member's points, voting weight, level and what the next level needs, payouts, and
// "verify my payout" (the proof checked in this page against the root read from the chain).
import { ApiError, get } from '../api.js';
import { verifyPayout } from '../chain.js';
import { achievement, esc, num, short, yuan } from '../format.js';
import { t } from '../i18n.js';

const KEY = 'linli.address';
const NODE_KEY = 'linli.node'; // {rpc, ledger} the member chose instead of the server's
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function form(address) {
  return `<form class="field card" id="who">
    <label for="address">${esc(t('me.address'))}</label>
    <input id="address" name="address" autocomplete="off" spellcheck="false" inputmode="latin" class="mono"
      placeholder="0x…" value="${esc(address)}" required pattern="0x[0-9a-fA-F]{40}" aria-describedby="address-help">
    <button type="submit">${esc(t('show'))}</button>
    <p id="address-help" class="muted">${esc(t('me.address.help'))}</p>
  </form>`;
}

function level(member) {
  const next = member.next_level;
  if (!next) return `<p>${esc(t('me.level.top', { level: t(`level.${member.level}`) }))}</p>`;
  const have = Number(member.growth ?? 0);
  return `<label for="level-progress">${esc(t('me.level.next', {
    level: t(`level.${next.name}`), growth: num(have), missing: num(Math.max(0, next.threshold - have)), threshold: num(next.threshold),
  }))}</label>
  <progress id="level-progress" max="${esc(next.threshold)}" value="${esc(Math.min(have, next.threshold))}">${esc(num(have))}</progress>`;
}

function payouts(member) {
  if (!member.payouts?.length) return `<p>${esc(t('me.nopayouts'))}</p>`;
  return `<ul class="payouts">${member.payouts.map((p) => `<li>
    <p><strong>${esc(p.period)}</strong> · ${esc(t('me.payout'))} <strong>${esc(yuan(p.payout_cents))}</strong>
      ${p.commission_cents == null ? '' : `· ${esc(t('me.commission'))} ${esc(yuan(p.commission_cents))}`}</p>
    <button type="button" class="action" data-verify="${esc(p.period)}">${esc(t('me.verify'))}</button>
    <div class="verdict" id="verdict-${esc(p.period)}" role="status" aria-live="polite"></div>
  </li>`).join('')}</ul>`;
}

/** Where the check reads the root: the server's node and ledger, unless the member named their own. */
function ownNode(chain) {
  const saved = JSON.parse(localStorage.getItem(NODE_KEY) ?? '{}');
  const rpc = saved.rpc || chain.rpc_url || '';
  const ledger = saved.ledger || chain.contracts?.PayoutLedger || '';
  return `<details class="own-node"><summary>${esc(t('me.node'))}</summary>
    <p class="muted">${esc(t('me.node.help'))}</p>
    <div class="field"><label for="node-rpc">${esc(t('me.node.rpc'))}</label>
      <input id="node-rpc" class="mono" inputmode="url" spellcheck="false" value="${esc(rpc)}"></div>
    <div class="field"><label for="node-ledger">${esc(t('me.node.ledger'))}</label>
      <input id="node-ledger" class="mono" spellcheck="false" pattern="0x[0-9a-fA-F]{40}" value="${esc(ledger)}"></div>
  </details>`;
}

function profile(member, chain) {
  const achievements = member.achievements ?? [];
  return `<div class="grid">
    <section class="card" aria-labelledby="me-h">
      <h2 id="me-h">${esc(member.member_id ?? short(member.address))} <span class="badge">${esc(t(`level.${member.level}`))}</span></h2>
      <p class="mono">${esc(member.address)}</p>
      <dl class="stats">
        <div><dt>${esc(t('me.points'))}</dt><dd>${esc(num(member.points))}</dd></div>
        <div><dt>${esc(t('me.weight'))}</dt><dd>${esc(num(member.voting_weight))}</dd></div>
      </dl>
      ${member.delegate && member.delegate.toLowerCase() !== member.address.toLowerCase()
        ? `<p class="muted">${esc(t('me.delegate', { to: short(member.delegate) }))}</p>` : ''}
      ${level(member)}
    </section>
    <section class="card" aria-labelledby="ach-h"><h2 id="ach-h">${esc(t('achievements'))}</h2>
      ${achievements.length ? `<ul>${achievements.map((a) => `<li>${esc(achievement(a))}</li>`).join('')}</ul>`
        : `<p>${esc(t('achievements.none'))}</p>`}
    </section>
    <section class="card wide" aria-labelledby="pay-h"><h2 id="pay-h">${esc(t('me.payouts'))}</h2>
      ${payouts(member)}
      <p class="muted">${esc(t('me.verify.how'))}</p>
      ${ownNode(chain)}
    </section>
  </div>`;
}

async function verify(button, address) {
  const period = button.dataset.verify;
  const out = document.getElementById(`verdict-${period}`);
  button.disabled = true;
  out.className = 'verdict';
  out.textContent = t('me.verify.running');
  try {
    const rpcUrl = document.getElementById('node-rpc').value.trim();
    const ledger = document.getElementById('node-ledger').value.trim();
    if (!rpcUrl || !ledger) throw new Error(t('chain.none'));
    const claim = await get(`/distributions/${encodeURIComponent(period)}/proofs/${encodeURIComponent(address)}`);
    const result = await verifyPayout({ rpcUrl, ledger, period, address, amount: claim.payout_cents, proof: claim.proof });
    out.className = `verdict ${result.ok ? 'ok' : 'bad'}`;
    out.innerHTML = `<strong data-verdict="${result.ok ? 'verified' : 'mismatch'}">${esc(t(result.ok ? 'me.verified' : 'me.mismatch'))}</strong>
      <span class="mono muted">${esc(t('me.roots', { computed: short(result.computed), onchain: short(result.onchain) }))}</span>`;
  } catch (error) {
    out.className = 'verdict bad';
    out.innerHTML = `<strong data-verdict="error">${esc(t('me.verify.error', { message: error.message }))}</strong>`;
  }
  button.disabled = false;
}

export async function render(main, { params, chain }) {
  const address = params[0] ?? localStorage.getItem(KEY) ?? '';
  main.innerHTML = `<h1>${esc(t('me.title'))}</h1>${form(address)}<div id="profile"></div>`;
  main.querySelector('#who').addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/me/${main.querySelector('#address').value.trim()}`;
  });
  if (!ADDRESS.test(address)) return null;
  localStorage.setItem(KEY, address);
  const slot = main.querySelector('#profile');
  try {
    slot.innerHTML = profile(await get(`/members/${address}`), chain);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    slot.innerHTML = `<p class="error" role="alert">${esc(t('me.unknown', { address }))}</p>`;
    return null;
  }
  for (const button of slot.querySelectorAll('[data-verify]')) button.addEventListener('click', () => verify(button, address));
  slot.querySelector('.own-node').addEventListener('change', () => localStorage.setItem(NODE_KEY, JSON.stringify({
    rpc: slot.querySelector('#node-rpc').value.trim(), ledger: slot.querySelector('#node-ledger').value.trim() })));
  return null;
}
