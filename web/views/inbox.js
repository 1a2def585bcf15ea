// views/inbox.js - the inbox (#/inbox): what the program's consequence ladder
// told the signed-in person, newest first (GET /notifications, 50 at a time,
// "Load older" for the rest). Each says in words what it is, the server's
// text, the week it is about and when it came; unread ones say "New".
// Opening the inbox marks nothing: "Mark as read" on each (and "Mark all as
// read" for the unread ones shown) does (POST /notifications/{id}/read), and
// the header's count follows (inbox.js).

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { formatDateTime, formatRelative, formatWeekRange, plural, sentence } from '../format.js';
import { INBOX_PAGE, markRead, newestPage, refreshInbox } from '../inbox.js';
import { weekNumber, weekOfFirstDay } from '../weeks.js';

/** What each kind of notification is, in plain words. */
const KIND_TITLE = {
  'ladder.remind': 'Reminder: you are behind on queue time',
  'ladder.manager': 'Someone you manage is behind',
  'ladder.report': 'You are on the leadership report',
  'escalation.solved': 'A customer you escalated is solved',
  route_back: 'A ticket was routed back to you',
  'launch.readiness': 'Support said whether they are ready for your launch',
  kudos: 'Kudos for a reply',
};

/** The feedback loops' notices: where to read more (their week means nothing to the reader). */
const SEE = {
  'escalation.solved': () => ({ href: '#/escalations', text: 'My escalations' }),
  route_back: (n) => {
    const m = /^Ticket #([1-9][0-9]{0,17})\b/.exec(String(n.body || ''));
    return m ? { href: `#/tickets/${m[1]}`, text: `Open ticket #${m[1]}` } : null;
  },
  'launch.readiness': () => ({ href: '#/launches', text: 'Launches' }),
  kudos: () => ({ href: '#/kudos', text: 'Kudos' }),
};

/** Kinds about the reader's own week: their week links to My week. */
const ABOUT_ME = new Set(['ladder.remind', 'ladder.report']);

function titleOf(n) {
  return KIND_TITLE[n.kind] || 'A notice from allhands';
}

export function renderInbox(ctx) {
  ctx.setTitle('Inbox');
  const me = ctx.state.person;
  const seesReport = me.role === 'lead' || Boolean(me.leader);
  const shown = []; // notifications listed, in order
  let cursor = null;

  const list = h('ul', { class: 'inbox-list', id: 'inbox-list', 'aria-labelledby': 'inbox-title' });
  const region = h('div', { class: 'list-region', id: 'inbox-region' });
  const count = h('p', { class: 'list-count muted', id: 'inbox-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button secondary', id: 'inbox-older', text: 'Load older' });
  const moreWrap = h('div', { class: 'load-more' }, more);
  const markAll = h('button', { type: 'button', class: 'button secondary', id: 'inbox-mark-all', text: 'Mark all as read', hidden: true });

  /** "Week 47 · Nov 16 – 22, 2026": a link to My week for one's own week. */
  function weekPart(n) {
    if (SEE[n.kind]) {
      const link = SEE[n.kind](n);
      return link ? h('p', { class: 'inbox-week' }, h('a', link)) : null;
    }
    if (!n.week_first_day) return null;
    const label = weekOfFirstDay(n.week_first_day);
    const words = `Week ${weekNumber(label)} · ${formatWeekRange(n.week_first_day)}`;
    if (ABOUT_ME.has(n.kind)) {
      return h('p', { class: 'inbox-week' }, h('a', { href: `#/week?week=${label}`, text: words }));
    }
    return h('p', { class: 'inbox-week' }, words,
      seesReport && n.kind === 'ladder.manager'
        ? [' · ', h('a', { href: `#/report?week=${label}`, text: `The report for week ${weekNumber(label)}` })]
        : null);
  }

  function item(n) {
    const unread = !n.read_at;
    const titleId = `inbox-item-${n.id}-title`;
    const when = h('time', { class: 'inbox-time', datetime: n.created_at, title: formatRelative(n.created_at), text: formatDateTime(n.created_at) });
    const action = unread
      ? h('button', { type: 'button', class: 'button secondary small', 'aria-describedby': titleId, text: 'Mark as read', onclick: (ev) => markOne(n, ev.currentTarget) })
      : h('span', { class: 'inbox-read muted', title: `Read ${formatDateTime(n.read_at)}`, text: 'Read' });
    return h('li', { class: `inbox-item${unread ? ' is-unread' : ''}`, tabindex: '-1', dataset: { notificationId: String(n.id), kind: n.kind } },
      h('div', { class: 'inbox-main' },
        h('div', { class: 'inbox-head' },
          unread ? h('span', { class: 'badge new-badge', text: 'New' }) : null,
          h('h2', { class: 'inbox-title', id: titleId, text: titleOf(n) }),
          when),
        h('p', { class: 'inbox-body', text: n.body }),
        weekPart(n)),
      h('div', { class: 'inbox-action' }, action));
  }

  function unreadShown() {
    return shown.filter((n) => !n.read_at);
  }

  function showCount() {
    const fresh = unreadShown().length;
    const total = `${cursor ? 'The newest ' : ''}${plural(shown.length, 'notification')}`;
    count.textContent = `${total}${fresh ? `, ${fresh} new` : ', none new'}.`;
    if (!fresh && document.activeElement === markAll) ctx.focusHeading(); // it is about to go
    markAll.hidden = !fresh;
  }

  function showItems(items) {
    for (const n of items) {
      shown.push(n);
      list.append(item(n));
    }
    showCount();
    moreWrap.hidden = !cursor;
  }

  function empty() {
    return h('div', { class: 'empty-state', id: 'inbox-empty' },
      h('h2', { class: 'empty-title', text: 'Nothing here.' }),
      h('p', { text: 'Reminders about your queue hours and the people you manage arrive here.' }),
      h('p', null, 'Keep your hours on track on ', h('a', { href: '#/week', text: 'My week' }), '.'));
  }

  /** One item as read now: "New" gone, its button a quiet "Read". */
  function showRead(n) {
    n.read_at = n.read_at || new Date().toISOString();
    const old = list.querySelector(`li[data-notification-id="${n.id}"]`);
    if (old) old.replaceWith(item(n));
  }

  /** Where focus goes once an item's button is gone: the next unread one's, else the item. */
  function focusAfter(n) {
    const li = list.querySelector(`li[data-notification-id="${n.id}"]`);
    let next = li && li.nextElementSibling;
    while (next && !next.classList.contains('is-unread')) next = next.nextElementSibling;
    const target = (next && next.querySelector('.inbox-action button')) || list.querySelector('li.is-unread .inbox-action button') || li;
    target?.focus();
  }

  async function markOne(n, button) {
    const hadFocus = document.activeElement === button;
    button.disabled = true;
    button.textContent = 'Marking…';
    try {
      await markRead(n.id);
      if (!ctx.isCurrent()) return;
      showRead(n);
      showCount();
      if (hadFocus || document.activeElement === document.body) focusAfter(n);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      button.disabled = false;
      button.textContent = 'Mark as read';
      if (e.status === 404) {
        ctx.announce('That notification is no longer in your inbox. The list is shown again as it is now.', { tone: 'warn' });
        reload();
      } else {
        ctx.announce(`Could not mark it as read: ${sentence(e.message)} Try again in a moment.`, { tone: 'error' });
        if (hadFocus) button.focus();
      }
    }
  }

  async function markAllShown() {
    const todo = unreadShown();
    if (!todo.length) return;
    const hadFocus = document.activeElement === markAll;
    markAll.disabled = true;
    markAll.textContent = 'Marking…';
    let done = 0;
    try {
      for (const n of todo) {
        await markRead(n.id, { recount: false });
        done++;
        if (!ctx.isCurrent()) return;
        showRead(n);
      }
      ctx.announce(`Marked ${plural(done, 'notification')} as read.`, { tone: 'success' });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const left = todo.length - done;
      ctx.announce(`Could not mark ${plural(left, 'notification')} as read: ${sentence(e.message)} Try again in a moment.`, { tone: 'error' });
    } finally {
      refreshInbox({ fresh: true });
      if (ctx.isCurrent()) {
        markAll.disabled = false;
        markAll.textContent = 'Mark all as read';
        showCount();
        if (hadFocus && markAll.hidden) ctx.focusHeading();
      }
    }
  }

  async function load(first) {
    more.disabled = true;
    more.textContent = 'Loading…';
    region.setAttribute('aria-busy', 'true');
    if (first) replace(region, loading('Loading your inbox…'));
    try {
      const page = first
        ? await newestPage()
        : await api('GET', `/notifications${query({ limit: INBOX_PAGE, cursor })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && items.length === 0) {
        replace(region, empty());
        return;
      }
      if (first) replace(region, list, count, moreWrap);
      const before = list.children.length;
      showItems(items);
      if (!first && items.length) list.children[before]?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const msg = `Could not load ${first ? 'your inbox' : 'older notifications'}: ${sentence(e.message)}`;
      if (first) {
        replace(region,
          h('p', { class: 'form-error', role: 'alert', text: msg }),
          h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load(true) })));
      } else {
        ctx.announce(`${msg} Press “Load older” to try again.`, { tone: 'error' });
      }
    } finally {
      if (ctx.isCurrent()) {
        region.removeAttribute('aria-busy');
        more.disabled = false;
        more.textContent = 'Load older';
      }
    }
  }

  function reload() {
    shown.length = 0;
    cursor = null;
    list.replaceChildren();
    load(true);
  }

  more.addEventListener('click', () => load(false));
  markAll.addEventListener('click', markAllShown);

  replace(ctx.main,
    h('section', { class: 'inbox-page', 'aria-labelledby': 'inbox-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'inbox-title', text: 'Inbox' }),
          h('p', { class: 'muted', text: 'What the program tells you when you, or someone you manage, fall behind on weekly queue hours. Newest first. Opening the inbox marks nothing as read.' })),
        markAll),
      region));
  load(true);
  ctx.focusHeading();
}
