// views/kudosgive.js - kudos in a ticket's thread. Under each reply someone
// else wrote: "Give kudos", an inline form with a short text (POST
// /tickets/{id}/kudos {message_id, text}); the author and their manager are
// told. A second time the server answers 409, which is said kindly. Pros and
// leads also get, under a customer's message, "Turn this thanks into kudos":
// they pick the reply it thanks (the latest one before it by default) and
// the customer's words become the kudos ({message_id, customer_message_id}).

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, sentence } from '../format.js';
import { isSupport, shorten } from '../feedback.js';

const TEXT_MAX = 500; // AH_KUDOS_TEXT_MAX

/** Remembers, for the life of one ticket screen, what was given: a re-drawn thread keeps saying so. */
export function kudosMemory() {
  return { given: new Map(), turned: new Map() }; // message id -> words to show
}

function doneLine(id, text) {
  return h('p', { class: 'kudos-done', id, role: 'status' }, h('span', { class: 'kudos-star', 'aria-hidden': 'true', text: '★ ' }), text);
}

/** Escape closes an inline form; Ctrl+Enter in its text box sends it. */
function formKeys(form, cancel, submit) {
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      cancel.click();
    } else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && ev.target instanceof HTMLTextAreaElement) {
      ev.preventDefault();
      if (!submit.disabled) form.requestSubmit();
    }
  });
}

function giveKudos(ctx, ticketId, m, memory) {
  const wrap = h('div', { class: 'kudos-actions', id: `kudos-for-${m.id}` });
  const author = m.author_name || 'them';
  if (memory.given.has(m.id)) return replace(wrap, doneLine(`kudos-done-${m.id}`, memory.given.get(m.id)));

  const button = h('button', { type: 'button', class: 'button quiet small kudos-button', id: `kudos-open-${m.id}`, 'aria-expanded': 'false', 'aria-controls': `kudos-form-${m.id}`, 'aria-label': `Give kudos to ${author} for this reply` },
    h('span', { 'aria-hidden': 'true', text: '★ ' }), 'Give kudos');
  const textId = `kudos-text-${m.id}`;
  const text = h('textarea', { id: textId, name: 'text', rows: '2', maxlength: String(TEXT_MAX), required: true, 'aria-describedby': `${textId}-hint ${textId}-error` });
  const left = h('p', { class: 'hint', id: `${textId}-hint`, text: `What made it good, in a sentence. ${author} and their manager see it. Up to ${TEXT_MAX} characters.` });
  const error = h('p', { class: 'field-error', id: `${textId}-error`, role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary small', text: 'Give kudos' });
  const cancel = h('button', { type: 'button', class: 'button quiet small', text: 'Cancel' });
  const form = h('form', { class: 'kudos-form', id: `kudos-form-${m.id}`, novalidate: true },
    h('div', { class: 'field' }, h('label', { for: textId, text: `Kudos for ${author}’s reply` }), text, left, error),
    h('div', { class: 'form-actions' }, submit, cancel));
  form.hidden = true;

  button.addEventListener('click', () => {
    form.hidden = !form.hidden;
    button.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) text.focus();
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    error.textContent = '';
    text.removeAttribute('aria-invalid');
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  });
  text.addEventListener('input', () => {
    text.removeAttribute('aria-invalid');
    error.textContent = '';
  });
  formKeys(form, cancel, submit);

  const finish = (words) => {
    memory.given.set(m.id, words);
    replace(wrap, doneLine(`kudos-done-${m.id}`, words));
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const words = text.value.trim();
    error.textContent = '';
    if (!words) {
      error.textContent = 'Say what was good about the reply — a sentence is plenty.';
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    if ([...words].length > TEXT_MAX) {
      error.textContent = `Keep it to ${TEXT_MAX} characters.`;
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Sending…';
    try {
      const k = await api('POST', `/tickets/${ticketId}/kudos`, { message_id: m.id, text: words });
      if (!ctx.isCurrent()) return;
      ctx.announce(`Kudos sent to ${k.person_name || author}. They and their manager are told.`, { tone: 'success' });
      finish(`You gave kudos: “${k.text || words}”`);
      wrap.querySelector('.kudos-done')?.setAttribute('tabindex', '-1');
      wrap.querySelector('.kudos-done')?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 409) {
        finish(`You already gave ${author} kudos for this reply — thank you, once is plenty.`);
        wrap.querySelector('.kudos-done')?.setAttribute('tabindex', '-1');
        wrap.querySelector('.kudos-done')?.focus();
        return;
      }
      error.textContent = `Not sent: ${sentence(e.message)}`;
      submit.disabled = false;
      submit.textContent = 'Give kudos';
    }
  });
  return replace(wrap, button, form);
}

/** "Paolo Pro, Nov 26, 3:10 PM: “Fixed: the export…”" */
function replyOption(r) {
  return `${r.author_name || `Person #${r.author_id}`}, ${formatDateTime(r.created_at)}: “${shorten(r.body, 60)}”`;
}

function turnThanks(ctx, ticketId, m, replies, memory) {
  const wrap = h('div', { class: 'kudos-actions', id: `thanks-for-${m.id}` });
  if (memory.turned.has(m.id)) return replace(wrap, doneLine(`thanks-done-${m.id}`, memory.turned.get(m.id)));

  const button = h('button', { type: 'button', class: 'button quiet small kudos-button', id: `thanks-open-${m.id}`, 'aria-expanded': 'false', 'aria-controls': `thanks-form-${m.id}` },
    h('span', { 'aria-hidden': 'true', text: '★ ' }), 'Turn this thanks into kudos');
  const selectId = `thanks-reply-${m.id}`;
  const select = h('select', { id: selectId, name: 'message_id', 'aria-describedby': `${selectId}-hint` },
    replies.slice().reverse().map((r, i) => h('option', { value: String(r.id), selected: i === 0, text: replyOption(r) })));
  const error = h('p', { class: 'field-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button primary small', text: 'Turn into kudos' });
  const cancel = h('button', { type: 'button', class: 'button quiet small', text: 'Cancel' });
  const form = h('form', { class: 'kudos-form', id: `thanks-form-${m.id}`, novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: selectId, text: 'Which reply does it thank?' }),
      select,
      h('p', { class: 'hint', id: `${selectId}-hint`, text: 'The customer’s words become the kudos. The reply’s author and their manager are told.' })),
    error,
    h('div', { class: 'form-actions' }, submit, cancel));
  form.hidden = true;

  button.addEventListener('click', () => {
    form.hidden = !form.hidden;
    button.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) select.focus();
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    error.textContent = '';
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  });
  formKeys(form, cancel, submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reply = replies.find((r) => String(r.id) === select.value);
    const author = (reply && reply.author_name) || 'them';
    error.textContent = '';
    submit.disabled = true;
    submit.textContent = 'Sending…';
    try {
      const k = await api('POST', `/tickets/${ticketId}/kudos`, { message_id: Number(select.value), customer_message_id: m.id });
      if (!ctx.isCurrent()) return;
      ctx.announce(`The customer’s thanks went to ${k.person_name || author} as kudos. They and their manager are told.`, { tone: 'success' });
      memory.turned.set(m.id, `Passed on to ${k.person_name || author} as kudos.`);
      replace(wrap, doneLine(`thanks-done-${m.id}`, memory.turned.get(m.id)));
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 409) {
        memory.turned.set(m.id, `${author} already has kudos from you for that reply — nothing more to do.`);
        replace(wrap, doneLine(`thanks-done-${m.id}`, memory.turned.get(m.id)));
        return;
      }
      error.textContent = `Not passed on: ${sentence(e.message)}`;
      submit.disabled = false;
      submit.textContent = 'Turn into kudos';
    }
  });
  return replace(wrap, button, form);
}

/**
 * The kudos controls under message m of the thread (messages, oldest
 * first), or null: "Give kudos" under someone else's reply; for pros and
 * leads, "Turn this thanks into kudos" under a customer's message that
 * follows a reply.
 */
export function kudosControls(ctx, ticketId, m, messages, memory) {
  const me = ctx.state.person;
  if (!me) return null;
  if (m.kind === 'reply' && m.author_id && m.author_id !== me.id) return giveKudos(ctx, ticketId, m, memory);
  if (m.kind === 'customer' && isSupport(me)) {
    const before = messages.filter((r) => r.kind === 'reply' && r.author_id && r.id < m.id);
    if (before.length) return turnThanks(ctx, ticketId, m, before, memory);
  }
  return null;
}
