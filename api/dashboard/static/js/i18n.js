// Chinese first, English on request; the choice is kept in localStorage and set on <html lang>.
import { zh, en } from './messages.js';

const CATALOGUES = { zh, en };
const KEY = 'linli.lang';
let current = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';

export const lang = () => current;

/** The message `key` in the current language, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = CATALOGUES[current][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** Switches language and re-labels the static parts of the page (elements with data-i18n). */
export function setLang(code) {
  current = code === 'en' ? 'en' : 'zh';
  localStorage.setItem(KEY, current);
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  const other = current === 'zh' ? 'en' : 'zh';
  const button = document.getElementById('lang-switch');
  button.textContent = other === 'en' ? 'English' : '中文';
  button.lang = other === 'en' ? 'en' : 'zh-CN';
}
