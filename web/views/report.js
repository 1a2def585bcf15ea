// views/report.js - the weekly compliance report (GET /reports/compliance):
// totality first (the share of people who owed queue time and worked it),
// then everyone, leaders and founders first, with their status in words,
// their exemption (reason and end) and how far up the consequence ladder
// they are; under the weeks-per-year cadence, their support weeks booked
// against asked; then the roll-ups by department and by manager, and the
// CSV. A week not over yet says that "behind" means "not yet" (the server's
// in_progress). Leads and the company's leaders. #/report?week=2026-W48;
// without a week, the one that ended last.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { formatDate, formatDay, formatHours, formatWeekRange, plural, sentence } from '../format.js';
import { addDays, weekNumber } from '../weeks.js';
import { phaseOf, weekNav } from './weeknav.js';

const STATUS_LABEL = { met: 'Met', behind: 'Behind', exempt: 'Exempt', not_required: 'Not required' };
const LADDER_LABEL = { reminder: 'reminded', manager: 'manager told', leadership_report: 'on the leadership report' };
const WEEK_MS = 7 * 86400000;
// Two-word headers that may break, so that the table fits with the support weeks column.
const WRAP_HEAD = new Set(['Support weeks', 'Weeks behind']);

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

function share(x) {
  return x.required ? percent.format(x.share ?? x.met / x.required) : '—';
}

function statusBadge(status) {
  return h('span', { class: `badge status-${status === 'not_required' ? 'exempt' : status}`, text: STATUS_LABEL[status] || status });
}

/** Support weeks booked of those asked in the year, and an onboarding week not booked. */
function supportCell(sw) {
  if (!sw) return h('span', { class: 'muted', text: '—' });
  return [
    String(sw.booked), h('span', { class: 'muted', text: ` of ${sw.required}` }),
    sw.onboarding_booked === false ? h('span', { class: 'cell-note onboarding-due', text: 'onboarding not booked' }) : null,
  ];
}

function peopleTable(people, yearly) {
  const rows = people.map((p) => h('tr', { dataset: { personId: String(p.person_id), status: p.status } },
    h('th', { scope: 'row', 'data-label': 'Person' },
      h('span', { class: 'person-name', text: p.name || p.email }),
      p.leader ? h('span', { class: 'tag leader-tag', text: 'Leader' }) : null),
    h('td', { 'data-label': 'Department', text: p.department || '—' }),
    h('td', { class: 'col-nowrap', 'data-label': 'Status' }, statusBadge(p.status)),
    h('td', { class: 'num', 'data-label': 'Worked' },
      formatHours(p.worked_minutes), h('span', { class: 'muted', text: ` of ${formatHours(p.required_minutes)}` })),
    h('td', { class: 'num', 'data-label': 'Planned', text: formatHours(p.planned_minutes) }),
    yearly ? h('td', { class: 'col-support', 'data-label': 'Support weeks' }, supportCell(p.support_weeks)) : null,
    h('td', { 'data-label': 'Weeks behind' },
      p.weeks_behind ? String(p.weeks_behind) : h('span', { class: 'muted', text: '0' }),
      p.ladder ? h('span', { class: 'cell-note ladder', text: LADDER_LABEL[p.ladder] || p.ladder }) : null),
    h('td', { class: 'col-exemption', 'data-label': 'Exemption' },
      p.exemption
        ? [h('span', { class: 'exemption-reason', text: p.exemption.reason }),
          h('span', { class: 'cell-note muted', text: `until ${formatDate(p.exemption.ends_on)}` })]
        : h('span', { class: 'muted', text: '—' }))));
  return h('table', { class: `data-table report-people${yearly ? ' has-support' : ''}`, id: 'report-people' },
    h('caption', { class: 'visually-hidden', text: 'Everyone in the program, leaders and founders first' }),
    h('thead', null, h('tr', null,
      ['Person', 'Department', 'Status', 'Worked', 'Planned', yearly ? 'Support weeks' : null, 'Weeks behind', 'Exemption']
        .filter(Boolean).map((c) => h('th', { scope: 'col', class: WRAP_HEAD.has(c) ? 'wrap-head' : null, text: c })))),
    h('tbody', null, rows));
}

function rollupTable(id, caption, first, items, nameOf) {
  return h('table', { class: 'data-table rollup', id },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', null, h('tr', null,
      [first, 'Required', 'Met', 'Behind', 'Exempt', 'Totality'].map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', null, items.map((x) => h('tr', null,
      h('th', { scope: 'row', 'data-label': first, text: nameOf(x) }),
      h('td', { class: 'num', 'data-label': 'Required', text: String(x.required) }),
      h('td', { class: 'num', 'data-label': 'Met', text: String(x.met) }),
      h('td', { class: 'num', 'data-label': 'Behind', text: String(x.behind) }),
      h('td', { class: 'num', 'data-label': 'Exempt', text: String(x.exempt) }),
      h('td', { class: 'num share', 'data-label': 'Totality', text: share(x) })))));
}

/** A week not over yet: "Behind" is "not yet", and the ladder waits for the week's end. */
function progressBanner(r, begun) {
  return h('div', { class: 'callout warn in-progress', id: 'report-in-progress' },
    h('p', { class: 'callout-title' }, h('strong', { text: begun
      ? 'This week is not over yet: “Behind” means “not yet”.'
      : 'This week has not begun: nobody has worked in it yet.' })),
    h('p', { text: `People have until the end of ${formatDay(addDays(r.first_day, 6))}, in their own time zone, to work their hours. No reminder or other step of the ladder is taken until the week is over.` }));
}

export function renderReport(ctx, params) {
  ctx.setTitle('Compliance report');
  const asked = params.get('week') || '';
  replace(ctx.main, loading('Loading the report…'));

  api('GET', `/reports/compliance${query({ week: asked })}`).then((r) => {
    if (!ctx.isCurrent()) return;
    const t = r.totality || { required: 0, met: 0, behind: 0, exempt: 0, share: 0 };
    const people = r.people || [];
    const phase = phaseOf(r);
    const now = Date.now();
    const latest = phase === 'past' && now - Date.parse(r.end) < WEEK_MS; // what #/report shows
    // The server says whether the week is over; the reader's clock only whether it began.
    const inProgress = r.in_progress ?? phase !== 'past';
    const begun = phase !== 'future';
    // Under the weeks-per-year cadence each row has support weeks: the column is named by their year.
    const yearly = (people.find((p) => p.support_weeks) || {}).support_weeks?.year || null;
    const csv = `/api/v1/reports/compliance${query({ week: r.week, format: 'csv' })}`;

    const behindOnly = h('input', { type: 'checkbox', id: 'report-behind-only' });
    const tableRegion = h('div', { class: 'table-scroll' });
    function showPeople() {
      const shown = behindOnly.checked ? people.filter((p) => p.status === 'behind') : people;
      replace(tableRegion, shown.length
        ? peopleTable(shown, yearly)
        : h('div', { class: 'empty-state compact', text: 'Nobody is behind this week.' }));
    }
    behindOnly.addEventListener('change', showPeople);

    const hero = t.required
      ? h('section', { class: 'card totality', 'aria-labelledby': 'totality-title' },
        h('h2', { id: 'totality-title', class: 'totality-label', text: 'Totality' }),
        h('p', { class: 'totality-figure', id: 'totality-figure', text: share(t) }),
        h('p', { class: 'totality-words', text: `${t.met} of the ${plural(t.required, 'person', 'people')} who owed queue time ${inProgress ? `${t.met === 1 ? 'has' : 'have'} worked it so far` : 'worked it'}.` }),
        h('progress', { max: String(t.required), value: String(t.met), 'aria-label': `Totality ${share(t)}` }),
        h('ul', { class: 'totality-counts' },
          h('li', null, statusBadge('met'), ` ${t.met}`),
          h('li', null, statusBadge('behind'), ` ${t.behind}`),
          h('li', null, statusBadge('exempt'), ` ${t.exempt}`)))
      : h('section', { class: 'card totality' },
        h('h2', { class: 'totality-label', text: 'Totality' }),
        h('p', { text: 'Nobody owed queue time this week.' }));

    const body = people.length === 0
      ? h('div', { class: 'empty-state', id: 'report-empty' },
        h('h3', { text: 'Nobody is in the program this week.' }),
        h('p', { text: 'Everyone active is in the program from their start day. Add the company’s people (or sync them from your directory) and they show up here.' }))
      : [
        h('section', { class: 'report-section', 'aria-labelledby': 'people-title' },
          h('div', { class: 'list-head' },
            h('h2', { id: 'people-title', text: 'Everyone' }),
            h('div', { class: 'list-tools' },
              h('div', { class: 'choice' }, behindOnly, h('label', { for: 'report-behind-only', text: 'Show only people behind' })),
              h('a', { class: 'button secondary', href: csv, download: `compliance-${r.week}.csv`, id: 'report-csv' }, 'Download CSV')),
            h('p', { class: 'muted', text: `Leaders and founders first, then by department. Status is in words; exemptions show their reason and end.${yearly ? ` Support weeks: booked of those asked in ${yearly}; the onboarding week is the one in a person’s first month.` : ''}` })),
          tableRegion),
        h('div', { class: 'rollups' },
          h('section', { class: 'report-section', 'aria-labelledby': 'departments-title' },
            h('h2', { id: 'departments-title', text: 'By department' }),
            h('p', { class: 'muted', text: 'Required: people who owed queue time this week.' }),
            h('div', { class: 'table-scroll' }, rollupTable('report-departments', 'Totality by department', 'Department', r.departments || [], (x) => x.department || '—'))),
          h('section', { class: 'report-section', 'aria-labelledby': 'managers-title' },
            h('h2', { id: 'managers-title', text: 'By manager' }),
            h('p', { class: 'muted', text: 'Each manager’s direct reports.' }),
            h('div', { class: 'table-scroll' }, rollupTable('report-managers', 'Totality by manager', 'Manager', r.managers || [], (x) => x.name || '—'))))];

    replace(ctx.main,
      h('section', { class: 'report-page', 'aria-labelledby': 'report-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'report-title', text: 'Compliance report' }),
            h('p', { class: 'week-label' }, h('strong', { text: `Week ${weekNumber(r.week)}` }), ` · ${formatWeekRange(r.first_day)}`,
              inProgress && begun ? h('span', { class: 'badge now-badge', text: 'In progress' }) : null),
            h('p', { class: 'muted', text: `Everyone works the queue, leaders first. Weeks in the organization’s time zone${r.timezone ? `, ${r.timezone}` : ''}.` })),
          weekNav(ctx, 'report', r.week, { current: latest, home: 'Latest full week' })),
        inProgress ? progressBanner(r, begun) : null,
        hero,
        body));
    if (people.length) showPeople();
    ctx.setTitle(`Compliance report · Week ${weekNumber(r.week)}`);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    const title = e.status === 403 ? 'The compliance report is for leads and leaders' : `Could not load the report${asked ? ` for ${asked}` : ''}`;
    showProblem(ctx, title, sentence(e.message), e.status === 403
      ? { href: '#/week', text: 'Go to my week' }
      : { href: '#/report', text: 'Go to the latest report' });
  });
}
