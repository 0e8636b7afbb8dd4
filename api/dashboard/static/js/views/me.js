// 我的: one member's points, voting weight, level and what the next level needs (anyone: on-chain facts);
// after signing in (Sign-In with Ethereum, signed by the wallet or the browser key) their own member id,
// payouts, commission, display name and "verify my payout" (the proof checked in this page against the root
// read from the chain); and delegating one's voting weight (an ERC-5805 delegation, relayed by the server).
import { ApiError, get, post, put } from '../api.js';
import { chainNow, verifyPayout } from '../chain.js';
import { verifySumLine } from '../sumtree.js';
import { achievement, esc, num, short, yuan } from '../format.js';
import { t } from '../i18n.js';
import * as keystore from '../keystore.js';
import * as signing from '../signing.js';
import { loadEthers } from '../ethers.js';
import { delegation, read } from '../typed.js';

const KEY = 'linli.address';
const SESSION = 'linli.session'; // {address, expires_at} of this browser's sign-in (the token itself is an HttpOnly cookie)
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

function nameForm(member) {
  return `<form class="field" id="name-form">
    <label for="display-name">${esc(t('me.name'))}</label>
    <input id="display-name" maxlength="32" autocomplete="nickname" value="${esc(member.display_name ?? '')}"
      aria-describedby="display-name-help">
    <p id="display-name-help" class="muted">${esc(t('me.name.help', { masked: member.public_name }))}</p>
    <button type="submit">${esc(t('me.name.save'))}</button>
    <p data-name-status role="status" aria-live="polite"></p>
  </form>`;
}

function ownPart(member, chain) {
  if (!('payouts' in member)) return `<section class="card wide"><p data-signin-needed>${esc(t('signin.needed'))}</p></section>`;
  const achievements = member.achievements ?? [];
  return `<section class="card" aria-labelledby="ach-h"><h2 id="ach-h">${esc(t('achievements'))}</h2>
      ${achievements.length ? `<ul>${achievements.map((a) => `<li>${esc(achievement(a))}</li>`).join('')}</ul>`
        : `<p>${esc(t('achievements.none'))}</p>`}
      ${nameForm(member)}
    </section>
    <section class="card wide" aria-labelledby="pay-h"><h2 id="pay-h">${esc(t('me.payouts'))}</h2>
      ${payouts(member)}
      <p class="muted">${esc(t('me.verify.how'))}</p>
      ${ownNode(chain)}
    </section>`;
}

function profile(member, chain) {
  return `<div class="grid">
    <section class="card" aria-labelledby="me-h">
      <h2 id="me-h">${esc(member.public_name ?? short(member.address))} <span class="badge">${esc(t(`level.${member.level}`))}</span></h2>
      ${member.member_id ? `<p>${esc(t('me.memberid', { id: member.member_id }))}</p>` : ''}
      <p class="mono">${esc(member.address)}</p>
      <dl class="stats">
        <div><dt>${esc(t('me.points'))}</dt><dd>${esc(num(member.points))}</dd></div>
        <div><dt>${esc(t('me.weight'))}</dt><dd>${esc(num(member.voting_weight))}</dd></div>
      </dl>
      ${member.delegate && member.delegate.toLowerCase() !== member.address.toLowerCase()
        ? `<p class="muted">${esc(t('me.delegate', { to: short(member.delegate) }))}</p>` : ''}
      ${level(member)}
    </section>
    ${ownPart(member, chain)}
  </div>`;
}

/** This browser's sign-in, while it lasts: {address, expires_at}, or null. */
function liveSession() {
  const session = JSON.parse(localStorage.getItem(SESSION) ?? 'null');
  return session && session.expires_at * 1000 > Date.now() ? session : null;
}

function signInCard() {
  const session = liveSession();
  return `<section class="card" aria-labelledby="signin-h" id="signin">
    <h2 id="signin-h">${esc(t('signin.title'))}</h2>
    ${session ? `<p data-signed-in="${esc(session.address)}">${esc(t('signin.as', { address: short(session.address) }))}</p>` : ''}
    <p class="muted">${esc(t('signin.help'))}</p>
    ${signing.panel()}
    <div class="actions">
      <button type="button" class="action" data-signin>${esc(t('signin.go'))}</button>
      ${session ? `<button type="button" class="action secondary" data-signout>${esc(t('signin.out'))}</button>` : ''}
    </div>
    <p data-signin-status role="status" aria-live="polite"></p>
  </section>`;
}

/** The EIP-4361 text for `address` and the server's nonce, laid out as the standard (and the server) writes it. */
function siweMessage(address, n) {
  const issued = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${n.domain} wants you to sign in with your Ethereum account:\n${address}\n\nSign in to Linli\n\n`
    + `URI: ${n.uri}\nVersion: ${n.version}\nChain ID: ${n.chain_id}\nNonce: ${n.nonce}\nIssued At: ${issued}`;
}

/** personal_sign (EIP-191) by the wallet, or ethers' signMessage with the browser key; {address, signature}. */
async function signText(card) {
  const { getAddress, hexlify, toUtf8Bytes } = await loadEthers();
  if (signing.mode() === 'wallet') {
    const provider = window.ethereum;
    if (!provider) throw new keystore.KeyError('signer.wallet.none');
    const [account] = await provider.request({ method: 'eth_requestAccounts' });
    if (!account) throw new keystore.KeyError('signer.noaccount');
    const address = getAddress(account);
    const n = await post('/auth/nonce');
    const message = siweMessage(address, n);
    return { message, signature: await provider.request({ method: 'personal_sign', params: [hexlify(toUtf8Bytes(message)), account] }) };
  }
  const wallet = await keystore.unlock(card.querySelector('#key-pass')?.value ?? '', () => {});
  const message = siweMessage(getAddress(wallet.address), await post('/auth/nonce'));
  return { message, signature: await wallet.signMessage(message) };
}

async function signIn(card) {
  const status = card.querySelector('[data-signin-status]');
  status.className = '';
  status.textContent = t('signin.working');
  try {
    const session = await post('/auth/siwe', await signText(card));
    localStorage.setItem(KEY, session.address);
    localStorage.setItem(SESSION, JSON.stringify({ address: session.address, expires_at: session.expires_at }));
    const target = `#/me/${session.address}`;
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = target;
  } catch (error) {
    status.className = 'error';
    status.textContent = signing.explain(error, 'signin');
  }
}

async function saveName(slot, member, chain) {
  const status = slot.querySelector('[data-name-status]');
  try {
    const updated = await put('/me/display-name', { display_name: slot.querySelector('#display-name').value });
    showProfile(slot, updated, chain);
    slot.querySelector('[data-name-status]').textContent = t('me.name.saved', { name: updated.public_name });
  } catch (error) {
    status.className = 'error';
    status.textContent = signing.explain(error, 'name');
  }
}

function delegateCard() {
  return `<section class="card" aria-labelledby="del-h" id="delegate">
    <h2 id="del-h">${esc(t('delegate.title'))}</h2>
    <p class="muted">${esc(t('delegate.help'))}</p>
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
    const member = await signing.account(document.getElementById('signin')); // the one signer panel, above
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
    const member = await memberView(address).catch(() => null);
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
  slot.querySelector('.own-node')?.addEventListener('change', () => localStorage.setItem(NODE_KEY, JSON.stringify({
    rpc: slot.querySelector('#node-rpc').value.trim(), ledger: slot.querySelector('#node-ledger').value.trim() })));
  slot.querySelector('#name-form')?.addEventListener('submit', (event) => { event.preventDefault(); saveName(slot, member, chain); });
}

/** The signed-in member's own record when `address` is theirs, else what the chain shows of it. A session the
 * server no longer honours (expired, signed out elsewhere) is forgotten here and said in `onExpired`. */
async function memberView(address, onExpired = () => {}) {
  const session = liveSession();
  const mine = session?.address.toLowerCase() === address.toLowerCase();
  const own = mine ? await get('/me').catch((error) => {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
    localStorage.removeItem(SESSION);
    onExpired();
    return null;
  }) : null;
  if (own && own.address.toLowerCase() === address.toLowerCase()) return own;
  return get(`/members/${address}`);
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
    const record = await get(`/distributions/${encodeURIComponent(period)}/record`);
    const sums = await verifySumLine({ rpcUrl, ledger, period, line: claim, record });
    const ok = result.ok && sums.ok;
    out.className = `verdict ${ok ? 'ok' : 'bad'}`;
    out.innerHTML = `<strong data-verdict="${ok ? 'verified' : 'mismatch'}">${esc(t(ok ? 'me.verified' : 'me.mismatch'))}</strong>
      <span class="mono muted">${esc(t('me.roots', { computed: short(result.computed), onchain: short(result.onchain) }))}</span>
      <span class="mono muted" data-sum="${sums.ok ? 'ok' : esc(sums.reason)}">${esc(t(sums.ok ? 'me.sum.ok' : 'me.sum.bad', {
        root: short(record.content.sum_root), total: yuan(record.content.sum_total_cents) }))}</span>`;
  } catch (error) {
    out.className = 'verdict bad';
    out.innerHTML = `<strong data-verdict="error">${esc(t('me.verify.error', { message: error.message }))}</strong>`;
  }
  button.disabled = false;
}

export async function render(main, { params, chain }) {
  const address = params[0] ?? localStorage.getItem(KEY) ?? '';
  main.innerHTML = `<h1>${esc(t('me.title'))}</h1>${signInCard()}${form(address)}<div id="profile"></div>${delegateCard()}`;
  const signin = main.querySelector('#signin');
  signing.wire(signin);
  signin.querySelector('[data-signin]').addEventListener('click', () => signIn(signin));
  signin.querySelector('[data-signout]')?.addEventListener('click', async () => {
    localStorage.removeItem(SESSION);
    await post('/auth/logout').catch(() => null); // the cookie may be gone already: signed out either way
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  const card = main.querySelector('#delegate');
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
    showProfile(slot, await memberView(address, () => {
      signin.querySelector('[data-signed-in]')?.remove();
      signin.querySelector('[data-signout]')?.remove();
      const status = signin.querySelector('[data-signin-status]');
      status.className = 'error';
      status.textContent = t('signin.expired');
    }), chain);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    slot.innerHTML = `<p class="error" role="alert">${esc(t('me.unknown', { address }))}</p>`;
  }
  return null;
}
