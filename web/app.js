// app.js - entry point: session state, hash router (#/login, #/queue,
// #/tickets/42, #/week, #/inbox, #/reviews, #/reviews/7, #/training,
// #/style, #/groups, #/groups/3, #/fixes, #/escalate, #/escalations,
// #/launches, #/launches/5, #/kudos, #/levels, #/routing, #/policy,
// #/exemptions, #/coverage, #/report, #/digest) and the header with its
// navigation, the inbox's unread count and the clock. The header keeps the
// everyday screens in view and the rest behind "More", grouped, so its links
// take one calm row on a wide screen and at most two on a phone. Each screen
// lives in views/*.js and gets a small context object; it never touches
// another screen's DOM.

import { api, setCsrf, setUnauthenticatedHandler, ApiError } from './api.js';
import { h, replace, announce, clearAnnouncement, loading } from './dom.js';
import { ROLE_LABEL, formatTimeIn } from './format.js';
import { onClockChange, startClock, stopClock } from './clock.js';
import { countText, inboxCount, onInboxChange, refreshInbox, startInbox, stopInbox } from './inbox.js';
import { forgetPeople } from './people.js';
import { renderLogin } from './views/login.js';
import { renderQueue } from './views/queue.js';
import { renderTicket } from './views/ticket.js';
import { renderWeek } from './views/week.js';
import { renderPolicy } from './views/policy.js';
import { renderExemptions } from './views/exemptions.js';
import { renderCoverage } from './views/coverage.js';
import { renderReport } from './views/report.js';
import { renderDigest } from './views/digest.js';
import { renderInbox } from './views/inbox.js';
import { renderReviews, renderReview } from './views/reviews.js';
import { renderStyle } from './views/style.js';
import { renderRouting } from './views/routing.js';
import { renderLevels } from './views/levels.js';
import { renderTraining } from './views/training.js';
import { renderGroups } from './views/groups.js';
import { renderGroup } from './views/group.js';
import { renderFixes } from './views/fixes.js';
import { renderEscalate } from './views/escalate.js';
import { renderEscalations } from './views/escalations.js';
import { renderLaunches } from './views/launches.js';
import { renderLaunch } from './views/launch.js';
import { renderKudos } from './views/kudos.js';

const state = {
  person: null, // Person of the signed-in user, null when logged out
  afterLogin: '#/queue', // where to go once logged in
  stash: new Map(), // ticket id -> Ticket already fetched (queue/next answer)
};

/**
 * Screens reached by '#/<name>', with who sees them in the header and
 * where: group 'main' is always in view, the others are sections of "More".
 */
const SCREENS = {
  queue: { label: 'Queue', render: renderQueue, nav: () => true, group: 'main' },
  week: { label: 'My week', render: renderWeek, nav: () => true, group: 'main' },
  inbox: { label: 'Inbox', render: renderInbox, nav: () => true, group: 'main' },
  reviews: { label: 'Reviews', render: renderReviews, nav: isPro, group: 'main' },
  escalate: { label: 'Escalate', render: renderEscalate, nav: () => true, group: 'main' },
  training: { label: 'Training', render: renderTraining, nav: () => true, group: 'learn' },
  style: { label: 'Style guide', render: renderStyle, nav: () => true, group: 'learn' },
  escalations: { label: 'My escalations', render: renderEscalations, nav: () => true, group: 'feedback' },
  launches: { label: 'Launches', render: renderLaunches, nav: () => true, group: 'feedback' },
  kudos: { label: 'Kudos', render: renderKudos, nav: () => true, group: 'feedback' },
  groups: { label: 'Repeated questions', render: renderGroups, nav: () => true, group: 'feedback' },
  fixes: { label: 'My fixes', render: renderFixes, nav: () => true, group: 'feedback' },
  levels: { label: 'Levels', render: renderLevels, nav: isPro, group: 'program' },
  routing: { label: 'Routing', render: renderRouting, nav: isPro, group: 'program' },
  coverage: { label: 'Coverage', render: renderCoverage, nav: isLead, group: 'program' },
  report: { label: 'Report', render: renderReport, nav: (p) => isLead(p) || Boolean(p.leader), group: 'program' },
  digest: { label: 'Digest', render: renderDigest, nav: (p) => isLead(p) || Boolean(p.leader), group: 'program' },
  exemptions: { label: 'Exemptions', render: renderExemptions, nav: isLead, group: 'program' },
  policy: { label: 'Policy', render: renderPolicy, nav: isLead, group: 'program' },
};

/** The sections of "More", in order. */
const MORE_GROUPS = [['learn', 'Learn'], ['feedback', 'Feedback'], ['program', 'The program']];

function isLead(p) {
  return Boolean(p && p.role === 'lead');
}

/** The support team: pros and leads. */
function isPro(p) {
  return Boolean(p && (p.role === 'pro' || p.role === 'lead'));
}

let cleanups = [];
let renderSeq = 0;

const main = () => document.getElementById('main');

/** '#/tickets/42?x=1' -> {name: 'ticket', id: 42, query: URLSearchParams} */
function parseRoute(hash) {
  const raw = (hash || '').replace(/^#/, '');
  const [path, qs] = raw.split('?', 2);
  const query = new URLSearchParams(qs || '');
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'login') return { name: 'login', query };
  if (parts[0] === 'tickets' && /^[1-9][0-9]{0,17}$/.test(parts[1] || '')) {
    return { name: 'ticket', id: Number(parts[1]), query };
  }
  if (parts[0] === 'reviews' && /^[1-9][0-9]{0,17}$/.test(parts[1] || '')) {
    return { name: 'review', id: Number(parts[1]), query };
  }
  if (parts[0] === 'groups' && /^[1-9][0-9]{0,17}$/.test(parts[1] || '')) {
    return { name: 'group', id: Number(parts[1]), query };
  }
  if (parts[0] === 'launches' && /^[1-9][0-9]{0,17}$/.test(parts[1] || '')) {
    return { name: 'launch', id: Number(parts[1]), query };
  }
  if (parts.length === 1 && Object.hasOwn(SCREENS, parts[0])) return { name: parts[0], query };
  return { name: 'unknown', query };
}

function navigate(hash, { replaceEntry = false } = {}) {
  if (location.hash === hash) {
    render(); // same route: render again (e.g. next ticket is the same one)
    return;
  }
  if (replaceEntry) {
    history.replaceState(null, '', hash);
    render();
  } else {
    location.hash = hash; // hashchange renders
  }
}

function runCleanups() {
  for (const fn of cleanups) {
    try {
      fn();
    } catch (e) {
      console.warn('cleanup failed', e);
    }
  }
  cleanups = [];
}

function renderHeader() {
  const header = document.getElementById('app-header');
  const who = document.getElementById('who');
  const nav = document.getElementById('app-nav');
  if (!state.person) {
    header.hidden = true;
    who.replaceChildren();
    nav.replaceChildren();
    return;
  }
  const p = state.person;
  replace(who,
    h('span', { class: 'who-name', text: p.name || p.email }),
    h('span', { class: 'who-role', text: ROLE_LABEL[p.role] || p.role || '' }));
  const shown = Object.entries(SCREENS).filter(([, s]) => s.nav(p));
  const link = ([name, s]) => h('li', null, h('a', { href: `#/${name}`, dataset: { screen: name }, text: s.label }));
  const groups = MORE_GROUPS.map(([key, title]) => [key, title, shown.filter(([, s]) => s.group === key)])
    .filter(([, , items]) => items.length);
  replace(nav, h('ul', { class: 'nav-main' },
    shown.filter(([, s]) => s.group === 'main').map(link),
    groups.length ? h('li', { class: 'nav-more' }, moreMenu(groups, link)) : null));
  showInboxCount(inboxCount());
  markNav(parseRoute(location.hash).name);
  header.hidden = false;
}

/**
 * "More": a disclosure button and the links behind it, in labelled groups.
 * Not an ARIA menu: links in lists, reached with Tab; Esc, a click outside
 * or leaving it with Tab closes it (closeMoreOutside), and so does
 * following a link.
 */
function moreMenu(groups, link) {
  const button = h('button', { type: 'button', class: 'nav-more-button', id: 'nav-more', 'aria-expanded': 'false', 'aria-controls': 'nav-more-menu' },
    'More', h('span', { class: 'nav-more-caret', 'aria-hidden': 'true', text: '▾' }));
  const menu = h('div', { class: 'nav-more-menu', id: 'nav-more-menu' },
    groups.map(([key, title, items]) => h('div', { class: 'nav-group' },
      h('p', { class: 'nav-group-title', id: `nav-group-${key}`, text: title }),
      h('ul', { 'aria-labelledby': `nav-group-${key}` }, items.map(link)))));
  menu.hidden = true;
  const wrap = [button, menu];
  const setOpen = (open) => {
    menu.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => setOpen(menu.hidden));
  button.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowDown') return;
    ev.preventDefault();
    setOpen(true);
    menu.querySelector('a')?.focus();
  });
  menu.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) setOpen(false);
  });
  for (const el of wrap) {
    el.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || menu.hidden) return;
      ev.preventDefault();
      setOpen(false);
      button.focus();
    });
    el.addEventListener('focusout', (ev) => {
      const to = ev.relatedTarget;
      if (to && !button.contains(to) && !menu.contains(to)) setOpen(false);
    });
  }
  return wrap;
}

/** A click anywhere but on "More" or its links closes it. */
function closeMoreOutside(ev) {
  const menu = document.getElementById('nav-more-menu');
  if (!menu || menu.hidden || (ev.target instanceof Element && ev.target.closest('.nav-more'))) return;
  menu.hidden = true;
  document.getElementById('nav-more').setAttribute('aria-expanded', 'false');
}

/** The header's "Inbox 2": the number is text, and a screen reader hears "Inbox, 2 unread". */
function showInboxCount(c) {
  const link = document.querySelector('#app-nav a[data-screen="inbox"]');
  if (!link) return;
  if (!c || !c.unread) {
    link.removeAttribute('aria-label');
    replace(link, SCREENS.inbox.label);
    return;
  }
  const n = countText(c);
  link.setAttribute('aria-label', `${SCREENS.inbox.label}, ${n} unread`);
  replace(link, SCREENS.inbox.label, ' ', h('span', { class: 'nav-count', id: 'inbox-unread', text: n }));
}

/** The header link a screen without its own belongs to: a ticket to the queue. */
const PARENT = { ticket: 'queue', review: 'reviews', group: 'groups', launch: 'launches' };

let markedScreen = null;

/**
 * aria-current on the header link of the screen shown; "More" looks current
 * when that link is behind it, and closes when the screen changed (a link in
 * it was followed; a screen that only draws itself again leaves it be).
 */
function markNav(name) {
  const current = PARENT[name] || name;
  const moved = current !== markedScreen;
  markedScreen = current;
  let inMore = false;
  for (const a of document.querySelectorAll('#app-nav a')) {
    if (a.dataset.screen === current) {
      a.setAttribute('aria-current', 'page');
      inMore = Boolean(a.closest('#nav-more-menu'));
    } else a.removeAttribute('aria-current');
  }
  const more = document.getElementById('nav-more');
  if (more) {
    more.classList.toggle('is-current', inMore);
    if (moved) {
      more.setAttribute('aria-expanded', 'false');
      document.getElementById('nav-more-menu').hidden = true;
    }
  }
}

/** The header's "On the clock" link, and a word when the server ended a session. */
function showClock(s, why) {
  const pill = document.getElementById('clock-pill');
  pill.hidden = !(state.person && s && s.clocked_in);
  if (why === 'idle' && state.person) {
    const at = s && s.session && (s.session.ended_at || s.session.last_active_at);
    const when = at ? ` at ${formatTimeIn(at, state.person.timezone)}` : '';
    announce(`Your queue session ended${when} after a while without activity — idle time does not count. Clock in again on My week when you are back.`,
      { tone: 'warn', keep: true });
  }
}

/** The context a view receives. */
function makeContext(seq) {
  return {
    main: main(),
    state,
    navigate,
    announce,
    /** false once the user has moved on; async work should then stop. */
    isCurrent: () => seq === renderSeq,
    onCleanup: (fn) => cleanups.push(fn),
    /** Listens on document for the lifetime of this screen. */
    listen: (type, fn) => {
      document.addEventListener(type, fn);
      cleanups.push(() => document.removeEventListener(type, fn));
    },
    setTitle: (t) => {
      document.title = t ? `${t} · allhands` : 'allhands';
    },
    loggedIn: (person, csrf) => {
      state.person = person;
      setCsrf(csrf);
      renderHeader();
      startClock();
      startInbox();
      const next = state.afterLogin || '#/queue';
      state.afterLogin = '#/queue';
      navigate(next, { replaceEntry: true });
    },
    focusHeading: () => {
      const h1 = main().querySelector('h1');
      if (h1) {
        h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      }
    },
  };
}

function render() {
  runCleanups();
  clearAnnouncement();
  const seq = ++renderSeq;
  const route = parseRoute(location.hash);
  const ctx = makeContext(seq);
  window.scrollTo(0, 0);

  if (!state.person) {
    if (route.name !== 'login') state.afterLogin = route.name === 'unknown' ? '#/queue' : location.hash;
    if (route.name !== 'login') history.replaceState(null, '', '#/login');
    renderLogin(ctx);
    return;
  }
  if (route.name === 'login' || route.name === 'unknown') {
    history.replaceState(null, '', '#/queue');
    markNav('queue');
    refreshInbox();
    renderQueue(ctx, new URLSearchParams());
    return;
  }
  markNav(route.name);
  refreshInbox(); // the inbox view shares this request for its first page
  if (route.name === 'ticket') renderTicket(ctx, route.id);
  else if (route.name === 'review') renderReview(ctx, route.id);
  else if (route.name === 'group') renderGroup(ctx, route.id);
  else if (route.name === 'launch') renderLaunch(ctx, route.id);
  else SCREENS[route.name].render(ctx, route.query);
}

function sessionEnded() {
  if (!state.person) return;
  state.person = null;
  setCsrf(null);
  stopClock();
  stopInbox();
  forgetPeople();
  renderHeader();
  announce('Your session has ended. Log in again to continue.', { tone: 'warn', keep: true });
  state.afterLogin = location.hash || '#/queue';
  render();
}

async function logout(button) {
  button.disabled = true;
  button.textContent = 'Logging out…';
  try {
    await api('DELETE', '/session', undefined, { quiet401: true });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      announce(`Could not log out: ${e.message}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'Log out';
      return;
    }
  }
  button.disabled = false;
  button.textContent = 'Log out';
  state.person = null;
  state.stash.clear();
  state.afterLogin = '#/queue';
  setCsrf(null);
  stopClock();
  stopInbox();
  forgetPeople();
  renderHeader();
  announce('You are logged out.', { tone: 'success', keep: true });
  navigate('#/login');
}

async function start() {
  setUnauthenticatedHandler(sessionEnded);
  const logoutButton = document.getElementById('logout');
  logoutButton.addEventListener('click', () => logout(logoutButton));
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault(); // the hash belongs to the router
    main().focus();
  });
  window.addEventListener('hashchange', render);
  document.addEventListener('click', closeMoreOutside);
  onClockChange(showClock);
  onInboxChange(showInboxCount);

  replace(main(), loading('Loading allhands…'));
  try {
    const s = await api('GET', '/session', undefined, { quiet401: true });
    state.person = s.person;
    setCsrf(s.csrf);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      announce(`Could not check your session: ${e.message}`, { tone: 'error', keep: true });
    }
  }
  renderHeader();
  if (state.person) {
    startClock();
    startInbox();
  }
  render();
}

start();
