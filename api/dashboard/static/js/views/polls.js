// 选品投票 / Product picks: open product polls with live tallies, where a member approves several candidates at
// once (an EIP-712 Approval over ProductPoll's own domain, signed by the wallet or the browser key and relayed
// by the server), then ended polls with their winners, and the catalogue with the products polls added.
import { get, post } from '../api.js';
import { esc, num, short, when } from '../format.js';
import { t } from '../i18n.js';
import * as signing from '../signing.js';
import { approval } from '../typed.js';

const OPEN = new Set(['pending', 'active']);
const REFRESH_MS = 5000;

/** A product as people know it: the name its id spells, else the short id. */
const label = (item) => item.name || short(item.product_id);

function tallies(p) {
  const top = Math.max(1, ...p.options.map((o) => Number(o.weight)));
  const quorum = p.quorum === null ? t('polls.quorum.later')
    : t(Number(p.turnout) >= Number(p.quorum) ? 'polls.quorum.met' : 'polls.quorum.short',
      { quorum: num(p.quorum), missing: num(Number(p.quorum) - Number(p.turnout)) });
  return `<ul class="picks">${p.options.map((o) => `<li><span>${esc(label(o))}</span>
      <span class="pick-bar" aria-hidden="true"><span style="width:${((Number(o.weight) / top) * 100).toFixed(1)}%"></span></span>
      <span class="num" data-weight="${esc(o.product_id)}">${esc(num(o.weight))}</span></li>`).join('')}</ul>
    <p class="muted">${esc(t('polls.turnout', { turnout: num(p.turnout) }))} · ${esc(quorum)}</p>`;
}

/** One checkbox per candidate (Space toggles, Tab moves on) and a submit button. */
function approveForm(p) {
  const id = esc(p.id);
  return `<form class="approve" data-approve="${id}">
    <fieldset><legend>${esc(t('polls.choose', { n: p.top_n }))}</legend>
      ${p.options.map((o) => `<label class="option"><input type="checkbox" name="pick" value="${esc(o.position)}"
        data-pick="${esc(label(o))}"> ${esc(label(o))}</label>`).join('')}
    </fieldset>
    <button type="submit" class="action">${esc(t('polls.approve'))}</button>
    <p class="vote-status" data-approve-status role="status" aria-live="polite"></p>
  </form>`;
}

function card(p) {
  const state = String(p.state);
  const badge = state === 'enacted' || state === 'succeeded' ? 'ok' : state === 'defeated' || state === 'tied' ? 'bad' : '';
  const names = new Map(p.options.map((o) => [o.product_id, label(o)]));
  return `<article class="card" aria-labelledby="poll-${esc(p.id)}" data-poll="${esc(p.id)}">
    <h3 id="poll-${esc(p.id)}">${esc(p.description?.split('\n')[0] || `#${p.id}`)}</h3>
    <p><span class="badge ${badge}" data-poll-state>${esc(t(`poll.${state}`))}</span>
      <span class="muted">${esc(t('polls.top', { n: p.top_n }))} · ${esc(t('proposals.ends', { when: when(p.deadline) }))}</span></p>
    <div data-poll-tally="${esc(p.id)}">${tallies(p)}</div>
    ${state === 'active' ? approveForm(p) : ''}
    ${p.winners.length ? `<p>${esc(t('polls.winners'))} <span data-winners>${p.winners.map((w) => esc(names.get(w) ?? short(w))).join('、')}</span></p>` : ''}
    ${state === 'enacted' ? `<p class="muted">${esc(t('polls.added', { added: p.added }))}</p>` : ''}
  </article>`;
}

function catalogue(products) {
  if (!products.length) return `<p>${esc(t('polls.nocatalogue'))}</p>`;
  return `<div class="table-wrap"><table data-catalogue>
    <thead><tr><th>${esc(t('polls.product'))}</th><th>${esc(t('polls.source'))}</th></tr></thead>
    <tbody>${products.map((p) => `<tr><td>${esc(label(p))}</td><td>${esc(p.added_by_poll === null
      ? t('polls.byproposal') : t('polls.bypoll', { id: p.added_by_poll }))}</td></tr>`).join('')}</tbody>
  </table></div>`;
}

function draw(main, polls, products) {
  const open = polls.filter((p) => OPEN.has(p.state));
  const past = polls.filter((p) => !OPEN.has(p.state));
  main.innerHTML = `
    <h1>${esc(t('polls.title'))}</h1>
    <p class="muted">${esc(t('polls.intro'))}</p>
    <section aria-labelledby="open-polls-h">
      <h2 id="open-polls-h">${esc(t('polls.open'))} <span class="muted">(${open.length})</span></h2>
      <p class="muted">${esc(t('proposals.live', { seconds: REFRESH_MS / 1000 }))}</p>
      ${open.some((p) => p.state === 'active') ? `<section class="card sign-card" aria-labelledby="poll-sign-h">
        <h3 id="poll-sign-h">${esc(t('vote.how'))}</h3><p class="muted">${esc(t('polls.help'))}</p>${signing.panel()}</section>` : ''}
      <div class="grid">${open.map(card).join('') || `<p>${esc(t('polls.noopen'))}</p>`}</div>
    </section>
    <section aria-labelledby="past-polls-h">
      <h2 id="past-polls-h">${esc(t('polls.past'))}</h2>
      <div class="grid">${past.map(card).join('') || `<p>${esc(t('polls.nopast'))}</p>`}</div>
    </section>
    <section aria-labelledby="catalogue-h">
      <h2 id="catalogue-h">${esc(t('polls.catalogue'))}</h2>
      <div data-catalogue-box>${catalogue(products)}</div>
    </section>`;
}

/** Signs the approval of the checked candidates and hands it to the relayer; the outcome in one line. */
async function approve(form, chain, refresh) {
  const status = form.querySelector('[data-approve-status]');
  const button = form.querySelector('button');
  const picked = [...form.querySelectorAll('input[name=pick]:checked')];
  status.className = 'vote-status';
  if (!picked.length) {
    status.className = 'vote-status error';
    status.textContent = t('polls.pickone');
    return;
  }
  button.disabled = true;
  status.textContent = t('vote.signing');
  try {
    const poll = chain.contracts?.ProductPoll;
    if (!chain.rpc_url || !poll) throw new Error(t('chain.none'));
    const selection = picked.reduce((bits, box) => bits | (1n << BigInt(box.value)), 0n);
    const member = await signing.account(form.closest('main'));
    const typed = await approval(chain.rpc_url, poll, { pollId: form.dataset.approve, selection, voter: member.address });
    const signature = await member.sign(typed);
    status.textContent = t('vote.sending');
    const { pollId, voter, nonce } = typed.message;
    const done = await post('/polls/relay', { poll_id: pollId, selection: selection.toString(), voter, nonce, signature });
    status.className = 'vote-status ok';
    status.innerHTML = `<strong data-approved>${esc(t('polls.done', {
      picks: picked.map((box) => box.dataset.pick).join('、'), weight: num(done.weight), voter: short(done.voter) }))}</strong>
      <span class="muted">${esc(t('vote.tx'))} <code class="mono" data-tx>${esc(done.tx_hash)}</code></span>`;
    refresh();
  } catch (error) {
    status.className = 'vote-status error';
    status.textContent = signing.explain(error, 'polls');
    button.disabled = false;
  }
}

const shape = (polls) => polls.map((p) => `${p.id}:${p.state}`).join();

export async function render(main, { chain }) {
  const load = () => Promise.all([get('/polls'), get('/products')]);
  const show = ([list, products]) => {
    draw(main, list, products);
    if (main.querySelector('[data-signer]')) signing.wire(main);
  };
  let [polls, products] = await load();
  show([polls, products]);
  const refresh = async () => {
    let fresh;
    try { fresh = await load(); } catch { return; } // keep the last tallies on a failed refresh
    if (shape(fresh[0]) !== shape(polls)) show(fresh);
    else {
      for (const p of fresh[0]) main.querySelector(`[data-poll-tally="${CSS.escape(String(p.id))}"]`).innerHTML = tallies(p);
      main.querySelector('[data-catalogue-box]').innerHTML = catalogue(fresh[1]);
    }
    [polls, products] = fresh;
  };
  const onSubmit = (event) => {
    const form = event.target.closest('form[data-approve]');
    if (!form) return;
    event.preventDefault();
    approve(form, chain, refresh);
  };
  main.addEventListener('submit', onSubmit);
  const timer = setInterval(refresh, REFRESH_MS);
  return () => {
    clearInterval(timer);
    main.removeEventListener('submit', onSubmit);
  };
}
