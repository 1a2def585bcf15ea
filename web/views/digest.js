// views/digest.js - the weekly program digest (GET /digest), the page the
// digest email is made from: the program (totality, hours), who answered
// and how reviews went, repeated questions and those still asked after
// their fix, escalations, route-backs, launches and what they cost, kudos,
// queue health and the departments. Each chart is the server's SVG
// (GET /digest/chart) in an <img>, with the same numbers in a table beside
// it, so nothing is only in a picture; each table downloads as CSV. Also
// the printable page and "Email me the digest every week"
// (GET/PUT /digest/subscription). Leads and the company's leaders.
// #/digest?week=2026-W47; without a week, the one that ended last.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { formatDate, formatHours, formatMonthDay, plural, sentence } from '../format.js';
import { FIX_STATE_LABEL, fixStateBadge, groupName } from '../groups.js';
import { readinessBadge, tagList } from '../feedback.js';
import { addDays } from '../weeks.js';
import { weekNav } from './weeknav.js';

const WEEK_MS = 7 * 86400000;
const DIGEST = '/api/v1/digest';

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const number = new Intl.NumberFormat();
const andList = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
const dayRange = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

const AGES = [['under_1d', 'Under a day'], ['1d_3d', '1–3 days'], ['3d_7d', '3–7 days'], ['7d_plus', 'Over a week']];

/** 2 of 3 -> "67%"; "—" when there is nothing to divide by. */
function share(part, whole) {
  return whole ? percent.format(part / whole) : '—';
}

/** The server says "(none)" for people without a department. */
function department(name) {
  return !name || name === '(none)' ? 'No department' : name;
}

/**
 * Seconds as a person says them: "45 s", "12 min", "2 h 10 min", and in
 * wall-clock time "4 d 6 h" past two days (a business-hours day is not 24
 * hours, so business hours stay in hours). null: "—".
 */
export function formatDuration(seconds, { business = false } = {}) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (!business && hours >= 48) {
    const d = Math.floor(m / 1440);
    const rest = Math.round((m - d * 1440) / 60);
    return rest ? `${d} d ${rest} h` : `${d} d`;
  }
  return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
}

/** "2031-W10 · Mar 3 – 9" (the days of the week, from its first day). */
function weekWords(d) {
  const a = new Date(`${d.first_day}T00:00:00Z`);
  const b = new Date(`${addDays(d.first_day, 6)}T00:00:00Z`);
  const days = Number.isNaN(a.getTime()) ? '' : dayRange.formatRange(a, b);
  return days ? `${d.week} · ${days}` : d.week;
}

function csvHref(week, table) {
  return `${DIGEST}${query({ format: 'csv', table, week })}`;
}

/** "Download CSV" for one of the digest's tables; the hidden words say which. */
function csvLink(d, table, what) {
  if (!(d.tables || []).includes(table)) return null;
  return h('a', { class: 'button secondary small csv-link', href: csvHref(d.week, table), download: `allhands-digest-${d.week}-${table}.csv`, id: `digest-csv-${table}` },
    'Download CSV', h('span', { class: 'visually-hidden', text: ` of ${what}` }));
}

/** One of the server's charts; alt says what it shows and where the numbers are. */
function chart(d, name, alt) {
  if (!(d.charts || []).includes(name)) return null;
  return h('figure', { class: 'digest-chart' },
    h('img', { src: `${DIGEST}/chart${query({ name, week: d.week })}`, alt, id: `digest-chart-${name}`, decoding: 'async' }));
}

function section(id, title, intro, ...body) {
  return h('section', { class: 'digest-section', id: `digest-${id}`, 'aria-labelledby': `digest-${id}-title` },
    h('h2', { id: `digest-${id}-title`, text: title }),
    intro ? h('p', { class: 'muted digest-intro', text: intro }) : null,
    body);
}

/** A table's heading with its CSV link beside it. */
function tableHead(title, link, level = 'h3') {
  return h('div', { class: 'list-head digest-table-head' }, h(level, { text: title }), link ? h('div', { class: 'list-tools' }, link) : null);
}

function empty(id, text) {
  return h('p', { class: 'empty-state compact digest-empty', id: `digest-${id}-empty`, text });
}

function stat(id, label, value, note) {
  return h('div', { class: 'stat', id: `digest-stat-${id}` },
    h('dt', { text: label }),
    h('dd', null, h('span', { class: 'stat-value', text: value }), note ? h('span', { class: 'stat-note', text: note }) : null));
}

/**
 * A table: cols are [header, {num}] pairs, rows arrays of cells (the first
 * is the row's header). A cell is text, a Node, or an array of them.
 */
function table(id, caption, cols, rows, { cls = '' } = {}) {
  return h('div', { class: 'table-scroll' },
    h('table', { class: `data-table digest-table ${cls}`.trim(), id: `digest-table-${id}` },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', null, h('tr', null, cols.map(([c, o]) => h('th', { scope: 'col', class: o && o.num ? 'num' : null, text: c })))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((cell, i) => {
        const [label, o] = cols[i];
        const props = { 'data-label': label, class: o && o.num ? 'num' : (o && o.cls) || null };
        const kids = typeof cell === 'string' || typeof cell === 'number' ? String(cell) : cell;
        return i === 0 ? h('th', { scope: 'row', ...props }, kids) : h('td', props, kids);
      }))))));
}

// --- the sections, in the digest's order ------------------------------------

function programSection(d, soFar) {
  const p = d.program || {};
  const intro = soFar ? 'Everyone works the queue, leaders first. The week is not over: these are the figures so far.'
    : 'Everyone works the queue, leaders first.';
  if (!p.required && !p.exempt) {
    return section('program', 'The program', intro, empty('program', 'Nobody owed queue time this week.'),
      h('p', { class: 'digest-links' }, h('a', { href: `#/report?week=${d.week}`, text: 'Open the compliance report' })));
  }
  return section('program', 'The program', intro,
    h('dl', { class: 'stats stats-row digest-stats' },
      stat('compliance', 'Met their hours', share(p.met, p.required), `${p.met} of ${plural(p.required, 'person', 'people')} who owed queue time`),
      stat('behind', 'Behind', number.format(p.behind), soFar ? 'not yet met, so far' : plural(p.behind, 'person', 'people')),
      stat('exempt', 'Exempt', number.format(p.exempt), 'granted by a lead, time-boxed'),
      stat('hours', 'Hours worked', formatHours(p.worked_minutes), 'in the queue, measured')),
    h('div', { class: 'digest-foot' },
      h('p', { class: 'digest-links' },
        h('a', { href: `#/report?week=${d.week}`, text: 'Open the compliance report' }), ' for everyone’s hours, leaders first.'),
      csvLink(d, 'summary', 'the summary figures')));
}

function answeredSection(d) {
  const a = d.answered || {};
  const r = d.reviews || { approved: 0, edited: 0, returned: 0 };
  const reviewed = r.approved + r.edited + r.returned;
  const style = d.style || [];
  return section('answered', 'Who answered', 'Tickets that got a reply this week, and how many of them the whole company answered.',
    h('dl', { class: 'stats stats-row digest-stats' },
      stat('answered', 'Tickets answered', number.format(a.tickets || 0), plural(a.replies || 0, 'reply', 'replies')),
      stat('by-members', 'Answered by members', share(a.by_members || 0, a.tickets || 0),
        `${plural(a.by_members || 0, 'ticket')}, ${plural(a.member_replies || 0, 'reply', 'replies')}`),
      stat('reviews', 'Replies reviewed', number.format(reviewed),
        reviewed ? `${r.approved} approved, ${r.edited} edited, ${r.returned} returned` : 'none held for review')),
    tableHead('Style rules hit', csvLink(d, 'style', 'style rules hit')),
    style.length
      ? table('style', 'Style rules hit this week', [['Rule'], ['Hits', { num: true }], ['Sent anyway', { num: true }]],
        style.map((s) => [s.rule, number.format(s.hits), number.format(s.overrides)]))
      : empty('style', 'No style rule was hit this week.'));
}

function questionCells(q) {
  const g = q.group || {};
  const fix = g.fix;
  return [
    h('a', { href: `#/groups/${g.id}`, class: 'subject-link', text: groupName(g) }),
    number.format(q.this_week),
    number.format(g.size ?? 0),
    fix
      ? [fixStateBadge(fix.state), h('span', { class: 'cell-note fix-cell-title', text: fix.title }),
        fix.owner_name ? h('span', { class: 'cell-note muted', text: fix.owner_name }) : null]
      : h('span', { class: 'muted', text: 'No fix linked' }),
    q.after_fix ? h('span', { class: 'after-fix-count', text: plural(q.after_fix, 'ticket') }) : h('span', { class: 'muted', text: '0' }),
  ];
}

function questionsSection(d) {
  const qs = d.questions || [];
  if (!qs.length) return section('questions', 'Repeated questions', null, empty('questions', 'No repeated questions this week.'));
  const top = qs.slice(0, 5);
  const weeks = (top[0].group.trend || []).map((t) => t.week);
  const alt = `Bar chart of the top repeated questions this week: ${andList.format(top.map((q) => `${groupName(q.group)}, ${plural(q.this_week, 'ticket')}`))}. The numbers are in the table beside it.`;
  const trendAlt = `Line chart of tickets a week over the last ${weeks.length} weeks for the ${plural(top.length, 'most asked question')}. The numbers are in the table beside it.`;
  return section('questions', 'Repeated questions',
    'The questions asked most this week. A fix that shipped should stop them; tickets after it are in the warning colour.',
    h('div', { class: 'digest-pair' },
      chart(d, 'questions', alt),
      h('div', { class: 'digest-pair-table' },
        tableHead('This week', csvLink(d, 'questions', 'repeated questions')),
        table('questions', 'Repeated questions this week, with their fix',
          [['Question'], ['This week', { num: true }], ['In all', { num: true }], ['Fix', { cls: 'col-fix' }], ['After fix', { num: true }]],
          qs.map(questionCells)))),
    weeks.length ? h('div', { class: 'digest-pair' },
      chart(d, 'trends', trendAlt),
      h('div', { class: 'digest-pair-table' },
        tableHead('Tickets a week', null),
        table('trends', `Tickets a week for the ${plural(top.length, 'most asked question')}, the last ${weeks.length} weeks`,
          [['Question'], ...weeks.map((w) => [`${formatMonthDay(w)}`, { num: true }])],
          top.map((q) => [groupName(q.group), ...(q.group.trend || []).map((t) => number.format(t.tickets))]),
          { cls: 'digest-trends' }))) : null);
}

function regressionsSection(d) {
  const rs = d.regressions || [];
  const total = d.after_fix || 0;
  return section('regressions', 'Still asked after the fix',
    rs.length ? `${plural(total, 'ticket')} this week asked a question whose fix had shipped.` : null,
    rs.length
      ? [tableHead('Questions asked again', csvLink(d, 'regressions', 'questions asked after their fix')),
        table('regressions', 'Questions asked again after their fix shipped',
          [['Question'], ['Fix'], ['Owner'], ['Tickets after fix', { num: true }]],
          rs.map((x) => [
            h('a', { href: `#/groups/${x.group_id}`, class: 'subject-link', text: x.group || `Group #${x.group_id}` }),
            [x.fix || '—', h('span', { class: 'cell-note muted', text: FIX_STATE_LABEL.shipped })],
            x.owner || h('span', { class: 'muted', text: 'Nobody' }),
            h('span', { class: 'after-fix-count', text: number.format(x.tickets) })]))]
      : empty('regressions', 'No question came back after its fix this week.'));
}

function escalationsSection(d) {
  const e = d.escalations || { filed: 0, urgent: 0, by_filer: [], by_department: [] };
  if (!e.filed) return section('escalations', 'Escalations', null, empty('escalations', 'No escalations this week.'));
  const deps = e.by_department || [];
  const alt = `Bar chart of escalations by the filer’s department: ${andList.format(deps.map((x) => `${department(x.department)} ${x.filed}${x.urgent ? ` (${x.urgent} urgent)` : ''}`))}. The numbers are in the table beside it.`;
  return section('escalations', 'Escalations',
    'Customers colleagues brought to support through one form instead of a DM. Escalating is good; support sets the priority.',
    h('dl', { class: 'stats stats-row digest-stats' },
      stat('escalations', 'Filed', number.format(e.filed), plural((e.by_filer || []).length, 'person', 'people')),
      stat('urgent', 'Made urgent by support', number.format(e.urgent), share(e.urgent, e.filed))),
    h('div', { class: 'digest-pair is-side' },
      chart(d, 'escalations', alt),
      h('div', { class: 'digest-pair-table' },
        tableHead('By department', null),
        table('escalations-departments', 'Escalations by the filer’s department',
          [['Department'], ['Filed', { num: true }], ['Urgent', { num: true }]],
          deps.map((x) => [department(x.department), number.format(x.filed), number.format(x.urgent)]), { cls: 'rollup' }))),
    tableHead('By person', csvLink(d, 'escalations', 'escalations by person')),
    table('escalations', 'Escalations by the person who filed them',
      [['Person'], ['Department'], ['Filed', { num: true }], ['Urgent', { num: true }]],
      (e.by_filer || []).map((x) => [x.name || `Person #${x.person_id}`, department(x.department), number.format(x.filed), number.format(x.urgent)])));
}

function routeBacksSection(d) {
  const rb = d.route_backs || [];
  return section('route-backs', 'Route-backs by department',
    rb.length ? 'Tickets a pro traced to a promise or a change, by the department of the person who made it.' : null,
    rb.length
      ? [tableHead('By department', csvLink(d, 'route_backs', 'route-backs by department')),
        table('route-backs', 'Route-backs by department',
          [['Department'], ['Promises', { num: true }], ['Changes', { num: true }]],
          rb.map((x) => [department(x.department), number.format(x.promises), number.format(x.changes)]))]
      : empty('route-backs', 'No tickets were routed back this week.'));
}

function launchesSection(d) {
  const ls = d.launches || [];
  return section('launches', 'Launches and what they cost',
    ls.length ? 'Launches this week, and the tickets with their tags in the week from launch day.' : null,
    ls.length
      ? [tableHead('Launches', csvLink(d, 'launches', 'launches')),
        table('launches', 'Launches this week and the tickets they brought',
          [['Launch'], ['Day'], ['Support'], ['Tags'], ['Tickets', { num: true }]],
          ls.map((l) => [
            h('a', { href: `#/launches/${l.id}`, class: 'subject-link', text: l.title }),
            h('span', { class: 'nowrap', text: formatDate(l.day) }),
            readinessBadge(l),
            tagList(l.tags, `Tags of “${l.title}”`),
            number.format(l.tickets)]))]
      : empty('launches', 'No launches this week.'));
}

function kudosSection(d) {
  const ks = d.kudos || [];
  return section('kudos', 'Kudos', null,
    ks.length
      ? [tableHead(`Praise for ${plural(ks.length, 'reply', 'replies')}`, csvLink(d, 'kudos', 'kudos')),
        h('ul', { class: 'kudos-list digest-kudos', id: 'digest-kudos-list' }, ks.map((k) => h('li', { class: 'card kudos-item', dataset: { kudosId: String(k.id) } },
          h('figure', { class: 'kudos-figure' },
            h('blockquote', { class: 'kudos-text', text: k.text }),
            h('figcaption', null, h('p', { class: 'kudos-giver' },
              k.from_customer ? ['— the customer', h('span', { class: 'muted', text: `, passed on by ${k.giver_name || 'a pro'}` })] : `— ${k.giver_name || 'a colleague'}`))),
          h('div', { class: 'kudos-reply' },
            h('p', { class: 'kudos-about' }, `For ${k.person_name ? `${k.person_name}’s` : 'a'} reply on `,
              h('a', { href: `#/tickets/${k.ticket_id}`, text: `ticket #${k.ticket_id}` })),
            k.quote ? h('blockquote', { class: 'kudos-quote', text: k.quote }) : null))))]
      : empty('kudos', 'No kudos this week.'));
}

function healthSection(d) {
  const x = d.health || {};
  const b = x.breaches || {};
  const business = Boolean(d.business_hours);
  const dur = (s) => formatDuration(s, { business });
  const backlog = x.backlog || [];
  const open = backlog.reduce((n, t) => n + AGES.reduce((m, [k]) => m + (t[k] || 0), 0), 0);
  const alt = `Bar chart of open tickets by tier and age: ${backlog.map((t) => `tier ${t.tier}, ${andList.format(AGES.map(([k, w]) => `${t[k] || 0} ${w.toLowerCase()}`))}`).join('; ')}. The numbers are in the table beside it.`;
  return section('health', 'Queue health',
    business ? 'Times are in business hours, as the policy sets them.' : 'Times are wall-clock: nights and weekends count.',
    h('dl', { class: 'stats stats-row digest-stats' },
      stat('first-response', 'First response, median', dur(x.first_response_median_s),
        x.responses ? `90th percentile ${dur(x.first_response_p90_s)} · ${plural(x.responses, 'ticket')}` : 'no first responses this week'),
      stat('resolution', 'Resolution, median', dur(x.resolution_median_s),
        x.solved ? `90th percentile ${dur(x.resolution_p90_s)} · ${plural(x.solved, 'ticket')} solved` : 'nothing solved this week'),
      stat('first-missed', 'First responses late', number.format(b.first_response_missed || 0), `of ${number.format(b.first_response_due || 0)} due this week`),
      stat('resolution-missed', 'Resolutions late', number.format(b.resolution_missed || 0), `of ${number.format(b.resolution_due || 0)} due this week`)),
    h('div', { class: 'digest-pair is-side' },
      open ? chart(d, 'backlog', alt) : null,
      h('div', { class: 'digest-pair-table' },
        tableHead(`Open tickets · ${number.format(open)}`, csvLink(d, 'summary', 'the summary figures, with the backlog')),
        open
          ? table('backlog', 'Open tickets by how long they have waited, in each tier',
            [['Waiting'], ...backlog.map((t) => [`Tier ${t.tier}`, { num: true }])],
            AGES.map(([k, w]) => [w, ...backlog.map((t) => number.format(t[k] || 0))]), { cls: 'rollup' })
          : empty('backlog', 'No open tickets.'))));
}

function departmentsSection(d) {
  const deps = d.departments || [];
  if (!deps.length) return section('departments', 'By department', null, empty('departments', 'Nobody is in the program this week.'));
  const business = Boolean(d.business_hours);
  const dur = (s) => formatDuration(s, { business });
  const alt = `Bar chart of replies by department: ${andList.format(deps.map((x) => `${department(x.department)} ${x.replies}`))}. The numbers are in the table below.`;
  return section('departments', 'By department', null,
    chart(d, 'departments', alt),
    tableHead('Every department', csvLink(d, 'departments', 'the departments')),
    table('departments', 'The week by department',
      [['Department'], ['Met', { num: true }], ['Hours worked', { num: true }], ['Replies', { num: true }], ['By members', { num: true }],
        ['First response', { num: true }], ['Solved', { num: true }], ['Resolution', { num: true }]],
      deps.map((x) => [
        [department(x.department), h('span', { class: 'cell-note muted', text: plural(x.people, 'person', 'people') })],
        [`${x.met}`, h('span', { class: 'muted', text: ` of ${x.required}` })],
        formatHours(x.worked_minutes),
        number.format(x.replies),
        number.format(x.member_replies),
        x.responses ? [dur(x.first_response_median_s), h('span', { class: 'cell-note muted', text: `90%: ${dur(x.first_response_p90_s)}` })] : h('span', { class: 'muted', text: '—' }),
        number.format(x.solved),
        x.solved ? [dur(x.resolution_median_s), h('span', { class: 'cell-note muted', text: `90%: ${dur(x.resolution_p90_s)}` })] : h('span', { class: 'muted', text: '—' }),
      ]), { cls: 'digest-departments' }),
    h('p', { class: 'hint', text: 'First response and resolution: the median, and under it the 90th percentile.' }));
}

/** "Email me the digest every week": a checkbox that saves itself. */
function subscriptionToggle(ctx) {
  const box = h('input', { type: 'checkbox', id: 'digest-subscribe', disabled: true });
  const wrap = h('div', { class: 'choice digest-subscribe' }, box, h('label', { for: 'digest-subscribe', text: 'Email me the digest every week' }));
  api('GET', '/digest/subscription').then((s) => {
    if (!ctx.isCurrent()) return;
    box.checked = Boolean(s && s.subscribed);
    box.disabled = false;
  }, () => {
    if (ctx.isCurrent()) wrap.hidden = true;
  });
  box.addEventListener('change', async () => {
    const want = box.checked;
    box.disabled = true;
    try {
      const s = await api('PUT', '/digest/subscription', { subscribed: want });
      if (!ctx.isCurrent()) return;
      box.checked = Boolean(s && s.subscribed);
      ctx.announce(box.checked ? 'You will get the digest by email every week.' : 'You will no longer get the digest by email.', { tone: 'success' });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      box.checked = !want;
      ctx.announce(`Could not change your digest email: ${sentence(e.message)}`, { tone: 'error' });
    } finally {
      box.disabled = false;
    }
  });
  return wrap;
}

export function renderDigest(ctx, params) {
  ctx.setTitle('Weekly digest');
  const asked = params.get('week') || '';
  replace(ctx.main, loading('Loading the digest…'));

  api('GET', `/digest${query({ week: asked })}`).then((d) => {
    if (!ctx.isCurrent()) return;
    const soFar = Boolean(d.in_progress);
    // Without ?week= the server shows the week that ended last: no link back to it then.
    const latest = !asked || (!soFar && Date.now() - Date.parse(d.end) < WEEK_MS && Date.now() >= Date.parse(d.end));
    replace(ctx.main,
      h('section', { class: 'digest-page', 'aria-labelledby': 'digest-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'digest-title', text: 'Weekly digest' }),
            h('p', { class: 'week-label', id: 'digest-week' }, h('strong', { text: weekWords(d) }),
              soFar ? h('span', { class: 'badge now-badge', text: 'so far' }) : null),
            h('p', { class: 'muted', text: `How the week went for the program and the queue. Weeks in the organization’s time zone${d.timezone ? `, ${d.timezone}` : ''}.` })),
          weekNav(ctx, 'digest', d.week, { current: latest, home: 'Latest week' })),
        h('div', { class: 'digest-tools' },
          subscriptionToggle(ctx),
          h('a', { href: `${DIGEST}${query({ format: 'html', week: d.week })}`, id: 'digest-printable', class: 'button quiet small', text: 'Printable page' })),
        soFar ? h('div', { class: 'callout warn', id: 'digest-in-progress' },
          h('p', { text: 'This week is not over yet: every figure is so far, and “behind” means “not yet”.' })) : null,
        programSection(d, soFar),
        answeredSection(d),
        questionsSection(d),
        regressionsSection(d),
        escalationsSection(d),
        routeBacksSection(d),
        launchesSection(d),
        kudosSection(d),
        healthSection(d),
        departmentsSection(d)));
    ctx.setTitle(`Weekly digest · ${d.week}`);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    if (e.status === 403) {
      showProblem(ctx, 'The digest is for leads and the company’s leaders', 'The digest is for leads and the company’s leaders. Your own hours are on My week.',
        { href: '#/week', text: 'Go to my week' });
      return;
    }
    showProblem(ctx, `Could not load the digest${asked ? ` for ${asked}` : ''}`, sentence(e.message),
      { href: '#/digest', text: 'Go to the latest digest' });
  });
}
