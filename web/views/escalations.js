// views/escalations.js - My escalations (#/escalations): the customers the
// signed-in person brought in (GET /escalations?mine=1, newest first, 20 at
// a time), each with its ticket's status and priority as support set them,
// and "Solved — you were told on …" once it is. Pros, leads and the
// company's leaders also see everyone's (#/escalations?all=1, GET
// /escalations) with a week's report above it: escalations by the person
// who filed them and by department, and how many support made urgent
// (GET /reports/escalations?week=2026-W48; ?week= in the address too).

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { formatDate, formatDateTime, formatWeekRange, plural, sentence } from '../format.js';
import { CHANNEL_LABEL, priorityBadge, seesAll, statusBadge, ticketLink } from '../feedback.js';
import { isWeekLabel, shiftWeek, weekNumber } from '../weeks.js';

const PAGE = 20;
const dayOf = (iso) => (iso ? formatDate(String(iso).slice(0, 10)) : '—');
const SOLVED = new Set(['solved', 'closed']);

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('dt', { text: label }), h('dd', null, h('span', { class: 'stat-value', id, text: String(value) })));
}

export function renderEscalations(ctx, params) {
  const me = ctx.state.person;
  const broad = seesAll(me);
  let all = broad && params.get('all') === '1';
  let week = isWeekLabel(params.get('week')) ? params.get('week') : '';
  let cursor = null;
  let shown = 0;
  const justFiled = ctx.state.justFiled;
  delete ctx.state.justFiled;

  const title = h('h1', { id: 'escalations-title' });
  const intro = h('p', { class: 'muted' });
  const listTitle = h('h2', { class: 'escalation-list-title', id: 'escalation-list-title', text: 'Every escalation, newest first' });
  const list = h('ul', { class: 'escalation-list', id: 'escalation-list', 'aria-labelledby': 'escalations-title' });
  const region = h('div', { class: 'list-region', id: 'escalations-region' });
  const count = h('p', { class: 'list-count muted', id: 'escalations-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button secondary', id: 'escalations-more', text: 'Load more' });
  const moreWrap = h('div', { class: 'load-more' }, more);
  const report = h('section', { class: 'report-section escalation-report', id: 'escalation-report', 'aria-labelledby': 'esc-report-title' });

  // Mine / Everyone's: two radio buttons, one group.
  const mineRadio = h('input', { type: 'radio', name: 'esc-whose', id: 'esc-whose-mine', value: 'mine', checked: !all });
  const allRadio = h('input', { type: 'radio', name: 'esc-whose', id: 'esc-whose-all', value: 'all', checked: all });
  const whose = broad
    ? h('fieldset', { class: 'segmented', id: 'esc-whose' },
      h('legend', { class: 'visually-hidden', text: 'Whose escalations' }),
      mineRadio, h('label', { for: 'esc-whose-mine', text: 'Mine' }),
      allRadio, h('label', { for: 'esc-whose-all', text: 'Everyone’s' }))
    : null;

  function showTitle() {
    title.textContent = all ? 'Everyone’s escalations' : 'My escalations';
    ctx.setTitle(title.textContent);
    intro.textContent = all
      ? 'Customers colleagues brought in instead of an @here, newest first. The support team sets their priority and tier.'
      : 'Customers you brought in, newest first. The support team sets the priority and tier; you are told when each one is solved.';
  }

  function toldLine(x) {
    const mineToo = x.filer_id === me.id;
    if (x.told_at) {
      const who = mineToo ? 'you were told' : `${x.filer_name || 'the filer'} was told`;
      return h('p', { class: 'escalation-told', id: `escalation-${x.id}-told` },
        h('span', { class: 'told-mark', 'aria-hidden': 'true', text: '✓ ' }),
        `Solved — ${who} on `, h('time', { datetime: x.told_at, title: formatDateTime(x.told_at), text: formatDateTime(x.told_at) }), '.');
    }
    if (SOLVED.has(x.ticket && x.ticket.status)) {
      return h('p', { class: 'escalation-told', id: `escalation-${x.id}-told` }, h('span', { class: 'told-mark', 'aria-hidden': 'true', text: '✓ ' }), 'Solved.');
    }
    return h('p', { class: 'escalation-open muted', id: `escalation-${x.id}-told`, text: mineToo ? 'With the support team. You’ll be told when it is solved.' : 'With the support team.' });
  }

  function item(x) {
    const t = x.ticket || { id: x.ticket_id };
    const by = all ? (x.filer_id === me.id ? 'you' : (x.filer_name || `person #${x.filer_id}`)) : null;
    const channel = CHANNEL_LABEL[x.channel] || x.channel;
    return h('li', { class: `card escalation-item${x.id === justFiled ? ' is-new' : ''}`, id: `escalation-${x.id}`, tabindex: '-1', dataset: { escalationId: String(x.id), ticketId: String(x.ticket_id) } },
      h('div', { class: 'escalation-head' },
        h('h2', { class: 'escalation-subject' }, ticketLink(t, me)),
        x.id === justFiled ? h('span', { class: 'badge new-badge', text: 'Just filed' }) : null),
      h('dl', { class: 'escalation-facts' },
        h('div', { class: 'fact' }, h('dt', { text: 'Status' }), h('dd', null, statusBadge(t.status))),
        h('div', { class: 'fact' }, h('dt', { text: 'Priority' }), h('dd', null, priorityBadge(t.priority))),
        h('div', { class: 'fact' }, h('dt', { text: 'Filed' }),
          h('dd', null, h('time', { datetime: x.created_at, title: formatDateTime(x.created_at), text: dayOf(x.created_at) }),
            by ? h('span', { class: 'muted', text: ` by ${by}` }) : null)),
        h('div', { class: 'fact' }, h('dt', { text: 'Came by' }), h('dd', { text: channel }))),
      x.why ? h('p', { class: 'escalation-why' }, h('span', { class: 'muted', text: 'Why it matters: ' }), x.why) : null,
      toldLine(x));
  }

  function empty() {
    if (all) {
      return h('div', { class: 'empty-state', id: 'escalations-empty' },
        h('h2', { class: 'empty-title', text: 'Nobody has escalated a customer yet.' }),
        h('p', { text: 'When someone outside support brings in a customer — a forwarded email, a DM, a call — it shows here, with who filed it.' }));
    }
    return h('div', { class: 'empty-state', id: 'escalations-empty' },
      h('h2', { class: 'empty-title', text: 'You have not escalated a customer yet.' }),
      h('p', { text: 'When a customer reaches you directly — an email to you, a DM, a call, a meeting — file it here instead of an @here. The support team takes it from there, and you are told when it is solved.' }),
      h('p', null, h('a', { class: 'button primary', href: '#/escalate', text: 'Escalate a customer' })));
  }

  async function load(first) {
    more.disabled = true;
    more.textContent = 'Loading…';
    region.setAttribute('aria-busy', 'true');
    if (first) {
      cursor = null;
      shown = 0;
      list.replaceChildren();
      replace(region, loading(all ? 'Loading everyone’s escalations…' : 'Loading your escalations…'));
    }
    try {
      const page = await api('GET', `/escalations${query({ mine: all ? '' : 1, limit: PAGE, cursor })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && !items.length) {
        replace(region, empty());
        return;
      }
      if (first) replace(region, all ? listTitle : null, list, count, moreWrap);
      for (const x of items) list.append(item(x));
      shown += items.length;
      count.textContent = cursor ? `Showing the newest ${shown}.` : `${plural(shown, 'escalation')}.`;
      moreWrap.hidden = !cursor;
      if (!first && items.length) list.children[shown - items.length]?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const msg = `Could not load the escalations: ${sentence(e.message)}`;
      if (first) {
        replace(region, h('p', { class: 'form-error', role: 'alert', text: msg }),
          h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load(true) })));
      } else ctx.announce(`${msg} Press “Load more” to try again.`, { tone: 'error' });
    } finally {
      if (ctx.isCurrent()) {
        region.removeAttribute('aria-busy');
        more.disabled = false;
        more.textContent = 'Load more';
      }
    }
  }

  // ---- the week's report (everyone's view) ----
  function reportTables(r) {
    const filers = Array.isArray(r.by_filer) ? r.by_filer : [];
    const deps = Array.isArray(r.by_department) ? r.by_department : [];
    if (!filers.length && !deps.length) {
      return h('p', { class: 'empty-line muted', id: 'esc-report-empty', text: `Nobody filed an escalation in week ${weekNumber(r.week)}. Quiet weeks are good weeks.` });
    }
    return h('div', { class: 'met-grid' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', id: 'esc-by-filer' },
        h('caption', { class: 'table-caption', text: 'By person' }),
        h('thead', null, h('tr', null, ['Person', 'Department', 'Filed', 'Urgent'].map((c) => h('th', { scope: 'col', class: c === 'Filed' || c === 'Urgent' ? 'num' : null, text: c })))),
        h('tbody', null, filers.map((f) => h('tr', { dataset: { personId: String(f.person_id) } },
          h('th', { scope: 'row', 'data-label': 'Person' }, h('span', { class: 'person-name', text: f.name || `person #${f.person_id}` })),
          h('td', { 'data-label': 'Department', text: f.department || '—' }),
          h('td', { class: 'num', 'data-label': 'Filed', text: String(f.filed) }),
          h('td', { class: 'num', 'data-label': 'Urgent', text: String(f.urgent) })))))),
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table rollup', id: 'esc-by-department' },
        h('caption', { class: 'table-caption', text: 'By department' }),
        h('thead', null, h('tr', null, ['Department', 'Filed', 'Urgent'].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', null, deps.map((d) => h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Department', text: d.department || '—' }),
          h('td', { class: 'num', 'data-label': 'Filed', text: String(d.filed) }),
          h('td', { class: 'num', 'data-label': 'Urgent', text: String(d.urgent) })))))));
  }

  function weekButtons(r) {
    const prev = shiftWeek(r.week, -1);
    const next = shiftWeek(r.week, 1);
    const go = (label, focusId) => {
      week = label;
      remember();
      loadReport(focusId);
    };
    const current = Date.now() >= Date.parse(r.start) && Date.now() < Date.parse(r.end);
    return h('div', { class: 'week-nav-links', role: 'group', 'aria-label': 'Weeks' },
      h('button', { type: 'button', class: 'button secondary small', id: 'esc-week-prev', onclick: () => go(prev, 'esc-week-prev') },
        h('span', { 'aria-hidden': 'true', text: '← ' }), 'Previous week'),
      current ? null : h('button', { type: 'button', class: 'button quiet small', id: 'esc-week-this', onclick: () => go('', 'esc-week-prev'), text: 'This week' }),
      h('button', { type: 'button', class: 'button secondary small', id: 'esc-week-next', onclick: () => go(next, 'esc-week-next') },
        'Next week', h('span', { 'aria-hidden': 'true', text: ' →' })));
  }

  async function loadReport(focusId) {
    report.setAttribute('aria-busy', 'true');
    if (!report.firstChild) replace(report, loading('Loading the week’s report…'));
    try {
      const r = await api('GET', `/reports/escalations${query({ week })}`);
      if (!ctx.isCurrent()) return;
      replace(report,
        h('div', { class: 'list-head' },
          h('h2', { id: 'esc-report-title' }, `Escalations in week ${weekNumber(r.week)}`, h('span', { class: 'muted week-range', text: ` · ${formatWeekRange(r.first_day)}` })),
          weekButtons(r)),
        h('dl', { class: 'stats stats-row esc-stats' },
          stat('Filed', r.filed, 'esc-filed'),
          stat('Made urgent by support', r.urgent, 'esc-urgent')),
        reportTables(r));
      if (focusId) report.querySelector(`#${focusId}`)?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replace(report, h('h2', { id: 'esc-report-title', text: 'The week’s report' }),
        h('p', { class: 'form-error', role: 'alert', text: `Could not load the report: ${sentence(e.message)}` }),
        h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => loadReport() })));
    } finally {
      report.removeAttribute('aria-busy');
    }
  }

  /** The address says what is shown (reload, share); the history is not filled with it. */
  function remember() {
    const q = new URLSearchParams();
    if (all) q.set('all', '1');
    if (all && week) q.set('week', week);
    history.replaceState(null, '', `#/escalations${q.toString() ? `?${q}` : ''}`);
  }

  function switchView() {
    all = allRadio.checked;
    remember();
    showTitle();
    report.hidden = !all;
    if (all && !report.firstChild) loadReport();
    load(true);
  }

  mineRadio.addEventListener('change', switchView);
  allRadio.addEventListener('change', switchView);
  more.addEventListener('click', () => load(false));

  showTitle();
  report.hidden = !all;
  replace(ctx.main,
    h('section', { class: 'escalations-page', 'aria-labelledby': 'escalations-title' },
      h('div', { class: 'page-head' },
        h('div', null, title, intro),
        h('a', { class: 'button primary', href: '#/escalate', id: 'escalations-new', text: 'Escalate a customer' })),
      whose,
      report,
      region));
  if (all) loadReport();
  load(true).then(() => {
    if (justFiled && ctx.isCurrent()) list.querySelector(`#escalation-${justFiled}`)?.scrollIntoView({ block: 'nearest' });
  });
  ctx.focusHeading();
}
