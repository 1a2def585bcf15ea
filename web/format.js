// format.js - turns API values (ISO 8601 UTC times, enums) into words.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' });

/** A time from the API: an ISO 8601 string, or milliseconds since the epoch. */
export function parseTime(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A time from the API as ISO 8601 (for <time datetime>); '' when absent. */
export function isoOf(t) {
  const d = parseTime(t);
  return d ? d.toISOString() : '';
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
  return /[.!?…]["'”’)]*$/.test(s) ? s : `${s}.`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

const hoursNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 480 -> "8 h", 30 -> "0.5 h", 206 -> "3.4 h": the program speaks in hours. */
export function formatHours(minutes) {
  return `${hoursNumber.format((Number(minutes) || 0) / 60)} h`;
}

/** 30 -> "30 min", 120 -> "2 h", 206 -> "3 h 26 min". */
export function formatMinutes(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  if (m < 60) return `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
}

/** Seconds of queue time in words: "less than a minute", "30 minutes", "1 h 5 min". */
export function formatWorked(seconds) {
  const s = Math.max(0, Number(seconds) || 0);
  if (s < 60) return 'less than a minute';
  const m = Math.floor(s / 60);
  return m < 60 ? plural(m, 'minute') : formatMinutes(m);
}

const zoned = new Map();
function zoneFormat(kind, tz) {
  const key = `${kind}|${tz}`;
  if (!zoned.has(key)) {
    const opts = kind === 'time' ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
    try {
      zoned.set(key, new Intl.DateTimeFormat(undefined, { ...opts, timeZone: tz || undefined }));
    } catch {
      zoned.set(key, new Intl.DateTimeFormat(undefined, opts)); // unknown zone: the reader's
    }
  }
  return zoned.get(key);
}

/** An instant as the wall clock of zone tz (a person's own): "4:10 PM". */
export function formatTimeIn(iso, tz) {
  const d = parseTime(iso);
  return d ? zoneFormat('time', tz).format(d) : '—';
}

export function formatDateTimeIn(iso, tz) {
  const d = parseTime(iso);
  return d ? zoneFormat('datetime', tz).format(d) : '—';
}

// Days and wall-clock times without a zone ("2026-11-26", "2026-11-26T09:00")
// are read as UTC and formatted in UTC, so they come out exactly as written.
const dayShort = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayMedium = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const wallTime = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
const wallHour = new Intl.DateTimeFormat(undefined, { hour: 'numeric', timeZone: 'UTC' });
const weekdayShort = new Intl.DateTimeFormat(undefined, { weekday: 'short', timeZone: 'UTC' });
const weekRange = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** "2026-11-26" or "2026-11-26T09:00" -> a Date at that wall-clock time in UTC. */
export function wallDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(String(s || ''));
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)));
}

/** "2026-11-26" -> "Thu, Nov 26". */
export function formatDay(s) {
  const d = wallDate(s);
  return d ? dayShort.format(d) : '—';
}

const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2026-11-26" -> "Nov 26" (a chart's week, say). */
export function formatMonthDay(s) {
  const d = wallDate(s);
  return d ? monthDay.format(d) : '—';
}

/** "2026-11-26" -> "Nov 26, 2026". */
export function formatDate(s) {
  const d = wallDate(s);
  return d ? dayMedium.format(d) : '—';
}

/** "2026-11-26T09:00" -> "9:00 AM". */
export function formatWallTime(s) {
  const d = wallDate(s);
  return d ? wallTime.format(d) : '—';
}

/** "2026-11-26T09:00" -> "9 AM". */
export function formatWallHour(s) {
  const d = wallDate(s);
  return d ? wallHour.format(d) : '—';
}

/** "2026-11-26" -> ["Thu", "26"]. */
export function dayParts(s) {
  const d = wallDate(s);
  return d ? [weekdayShort.format(d), String(d.getUTCDate())] : ['—', ''];
}

/** The seven days from first_day: "Nov 23 – 29, 2026". */
export function formatWeekRange(firstDay) {
  const a = wallDate(firstDay);
  if (!a) return '—';
  const b = new Date(a.getTime() + 6 * 86400000);
  return weekRange.formatRange ? weekRange.formatRange(a, b) : `${weekRange.format(a)} – ${weekRange.format(b)}`;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
