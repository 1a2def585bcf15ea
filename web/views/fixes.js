// views/fixes.js - My fixes (#/fixes): the product fixes the signed-in
// person owns (GET /fixes?owner=me), newest first, each with the repeated
// questions it answers, how many tickets asked them, and how many still came
// after it shipped. The owner marks a fix shipped here (PATCH /fixes/{id}
// {state}); from then on tickets that join its groups are flagged "after fix".

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { plural, sentence } from '../format.js';
import { afterFixCount, fixStateBadge, fixStateWords, groupName, trackerLink } from '../groups.js';
import { sparkline, thisWeek } from '../trend.js';

function groupItem(g) {
  return h('li', { class: 'fix-group', dataset: { groupId: String(g.id) } },
    h('a', { href: `#/groups/${g.id}`, class: 'fix-group-name', text: groupName(g) }),
    h('span', { class: 'fix-group-counts muted', text: `${plural(g.size, 'ticket')}, ${thisWeek(g.trend)} this week` }),
    sparkline(g.trend),
    afterFixCount(g.after_fix));
}

export function renderFixes(ctx) {
  ctx.setTitle('My fixes');
  const region = h('div', { class: 'list-region', id: 'fixes-region' });
  const fixes = new Map(); // id -> the fix as listed

  function fixCard(f) {
    const shipped = f.state === 'shipped';
    const groups = Array.isArray(f.groups) ? f.groups : [];
    const titleId = `fix-${f.id}-title`;
    const tracker = trackerLink(f);
    const ship = h('button', { type: 'button', class: shipped ? 'button quiet small' : 'button primary small', 'aria-describedby': titleId, text: shipped ? 'Mark not shipped' : 'Mark shipped' });
    ship.addEventListener('click', () => setShipped(f, !shipped, ship));
    return h('li', { class: 'card fix-item', id: `fix-${f.id}`, tabindex: '-1', dataset: { fixId: String(f.id) } },
      h('div', { class: 'fix-item-head' },
        h('h2', { class: 'fix-item-title', id: titleId, text: f.title }),
        fixStateBadge(f.state),
        h('div', { class: 'fix-item-actions' }, ship)),
      h('p', { class: 'fix-item-facts' },
        h('span', { text: `${plural(Number(f.tickets) || 0, 'ticket')} in ${plural(groups.length, 'question')}` }),
        shipped ? [' · ', h('span', { text: fixStateWords(f) })] : null,
        Number(f.after_fix) ? [' · ', afterFixCount(f.after_fix)] : null,
        tracker ? [' · ', tracker] : null),
      shipped && Number(f.after_fix)
        ? h('p', { class: 'hint', text: 'Tickets still arrive after it shipped: read one or two — the fix may not answer the question fully.' })
        : null,
      groups.length
        ? h('ul', { class: 'fix-groups', 'aria-label': `Questions “${f.title}” answers` }, groups.map(groupItem))
        : h('p', { class: 'muted', text: 'No question is linked to it any more.' }));
  }

  function show() {
    if (!fixes.size) {
      replace(region, h('div', { class: 'empty-state', id: 'fixes-empty' },
        h('h2', { class: 'empty-title', text: 'You own no fixes.' }),
        h('p', { text: 'When support links a repeated question to a product fix and names you its owner, it shows up here — with how many tickets asked for it.' }),
        h('p', null, 'See what customers ask again and again in ', h('a', { href: '#/groups', text: 'Repeated questions' }), '.')));
      return;
    }
    replace(region, h('ul', { class: 'fix-list', 'aria-labelledby': 'fixes-title' }, [...fixes.values()].map(fixCard)));
  }

  async function setShipped(f, shipped, button) {
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      const saved = await api('PATCH', `/fixes/${f.id}`, { state: shipped ? 'shipped' : 'open' });
      if (!ctx.isCurrent()) return;
      ctx.announce(shipped
        ? `“${saved.title}” is marked shipped. Tickets that still arrive in its questions will say “after fix”.`
        : `“${saved.title}” is in progress again.`, { tone: 'success' });
      await load();
      region.querySelector(`#fix-${f.id}`)?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not change “${f.title}”: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = shipped ? 'Mark shipped' : 'Mark not shipped';
    }
  }

  async function load() {
    region.setAttribute('aria-busy', 'true');
    if (!region.firstChild) replace(region, loading('Loading your fixes…'));
    try {
      const page = await api('GET', `/fixes${query({ owner: 'me' })}`);
      if (!ctx.isCurrent()) return;
      fixes.clear();
      for (const f of (page && page.items) || []) fixes.set(f.id, f);
      show();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replace(region, h('p', { class: 'form-error', role: 'alert', text: `Could not load your fixes: ${sentence(e.message)}` }),
        h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load() })));
    } finally {
      region.removeAttribute('aria-busy');
    }
  }

  replace(ctx.main,
    h('section', { class: 'fixes-page', 'aria-labelledby': 'fixes-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'fixes-title', text: 'My fixes' }),
          h('p', { class: 'muted', text: 'The product fixes you own, and the repeated questions each one answers. Mark a fix shipped when it is out: tickets that still ask its questions after that count as “after fix”.' }))),
      region));
  load();
  ctx.focusHeading();
}
