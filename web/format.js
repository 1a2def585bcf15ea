// format.js - turns API values (ISO 8601 UTC times, enums) into words.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' });

export function parseTime(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Nov 23, 2026, 5:10 PM" in the reader's time zone; '—' when absent. */
export function formatDateTime(iso) {
  const d = parseTime(iso);
  return d ? dateTime.format(d) : '—';
}

export function formatTime(iso) {
  const d = parseTime(iso);
  return d ? timeOnly.format(d) : '—';
}

/** "in 3 hours" / "2 hours ago" relative to now. */
export function formatRelative(iso, now = Date.now()) {
  const d = parseTime(iso);
  if (!d) return '—';
  const ms = d.getTime() - now;
  const sign = ms < 0 ? -1 : 1;
  const mins = Math.round(Math.abs(ms) / 60000);
  if (mins < 1) return 'now';
  if (mins < 60) return relative.format(sign * mins, 'minute');
  const hours = Math.round(mins / 60);
  if (hours < 48) return relative.format(sign * hours, 'hour');
  return relative.format(sign * Math.round(hours / 24), 'day');
}

/** {text, overdue} for a due time: "in 3 hours", or "overdue by 2 hours". */
export function formatDue(iso, now = Date.now()) {
  const d = parseTime(iso);
  if (!d) return { text: '—', overdue: false };
  if (d.getTime() < now) return { text: `Overdue by ${formatSpan(now - d.getTime())}`, overdue: true };
  return { text: formatRelative(iso, now), overdue: false };
}

/** "10 days", "3 hours", "5 minutes" for a span in milliseconds. */
export function formatSpan(ms) {
  const mins = Math.max(1, Math.round(ms / 60000));
  const [n, unit] = mins < 60 ? [mins, 'minute']
    : mins < 60 * 48 ? [Math.round(mins / 60), 'hour']
      : [Math.round(mins / 1440), 'day'];
  return new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'long' }).format(n);
}

export const SOURCE_LABEL = { api: 'API', web: 'Web form', email: 'Email', phone: 'Phone', chat: 'Chat' };

export function capitalize(s) {
  s = String(s ?? '');
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

export const KIND_LABEL = { customer: 'Customer', reply: 'Reply', note: 'Internal note' };
export const ROLE_LABEL = { member: 'Member', pro: 'Support pro', lead: 'Support lead', admin: 'Admin' };

export function tierLabel(tier) {
  return tier === undefined || tier === null ? '—' : `Tier ${tier}`;
}

/** "wrong email or password" -> "Wrong email or password." (server messages carry no full stop). */
export function sentence(msg) {
  let s = String(msg ?? '').trim();
  if (!s) return s;
  s = s[0].toUpperCase() + s.slice(1);
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}
