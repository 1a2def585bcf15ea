// app.js - entry point: session state, hash router (#/login, #/queue,
// #/tickets/42) and the header. Each screen lives in views/*.js and gets a
// small context object; it never touches another screen's DOM.

import { api, setCsrf, setUnauthenticatedHandler, ApiError } from './api.js';
import { h, replace, announce, clearAnnouncement, loading } from './dom.js';
import { ROLE_LABEL } from './format.js';
import { renderLogin } from './views/login.js';
import { renderQueue } from './views/queue.js';
import { renderTicket } from './views/ticket.js';

const state = {
  person: null, // Person of the signed-in user, null when logged out
  afterLogin: '#/queue', // where to go once logged in
  stash: new Map(), // ticket id -> Ticket already fetched (queue/next answer)
};

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
  if (parts[0] === 'queue') return { name: 'queue', query };
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
  if (!state.person) {
    header.hidden = true;
    who.replaceChildren();
    return;
  }
  const p = state.person;
  replace(who,
    h('span', { class: 'who-name', text: p.name || p.email }),
    h('span', { class: 'who-role', text: ROLE_LABEL[p.role] || p.role || '' }));
  header.hidden = false;
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
    renderQueue(ctx, new URLSearchParams());
    return;
  }
  if (route.name === 'ticket') renderTicket(ctx, route.id);
  else renderQueue(ctx, route.query);
}

function sessionEnded() {
  if (!state.person) return;
  state.person = null;
  setCsrf(null);
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
  render();
}

start();
