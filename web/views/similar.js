// views/similar.js - the panel beside a ticket's thread: how many others
// asked the same question this week and in all (GET /tickets/{id}/similar),
// its group with the trend, up to five open tickets asking it, and "After
// fix" when the ticket came after the group's fix shipped. A new ticket is
// grouped by the server a moment after it arrives: until then the panel says
// it is looking, and asks again a few times. Pros and leads can move a
// ticket that asks something else out into a group of its own
// (POST /tickets/{id}/group {group_id: null}).

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDate, plural, sentence } from '../format.js';
import { afterFixBadge, canCurate, groupName } from '../groups.js';
import { sparkline } from '../trend.js';

const RETRY_MS = [1000, 2000, 4000, 8000]; // then it gives up quietly: some tickets have no words to group by

/** "2 others asked this this week" (the link), and what follows it. */
function headline(s, href) {
  const week = Number(s.others_this_week) || 0;
  const all = Number(s.others) || 0;
  if (week > 0) {
    return h('p', { class: 'similar-count' },
      h('a', { href, id: 'similar-link', text: `${plural(week, 'other', 'others')} asked this this week` }),
      ' ', h('span', { class: 'muted nowrap', text: `· ${all} in all` }));
  }
  if (all > 0) {
    return h('p', { class: 'similar-count' },
      h('a', { href, id: 'similar-link', text: `${plural(all, 'other', 'others')} asked this before` }),
      ' ', h('span', { class: 'muted nowrap', text: '· none this week' }));
  }
  return h('p', { class: 'similar-count similar-none', text: 'Nobody else has asked this yet.' });
}

/** After fix, or the fix under way: what a reader should know about the product side. */
function fixPart(s, g) {
  const fix = g.fix;
  if (!fix) return null;
  if (s.after_fix) {
    const when = fix.shipped_at ? ` on ${formatDate(String(fix.shipped_at).slice(0, 10))}` : '';
    return h('div', { class: 'callout warn compact similar-after-fix', id: 'similar-after-fix' },
      h('p', null, afterFixBadge()),
      h('p', null, 'This came in after the fix ', h('strong', { text: `“${fix.title}”` }), ` shipped${when}. It may not answer this question fully.`));
  }
  if (fix.state === 'shipped') {
    return h('p', { class: 'similar-fix muted' }, 'Fix shipped: ', h('span', { class: 'similar-fix-title', text: `“${fix.title}”` }), '.');
  }
  return h('p', { class: 'similar-fix muted' }, 'A fix is in progress: ', h('span', { class: 'similar-fix-title', text: `“${fix.title}”` }),
    fix.owner_name ? `, owned by ${fix.owner_name}.` : '.');
}

/** The panel (el, hidden until the first answer) and load(); its timers end with the screen. */
export function similarPanel(ctx, ticketId) {
  const curate = canCurate(ctx.state.person);
  const el = h('aside', { class: 'card similar-panel', id: 'similar', 'aria-labelledby': 'similar-title' });
  el.hidden = true; // until the first answer
  let timer = null;
  let tries = 0;
  ctx.onCleanup(() => clearTimeout(timer));

  const title = () => h('h2', { id: 'similar-title', class: 'similar-title', text: 'Similar questions' });

  function waiting() {
    el.hidden = false;
    replace(el, title(), h('p', { class: 'similar-wait muted', role: 'status', text: 'Looking for similar questions…' }));
  }

  function moveOut(s, g, button) {
    const confirm = h('div', { class: 'similar-confirm', id: 'similar-confirm' },
      h('p', { class: 'confirm-text', id: 'similar-confirm-text', text: `Move ticket #${ticketId} out of “${groupName(g)}”? It starts a group of its own.` }));
    const yes = h('button', { type: 'button', class: 'button primary small', 'aria-describedby': 'similar-confirm-text', text: 'Move out' });
    const no = h('button', { type: 'button', class: 'button quiet small', text: 'Cancel' });
    const error = h('p', { class: 'field-error', role: 'alert' });
    confirm.append(h('div', { class: 'form-actions' }, yes, no), error);
    button.replaceWith(confirm);
    no.addEventListener('click', () => {
      confirm.replaceWith(button);
      button.focus();
    });
    confirm.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        no.click();
      }
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      yes.textContent = 'Moving…';
      error.textContent = '';
      try {
        const now = await api('POST', `/tickets/${ticketId}/group`, { group_id: null });
        if (!ctx.isCurrent()) return;
        ctx.announce(`Ticket #${ticketId} left “${groupName(g)}”. It is now in a group of its own (#${now.id}); new tickets asking the same will join it.`, { tone: 'success' });
        await load();
        el.querySelector('#similar-title')?.setAttribute('tabindex', '-1');
        el.querySelector('#similar-title')?.focus();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not moved: ${sentence(e.message)}`;
        yes.disabled = false;
        no.disabled = false;
        yes.textContent = 'Move out';
      }
    });
    yes.focus();
  }

  function show(s) {
    const g = s.group;
    const href = `#/groups/${g.id}`;
    const open = (Array.isArray(s.open) ? s.open : []).filter((t) => t.id !== ticketId).slice(0, 5);
    const parts = [
      title(),
      headline(s, href),
      fixPart(s, g),
      h('div', { class: 'similar-group' },
        h('p', { class: 'similar-group-name' },
          h('span', { class: 'muted', text: 'Group: ' }),
          h('a', { href, id: 'similar-group-link', text: groupName(g) })),
        h('div', { class: 'similar-trend' },
          sparkline(g.trend, { id: 'similar-spark' }),
          h('span', { class: 'muted', 'aria-hidden': 'true', text: 'last 8 weeks' }))),
    ];
    if (open.length) {
      parts.push(h('h3', { class: 'similar-open-title', id: 'similar-open-title', text: 'Open, asking the same' }),
        h('ul', { class: 'similar-open', 'aria-labelledby': 'similar-open-title' }, open.map((t) => h('li', null,
          h('a', { href: `#/tickets/${t.id}`, text: t.subject || '(no subject)' }),
          h('span', { class: 'muted', text: ` #${t.id}` })))));
    }
    if (curate && (Number(s.others) || 0) > 0) {
      const move = h('button', { type: 'button', class: 'button quiet small', id: 'similar-move-out', text: 'Not the same question? Move out' });
      move.addEventListener('click', () => moveOut(s, g, move));
      parts.push(h('div', { class: 'similar-actions' }, move));
    }
    el.hidden = false;
    replace(el, parts);
  }

  async function load() {
    clearTimeout(timer);
    timer = null;
    let s;
    try {
      s = await api('GET', `/tickets/${ticketId}/similar`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 403 || e.status === 404) { // the ticket screen says why
        el.hidden = true;
        return;
      }
      el.hidden = false;
      replace(el, title(), h('p', { class: 'muted', role: 'status', text: `Could not look for similar questions: ${sentence(e.message)} Reload the page to try again.` }));
      return;
    }
    if (!ctx.isCurrent()) return;
    if (s && s.grouped && s.group) {
      tries = 0;
      show(s);
      return;
    }
    if (tries >= RETRY_MS.length) { // nothing to group by: say nothing
      el.hidden = true;
      return;
    }
    waiting();
    timer = setTimeout(load, RETRY_MS[tries++]);
  }

  return { el, load };
}
