// views/groups.js - repeated questions (#/groups): the groups the server
// made of tickets asking the same question (GET /groups: biggest first, 50
// at a time, filtered by status and by "only mine", the groups whose fix I
// own), each with its size, this week's count, the 8-week trend as a
// sparkline, and its fix with the tickets that came after it shipped.
// One group's page is group.js.

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { plural, sentence } from '../format.js';
import { afterFixCount, fixStateBadge, groupName, groupStatusBadge } from '../groups.js';
import { sparkline, thisWeek } from '../trend.js';

const PAGE = 50;

/** The status filter: '' is the server's default, every group not merged. */
const STATUS_FILTERS = [
  ['', 'Open and not a product issue'],
  ['open', 'Open'],
  ['not_product_issue', 'Not a product issue'],
  ['all', 'All, merged ones too'],
];

function fixCell(g) {
  if (!g.fix) return h('span', { class: 'muted', text: 'None' });
  return [fixStateBadge(g.fix.state), h('span', { class: 'cell-note fix-cell-title', text: g.fix.title }), afterFixCount(g.after_fix)];
}

function groupRow(ctx, g) {
  const href = `#/groups/${g.id}`;
  const row = h('tr', { class: 'group-row', dataset: { groupId: String(g.id) } },
    h('th', { scope: 'row', class: 'col-question', 'data-label': 'Question' },
      h('a', { href, class: 'subject-link', text: groupName(g) }),
      h('span', { class: 'ticket-id muted', text: ` #${g.id}` })),
    h('td', { class: 'num', 'data-label': 'Tickets', text: String(g.size) }),
    h('td', { class: 'num', 'data-label': 'This week', text: String(thisWeek(g.trend)) }),
    h('td', { class: 'col-trend', 'data-label': 'Last 8 weeks' }, sparkline(g.trend)),
    h('td', { class: 'col-nowrap', 'data-label': 'Status' }, groupStatusBadge(g.status)),
    h('td', { class: 'col-fix', 'data-label': 'Fix' }, fixCell(g)));
  row.addEventListener('click', (ev) => {
    if (ev.target.closest('a, button') || (window.getSelection && String(window.getSelection()))) return;
    ctx.navigate(href);
  });
  return row;
}

export function renderGroups(ctx, params) {
  ctx.setTitle('Repeated questions');
  let status = STATUS_FILTERS.some(([v]) => v === params.get('status')) ? params.get('status') : '';
  let mine = params.get('mine') === '1';
  let cursor = null;
  let shown = 0;

  const statusSelect = h('select', { id: 'groups-status', name: 'status' },
    STATUS_FILTERS.map(([v, l]) => h('option', { value: v, selected: v === status, text: l })));
  const mineBox = h('input', { type: 'checkbox', id: 'groups-mine', name: 'mine', checked: mine, 'aria-describedby': 'groups-mine-hint' });
  const filters = h('div', { class: 'group-filters', role: 'group', 'aria-label': 'Filter the groups' },
    h('div', { class: 'field' }, h('label', { for: 'groups-status', text: 'Status' }), statusSelect),
    h('div', { class: 'choice group-mine' }, mineBox, h('label', { for: 'groups-mine', text: 'Only mine' }),
      h('span', { class: 'hint', id: 'groups-mine-hint', text: 'groups whose fix you own' })));

  const region = h('div', { class: 'list-region', id: 'groups-region' });
  const tbody = h('tbody');
  const table = h('div', { class: 'table-scroll' }, h('table', { class: 'data-table groups-table', id: 'groups-table' },
    h('caption', { class: 'visually-hidden', text: 'Repeated questions, biggest first' }),
    h('thead', null, h('tr', null,
      ['Question', 'Tickets', 'This week', 'Last 8 weeks', 'Status', 'Fix'].map((c) => h('th', { scope: 'col', class: ['Tickets', 'This week'].includes(c) ? 'num' : null, text: c })))),
    tbody));
  const count = h('p', { class: 'list-count muted', id: 'groups-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button secondary', id: 'groups-more', text: 'Load more' });
  const moreWrap = h('div', { class: 'load-more' }, more);

  function filtered() {
    return Boolean(status || mine);
  }

  function empty() {
    if (filtered()) {
      const reset = h('button', { type: 'button', class: 'button secondary', id: 'groups-reset', text: 'Show every group' });
      reset.addEventListener('click', () => {
        statusSelect.value = '';
        mineBox.checked = false;
        changed();
      });
      return h('div', { class: 'empty-state', id: 'groups-empty' },
        h('h2', { class: 'empty-title', text: 'No groups match these filters.' }),
        h('p', { text: mine ? 'You own no fix linked to a group like these.' : 'Try another status.' }),
        h('p', null, reset));
    }
    return h('div', { class: 'empty-state', id: 'groups-empty' },
      h('h2', { class: 'empty-title', text: 'No repeated questions yet. They appear here as tickets arrive.' }),
      h('p', { text: 'Tickets that ask the same question are grouped as they come in, so the biggest questions rise to the top and can be answered once — by a fix in the product.' }),
      h('p', null, 'Meanwhile, answer customers from the ', h('a', { href: '#/queue', text: 'queue' }), '.'));
  }

  async function load(first) {
    more.disabled = true;
    more.textContent = 'Loading…';
    region.setAttribute('aria-busy', 'true');
    if (first) {
      cursor = null;
      shown = 0;
      tbody.replaceChildren();
      replace(region, loading('Loading the repeated questions…'));
    }
    try {
      const page = await api('GET', `/groups${query({ status, owner: mine ? 'me' : '', limit: PAGE, cursor })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && items.length === 0) {
        filters.hidden = !filtered(); // nothing to filter yet
        replace(region, empty());
        return;
      }
      filters.hidden = false;
      if (first) replace(region, table, count, moreWrap);
      for (const g of items) tbody.append(groupRow(ctx, g));
      shown += items.length;
      count.textContent = cursor ? `Showing the first ${shown} groups.` : `${plural(shown, 'group')}.`;
      moreWrap.hidden = !cursor;
      if (!first && items.length) tbody.rows[shown - items.length]?.querySelector('a')?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const msg = `Could not load the repeated questions: ${sentence(e.message)}`;
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

  /** A filter changed: the address says so (reload, share), the list loads again; focus stays. */
  function changed() {
    status = statusSelect.value;
    mine = mineBox.checked;
    const q = new URLSearchParams();
    if (status) q.set('status', status);
    if (mine) q.set('mine', '1');
    history.replaceState(null, '', `#/groups${q.toString() ? `?${q}` : ''}`);
    load(true);
  }

  statusSelect.addEventListener('change', changed);
  mineBox.addEventListener('change', changed);
  more.addEventListener('click', () => load(false));

  replace(ctx.main,
    h('section', { class: 'groups-page', 'aria-labelledby': 'groups-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'groups-title', text: 'Repeated questions' }),
          h('p', { class: 'muted', text: 'Tickets that ask the same question, grouped as they arrive. Biggest first. A fix linked to a group has an owner; tickets that still come after it shipped count as “after fix”.' }))),
      filters,
      region));
  load(true);
  ctx.focusHeading();
}
