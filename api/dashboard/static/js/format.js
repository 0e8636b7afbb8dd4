// Formatting shared by the views: escaping for HTML templates, money, rates, dates, addresses.
import { lang, t } from './i18n.js';

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');
export const num = (n) => Number(n).toLocaleString(locale());
export const yuan = (cents) =>
  '¥' + (Number(cents) / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const pct = (bps) => `${(Number(bps) / 100).toFixed(2)}%`;
export const short = (address) => (address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '');

/** Seconds since the epoch (the chain's clock), in the reader's language. */
export const when = (seconds) =>
  new Date(Number(seconds) * 1000).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });

/** An achievement by our own wording when we have one, else by the name its rules entry gives. */
export function achievement(a) {
  const key = `achievement.${a.kind}`;
  const text = t(key, a);
  return text === key ? (a.name ?? a.kind) : text;
}
