// views/style.js - the style guide (#/style): the rules a reply is checked
// against while it is written and when it is sent (GET /style-rules). Leads
// add, edit and delete rules (a bad regular expression comes back as 422
// with the PCRE2 message and its offset, shown by the pattern) and load the
// starter guide into an empty one; everyone reads them and can try text in
// the "Try it" box, which underlines hits as the reply box does (lint.js).
// Pros and leads preview the check for another level, role or tags.

import { api } from '../api.js';
import { inlineEditor } from '../editor.js';
import { h, replace, loading, showProblem, clearErrorOnInput } from '../dom.js';
import { plural, sentence } from '../format.js';
import { SEVERITY, lintEditor, lintProblem, lintRunner, severityBadge } from '../lint.js';
import { isPro } from './ticket.js';

export const LEVELS = [['trainee', 'Trainee'], ['junior', 'Junior'], ['tier1', 'Tier 1']];
export const LEVEL_LABEL = Object.fromEntries(LEVELS);
const ROLES = [['member', 'Members'], ['pro', 'Support pros'], ['lead', 'Support leads'], ['admin', 'Admins']];
const ROLE_WORD = Object.fromEntries(ROLES);
const SEVERITY_CHOICE = {
  block: 'Block — cannot be sent',
  warn: 'Warning — may be sent',
  tip: 'Tip — a suggestion',
};

/** "billing, legal  vip" -> ['billing', 'legal', 'vip'] */
export function tagWords(s) {
  return [...new Set(String(s || '').split(/[\s,]+/).map((t) => t.trim()).filter(Boolean))];
}

/** The index in str of UTF-8 byte offset b (PCRE2 counts bytes). */
export function indexOfByte(str, b) {
  let bytes = 0;
  let i = 0;
  for (const ch of str) {
    if (bytes >= b) return i;
    bytes += new TextEncoder().encode(ch).length;
    i += ch.length;
  }
  return str.length;
}

/** The pattern with the place the server complained about marked: "ab(<mark>c</mark>". */
export function patternAt(pattern, offset) {
  const i = indexOfByte(pattern, offset);
  const at = pattern.slice(i, i + 1);
  return h('code', { class: 'pattern-at', 'aria-hidden': 'true' },
    pattern.slice(0, i),
    h('mark', { class: at ? 'pattern-mark' : 'pattern-mark is-end', text: at || ' ' }),
    pattern.slice(i + 1));
}

/**
 * Shows a 422 about a pattern by its field: the server's message, the pattern
 * with the offset marked, and the cursor put there.
 */
export function showPatternError(input, errorEl, e) {
  const offset = Number.isInteger(e.detail.offset) ? e.detail.offset : null;
  const message = sentence(String(e.message || '').replace(/^pattern:\s*/, ''));
  replace(errorEl, h('span', { text: offset === null || /\boffset\b/.test(message) ? message : `${message} (offset ${offset})` }));
  if (offset !== null) {
    errorEl.append(h('span', { class: 'pattern-where' }, 'Here: ', patternAt(input.value, offset)));
  }
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  if (offset !== null) {
    const i = indexOfByte(input.value, offset);
    input.setSelectionRange(i, Math.min(i + 1, input.value.length));
  }
}

function scopeText(r) {
  const parts = [];
  parts.push((r.levels || []).length ? `Levels: ${r.levels.map((l) => LEVEL_LABEL[l] || l).join(', ')}` : 'Every level');
  parts.push((r.roles || []).length ? `Roles: ${r.roles.map((x) => ROLE_WORD[x] || x).join(', ')}` : 'every role');
  parts.push((r.tags || []).length ? `only on tickets tagged ${r.tags.join(', ')}` : 'on every ticket');
  return parts.join(' · ');
}

export function renderStyle(ctx) {
  ctx.setTitle('Style guide');
  const me = ctx.state.person;
  const lead = me.role === 'lead';
  const pro = isPro(me);
  let rules = [];

  const listRegion = h('div', { class: 'list-region', id: 'style-rules' });
  const countText = h('span', { class: 'muted', id: 'style-count' });
  const addButton = lead ? h('button', { type: 'button', class: 'button primary', id: 'add-rule', text: 'Add a rule' }) : null;
  const newRegion = h('div', { id: 'new-rule-region' });

  // ---- Try it ----
  const sample = h('textarea', { id: 'try-text', name: 'text', rows: '6', spellcheck: 'true', 'aria-describedby': 'try-hint' });
  const tryEditor = lintEditor(sample, { id: 'try-lint', label: 'Style hits in the text you tried' });
  const level = h('select', { id: 'try-level', name: 'level' }, LEVELS.map(([v, l]) => h('option', { value: v, text: l })));
  const role = h('select', { id: 'try-role', name: 'role' }, ROLES.map(([v, l]) => h('option', { value: v, text: l.replace(/s$/, '') })));
  const tags = h('input', { type: 'text', id: 'try-tags', name: 'tags', autocomplete: 'off', spellcheck: 'false', placeholder: 'billing, data-loss', 'aria-describedby': 'try-tags-hint' });
  const previews = pro
    ? h('fieldset', { class: 'try-previews' },
      h('legend', { text: 'Check it as if written by' }),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'try-level', text: 'Level' }), level),
        h('div', { class: 'field' }, h('label', { for: 'try-role', text: 'Role' }), role)),
      h('div', { class: 'field' }, h('label', { for: 'try-tags', text: 'On a ticket tagged' }), tags,
        h('p', { class: 'hint', id: 'try-tags-hint', text: 'Separate tags with commas or spaces.' })))
    : null;
  const lint = lintRunner({
    payload: () => {
      const p = { text: sample.value };
      if (pro) {
        p.level = level.value;
        p.role = role.value;
        p.tags = tagWords(tags.value);
      }
      return p;
    },
    onResult: (res, text) => {
      if (!ctx.isCurrent()) return;
      if (!res) tryEditor.clear();
      else tryEditor.show(res.hits || [], text);
    },
    onError: (e) => ctx.isCurrent() && e.status !== 401 && lintProblem(tryEditor, e),
  });
  ctx.onCleanup(() => lint.stop());
  sample.addEventListener('input', () => {
    tryEditor.input();
    lint.schedule();
  });
  for (const el of [level, role]) el.addEventListener('change', () => lint.run());
  tags.addEventListener('input', () => lint.schedule());

  const tryCard = h('section', { class: 'card try-card', 'aria-labelledby': 'try-title' },
    h('h2', { id: 'try-title', text: 'Try it' }),
    h('div', { class: 'field' },
      h('label', { for: 'try-text', text: 'Text to check' }),
      tryEditor.box,
      h('p', { class: 'hint', id: 'try-hint', text: pro
        ? 'Type or paste a reply: hits are underlined as you type, as in the reply box.'
        : `Type or paste a reply: hits are underlined as you type, checked as for you (${LEVEL_LABEL[me.level] || 'your level'}).` })),
    previews,
    tryEditor.list);

  // ---- the rules ----
  function ruleItem(r) {
    const li = h('li', { class: `card rule-card${r.enabled ? '' : ' is-off'}`, id: `rule-${r.id}`, dataset: { ruleId: String(r.id), name: r.name } });
    const facts = h('dl', { class: 'rule-facts' },
      h('div', { class: 'fact' }, h('dt', { text: r.kind === 'regex' ? 'Regular expression' : 'Phrase' }),
        h('dd', null, h('code', { class: 'pattern', text: r.pattern }))),
      r.why ? h('div', { class: 'fact' }, h('dt', { text: 'Why' }), h('dd', { text: r.why })) : null,
      r.better ? h('div', { class: 'fact' }, h('dt', { text: 'Better' }), h('dd', { text: r.better })) : null,
      h('div', { class: 'fact' }, h('dt', { text: 'Applies to' }), h('dd', { text: scopeText(r) })),
      (r.lifted_tags || []).length ? h('div', { class: 'fact' }, h('dt', { text: 'Lifted on tickets tagged' }), h('dd', { text: r.lifted_tags.join(', ') })) : null);
    const actions = lead ? h('div', { class: 'rule-actions' }) : null;
    function showActions() {
      if (!actions) return;
      const edit = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit ${r.name}`, text: 'Edit' });
      const del = h('button', { type: 'button', class: 'button quiet small danger', 'aria-label': `Delete ${r.name}`, text: 'Delete' });
      edit.addEventListener('click', () => openEditor(r, li));
      del.addEventListener('click', () => confirmDelete());
      replace(actions, edit, del);
    }
    function confirmDelete() {
      const yes = h('button', { type: 'button', class: 'button danger small', text: `Delete “${r.name}”` });
      const no = h('button', { type: 'button', class: 'button secondary small', text: 'Keep it' });
      yes.addEventListener('click', () => removeRule(r, yes));
      no.addEventListener('click', () => {
        showActions();
        actions.querySelector('button').focus();
      });
      replace(actions, h('span', { class: 'confirm-text', text: 'Delete this rule? Replies are no longer checked against it.' }), yes, no);
      no.focus();
    }
    showActions();
    replace(li,
      h('div', { class: 'rule-head' },
        h('h3', { class: 'rule-name', text: r.name }),
        severityBadge(r.severity),
        r.enabled ? null : h('span', { class: 'badge rule-off', text: 'Off' }),
        actions),
      facts);
    return li;
  }

  function showRules({ focus } = {}) {
    countText.textContent = rules.length ? `(${rules.length})` : '';
    if (!rules.length) {
      const starter = lead ? h('button', { type: 'button', class: 'button primary', id: 'load-starter', text: 'Load the starter guide' }) : null;
      if (starter) starter.addEventListener('click', () => loadStarter(starter));
      replace(listRegion, h('div', { class: 'empty-state', id: 'style-empty' },
        h('h3', { text: 'No style rules yet — replies are not checked.' }),
        lead
          ? [h('p', { text: 'Start from the starter guide: rules most support teams agree on (no “just”, no blame, no promises about unreleased features), each with why and the better way. Change or delete any of them afterwards.' }),
            h('div', { class: 'form-actions' }, starter, h('span', { class: 'muted', text: 'or “Add a rule” of your own.' }))]
          : h('p', { text: 'Support leads write the rules. Until they do, replies are not checked; ask a lead if your team needs one.' })));
      return;
    }
    const order = (r) => SEVERITY[r.severity]?.rank ?? 3;
    const sorted = [...rules].sort((a, b) => Number(b.enabled) - Number(a.enabled) || order(a) - order(b) || a.name.localeCompare(b.name));
    replace(listRegion, h('ul', { class: 'rule-list', 'aria-label': 'Style rules' }, sorted.map(ruleItem)));
    if (focus) listRegion.querySelector(`#rule-${focus} h3`)?.setAttribute('tabindex', '-1');
    if (focus) listRegion.querySelector(`#rule-${focus} h3`)?.focus();
  }

  async function loadRules(opts) {
    const page = await api('GET', '/style-rules');
    if (!ctx.isCurrent()) return;
    rules = (page && page.items) || [];
    showRules(opts);
  }

  async function reload(opts) {
    try {
      await loadRules(opts);
      lint.run();
    } catch (e) {
      if (ctx.isCurrent()) ctx.announce(`Could not reload the rules: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  async function loadStarter(button) {
    button.disabled = true;
    button.textContent = 'Loading the starter guide…';
    try {
      const r = await api('POST', '/style-rules/starter');
      if (!ctx.isCurrent()) return;
      ctx.announce(`Starter guide loaded: ${plural(r && r.added || 0, 'rule')} added. Change or delete any of them.`, { tone: 'success' });
      await reload();
      ctx.focusHeading();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not load the starter guide: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'Load the starter guide';
    }
  }

  async function removeRule(r, button) {
    button.disabled = true;
    button.textContent = 'Deleting…';
    try {
      await api('DELETE', `/style-rules/${r.id}`);
      if (!ctx.isCurrent()) return;
      ctx.announce(`Rule “${r.name}” deleted. Replies are no longer checked against it.`, { tone: 'success' });
      await reload();
      (addButton || ctx.main.querySelector('h1'))?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not delete “${r.name}”: ${sentence(e.message)}`, { tone: 'error' });
      reload();
    }
  }

  // ---- the form (leads): one open at a time, in place of the rule it edits ----
  function ruleForm(r, onDone) {
    const isNew = !r;
    r = r || { name: '', kind: 'phrase', pattern: '', severity: 'warn', why: '', better: '', levels: [], roles: [], tags: [], lifted_tags: [], enabled: true };
    const field = (key, label, input, hint) => h('div', { class: 'field', dataset: { key } },
      h('label', { for: `rule-${key}`, text: label }), input,
      hint ? h('p', { class: 'hint', id: `rule-${key}-hint`, text: hint }) : null,
      h('p', { class: 'field-error', id: `rule-${key}-error` }));
    const describe = (key, hint) => `${hint ? `rule-${key}-hint ` : ''}rule-${key}-error`;
    const name = h('input', { type: 'text', id: 'rule-name', name: 'name', value: r.name, maxlength: '100', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describe('name', true) });
    const pattern = h('input', { type: 'text', id: 'rule-pattern', name: 'pattern', value: r.pattern, maxlength: '1000', autocomplete: 'off', spellcheck: 'false', class: 'mono', 'aria-describedby': describe('pattern', true) });
    const kinds = [['phrase', 'Phrase'], ['regex', 'Regular expression']].map(([v, l]) => h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'kind', id: `rule-kind-${v}`, value: v, checked: r.kind === v }),
      h('label', { for: `rule-kind-${v}`, text: l })));
    const severity = h('select', { id: 'rule-severity', name: 'severity', 'aria-describedby': 'rule-severity-hint' },
      Object.entries(SEVERITY_CHOICE).map(([v, l]) => h('option', { value: v, selected: r.severity === v, text: l })));
    const why = h('textarea', { id: 'rule-why', name: 'why', rows: '2', maxlength: '2000', 'aria-describedby': describe('why', true) });
    why.value = r.why || '';
    const better = h('textarea', { id: 'rule-better', name: 'better', rows: '2', maxlength: '2000', 'aria-describedby': describe('better', true) });
    better.value = r.better || '';
    const checks = (key, legend, options, picked, hint) => h('fieldset', { class: 'choices rule-checks', dataset: { key }, 'aria-describedby': `rule-${key}-hint` },
      h('legend', { class: 'sub-legend', text: legend }),
      options.map(([v, l]) => h('div', { class: 'choice' },
        h('input', { type: 'checkbox', id: `rule-${key}-${v}`, name: key, value: v, checked: (picked || []).includes(v) }),
        h('label', { for: `rule-${key}-${v}`, text: l }))),
      h('p', { class: 'hint', id: `rule-${key}-hint`, text: hint }));
    const ruleTags = h('input', { type: 'text', id: 'rule-tags', name: 'tags', value: (r.tags || []).join(', '), autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describe('tags', true) });
    const lifted = h('input', { type: 'text', id: 'rule-lifted_tags', name: 'lifted_tags', value: (r.lifted_tags || []).join(', '), autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describe('lifted_tags', true) });
    const enabled = h('input', { type: 'checkbox', id: 'rule-enabled', name: 'enabled', checked: r.enabled !== false });
    const error = h('div', { class: 'form-error', role: 'alert', id: 'rule-error' });
    const save = h('button', { type: 'submit', class: 'button primary', text: isNew ? 'Add rule' : 'Save rule' });
    const cancel = h('button', { type: 'button', class: 'button quiet', text: 'Cancel' });
    const title = isNew ? 'New rule' : `Edit “${r.name}”`;

    const form = h('form', { class: 'card rule-form', novalidate: true, 'aria-labelledby': 'rule-form-title' },
      h('h3', { id: 'rule-form-title', text: title }),
      h('div', { class: 'field-grid' },
        field('name', 'Name', name, 'Short and unique, e.g. no-just. Shown with every hit.'),
        field('severity', 'Severity', severity, 'A blocked reply is refused on send; a support pro may still send it, with a reason.')),
      h('fieldset', { class: 'choices' }, h('legend', { class: 'sub-legend', text: 'Match' }), kinds),
      field('pattern', 'Pattern', pattern, 'A phrase matches whole words, in any case. A regular expression is PCRE2, case-insensitive.'),
      field('why', 'Why', why, 'Shown to the writer with the hit: the reason, in a sentence.'),
      field('better', 'The better way', better, 'What to write instead.'),
      checks('levels', 'For levels', LEVELS, r.levels, 'None ticked: every level.'),
      checks('roles', 'For roles', ROLES, r.roles, 'None ticked: everyone.'),
      h('div', { class: 'field-grid' },
        field('tags', 'Only on tickets tagged', ruleTags, 'Empty: every ticket. Separate tags with commas or spaces.'),
        field('lifted_tags', 'Not on tickets tagged', lifted, 'The rule is lifted on these, e.g. legal-approved.')),
      h('div', { class: 'choice' }, enabled, h('label', { for: 'rule-enabled', text: 'On: check replies against this rule' })),
      error,
      h('div', { class: 'form-actions' }, save, cancel));

    const checked = (key) => [...form.querySelectorAll(`input[name="${key}"]:checked`)].map((x) => x.value);
    function clearErrors() {
      error.textContent = '';
      for (const el of form.querySelectorAll('.field-error')) replace(el);
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    }
    function fieldError(key, text) {
      const el = form.querySelector(`#rule-${key}-error`);
      const input = form.querySelector(`#rule-${key}`);
      if (!el || !input) return false;
      el.textContent = text;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return true;
    }
    clearErrorOnInput(form);

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors();
      if (!name.value.trim()) {
        fieldError('name', 'Give the rule a name, e.g. no-just.');
        return;
      }
      if (!pattern.value.trim()) {
        fieldError('pattern', 'Write the phrase or the regular expression to look for.');
        return;
      }
      const body = {
        name: name.value.trim(), kind: form.querySelector('input[name=kind]:checked')?.value || 'phrase',
        pattern: pattern.value, severity: severity.value, why: why.value.trim(), better: better.value.trim(),
        levels: checked('levels'), roles: checked('roles'), tags: tagWords(ruleTags.value), lifted_tags: tagWords(lifted.value),
        enabled: enabled.checked,
      };
      save.disabled = true;
      save.textContent = 'Saving…';
      form.setAttribute('aria-busy', 'true');
      try {
        const saved = isNew ? await api('POST', '/style-rules', body) : await api('PATCH', `/style-rules/${r.id}`, body);
        if (!ctx.isCurrent()) return;
        ctx.announce(isNew ? `Rule “${saved.name}” added.` : `Rule “${saved.name}” saved.`, { tone: 'success' });
        onDone(saved);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        const key = e.detail.field;
        if (e.status === 422 && key === 'pattern') {
          showPatternError(pattern, form.querySelector('#rule-pattern-error'), e);
          error.textContent = 'Not saved: see “Pattern” above.';
        } else if (e.status === 409) {
          fieldError('name', `${sentence(e.message)} Choose another name.`);
          error.textContent = 'Not saved: see “Name” above.';
        } else if (e.status === 422 && key && fieldError(key, sentence(e.message))) {
          error.textContent = 'Not saved: see the field marked above.';
        } else {
          error.textContent = `Could not save the rule: ${sentence(e.message)}`;
        }
      } finally {
        if (ctx.isCurrent()) {
          save.disabled = false;
          save.textContent = isNew ? 'Add rule' : 'Save rule';
          form.removeAttribute('aria-busy');
        }
      }
    });
    return { form, cancel, first: name };
  }

  const editor = inlineEditor({ newRegion, addButton, reload });
  const openEditor = (r, li) => editor.edit(li, (onSaved) => ruleForm(r, onSaved), 'is-editing');
  if (addButton) addButton.addEventListener('click', () => editor.add((onSaved) => ruleForm(null, onSaved)));

  replace(ctx.main, loading('Loading the style guide…'));
  loadRules().then(() => {
    if (!ctx.isCurrent()) return;
    replace(ctx.main,
      h('section', { class: 'style-page', 'aria-labelledby': 'style-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'style-title', text: 'Style guide' }),
            h('p', { class: 'muted', text: lead
              ? 'How we write to customers. Each rule is checked live while a reply is written and again when it is sent. You own it as a support lead.'
              : 'How we write to customers. Each rule is checked live while you write a reply and again when you send it. Support leads write the rules.' }))),
        h('div', { class: 'style-layout' },
          h('section', { class: 'style-rules', 'aria-labelledby': 'rules-title' },
            h('div', { class: 'list-head' },
              h('h2', { id: 'rules-title' }, 'Rules ', countText),
              addButton),
            newRegion,
            listRegion),
          tryCard)));
    showRules();
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, 'Could not load the style guide', sentence(e.message), { href: '#/queue', text: '← Back to the queue' });
  });
}
