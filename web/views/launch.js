// views/launch.js - one launch heads-up (#/launches/{id}; GET /launches/{id}
// with its cost): what changes, the support impact expected, its ticket
// tags, whether support is ready (and what is missing), and what it cost —
// the tickets with its tags in the week after launch, the newest linked.
// Pros and leads say "Ready" or "Not ready" with what is missing and a note
// (PATCH {readiness, missing, note}; the announcer is told); the announcer
// edits what they announced (PATCH {title, day, changes, impact, tags}).

import { api } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { formatDate, formatDateTime, sentence } from '../format.js';
import {
  MISSING, isSupport, launchDayWords, missingWords, priorityBadge, statusBadge, tagList, ticketLink,
} from '../feedback.js';
import { person, nameOf } from '../people.js';
import { addDays, todayIn } from '../weeks.js';
import { launchForm } from './launches.js';

const NOTE_MAX = 4000;
const dayOf = (iso) => (iso ? formatDate(String(iso).slice(0, 10)) : '—');

export function renderLaunch(ctx, id) {
  ctx.setTitle(`Launch #${id}`);
  const me = ctx.state.person;
  const support = isSupport(me);
  const today = todayIn(me.timezone);
  let launch = null;

  const head = h('div', { class: 'launch-head' });
  const readiness = h('div', { class: 'launch-readiness-region', id: 'launch-readiness-region' });
  const body = h('div', { class: 'launch-grid' });
  const judge = h('div', { class: 'launch-judge' });
  judge.hidden = !support;

  function canEdit() {
    return Boolean(launch && (launch.created_by === me.id || support));
  }

  function showHead({ focusEdit } = {}) {
    const edit = canEdit() ? h('button', { type: 'button', class: 'button secondary small', id: 'launch-edit', 'aria-expanded': 'false', 'aria-controls': 'launch-edit-form', text: 'Edit' }) : null;
    edit?.addEventListener('click', () => openEdit(edit));
    replace(head,
      h('p', { class: 'ticket-number muted', text: `Launch heads-up #${launch.id}` }),
      h('div', { class: 'group-title-row' },
        h('h1', { id: 'launch-title', class: 'ticket-subject', text: launch.title }),
        edit),
      h('p', { class: 'launch-when' },
        h('strong', { id: 'launch-day', text: launchDayWords(launch, today) }),
        h('span', { class: 'muted', text: ` · announced by ${launch.creator_name || `person #${launch.created_by}`}` })));
    if (focusEdit) edit?.focus();
  }

  function openEdit(button) {
    const f = launchForm(ctx, {
      launch,
      idp: 'launch-edit',
      onSaved: async (l) => {
        ctx.announce(`Saved “${l.title}”.`, { tone: 'success' });
        let fresh = l;
        try {
          fresh = await api('GET', `/launches/${id}`); // its cost follows a new day or new tags
        } catch { /* the saved fields are enough to show */ }
        if (!ctx.isCurrent()) return;
        show({ ...launch, ...fresh });
        head.querySelector('#launch-edit')?.focus();
      },
      onCancel: () => showHead({ focusEdit: true }),
    });
    button.setAttribute('aria-expanded', 'true');
    head.append(f.form);
    button.hidden = true;
    f.focus();
  }

  // ---- readiness: what support said ----
  async function judgeName() {
    if (!launch.judged_by) return '';
    const p = await person(launch.judged_by);
    return nameOf(p, launch.judged_by);
  }

  async function showReadiness() {
    const l = launch;
    const note = l.readiness_note ? h('blockquote', { class: 'readiness-note', text: l.readiness_note }) : null;
    const by = l.judged_by ? h('p', { class: 'readiness-by muted', id: 'launch-judged' }) : null;
    let box;
    if (l.readiness === 'ready') {
      box = h('div', { class: 'callout ok readiness-callout', id: 'launch-readiness' },
        h('p', { class: 'callout-title' }, h('strong', { text: 'Support: ready.' }), ' The support team has what it needs for this launch.'), note, by);
    } else if (l.readiness === 'not_ready') {
      const missing = l.missing && l.missing.length ? ` Missing ${missingWords(l.missing)}.` : '';
      box = h('div', { class: 'callout warn readiness-callout', id: 'launch-readiness' },
        h('p', { class: 'callout-title' }, h('strong', { text: 'Support: not ready.' }), missing), note, by);
    } else {
      box = h('div', { class: 'callout info readiness-callout', id: 'launch-readiness' },
        h('p', null, h('strong', { text: 'Support has not said yet whether they are ready.' }),
          support ? ' Say it below.' : ' The announcer is told as soon as they do.'));
    }
    replace(readiness, box);
    if (by) {
      const name = await judgeName();
      if (!ctx.isCurrent()) return;
      by.textContent = `Said by ${name} on ${formatDateTime(l.judged_at)}.`;
    }
  }

  // ---- what it is, and what it cost ----
  function costCard() {
    const c = launch.cost || { tickets: 0, recent: [] };
    const title = h('h2', { id: 'launch-cost-title', text: 'What it cost' });
    if (launch.day > today) {
      return h('section', { class: 'card cost-card', id: 'launch-cost', 'aria-labelledby': 'launch-cost-title' }, title,
        h('p', { class: 'muted', text: 'It has not launched yet. From launch day, the tickets with its tags in the week after launch are counted here.' }));
    }
    const n = Number(c.tickets) || 0;
    const running = today < addDays(launch.day, 7);
    const recent = Array.isArray(c.recent) ? c.recent : [];
    return h('section', { class: 'card cost-card', id: 'launch-cost', 'aria-labelledby': 'launch-cost-title' }, title,
      h('p', { class: 'cost-figure' },
        h('span', { class: 'stat-value', id: 'launch-cost-count', text: String(n) }), ' ',
        h('span', { text: `${n === 1 ? 'ticket' : 'tickets'} with these tags in the week after launch${running ? ' so far' : ''}` })),
      recent.length
        ? [h('h3', { class: 'cost-recent-title', id: 'launch-cost-recent', text: n > recent.length ? `The newest ${recent.length}` : 'The tickets' }),
          h('ul', { class: 'cost-list', 'aria-labelledby': 'launch-cost-recent' }, recent.map((t) => h('li', { dataset: { ticketId: String(t.id) } },
            ticketLink(t, me),
            h('span', { class: 'cost-facts' }, statusBadge(t.status), ' ', priorityBadge(t.priority),
              h('span', { class: 'muted', text: ` ${dayOf(t.created_at)}` })))))]
        : h('p', { class: 'muted', text: n ? '' : 'None so far — a quiet launch.' }));
  }

  function showBody() {
    const l = launch;
    replace(body,
      h('div', { class: 'launch-main' }, h('div', { class: 'launch-text' },
        h('section', { 'aria-labelledby': 'launch-changes-title' },
          h('h2', { id: 'launch-changes-title', text: 'What changes' }),
          h('p', { class: 'pre-text', id: 'launch-changes', text: l.changes })),
        h('section', { 'aria-labelledby': 'launch-impact-title' },
          h('h2', { id: 'launch-impact-title', text: 'Expected support impact' }),
          h('p', { class: 'pre-text', id: 'launch-impact', text: l.impact })),
        h('section', { 'aria-labelledby': 'launch-tags-title' },
          h('h2', { id: 'launch-tags-title', text: 'Ticket tags' }),
          tagList(l.tags, 'Ticket tags'),
          h('p', { class: 'hint', text: 'After launch, the heads-up shows beside tickets with any of these tags for 30 days.' }))),
      judge),
      costCard());
  }

  // ---- support says: ready, or not ready with what is missing ----
  function judgeForm() {
    const l = launch;
    const ready = h('input', { type: 'radio', name: 'readiness', id: 'readiness-ready', value: 'ready', checked: l.readiness === 'ready' });
    const notReady = h('input', { type: 'radio', name: 'readiness', id: 'readiness-not-ready', value: 'not_ready', checked: l.readiness === 'not_ready' });
    const boxes = MISSING.map(([key, label]) => h('input', { type: 'checkbox', id: `missing-${key}`, name: 'missing', value: key, checked: (l.missing || []).includes(key) }));
    const missingSet = h('fieldset', { class: 'choices missing-choices', id: 'launch-missing' },
      h('legend', { class: 'sub-legend', text: 'What is missing' }),
      MISSING.map(([key, label], i) => h('div', { class: 'choice' }, boxes[i], h('label', { for: `missing-${key}`, text: label }))));
    const note = h('textarea', { id: 'readiness-note', name: 'note', rows: '3', maxlength: String(NOTE_MAX), 'aria-describedby': 'readiness-note-hint' });
    note.value = l.readiness_note || '';
    const error = h('div', { class: 'form-error', role: 'alert', id: 'readiness-error' });
    const save = h('button', { type: 'submit', class: 'button primary', id: 'readiness-save', text: 'Save' });
    const form = h('form', { class: 'card readiness-form', id: 'readiness-form', novalidate: true, 'aria-labelledby': 'readiness-form-title' },
      h('h2', { id: 'readiness-form-title', text: 'Is support ready?' }),
      h('fieldset', { class: 'choices' },
        h('legend', { class: 'sub-legend', text: 'Support is' }),
        h('div', { class: 'choice' }, ready, h('label', { for: 'readiness-ready', text: 'Ready' })),
        h('div', { class: 'choice' }, notReady, h('label', { for: 'readiness-not-ready', text: 'Not ready' }))),
      missingSet,
      h('div', { class: 'field' },
        h('label', { for: 'readiness-note' }, 'Note ', h('span', { class: 'optional', text: '(optional)' })),
        note,
        h('p', { class: 'hint', id: 'readiness-note-hint', text: 'What the announcer should know, e.g. “No saved reply for the new VAT field yet”. They are told when you save.' })),
      error,
      h('div', { class: 'form-actions' }, save));

    const sync = () => {
      missingSet.hidden = !notReady.checked;
    };
    sync();
    ready.addEventListener('change', sync);
    notReady.addEventListener('change', sync);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      if (!ready.checked && !notReady.checked) {
        error.textContent = 'Choose Ready or Not ready.';
        ready.focus();
        return;
      }
      const payload = {
        readiness: ready.checked ? 'ready' : 'not_ready',
        missing: notReady.checked ? boxes.filter((b) => b.checked).map((b) => b.value) : [],
        note: note.value.trim(),
      };
      save.disabled = true;
      save.textContent = 'Saving…';
      try {
        const saved = await api('PATCH', `/launches/${id}`, payload);
        if (!ctx.isCurrent()) return;
        Object.assign(launch, saved);
        ctx.announce(`Saved: ${payload.readiness === 'ready' ? 'support is ready' : `support is not ready${payload.missing.length ? ` — missing ${missingWords(payload.missing)}` : ''}`}. ${launch.creator_name || 'The announcer'} is told.`, { tone: 'success' });
        await showReadiness();
        readiness.querySelector('#launch-readiness')?.setAttribute('tabindex', '-1');
        readiness.querySelector('#launch-readiness')?.focus();
      } catch (e) {
        if (!ctx.isCurrent()) return;
        error.textContent = `Not saved: ${sentence(e.message)}`;
      } finally {
        if (ctx.isCurrent()) {
          save.disabled = false;
          save.textContent = 'Save';
        }
      }
    });
    return form;
  }

  function show(l) {
    launch = l;
    ctx.setTitle(l.title);
    showHead();
    showReadiness();
    showBody();
    if (support) replace(judge, judgeForm());
  }

  replace(ctx.main, loading(`Loading launch #${id}…`));
  api('GET', `/launches/${id}`).then((l) => {
    if (!ctx.isCurrent()) return;
    replace(ctx.main,
      h('article', { class: 'launch-page', 'aria-labelledby': 'launch-title' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/launches', text: '← Launches' })),
        head,
        readiness,
        body));
    show(l);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, e.status === 404 ? `Launch #${id} was not found` : `Could not load launch #${id}`,
      e.status === 404 ? 'It may never have been announced. The list has every launch of the last three months and the ones to come.' : sentence(e.message),
      { href: '#/launches', text: '← Launches' });
  });
}
