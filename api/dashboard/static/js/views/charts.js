// Chart.js (served from node_modules as a UMD global) with the dashboard's colours and fonts.
const INK = '#1b1f24';
export const COLOURS = { accent: '#b3261e', grey: '#8a94a3', blue: '#1a56db', ok: '#1b6e3a' };

export function makeChart(canvas, config) {
  const Chart = window.Chart;
  Chart.defaults.color = INK;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  return new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
}
