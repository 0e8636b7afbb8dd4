// 我的: one member's points, voting weight, level and what the next level needs, payouts, "verify my payout"
// (the proof checked in this page against the root read from the chain), and delegating one's voting weight
// (an ERC-5805 delegation signed by the member's wallet or browser key, relayed by the server).
import { ApiError, get, post } from '../api.js';
import { chainNow, verifyPayout } from '../chain.js';
import { achievement, esc, num, short, yuan } from '../format.js';
import { t } from '../i18n.js';
import * as signing from '../signing.js';
import { loadEthers } from '../ethers.js';
import { delegation, read } from '../typed.js';

const KEY = 'linli.address';
const NODE_KEY = 'linli.node'; // {rpc, ledger} the member chose instead of the server's
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const DELEGATION_TTL_S = 3600; // a signed delegation left unsent is void after an hour
const INDEX_WAIT_MS = 30_000;

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

function delegateCard() {
  return `<section class="card" aria-labelledby="del-h" id="delegate">
    <h2 id="del-h">${esc(t('delegate.title'))}</h2>
    <p class="muted">${esc(t('delegate.help'))}</p>
    ${signing.panel()}
    <form class="field" data-delegate-form>
      <label for="delegatee">${esc(t('delegate.to'))}</label>
      <input id="delegatee" name="delegatee" class="mono" autocomplete="off" spellcheck="false" placeholder="0x…"
        pattern="0x[0-9a-fA-F]{40}" aria-describedby="delegatee-help">
      <p id="delegatee-help" class="muted">${esc(t('delegate.to.help'))}</p>
      <button type="submit" name="to" value="other">${esc(t('delegate.go'))}</button>
      <button type="submit" name="to" value="self" formnovalidate>${esc(t('delegate.self'))}</button>
    </form>
    <p data-delegate-status role="status" aria-live="polite"></p>
  </section>`;
}

/** Signs the delegation, has it relayed, then says what the chain now holds: the delegate and both weights. */
async function delegate(card, toSelf, chain) {
  const status = card.querySelector('[data-delegate-status]');
  const buttons = card.querySelectorAll('[data-delegate-form] button');
  for (const b of buttons) b.disabled = true;
  status.className = '';
  status.textContent = t('vote.signing');
  try {
    const token = chain.contracts?.ContributionPoints;
    if (!chain.rpc_url || !token) throw new Error(t('chain.none'));
    const typed = card.querySelector('#delegatee').value.trim();
    if (!toSelf && !ADDRESS.test(typed)) throw new Error(t('delegate.bad'));
    const member = await signing.account(card);
    const delegatee = toSelf ? member.address : typed;
    const expiry = (await chainNow(chain.rpc_url)) + DELEGATION_TTL_S;
    const message = await delegation(chain.rpc_url, token, { delegator: member.address, delegatee, expiry });
    const { Signature } = await loadEthers();
    const { v, r, s } = Signature.from(await member.sign(message));
    status.textContent = t('vote.sending');
    const done = await post('/delegations/relay', {
      delegator: member.address, delegatee, nonce: message.message.nonce, expiry, v, r, s });
    const [now, mine, theirs] = await Promise.all([read(chain.rpc_url, token, 'delegates', [member.address]),
      read(chain.rpc_url, token, 'getVotes', [member.address]), read(chain.rpc_url, token, 'getVotes', [delegatee])]);
    status.className = 'ok';
    status.innerHTML = `<strong data-delegated="${esc(now)}">${esc(t('delegate.done', {
      to: short(now), mine: num(mine), theirs: num(theirs) }))}</strong>
      <span class="muted">${esc(t('vote.tx'))} <code class="mono" data-tx>${esc(done.tx_hash)}</code></span>`;
    return { delegator: member.address, delegate: now };
  } catch (error) {
    status.className = 'error';
    status.textContent = signing.explain(error, 'delegation');
    return null;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/** The mirror catches up a block or two after the chain: the profile is redrawn once it shows `delegate`. */
async function refreshWhenIndexed(slot, address, delegateTo, chain) {
  const deadline = Date.now() + INDEX_WAIT_MS;
  while (Date.now() < deadline && slot.isConnected) {
    const member = await get(`/members/${address}`).catch(() => null);
    if (member?.delegate?.toLowerCase() === delegateTo.toLowerCase()) {
      showProfile(slot, member, chain);
      return;
    }
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
  }
}

function showProfile(slot, member, chain) {
  slot.innerHTML = profile(member, chain);
  for (const button of slot.querySelectorAll('[data-verify]')) button.addEventListener('click', () => verify(button, member.address));
  slot.querySelector('.own-node').addEventListener('change', () => localStorage.setItem(NODE_KEY, JSON.stringify({
    rpc: slot.querySelector('#node-rpc').value.trim(), ledger: slot.querySelector('#node-ledger').value.trim() })));
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
  main.innerHTML = `<h1>${esc(t('me.title'))}</h1>${form(address)}<div id="profile"></div>${delegateCard()}`;
  const card = main.querySelector('#delegate');
  signing.wire(card);
  card.querySelector('[data-delegate-form]').addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await delegate(card, event.submitter?.value === 'self', chain);
    if (done && done.delegator.toLowerCase() === address.toLowerCase()) {
      refreshWhenIndexed(main.querySelector('#profile'), address, done.delegate, chain);
    }
  });
  main.querySelector('#who').addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/me/${main.querySelector('#address').value.trim()}`;
  });
  if (!ADDRESS.test(address)) return null;
  localStorage.setItem(KEY, address);
  const slot = main.querySelector('#profile');
  try {
    showProfile(slot, await get(`/members/${address}`), chain);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    slot.innerHTML = `<p class="error" role="alert">${esc(t('me.unknown', { address }))}</p>`;
  }
  return null;
}
