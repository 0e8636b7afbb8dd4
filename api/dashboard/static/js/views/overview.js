// 概览: the latest month's GMV against its target and the pool it unlocked, and the pool history.
import { get } from '../api.js';
import { esc, num, pct, yuan } from '../format.js';
import { t } from '../i18n.js';
import { COLOURS, makeChart } from './charts.js';

export async function render(main) {
  const periods = (await get('/distributions')).sort((a, b) => a.period.localeCompare(b.period));
  const latest = periods.at(-1);
  if (!latest) {
    main.innerHTML = `<h1>${esc(t('overview.title'))}</h1><p>${esc(t('overview.none'))}</p>`;
    return null;
  }
  const reached = Number(latest.gmv_cents) >= Number(latest.target_cents);
  const verdict = reached
    ? t('overview.reached', { pool: yuan(latest.pool_cents), rate: pct(latest.pool_rate_bps) })
    : t('overview.missed', { missing: yuan(Number(latest.target_cents) - Number(latest.gmv_cents)) });
  main.innerHTML = `
    <h1>${esc(t('overview.title'))}</h1>
    <div class="grid">
      <section class="card" aria-labelledby="month-h">
        <h2 id="month-h">${esc(t('overview.month', { period: latest.period }))}</h2>
        <dl class="stats">
          <div><dt>${esc(t('gmv'))}</dt><dd>${esc(yuan(latest.gmv_cents))}</dd></div>
          <div><dt>${esc(t('target'))}</dt><dd>${esc(yuan(latest.target_cents))}</dd></div>
          <div><dt>${esc(t('pool'))}</dt><dd>${esc(yuan(latest.pool_cents))}</dd></div>
          <div><dt>${esc(t('members.paid'))}</dt><dd>${esc(num(latest.member_count))}</dd></div>
        </dl>
        <p><span class="badge ${reached ? 'ok' : 'bad'}">${esc(t(reached ? 'overview.badge.ok' : 'overview.badge.no'))}</span>
          ${esc(verdict)}</p>
        <div class="chart"><canvas id="gmv-chart" role="img" aria-label="${esc(verdict)}"></canvas></div>
      </section>
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">${esc(t('overview.history'))}</h2>
        <div class="chart"><canvas id="pool-chart" role="img" aria-label="${esc(t('overview.history'))}"></canvas></div>
        <details>
          <summary>${esc(t('table.show'))}</summary>
          <div class="table-wrap"><table>
            <thead><tr><th>${esc(t('period'))}</th><th class="num">${esc(t('gmv'))}</th>
              <th class="num">${esc(t('target'))}</th><th class="num">${esc(t('pool.rate'))}</th>
              <th class="num">${esc(t('pool'))}</th></tr></thead>
            <tbody>${periods.map((d) => `<tr><td>${esc(d.period)}</td><td class="num">${esc(yuan(d.gmv_cents))}</td>
              <td class="num">${esc(yuan(d.target_cents))}</td><td class="num">${esc(pct(d.pool_rate_bps))}</td>
              <td class="num">${esc(yuan(d.pool_cents))}</td></tr>`).join('')}</tbody>
          </table></div>
        </details>
      </section>
    </div>`;
  const yuanTick = { callback: (v) => yuan(v * 100) };
  const charts = [
    makeChart(main.querySelector('#gmv-chart'), {
      type: 'bar',
      data: {
        labels: [t('gmv'), t('target'), t('pool')],
        datasets: [{
          data: [latest.gmv_cents, latest.target_cents, latest.pool_cents].map((c) => Number(c) / 100),
          backgroundColor: [reached ? COLOURS.ok : COLOURS.accent, COLOURS.grey, COLOURS.blue],
        }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { ticks: yuanTick } } },
    }),
    makeChart(main.querySelector('#pool-chart'), {
      data: {
        labels: periods.map((d) => d.period),
        datasets: [
          { type: 'bar', label: t('pool'), data: periods.map((d) => Number(d.pool_cents) / 100),
            backgroundColor: COLOURS.accent, yAxisID: 'y' },
          { type: 'line', label: t('gmv'), data: periods.map((d) => Number(d.gmv_cents) / 100),
            borderColor: COLOURS.blue, backgroundColor: COLOURS.blue, yAxisID: 'y1' },
        ],
      },
      options: {
        scales: {
          y: { beginAtZero: true, ticks: yuanTick, title: { display: true, text: t('pool') } },
          y1: { beginAtZero: true, position: 'right', ticks: yuanTick, grid: { drawOnChartArea: false },
            title: { display: true, text: t('gmv') } },
        },
      },
    }),
  ];
  return () => charts.forEach((c) => c.destroy());
}
