// feedback.js - the words and small pieces the feedback screens share
// (internal escalations, route-backs, launch heads-ups, kudos): who may see
// everyone's, a ticket's status and priority as badges, a launch's
// readiness in words, tags typed as one line, and a server message of the
// form "field: what is wrong" taken apart so the form can mark that field.

import { h } from './dom.js';
import { capitalize, formatDate, sentence } from './format.js';

/** Pros and leads: the support team (the API's "coach" permission). */
export function isSupport(p) {
  return Boolean(p && (p.role === 'pro' || p.role === 'lead'));
}

/** Pros, leads and the company's leaders see everyone's escalations and the reports. */
export function seesAll(p) {
  return isSupport(p) || Boolean(p && p.leader);
}

/** How a customer reached the person filing an escalation (the API's channel). */
export const CHANNELS = [
  ['email', 'Email'],
  ['chat', 'Chat or DM'],
  ['phone', 'Phone call'],
  ['meeting', 'Meeting'],
  ['social', 'Social media'],
  ['other', 'Other'],
];
export const CHANNEL_LABEL = Object.fromEntries(CHANNELS);

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}`, text: capitalize(status) });
}

export function priorityBadge(priority) {
  return h('span', { class: `badge priority-${priority}`, text: capitalize(priority) });
}

/** What support may say is missing before a launch, in the order the API keeps them. */
export const MISSING = [
  ['saved_reply', 'Saved reply', 'a saved reply'],
  ['help_article', 'Help article', 'a help article'],
  ['training', 'Training', 'training'],
];
const MISSING_WORDS = Object.fromEntries(MISSING.map(([k, , w]) => [k, w]));

const andList = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** ['saved_reply', 'training'] -> "a saved reply and training". */
export function missingWords(missing) {
  return andList.format((missing || []).map((k) => MISSING_WORDS[k] || String(k).replace(/_/g, ' ')));
}

const READINESS_BADGE = { ready: 'Support: ready', not_ready: 'Support: not ready', unjudged: 'Support: not judged yet' };

/** The readiness as a badge: the words say it, the colour helps. */
export function readinessBadge(l) {
  const r = READINESS_BADGE[l.readiness] ? l.readiness : 'unjudged';
  return h('span', { class: `badge readiness-${r}`, text: READINESS_BADGE[r] });
}

/** "Launched Nov 24" / "Launches Nov 26" (today counts as launched). */
export function launchDayWords(l, today) {
  const day = formatDate(l.day);
  return l.day <= today ? `Launched ${day}` : `Launches ${day}`;
}

/** "billing, invoices  vat" -> ['billing', 'invoices', 'vat']: commas or spaces, each once. */
export function parseTags(text) {
  const out = [];
  for (const t of String(text || '').split(/[\s,]+/)) {
    const tag = t.trim();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** A ticket tag list, or "None". */
export function tagList(tags, label = 'Tags') {
  if (!tags || !tags.length) return h('span', { class: 'muted', text: 'None' });
  return h('ul', { class: 'tags', 'aria-label': label }, tags.map((t) => h('li', { class: 'tag', text: t })));
}

/**
 * The server says "text: what the customer wrote or said is required":
 * {field: 'text', text: 'What the customer wrote or said is required.'}.
 * field is null when the message names none.
 */
export function fieldProblem(message) {
  const m = /^([a-z_]+): (.+)$/s.exec(String(message || ''));
  if (!m) return { field: null, text: sentence(message) };
  return { field: m[1], text: sentence(m[2]) };
}

/** A first line or so of long text, for a list: at most n characters, cut at a word. */
export function shorten(text, n = 160) {
  const s = String(text || '').replace(/\s+/g, ' ').trim();
  if (s.length <= n) return s;
  const cut = s.slice(0, n);
  const space = cut.lastIndexOf(' ');
  return `${(space > n * 0.6 ? cut.slice(0, space) : cut).replace(/[.,;:!?\s]+$/, '')}…`;
}

/**
 * A ticket the viewer can open is a link; a tier-2 ticket is the pros' own
 * and a member would only meet "not found", so for them it is plain text.
 */
export function ticketLink(t, viewer, { id } = {}) {
  const subject = (t && t.subject) || '(no subject)';
  if (t && t.tier === 2 && !isSupport(viewer)) {
    return h('span', { class: 'ticket-plain', id }, h('span', { class: 'subject-text', text: subject }),
      h('span', { class: 'ticket-id muted', text: ` #${t.id}` }));
  }
  return h('span', { class: 'ticket-plain', id }, h('a', { class: 'subject-link', href: `#/tickets/${t.id}`, text: subject }),
    h('span', { class: 'ticket-id muted', text: ` #${t.id}` }));
}
