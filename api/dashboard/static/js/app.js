// Hash router: #/ overview, #/rules, #/proposals, #/polls, #/leaderboard, #/me[/0xADDRESS]. Each view renders into <main>
// and may return a cleanup (timers, charts) that runs before the next view.
import { config } from './api.js';
import { esc, short } from './format.js';
import { lang, setLang, t } from './i18n.js';
import * as overview from './views/overview.js';
import * as rules from './views/rules.js';
import * as proposals from './views/proposals.js';
import * as polls from './views/polls.js';
import * as leaderboard from './views/leaderboard.js';
import * as me from './views/me.js';

const VIEWS = { overview, rules, proposals, polls, leaderboard, me };
const main = document.getElementById('main');
let cleanup = null;
let chainConfig = null;

function route() {
  const [name = '', ...params] = location.hash.replace(/^#\/?/, '').split('/');
  return { name: VIEWS[name] ? name : 'overview', params };
}

async function show({ focus }) {
  if (cleanup) cleanup();
  cleanup = null;
  const { name, params } = route();
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  try {
    chainConfig ??= await config();
    cleanup = (await VIEWS[name].render(main, { params, chain: chainConfig })) ?? null;
  } catch (error) {
    main.innerHTML = `<h1>${esc(t(`nav.${name}`))}</h1><p class="error" role="alert">${esc(t('error', { message: error.message }))}</p>`;
  }
  main.removeAttribute('aria-busy');
  document.title = `${t(`nav.${name}`)} · ${t('title')}`;
  showChain();
  if (focus) main.focus();
}

function showChain() {
  const footer = document.getElementById('chain-info');
  if (!chainConfig) return;
  const ledger = chainConfig.contracts?.PayoutLedger;
  footer.textContent = chainConfig.rpc_url
    ? t('chain.info', { rpc: chainConfig.rpc_url, chain: chainConfig.chain_id ?? '?', ledger: short(ledger) })
    : t('chain.none');
}

// The skip link moves focus without touching the hash, which is the router's.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(lang() === 'zh' ? 'en' : 'zh');
  show({ focus: false });
});
window.addEventListener('hashchange', () => show({ focus: true }));
setLang(lang());
show({ focus: false });
