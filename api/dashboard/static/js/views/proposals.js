// 提案: open proposals with tallies refreshed every few seconds, how to vote, and past proposals.
import { get } from '../api.js';
import { esc, num, short, when } from '../format.js';
import { t } from '../i18n.js';

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

function card(p, open) {
  const state = String(p.state).toLowerCase();
  return `<article class="card" aria-labelledby="p-${esc(p.id)}">
    <h3 id="p-${esc(p.id)}">${esc(p.description?.split('\n')[0] || `#${p.id}`)}</h3>
    <p><span class="badge ${state === 'executed' || state === 'succeeded' ? 'ok' : state === 'defeated' ? 'bad' : ''}">${esc(t(`state.${state}`))}</span>
      <span class="muted">${esc(t('proposals.by', { proposer: short(p.proposer) }))} · ${esc(t('proposals.ends', { when: when(p.vote_end) }))}</span></p>
    <div data-tally="${esc(p.id)}">${tally(p)}</div>
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
  main.innerHTML = `
    <h1>${esc(t('proposals.title'))}</h1>
    <section aria-labelledby="open-h">
      <h2 id="open-h">${esc(t('proposals.open'))} <span class="muted">(${open.length})</span></h2>
      <p class="muted">${esc(t('proposals.live', { seconds: REFRESH_MS / 1000 }))}</p>
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

const shape = (proposals) => proposals.map((p) => `${p.id}:${p.state}`).join();

export async function render(main) {
  let proposals = await get('/proposals');
  draw(main, proposals);
  const onToggle = (event) => {
    const details = event.target;
    if (!details.open || !details.dataset.votes) return;
    showVotes(details).catch((error) => {
      details.lastElementChild.innerHTML = `<p class="error">${esc(t('error', { message: error.message }))}</p>`;
    });
  };
  main.addEventListener('toggle', onToggle, true); // toggle does not bubble: listen while capturing
  const timer = setInterval(async () => {
    let fresh;
    try { fresh = await get('/proposals'); } catch { return; } // keep the last tallies on a failed refresh
    if (shape(fresh) !== shape(proposals)) draw(main, fresh);
    else for (const p of fresh) main.querySelector(`[data-tally="${CSS.escape(String(p.id))}"]`).innerHTML = tally(p);
    proposals = fresh;
  }, REFRESH_MS);
  return () => {
    clearInterval(timer);
    main.removeEventListener('toggle', onToggle, true);
  };
}
