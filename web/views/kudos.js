// views/kudos.js - Kudos (#/kudos): praise the signed-in person received
// for their replies (GET /kudos?person=me, newest first, 20 at a time), each
// a quote with who gave it, the reply it praises quoted and its ticket
// linked. Managers see the people they manage, and pros, leads and the
// company's leaders anyone, through a person picker (#/kudos?person=12;
// GET /kudos?person=12). A 403 says plainly whose kudos one may see.

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { formatDate, formatDateTime, plural, sentence } from '../format.js';
import { seesAll } from '../feedback.js';
import { allPeople, nameOf } from '../people.js';

const PAGE = 20;
const dayOf = (iso) => (iso ? formatDate(String(iso).slice(0, 10)) : '—');

export function renderKudos(ctx, params) {
  ctx.setTitle('Kudos');
  const me = ctx.state.person;
  const broad = seesAll(me);
  const asked = /^[1-9][0-9]{0,17}$/.test(params.get('person') || '') ? Number(params.get('person')) : me.id;
  let who = asked; // a person id
  let whoName = who === me.id ? 'you' : '';
  let cursor = null;
  let shown = 0;

  const list = h('ul', { class: 'kudos-list', id: 'kudos-list', 'aria-labelledby': 'kudos-list-title' });
  const listTitle = h('h2', { class: 'visually-hidden', id: 'kudos-list-title' });
  const region = h('div', { class: 'list-region', id: 'kudos-region' });
  const count = h('p', { class: 'list-count muted', id: 'kudos-count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button secondary', id: 'kudos-more', text: 'Load more' });
  const moreWrap = h('div', { class: 'load-more' }, more);
  const picker = h('div', { class: 'kudos-picker' });
  picker.hidden = true;

  function giverLine(k) {
    if (k.from_customer) {
      return h('p', { class: 'kudos-giver' }, '— the customer', h('span', { class: 'muted', text: `, passed on by ${k.giver_name || 'a pro'}` }));
    }
    return h('p', { class: 'kudos-giver' }, `— ${k.giver_name || `person #${k.giver_id}`}`);
  }

  function item(k) {
    return h('li', { class: 'card kudos-item', id: `kudos-${k.id}`, tabindex: '-1', dataset: { kudosId: String(k.id) } },
      h('figure', { class: 'kudos-figure' },
        h('blockquote', { class: 'kudos-text', text: k.text }),
        h('figcaption', null, giverLine(k))),
      h('div', { class: 'kudos-reply' },
        h('p', { class: 'kudos-about' },
          who === me.id ? 'For your reply on ' : `For ${k.person_name ? `${k.person_name}’s` : 'their'} reply on `,
          h('a', { href: `#/tickets/${k.ticket_id}`, class: 'kudos-ticket', text: k.subject || `ticket #${k.ticket_id}` }),
          h('span', { class: 'muted', text: ` #${k.ticket_id} · ` }),
          h('time', { class: 'muted', datetime: k.created_at, title: formatDateTime(k.created_at), text: dayOf(k.created_at) })),
        k.quote ? h('blockquote', { class: 'kudos-quote', text: k.quote }) : null));
  }

  function empty() {
    if (who === me.id) {
      return h('div', { class: 'empty-state', id: 'kudos-empty' },
        h('h2', { class: 'empty-title', text: 'No kudos yet. When someone praises one of your replies, it shows here.' }),
        h('p', { text: 'Kudos come from colleagues who read your replies, and from customers’ thanks the support team passes on.' }),
        h('p', null, 'Saw a good reply from someone else? Open the ticket and press “Give kudos” under it — or take the ', h('a', { href: '#/queue', text: 'next ticket' }), '.'));
    }
    return h('div', { class: 'empty-state', id: 'kudos-empty' },
      h('h2', { class: 'empty-title', text: `No kudos for ${whoName || 'them'} yet.` }),
      h('p', { text: 'When someone praises one of their replies, it shows here.' }));
  }

  async function load(first) {
    more.disabled = true;
    more.textContent = 'Loading…';
    region.setAttribute('aria-busy', 'true');
    if (first) {
      cursor = null;
      shown = 0;
      list.replaceChildren();
      replace(region, loading('Loading the kudos…'));
    }
    listTitle.textContent = who === me.id ? 'Kudos you received' : `Kudos ${whoName || 'they'} received`;
    try {
      const page = await api('GET', `/kudos${query({ person: who === me.id ? 'me' : who, limit: PAGE, cursor })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && !items.length) {
        replace(region, empty());
        return;
      }
      if (first) replace(region, listTitle, list, count, moreWrap);
      for (const k of items) list.append(item(k));
      shown += items.length;
      count.textContent = cursor ? `Showing the newest ${shown}.` : `${plural(shown, 'kudos', 'kudos')}.`;
      moreWrap.hidden = !cursor;
      if (!first && items.length) list.children[shown - items.length]?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 403) {
        replace(region, h('div', { class: 'callout info', id: 'kudos-forbidden', role: 'status' },
          h('p', { class: 'callout-title' }, h('strong', { text: 'These kudos are not yours to see.' })),
          h('p', { text: 'Kudos are seen by the person who got them, their manager, and the support team and the company’s leaders.' }),
          h('p', null, h('a', { href: '#/kudos', text: 'See your own kudos' }))));
        return;
      }
      const msg = `Could not load the kudos: ${sentence(e.message)}`;
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

  /** Whose kudos: the people this person may see (managers: their reports; pros, leads, leaders: anyone). */
  async function showPicker() {
    let people;
    try {
      people = await allPeople();
    } catch {
      return; // no picker; one's own kudos still show
    }
    if (!ctx.isCurrent()) return;
    const mine = people.filter((p) => p.id !== me.id && p.active !== false && (broad || p.manager_id === me.id))
      .sort((a, b) => nameOf(a, a.id).localeCompare(nameOf(b, b.id)));
    if (!mine.length) return;
    const known = people.find((p) => p.id === who);
    if (known && who !== me.id) whoName = nameOf(known, who);
    const select = h('select', { id: 'kudos-person', name: 'person', 'aria-describedby': 'kudos-person-hint' },
      h('option', { value: String(me.id), selected: who === me.id, text: 'Mine' }),
      h('optgroup', { label: broad ? 'Everyone' : 'People you manage' },
        mine.map((p) => h('option', { value: String(p.id), selected: p.id === who, text: p.department ? `${nameOf(p, p.id)} · ${p.department}` : nameOf(p, p.id) }))));
    replace(picker,
      h('div', { class: 'field' },
        h('label', { for: 'kudos-person', text: 'Whose kudos' }),
        select,
        h('p', { class: 'hint', id: 'kudos-person-hint', text: broad ? 'As part of the support team or a leader, you can read anyone’s.' : 'You can read the kudos of the people you manage.' })));
    picker.hidden = false;
    select.addEventListener('change', () => {
      who = Number(select.value);
      const p = people.find((x) => x.id === who);
      whoName = who === me.id ? 'you' : nameOf(p, who);
      history.replaceState(null, '', who === me.id ? '#/kudos' : `#/kudos?person=${who}`);
      load(true);
    });
  }

  more.addEventListener('click', () => load(false));
  replace(ctx.main,
    h('section', { class: 'kudos-page', 'aria-labelledby': 'kudos-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'kudos-title', text: 'Kudos' }),
          h('p', { class: 'muted', text: 'Praise for a reply, tied to the ticket and the words that earned it. Newest first.' }))),
      picker,
      region));
  showPicker();
  load(true);
  ctx.focusHeading();
}
