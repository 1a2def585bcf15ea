// views/routing.js - routing rules (#/routing): how an arriving ticket gets
// its tier, priority and tags (GET /routing-rules, in evaluation order).
// Leads add, edit, delete and reorder them (PUT /routing-rules/order);
// pros read them. "Try it" sends a made-up ticket to POST
// /routing-rules/test and shows what it would get and which rules matched.

import { api } from '../api.js';
import { inlineEditor } from '../editor.js';
import { h, replace, loading, showProblem, clearErrorOnInput } from '../dom.js';
import { SOURCE_LABEL, capitalize, plural, sentence } from '../format.js';
import { showPatternError, tagWords } from './style.js';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
const MATCH_KIND = [['', 'No text condition'], ['phrase', 'Phrase'], ['regex', 'Regular expression']];
const MATCH_IN = [['both', 'Subject or body'], ['subject', 'Subject'], ['body', 'Body']];
const MATCH_IN_WORDS = { both: 'the subject or body', subject: 'the subject', body: 'the body' };

function whenText(r) {
  const c = [];
  if (r.match_kind) c.push(`${MATCH_IN_WORDS[r.match_in] || 'the text'} ${r.match_kind === 'regex' ? 'matches' : 'has'} “${r.pattern}”`);
  if (r.if_tag) c.push(`tagged ${r.if_tag}`);
  if (r.if_source) c.push(`from ${SOURCE_LABEL[r.if_source] || r.if_source}`);
  if (r.if_domain) c.push(`requester at ${r.if_domain}`);
  if (r.if_priority) c.push(`priority ${r.if_priority}`);
  return c.length ? c.join(' · ') : 'every ticket';
}

function thenText(r) {
  const a = [];
  if (r.set_tier) a.push(`tier ${r.set_tier}`);
  if (r.set_priority) a.push(`priority ${r.set_priority}`);
  if ((r.add_tags || []).length) a.push(`${r.add_tags.length === 1 ? 'add the tag' : 'add the tags'} ${r.add_tags.join(', ')}`);
  if (r.stop) a.push('stop here');
  return a.length ? a.join(' · ') : 'nothing';
}

function select(id, name, options, value) {
  return h('select', { id, name }, options.map(([v, l]) => h('option', { value: v, selected: String(value ?? '') === v, text: l })));
}

export function renderRouting(ctx) {
  ctx.setTitle('Routing');
  const me = ctx.state.person;
  const lead = me.role === 'lead';
  let rules = [];
  let matched = new Set();

  const listRegion = h('div', { class: 'list-region', id: 'routing-rules' });
  const newRegion = h('div', { id: 'new-route-region' });
  const addButton = lead ? h('button', { type: 'button', class: 'button primary', id: 'add-route', text: 'Add a rule' }) : null;
  const policyNote = h('p', { class: 'muted', id: 'routing-default' });

  function ruleItem(r, i) {
    const li = h('li', { class: `card route-card${r.enabled ? '' : ' is-off'}${matched.has(r.id) ? ' is-matched' : ''}`, id: `route-${r.id}`, dataset: { ruleId: String(r.id) } });
    let actions = null;
    if (lead) {
      const up = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Move ${r.name} up`, disabled: i === 0, dataset: { move: 'up' }, text: '↑ Up' });
      const down = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Move ${r.name} down`, disabled: i === rules.length - 1, dataset: { move: 'down' }, text: '↓ Down' });
      const edit = h('button', { type: 'button', class: 'button secondary small', 'aria-label': `Edit ${r.name}`, text: 'Edit' });
      const del = h('button', { type: 'button', class: 'button quiet small danger', 'aria-label': `Delete ${r.name}`, text: 'Delete' });
      up.addEventListener('click', () => move(r, -1));
      down.addEventListener('click', () => move(r, 1));
      edit.addEventListener('click', () => openEditor(r, li));
      del.addEventListener('click', () => confirmDelete(r, actions, del));
      actions = h('div', { class: 'rule-actions route-actions' }, up, down, edit, del);
    }
    return append(li,
      h('div', { class: 'rule-head' },
        h('span', { class: 'route-pos', 'aria-hidden': 'true', text: String(i + 1) }),
        h('h3', { class: 'rule-name' }, h('span', { class: 'visually-hidden', text: `${i + 1}. ` }), r.name),
        r.enabled ? null : h('span', { class: 'badge rule-off', text: 'Off' }),
        matched.has(r.id) ? h('span', { class: 'badge matched-badge', text: 'Matched' }) : null),
      h('dl', { class: 'rule-facts route-facts' },
        h('div', { class: 'fact' }, h('dt', { text: 'When' }), h('dd', { text: whenText(r) })),
        h('div', { class: 'fact' }, h('dt', { text: 'Then' }), h('dd', { text: thenText(r) }))),
      actions);
  }

  function append(el, ...kids) {
    el.append(...kids.filter(Boolean));
    return el;
  }

  function confirmDelete(r, actions, del) {
    const yes = h('button', { type: 'button', class: 'button danger small', text: `Delete “${r.name}”` });
    const no = h('button', { type: 'button', class: 'button secondary small', text: 'Keep it' });
    const keep = [...actions.childNodes];
    yes.addEventListener('click', () => removeRule(r, yes));
    no.addEventListener('click', () => {
      replace(actions, keep);
      del.focus();
    });
    replace(actions, h('span', { class: 'confirm-text', text: 'Delete this rule?' }), yes, no);
    no.focus();
  }

  function showRules({ focus, focusMove } = {}) {
    if (!rules.length) {
      replace(listRegion, h('div', { class: 'empty-state', id: 'routing-empty' },
        h('h3', { text: 'No routing rules yet.' }),
        h('p', { text: 'Every new ticket gets the default tier from the policy. Rules decide which tickets are safe for members (tier 1) and which go to the pros (tier 2), by words in the ticket, its tags, source, requester’s domain or priority.' }),
        lead ? h('p', { text: 'Add the first rule with “Add a rule”, then check it with “Try it”.' })
          : h('p', { text: 'Support leads write the rules.' })));
      return;
    }
    replace(listRegion, h('ol', { class: 'route-list', 'aria-label': 'Routing rules, in the order they are checked' }, rules.map(ruleItem)));
    if (focusMove) {
      const b = listRegion.querySelector(`#route-${focus} button[data-move="${focusMove}"]`);
      (b && !b.disabled ? b : listRegion.querySelector(`#route-${focus} button:not(:disabled)`))?.focus();
    } else if (focus) {
      const h3 = listRegion.querySelector(`#route-${focus} h3`);
      h3?.setAttribute('tabindex', '-1');
      h3?.focus();
    }
  }

  async function reload(opts) {
    try {
      const page = await api('GET', '/routing-rules');
      if (!ctx.isCurrent()) return;
      rules = (page && page.items) || [];
      showRules(opts);
    } catch (e) {
      if (ctx.isCurrent()) ctx.announce(`Could not load the routing rules: ${sentence(e.message)}`, { tone: 'error' });
    }
  }

  async function move(r, by) {
    const ids = rules.map((x) => x.id);
    const i = ids.indexOf(r.id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    try {
      const page = await api('PUT', '/routing-rules/order', { ids });
      if (!ctx.isCurrent()) return;
      rules = (page && page.items) || rules;
      ctx.announce(`“${r.name}” is now rule ${j + 1} of ${rules.length}.`, { tone: 'success' });
      showRules({ focus: r.id, focusMove: by < 0 ? 'up' : 'down' });
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not move “${r.name}”: ${sentence(e.message)}`, { tone: 'error' });
      reload();
    }
  }

  async function removeRule(r, button) {
    button.disabled = true;
    button.textContent = 'Deleting…';
    try {
      await api('DELETE', `/routing-rules/${r.id}`);
      if (!ctx.isCurrent()) return;
      ctx.announce(`Routing rule “${r.name}” deleted.`, { tone: 'success' });
      matched.delete(r.id);
      await reload();
      addButton?.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      ctx.announce(`Could not delete “${r.name}”: ${sentence(e.message)}`, { tone: 'error' });
      reload();
    }
  }

  // ---- the form (leads) ----
  function ruleForm(r, onDone) {
    const isNew = !r;
    r = r || { name: '', match_kind: 'phrase', pattern: '', match_in: 'both', if_tag: '', if_source: '', if_domain: '', if_priority: '', set_tier: 1, set_priority: '', add_tags: [], stop: false, enabled: true };
    const field = (key, label, input, hint) => h('div', { class: 'field', dataset: { key } },
      h('label', { for: `route-${key}`, text: label }), input,
      hint ? h('p', { class: 'hint', id: `route-${key}-hint`, text: hint }) : null,
      h('p', { class: 'field-error', id: `route-${key}-error` }));
    const text = (key, value, extra = {}) => h('input', { type: 'text', id: `route-${key}`, name: key, value: value || '', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `route-${key}-hint route-${key}-error`, ...extra });
    const name = text('name', r.name, { maxlength: '100' });
    const kind = select('route-match_kind', 'match_kind', MATCH_KIND, r.match_kind || '');
    const pattern = text('pattern', r.pattern, { class: 'mono', maxlength: '1000' });
    const matchIn = select('route-match_in', 'match_in', MATCH_IN, r.match_in || 'both');
    const ifTag = text('if_tag', r.if_tag);
    const ifSource = select('route-if_source', 'if_source', [['', 'Any source'], ...Object.entries(SOURCE_LABEL)], r.if_source || '');
    const ifDomain = text('if_domain', r.if_domain, { placeholder: 'example.com' });
    const ifPriority = select('route-if_priority', 'if_priority', [['', 'Any priority'], ...PRIORITIES.map((p) => [p, capitalize(p)])], r.if_priority || '');
    const setTier = select('route-set_tier', 'set_tier', [['', 'Leave as it is'], ['1', 'Tier 1 — members may answer'], ['2', 'Tier 2 — support pros only']], r.set_tier ? String(r.set_tier) : '');
    const setPriority = select('route-set_priority', 'set_priority', [['', 'Leave as it is'], ...PRIORITIES.map((p) => [p, capitalize(p)])], r.set_priority || '');
    const addTags = text('add_tags', (r.add_tags || []).join(', '));
    const stop = h('input', { type: 'checkbox', id: 'route-stop', name: 'stop', checked: Boolean(r.stop) });
    const enabled = h('input', { type: 'checkbox', id: 'route-enabled', name: 'enabled', checked: r.enabled !== false });
    const error = h('div', { class: 'form-error', role: 'alert', id: 'route-error' });
    const save = h('button', { type: 'submit', class: 'button primary', text: isNew ? 'Add rule' : 'Save rule' });
    const cancel = h('button', { type: 'button', class: 'button quiet', text: 'Cancel' });

    const form = h('form', { class: 'card rule-form', novalidate: true, 'aria-labelledby': 'route-form-title' },
      h('h3', { id: 'route-form-title', text: isNew ? 'New routing rule' : `Edit “${r.name}”` }),
      field('name', 'Name', name, 'What the rule is for, e.g. “Password resets are tier 1”.'),
      h('fieldset', { class: 'rule-group' },
        h('legend', { text: 'When (every condition set must hold)' }),
        h('div', { class: 'field-grid' },
          field('match_kind', 'Text condition', kind),
          field('match_in', 'Look in', matchIn)),
        field('pattern', 'Phrase or pattern', pattern, 'A phrase matches whole words in any case; a regular expression is PCRE2, case-insensitive.'),
        h('div', { class: 'field-grid' },
          field('if_tag', 'Tagged', ifTag, 'Empty: any tags.'),
          field('if_source', 'Source', ifSource),
          field('if_domain', 'Requester’s email domain', ifDomain, 'Empty: anyone.'),
          field('if_priority', 'Priority', ifPriority))),
      h('fieldset', { class: 'rule-group' },
        h('legend', { text: 'Then' }),
        h('div', { class: 'field-grid' },
          field('set_tier', 'Set the tier', setTier),
          field('set_priority', 'Set the priority', setPriority),
          field('add_tags', 'Add tags', addTags, 'Separate tags with commas or spaces.')),
        h('div', { class: 'choice' }, stop, h('label', { for: 'route-stop', text: 'Stop here: later rules are not checked' }))),
      h('div', { class: 'choice' }, enabled, h('label', { for: 'route-enabled', text: 'On: apply this rule to arriving tickets' })),
      error,
      h('div', { class: 'form-actions' }, save, cancel));

    function syncKind() {
      const none = !kind.value;
      pattern.disabled = none;
      matchIn.disabled = none;
    }
    kind.addEventListener('change', syncKind);
    syncKind();
    clearErrorOnInput(form);

    function fieldError(key, msg) {
      const el = form.querySelector(`#route-${key}-error`);
      const input = form.querySelector(`#route-${key}`);
      if (!el || !input) return false;
      el.textContent = msg;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return true;
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      for (const el of form.querySelectorAll('.field-error')) replace(el);
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      if (!name.value.trim()) {
        fieldError('name', 'Give the rule a name.');
        return;
      }
      if (kind.value && !pattern.value.trim()) {
        fieldError('pattern', 'Write the phrase or pattern, or choose “No text condition”.');
        return;
      }
      const body = {
        name: name.value.trim(),
        match_kind: kind.value || null,
        pattern: kind.value ? pattern.value : '',
        match_in: matchIn.value,
        if_tag: ifTag.value.trim() || null,
        if_source: ifSource.value || null,
        if_domain: ifDomain.value.trim().toLowerCase() || null,
        if_priority: ifPriority.value || null,
        set_tier: setTier.value ? Number(setTier.value) : null,
        set_priority: setPriority.value || null,
        add_tags: tagWords(addTags.value),
        stop: stop.checked,
        enabled: enabled.checked,
      };
      save.disabled = true;
      save.textContent = 'Saving…';
      form.setAttribute('aria-busy', 'true');
      try {
        const saved = isNew ? await api('POST', '/routing-rules', body) : await api('PATCH', `/routing-rules/${r.id}`, body);
        if (!ctx.isCurrent()) return;
        ctx.announce(isNew ? `Routing rule “${saved.name}” added at the end.` : `Routing rule “${saved.name}” saved.`, { tone: 'success' });
        onDone(saved);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        const key = e.detail.field;
        if (e.status === 422 && key === 'pattern') {
          showPatternError(pattern, form.querySelector('#route-pattern-error'), e);
          error.textContent = 'Not saved: see “Phrase or pattern” above.';
        } else if ((e.status === 422 || e.status === 409) && key && fieldError(key, sentence(e.message))) {
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
  const openEditor = (r, li) => editor.edit(li, (onSaved) => ruleForm(r, onSaved));
  if (addButton) addButton.addEventListener('click', () => editor.add((onSaved) => ruleForm(null, onSaved)));

  // ---- Try it ----
  function tryForm() {
    const subject = h('input', { type: 'text', id: 'route-try-subject', name: 'subject', autocomplete: 'off' });
    const body = h('textarea', { id: 'route-try-body', name: 'body', rows: '4' });
    const email = h('input', { type: 'email', id: 'route-try-email', name: 'requester_email', autocomplete: 'off', placeholder: 'casey@customer.example' });
    const source = select('route-try-source', 'source', Object.entries(SOURCE_LABEL), 'email');
    const priority = select('route-try-priority', 'priority', PRIORITIES.map((p) => [p, capitalize(p)]), 'normal');
    const tags = h('input', { type: 'text', id: 'route-try-tags', name: 'tags', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'route-try-tags-hint' });
    const result = h('div', { class: 'try-result', id: 'route-try-result', 'aria-live': 'polite' });
    const go = h('button', { type: 'submit', class: 'button primary', text: 'Try it' });
    const form = h('form', { class: 'card try-card', novalidate: true, 'aria-labelledby': 'route-try-title' },
      h('h2', { id: 'route-try-title', text: 'Try it' }),
      h('p', { class: 'hint', text: 'Describe a ticket as it would arrive; nothing is stored.' }),
      h('div', { class: 'field' }, h('label', { for: 'route-try-subject', text: 'Subject' }), subject),
      h('div', { class: 'field' }, h('label', { for: 'route-try-body', text: 'Message' }), body),
      h('div', { class: 'field' }, h('label', { for: 'route-try-email', text: 'Requester’s email' }), email),
      h('div', { class: 'form-row' },
        h('div', { class: 'field' }, h('label', { for: 'route-try-source', text: 'Source' }), source),
        h('div', { class: 'field' }, h('label', { for: 'route-try-priority', text: 'Priority' }), priority)),
      h('div', { class: 'field' }, h('label', { for: 'route-try-tags', text: 'Tags' }), tags,
        h('p', { class: 'hint', id: 'route-try-tags-hint', text: 'Separate tags with commas or spaces.' })),
      h('div', { class: 'form-actions' }, go),
      result);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      go.disabled = true;
      go.textContent = 'Trying…';
      try {
        const r = await api('POST', '/routing-rules/test', {
          subject: subject.value, body: body.value, requester_email: email.value.trim(),
          source: source.value, priority: priority.value, tags: tagWords(tags.value),
        });
        if (!ctx.isCurrent()) return;
        matched = new Set(r.matched || []);
        const names = (r.matched || []).map((id) => rules.find((x) => x.id === id)?.name || `rule #${id}`);
        replace(result,
          h('p', { class: 'try-outcome' }, 'It would be ',
            h('strong', { id: 'route-try-tier', text: `tier ${r.tier}` }), ', ',
            h('strong', { text: `${r.priority} priority` }),
            (r.tags || []).length ? [', tagged ', h('strong', { text: r.tags.join(', ') })] : ', with no tags', '.'),
          names.length
            ? h('p', null, `Matched ${plural(names.length, 'rule')}, in order: `, h('span', { id: 'route-try-matched', text: names.join(' → ') }), '.')
            : h('p', { class: 'muted', id: 'route-try-matched', text: 'No rule matched: the tier is the policy’s default.' }));
        showRules();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        replace(result, h('p', { class: 'form-error', role: 'alert', text: `Could not try it: ${sentence(e.message)}` }));
      } finally {
        if (ctx.isCurrent()) {
          go.disabled = false;
          go.textContent = 'Try it';
        }
      }
    });
    return form;
  }

  replace(ctx.main, loading('Loading the routing rules…'));
  api('GET', '/routing-rules').then((page) => {
    if (!ctx.isCurrent()) return;
    rules = (page && page.items) || [];
    replace(ctx.main,
      h('section', { class: 'routing-page', 'aria-labelledby': 'routing-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'routing-title', text: 'Routing' }),
            h('p', { class: 'muted', text: 'How a new ticket gets its tier, priority and tags. Rules are checked from the top; each one whose conditions all hold applies, a later tier or priority wins, tags add up, and “stop” ends the run.' }),
            policyNote)),
        h('div', { class: 'style-layout' },
          h('section', { 'aria-labelledby': 'route-rules-title' },
            h('div', { class: 'list-head' }, h('h2', { id: 'route-rules-title', text: 'Rules, in order' }), addButton),
            newRegion,
            listRegion),
          tryForm())));
    showRules();
    ctx.focusHeading();
    api('GET', '/policy').then((p) => {
      if (ctx.isCurrent() && p && p.default_tier) policyNote.textContent = `A ticket no rule gives a tier is tier ${p.default_tier} (the policy’s default).`;
    }, () => {});
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, 'Could not load the routing rules',
      e.status === 403 ? 'Routing rules are for the support team: pros read them and leads write them.' : sentence(e.message),
      { href: '#/queue', text: '← Back to the queue' });
  });
}
