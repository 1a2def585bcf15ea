// views/escalate.js - "Escalate a customer" (#/escalate), for everyone
// signed in: a founder's forwarded mail, a DM to an engineer, a sales
// "urgent" enter the queue through this form instead of an @here
// (POST /escalations). It has no priority and no tier: the support team sets
// them. Once filed, the person is told what happened and sees it in My
// escalations (#/escalations), where they follow it until it is solved.

import { api } from '../api.js';
import { h, replace, clearErrorOnInput } from '../dom.js';
import { sentence } from '../format.js';
import { CHANNELS, fieldProblem } from '../feedback.js';

const WHY_MAX = 1000; // AH_INTAKE_WHY_MAX
const SUBJECT_MAX = 200;

export function renderEscalate(ctx) {
  ctx.setTitle('Escalate a customer');

  const field = (id, label, control, hint) => h('div', { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' }));
  const optional = (text) => [text, ' ', h('span', { class: 'optional', text: '(optional)' })];

  const email = h('input', { type: 'email', id: 'intake-email', name: 'customer_email', required: true, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'intake-email-hint intake-email-error' });
  const name = h('input', { type: 'text', id: 'intake-name', name: 'customer_name', autocomplete: 'off', maxlength: '200', 'aria-describedby': 'intake-name-error' });
  const subject = h('input', { type: 'text', id: 'intake-subject', name: 'subject', autocomplete: 'off', maxlength: String(SUBJECT_MAX), 'aria-describedby': 'intake-subject-hint intake-subject-error' });
  const text = h('textarea', { id: 'intake-text', name: 'text', rows: '7', required: true, 'aria-describedby': 'intake-text-hint intake-text-error' });
  const channel = h('select', { id: 'intake-channel', name: 'channel', required: true, 'aria-describedby': 'intake-channel-error' },
    h('option', { value: '', text: 'Choose how they reached you…' }),
    CHANNELS.map(([v, l]) => h('option', { value: v, text: l })));
  const why = h('textarea', { id: 'intake-why', name: 'why', rows: '3', maxlength: String(WHY_MAX), 'aria-describedby': 'intake-why-hint intake-why-error' });
  const formError = h('div', { class: 'form-error', role: 'alert', id: 'intake-error' });
  const submit = h('button', { type: 'submit', class: 'button primary', id: 'intake-submit', text: 'File the escalation' });

  const form = h('form', { class: 'card intake-form', id: 'intake-form', novalidate: true, 'aria-labelledby': 'intake-title' },
    h('div', { class: 'form-row' },
      field('intake-email', 'Customer’s email', email, 'Replies from support go to this address.'),
      field('intake-name', optional('Customer’s name'), name)),
    field('intake-subject', optional('Subject'), subject, 'Leave it empty to use the first line of what they wrote.'),
    field('intake-text', 'What the customer wrote or said', text, 'Paste their words as they are, or write down what they said. This becomes the first message of the ticket.'),
    h('div', { class: 'form-row' },
      field('intake-channel', 'How it reached you', channel)),
    field('intake-why', optional('Why it matters'), why,
      'Context for the support team: a renewal next week, a customer who already waited. There is no priority to pick: the support team sets the priority and the tier.'),
    formError,
    h('div', { class: 'form-actions' },
      submit,
      h('p', { class: 'hint' }, 'Or press ', h('kbd', { text: 'Ctrl' }), ' + ', h('kbd', { text: 'Enter' }), ' in a text box.')));
  clearErrorOnInput(form);
  form.addEventListener('change', (ev) => { // a select changes without input events in some browsers
    if (ev.target === channel && channel.value) {
      channel.removeAttribute('aria-invalid');
      form.querySelector('#intake-channel-error').replaceChildren();
    }
  });

  const FIELDS = { customer_email: email, customer_name: name, subject, text, channel, why };

  function invalid(el, message) {
    el.setAttribute('aria-invalid', 'true');
    form.querySelector(`#${el.id}-error`).textContent = message;
  }

  function check() {
    const problems = [];
    const address = email.value.trim();
    if (!address) problems.push([email, 'Write the customer’s email address, so support can answer them.']);
    else if (!/^[^\s@]+@[^\s@]+$/.test(address)) problems.push([email, 'That does not look like an email address: it needs an @, like dana@customer.example.']);
    if (!text.value.trim()) problems.push([text, 'Write what the customer wrote or said: it is what support will answer.']);
    if (!channel.value) problems.push([channel, 'Choose how the customer reached you.']);
    return problems;
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    formError.textContent = '';
    for (const el of Object.values(FIELDS)) {
      el.removeAttribute('aria-invalid');
      form.querySelector(`#${el.id}-error`).textContent = '';
    }
    const problems = check();
    if (problems.length) {
      for (const [el, message] of problems) invalid(el, message);
      problems[0][0].focus();
      return;
    }
    const body = { customer_email: email.value.trim(), text: text.value, channel: channel.value };
    if (name.value.trim()) body.customer_name = name.value.trim();
    if (subject.value.trim()) body.subject = subject.value.trim();
    if (why.value.trim()) body.why = why.value.trim();
    submit.disabled = true;
    submit.textContent = 'Filing…';
    form.setAttribute('aria-busy', 'true');
    try {
      const filed = await api('POST', '/escalations', body);
      if (!ctx.isCurrent()) return;
      ctx.state.justFiled = filed.id;
      ctx.announce(`Filed as ticket #${filed.ticket_id}. The support team takes it from here; you’ll be told when it is solved.`, { tone: 'success', keep: true });
      ctx.navigate('#/escalations');
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const p = fieldProblem(e.message);
      const el = p.field && FIELDS[p.field];
      if (e.status === 422 && el) {
        invalid(el, p.text);
        el.focus();
      } else {
        formError.textContent = `Not filed: ${sentence(e.message)} Your text is still here; try again.`;
      }
    } finally {
      if (ctx.isCurrent()) {
        submit.disabled = false;
        submit.textContent = 'File the escalation';
        form.removeAttribute('aria-busy');
      }
    }
  }

  form.addEventListener('submit', onSubmit);
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && ev.target instanceof HTMLTextAreaElement) {
      ev.preventDefault();
      if (!submit.disabled) form.requestSubmit();
    }
  });

  replace(ctx.main,
    h('section', { class: 'intake-page', 'aria-labelledby': 'intake-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'intake-title', text: 'Escalate a customer' }),
          h('p', { class: 'muted', text: 'A customer reached you directly — an email, a DM, a call, a meeting? Bring it in here instead of an @here. It becomes a ticket in the support queue, and you are told when it is solved.' })),
        h('a', { class: 'button secondary', href: '#/escalations', id: 'intake-mine', text: 'My escalations' })),
      form));
  ctx.focusHeading();
}
