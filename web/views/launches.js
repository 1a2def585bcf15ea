// views/launches.js - launch heads-ups (#/launches), for everyone: any
// team announces a change customers will notice (POST /launches: title, day,
// what changes, the support impact it expects, the ticket tags it will
// touch), and the support team says whether it is ready. The list (GET
// /launches from three months back) is grouped Upcoming (soonest first) and
// Launched (newest first), each with its readiness in words. One launch's
// page is launch.js; launchForm() below is shared with its "Edit".

import { api, query } from '../api.js';
import { h, replace, loading, clearErrorOnInput } from '../dom.js';
import { formatDate, sentence } from '../format.js';
import { fieldProblem, launchDayWords, missingWords, parseTags, readinessBadge, shorten, tagList } from '../feedback.js';
import { addDays, todayIn } from '../weeks.js';

const TITLE_MAX = 200;
const TEXT_MAX = 4000; // AH_LAUNCH_TEXT_MAX
const TAGS_MAX = 20;
const HISTORY_DAYS = 90; // how far back the list reaches

/**
 * The announce / edit form. launch: the launch to edit, or null for a new
 * one. onSaved(launch) after 201/200; onCancel() for the Cancel button
 * (none when absent). idp: a prefix for the ids, so two forms never clash.
 */
export function launchForm(ctx, { launch = null, onSaved, onCancel, idp = 'launch' }) {
  const id = (k) => `${idp}-${k}`;
  const field = (k, label, control, hint) => h('div', { class: 'field' },
    h('label', { for: id(k), text: label }),
    control,
    hint ? h('p', { class: 'hint', id: id(`${k}-hint`), text: hint }) : null,
    h('p', { class: 'field-error', id: `${id(k)}-error`, role: 'alert' }));
  const described = (k, hint) => `${hint ? `${id(`${k}-hint`)} ` : ''}${id(k)}-error`;

  const title = h('input', { type: 'text', id: id('title'), name: 'title', maxlength: String(TITLE_MAX), autocomplete: 'off', value: launch ? launch.title : '', 'aria-describedby': described('title', true) });
  const day = h('input', { type: 'date', id: id('day'), name: 'day', value: launch ? launch.day : '', 'aria-describedby': described('day', false) });
  const changes = h('textarea', { id: id('changes'), name: 'changes', rows: '4', maxlength: String(TEXT_MAX), 'aria-describedby': described('changes', true) });
  changes.value = launch ? launch.changes : '';
  const impact = h('textarea', { id: id('impact'), name: 'impact', rows: '3', maxlength: String(TEXT_MAX), 'aria-describedby': described('impact', true) });
  impact.value = launch ? launch.impact : '';
  const tags = h('input', { type: 'text', id: id('tags'), name: 'tags', autocomplete: 'off', spellcheck: 'false', value: launch ? (launch.tags || []).join(', ') : '', 'aria-describedby': described('tags', true) });
  const formError = h('div', { class: 'form-error', role: 'alert', id: id('error') });
  const submitText = launch ? 'Save changes' : 'Announce';
  const submit = h('button', { type: 'submit', class: 'button primary', id: id('submit'), text: submitText });
  const cancel = onCancel ? h('button', { type: 'button', class: 'button quiet', id: id('cancel'), text: 'Cancel' }) : null;

  const form = h('form', { class: 'card launch-form', id: id('form'), novalidate: true, 'aria-labelledby': id('form-title') },
    h('h2', { id: id('form-title'), text: launch ? 'Edit the announcement' : 'Announce a launch' }),
    h('div', { class: 'form-row' },
      h('div', { class: 'field launch-title-field' },
        h('label', { for: id('title'), text: 'Title' }), title,
        h('p', { class: 'hint', id: id('title-hint'), text: 'What customers will notice, e.g. “New invoice layout”.' }),
        h('p', { class: 'field-error', id: `${id('title')}-error`, role: 'alert' })),
      field('day', 'Launch day', day)),
    field('changes', 'What changes', changes, 'For customers, in plain words: what looks or works differently.'),
    field('impact', 'Expected support impact', impact, 'What support will hear, and from whom, e.g. “Expect questions from accountants about the VAT field”.'),
    field('tags', 'Affected ticket tags', tags, 'The tags of the tickets it will touch, separated by commas or spaces, e.g. billing, invoices. The heads-up shows beside those tickets after launch.'),
    formError,
    h('div', { class: 'form-actions' }, submit, cancel));
  clearErrorOnInput(form);

  const FIELDS = { title, day, changes, impact, tags };
  function invalid(el, message) {
    el.setAttribute('aria-invalid', 'true');
    form.querySelector(`#${el.id}-error`).textContent = message;
  }

  function check(tagList) {
    const problems = [];
    if (!title.value.trim()) problems.push([title, 'Write a title: what customers will notice.']);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.value)) problems.push([day, 'Choose the launch day.']);
    if (!changes.value.trim()) problems.push([changes, 'Say what changes for customers.']);
    if (!impact.value.trim()) problems.push([impact, 'Say what support should expect — even “a few questions” helps.']);
    if (!tagList.length) problems.push([tags, 'Name at least one ticket tag, so the heads-up shows beside those tickets.']);
    else if (tagList.length > TAGS_MAX) problems.push([tags, `At most ${TAGS_MAX} tags.`]);
    return problems;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.textContent = '';
    for (const el of Object.values(FIELDS)) {
      el.removeAttribute('aria-invalid');
      form.querySelector(`#${el.id}-error`).textContent = '';
    }
    const tagValues = parseTags(tags.value);
    const problems = check(tagValues);
    if (problems.length) {
      for (const [el, message] of problems) invalid(el, message);
      problems[0][0].focus();
      return;
    }
    const body = { title: title.value.trim(), day: day.value, changes: changes.value.trim(), impact: impact.value.trim(), tags: tagValues };
    submit.disabled = true;
    submit.textContent = launch ? 'Saving…' : 'Announcing…';
    form.setAttribute('aria-busy', 'true');
    try {
      const saved = launch ? await api('PATCH', `/launches/${launch.id}`, body) : await api('POST', '/launches', body);
      if (!ctx.isCurrent()) return;
      onSaved(saved);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const p = fieldProblem(e.message);
      const el = p.field && FIELDS[p.field];
      if (e.status === 422 && el) {
        invalid(el, p.text);
        el.focus();
      } else formError.textContent = `${launch ? 'Not saved' : 'Not announced'}: ${sentence(e.message)}`;
    } finally {
      if (ctx.isCurrent()) {
        submit.disabled = false;
        submit.textContent = submitText;
        form.removeAttribute('aria-busy');
      }
    }
  });
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && cancel) {
      ev.preventDefault();
      cancel.click();
    } else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && ev.target instanceof HTMLTextAreaElement) {
      ev.preventDefault();
      if (!submit.disabled) form.requestSubmit();
    }
  });
  cancel?.addEventListener('click', onCancel);
  return { form, focus: () => title.focus() };
}

function launchItem(l, today) {
  const titleId = `launch-${l.id}-title`;
  return h('li', { class: `card launch-item readiness-edge-${l.readiness}`, id: `launch-${l.id}`, dataset: { launchId: String(l.id) } },
    h('div', { class: 'launch-item-head' },
      h('h3', { class: 'launch-item-title', id: titleId }, h('a', { href: `#/launches/${l.id}`, text: l.title })),
      h('span', { class: 'launch-day', text: launchDayWords(l, today) })),
    h('p', { class: 'launch-readiness' }, readinessBadge(l),
      l.readiness === 'not_ready' && l.missing && l.missing.length
        ? h('span', { class: 'launch-missing', text: ` Missing ${missingWords(l.missing)}.` })
        : null),
    l.impact ? h('p', { class: 'launch-impact' }, h('span', { class: 'muted', text: 'Support impact: ' }), shorten(l.impact, 200)) : null,
    h('div', { class: 'launch-meta' },
      tagList(l.tags, `Ticket tags of “${l.title}”`),
      h('span', { class: 'muted', text: `Announced by ${l.creator_name || `person #${l.created_by}`}` })));
}

export function renderLaunches(ctx, params) {
  ctx.setTitle('Launches');
  const me = ctx.state.person;
  const today = todayIn(me.timezone);
  const region = h('div', { class: 'list-region', id: 'launches-region' });
  const announce = h('button', { type: 'button', class: 'button primary', id: 'launch-announce', 'aria-expanded': 'false', 'aria-controls': 'launch-form', text: 'Announce a launch' });
  const formSlot = h('div', { class: 'launch-form-slot' });
  let form = null;

  function openForm() {
    if (form) {
      form.focus();
      return;
    }
    form = launchForm(ctx, {
      onSaved: (l) => {
        ctx.announce(`Announced “${l.title}” for ${formatDate(l.day)}. The support team will say whether they are ready.`, { tone: 'success', keep: true });
        ctx.navigate(`#/launches/${l.id}`);
      },
      onCancel: closeForm,
    });
    replace(formSlot, form.form);
    announce.setAttribute('aria-expanded', 'true');
    form.focus();
  }

  function closeForm() {
    form = null;
    formSlot.replaceChildren();
    announce.setAttribute('aria-expanded', 'false');
    announce.focus();
  }
  announce.addEventListener('click', () => (form ? closeForm() : openForm()));

  function section(key, heading, items, none) {
    return h('section', { class: 'launch-section', id: `launches-${key}`, 'aria-labelledby': `launches-${key}-title` },
      h('h2', { id: `launches-${key}-title` }, heading, ' ', h('span', { class: 'muted count', text: `(${items.length})` })),
      items.length
        ? h('ul', { class: 'launch-list' }, items.map((l) => launchItem(l, today)))
        : h('p', { class: 'empty-line muted', text: none }));
  }

  function empty() {
    const go = h('button', { type: 'button', class: 'button primary', id: 'launches-empty-announce', text: 'Announce a launch' });
    go.addEventListener('click', openForm);
    return h('div', { class: 'empty-state', id: 'launches-empty' },
      h('h2', { class: 'empty-title', text: 'No launches announced yet.' }),
      h('p', { text: 'Shipping something customers will notice? Announce it here a few days ahead: the support team says whether they are ready — a saved reply, a help article, training — and the heads-up shows beside the tickets it brings.' }),
      h('p', null, go));
  }

  async function load() {
    region.setAttribute('aria-busy', 'true');
    replace(region, loading('Loading the launches…'));
    try {
      const page = await api('GET', `/launches${query({ from: addDays(today, -HISTORY_DAYS) })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      if (!items.length) {
        replace(region, empty());
        return;
      }
      const upcoming = items.filter((l) => l.day > today).sort((a, b) => a.day.localeCompare(b.day) || a.id - b.id);
      const launched = items.filter((l) => l.day <= today).sort((a, b) => b.day.localeCompare(a.day) || b.id - a.id);
      replace(region,
        section('upcoming', 'Upcoming', upcoming, 'Nothing announced for the days ahead.'),
        section('launched', 'Launched', launched, `Nothing launched in the last ${HISTORY_DAYS} days.`));
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replace(region, h('p', { class: 'form-error', role: 'alert', text: `Could not load the launches: ${sentence(e.message)}` }),
        h('p', null, h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load() })));
    } finally {
      region.removeAttribute('aria-busy');
    }
  }

  replace(ctx.main,
    h('section', { class: 'launches-page', 'aria-labelledby': 'launches-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'launches-title', text: 'Launches' }),
          h('p', { class: 'muted', text: 'Heads-ups from every team about changes customers will notice, and whether support is ready for them. After launch, each one shows beside the tickets with its tags.' })),
        announce),
      formSlot,
      region));
  load();
  if (params && params.get('new') === '1') openForm();
  else ctx.focusHeading();
}
