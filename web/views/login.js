// views/login.js - the log-in screen: email and password, POST /session.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { sentence } from '../format.js';

export function renderLogin(ctx) {
  ctx.setTitle('Log in');
  const error = h('div', { class: 'form-error', role: 'alert', id: 'login-error' });
  const email = h('input', {
    id: 'login-email', name: 'email', type: 'email', autocomplete: 'username',
    required: true, spellcheck: 'false', autocapitalize: 'none',
  });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true,
  });
  const submit = h('button', { type: 'submit', class: 'button primary wide', text: 'Log in' });

  const form = h('form', { class: 'stack', novalidate: true, 'aria-describedby': 'login-error' },
    h('div', { class: 'field' }, h('label', { for: 'login-email', text: 'Email' }), email),
    h('div', { class: 'field' }, h('label', { for: 'login-password', text: 'Password' }), password),
    error,
    submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const emailValue = email.value.trim();
    if (!emailValue || !password.value) {
      error.textContent = 'Enter your email and your password.';
      (emailValue ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Logging in…';
    form.setAttribute('aria-busy', 'true');
    try {
      const s = await api('POST', '/session', { email: emailValue, password: password.value },
        { quiet401: true });
      if (!ctx.isCurrent()) return;
      password.value = '';
      ctx.loggedIn(s.person, s.csrf);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const says = sentence(e.message);
      error.textContent = e.status === 429 && !/wait|try again|retry/i.test(says)
        ? `${says} Wait a minute, then try again.`
        : says;
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Log in';
      form.removeAttribute('aria-busy');
    }
  });

  replace(ctx.main,
    h('section', { class: 'login', 'aria-labelledby': 'login-title' },
      h('div', { class: 'card login-card' },
        h('p', { class: 'brand-big', 'aria-hidden': 'true', text: 'allhands' }),
        h('h1', { id: 'login-title', text: 'Log in' }),
        h('p', { class: 'muted', text: 'The help desk the whole company works. Use the email and password your support lead gave you.' }),
        form)));
  email.focus();
}
