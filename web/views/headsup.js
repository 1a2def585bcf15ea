// views/headsup.js - the launch heads-up beside a ticket's thread (GET
// /tickets/{id}/launches): the launches of the last 30 days that share a tag
// with the ticket, each as "Launched Nov 24: New invoice layout — expect
// questions from accountants", with whether support is ready and a link to
// the launch. Hidden when there is none.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatMonthDay, sentence } from '../format.js';
import { missingWords, readinessBadge, shorten } from '../feedback.js';

/** "Expect questions…" -> "expect questions…" after a dash; "API changes" stays as it is. */
function lowerFirst(s) {
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

function item(l) {
  const missing = l.readiness === 'not_ready' && l.missing && l.missing.length ? ` Missing ${missingWords(l.missing)}.` : '';
  return h('li', { class: 'headsup-item', dataset: { launchId: String(l.id) } },
    h('p', { class: 'headsup-line' },
      h('strong', { text: `Launched ${formatMonthDay(l.day)}: ` }),
      h('a', { href: `#/launches/${l.id}`, class: 'headsup-title', text: l.title }),
      l.impact ? ` — ${lowerFirst(shorten(l.impact, 140))}` : null),
    h('p', { class: 'headsup-readiness' }, readinessBadge(l), missing ? h('span', { class: 'headsup-missing', text: missing }) : null));
}

/** The panel (el, hidden until there is a launch to show) and load(). */
export function launchPanel(ctx, ticketId) {
  const el = h('aside', { class: 'card headsup-panel', id: 'launch-headsup', 'aria-labelledby': 'headsup-title' });
  el.hidden = true;

  async function load() {
    let page;
    try {
      page = await api('GET', `/tickets/${ticketId}/launches`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 403 || e.status === 404) { // the ticket screen says why
        el.hidden = true;
        return;
      }
      el.hidden = false;
      replace(el, h('h2', { id: 'headsup-title', class: 'side-title', text: 'Launch heads-up' }),
        h('p', { class: 'muted', role: 'status', text: `Could not check for recent launches: ${sentence(e.message)}` }));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = (page && page.items) || [];
    el.hidden = !items.length;
    if (!items.length) {
      el.replaceChildren();
      return;
    }
    replace(el,
      h('h2', { id: 'headsup-title', class: 'side-title', text: items.length === 1 ? 'Launch heads-up' : `Launch heads-ups (${items.length})` }),
      h('p', { class: 'headsup-why muted', text: 'This ticket has the tags of a recent launch: it may be about it.' }),
      h('ul', { class: 'headsup-list' }, items.map(item)));
  }

  return { el, load };
}
