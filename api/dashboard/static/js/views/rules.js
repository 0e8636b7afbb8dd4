// 规则: the rules in force (read by the API from the RuleBook) and every change with its proposal and tally.
import { get } from '../api.js';
import { esc, num, pct, short, when, yuan } from '../format.js';
import { t } from '../i18n.js';

const seconds = (s) => t('duration', { minutes: num(Math.round(Number(s) / 60)) });
const FORMAT = {  // rule key -> how its values read (RuleBook first, then the Governor's settings)
  level1_bps: pct, level2_bps: pct, total_bps: pct, pool_rate_bps: pct, max_rate_change_bps: pct,
  gmv_target_cents: yuan, voting_delay: seconds, voting_period: seconds, late_quorum_extension: seconds,
  proposal_threshold: num, quorum_numerator: (n) => `${n}%`,
};
const RULE_BOOK = ['level1_bps', 'level2_bps', 'total_bps', 'pool_rate_bps', 'gmv_target_cents', 'max_rate_change_bps'];
const show = (key, value) => (FORMAT[key] ?? num)(value);

/** Changes made by one transaction belong together (a proposal may set several rules at once). */
function byTransaction(history) {
  const groups = [];
  for (const entry of history) {
    if (groups.at(-1)?.[0].tx_hash === entry.tx_hash) groups.at(-1).push(entry);
    else groups.push([entry]);
  }
  return groups;
}

function change(entries) {
  const first = entries[0];
  const why = first.proposal_id == null
    ? `<p class="muted">${esc(t('rules.initial'))}</p>`
    : `${first.description ? `<p>${esc(first.description)}</p>` : ''}<p class="muted">${esc(t('rules.tally', {
        id: first.proposal_id.length > 12 ? `${first.proposal_id.slice(0, 6)}…${first.proposal_id.slice(-4)}` : first.proposal_id,
        proposer: short(first.proposer), for: num(first.for_votes ?? 0), against: num(first.against_votes ?? 0),
        abstain: num(first.abstain_votes ?? 0) }))}</p>`;
  return `<li>
    <p class="muted">${esc(t('rules.effective', { when: when(first.effective_at) }))}</p>
    <ul>${entries.map((e) => `<li><strong>${esc(t(`rule.${e.key}`))}</strong>: ${first.proposal_id == null ? '' : `${esc(show(e.key, e.old_value))} → `}${esc(show(e.key, e.new_value))}</li>`).join('')}</ul>
    ${why}
  </li>`;
}

export async function render(main) {
  const [rules, history] = await Promise.all([get('/rules'), get('/rules/history')]);
  const keys = RULE_BOOK.filter((k) => k in rules);
  main.innerHTML = `
    <h1>${esc(t('rules.title'))}</h1>
    <div class="grid">
      <section class="card" aria-labelledby="now-h">
        <h2 id="now-h">${esc(t('rules.now'))}</h2>
        <dl class="stats">${keys.map((k) => `<div><dt>${esc(t(`rule.${k}`))}</dt><dd>${esc(show(k, rules[k]))}</dd></div>`).join('')}</dl>
        <p class="muted">${esc(t('rules.bounds'))}</p>
      </section>
      <section class="card" aria-labelledby="hist-h">
        <h2 id="hist-h">${esc(t('rules.history'))}</h2>
        ${history.length ? `<ol class="history">${byTransaction(history).reverse().map(change).join('')}</ol>` : `<p>${esc(t('rules.nohistory'))}</p>`}
      </section>
    </div>`;
  return null;
}
