// groups.js - the words and small pieces the screens about repeated
// questions share (the list, a group's page, My fixes, the panel beside a
// ticket): a group's status and a fix's state as badges, the tracker link,
// "3 after fix", and who may curate (pros and leads, the API's "pros").

import { h } from './dom.js';
import { formatDate, plural } from './format.js';

export const GROUP_STATUS_LABEL = { open: 'Open', not_product_issue: 'Not a product issue', merged: 'Merged' };
export const FIX_STATE_LABEL = { open: 'In progress', shipped: 'Shipped' };

/** Pros and leads rename, merge and split groups and link fixes. */
export function canCurate(p) {
  return Boolean(p && (p.role === 'pro' || p.role === 'lead'));
}

/** The fix's owner, pros and leads mark it shipped. */
export function canShip(p, fix) {
  return canCurate(p) || Boolean(p && fix && fix.owner_id === p.id);
}

/** A group's name, or "Group #12" when it has none. */
export function groupName(g) {
  return (g && String(g.name || '').trim()) || `Group #${g && g.id}`;
}

export function groupStatusBadge(status) {
  return h('span', { class: `badge group-${status}`, text: GROUP_STATUS_LABEL[status] || status });
}

export function fixStateBadge(state) {
  return h('span', { class: `badge fix-${state}`, text: FIX_STATE_LABEL[state] || state });
}

/** "3 after fix" in the warning colour; null for none. */
export function afterFixCount(n, { id } = {}) {
  const count = Number(n) || 0;
  if (!count) return null;
  return h('span', { class: 'after-fix-count', id, text: `${plural(count, 'ticket')} after fix` });
}

/** The "After fix" badge of one ticket. */
export function afterFixBadge() {
  return h('span', { class: 'badge after-fix', text: 'After fix' });
}

/** "Shipped Nov 3, 2026" / "In progress". */
export function fixStateWords(fix) {
  if (!fix) return '';
  if (fix.state === 'shipped') return fix.shipped_at ? `Shipped ${formatDate(String(fix.shipped_at).slice(0, 10))}` : 'Shipped';
  return FIX_STATE_LABEL.open;
}

/**
 * The fix's tracker page: a link that opens a new tab (without handing the
 * tab our window), or null when the fix has no http(s) address.
 */
export function trackerLink(fix, text = 'Open in the tracker') {
  const url = String((fix && fix.url) || '').trim();
  if (!/^https?:\/\//i.test(url)) return null;
  return h('a', { class: 'tracker-link', href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `${text} (opens in a new tab)` },
    text, h('span', { 'aria-hidden': 'true', text: ' ↗' }));
}
