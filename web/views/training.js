// views/training.js - the curriculum (#/training): modules by level
// (GET /modules), each with its text (Markdown the server renders with
// cmark; shown through dom.js serverHtml, the one place markup is parsed),
// and whether the reader has done it. Each person marks their own modules
// done (POST /modules/{id}/complete); a member sees what is left before
// they can move up (GET /people/{id}/training). Leads add, edit and retire
// modules.

import { api } from '../api.js';
import { inlineEditor } from '../editor.js';
import { h, replace, loading, serverHtml, showProblem, clearErrorOnInput } from '../dom.js';
import { formatDate, formatDateTime, isoOf, plural, sentence } from '../format.js';
import { LEVELS, LEVEL_LABEL } from './style.js';

const LEVEL_PHRASE = { trainee: 'a trainee', junior: 'a junior', tier1: 'at tier 1' };

const LEVEL_SECTION = {
  trainee: 'For trainees',
  junior: 'For juniors',
  tier1: 'For tier 1',
};

export function renderTraining(ctx) {
  ctx.setTitle('Training');
  const me = ctx.state.person;
  const lead = me.role === 'lead';
  const member = me.role === 'member';
  let modules = [];
  let progress = null;

  const progressRegion = h('div', { id: 'training-progress' });
  const listRegion = h('div', { class: 'list-region', id: 'training-modules' });
  const newRegion = h('div', { id: 'new-module-region' });
  const addButton = lead ? h('button', { type: 'button', class: 'button primary', id: 'add-module', text: 'Add a module' }) : null;

  function showProgress() {
    if (!member || !progress) {
      replace(progressRegion);
      return;
    }
    const mine = modules.filter((m) => m.level === (progress.level || me.level));
    const done = mine.filter((m) => m.done).length;
    const missing = (progress.missing || []).map((id) => modules.find((m) => m.id === id)?.title || `module #${id}`);
    replace(progressRegion, h('section', { class: `callout ${missing.length ? 'info' : 'ok'} training-progress`, 'aria-labelledby': 'progress-title' },
      h('h2', { id: 'progress-title', class: 'callout-title' }, `You are ${LEVEL_PHRASE[progress.level] || progress.level}`),
      mine.length ? h('p', { text: `${done} of ${plural(mine.length, 'module')} for your level done.` }) : null,
      missing.length
        ? h('p', { id: 'progress-missing' }, 'Before you can move up: ', h('strong', { text: missing.join(', ') }), '.')
        : h('p', { id: 'progress-missing', text: progress.level === 'tier1'
          ? 'You answer tier-1 tickets on your own.'
          : 'Your training for this level is done: a support pro moves you up when your replies are ready.' })));
  }

  async function complete(m, button) {
    button.disabled = true;
    button.textContent = 'Marking…';
    try {
      const saved = await api('POST', `/modules/${m.id}/complete`, {});
      if (!ctx.isCurrent()) return;
      Object.assign(m, saved, { done: true });
      ctx.announce(`“${m.title}” marked done.`, { tone: 'success' });
      await loadProgress();
      showModules({ focus: m.id });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not mark “${m.title}” done: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'Mark done';
    }
  }

  async function retire(m, button) {
    button.disabled = true;
    button.textContent = 'Retiring…';
    try {
      await api('DELETE', `/modules/${m.id}`);
      if (!ctx.isCurrent()) return;
      ctx.announce(`“${m.title}” retired: it is no longer part of the curriculum.`, { tone: 'success' });
      await reload();
      addButton?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not retire “${m.title}”: ${sentence(e.message)}`, { tone: 'error' });
      reload();
    }
  }

  function moduleCard(m) {
    const article = h('article', { class: `card module-card${m.done ? ' is-done' : ''}`, id: `module-${m.id}`, 'aria-labelledby': `module-title-${m.id}`, dataset: { moduleId: String(m.id) } });
    const body = h('div', { class: 'module-body' });
    serverHtml(body, m.html || '');
    const status = m.done
      ? h('p', { class: 'module-done' }, h('span', { class: 'done-mark', 'aria-hidden': 'true', text: '✓' }), ' Done',
        m.completed_at ? h('span', { class: 'muted' }, ' · ', h('time', { datetime: isoOf(m.completed_at), title: formatDateTime(m.completed_at), text: formatDate(isoOf(m.completed_at).slice(0, 10)) })) : null)
      : null;
    const actions = h('div', { class: 'module-actions' });
    function showActions() {
      const parts = [];
      if (!m.done) {
        const done = h('button', { type: 'button', class: 'button primary small', 'aria-label': `Mark “${m.title}” done`, text: 'Mark done' });
        done.addEventListener('click', () => complete(m, done));
        parts.push(done);
      }
      if (lead) {
        const edit = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit “${m.title}”`, text: 'Edit' });
        const ret = h('button', { type: 'button', class: 'button quiet small danger', 'aria-label': `Retire “${m.title}”`, text: 'Retire' });
        edit.addEventListener('click', () => openEditor(m, article));
        ret.addEventListener('click', () => {
          const yes = h('button', { type: 'button', class: 'button danger small', text: `Retire “${m.title}”` });
          const no = h('button', { type: 'button', class: 'button secondary small', text: 'Keep it' });
          yes.addEventListener('click', () => retire(m, yes));
          no.addEventListener('click', () => {
            showActions();
            ret.focus();
          });
          replace(actions, h('span', { class: 'confirm-text', text: 'Retire it? Completions stay on record.' }), yes, no);
          no.focus();
        });
        parts.push(edit, ret);
      }
      replace(actions, parts);
    }
    showActions();
    return replace(article,
      h('header', { class: 'module-head' },
        h('h3', { id: `module-title-${m.id}`, class: 'module-title', tabindex: '-1', text: m.title }),
        h('span', { class: 'badge level-badge', text: LEVEL_LABEL[m.level] || m.level }),
        status,
        actions),
      body);
  }

  function showModules({ focus } = {}) {
    showProgress();
    if (!modules.length) {
      replace(listRegion, h('div', { class: 'empty-state', id: 'training-empty' },
        h('h3', { text: 'No training modules yet.' }),
        lead
          ? h('p', { text: 'Write the first one with “Add a module”: what a trainee should know before their first reply — the product’s basics, the tone, when to escalate. Modules of a level must be done before a member moves up.' })
          : h('p', { text: 'Support leads write the curriculum. Until they do, ask a support pro to pair with you: it is the fastest way to learn the queue.' })));
      return;
    }
    const sorted = [...modules].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
    replace(listRegion, LEVELS.map(([level]) => {
      const mods = sorted.filter((m) => m.level === level);
      if (!mods.length) return null;
      const done = mods.filter((m) => m.done).length;
      return h('section', { class: 'module-section', 'aria-labelledby': `modules-${level}` },
        h('div', { class: 'list-head' },
          h('h2', { id: `modules-${level}` }, LEVEL_SECTION[level], ' ', h('span', { class: 'muted', text: `(${done} of ${mods.length} done)` }))),
        h('div', { class: 'module-list' }, mods.map(moduleCard)));
    }));
    if (focus) listRegion.querySelector(`#module-title-${focus}`)?.focus();
  }

  async function loadProgress() {
    if (!member) return;
    try {
      progress = await api('GET', `/people/${me.id}/training`);
    } catch {
      progress = null;
    }
  }

  async function reload(opts) {
    try {
      const page = await api('GET', '/modules');
      await loadProgress();
      if (!ctx.isCurrent()) return;
      modules = (page && page.items) || [];
      showModules(opts);
    } catch (e) {
      if (ctx.isCurrent()) ctx.announce(`Could not load the curriculum: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  // ---- the form (leads) ----
  function moduleForm(m, onDone) {
    const isNew = !m;
    m = m || { title: '', body: '', level: 'trainee', position: modules.length ? Math.max(...modules.map((x) => x.position || 0)) + 1 : 1 };
    const title = h('input', { type: 'text', id: 'module-title', name: 'title', value: m.title, maxlength: '200', autocomplete: 'off', 'aria-describedby': 'module-title-error' });
    const level = h('select', { id: 'module-level', name: 'level', 'aria-describedby': 'module-level-hint' },
      LEVELS.map(([v, l]) => h('option', { value: v, selected: m.level === v, text: l })));
    const position = h('input', { type: 'number', id: 'module-position', name: 'position', value: String(m.position ?? 1), min: '0', step: '1', 'aria-describedby': 'module-position-hint' });
    const body = h('textarea', { id: 'module-body', name: 'body', rows: '10', class: 'mono', 'aria-describedby': 'module-body-hint module-body-error' });
    body.value = m.body || '';
    const error = h('div', { class: 'form-error', role: 'alert', id: 'module-error' });
    const save = h('button', { type: 'submit', class: 'button primary', text: isNew ? 'Add module' : 'Save module' });
    const cancel = h('button', { type: 'button', class: 'button quiet', text: 'Cancel' });
    const form = h('form', { class: 'card module-form', novalidate: true, 'aria-labelledby': 'module-form-title' },
      h('h3', { id: 'module-form-title', text: isNew ? 'New module' : `Edit “${m.title}”` }),
      h('div', { class: 'field' }, h('label', { for: 'module-title', text: 'Title' }), title, h('p', { class: 'field-error', id: 'module-title-error' })),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'module-level', text: 'Level' }), level,
          h('p', { class: 'hint', id: 'module-level-hint', text: 'Members at this level must do it before moving up.' })),
        h('div', { class: 'field' }, h('label', { for: 'module-position', text: 'Position' }), position,
          h('p', { class: 'hint', id: 'module-position-hint', text: 'Lower comes first.' }))),
      h('div', { class: 'field' }, h('label', { for: 'module-body', text: 'Text (Markdown)' }), body,
        h('p', { class: 'hint', id: 'module-body-hint', text: 'Headings with #, lists with -, links as [text](https://…). Raw HTML is not shown.' }),
        h('p', { class: 'field-error', id: 'module-body-error' })),
      error,
      h('div', { class: 'form-actions' }, save, cancel));
    clearErrorOnInput(form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      if (!title.value.trim()) {
        form.querySelector('#module-title-error').textContent = 'Give the module a title.';
        title.setAttribute('aria-invalid', 'true');
        title.focus();
        return;
      }
      const payload = { title: title.value.trim(), body: body.value, level: level.value, position: Number(position.value) || 0 };
      save.disabled = true;
      save.textContent = 'Saving…';
      try {
        const saved = isNew ? await api('POST', '/modules', payload) : await api('PATCH', `/modules/${m.id}`, payload);
        if (!ctx.isCurrent()) return;
        ctx.announce(isNew ? `Module “${saved.title}” added.` : `Module “${saved.title}” saved.`, { tone: 'success' });
        onDone(saved);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        const key = e.detail.field;
        const el = key && form.querySelector(`#module-${key}-error`);
        if (e.status === 422 && el) {
          el.textContent = sentence(e.message);
          form.querySelector(`#module-${key}`)?.setAttribute('aria-invalid', 'true');
          form.querySelector(`#module-${key}`)?.focus();
          error.textContent = 'Not saved: see the field marked above.';
        } else error.textContent = `Could not save the module: ${sentence(e.message)}`;
      } finally {
        if (ctx.isCurrent()) {
          save.disabled = false;
          save.textContent = isNew ? 'Add module' : 'Save module';
        }
      }
    });
    return { form, cancel, first: title };
  }

  const editor = inlineEditor({ newRegion, addButton, reload });
  const openEditor = (m, article) => editor.edit(article, (onSaved) => moduleForm(m, onSaved));
  if (addButton) addButton.addEventListener('click', () => editor.add((onSaved) => moduleForm(null, onSaved)));

  replace(ctx.main, loading('Loading the curriculum…'));
  Promise.all([api('GET', '/modules'), loadProgress()]).then(([page]) => {
    if (!ctx.isCurrent()) return;
    modules = (page && page.items) || [];
    replace(ctx.main,
      h('section', { class: 'training-page', 'aria-labelledby': 'training-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'training-title', text: 'Training' }),
            h('p', { class: 'muted', text: 'The curriculum the support team wrote for answering customers well. Read a module, then mark it done.' }))),
        progressRegion,
        addButton ? h('div', { class: 'list-head' }, h('span'), addButton) : null,
        newRegion,
        listRegion));
    showModules();
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, 'Could not load the curriculum', sentence(e.message), { href: '#/queue', text: '← Back to the queue' });
  });
}
