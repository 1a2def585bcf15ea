// views/coverage.js - coverage (GET /coverage?week=): how many people planned
// to work the queue in each hour of the organization's week, as a 24 x 7
// table (hours down, days across) shaded by count. The count is always
// written in the cell, so the shading only helps: it never carries meaning
// on its own. Leads; #/coverage?week=2026-W48.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { dayParts, formatDay, formatWallHour, formatWallTime, formatWeekRange, plural, sentence } from '../format.js';
import { weekNumber } from '../weeks.js';
import { phaseOf, weekNav } from './weeknav.js';

const LEVELS = 5; // shades above zero

/** The cell shade 0..LEVELS for count against the week's busiest hour. */
function level(count, max) {
  if (!count || !max) return 0;
  return Math.max(1, Math.ceil((count / max) * LEVELS));
}

/**
 * hours[] -> {days: ["2026-11-23", ...], cell: Map("day|HH" -> {planned, start}), max}.
 * A day with a repeated hour (clocks going back) keeps the larger count; an
 * hour that does not exist (clocks going forward) has no cell.
 */
function grid(hours) {
  const days = [];
  const cell = new Map();
  let max = 0;
  for (const hr of hours) {
    const day = hr.local.slice(0, 10);
    const key = `${day}|${hr.local.slice(11, 13)}`;
    if (!days.includes(day)) days.push(day);
    const prev = cell.get(key);
    if (!prev || hr.planned > prev.planned) cell.set(key, { planned: hr.planned, start: hr.start });
    max = Math.max(max, hr.planned);
  }
  return { days: days.slice(0, 7), cell, max };
}

function hourLabel(hh) {
  return formatWallHour(`2000-01-01T${hh}:00`);
}

export function renderCoverage(ctx, params) {
  ctx.setTitle('Coverage');
  const asked = params.get('week') || '';
  replace(ctx.main, loading('Loading coverage…'));

  api('GET', `/coverage${query({ week: asked })}`).then((c) => {
    if (!ctx.isCurrent()) return;
    const hours = (c && c.hours) || [];
    const { days, cell, max } = grid(hours);
    const phase = phaseOf(c);
    const now = Date.now();
    const covered = hours.filter((x) => x.planned > 0).length;
    const peopleHours = hours.reduce((n, x) => n + x.planned, 0);
    const busiest = hours.reduce((b, x) => (x.planned > (b ? b.planned : 0) ? x : b), null);

    const rows = [];
    for (let hr = 0; hr < 24; hr++) {
      const hh = String(hr).padStart(2, '0');
      rows.push(h('tr', null,
        h('th', { scope: 'row', class: 'hour', text: hourLabel(hh) }),
        days.map((day) => {
          const x = cell.get(`${day}|${hh}`);
          if (!x) return h('td', { class: 'heat heat-none', title: 'No such hour (the clocks changed)' }, h('span', { 'aria-hidden': 'true', text: '—' }), h('span', { class: 'visually-hidden', text: 'no such hour' }));
          const start = Date.parse(x.start);
          const isNow = start <= now && now < start + 3600000;
          return h('td', { class: `heat heat-${level(x.planned, max)}${isNow ? ' is-now' : ''}`, title: `${formatDay(day)}, ${hourLabel(hh)}: ${plural(x.planned, 'person', 'people')} planned` },
            String(x.planned),
            isNow ? h('span', { class: 'visually-hidden', text: ' (now)' }) : null);
        })));
    }

    const table = h('div', { class: 'heatmap-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'coverage-caption' },
      h('table', { class: 'heatmap', id: 'coverage-grid' },
        h('caption', { id: 'coverage-caption' }, `People planned in each hour, week ${weekNumber(c.week)}, in ${c.timezone}`),
        h('thead', null, h('tr', null,
          h('td', { class: 'corner' }),
          days.map((day) => {
            const [weekday, date] = dayParts(day);
            return h('th', { scope: 'col' }, h('span', { text: weekday }), ' ', h('span', { class: 'day-date', text: date }));
          }))),
        h('tbody', null, rows)));

    const legend = h('div', { class: 'heat-legend', 'aria-hidden': 'true' },
      h('span', { class: 'muted', text: 'Fewer' }),
      Array.from({ length: LEVELS + 1 }, (_, i) => h('span', { class: `heat-swatch heat-${i}` })),
      h('span', { class: 'muted', text: 'More people planned' }));

    const empty = peopleHours === 0
      ? h('div', { class: 'empty-state', id: 'coverage-empty' },
        h('h3', { text: phase === 'past' ? 'Nobody had planned a block that week.' : 'Nobody has planned a block this week yet.' }),
        h('p', { text: 'People plan their own blocks on My week. A reminder in the team channel, or a word to the managers whose people are behind, usually fills the gaps.' }))
      : null;

    replace(ctx.main,
      h('section', { class: 'coverage-page', 'aria-labelledby': 'coverage-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'coverage-title', text: 'Coverage' }),
            h('p', { class: 'week-label' }, h('strong', { text: `Week ${weekNumber(c.week)}` }), ` · ${formatWeekRange(days[0] || c.start)}`,
              phase === 'current' ? h('span', { class: 'badge now-badge', text: 'This week' }) : null),
            h('p', { class: 'muted', text: `Who planned to work the queue, hour by hour, in the organization’s time zone (${c.timezone}).` })),
          weekNav(ctx, 'coverage', c.week, { current: phase === 'current' })),
        h('dl', { class: 'stats stats-row' },
          h('div', { class: 'stat' }, h('dt', { text: 'Hours with someone planned' }), h('dd', null, h('span', { class: 'stat-value', text: `${covered} of ${hours.length}` }))),
          h('div', { class: 'stat' }, h('dt', { text: 'Most people in one hour' }), h('dd', null,
            h('span', { class: 'stat-value', text: String(max) }),
            busiest ? h('span', { class: 'stat-note', text: `${formatDay(busiest.local)}, ${formatWallTime(busiest.local)}` }) : null)),
          h('div', { class: 'stat' }, h('dt', { text: 'Person-hours planned' }), h('dd', null, h('span', { class: 'stat-value', text: String(peopleHours) })))),
        empty,
        legend,
        table));
    ctx.setTitle(`Coverage · Week ${weekNumber(c.week)}`);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    const title = e.status === 403 ? 'Coverage is for support leads' : `Could not load coverage${asked ? ` for ${asked}` : ''}`;
    showProblem(ctx, title, sentence(e.message), e.status === 403
      ? { href: '#/week', text: 'Go to my week' }
      : { href: '#/coverage', text: 'Go to this week’s coverage' });
  });
}
