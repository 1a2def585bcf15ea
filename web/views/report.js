// views/report.js - the weekly compliance report (GET /reports/compliance):
// totality first (the share of people who owed queue time and worked it),
// then everyone, leaders and founders first, with their status in words,
// their exemption (reason and end) and how far up the consequence ladder
// they are; then the roll-ups by department and by manager, and the CSV.
// Leads and the company's leaders. #/report?week=2026-W48; without a week,
// the one that ended last.

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { formatDate, formatHours, formatWeekRange, plural, sentence } from '../format.js';
import { todayIn, weekNumber } from '../weeks.js';
import { phaseOf, weekNav } from './weeknav.js';

const STATUS_LABEL = { met: 'Met', behind: 'Behind', exempt: 'Exempt', not_required: 'Not required' };
const LADDER_LABEL = { reminder: 'reminded', manager: 'manager told', leadership_report: 'on the leadership report' };
const WEEK_MS = 7 * 86400000;

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });

function share(x) {
  return x.required ? percent.format(x.share ?? x.met / x.required) : '—';
}

function statusBadge(status) {
  return h('span', { class: `badge status-${status === 'not_required' ? 'exempt' : status}`, text: STATUS_LABEL[status] || status });
}

function peopleTable(people) {
  const rows = people.map((p) => h('tr', { dataset: { personId: String(p.person_id), status: p.status } },
    h('th', { scope: 'row', 'data-label': 'Person' },
      h('span', { class: 'person-name', text: p.name || p.email }),
      p.leader ? h('span', { class: 'tag leader-tag', text: 'Leader' }) : null),
    h('td', { 'data-label': 'Department', text: p.department || '—' }),
    h('td', { class: 'col-nowrap', 'data-label': 'Status' }, statusBadge(p.status)),
    h('td', { class: 'num', 'data-label': 'Worked' },
      formatHours(p.worked_minutes), h('span', { class: 'muted', text: ` of ${formatHours(p.required_minutes)}` })),
    h('td', { class: 'num', 'data-label': 'Planned', text: formatHours(p.planned_minutes) }),
    h('td', { 'data-label': 'Weeks behind' },
      p.weeks_behind ? String(p.weeks_behind) : h('span', { class: 'muted', text: '0' }),
      p.ladder ? h('span', { class: 'cell-note ladder', text: LADDER_LABEL[p.ladder] || p.ladder }) : null),
    h('td', { class: 'col-exemption', 'data-label': 'Exemption' },
      p.exemption
        ? [h('span', { class: 'exemption-reason', text: p.exemption.reason }),
          h('span', { class: 'cell-note muted', text: `until ${formatDate(p.exemption.ends_on)}` })]
        : h('span', { class: 'muted', text: '—' }))));
  return h('table', { class: 'data-table report-people', id: 'report-people' },
    h('caption', { class: 'visually-hidden', text: 'Everyone in the program, leaders and founders first' }),
    h('thead', null, h('tr', null,
      ['Person', 'Department', 'Status', 'Worked', 'Planned', 'Weeks behind', 'Exemption'].map((c) => h('th', { scope: 'col', text: c })))),
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

export function renderReport(ctx, params) {
  ctx.setTitle('Compliance report');
  const asked = params.get('week') || '';
  replace(ctx.main, loading('Loading the report…'));

  // The policy names the organization's zone, where the report's week begins.
  Promise.all([
    api('GET', `/reports/compliance${query({ week: asked })}`),
    api('GET', '/policy').catch(() => null),
  ]).then(([r, policy]) => {
    if (!ctx.isCurrent()) return;
    const t = r.totality || { required: 0, met: 0, behind: 0, exempt: 0, share: 0 };
    const people = r.people || [];
    const phase = phaseOf(r);
    const now = Date.now();
    const latest = phase === 'past' && now - Date.parse(r.end) < WEEK_MS; // what #/report shows
    const firstDay = todayIn(policy && policy.timezone, Date.parse(r.start));
    const csv = `/api/v1/reports/compliance${query({ week: r.week, format: 'csv' })}`;

    const behindOnly = h('input', { type: 'checkbox', id: 'report-behind-only' });
    const tableRegion = h('div', { class: 'table-scroll' });
    function showPeople() {
      const shown = behindOnly.checked ? people.filter((p) => p.status === 'behind') : people;
      replace(tableRegion, shown.length
        ? peopleTable(shown)
        : h('div', { class: 'empty-state compact', text: 'Nobody is behind this week.' }));
    }
    behindOnly.addEventListener('change', showPeople);

    const hero = t.required
      ? h('section', { class: 'card totality', 'aria-labelledby': 'totality-title' },
        h('h2', { id: 'totality-title', class: 'totality-label', text: 'Totality' }),
        h('p', { class: 'totality-figure', id: 'totality-figure', text: share(t) }),
        h('p', { class: 'totality-words', text: `${t.met} of the ${plural(t.required, 'person', 'people')} who owed queue time ${phase === 'past' ? 'worked it' : 'have worked it so far'}.` }),
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
            h('p', { class: 'muted', text: 'Leaders and founders first, then by department. Status is in words; exemptions show their reason and end.' })),
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
            h('p', { class: 'week-label' }, h('strong', { text: `Week ${weekNumber(r.week)}` }), ` · ${formatWeekRange(firstDay)}`,
              phase === 'current' ? h('span', { class: 'badge now-badge', text: 'In progress' }) : null),
            h('p', { class: 'muted', text: 'Everyone works the queue, leaders first. Weeks in the organization’s time zone.' })),
          weekNav(ctx, 'report', r.week, { current: latest, home: 'Latest full week' })),
        phase !== 'past'
          ? h('p', { class: 'callout info', text: phase === 'current'
            ? 'This week is still going: “Behind” here means “not yet”. People have until the week ends to work their hours.'
            : 'This week has not begun: nobody has worked in it yet.' })
          : null,
        hero,
        body));
    if (people.length) showPeople();
    ctx.setTitle(`Compliance report · Week ${weekNumber(r.week)}`);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    const title = e.status === 403 ? 'The compliance report is for leads and leaders' : `Could not load the report${asked ? ` for ${asked}` : ''}`;
    replace(ctx.main,
      h('section', { class: 'card problem' },
        h('h1', { text: title }),
        h('p', { role: 'alert', text: sentence(e.message) }),
        h('p', null, e.status === 403
          ? h('a', { href: '#/week', text: 'Go to my week' })
          : h('a', { href: '#/report', text: 'Go to the latest report' }))));
    ctx.focusHeading();
  });
}
