// views/levels.js - members by level (#/levels), for pros and leads:
// trainee (every reply reviewed), junior (a sample reviewed), tier 1
// (independent on tier-1 tickets). A pro or lead moves a member with
// PATCH /people/{id} {level}; moving up past required training modules is
// refused (422 with `missing`, listed by title). GET /levels/suggestions
// names juniors ready for tier 1. Pros log pairing sessions here too
// (POST /pairings): the minutes count as the member's queue time.

import { api } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { formatDateTime, formatMinutes, formatRelative, isoOf, plural, sentence } from '../format.js';
import { allPeople, nameOf, peopleById } from '../people.js';
import { LEVELS, LEVEL_LABEL } from './style.js';

const SECTION = {
  trainee: { title: 'Trainees', note: 'Onboarding: every reply is reviewed by a pro before it goes out.' },
  junior: { title: 'Juniors', note: 'Tier-1 tickets; a sample of their replies is reviewed.' },
  tier1: { title: 'Tier 1', note: 'Independent on tier-1 tickets.' },
};

/** "2026-11-25T14:30" in the browser's zone, for a datetime-local input. */
function localInput(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function renderLevels(ctx) {
  ctx.setTitle('Levels');
  let members = [];
  let modules = new Map(); // id -> Module, for the names of what is missing
  let policy = null;
  let filter = '';

  const suggestRegion = h('div', { class: 'list-region', id: 'level-suggestions' });
  const peopleRegion = h('div', { class: 'list-region', id: 'level-people' });
  const pairingRegion = h('div', { id: 'pairing-region' });
  const search = h('input', { type: 'search', id: 'level-filter', name: 'filter', autocomplete: 'off', placeholder: 'Name, email or department' });
  search.addEventListener('input', () => {
    filter = search.value.trim().toLowerCase();
    showPeople();
  });

  function moduleNames(ids) {
    return (ids || []).map((id) => modules.get(id)?.title || `module #${id}`);
  }

  /** select: the row's level picker (marked invalid on a refusal); null from a suggestion. */
  async function changeLevel(p, level, select, button, errorEl) {
    errorEl.textContent = '';
    select?.removeAttribute('aria-invalid');
    if (level === p.level) {
      errorEl.textContent = `${nameOf(p, p.id)} is already ${LEVEL_LABEL[level]}. Choose another level first.`;
      return;
    }
    button.disabled = true;
    button.textContent = 'Changing…';
    try {
      const saved = await api('PATCH', `/people/${p.id}`, { level });
      if (!ctx.isCurrent()) return;
      Object.assign(p, saved);
      ctx.announce(`${nameOf(p, p.id)} is now ${LEVEL_LABEL[p.level] || p.level}.`, { tone: 'success' });
      showPeople({ focus: p.id });
      loadSuggestions();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      button.disabled = false;
      button.textContent = select ? 'Change' : 'Promote to tier 1';
      select?.setAttribute('aria-invalid', 'true');
      if (e.status === 422 && Array.isArray(e.detail.missing)) {
        const names = moduleNames(e.detail.missing);
        replace(errorEl, `Not changed: ${nameOf(p, p.id)} still has to finish ${plural(names.length, 'module')}: `,
          h('span', { class: 'missing-modules', text: names.join(', ') }), '. ',
          h('a', { href: '#/training', text: 'See the curriculum' }), '.');
      } else {
        errorEl.textContent = `Not changed: ${sentence(e.message)}`;
      }
      (select || button).focus();
    }
  }

  function personRow(p) {
    const id = `level-${p.id}`;
    const select = h('select', { id, name: 'level', 'aria-describedby': `${id}-error` },
      LEVELS.map(([v, l]) => h('option', { value: v, selected: p.level === v, text: l })));
    const button = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Change ${nameOf(p, p.id)}’s level`, text: 'Change' });
    const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });
    button.addEventListener('click', () => changeLevel(p, select.value, select, button, error));
    select.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        button.click();
      }
    });
    return h('tr', { dataset: { personId: String(p.id) } },
      h('th', { scope: 'row', 'data-label': 'Person' },
        h('span', { class: 'person-name', text: nameOf(p, p.id) }),
        h('span', { class: 'muted cell-note', text: p.email || '' })),
      h('td', { 'data-label': 'Department', text: p.department || '—' }),
      h('td', { class: 'col-level', 'data-label': 'Level' },
        h('div', { class: 'level-change' },
          h('label', { class: 'visually-hidden', for: id, text: `Level for ${nameOf(p, p.id)}` }),
          select, button),
        error));
  }

  function showPeople({ focus } = {}) {
    const shown = members.filter((p) => !filter
      || [p.name, p.email, p.department].some((x) => String(x || '').toLowerCase().includes(filter)));
    if (!members.length) {
      replace(peopleRegion, h('div', { class: 'empty-state', id: 'levels-empty' },
        h('h3', { text: 'No members yet.' }),
        h('p', { text: 'Members are everyone outside the support team. Add people (or sync them from your directory); each starts as a trainee.' })));
      return;
    }
    const sections = LEVELS.map(([level]) => {
      const rows = shown.filter((p) => (p.level || 'trainee') === level);
      const s = SECTION[level];
      return h('section', { class: 'level-section', 'aria-labelledby': `level-title-${level}` },
        h('div', { class: 'list-head' },
          h('h3', { id: `level-title-${level}` }, s.title, ' ', h('span', { class: 'muted', text: `(${rows.length})` })),
          h('p', { text: s.note })),
        rows.length
          ? h('table', { class: 'data-table level-table' },
            h('caption', { class: 'visually-hidden', text: `${s.title}: members at this level` }),
            h('thead', null, h('tr', null, ['Person', 'Department', 'Level'].map((c) => h('th', { scope: 'col', text: c })))),
            h('tbody', null, rows.map(personRow)))
          : h('p', { class: 'muted empty-line', text: filter ? 'Nobody here matches the search.' : 'Nobody at this level.' }));
    });
    replace(peopleRegion, sections);
    if (focus) peopleRegion.querySelector(`#level-${focus}`)?.focus();
  }

  async function loadSuggestions() {
    try {
      const page = await api('GET', '/levels/suggestions');
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      if (!items.length) {
        const rule = policy
          ? `A junior is suggested after ${plural(policy.promote_approved, 'approved reply', 'approved replies')} and none returned in the last ${plural(policy.promote_clean_days, 'day')}.`
          : 'A junior is suggested after enough approved replies and none returned lately.';
        replace(suggestRegion, h('div', { class: 'empty-state compact', id: 'suggestions-empty' },
          h('p', { text: `Nobody to suggest for tier 1 right now. ${rule}` })));
        return;
      }
      replace(suggestRegion, h('ul', { class: 'suggestion-list', 'aria-label': 'Suggested for tier 1' }, items.map((s) => {
        const p = s.person || {};
        const button = h('button', { type: 'button', class: 'button primary small', 'aria-label': `Promote ${nameOf(p, p.id)} to tier 1`, text: 'Promote to tier 1' });
        const error = h('p', { class: 'field-error', role: 'alert' });
        button.addEventListener('click', () => {
          const known = members.find((m) => m.id === p.id) || p;
          changeLevel(known, 'tier1', null, button, error);
        });
        return h('li', { class: 'suggestion card', dataset: { personId: String(p.id) } },
          h('div', null,
            h('p', { class: 'suggestion-name' }, h('strong', { text: nameOf(p, p.id) }), p.department ? h('span', { class: 'muted', text: ` · ${p.department}` }) : null),
            h('p', { class: 'muted', text: `${plural(s.approved, 'reply', 'replies')} approved, ${s.returned} returned${s.last_returned_at ? ` (last ${formatRelative(s.last_returned_at)})` : ''}.` }),
            error),
          button);
      })));
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replace(suggestRegion, h('p', { class: 'form-error', role: 'alert', text: `Could not load the suggestions: ${sentence(e.message)}` }));
    }
  }

  // ---- pairing sessions ----
  function pairingForm() {
    const list = h('datalist', { id: 'pairing-people' }, members.map((p) => h('option', { value: `${nameOf(p, p.id)} (${p.email})` })));
    const who = h('input', { type: 'text', id: 'pairing-member', name: 'member', list: 'pairing-people', autocomplete: 'off', spellcheck: 'false', placeholder: 'Type a name or an email', 'aria-describedby': 'pairing-member-hint' });
    const started = h('input', { type: 'datetime-local', id: 'pairing-start', name: 'started_at', value: localInput(new Date(Date.now() - 3600_000)) });
    const minutes = h('input', { type: 'number', id: 'pairing-minutes', name: 'minutes', min: '1', max: '480', step: '1', value: '30', inputmode: 'numeric', 'aria-describedby': 'pairing-minutes-hint' });
    const notes = h('textarea', { id: 'pairing-notes', name: 'notes', rows: '3', maxlength: '5000', 'aria-describedby': 'pairing-notes-hint' });
    const error = h('div', { class: 'form-error', role: 'alert', id: 'pairing-error' });
    const save = h('button', { type: 'submit', class: 'button primary', text: 'Log the session' });
    const form = h('form', { class: 'card pairing-form', novalidate: true, 'aria-labelledby': 'pairing-title' },
      h('h2', { id: 'pairing-title', text: 'Log a pairing session' }),
      h('div', { class: 'field' }, h('label', { for: 'pairing-member', text: 'Member' }), who, list,
        h('p', { class: 'hint', id: 'pairing-member-hint', text: 'Who you worked the queue with.' })),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'pairing-start', text: 'Started' }), started),
        h('div', { class: 'field' }, h('label', { for: 'pairing-minutes', text: 'Minutes' }), minutes)),
      h('p', { class: 'hint', id: 'pairing-minutes-hint', text: 'From 1 to 480. The minutes count as the member’s queue time.' }),
      h('div', { class: 'field' }, h('label', { for: 'pairing-notes', text: 'Notes' }), notes,
        h('p', { class: 'hint', id: 'pairing-notes-hint', text: 'What you covered, and what to practise next.' })),
      error,
      h('div', { class: 'form-actions' }, save));

    const picked = () => {
      const text = who.value.trim().toLowerCase();
      return members.find((p) => `${nameOf(p, p.id)} (${p.email})`.toLowerCase() === text || (p.email || '').toLowerCase() === text)
        || (members.filter((p) => (p.name || '').toLowerCase() === text).length === 1 ? members.find((p) => (p.name || '').toLowerCase() === text) : null);
    };

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const p = picked();
      if (!p) {
        error.textContent = 'Choose the member from the suggestions: type part of their name or email and pick one.';
        who.focus();
        return;
      }
      const at = new Date(started.value);
      if (!started.value || Number.isNaN(at.getTime())) {
        error.textContent = 'Enter when the session started.';
        started.focus();
        return;
      }
      const n = Number(minutes.value);
      if (!Number.isInteger(n) || n < 1 || n > 480) {
        error.textContent = 'Minutes must be a whole number from 1 to 480.';
        minutes.focus();
        return;
      }
      save.disabled = true;
      save.textContent = 'Logging…';
      try {
        await api('POST', '/pairings', { member_id: p.id, started_at: at.toISOString(), minutes: n, notes: notes.value.trim() });
        if (!ctx.isCurrent()) return;
        ctx.announce(`Pairing logged: ${formatMinutes(n)} with ${nameOf(p, p.id)}, counted as their queue time.`, { tone: 'success' });
        who.value = '';
        notes.value = '';
        loadPairings();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Could not log the session: ${sentence(e.message)}`;
      } finally {
        if (ctx.isCurrent()) {
          save.disabled = false;
          save.textContent = 'Log the session';
        }
      }
    });
    return form;
  }

  const recent = h('div', { class: 'list-region', id: 'pairing-list' });
  async function loadPairings() {
    try {
      const page = await api('GET', '/pairings');
      const items = ((page && page.items) || []).slice().sort((a, b) => (Date.parse(isoOf(b.started_at)) || 0) - (Date.parse(isoOf(a.started_at)) || 0)).slice(0, 10);
      const names = await peopleById(items.flatMap((x) => [x.pro_id, x.member_id]));
      if (!ctx.isCurrent()) return;
      if (!items.length) {
        replace(recent, h('p', { class: 'muted', id: 'pairings-empty', text: 'No pairing sessions logged yet. Pairing with a pro is the fastest way for a trainee to learn the queue.' }));
        return;
      }
      replace(recent, h('ul', { class: 'pairing-list', 'aria-label': 'Recent pairing sessions' }, items.map((x) => h('li', null,
        h('p', { class: 'pairing-head' },
          h('strong', { text: nameOf(names.get(x.member_id), x.member_id) }), ' with ', nameOf(names.get(x.pro_id), x.pro_id),
          h('span', { class: 'muted', text: ` · ${formatMinutes(x.minutes)} · ${formatDateTime(x.started_at)}` })),
        x.notes ? h('p', { class: 'pairing-notes', text: x.notes }) : null))));
    } catch (e) {
      if (ctx.isCurrent()) replace(recent, h('p', { class: 'form-error', role: 'alert', text: `Could not load the pairing sessions: ${sentence(e.message)}` }));
    }
  }

  replace(ctx.main, loading('Loading the people…'));
  Promise.all([allPeople(), api('GET', '/modules').catch(() => null), api('GET', '/policy').catch(() => null)]).then(([people, mods, pol]) => {
    if (!ctx.isCurrent()) return;
    members = people.filter((p) => p.role === 'member' && p.active !== false);
    modules = new Map(((mods && mods.items) || []).map((m) => [m.id, m]));
    policy = pol;
    replace(pairingRegion, pairingForm(), h('h3', { class: 'pairing-recent-title', text: 'Recent sessions' }), recent);
    replace(ctx.main,
      h('section', { class: 'levels-page', 'aria-labelledby': 'levels-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'levels-title', text: 'Levels' }),
            h('p', { class: 'muted', text: 'Where each member is on the way to answering tier-1 tickets alone. Moving someone up needs the training modules of their level done.' }))),
        h('section', { class: 'report-section', 'aria-labelledby': 'suggest-title' },
          h('h2', { id: 'suggest-title', text: 'Ready for tier 1' }),
          suggestRegion),
        h('div', { class: 'levels-layout' },
          h('section', { 'aria-labelledby': 'people-title' },
            h('div', { class: 'list-head' }, h('h2', { id: 'people-title', text: 'Members by level' })),
            h('div', { class: 'field level-search' }, h('label', { for: 'level-filter', text: 'Find a member' }), search),
            peopleRegion),
          pairingRegion)));
    showPeople();
    loadSuggestions();
    loadPairings();
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, 'Could not load the people', sentence(e.message), { href: '#/queue', text: '← Back to the queue' });
  });
}
