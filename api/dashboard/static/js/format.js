// Formatting shared by the views: escaping for HTML templates, money, rates, dates, addresses.
import { lang } from './i18n.js';

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');
export const num = (n) => Number(n).toLocaleString(locale());
export const yuan = (cents) =>
  '¥' + (Number(cents) / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const pct = (bps) => `${(Number(bps) / 100).toFixed(2)}%`;
export const short = (address) => (address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '');

/** Seconds since the epoch (chain clock) or an ISO 8601 string, in the reader's language. */
export function when(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return date.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}
