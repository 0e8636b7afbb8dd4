// 提案: open proposals with tallies refreshed every few seconds, voting on the active ones right here (an
// EIP-712 ballot signed by the member's wallet or browser key, relayed by the server), and past proposals.
import { get, post } from '../api.js';
import { esc, num, short, when } from '../format.js';
import { t } from '../i18n.js';
import * as signing from '../signing.js';
import { ballot } from '../typed.js';

const OPEN = new Set(['pending', 'active']);
const SUPPORT = ['against', 'for', 'abstain']; // GovernorCountingSimple's numbering
const REFRESH_MS = 5000;

/** The tally bar and its text; quorum counts for + abstain votes (GovernorCountingSimple). */
function tally(p) {
  const votes = ['for', 'against', 'abstain'].map((k) => Number(p[`${k}_votes`] ?? 0));
  const total = votes.reduce((a, b) => a + b, 0) || 1;
  const [f, a, s] = votes.map((v) => `${((v / total) * 100).toFixed(1)}%`);
  return `
    <div class="tally" aria-hidden="true">
      <span class="for" style="width:${f}"></span><span class="against" style="width:${a}"></span><span class="abstain" style="width:${s}"></span>
    </div>
    <p>${esc(t('proposals.tally', { for: num(votes[0]), against: num(votes[1]), abstain: num(votes[2]) }))}
      <span class="muted">· ${esc(t(votes[0] + votes[2] >= Number(p.quorum) ? 'proposals.quorum.met' : 'proposals.quorum.short', {
        quorum: num(p.quorum), missing: num(Number(p.quorum) - votes[0] - votes[2]) }))}</span></p>`;
}

/** Three choices and an optional reason; each choice is a submit button, so Enter on a focused one votes. */
function voteForm(p) {
  const id = esc(p.id);
  return `<form class="vote" data-vote="${id}">
    <label for="reason-${id}">${esc(t('vote.reason'))}</label>
    <textarea id="reason-${id}" name="reason" rows="2" maxlength="1000"></textarea>
    <div class="choices" role="group" aria-label="${esc(t('proposals.support'))}">
      ${[1, 0, 2].map((s) => `<button type="submit" class="action" name="support" value="${s}" data-support="${SUPPORT[s]}">${esc(t(`support.${SUPPORT[s]}`))}</button>`).join('')}
    </div>
    <p class="vote-status" data-vote-status role="status" aria-live="polite"></p>
  </form>`;
}

function card(p, open) {
  const state = String(p.state).toLowerCase();
  return `<article class="card" aria-labelledby="p-${esc(p.id)}">
    <h3 id="p-${esc(p.id)}">${esc(p.description?.split('\n')[0] || `#${p.id}`)}</h3>
    <p><span class="badge ${state === 'executed' || state === 'succeeded' ? 'ok' : state === 'defeated' ? 'bad' : ''}">${esc(t(`state.${state}`))}</span>
      <span class="muted">${esc(t('proposals.by', { proposer: short(p.proposer) }))} · ${esc(t('proposals.ends', { when: when(p.vote_end) }))}</span></p>
    <div data-tally="${esc(p.id)}">${tally(p)}</div>
    ${state === 'active' ? voteForm(p) : ''}
    <details data-votes="${esc(p.id)}"><summary>${esc(t('proposals.votes'))}</summary><div></div></details>
    ${open ? `<details><summary>${esc(t('proposals.how'))}</summary>
      <p>${esc(t('proposals.how.cli'))}</p><pre class="cmd"><code>linli vote ${esc(p.id)} for --reason "…"</code></pre>
      <p>${esc(t('proposals.how.sign'))}</p><pre class="cmd"><code>linli vote ${esc(p.id)} for --sign --out ballot.json
curl -H 'content-type: application/json' -d @ballot.json ${esc(location.origin)}/votes/relay</code></pre>
    </details>` : ''}
  </article>`;
}

function draw(main, proposals) {
  const open = proposals.filter((p) => OPEN.has(String(p.state).toLowerCase()));
  const past = proposals.filter((p) => !OPEN.has(String(p.state).toLowerCase()));
  const votable = open.some((p) => String(p.state).toLowerCase() === 'active');
  main.innerHTML = `
    <h1>${esc(t('proposals.title'))}</h1>
    <section aria-labelledby="open-h">
      <h2 id="open-h">${esc(t('proposals.open'))} <span class="muted">(${open.length})</span></h2>
      <p class="muted">${esc(t('proposals.live', { seconds: REFRESH_MS / 1000 }))}</p>
      ${votable ? `<section class="card sign-card" aria-labelledby="sign-h"><h3 id="sign-h">${esc(t('vote.how'))}</h3>
        <p class="muted">${esc(t('vote.help'))}</p>${signing.panel()}</section>` : ''}
      <div class="grid">${open.map((p) => card(p, true)).join('') || `<p>${esc(t('proposals.noopen'))}</p>`}</div>
    </section>
    <section aria-labelledby="past-h">
      <h2 id="past-h">${esc(t('proposals.past'))}</h2>
      <div class="grid">${past.map((p) => card(p, false)).join('') || `<p>${esc(t('proposals.nopast'))}</p>`}</div>
    </section>`;
}

async function showVotes(details) {
  const votes = await get(`/proposals/${encodeURIComponent(details.dataset.votes)}/votes`);
  details.lastElementChild.innerHTML = votes.length ? `<div class="table-wrap"><table>
    <thead><tr><th>${esc(t('member'))}</th><th>${esc(t('proposals.support'))}</th><th class="num">${esc(t('proposals.weight'))}</th>
      <th>${esc(t('proposals.reason'))}</th></tr></thead>
    <tbody>${votes.map((v) => `<tr><td><a class="mono" href="#/me/${esc(v.voter)}">${esc(short(v.voter))}</a></td>
      <td>${esc(t(`support.${SUPPORT[v.support]}`))}</td><td class="num">${esc(num(v.weight))}</td><td>${esc(v.reason)}</td></tr>`).join('')}</tbody>
  </table></div>` : `<p>${esc(t('proposals.novotes'))}</p>`;
}

/** Signs the ballot the member chose in `form` and hands it to the relayer; the outcome in one line. */
async function vote(form, support, chain, refresh) {
  const status = form.querySelector('[data-vote-status]');
  const buttons = form.querySelectorAll('button');
  const reason = form.elements.reason.value.trim();
  for (const b of buttons) b.disabled = true;
  status.className = 'vote-status';
  status.textContent = t('vote.signing');
  try {
    const governor = chain.contracts?.CommunityGovernor;
    if (!chain.rpc_url || !governor) throw new Error(t('chain.none'));
    const member = await signing.account(form.closest('main'));
    const typed = await ballot(chain.rpc_url, governor, { proposalId: form.dataset.vote, support, voter: member.address, reason });
    const signature = await member.sign(typed);
    status.textContent = t('vote.sending');
    const { proposalId, voter, nonce } = typed.message;
    const done = await post('/votes/relay', {
      proposal_id: proposalId, support, voter, nonce, signature, ...(reason ? { reason, params: '0x' } : {}),
    });
    status.className = 'vote-status ok';
    status.innerHTML = `<strong data-voted="${esc(SUPPORT[support])}">${esc(t('vote.done', {
      choice: t(`support.${SUPPORT[support]}`), weight: num(done.weight), voter: short(done.voter) }))}</strong>
      <span class="muted">${esc(t('vote.tx'))} <code class="mono" data-tx>${esc(done.tx_hash)}</code></span>`;
    refresh();
  } catch (error) {
    status.className = 'vote-status error';
    status.textContent = signing.explain(error);
    for (const b of buttons) b.disabled = false;
  }
}

const shape = (proposals) => proposals.map((p) => `${p.id}:${p.state}`).join();

export async function render(main, { chain }) {
  const show = (list) => {
    draw(main, list);
    if (main.querySelector('[data-signer]')) signing.wire(main);
  };
  let proposals = await get('/proposals');
  show(proposals);
  const refresh = async () => {
    let fresh;
    try { fresh = await get('/proposals'); } catch { return; } // keep the last tallies on a failed refresh
    if (shape(fresh) !== shape(proposals)) show(fresh);
    else for (const p of fresh) main.querySelector(`[data-tally="${CSS.escape(String(p.id))}"]`).innerHTML = tally(p);
    proposals = fresh;
  };
  const onSubmit = (event) => {
    const form = event.target.closest('form[data-vote]');
    if (!form) return;
    event.preventDefault();
    if (event.submitter?.name === 'support') vote(form, Number(event.submitter.value), chain, refresh);
  };
  main.addEventListener('submit', onSubmit);
  const onToggle = (event) => {
    const details = event.target;
    if (!details.open || !details.dataset.votes) return;
    showVotes(details).catch((error) => {
      details.lastElementChild.innerHTML = `<p class="error">${esc(t('error', { message: error.message }))}</p>`;
    });
  };
  main.addEventListener('toggle', onToggle, true); // toggle does not bubble: listen while capturing
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    clearInterval(timer);
    main.removeEventListener('toggle', onToggle, true);
    main.removeEventListener('submit', onSubmit);
  };
}
