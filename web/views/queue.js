// views/queue.js - the queue: "Next ticket", the tickets waiting for someone
// (GET /queue, 50 at a time) and a search over GET /tickets?q=.

import { api, query } from '../api.js';
import { h, replace, isTyping, loading } from '../dom.js';
import { capitalize, formatDue, formatDateTime, tierLabel, sentence } from '../format.js';
import { takeNext } from './next.js';

const PAGE = 50;

const COLUMNS = ['Subject', 'Requester', 'Priority', 'Tier', 'Status', 'Due'];

function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}`, text: capitalize(value) });
}

function ticketRow(ctx, t) {
  const href = `#/tickets/${t.id}`;
  const due = formatDue(t.due_at);
  const requester = t.requester || {};
  const row = h('tr', { class: 'ticket-row', dataset: { ticketId: String(t.id) } },
    h('td', { class: 'col-subject', 'data-label': 'Subject' },
      h('a', { href, class: 'subject-link' }, t.subject || '(no subject)'),
      h('span', { class: 'ticket-id muted', text: ` #${t.id}` })),
    h('td', { class: 'col-requester', 'data-label': 'Requester' },
      h('span', { class: 'requester-name', text: requester.name || requester.email || '—' })),
    h('td', { class: 'col-nowrap', 'data-label': 'Priority' }, badge('priority', t.priority)),
    h('td', { class: 'col-nowrap col-tier', 'data-label': 'Tier', text: tierLabel(t.tier) }),
    h('td', { class: 'col-nowrap', 'data-label': 'Status' }, badge('status', t.status)),
    h('td', { 'data-label': 'Due', class: due.overdue ? 'due overdue' : 'due' },
      h('time', { datetime: t.due_at || '', title: formatDateTime(t.due_at), text: due.text })));
  row.addEventListener('click', (ev) => {
    if (ev.target.closest('a, button') || (window.getSelection && String(window.getSelection()))) return;
    ctx.navigate(href);
  });
  return row;
}

/**
 * A paged list of tickets: loads `path` with cursor/limit, renders rows and
 * a "Load more" button while the server returns a next_cursor.
 */
function ticketList(ctx, { path, params, caption, empty }) {
  const region = h('div', { class: 'list-region' });
  const tbody = h('tbody');
  const table = h('table', { class: 'tickets' },
    h('caption', { class: 'visually-hidden', text: caption }),
    h('thead', null, h('tr', null, COLUMNS.map((c) => h('th', { scope: 'col', text: c })))),
    tbody);
  const more = h('button', { type: 'button', class: 'button secondary', text: 'Load more' });
  const moreWrap = h('div', { class: 'load-more' }, more);
  const count = h('p', { class: 'list-count muted', 'aria-live': 'polite' });
  let cursor = null;
  let shown = 0;

  async function load(first) {
    more.disabled = true;
    more.textContent = 'Loading…';
    region.setAttribute('aria-busy', 'true');
    const progress = first ? loading() : null;
    if (progress) replace(region, progress);
    try {
      const page = await api('GET', path + query({ ...params, limit: PAGE, cursor }));
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && items.length === 0) {
        replace(region, empty());
        return;
      }
      if (first) replace(region, table, count, moreWrap);
      for (const t of items) tbody.append(ticketRow(ctx, t));
      shown += items.length;
      count.textContent = cursor
        ? `Showing the first ${shown} tickets.`
        : `${shown} ${shown === 1 ? 'ticket' : 'tickets'}.`;
      moreWrap.hidden = !cursor;
      if (!first && items.length) {
        const firstNew = tbody.rows[shown - items.length];
        firstNew?.querySelector('a')?.focus();
      }
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const msg = h('p', { class: 'form-error', role: 'alert', text: `Could not load the tickets: ${sentence(e.message)}` });
      const retry = h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load(first) });
      if (first) replace(region, msg, retry);
      else ctx.announce(msg.textContent, { tone: 'error' });
    } finally {
      region.removeAttribute('aria-busy');
      more.disabled = false;
      more.textContent = 'Load more';
    }
  }

  more.addEventListener('click', () => load(false));
  load(true);
  return region;
}

function emptyQueue() {
  return h('div', { class: 'empty-state' },
    h('h3', { text: 'The queue is empty — nothing to take right now.' }),
    h('p', { text: 'Every ticket you can take is with someone already. New tickets appear here as customers write in.' }),
    h('ul', null,
      h('li', { text: 'Press “Next ticket” in a few minutes to check again.' }),
      h('li', { text: 'Follow up on a ticket you worked on: search for it above.' })));
}

function emptySearch(q) {
  return h('div', { class: 'empty-state' },
    h('h3', null, 'No tickets match “', q, '”.'),
    h('p', { text: 'Try fewer or different words, a requester’s name, or the ticket’s subject.' }));
}

export function renderQueue(ctx, params) {
  const q = (params.get('q') || '').trim();
  ctx.setTitle(q ? `Search: ${q}` : 'Queue');

  const nextButton = h('button', { type: 'button', class: 'button primary big', id: 'next-ticket', 'aria-keyshortcuts': 'n' }, 'Next ticket');
  nextButton.addEventListener('click', () => takeNext(ctx, nextButton));

  const searchInput = h('input', { id: 'search-q', name: 'q', type: 'search', value: q, autocomplete: 'off', placeholder: 'Subject, requester, words in the thread' });
  const searchForm = h('form', { class: 'search', role: 'search' },
    h('label', { for: 'search-q', text: 'Search tickets' }),
    h('div', { class: 'search-row' },
      searchInput,
      h('button', { type: 'submit', class: 'button secondary', text: 'Search' })));
  searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = searchInput.value.trim();
    ctx.navigate(value ? `#/queue?${new URLSearchParams({ q: value })}` : '#/queue');
  });

  const listHeading = q
    ? h('div', { class: 'list-head' },
      h('h2', null, 'Search results for “', q, '”'),
      h('a', { href: '#/queue', class: 'button quiet', text: 'Back to the queue' }))
    : h('div', { class: 'list-head' },
      h('h2', { text: 'Waiting for someone' }),
      h('p', { class: 'muted', text: 'Open tickets nobody holds, most urgent first. Open one to read it, or let “Next ticket” pick for you.' }));

  const list = q
    ? ticketList(ctx, { path: '/tickets', params: { q }, caption: `Tickets matching ${q}`, empty: () => emptySearch(q) })
    : ticketList(ctx, { path: '/queue', params: {}, caption: 'Tickets waiting in the queue', empty: emptyQueue });

  replace(ctx.main,
    h('section', { class: 'queue-page', 'aria-labelledby': 'queue-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'queue-title', text: 'Queue' }),
          h('p', { class: 'muted', text: 'Take the most urgent ticket you can answer.' })),
        h('div', { class: 'next-wrap' },
          nextButton,
          h('p', { class: 'hint' }, 'Shortcut: press ', h('kbd', { text: 'n' })))),
      searchForm,
      listHeading,
      list));

  ctx.listen('keydown', (ev) => {
    if (ev.key !== 'n' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    if (isTyping(ev.target) || nextButton.disabled) return;
    ev.preventDefault();
    takeNext(ctx, nextButton);
  });

  if (q) searchInput.focus();
  else ctx.focusHeading();
}
