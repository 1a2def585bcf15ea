// views/week.js - "My week": the signed-in person's week of the program.
// Hours worked against required and planned (GET /people/{me}/ledger), the
// clock (clock.js: in, out, the heartbeat), the blocks they plan
// (GET/POST/DELETE /blocks, local times in their own zone) and a private
// calendar feed of those blocks (POST /calendar). Under the weeks-per-year
// cadence, also the year's support weeks (GET/POST/DELETE /support-weeks):
// booked against asked, and booking or cancelling the week shown.
// #/week?week=2026-W48 picks a week; without it, the current one.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import {
  formatDateTimeIn, formatDay, formatHours, formatMinutes, formatTimeIn, formatWallTime, formatWeekRange,
  formatDate, formatWorked, plural, sentence,
} from '../format.js';
import { clockIn, clockOut, clockState, onClockChange, refreshClock } from '../clock.js';
import { addDays, todayIn, weekNumber } from '../weeks.js';
import { phaseOf, weekNav } from './weeknav.js';

const DEFAULT_START = '09:00';
const DEFAULT_END = '11:00';

// What the person did in the queue that week. Escalating is good work, so it
// is counted beside replies; reviews show both sides (given and received).
function weekCounts(row) {
  const parts = [`${plural(row.tickets, 'ticket')} handled`, `${plural(row.replies, 'reply', 'replies')} sent`];
  if (row.escalations) parts.push(`${plural(row.escalations, 'escalation')} to the pros`);
  const rv = row.reviews || {};
  if (rv.given) parts.push(`${plural(rv.given, 'reply', 'replies')} reviewed for others`);
  if (rv.held) parts.push(`${plural(rv.held, 'reply', 'replies')} sent for review`);
  if (rv.approved) parts.push(`${rv.approved} approved`);
  if (rv.returned) parts.push(`${rv.returned} returned with coaching`);
  return parts.join(' · ');
}

/** "Thu, Nov 26, 9:00 AM – 11:00 AM" (or "... – Fri, Nov 27, 1:00 AM" across midnight). */
function blockWhen(b) {
  const day = (b.local_start || '').slice(0, 10);
  const endDay = (b.local_end || '').slice(0, 10);
  const end = endDay && endDay !== day
    ? `${formatDay(endDay)}, ${formatWallTime(b.local_end)}`
    : formatWallTime(b.local_end);
  return `${formatDay(day)}, ${formatWallTime(b.local_start)} – ${end}`;
}

/** "Week 48 · Nov 23 – 29, 2026" */
function weekName(label, firstDay) {
  return `Week ${weekNumber(label)} · ${formatWeekRange(firstDay)}`;
}

function stat(label, value, note, id) {
  return h('div', { class: 'stat', id },
    h('dt', { text: label }),
    h('dd', null,
      h('span', { class: 'stat-value', text: value }),
      note ? h('span', { class: 'stat-note', text: note }) : null));
}

export function renderWeek(ctx, params) {
  const me = ctx.state.person;
  const tz = me.timezone || 'UTC';
  const asked = params.get('week') || '';
  ctx.setTitle('My week');

  let row = null; // this week's ledger row
  let blocks = [];
  let support = null; // GET /support-weeks for the year of the week shown
  let weekBounds = null; // {start, end} of GET /blocks
  let idleMinutes = null; // from the policy, for the clock's hint
  let lastIdle = false; // the server ended the last session after idle time

  // ---- the regions, built once; each render fills one ----
  const head = h('div', { class: 'page-head week-head' });
  const warning = h('div', { class: 'callout warn', id: 'plan-warning', hidden: true });
  const hoursCard = h('section', { class: 'card hours-card', 'aria-labelledby': 'hours-title' });
  const clockStatus = h('div', { class: 'clock-status', id: 'clock-status', 'aria-live': 'polite' });
  const clockButton = h('button', { type: 'button', class: 'button primary big', id: 'clock-button', text: 'Clock in' });
  const toQueue = h('a', { href: '#/queue', class: 'button quiet', text: 'Go to the queue' });
  const clockHint = h('p', { class: 'hint clock-hint' });
  const clockCard = h('section', { class: 'card clock-card', 'aria-labelledby': 'clock-title' },
    h('h2', { id: 'clock-title', text: 'Queue time' }),
    clockStatus,
    h('div', { class: 'clock-actions' }, clockButton, toQueue),
    clockHint);
  const blockList = h('div', { class: 'block-list-region', id: 'blocks' });
  const blockIntro = h('p', { class: 'muted' });
  const formRegion = h('div', { class: 'block-form-region' });
  const calendar = calendarSection();
  const supportBadge = h('span', { class: 'badge support-badge', id: 'support-badge', text: 'Support week', hidden: true });
  const supportCard = h('section', { class: 'card support-card', id: 'support-weeks', 'aria-labelledby': 'support-title', hidden: true });

  const page = h('section', { class: 'week-page', 'aria-labelledby': 'week-title' },
    head,
    warning,
    h('div', { class: 'week-grid' }, clockCard, hoursCard),
    supportCard,
    h('section', { class: 'blocks-section', 'aria-labelledby': 'blocks-title' },
      h('h2', { id: 'blocks-title', text: 'Planned blocks' }),
      blockIntro,
      blockList,
      formRegion),
    calendar);

  // ---- the week's head and navigation ----
  function renderHead() {
    const phase = phaseOf(row);
    replace(head,
      h('div', null,
        h('h1', { id: 'week-title', text: 'My week' }),
        h('p', { class: 'week-label' },
          h('strong', { text: `Week ${weekNumber(row.week)}` }), ` · ${formatWeekRange(row.first_day)}`,
          phase === 'current' ? h('span', { class: 'badge now-badge', text: 'This week' }) : null,
          supportBadge),
        h('p', { class: 'muted', text: `Times are in your time zone, ${tz}.` })),
      weekNav(ctx, 'week', row.week, { current: phase === 'current' }));
  }

  // ---- hours: worked, required, planned ----
  /** 'this week', or 'week 49' when another one is shown. */
  function which(phase) {
    return phase === 'current' ? 'this week' : `week ${weekNumber(row.week)}`;
  }

  // ---- the weeks-per-year cadence ----
  /** The policy asks for support weeks a year rather than hours every week. */
  function yearly() {
    return Boolean(support && support.cadence === 'weeks_per_year');
  }

  /** The week shown is one of the person's support weeks. */
  function booked() {
    return Boolean(support && (support.items || []).some((w) => w.week === row.week));
  }

  /** Under the weeks-per-year cadence, a week not booked asks nothing: say so. */
  function notSupportWeek(phase) {
    if (phase === 'past') return `Week ${weekNumber(row.week)} was not one of your support weeks: nothing was required.`;
    return `Not one of your support weeks: nothing is required ${phase === 'current' ? 'this week' : `in ${which(phase)}`}.`;
  }

  function statusLine(phase) {
    const required = row.required_minutes;
    const worked = row.worked_seconds / 60;
    if (required <= 0) {
      let why = `No queue time is required in ${which(phase)}.`;
      if (row.exempt_days >= 7) why = `You are exempt for the whole of ${which(phase)}.`;
      else if (yearly() && !booked() && row.enrolled_days > 0) why = notSupportWeek(phase);
      return [h('span', { class: 'badge status-exempt', text: 'Nothing required' }), ` ${why}`];
    }
    if (row.met) {
      const what = yearly() ? 'your support week' : which(phase);
      return [h('span', { class: 'badge status-met', text: 'Met' }), ` You worked the hours ${what} asks for. Thank you.`];
    }
    const left = formatHours(Math.max(0, required - worked));
    if (phase === 'past') return [h('span', { class: 'badge status-behind', text: 'Behind' }), ` ${left} short of the ${formatHours(required)} asked.`];
    return [h('span', { class: 'badge status-open', text: 'To do' }), ` ${left} still to work ${phase === 'current' ? 'this week' : `in ${which(phase)}`}.`];
  }

  function requiredNote() {
    if (row.enrolled_days === 0) return 'You had not started yet';
    if (yearly() && !booked()) return 'Not a support week';
    const notes = [];
    if (row.exempt_days > 0) notes.push(`exempt ${plural(row.exempt_days, 'day')}`);
    if (row.enrolled_days < 7) notes.push('pro-rated from your start day');
    if (notes.length) return `Reduced: ${notes.join(', ')}`;
    return yearly() ? 'Your support week' : 'Set by the policy';
  }

  function renderHours() {
    const phase = phaseOf(row);
    const required = row.required_minutes;
    const workedMin = row.worked_seconds / 60;
    const blockCount = blocks.length;
    replace(hoursCard,
      h('h2', { id: 'hours-title', text: phase === 'current' ? 'Hours this week' : `Hours in week ${weekNumber(row.week)}` }),
      h('dl', { class: 'stats' },
        stat('Worked', formatHours(workedMin), row.worked_seconds ? formatWorked(row.worked_seconds) : 'nothing yet', 'stat-worked'),
        stat('Required', formatHours(required), requiredNote(), 'stat-required'),
        stat('Planned', formatHours(row.planned_minutes), plural(blockCount, 'block'), 'stat-planned')),
      required > 0
        ? h('div', { class: 'progress-wrap' },
          h('label', { for: 'week-progress', text: `Worked ${formatHours(workedMin)} of ${formatHours(required)}` }),
          h('progress', { id: 'week-progress', max: String(required), value: String(Math.min(workedMin, required)) }))
        : null,
      h('p', { class: 'week-status', id: 'week-status' }, statusLine(phase)),
      h('p', { class: 'muted week-counts', text: weekCounts(row) }));

    const short = row.planned_minutes < required && !row.met && phase !== 'past';
    warning.hidden = !short;
    if (short) {
      const plan = h('button', { type: 'button', class: 'button secondary', text: 'Plan a block' });
      plan.addEventListener('click', () => {
        const date = formRegion.querySelector('#block-date');
        if (date) {
          date.scrollIntoView({ block: 'center' });
          date.focus();
        }
      });
      replace(warning,
        h('div', null,
          h('p', { class: 'callout-title' }, h('strong', { text: 'Warning: not enough time planned.' })),
          h('p', { text: `You have planned ${formatHours(row.planned_minutes)} of the ${formatHours(required)} ${yearly() ? 'your support week' : which(phase)} asks for. Plan at least ${formatHours(required - row.planned_minutes)} more, so the time is kept free in your calendar.` })),
        plan);
    }
  }

  // ---- support weeks (the weeks-per-year cadence) ----
  /** 'done' | 'now' | 'coming' for a booked week, on the person's calendar. */
  function weekState(firstDay) {
    const today = todayIn(tz);
    if (addDays(firstDay, 6) < today) return 'done';
    return firstDay <= today ? 'now' : 'coming';
  }

  function supportSummary() {
    const { year, required, booked: count } = support;
    const words = required === 0
      ? `The policy asks no support weeks of you in ${year}.`
      : `You have booked ${count} of the ${plural(required, 'support week')} asked of you in ${year}${count >= required ? ': all booked. Thank you.' : '.'}`;
    return [
      h('p', { class: 'support-figure', id: 'support-count' },
        h('span', { class: 'stat-value', text: `${count} of ${required}` }),
        h('span', { class: 'support-words', text: words })),
      required > 0
        ? h('progress', { max: String(required), value: String(Math.min(count, required)), 'aria-label': `Support weeks booked in ${year}: ${count} of ${required}` })
        : null,
    ];
  }

  function onboardingNote() {
    const ob = support.onboarding;
    if (!ob) return null;
    if (ob.booked) return h('p', { class: 'muted', id: 'support-onboarding', text: 'Your onboarding week is booked.' });
    if (ob.by < todayIn(tz)) {
      return h('p', { class: 'muted', id: 'support-onboarding',
        text: `Your onboarding week was to start by ${formatDate(ob.by)}; none was booked then. It still counts among the weeks asked of you this year.` });
    }
    return h('p', { class: 'callout warn compact', id: 'support-onboarding' },
      h('strong', { text: 'Your onboarding week: ' }),
      `book one starting by ${formatDate(ob.by)}, within your first month. It counts as one of the weeks asked.`);
  }

  /** What the week shown is, and the button to book or cancel it. */
  function supportAction(phase) {
    const n = weekNumber(row.week);
    const asks = formatHours(5 * 8 * 60);
    if (booked()) {
      if (phase === 'future') {
        const cancel = h('button', { type: 'button', class: 'button secondary', id: 'support-cancel', text: `Cancel support week ${n}` });
        cancel.addEventListener('click', () => changeBooking('DELETE', cancel));
        return [h('p', { text: `Week ${n} is one of your support weeks. You can cancel it until it begins on ${formatDay(row.first_day)}.` }), cancel];
      }
      return h('p', { text: phase === 'past'
        ? `Week ${n} was one of your support weeks.`
        : `This week is one of your support weeks. It has begun, so it can no longer be cancelled.` });
    }
    if (phase === 'past') return h('p', { class: 'muted', text: `Week ${n} is over: book this week or a later one.` });
    const book = h('button', { type: 'button', class: 'button primary', id: 'support-book', text: `Book week ${n} as a support week` });
    book.addEventListener('click', () => changeBooking('POST', book));
    return [
      h('p', { text: `A support week is five working days in the queue: ${asks} of queue time by the end of ${formatDay(addDays(row.first_day, 6))}, less any exempt days.` }),
      book];
  }

  function bookedList() {
    const year = String(support.year);
    const items = (support.items || []).filter((w) => w.first_day.startsWith(`${year}-`))
      .sort((a, b) => a.first_day.localeCompare(b.first_day));
    const title = h('h3', { id: 'support-list-title', text: `Booked in ${year}` });
    if (items.length === 0) return [title, h('p', { class: 'muted', id: 'support-list-empty', text: `No support weeks booked in ${year} yet.` })];
    const STATE = { done: 'Done', now: 'This week', coming: 'Coming' };
    return [title, h('ul', { class: 'support-list', id: 'support-list', 'aria-labelledby': 'support-list-title' },
      items.map((w) => {
        const state = weekState(w.first_day);
        return h('li', { dataset: { week: w.week } },
          h('a', { href: `#/week?week=${w.week}`, 'aria-current': w.week === row.week ? 'page' : null, text: weekName(w.week, w.first_day) }),
          h('span', { class: state === 'now' ? 'badge now-badge' : 'muted', text: STATE[state] }));
      }))];
  }

  function renderSupport() {
    const on = yearly();
    supportCard.hidden = !on;
    supportBadge.hidden = !(on && booked());
    if (!on) {
      replace(supportCard);
      return;
    }
    const phase = phaseOf(row);
    replace(supportCard,
      h('h2', { id: 'support-title', tabindex: '-1', text: 'Support weeks' }),
      h('div', { class: 'support-grid' },
        h('div', { class: 'support-main' }, supportSummary(), onboardingNote(),
          h('div', { class: 'support-action', id: 'support-action' }, supportAction(phase))),
        h('div', { class: 'support-booked' }, bookedList())));
  }

  /** POST books the week shown, DELETE cancels it; then the week is read again. */
  async function changeBooking(method, button) {
    const n = weekNumber(row.week);
    const label = button.textContent;
    button.disabled = true;
    button.textContent = method === 'POST' ? 'Booking…' : 'Cancelling…';
    ctx.announce('');
    try {
      if (method === 'POST') await api('POST', '/support-weeks', { week: row.week });
      else await api('DELETE', `/support-weeks${query({ week: row.week })}`);
      if (!ctx.isCurrent()) return;
      await reload();
      if (!ctx.isCurrent()) return;
      ctx.announce(method === 'POST'
        ? `Week ${n} is booked as one of your support weeks: ${formatHours(row.required_minutes)} of queue time required.`
        : `Support week ${n} is cancelled: nothing is required in it now.`, { tone: 'success' });
      (supportCard.querySelector('#support-action button') || supportCard.querySelector('#support-title'))?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const what = method === 'POST' ? `book week ${n}` : `cancel support week ${n}`;
      ctx.announce(`Could not ${what}: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = label;
      // ended, begun, booked or cancelled elsewhere: show how things are
      if ([404, 409, 422].includes(e.status)) reload();
    }
  }

  // ---- the clock ----
  function renderClock() {
    const s = clockState();
    const busy = clockButton.disabled;
    if (!s) {
      replace(clockStatus, h('p', { class: 'muted', text: 'Checking whether you are clocked in…' }));
      clockButton.hidden = true;
      toQueue.hidden = true;
    } else if (s.clocked_in) {
      const w = s.session || {};
      replace(clockStatus,
        h('p', { class: 'clock-state is-in' },
          h('span', { class: 'clock-dot', 'aria-hidden': 'true' }),
          h('strong', { text: 'You are clocked in' }),
          ` since ${formatTimeIn(w.started_at, tz)}.`),
        h('p', { id: 'session-worked', text: `${formatWorked(w.worked_seconds)} counted so far.` }));
      clockButton.hidden = false;
      toQueue.hidden = false;
      if (!busy) {
        clockButton.textContent = 'Clock out';
        clockButton.className = 'button secondary big';
      }
    } else {
      const w = s.session;
      replace(clockStatus,
        h('p', { class: 'clock-state is-out' }, h('strong', { text: 'You are clocked out.' })),
        w ? h('p', { id: 'session-worked' },
          'Last session: ', h('span', { class: 'nowrap', text: formatDateTimeIn(w.started_at, tz) }),
          ' – ', h('span', { class: 'nowrap', text: formatTimeIn(w.ended_at, tz) }), ', ',
          h('strong', { text: formatWorked(w.worked_seconds) }), ' counted.') : null,
        lastIdle && w
          ? h('p', { class: 'callout warn compact', id: 'idle-notice', text: `That session ended at ${formatTimeIn(w.ended_at, tz)} after idle time. Idle time does not count.` })
          : null);
      clockButton.hidden = false;
      toQueue.hidden = true;
      if (!busy) {
        clockButton.textContent = 'Clock in';
        clockButton.className = 'button primary big';
      }
    }
    const idle = idleMinutes ? plural(idleMinutes, 'minute') : 'a while';
    clockHint.textContent = s && s.clocked_in
      ? `While this page is open and visible you stay clocked in. After ${idle} without activity — this tab hidden, the computer asleep — the session ends at your last activity.`
      : 'Clock in when you start working the queue. Your time is measured while you work, not reported afterwards.';
  }

  async function toggleClock() {
    const s = clockState();
    const goingIn = !(s && s.clocked_in);
    clockButton.disabled = true;
    clockButton.setAttribute('aria-busy', 'true');
    clockButton.textContent = goingIn ? 'Clocking in…' : 'Clocking out…';
    try {
      const after = await (goingIn ? clockIn() : clockOut());
      if (!ctx.isCurrent()) return;
      lastIdle = false;
      ctx.announce(goingIn
        ? 'You are clocked in. Your queue time counts from now.'
        : `You are clocked out: ${formatWorked(after.session && after.session.worked_seconds)} counted.`,
      { tone: 'success' });
      if (!goingIn) reload();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 409) { // clocked in or out elsewhere (another tab, the idle timeout)
        try {
          await refreshClock();
        } catch { /* the message below still says what happened */ }
        ctx.announce(`${sentence(e.message)} The clock above shows where you are now.`, { tone: 'info' });
      } else {
        ctx.announce(`Could not clock ${goingIn ? 'in' : 'out'}: ${sentence(e.message)}`, { tone: 'error' });
      }
    } finally {
      if (ctx.isCurrent()) {
        clockButton.disabled = false;
        clockButton.removeAttribute('aria-busy');
        renderClock();
        clockButton.focus();
      }
    }
  }
  clockButton.addEventListener('click', toggleClock);
  ctx.onCleanup(onClockChange((s, why) => {
    if (why === 'idle') {
      lastIdle = true;
      reload();
    }
    renderClock();
  }));

  // ---- blocks ----
  function renderBlocks() {
    const phase = phaseOf(row);
    blockIntro.textContent = phase === 'past'
      ? 'The blocks you had planned for that week.'
      : `When you will work the queue ${phase === 'current' ? 'this week' : `in ${which(phase)}`}, at times you choose. You can change your plans until a block starts.`;
    if (blocks.length === 0) {
      replace(blockList, h('div', { class: 'empty-state compact', id: 'blocks-empty' },
        h('h3', { text: phase === 'past' ? 'No blocks were planned that week.' : 'No blocks planned yet.' }),
        phase === 'past'
          ? h('p', { text: 'Blocks are planned ahead: go to this week or a coming one to plan.' })
          : h('p', { text: 'Choose a date and a start and end time below. Planned blocks show in your calendar if you subscribe to the calendar link.' })));
      return;
    }
    const now = Date.now();
    const items = [...blocks].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).map((b) => {
      const when = blockWhen(b);
      let state;
      if (Date.parse(b.start) > now) {
        const remove = h('button', { type: 'button', class: 'button quiet small', 'aria-label': `Remove the block ${when}`, text: 'Remove' });
        remove.addEventListener('click', () => removeBlock(b, remove));
        state = remove;
      } else if (Date.parse(b.end) > now) {
        state = h('span', { class: 'badge status-open', text: 'Now' });
      } else {
        state = h('span', { class: 'muted', text: 'Done' });
      }
      return h('li', { class: 'block-item', dataset: { blockId: String(b.id) } },
        h('span', { class: 'block-when', text: when }),
        h('span', { class: 'block-length', text: formatMinutes(b.minutes) }),
        h('span', { class: 'block-state' }, state));
    });
    replace(blockList, h('ul', { class: 'block-list', 'aria-label': `Planned blocks, week ${weekNumber(row.week)}` }, items));
  }

  async function removeBlock(b, button) {
    button.disabled = true;
    button.textContent = 'Removing…';
    try {
      await api('DELETE', `/blocks/${b.id}`);
      if (!ctx.isCurrent()) return;
      ctx.announce(`Block removed: ${blockWhen(b)}.`, { tone: 'success' });
      await reload();
      (blockList.querySelector('button') || formRegion.querySelector('#block-date'))?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not remove the block: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'Remove';
      if (e.status === 409 || e.status === 404) reload(); // it started, or is gone: show how things are
    }
  }

  function blockForm() {
    const today = todayIn(tz);
    const last = addDays(row.first_day, 6);
    const first = today > row.first_day ? today : row.first_day;
    const date = h('input', { id: 'block-date', name: 'date', type: 'date', value: first <= last ? first : row.first_day, min: first <= last ? first : null, max: last, required: true, 'aria-describedby': 'block-hint' });
    const start = h('input', { id: 'block-start', name: 'start', type: 'time', value: DEFAULT_START, required: true, 'aria-describedby': 'block-hint' });
    const end = h('input', { id: 'block-end', name: 'end', type: 'time', value: DEFAULT_END, required: true, 'aria-describedby': 'block-hint' });
    const error = h('div', { class: 'form-error', role: 'alert', id: 'block-error' });
    const submit = h('button', { type: 'submit', class: 'button primary', text: 'Add block' });
    const form = h('form', { class: 'block-form card', novalidate: true, 'aria-labelledby': 'block-form-title', 'aria-describedby': 'block-error' },
      h('h3', { id: 'block-form-title', text: 'Plan a block' }),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'block-date', text: 'Date' }), date),
        h('div', { class: 'field' }, h('label', { for: 'block-start', text: 'Start time' }), start),
        h('div', { class: 'field' }, h('label', { for: 'block-end', text: 'End time' }), end),
        h('div', { class: 'field field-submit' }, submit)),
      error,
      h('p', { class: 'hint', id: 'block-hint', text: `Times are in your time zone (${tz}). A block starts in the future and lasts at most 24 hours; end at 00:00 to plan until midnight.` }));

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      ctx.announce(''); // an older "Block added" would read as this one's answer
      const missing = [date, start, end].find((el) => !el.value);
      if (missing) {
        error.textContent = 'Choose a date, a start time and an end time.';
        missing.focus();
        return;
      }
      const endDay = end.value === '00:00' && start.value !== '00:00' ? addDays(date.value, 1) : date.value;
      submit.disabled = true;
      submit.textContent = 'Adding…';
      form.setAttribute('aria-busy', 'true');
      try {
        const b = await api('POST', '/blocks', { start: `${date.value}T${start.value}`, end: `${endDay}T${end.value}` });
        if (!ctx.isCurrent()) return;
        const elsewhere = weekBounds && (Date.parse(b.start) < Date.parse(weekBounds.start) || Date.parse(b.start) >= Date.parse(weekBounds.end));
        ctx.announce(`Block added: ${blockWhen(b)}.${elsewhere ? ' It is in another week, so it is not listed here.' : ''}`, { tone: 'success' });
        await reload();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        let msg = sentence(e.message);
        const other = e.status === 409 && /block (\d+)/.exec(e.message);
        const clash = other && blocks.find((x) => x.id === Number(other[1]));
        if (clash) msg += ` That block is ${blockWhen(clash)}.`;
        error.textContent = [400, 409, 422].includes(e.status) ? msg : `Could not add the block: ${msg}`;
      } finally {
        if (ctx.isCurrent()) {
          submit.disabled = false;
          submit.textContent = 'Add block';
          form.removeAttribute('aria-busy');
        }
      }
    });
    return form;
  }

  function renderForm() {
    if (phaseOf(row) === 'past') {
      replace(formRegion, h('p', { class: 'muted', text: 'This week is over, so there is nothing left to plan in it.' }));
      return;
    }
    if (!formRegion.querySelector('form')) replace(formRegion, blockForm());
  }

  // ---- the calendar feed ----
  function calendarSection() {
    const button = h('button', { type: 'button', class: 'button secondary', id: 'calendar-button', text: 'Get calendar link' });
    const error = h('div', { class: 'form-error', role: 'alert' });
    const result = h('div', { class: 'calendar-result', hidden: true });
    button.addEventListener('click', async () => {
      error.textContent = '';
      button.disabled = true;
      const label = button.textContent;
      button.textContent = 'Making a link…';
      try {
        const r = await api('POST', '/calendar');
        if (!ctx.isCurrent()) return;
        showLink(`${location.origin}${r.path}`);
        button.textContent = 'Get a new link';
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Could not make a calendar link: ${sentence(e.message)}`;
        button.textContent = label;
      } finally {
        button.disabled = false;
      }
    });

    function showLink(url) {
      const input = h('input', { id: 'calendar-url', type: 'text', readonly: true, value: url, spellcheck: 'false', 'aria-describedby': 'calendar-once' });
      const status = h('p', { class: 'hint copy-status', role: 'status' });
      const copy = h('button', { type: 'button', class: 'button primary', text: 'Copy link' });
      copy.addEventListener('click', async () => {
        input.focus();
        input.select();
        try {
          await navigator.clipboard.writeText(url);
          status.textContent = 'Copied. Paste it into your calendar app as a subscription (“From URL”).';
        } catch {
          status.textContent = 'The browser would not copy it for us: the link is selected — press Ctrl+C (⌘C on a Mac) to copy it.';
        }
      });
      input.addEventListener('focus', () => input.select());
      replace(result,
        h('label', { for: 'calendar-url', text: 'Your calendar link' }),
        h('div', { class: 'copy-row' }, input, copy),
        status,
        h('p', { class: 'callout warn compact', id: 'calendar-once', text: 'This link is shown only now. Anyone who has it can see when you plan to work the queue. Getting a new link turns off this one.' }));
      result.hidden = false;
      input.focus();
    }

    return h('section', { class: 'card calendar-section', 'aria-labelledby': 'calendar-title' },
      h('h2', { id: 'calendar-title', text: 'Calendar' }),
      h('p', { text: 'Subscribe to your planned blocks from Google Calendar, Outlook or Apple Calendar: they stay in step as you plan here.' }),
      h('div', { class: 'calendar-actions' }, button,
        h('p', { class: 'hint', text: 'Each new link turns off the one before.' })),
      error,
      result);
  }

  // ---- loading ----
  // A support week belongs to the calendar year of its first day.
  async function fetchWeek(week) {
    const ledger = await api('GET', `/people/${me.id}/ledger${query({ week })}`);
    const first = ledger && ledger.weeks && ledger.weeks[0];
    if (!first) throw new Error('the server sent no week');
    const [b, sw] = await Promise.all([
      api('GET', `/blocks${query({ week: first.week })}`),
      api('GET', `/support-weeks${query({ year: first.first_day.slice(0, 4) })}`),
    ]);
    return { first, b, sw };
  }

  async function reload() {
    try {
      const { first, b, sw } = await fetchWeek(row.week);
      if (!ctx.isCurrent()) return;
      row = first;
      blocks = (b && b.items) || [];
      weekBounds = b;
      support = sw;
      renderHours();
      renderSupport();
      renderBlocks();
    } catch (e) {
      if (ctx.isCurrent()) ctx.announce(`Could not refresh your week: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  replace(ctx.main, loading('Loading your week…'));
  api('GET', '/policy').then((p) => {
    idleMinutes = p && p.idle_timeout_seconds ? Math.round(p.idle_timeout_seconds / 60) : null;
    if (ctx.isCurrent() && row) renderClock();
  }, () => { /* the hint then says "a while" */ });
  if (!clockState()) refreshClock().catch(() => {});

  fetchWeek(asked).then(({ first, b, sw }) => {
    if (!ctx.isCurrent()) return;
    row = first;
    blocks = (b && b.items) || [];
    weekBounds = b;
    support = sw;
    replace(ctx.main, page);
    renderHead();
    renderHours();
    renderSupport();
    renderClock();
    renderBlocks();
    renderForm();
    ctx.setTitle(`My week · Week ${weekNumber(row.week)}`);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, asked ? `Could not load week ${asked}` : 'Could not load your week',
      sentence(e.message),
      asked ? { href: '#/week', text: 'Go to this week' } : { href: '#/queue', text: '← Back to the queue' });
  });
}
