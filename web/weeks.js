// weeks.js - weeks and days of the program, as the server names them: a
// week is labelled "2026-W48", the ISO week of the Monday in it, and a day
// is "2026-11-26" on a person's own calendar. Pure date arithmetic in UTC,
// so the reader's time zone never shifts a day.

const DAY_MS = 86400000;

/** "2026-W48" -> {year: 2026, week: 48}, or null when it is not a week label. */
export function parseWeek(label) {
  const m = /^(\d{4})-W(\d{2})$/.exec(String(label || ''));
  if (!m) return null;
  const week = Number(m[2]);
  return week >= 1 && week <= 53 ? { year: Number(m[1]), week } : null;
}

export function isWeekLabel(label) {
  return parseWeek(label) !== null;
}

/** The ISO week label of a UTC day (a Date at midnight UTC). */
function labelOf(day) {
  const thursday = new Date(day.getTime() + (3 - ((day.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - jan1) / DAY_MS / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday of ISO week label, as a Date at midnight UTC. */
function mondayOf(label) {
  const w = parseWeek(label);
  if (!w) return null;
  const jan4 = new Date(Date.UTC(w.year, 0, 4));
  const week1Monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * DAY_MS;
  return new Date(week1Monday + (w.week - 1) * 7 * DAY_MS);
}

/**
 * The label of the week that begins on firstDay ("2026-11-16" -> "2026-W47"):
 * the ISO week of the Monday in it, whatever day the policy starts weeks on.
 */
export function weekOfFirstDay(firstDay) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(firstDay || ''));
  if (!m) return null;
  const day = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  const toMonday = (8 - day.getUTCDay()) % 7; // 0 when it is a Monday
  return labelOf(new Date(day.getTime() + toMonday * DAY_MS));
}

/** "2026-W48", -1 -> "2026-W47"; across years too ("2026-W53"... as the calendar has them). */
export function shiftWeek(label, delta) {
  const monday = mondayOf(label);
  return monday ? labelOf(new Date(monday.getTime() + delta * 7 * DAY_MS)) : null;
}

/** "2026-W48" -> 48 */
export function weekNumber(label) {
  const w = parseWeek(label);
  return w ? w.week : null;
}

/** "2026-11-26", 1 -> "2026-11-27" */
export function addDays(ymd, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(ymd || ''));
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Today on the calendar of zone tz (a person's own), as "2026-11-26". */
export function todayIn(tz, now = Date.now()) {
  const opts = { year: 'numeric', month: '2-digit', day: '2-digit' };
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: tz || 'UTC' }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { ...opts, timeZone: 'UTC' }).formatToParts(now);
  }
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
