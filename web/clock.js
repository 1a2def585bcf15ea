// clock.js - the signed-in person's queue clock, for the whole app, not one
// screen: its state (GET /clock), clocking in and out, and the heartbeat.
// The server measures queue time: every request counts as activity, and a
// session idle past the policy's timeout ends at its last activity. While
// clocked in and the tab is visible, a heartbeat every minute says "still
// here" (reading a long ticket sends nothing else); a hidden tab sends
// nothing, so time away from the screen stops counting.

import { api, ApiError } from './api.js';

export const HEARTBEAT_MS = 60_000;

let current = null; // {clocked_in, session} as the server last said, null before that
let running = false; // between start() and stop(): someone is signed in
let timer = null;
const listeners = new Set();

/** The last known {clocked_in, session}, or null while unknown. */
export function clockState() {
  return current;
}

/**
 * fn(state, why) on every change; why: 'load' | 'in' | 'out' | 'idle'
 * (the server ended the session after idle time) | 'update'. Returns an
 * unsubscribe function.
 */
export function onClockChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function set(next, why) {
  current = next && typeof next === 'object' ? next : { clocked_in: false, session: null };
  schedule();
  for (const fn of [...listeners]) fn(current, why);
}

function visible() {
  return document.visibilityState === 'visible';
}

function schedule() {
  const want = running && current && current.clocked_in && visible();
  if (want && !timer) timer = setInterval(heartbeat, HEARTBEAT_MS);
  if (!want && timer) {
    clearInterval(timer);
    timer = null;
  }
}

async function heartbeat() {
  if (!running || !current || !current.clocked_in || !visible()) return;
  try {
    const s = await api('POST', '/clock/heartbeat');
    if (!running) return;
    set(s, current && current.clocked_in && !s.clocked_in ? 'idle' : 'update');
  } catch (e) {
    // A missed beat is harmless: the next one (or any request) counts too.
    // 401 already went to the app's "session ended" handler.
    if (!(e instanceof ApiError)) throw e;
  }
}

function onVisibility() {
  if (!running) return;
  if (visible() && current && current.clocked_in) heartbeat(); // back: did the session idle out meanwhile?
  schedule();
}

/** Fetches the clock again; throws ApiError. */
export async function refreshClock(why = 'update') {
  const s = await api('GET', '/clock');
  if (running) set(s, why);
  return s;
}

/** POST /clock/in; throws ApiError (409 when already clocked in). */
export async function clockIn() {
  const s = await api('POST', '/clock/in');
  set(s, 'in');
  return s;
}

/** POST /clock/out; throws ApiError (409 when not clocked in). */
export async function clockOut() {
  const s = await api('POST', '/clock/out');
  set(s, 'out');
  return s;
}

/** Someone signed in: learn the clock's state and keep the heartbeat going. */
export function startClock() {
  if (!running) {
    running = true;
    document.addEventListener('visibilitychange', onVisibility);
  }
  refreshClock('load').catch(() => { /* shown by the screens that need it */ });
}

/** Signed out: forget the state, stop beating. */
export function stopClock() {
  running = false;
  document.removeEventListener('visibilitychange', onVisibility);
  current = null;
  schedule();
  for (const fn of [...listeners]) fn(null, 'update');
}
