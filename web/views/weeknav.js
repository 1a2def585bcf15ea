// views/weeknav.js - "← Previous week · This week · Next week →" for the
// screens that show one week (#/week, #/coverage, #/report), with the [ and ]
// keys. The week is in the hash: #/<screen>?week=2026-W48.

import { h, isTyping } from '../dom.js';
import { shiftWeek } from '../weeks.js';

/** 'past' | 'current' | 'future' for a week's [start, end) (ISO instants). */
export function phaseOf(week, now = Date.now()) {
  if (now >= Date.parse(week.end)) return 'past';
  if (now < Date.parse(week.start)) return 'future';
  return 'current';
}

/**
 * The navigation for week label on screen (e.g. 'week'); current: it is the
 * week the screen shows without ?week= (no link back to it then), called
 * home ("This week"). Also binds [ and ] through ctx.
 */
export function weekNav(ctx, screen, label, { current, home = 'This week' }) {
  const prev = shiftWeek(label, -1);
  const next = shiftWeek(label, 1);
  ctx.listen('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
    if (ev.key !== '[' && ev.key !== ']') return;
    ev.preventDefault();
    ctx.navigate(`#/${screen}?week=${ev.key === '[' ? prev : next}`);
  });
  return h('nav', { class: 'week-nav', 'aria-label': 'Weeks' },
    h('div', { class: 'week-nav-links' },
      h('a', { class: 'button secondary', href: `#/${screen}?week=${prev}`, rel: 'prev', 'aria-keyshortcuts': '[', id: 'week-prev' },
        h('span', { 'aria-hidden': 'true', text: '← ' }), 'Previous week'),
      current ? null : h('a', { class: 'button quiet', href: `#/${screen}`, id: 'week-this', text: home }),
      h('a', { class: 'button secondary', href: `#/${screen}?week=${next}`, rel: 'next', 'aria-keyshortcuts': ']', id: 'week-next' },
        'Next week', h('span', { 'aria-hidden': 'true', text: ' →' }))),
    h('p', { class: 'hint week-keys' }, 'Keys: ', h('kbd', { text: '[' }), ' and ', h('kbd', { text: ']' }), ' move a week.'));
}
