// inbox.js - the signed-in person's notifications, for the whole app, not one
// screen: how many are unread (the header's "Inbox 2"), and marking one read.
// The count comes from the newest page of 50 (GET /notifications), so it is
// cheap; a full page of unread ones reads "50+". It is fetched when someone
// signs in, on every navigation, and every few minutes while the tab is
// visible, like the clock's heartbeat: a hidden tab asks nothing.

import { api, query, ApiError } from './api.js';

export const INBOX_PAGE = 50;
export const INBOX_REFRESH_MS = 3 * 60_000;

let current = null; // {unread, more} as last counted, null before that
let running = false; // between startInbox() and stopInbox(): someone is signed in
let timer = null;
let seq = 0; // the latest request started; an older answer never overwrites a newer one
let inFlight = null; // the newest page being fetched, shared by whoever asks meanwhile
const listeners = new Set();

/** The last known {unread, more}, or null while unknown. */
export function inboxCount() {
  return current;
}

/** fn(count) on every change of the count (null: signed out). Returns an unsubscribe function. */
export function onInboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** "2", or "50+" when the newest page is all unread. */
export function countText(c) {
  return c && c.more ? `${c.unread}+` : String(c ? c.unread : 0);
}

function set(next) {
  const same = current && next && current.unread === next.unread && current.more === next.more;
  current = next;
  if (!same) for (const fn of [...listeners]) fn(current);
}

/** Counts the unread ones of the newest page. */
function countPage(page) {
  const items = (page && page.items) || [];
  const unread = items.filter((n) => !n.read_at).length;
  return { unread, more: unread >= INBOX_PAGE && Boolean(page.next_cursor) };
}

function visible() {
  return document.visibilityState === 'visible';
}

function schedule() {
  const want = running && visible();
  if (want && !timer) timer = setInterval(refreshInbox, INBOX_REFRESH_MS);
  if (!want && timer) {
    clearInterval(timer);
    timer = null;
  }
}

/**
 * The newest page of notifications ({items, next_cursor}); counts it for the
 * header too. Throws ApiError. fresh: do not reuse a request already under
 * way (it may have started before something was marked read).
 */
export function newestPage({ fresh = false } = {}) {
  if (inFlight && !fresh) return inFlight;
  const mine = ++seq;
  const p = api('GET', `/notifications${query({ limit: INBOX_PAGE })}`).then((page) => {
    if (running && mine === seq) set(countPage(page));
    return page;
  }).finally(() => {
    if (inFlight === p) inFlight = null;
  });
  inFlight = p;
  return p;
}

/** Counts again; a failure keeps the last count (the next refresh tries again). */
export function refreshInbox({ fresh = false } = {}) {
  if (!running) return Promise.resolve(current);
  return newestPage({ fresh }).then(() => current, (e) => {
    // 401 already went to the app's "session ended" handler.
    if (!(e instanceof ApiError)) throw e;
    return current;
  });
}

/**
 * POST /notifications/{id}/read; then the header counts again (recount: false
 * when marking several: count once after the last). Throws ApiError (404:
 * not in your inbox).
 */
export async function markRead(id, { recount = true } = {}) {
  await api('POST', `/notifications/${id}/read`);
  if (recount) refreshInbox({ fresh: true });
}

function onVisibility() {
  if (!running) return;
  if (visible()) refreshInbox(); // back: something may have arrived meanwhile
  schedule();
}

/** Someone signed in: count their unread notifications and keep the count fresh. */
export function startInbox() {
  if (!running) {
    running = true;
    document.addEventListener('visibilitychange', onVisibility);
  }
  schedule();
  refreshInbox();
}

/** Signed out: forget the count, stop asking. */
export function stopInbox() {
  running = false;
  document.removeEventListener('visibilitychange', onVisibility);
  seq++;
  inFlight = null;
  schedule();
  set(null);
}
