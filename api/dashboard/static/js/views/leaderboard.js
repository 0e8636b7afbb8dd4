// 排行榜: rankings by window and metric (refunds excluded, ties by who got there first), and achievements.
import { get } from '../api.js';
import { achievement, esc, num, yuan } from '../format.js';
import { t } from '../i18n.js';

// Points rank everyone on chain (all time); the other metrics come from imported paid orders, by the windows
// the rules publish. Entries show the member's display name or a masked id (邻居·last 4 hex of the address).
const WINDOWS = ['day', 'week', 'month', 'year'];
const METRICS = ['points', 'sales', 'orders', 'new_customers'];
const VALUE = { points: num, sales: yuan, orders: num, new_customers: num };

const options = (values, chosen, prefix) =>
  values.map((v) => `<option value="${v}"${v === chosen ? ' selected' : ''}>${esc(t(`${prefix}.${v}`))}</option>`).join('');

function rows(board, metric) {
  if (!board.entries.length) return `<p>${esc(t('leaderboard.empty'))}</p>`;
  return `<div class="table-wrap"><table>
    <caption class="muted">${esc(t(`leaderboard.caption.${metric === 'points' ? 'points' : 'orders'}`, {
      window: t(`window.${board.window}`), period: board.period?.replace('/', ' – ') ?? '' }))}</caption>
    <thead><tr><th class="num">${esc(t('rank'))}</th><th>${esc(t('member'))}</th><th class="num">${esc(t(`metric.${metric}`))}</th></tr></thead>
    <tbody>${board.entries.map((e) => `<tr${e.you ? ' class="you"' : ''}><td class="num">${esc(e.rank)}</td>
      <td data-name>${esc(e.name)}${e.you ? ` <span class="badge">${esc(t('leaderboard.you'))}</span>` : ''}</td>
      <td class="num">${esc(VALUE[metric](e.value))}</td></tr>`).join('')}</tbody>
  </table></div>`;
}

export async function render(main, { params }) {
  const [metric = 'points', window = 'month'] = params;
  const board = await get(`/leaderboard?window=${encodeURIComponent(window)}&metric=${encodeURIComponent(metric)}`);
  main.innerHTML = `
    <h1>${esc(t('leaderboard.title'))}</h1>
    <p class="muted">${esc(t('leaderboard.privacy'))}</p>
    <form class="field card" id="board-form">
      <div><label for="lb-metric">${esc(t('leaderboard.metric'))}</label>
        <select id="lb-metric">${options(METRICS, metric, 'metric')}</select></div>
      <div><label for="lb-window">${esc(t('leaderboard.window'))}</label>
        <select id="lb-window"${metric === 'points' ? ' disabled' : ''}>${options(WINDOWS, window, 'window')}</select></div>
      <button type="submit">${esc(t('show'))}</button>
    </form>
    <div class="grid">
      <section class="card" aria-labelledby="board-h"><h2 id="board-h">${esc(t(`metric.${metric}`))}</h2>${rows(board, metric)}</section>
      ${board.achievements?.length ? `<section class="card" aria-labelledby="ach-h"><h2 id="ach-h">${esc(t('achievements'))}</h2>
        <ul>${board.achievements.map((a) => `<li><strong>${esc(achievement(a))}</strong>
          <span class="muted">· ${esc(t('achievements.members', { count: num(a.members) }))}</span></li>`).join('')}</ul>
      </section>` : ''}
    </div>`;
  main.querySelector('#lb-metric').addEventListener('change', (event) => { // points are all-time: no window
    main.querySelector('#lb-window').disabled = event.target.value === 'points';
  });
  main.querySelector('#board-form').addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/leaderboard/${main.querySelector('#lb-metric').value}/${main.querySelector('#lb-window').value}`;
  });
  return null;
}
