// 规则: the rules in force (read by the API from the RuleBook) and every change with its proposal and tally.
import { get } from '../api.js';
import { esc, num, pct, short, when, yuan } from '../format.js';
import { t } from '../i18n.js';

const FORMAT = {  // rule key -> how its values read
  level1_bps: pct, level2_bps: pct, total_bps: pct, pool_rate_bps: pct, max_rate_change_bps: pct,
  gmv_target_cents: yuan,
};
const show = (key, value) => (value === null || value === undefined ? '—' : (FORMAT[key] ?? num)(value));

function change(entry) {
  const tally = entry.proposal_id == null ? '' : `<p class="muted">${esc(t('rules.tally', {
    id: entry.proposal_id, proposer: short(entry.proposer),
    for: num(entry.for_votes ?? 0), against: num(entry.against_votes ?? 0), abstain: num(entry.abstain_votes ?? 0),
  }))}</p>`;
  return `<li>
    <p><strong>${esc(t(`rule.${entry.key}`))}</strong>: ${esc(show(entry.key, entry.old_value))} → ${esc(show(entry.key, entry.new_value))}
      <span class="muted">· ${esc(t('rules.effective', { when: when(entry.effective_at) }))}</span></p>
    ${entry.description ? `<p>${esc(entry.description)}</p>` : ''}
    ${tally}
  </li>`;
}

export async function render(main) {
  const [rules, history] = await Promise.all([get('/rules'), get('/rules/history')]);
  const keys = Object.keys(FORMAT).filter((k) => k in rules);
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
        ${history.length ? `<ol class="history" reversed>${[...history].reverse().map(change).join('')}</ol>` : `<p>${esc(t('rules.nohistory'))}</p>`}
      </section>
    </div>`;
  return null;
}
