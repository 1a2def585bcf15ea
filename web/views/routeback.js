// views/routeback.js - route-back on the ticket screen. A pro or lead marks
// a ticket as caused by a person's promise (a sales promise of an
// unreleased feature) or change (a launch that broke something), and can
// assign the follow-up to them (POST /tickets/{id}/route-backs {person_id,
// cause, reason, assign}); support reviews their reply before it is sent.
// Everyone who opens the ticket sees its route-backs as a calm note (GET
// /tickets/{id}/route-backs); the person it was routed to is told, above the
// reply box, that their reply goes to support first.

import { api } from '../api.js';
import { h, replace, clearErrorOnInput } from '../dom.js';
import { sentence } from '../format.js';
import { fieldProblem } from '../feedback.js';
import { allPeople, nameOf } from '../people.js';

const REASON_MAX = 500; // AH_MAX_REASON

/** "Sam Seller (Sales)", or the name alone. */
function whoOf(r) {
  const name = r.person_name || `person #${r.person_id}`;
  return r.department ? `${name} (${r.department})` : name;
}

/**
 * The route-back pieces of ticket id: notes (the calm note), form (hidden
 * until asked for), button() (the pros' action), load(), routedToMe(), and
 * nameOf(person id) for the people it names.
 * onMarked(routeBack) runs after a route-back is saved.
 */
export function routeBackPart(ctx, ticketId, { onMarked }) {
  const me = ctx.state.person;
  let items = [];
  let opener = null;

  const notes = h('div', { class: 'route-backs', id: 'route-backs' });
  notes.hidden = true;

  function note(r) {
    const mine = r.person_id === me.id;
    return h('li', { class: 'route-back-note', dataset: { routeBackId: String(r.id), personId: String(r.person_id) } },
      h('span', { class: 'route-back-mark', 'aria-hidden': 'true', text: '↩ ' }),
      mine ? 'Routed back to you' : ['Routed back to ', h('strong', { text: whoOf(r) })],
      `: ${r.cause} — `,
      h('span', { class: 'route-back-reason', text: sentence(r.reason) }),
      mine ? ' Your reply goes to the support team for review before the customer gets it.' : ' Their reply is reviewed before it is sent.');
  }

  function showNotes() {
    notes.hidden = !items.length;
    replace(notes, items.length
      ? h('ul', { class: 'callout info route-back-list', 'aria-label': 'Route-backs' }, items.map(note))
      : null);
  }

  async function load() {
    try {
      const page = await api('GET', `/tickets/${ticketId}/route-backs`);
      if (!ctx.isCurrent()) return items;
      items = (page && page.items) || [];
      showNotes();
    } catch { /* no note; the ticket still works */ }
    return items;
  }

  // ---- the form ----
  const personSelect = h('select', { id: 'route-person', name: 'person_id', required: true, 'aria-describedby': 'route-person-error' },
    h('option', { value: '', text: 'Loading the people…' }));
  const promise = h('input', { type: 'radio', name: 'route-cause', id: 'route-cause-promise', value: 'promise' });
  const change = h('input', { type: 'radio', name: 'route-cause', id: 'route-cause-change', value: 'change' });
  const reason = h('textarea', { id: 'route-reason', name: 'reason', rows: '3', maxlength: String(REASON_MAX), required: true, 'aria-describedby': 'route-reason-hint route-reason-error' });
  const assign = h('input', { type: 'checkbox', id: 'route-assign', name: 'assign', checked: true, 'aria-describedby': 'route-assign-hint' });
  const causeError = h('p', { class: 'field-error', id: 'route-cause-error', role: 'alert' });
  const formError = h('div', { class: 'form-error', role: 'alert', id: 'route-error' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'route-submit', text: 'Route back' });
  const cancel = h('button', { type: 'button', class: 'button quiet', id: 'route-cancel', text: 'Cancel' });
  const form = h('form', { class: 'card route-back-form', id: 'route-back-form', novalidate: true, 'aria-labelledby': 'route-back-title' },
    h('h2', { id: 'route-back-title', text: 'Caused by a promise or change' }),
    h('p', { class: 'muted', text: 'Someone’s promise or change brought this ticket in? Route it back to them: they learn what it cost, and can write the follow-up themselves.' }),
    h('div', { class: 'field' },
      h('label', { for: 'route-person', text: 'Whose promise or change' }),
      personSelect,
      h('p', { class: 'field-error', id: 'route-person-error', role: 'alert' })),
    h('fieldset', { class: 'choices route-cause', 'aria-describedby': 'route-cause-error' },
      h('legend', { class: 'sub-legend', text: 'What caused it' }),
      h('div', { class: 'choice' }, promise, h('label', { for: 'route-cause-promise', text: 'A promise — something the product does not do' })),
      h('div', { class: 'choice' }, change, h('label', { for: 'route-cause-change', text: 'A change — something they shipped or changed' })),
      causeError),
    h('div', { class: 'field' },
      h('label', { for: 'route-reason', text: 'What was promised or changed' }),
      reason,
      h('p', { class: 'hint', id: 'route-reason-hint', text: 'They see this, and so does everyone who opens the ticket. E.g. “Promised the Gantt view for November on the sales call”.' }),
      h('p', { class: 'field-error', id: 'route-reason-error', role: 'alert' })),
    h('div', { class: 'choice route-assign' }, assign, h('label', { for: 'route-assign', text: 'Assign the follow-up to them' })),
    h('p', { class: 'hint', id: 'route-assign-hint', text: 'They write the follow-up reply, whatever the ticket’s tier. The support team reviews it before it is sent.' }),
    formError,
    h('div', { class: 'form-actions' }, submit, cancel));
  form.hidden = true;
  clearErrorOnInput(form);
  for (const r of [promise, change]) {
    r.addEventListener('change', () => {
      causeError.textContent = '';
    });
  }
  personSelect.addEventListener('change', () => {
    personSelect.removeAttribute('aria-invalid');
    form.querySelector('#route-person-error').textContent = '';
  });

  let peopleLoaded = false;
  function loadPeople() {
    if (peopleLoaded) return;
    peopleLoaded = true;
    allPeople().then((people) => {
      if (!ctx.isCurrent()) return;
      const active = people.filter((p) => p.active !== false).sort((a, b) => nameOf(a, a.id).localeCompare(nameOf(b, b.id)));
      replace(personSelect, h('option', { value: '', text: 'Choose a person…' }),
        active.map((p) => h('option', { value: String(p.id), text: p.department ? `${nameOf(p, p.id)} · ${p.department}` : nameOf(p, p.id) })));
    }, (e) => {
      peopleLoaded = false;
      if (!ctx.isCurrent()) return;
      replace(personSelect, h('option', { value: '', text: 'The people could not be loaded' }));
      formError.textContent = `Could not load the people to choose from: ${sentence(e.message)} Close this and open it again to retry.`;
    });
  }

  function open() {
    form.hidden = false;
    opener?.setAttribute('aria-expanded', 'true');
    loadPeople();
    personSelect.focus();
  }

  function close() {
    form.hidden = true;
    formError.textContent = '';
    opener?.setAttribute('aria-expanded', 'false');
    opener?.focus();
  }

  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    } else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && ev.target === reason) {
      ev.preventDefault();
      if (!submit.disabled) form.requestSubmit();
    }
  });

  const invalid = (el, id, message) => {
    if (el) el.setAttribute('aria-invalid', 'true');
    form.querySelector(`#${id}`).textContent = message;
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    const problems = [];
    if (!personSelect.value) problems.push([personSelect, 'route-person-error', 'Choose whose promise or change it was.']);
    if (!promise.checked && !change.checked) problems.push([null, 'route-cause-error', 'Choose a promise or a change.', promise]);
    if (!reason.value.trim()) problems.push([reason, 'route-reason-error', 'Say what was promised or changed: they will read it.']);
    if (problems.length) {
      for (const [el, id, message] of problems) invalid(el, id, message);
      (problems[0][0] || problems[0][3]).focus();
      return;
    }
    const body = { person_id: Number(personSelect.value), cause: promise.checked ? 'promise' : 'change', reason: reason.value.trim(), assign: assign.checked };
    submit.disabled = true;
    submit.textContent = 'Routing back…';
    form.setAttribute('aria-busy', 'true');
    try {
      const r = await api('POST', `/tickets/${ticketId}/route-backs`, body);
      if (!ctx.isCurrent()) return;
      reason.value = '';
      promise.checked = false;
      change.checked = false;
      ctx.announce(`Routed back to ${whoOf(r)}: they are told${body.assign ? ', and the follow-up is theirs — support reviews their reply before it is sent' : ''}.`, { tone: 'success' });
      form.hidden = true;
      opener?.setAttribute('aria-expanded', 'false');
      await load();
      await onMarked(r);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const p = fieldProblem(e.message);
      if (e.status === 422 && p.field === 'reason') invalid(reason, 'route-reason-error', p.text);
      else if (e.status === 422 && p.field === 'person_id') invalid(personSelect, 'route-person-error', p.text);
      else formError.textContent = `Not routed back: ${sentence(e.message)}`;
    } finally {
      if (ctx.isCurrent()) {
        submit.disabled = false;
        submit.textContent = 'Route back';
        form.removeAttribute('aria-busy');
      }
    }
  });

  /** The pros' action: opens and closes the form. */
  function button() {
    opener = h('button', { type: 'button', class: 'button secondary', id: 'route-back-open', 'aria-expanded': String(!form.hidden), 'aria-controls': 'route-back-form', text: 'Caused by a promise or change…' });
    opener.addEventListener('click', () => (form.hidden ? open() : close()));
    return opener;
  }

  const routedToMe = () => items.some((r) => r.person_id === me.id);

  /** The name of someone a route-back names ("Sam Seller"), or null. */
  const routedName = (personId) => items.find((r) => r.person_id === personId)?.person_name || null;

  return { notes, form, button, load, routedToMe, nameOf: routedName };
}
