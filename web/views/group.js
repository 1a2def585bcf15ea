// views/group.js - one repeated question (#/groups/{id}): its trend as a
// chart, who met the question (engineers, sales, founders; departments;
// people), its fix, and its tickets (GET /groups/{id}/tickets, newest first,
// 50 at a time). Pros and leads rename it in place, mark it "not a product
// issue", link a fix (new, or one that already answers another question) or
// unlink it, and merge another group into it; the fix's owner, pros and
// leads mark the fix shipped.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { capitalize, formatDate, formatRelative, formatDateTime, plural, sentence, tierLabel } from '../format.js';
import {
  afterFixBadge, canCurate, canShip, fixStateBadge, fixStateWords, groupName, groupStatusBadge, trackerLink,
} from '../groups.js';
import { allPeople, nameOf } from '../people.js';
import { thisWeek, trendChart } from '../trend.js';

const PAGE = 50;
const TITLE_MAX = 200; // AH_FIX_TITLE_MAX
const URL_MAX = 2000; // AH_FIX_URL_MAX
const NAME_MAX = 120; // AH_GROUP_NAME_MAX

/** "2026-11-02T…" -> "Nov 2, 2026" (a time's UTC day is near enough for "first asked"). */
const dayOf = (iso) => (iso ? formatDate(String(iso).slice(0, 10)) : '—');

function stat(label, value, note, kind = '') {
  return h('div', { class: 'stat' }, h('dt', { text: label }),
    h('dd', null, h('span', { class: `stat-value${kind}`, text: value }), note ? h('span', { class: 'stat-note', text: note }) : null));
}

/** "Met by: 2 engineers, 1 in sales, 0 founders". */
function metByWords(m) {
  const x = m || {};
  return `Met by: ${plural(Number(x.engineers) || 0, 'engineer')}, ${Number(x.sales) || 0} in sales, ${plural(Number(x.founders) || 0, 'founder')}`;
}

function metSection(g) {
  const deps = Array.isArray(g.departments) ? g.departments : [];
  const people = Array.isArray(g.answerers) ? g.answerers : [];
  const body = deps.length || people.length
    ? h('div', { class: 'met-grid' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table rollup', id: 'group-departments' },
        h('caption', { class: 'visually-hidden', text: 'Who answered, by department' }),
        h('thead', null, h('tr', null, ['Department', 'People', 'Tickets'].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', null, deps.map((d) => h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Department', text: d.department || '—' }),
          h('td', { class: 'num', 'data-label': 'People', text: String(d.people) }),
          h('td', { class: 'num', 'data-label': 'Tickets', text: String(d.tickets) })))))),
      h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', id: 'group-answerers' },
        h('caption', { class: 'visually-hidden', text: 'Who answered' }),
        h('thead', null, h('tr', null, ['Person', 'Department', 'Tickets'].map((c) => h('th', { scope: 'col', class: c === 'Tickets' ? 'num' : null, text: c })))),
        h('tbody', null, people.map((a) => h('tr', null,
          h('th', { scope: 'row', 'data-label': 'Person' }, h('span', { class: 'person-name', text: a.name || `person #${a.person_id}` }),
            a.leader ? h('span', { class: 'tag leader-tag', text: 'Leader' }) : null),
          h('td', { 'data-label': 'Department', text: a.department || '—' }),
          h('td', { class: 'num', 'data-label': 'Tickets', text: String(a.tickets) })))))))
    : h('p', { class: 'empty-line muted', id: 'group-met-empty', text: 'Nobody has answered these tickets yet. Once people reply, their departments show here.' });
  return h('section', { class: 'report-section', 'aria-labelledby': 'met-title' },
    h('h2', { id: 'met-title', text: 'Who met this question' }),
    h('p', { class: 'met-by', id: 'group-met-by', text: metByWords(g.met_by) }),
    body);
}

export function renderGroup(ctx, id) {
  ctx.setTitle(`Repeated question #${id}`);
  const me = ctx.state.person;
  const curate = canCurate(me);
  let group = null;

  const titleRegion = h('div', { class: 'group-title' });
  const statusRegion = h('div', { class: 'group-status' });
  const statsRegion = h('div');
  const fixRegion = h('section', { class: 'card fix-card', id: 'group-fix', 'aria-labelledby': 'fix-title' });
  const metRegion = h('div');
  const mergedRegion = h('div');
  const mergeRegion = h('div');
  const trendRegion = h('section', { class: 'card trend-card', 'aria-labelledby': 'trend-title' });
  const ticketsRegion = h('div', { class: 'list-region', id: 'group-tickets' });

  // ---- the name: pros and leads rename it in place ----
  function showTitle({ focus } = {}) {
    const rename = curate && group.status !== 'merged'
      ? h('button', { type: 'button', class: 'button quiet small', id: 'group-rename', 'aria-label': `Rename “${groupName(group)}”`, text: 'Rename' })
      : null;
    rename?.addEventListener('click', editTitle);
    replace(titleRegion,
      h('p', { class: 'ticket-number muted', text: `Repeated question #${group.id}${group.named ? '' : ' · name suggested from its tickets'}` }),
      h('div', { class: 'group-title-row' },
        h('h1', { id: 'group-title', class: 'ticket-subject', text: groupName(group) }),
        rename));
    if (focus && rename) rename.focus();
  }

  function editTitle() {
    const input = h('input', { type: 'text', id: 'group-name', name: 'name', value: group.name || '', maxlength: String(NAME_MAX), autocomplete: 'off', 'aria-describedby': 'group-name-hint group-name-error' });
    const save = h('button', { type: 'submit', class: 'button primary small', text: 'Save' });
    const cancel = h('button', { type: 'button', class: 'button quiet small', text: 'Cancel' });
    const error = h('p', { class: 'field-error', id: 'group-name-error', role: 'alert' });
    const form = h('form', { class: 'rename-form', novalidate: true },
      h('label', { for: 'group-name', text: 'Name of this question' }),
      h('div', { class: 'rename-row' }, input, save, cancel),
      h('p', { class: 'hint', id: 'group-name-hint' }, 'Say the question as a customer would. ', h('kbd', { text: 'Enter' }), ' saves, ', h('kbd', { text: 'Esc' }), ' cancels.'),
      error);
    cancel.addEventListener('click', () => showTitle({ focus: true }));
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        showTitle({ focus: true });
      }
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const name = input.value.trim();
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      if (!name) {
        error.textContent = 'Write a name, or press Esc to keep the old one.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      if (name === group.name) {
        showTitle({ focus: true });
        return;
      }
      save.disabled = true;
      save.textContent = 'Saving…';
      try {
        const g = await api('PATCH', `/groups/${id}`, { name });
        if (!ctx.isCurrent()) return;
        Object.assign(group, g);
        ctx.setTitle(groupName(group));
        ctx.announce(`Renamed to “${groupName(group)}”.`, { tone: 'success' });
        showTitle({ focus: true });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not renamed: ${sentence(e.message)}`;
        input.setAttribute('aria-invalid', 'true');
        save.disabled = false;
        save.textContent = 'Save';
        input.focus();
      }
    });
    replace(titleRegion, h('p', { class: 'ticket-number muted', text: `Repeated question #${group.id}` }), form);
    input.focus();
    input.select();
  }

  // ---- status: open, or not a product issue ----
  function showStatus({ focus } = {}) {
    const notProduct = group.status === 'not_product_issue';
    let toggle = null;
    if (curate && group.status !== 'merged') {
      toggle = h('button', { type: 'button', class: 'button secondary small', id: 'group-status-toggle', text: notProduct ? 'It is a product issue after all' : 'Mark as not a product issue' });
      toggle.addEventListener('click', () => setStatus(notProduct ? 'open' : 'not_product_issue', toggle));
    }
    replace(statusRegion,
      h('p', { class: 'group-status-line' }, h('span', { class: 'muted', text: 'Status: ' }), groupStatusBadge(group.status), toggle),
      notProduct ? h('p', { class: 'hint', text: 'A question the product cannot fix — how-to, billing, a customer’s own setup. It stays listed and needs no fix.' }) : null);
    if (focus) toggle?.focus();
  }

  async function setStatus(status, button) {
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      const g = await api('PATCH', `/groups/${id}`, { status });
      if (!ctx.isCurrent()) return;
      Object.assign(group, g);
      ctx.announce(status === 'open' ? 'Marked as a product issue again.' : 'Marked as not a product issue.', { tone: 'success' });
      showStatus({ focus: true });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Status not changed: ${sentence(e.message)}`, { tone: 'error' });
      showStatus({ focus: true });
    }
  }

  function showStats() {
    replace(statsRegion, h('dl', { class: 'stats stats-row group-stats', id: 'group-stats' },
      stat('Tickets', String(group.size)),
      stat('This week', String(thisWeek(group.trend))),
      stat('First asked', dayOf(group.first_at), null, ' stat-words'),
      stat('Last asked', group.last_at ? formatRelative(group.last_at) : '—', group.last_at ? formatDateTime(group.last_at) : null, ' stat-words'),
      group.fix && group.fix.state === 'shipped' ? stat('After the fix', String(group.after_fix || 0), `${group.after_fix === 1 ? 'ticket' : 'tickets'} since it shipped`) : null));
  }

  // ---- the fix ----
  function showFix({ focus } = {}) {
    const fix = group.fix;
    const title = h('h2', { id: 'fix-title', text: 'Fix' });
    if (fix) {
      replace(fixRegion, title, linkedFix(fix));
    } else if (curate && group.status !== 'merged') {
      replace(fixRegion, title,
        h('p', { class: 'muted', text: 'No fix linked yet. When a change to the product would answer this question, link it here and name who owns it.' }),
        linkForm());
    } else {
      replace(fixRegion, title, h('p', { class: 'muted', id: 'group-no-fix', text: 'No fix linked yet. When support links a product fix to this question, its owner and state show here.' }));
    }
    if (focus) fixRegion.querySelector(focus)?.focus();
  }

  function linkedFix(fix) {
    const shipped = fix.state === 'shipped';
    const actions = [];
    if (canShip(me, fix)) {
      const ship = h('button', { type: 'button', class: shipped ? 'button quiet small' : 'button primary small', id: 'fix-ship', text: shipped ? 'Mark not shipped' : 'Mark shipped' });
      ship.addEventListener('click', () => setShipped(fix, !shipped, ship));
      actions.push(ship);
    }
    if (curate) {
      const unlink = h('button', { type: 'button', class: 'button quiet danger small', id: 'fix-unlink', text: 'Unlink' });
      unlink.addEventListener('click', () => confirmUnlink(fix, unlink));
      actions.push(unlink);
    }
    return h('div', { class: 'fix-linked', id: 'fix-linked' },
      h('p', { class: 'fix-name' }, h('strong', { id: 'fix-name', text: fix.title }), ' ', fixStateBadge(fix.state)),
      h('dl', { class: 'rule-facts fix-facts' },
        h('div', { class: 'fact' }, h('dt', { text: 'Owner' }), h('dd', { id: 'fix-owner', text: fix.owner_name || `person #${fix.owner_id}` })),
        h('div', { class: 'fact' }, h('dt', { text: 'Tracker' }), h('dd', null, trackerLink(fix) || h('span', { class: 'muted', text: fix.url || 'No link' }))),
        h('div', { class: 'fact' }, h('dt', { text: 'State' }), h('dd', { id: 'fix-state', text: fixStateWords(fix) }))),
      shipped && group.after_fix
        ? h('p', { class: 'callout warn compact', id: 'fix-after' }, h('strong', { text: plural(group.after_fix, 'ticket') }), ' came in after it shipped: the fix may not answer the question fully.')
        : null,
      actions.length ? h('div', { class: 'form-actions fix-actions' }, actions) : null);
  }

  async function setShipped(fix, shipped, button) {
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      const f = await api('PATCH', `/fixes/${fix.id}`, { state: shipped ? 'shipped' : 'open' });
      if (!ctx.isCurrent()) return;
      ctx.announce(shipped
        ? `“${f.title}” is marked shipped. Tickets that still arrive in this group will say “after fix”.`
        : `“${f.title}” is in progress again.`, { tone: 'success' });
      await reload({ focus: '#fix-ship' });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not change the fix: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = shipped ? 'Mark shipped' : 'Mark not shipped';
    }
  }

  function confirmUnlink(fix, button) {
    const yes = h('button', { type: 'button', class: 'button danger small', text: 'Unlink' });
    const no = h('button', { type: 'button', class: 'button quiet small', text: 'Cancel' });
    const box = h('div', { class: 'confirm-box', id: 'fix-unlink-confirm' },
      h('p', { class: 'confirm-text', id: 'fix-unlink-text', text: `Unlink “${fix.title}” from this question? The fix itself is kept, with its other groups.` }),
      h('div', { class: 'form-actions' }, yes, no));
    yes.setAttribute('aria-describedby', 'fix-unlink-text');
    const actions = button.parentElement;
    actions.hidden = true;
    actions.after(box);
    const close = () => {
      box.remove();
      actions.hidden = false;
      button.focus();
    };
    no.addEventListener('click', close);
    box.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        close();
      }
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      yes.textContent = 'Unlinking…';
      try {
        await api('DELETE', `/groups/${id}/fix`);
        if (!ctx.isCurrent()) return;
        ctx.announce(`“${fix.title}” is no longer linked to this question.`, { tone: 'success' });
        await reload({ focus: '#fix-new-title' });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        ctx.announce(`Could not unlink the fix: ${sentence(e.message)}`, { tone: 'error' });
        yes.disabled = false;
        yes.textContent = 'Unlink';
      }
    });
    no.focus();
  }

  function linkForm() {
    const titleInput = h('input', { type: 'text', id: 'fix-new-title', name: 'title', maxlength: String(TITLE_MAX), autocomplete: 'off', 'aria-describedby': 'fix-new-title-hint' });
    const urlInput = h('input', { type: 'url', id: 'fix-new-url', name: 'url', maxlength: String(URL_MAX), autocomplete: 'off', spellcheck: 'false', placeholder: 'https://', 'aria-describedby': 'fix-new-url-hint' });
    const owner = h('select', { id: 'fix-new-owner', name: 'owner_id', 'aria-describedby': 'fix-new-owner-hint' },
      h('option', { value: '', text: 'Loading the people…' }));
    const error = h('div', { class: 'form-error', role: 'alert', id: 'fix-new-error' });
    const submit = h('button', { type: 'submit', class: 'button primary', text: 'Link fix' });
    const form = h('form', { class: 'link-fix-form', novalidate: true, 'aria-labelledby': 'fix-new-legend' },
      h('h3', { id: 'fix-new-legend', text: 'Link a fix' }),
      h('div', { class: 'field' }, h('label', { for: 'fix-new-title', text: 'Title' }), titleInput,
        h('p', { class: 'hint', id: 'fix-new-title-hint', text: 'What changes in the product, e.g. “Export button works in Safari”.' })),
      h('div', { class: 'field' }, h('label', { for: 'fix-new-url', text: 'Tracker URL' }), urlInput,
        h('p', { class: 'hint', id: 'fix-new-url-hint', text: 'Optional: the issue in your tracker.' })),
      h('div', { class: 'field' }, h('label', { for: 'fix-new-owner', text: 'Owner' }), owner,
        h('p', { class: 'hint', id: 'fix-new-owner-hint', text: 'Who makes it happen. They see it on their “My fixes” page.' })),
      error,
      h('div', { class: 'form-actions' }, submit));

    allPeople().then((people) => {
      if (!ctx.isCurrent()) return;
      const active = people.filter((p) => p.active !== false)
        .sort((a, b) => nameOf(a, a.id).localeCompare(nameOf(b, b.id)));
      replace(owner, h('option', { value: '', text: 'Choose who owns it…' }),
        active.map((p) => h('option', { value: String(p.id), text: p.department ? `${nameOf(p, p.id)} · ${p.department}` : nameOf(p, p.id) })));
    }, (e) => {
      if (!ctx.isCurrent()) return;
      replace(owner, h('option', { value: '', text: 'The people could not be loaded' }));
      error.textContent = `Could not load the people to choose an owner from: ${sentence(e.message)} Reload the page to try again.`;
    });

    const invalid = (el, msg) => {
      error.textContent = msg;
      el.setAttribute('aria-invalid', 'true');
      el.focus();
    };
    form.addEventListener('input', (ev) => ev.target.removeAttribute?.('aria-invalid'));
    form.addEventListener('change', (ev) => ev.target.removeAttribute?.('aria-invalid'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const title = titleInput.value.trim();
      const url = urlInput.value.trim();
      const problem = !title ? [titleInput, 'Write the fix’s title: what changes in the product.']
        : url && !/^https?:\/\/\S+$/i.test(url) ? [urlInput, 'The tracker URL starts with https:// (or http://). Leave it empty if there is none yet.']
          : !owner.value ? [owner, 'Choose who owns the fix: they will see it on their “My fixes” page.'] : null;
      if (problem) {
        invalid(...problem);
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Linking…';
      form.setAttribute('aria-busy', 'true');
      try {
        const body = { title, owner_id: Number(owner.value) };
        if (url) body.url = url;
        const f = await api('PUT', `/groups/${id}/fix`, body);
        if (!ctx.isCurrent()) return;
        ctx.announce(`Fix “${f.title}” linked, owned by ${f.owner_name || 'its owner'}.`, { tone: 'success' });
        await reload({ focus: '#fix-ship, #fix-unlink' });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not linked: ${sentence(e.message)}`;
      } finally {
        if (ctx.isCurrent()) {
          submit.disabled = false;
          submit.textContent = 'Link fix';
          form.removeAttribute('aria-busy');
        }
      }
    });
    return h('div', { class: 'fix-forms' }, form, existingForm());
  }

  /** "…or link an existing fix": one fix can answer several questions. */
  function existingForm() {
    const pick = h('select', { id: 'fix-existing', name: 'fix_id' }, h('option', { value: '', text: 'Loading the fixes…' }));
    const submit = h('button', { type: 'submit', class: 'button secondary', text: 'Link' });
    const error = h('p', { class: 'field-error', role: 'alert', id: 'fix-existing-error' });
    const form = h('form', { class: 'existing-fix-form', novalidate: true, 'aria-labelledby': 'fix-existing-legend' },
      h('h3', { id: 'fix-existing-legend', text: 'Or link an existing fix' }),
      h('div', { class: 'field' }, h('label', { for: 'fix-existing', text: 'Fix' }),
        h('div', { class: 'macro-row' }, pick, submit)),
      error);
    form.hidden = true; // until there is a fix to pick
    api('GET', '/fixes').then((page) => {
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      if (!items.length) return;
      replace(pick, h('option', { value: '', text: 'Choose a fix…' }),
        items.map((f) => h('option', { value: String(f.id), text: `${f.title} · ${f.owner_name || `person #${f.owner_id}`} · ${fixStateWords(f)}` })));
      form.hidden = false;
    }, () => { /* the new-fix form above still works */ });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      if (!pick.value) {
        error.textContent = 'Choose the fix to link first.';
        pick.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Linking…';
      try {
        const f = await api('PUT', `/groups/${id}/fix`, { fix_id: Number(pick.value) });
        if (!ctx.isCurrent()) return;
        ctx.announce(`Fix “${f.title}” linked.`, { tone: 'success' });
        await reload({ focus: '#fix-ship, #fix-unlink' });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not linked: ${sentence(e.message)}`;
        submit.disabled = false;
        submit.textContent = 'Link';
      }
    });
    return form;
  }

  // ---- merging another group into this one ----
  function mergeForm() {
    const list = h('datalist', { id: 'merge-groups' });
    const input = h('input', { type: 'text', id: 'merge-group', name: 'group', list: 'merge-groups', autocomplete: 'off', spellcheck: 'false', placeholder: 'A group’s number or name', 'aria-describedby': 'merge-hint merge-error' });
    const error = h('p', { class: 'field-error', role: 'alert', id: 'merge-error' });
    const submit = h('button', { type: 'submit', class: 'button secondary', text: 'Merge…' });
    const confirmRegion = h('div');
    let others = []; // groups to pick from, by name
    const form = h('form', { class: 'card merge-form', id: 'merge-form', novalidate: true, 'aria-labelledby': 'merge-title' },
      h('h2', { id: 'merge-title', text: 'Merge another group into this one' }),
      h('div', { class: 'field' },
        h('label', { for: 'merge-group', text: 'Group to merge in' }),
        h('div', { class: 'macro-row' }, input, submit), list,
        h('p', { class: 'hint', id: 'merge-hint', text: 'When two groups ask the same question. Its tickets move here; the other group is kept, marked merged, and points here.' }),
        error),
      confirmRegion);

    api('GET', `/groups${query({ limit: 200 })}`).then((page) => {
      if (!ctx.isCurrent()) return;
      others = ((page && page.items) || []).filter((g) => g.id !== id);
      replace(list, others.map((g) => h('option', { value: `#${g.id} ${groupName(g)}`, label: plural(g.size, 'ticket') })));
    }, () => { /* a number still works */ });

    /** The group the text names: "#12 …" or "12", or a name of the list. */
    async function picked() {
      const text = input.value.trim();
      const m = /^#?\s*([1-9][0-9]{0,17})\b/.exec(text);
      if (m) {
        const gid = Number(m[1]);
        return others.find((g) => g.id === gid) || api('GET', `/groups/${gid}`);
      }
      const byName = others.filter((g) => groupName(g).toLowerCase() === text.toLowerCase());
      return byName.length === 1 ? byName[0] : null;
    }

    /** The group to merge in, or a string saying what is wrong. */
    async function check() {
      if (!input.value.trim()) return 'Type the number of the group to merge in, or pick it by name from the suggestions.';
      let other;
      try {
        other = await picked();
      } catch (e) {
        return e.status === 404 ? `There is no group ${input.value.trim().replace(/^#?/, '#')}.` : `Could not find that group: ${sentence(e.message)}`;
      }
      if (!other) return 'No group has that name. Type its number (#12), or pick one from the suggestions.';
      if (other.id === id) return 'That is this group. Choose another one to merge into it.';
      if (other.status === 'merged') return `“${groupName(other)}” was already merged into #${other.merged_into}.`;
      return other;
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      replace(confirmRegion);
      const other = await check();
      if (!ctx.isCurrent()) return;
      if (typeof other === 'string') {
        error.textContent = other;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      confirmMerge(other, input, confirmRegion);
    });
    input.addEventListener('input', () => {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    });
    return form;
  }

  function confirmMerge(other, input, region) {
    const yes = h('button', { type: 'button', class: 'button primary', text: 'Merge' });
    const no = h('button', { type: 'button', class: 'button quiet', text: 'Cancel' });
    const error = h('p', { class: 'field-error', role: 'alert' });
    replace(region, h('div', { class: 'confirm-box', id: 'merge-confirm' },
      h('p', { class: 'confirm-text', id: 'merge-confirm-text', text: `Merge “${groupName(other)}” (#${other.id}, ${plural(other.size, 'ticket')}) into “${groupName(group)}”? Its tickets move here.` }),
      h('div', { class: 'form-actions' }, yes, no), error));
    yes.setAttribute('aria-describedby', 'merge-confirm-text');
    const close = () => {
      replace(region);
      input.focus();
    };
    no.addEventListener('click', close);
    region.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        close();
      }
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      yes.textContent = 'Merging…';
      try {
        const g = await api('POST', `/groups/${id}/merge`, { group_id: other.id });
        if (!ctx.isCurrent()) return;
        ctx.announce(`Merged “${groupName(other)}” into this group: it now has ${plural(g.size, 'ticket')}.`, { tone: 'success', keep: true });
        ctx.navigate(`#/groups/${id}`);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not merged: ${sentence(e.message)}`;
        yes.disabled = false;
        no.disabled = false;
        yes.textContent = 'Merge';
      }
    });
    yes.focus();
  }

  // ---- the group's tickets, newest first ----
  function ticketList() {
    const tbody = h('tbody');
    const table = h('div', { class: 'table-scroll' }, h('table', { class: 'data-table group-tickets-table', id: 'group-tickets-table' },
      h('caption', { class: 'visually-hidden', text: 'The tickets of this group, newest first' }),
      h('thead', null, h('tr', null, ['Ticket', 'Status', 'Tier', 'Arrived', 'After fix'].map((c) => h('th', { scope: 'col', text: c })))),
      tbody));
    const count = h('p', { class: 'list-count muted', 'aria-live': 'polite' });
    const more = h('button', { type: 'button', class: 'button secondary', id: 'group-tickets-more', text: 'Load more' });
    const moreWrap = h('div', { class: 'load-more' }, more);
    let cursor = null;
    let shown = 0;

    async function load(first) {
      more.disabled = true;
      more.textContent = 'Loading…';
      if (first) replace(ticketsRegion, loading('Loading the tickets…'));
      try {
        const page = await api('GET', `/groups/${id}/tickets${query({ limit: PAGE, cursor })}`);
        if (!ctx.isCurrent()) return;
        const items = (page && page.items) || [];
        cursor = page && page.next_cursor;
        if (first && !items.length) {
          replace(ticketsRegion, h('p', { class: 'empty-line muted', id: 'group-tickets-empty', text: group.status === 'merged' ? 'Its tickets moved with the merge.' : 'None of its tickets is one you can open.' }));
          return;
        }
        if (first) replace(ticketsRegion, table, count, moreWrap);
        for (const t of items) {
          tbody.append(h('tr', { dataset: { ticketId: String(t.id) } },
            h('th', { scope: 'row', class: 'col-question', 'data-label': 'Ticket' },
              h('a', { href: `#/tickets/${t.id}`, class: 'subject-link', text: t.subject || '(no subject)' }),
              h('span', { class: 'ticket-id muted', text: ` #${t.id}` })),
            h('td', { class: 'col-nowrap', 'data-label': 'Status' }, h('span', { class: `badge status-${t.status}`, text: capitalize(t.status) })),
            h('td', { class: 'col-nowrap', 'data-label': 'Tier', text: tierLabel(t.tier) }),
            h('td', { class: 'col-nowrap', 'data-label': 'Arrived' }, h('time', { datetime: t.created_at || '', title: formatDateTime(t.created_at), text: formatRelative(t.created_at) })),
            h('td', { 'data-label': 'After fix' }, t.after_fix ? afterFixBadge() : h('span', { class: 'muted', text: '—' }))));
        }
        shown += items.length;
        count.textContent = cursor ? `Showing the newest ${shown} tickets.` : `${plural(shown, 'ticket')} you can open.`;
        moreWrap.hidden = !cursor;
        if (!first && items.length) tbody.rows[shown - items.length]?.querySelector('a')?.focus();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        const msg = `Could not load the tickets: ${sentence(e.message)}`;
        if (first) {
          replace(ticketsRegion, h('p', { class: 'form-error', role: 'alert', text: msg }),
            h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load(true) })));
        } else ctx.announce(`${msg} Press “Load more” to try again.`, { tone: 'error' });
      } finally {
        if (ctx.isCurrent()) {
          more.disabled = false;
          more.textContent = 'Load more';
        }
      }
    }
    more.addEventListener('click', () => load(false));
    load(true);
  }

  function show(g, { focus } = {}) {
    group = g;
    ctx.setTitle(groupName(g));
    showTitle();
    showStatus();
    showStats();
    // The card's inner width: the page's, less the card's padding, and half of it beside the fix on a wide screen.
    const room = ctx.main.clientWidth - 2 * 20 - 2 * 24;
    replace(trendRegion, h('h2', { id: 'trend-title', text: 'Trend' }),
      trendChart(g.trend, { id: 'group-trend', width: window.matchMedia('(max-width: 60rem)').matches ? room : room * 0.56 }));
    showFix({ focus });
    replace(metRegion, metSection(g));
    replace(mergedRegion, g.status === 'merged'
      ? h('div', { class: 'callout info', id: 'group-merged' },
        h('p', null, 'This question was merged into ', h('a', { href: `#/groups/${g.merged_into}`, text: `group #${g.merged_into}` }), '. New tickets asking it join that group.'))
      : null);
    replace(mergeRegion, curate && g.status !== 'merged' ? mergeForm() : null);
  }

  /** After a change: the group again, as the server has it now. */
  async function reload({ focus } = {}) {
    try {
      const g = await api('GET', `/groups/${id}`);
      if (ctx.isCurrent()) show(g, { focus });
    } catch (e) {
      if (ctx.isCurrent()) ctx.announce(`The change was saved, but the page could not be refreshed: ${sentence(e.message)} Reload the page.`, { tone: 'warn' });
    }
  }

  replace(ctx.main, loading(`Loading repeated question #${id}…`));
  api('GET', `/groups/${id}`).then((g) => {
    if (!ctx.isCurrent()) return;
    show(g);
    replace(ctx.main,
      h('article', { class: 'group-page', 'aria-labelledby': 'group-title' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/groups', text: '← Repeated questions' })),
        h('div', { class: 'group-head' }, titleRegion, statusRegion),
        mergedRegion,
        statsRegion,
        h('div', { class: 'group-grid' }, trendRegion, fixRegion),
        metRegion,
        h('section', { class: 'report-section', 'aria-labelledby': 'group-tickets-title' },
          h('h2', { id: 'group-tickets-title', text: 'Tickets' }),
          ticketsRegion),
        mergeRegion));
    ticketList();
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    const title = e.status === 404 ? `Repeated question #${id} was not found` : `Could not load repeated question #${id}`;
    showProblem(ctx, title, e.status === 404 ? 'It may never have existed. The list shows every question asked more than once.' : sentence(e.message),
      { href: '#/groups', text: '← Repeated questions' });
  });
}

