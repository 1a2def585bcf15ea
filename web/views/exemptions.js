// views/exemptions.js - exemptions from the program (GET /exemptions): rare,
// time-boxed, written down and visible to everyone. Leads grant one
// (POST /exemptions: a person, a reason, a start and an end; never to
// themselves) and end one early (POST /exemptions/{id}/end). Names come
// from people.js. #/exemptions?past=1 also lists the past year's.

import { api, query } from '../api.js';
import { h, replace, loading } from '../dom.js';
import { formatDate, formatDateTime, sentence } from '../format.js';
import { allPeople, nameOf, peopleById } from '../people.js';
import { addDays, todayIn } from '../weeks.js';

const MAX_REASON = 500; // AH_MAX_REASON: the server says so too, past it

/** "Mina Member (member@…)" : the picker's text for a person. */
function pickLabel(p) {
  return p.name && p.email ? `${p.name} (${p.email})` : (p.name || p.email);
}

/** {label, tone, active}: where an exemption stands on its person's calendar. */
function standing(e, today) {
  if (e.ended_at) return { label: 'Ended early', tone: 'ended', active: false };
  if (e.ends_on < today) return { label: 'Over', tone: 'ended', active: false };
  if (e.starts_on > today) return { label: 'Upcoming', tone: 'upcoming', active: true };
  return { label: 'Active', tone: 'active', active: true };
}

export function renderExemptions(ctx, params) {
  ctx.setTitle('Exemptions');
  const me = ctx.state.person;
  const isLead = me.role === 'lead';
  const past = params.get('past') === '1';
  let policy = null;
  let roster = null; // Person[] for the picker, once loaded

  const listRegion = h('div', { class: 'list-region', id: 'exemption-list' });
  const formRegion = h('div', { class: 'exemption-form-region' });

  // ---- the list ----
  async function loadList({ focusRow } = {}) {
    listRegion.setAttribute('aria-busy', 'true');
    if (!listRegion.firstChild) replace(listRegion, loading('Loading exemptions…'));
    try {
      const from = past ? addDays(todayIn('UTC'), -366) : undefined;
      const page = await api('GET', `/exemptions${query({ from })}`);
      const items = (page && page.items) || [];
      const names = await peopleById(items.flatMap((e) => [e.person_id, e.granted_by, e.ended_by]));
      if (!ctx.isCurrent()) return;
      showList(items, names);
      if (focusRow) listRegion.querySelector(`tr[data-exemption-id="${focusRow}"] th`)?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const retry = h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => loadList() });
      replace(listRegion, h('p', { class: 'form-error', role: 'alert', text: `Could not load the exemptions: ${sentence(e.message)}` }), retry);
    } finally {
      listRegion.removeAttribute('aria-busy');
    }
  }

  function showList(items, names) {
    if (items.length === 0) {
      replace(listRegion, h('div', { class: 'empty-state', id: 'exemptions-empty' },
        h('h3', { text: past ? 'No exemptions in the past year.' : 'Nobody is exempt now, and nobody will be soon.' }),
        h('p', { text: 'That is how the program works best: everyone, leaders first, works the queue.' }),
        isLead
          ? h('p', { text: 'When someone truly cannot for a while — leave, an emergency — grant an exemption above, with a reason and an end date.' })
          : h('p', { text: 'Only support leads grant exemptions. Talk to one if you cannot work your hours for a while.' })));
      return;
    }
    const rows = items.map((e) => {
      const who = names.get(e.person_id);
      const today = todayIn(who && who.timezone);
      const st = standing(e, today);
      let action = null;
      if (isLead && st.active) {
        const end = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `End now: ${nameOf(who, e.person_id)}’s exemption`, text: 'End now' });
        end.addEventListener('click', () => endNow(e, who, end));
        action = end;
      }
      const endedNote = e.ended_at
        ? h('span', { class: 'muted cell-note', text: `Ended ${formatDateTime(e.ended_at)}${e.ended_by ? ` by ${nameOf(names.get(e.ended_by), e.ended_by)}` : ''}` })
        : null;
      const empty = e.ends_on < e.starts_on; // ended before it began
      return h('tr', { dataset: { exemptionId: String(e.id) } },
        h('th', { scope: 'row', tabindex: '-1', 'data-label': 'Person' },
          h('span', { class: 'person-name', text: nameOf(who, e.person_id) }),
          who && who.department ? h('span', { class: 'muted cell-note', text: who.department }) : null),
        h('td', { class: 'col-reason', 'data-label': 'Reason', text: e.reason }),
        h('td', { class: 'col-nowrap', 'data-label': 'From', text: formatDate(e.starts_on) }),
        h('td', { class: 'col-nowrap', 'data-label': 'Until', text: empty ? '—' : formatDate(e.ends_on) }),
        h('td', { 'data-label': 'Granted by', text: nameOf(names.get(e.granted_by), e.granted_by) }),
        h('td', { 'data-label': 'Status' },
          h('span', { class: `badge exemption-${st.tone}`, text: empty ? 'Cancelled' : st.label }), endedNote),
        isLead ? h('td', { class: 'col-action', 'data-label': 'Action' }, action) : null);
    });
    const cols = ['Person', 'Reason', 'From', 'Until', 'Granted by', 'Status'].concat(isLead ? ['Action'] : []);
    replace(listRegion,
      h('table', { class: 'data-table exemptions' },
        h('caption', { class: 'visually-hidden', text: past ? 'Exemptions of the past year, now and ahead' : 'Exemptions now and ahead' }),
        h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', text: c === 'Action' ? '' : c },
          c === 'Action' ? h('span', { class: 'visually-hidden', text: 'Action' }) : null)))),
        h('tbody', null, rows)),
      h('p', { class: 'list-count muted', text: `${items.length} ${items.length === 1 ? 'exemption' : 'exemptions'}.` }));
  }

  async function endNow(e, who, button) {
    button.disabled = true;
    button.textContent = 'Ending…';
    try {
      await api('POST', `/exemptions/${e.id}/end`);
      if (!ctx.isCurrent()) return;
      ctx.announce(`${nameOf(who, e.person_id)}’s exemption has ended. From today their hours count again.`, { tone: 'success' });
      await loadList({ focusRow: e.id });
    } catch (err) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not end the exemption: ${sentence(err.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'End now';
      if (err.status === 409) loadList();
    }
  }

  // ---- granting ----
  function grantForm() {
    const list = h('datalist', { id: 'exemption-people' });
    const who = h('input', { id: 'exemption-person', name: 'person', type: 'text', list: 'exemption-people', autocomplete: 'off', spellcheck: 'false', placeholder: 'Type a name or an email', 'aria-describedby': 'exemption-person-hint' });
    const reason = h('textarea', { id: 'exemption-reason', name: 'reason', rows: '2', maxlength: String(MAX_REASON), 'aria-describedby': 'exemption-reason-hint' });
    const starts = h('input', { id: 'exemption-starts', name: 'starts_on', type: 'date', value: todayIn(me.timezone), 'aria-describedby': 'exemption-dates-hint' });
    const ends = h('input', { id: 'exemption-ends', name: 'ends_on', type: 'date', required: true, 'aria-describedby': 'exemption-dates-hint' });
    const error = h('div', { class: 'form-error', role: 'alert', id: 'exemption-error' });
    const submit = h('button', { type: 'submit', class: 'button primary', text: 'Grant exemption' });
    const datesHint = h('p', { class: 'hint', id: 'exemption-dates-hint', text: 'Days on the person’s own calendar, both included. Every exemption ends.' });
    let startsTouched = false;
    starts.addEventListener('input', () => {
      startsTouched = true;
    });

    const form = h('form', { class: 'card grant-form', novalidate: true, 'aria-labelledby': 'grant-title', 'aria-describedby': 'exemption-error' },
      h('h2', { id: 'grant-title', text: 'Grant an exemption' }),
      h('div', { class: 'field' },
        h('label', { for: 'exemption-person', text: 'Person' }), who, list,
        h('p', { class: 'hint', id: 'exemption-person-hint', text: 'Loading the people…' })),
      h('div', { class: 'field' },
        h('label', { for: 'exemption-reason', text: 'Reason' }), reason,
        h('p', { class: 'hint', id: 'exemption-reason-hint', text: 'Written down and shown on every report: parental leave, medical leave, a launch week for the whole team…' })),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'exemption-starts', text: 'Starts on' }), starts),
        h('div', { class: 'field' }, h('label', { for: 'exemption-ends', text: 'Ends on' }), ends)),
      datesHint,
      error,
      h('div', { class: 'form-actions' }, submit));

    /** The Person the picker's text names, or null. */
    function picked() {
      const text = who.value.trim().toLowerCase();
      if (!text || !roster) return null;
      const exact = roster.find((p) => pickLabel(p).toLowerCase() === text || (p.email || '').toLowerCase() === text);
      if (exact) return exact;
      const byName = roster.filter((p) => (p.name || '').toLowerCase() === text);
      return byName.length === 1 ? byName[0] : null;
    }

    // "Today" is on the chosen person's calendar, as the server counts it.
    who.addEventListener('change', () => {
      const p = picked();
      if (p && !startsTouched) starts.value = todayIn(p.timezone);
    });

    allPeople().then((people) => {
      if (!ctx.isCurrent()) return;
      roster = people.filter((p) => p.active !== false);
      replace(list, roster.map((p) => h('option', { value: pickLabel(p) })));
      form.querySelector('#exemption-person-hint').textContent = `Pick from ${roster.length} people: start typing a name or an email.`;
    }, (e) => {
      if (!ctx.isCurrent()) return;
      form.querySelector('#exemption-person-hint').textContent = '';
      error.textContent = `Could not load the people to choose from: ${sentence(e.message)} Reload the page to try again.`;
    });

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      ctx.announce('');
      const p = picked();
      if (!p) {
        error.textContent = roster
          ? 'Choose the person from the suggestions: type part of their name or email and pick one.'
          : 'The list of people has not loaded yet. Wait a moment and try again.';
        who.focus();
        return;
      }
      if (!reason.value.trim()) {
        error.textContent = 'Write the reason: it is shown wherever the exemption is.';
        reason.focus();
        return;
      }
      if (!ends.value) {
        error.textContent = 'Choose the day the exemption ends: every exemption has an end date.';
        ends.focus();
        return;
      }
      const body = { person_id: p.id, reason: reason.value.trim(), ends_on: ends.value };
      if (starts.value) body.starts_on = starts.value;
      submit.disabled = true;
      submit.textContent = 'Granting…';
      form.setAttribute('aria-busy', 'true');
      try {
        const e = await api('POST', '/exemptions', body);
        if (!ctx.isCurrent()) return;
        ctx.announce(`Exemption granted to ${nameOf(p, p.id)} until ${formatDate(e.ends_on)}.`, { tone: 'success' });
        who.value = '';
        reason.value = '';
        ends.value = '';
        startsTouched = false;
        starts.value = todayIn(me.timezone);
        await loadList({ focusRow: e.id });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = [403, 404, 409, 422].includes(e.status)
          ? sentence(e.message)
          : `Could not grant the exemption: ${sentence(e.message)}`;
      } finally {
        if (ctx.isCurrent()) {
          submit.disabled = false;
          submit.textContent = 'Grant exemption';
          form.removeAttribute('aria-busy');
        }
      }
    });

    api('GET', '/policy').then((pol) => {
      policy = pol;
      if (ctx.isCurrent() && policy) datesHint.textContent = `Days on the person’s own calendar, both included. At most ${policy.max_exemption_weeks} weeks; every exemption ends.`;
    }, () => {});
    return form;
  }

  if (isLead) replace(formRegion, grantForm());
  const toggle = past
    ? h('a', { href: '#/exemptions', id: 'exemptions-toggle', text: 'Show only now and ahead' })
    : h('a', { href: '#/exemptions?past=1', id: 'exemptions-toggle', text: 'Also show the past year' });

  replace(ctx.main,
    h('section', { class: 'exemptions-page', 'aria-labelledby': 'exemptions-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'exemptions-title', text: 'Exemptions' }),
          h('p', { class: 'muted', text: 'Rare, time-boxed and written down. Only support leads grant them, never to themselves, and every report shows them.' }))),
      formRegion,
      h('div', { class: 'list-head' },
        h('h2', { text: past ? 'The past year, now and ahead' : 'Now and ahead' }),
        toggle),
      listRegion));
  loadList();
  ctx.focusHeading();
}
