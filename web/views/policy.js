// views/policy.js - the program's policy (GET /policy): how much queue time
// everyone owes, how weeks are counted, when idle time stops counting, the
// consequence ladder and the longest exemption. Leads change it with
// PATCH /policy, sending only what they changed; everyone else reads it.
// Weekly time is shown in hours and the idle timeout in minutes.

import { api } from '../api.js';
import { h, replace, loading, showProblem } from '../dom.js';
import { WEEKDAYS, formatDateTime, plural, sentence } from '../format.js';
import { nameOf, person } from '../people.js';

const CADENCE_LABEL = { weekly: 'Every week, a number of hours', weeks_per_year: 'Every year, a number of whole support weeks' };

/**
 * The form's fields: id, the policy key, its label and hint, and how a
 * policy value becomes the input's text and back (null: not a valid entry).
 */
const NUMBER_FIELDS = [
  {
    key: 'weekly_minutes', id: 'policy-weekly-hours', label: 'Hours every week', unit: 'hours', step: '0.5',
    hint: 'Queue time everyone owes each week, founders and leaders included.',
    show: (v) => String(v / 60), read: (s) => Math.round(Number(s) * 60), cadence: 'weekly',
  },
  {
    key: 'weeks_per_year', id: 'policy-weeks-per-year', label: 'Support weeks each year', unit: 'weeks', step: '1',
    hint: 'Whole weeks each person spends in support every year.',
    show: String, read: Number, cadence: 'weeks_per_year',
  },
  {
    key: 'idle_timeout_seconds', id: 'policy-idle-minutes', label: 'Idle timeout', unit: 'minutes', step: '1',
    hint: 'A clocked-in person idle this long is clocked out at their last activity; idle time never counts.',
    show: (v) => String(v / 60), read: (s) => Math.round(Number(s) * 60),
  },
  {
    key: 'ladder_remind_weeks', id: 'policy-ladder-remind', label: 'Reminder after', unit: 'weeks', step: '1',
    hint: 'Weeks behind in a row before the person gets a reminder.', show: String, read: Number, group: 'ladder',
  },
  {
    key: 'ladder_manager_weeks', id: 'policy-ladder-manager', label: 'Manager told after', unit: 'weeks', step: '1',
    hint: 'Weeks behind in a row before their manager is told.', show: String, read: Number, group: 'ladder',
  },
  {
    key: 'ladder_report_weeks', id: 'policy-ladder-report', label: 'Leadership report after', unit: 'weeks', step: '1',
    hint: 'Weeks behind in a row before they are named on the leadership report.', show: String, read: Number, group: 'ladder',
  },
  {
    key: 'max_exemption_weeks', id: 'policy-max-exemption', label: 'Longest exemption', unit: 'weeks', step: '1',
    hint: 'The longest exemption a lead may grant. Every exemption has an end date.', show: String, read: Number,
  },
];

const FIELD_BY_KEY = Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, f]));

const LABEL_BY_KEY = { ...Object.fromEntries(NUMBER_FIELDS.map((f) => [f.key, f.label])), timezone: 'Organization time zone', week_start: 'Weeks start on' };

/**
 * The server names fields by their keys and in its units; say it in the
 * form's words: "Hours every week must be from 0 to 40 hours.", "... “Reminder
 * after” <= “Manager told after” ...".
 */
function inFormWords(message) {
  const m = /^(weekly_minutes|idle_timeout_seconds) must be from (\d+) to (\d+)$/.exec(message || '');
  if (m) {
    const f = FIELD_BY_KEY[m[1]]; // both are shown divided by 60: hours, minutes
    return `${f.label} must be from ${Number(m[2]) / 60} to ${Number(m[3]) / 60} ${f.unit}.`;
  }
  return sentence(String(message || '').replace(/\b[a-z]+(?:_[a-z]+)+\b|\btimezone\b/g,
    (key) => (LABEL_BY_KEY[key] ? `“${LABEL_BY_KEY[key]}”` : key)));
}

function describe(p) {
  const rows = [
    ['Cadence', CADENCE_LABEL[p.cadence] || p.cadence],
    p.cadence === 'weeks_per_year'
      ? ['Support weeks each year', `${plural(p.weeks_per_year, 'week')}${p.onboarding_week ? ', plus one in a person’s first month' : ''}`]
      : ['Hours every week', `${p.weekly_minutes / 60} h`],
    ['Time zone', p.timezone],
    ['Weeks start on', WEEKDAYS[p.week_start] || String(p.week_start)],
    ['Idle timeout', plural(Math.round(p.idle_timeout_seconds / 60), 'minute')],
    ['Reminder after', plural(p.ladder_remind_weeks, 'week') + ' behind'],
    ['Manager told after', plural(p.ladder_manager_weeks, 'week') + ' behind'],
    ['Leadership report after', plural(p.ladder_report_weeks, 'week') + ' behind'],
    ['Longest exemption', plural(p.max_exemption_weeks, 'week')],
  ];
  return h('dl', { class: 'policy-facts', id: 'policy-facts' },
    rows.map(([k, v]) => h('div', { class: 'fact' }, h('dt', { text: k }), h('dd', { text: v }))));
}

export function renderPolicy(ctx) {
  ctx.setTitle('Policy');
  const me = ctx.state.person;
  const canEdit = me.role === 'lead';
  const changed = h('p', { class: 'muted', id: 'policy-updated' });
  const body = h('div', { class: 'policy-body' });

  function showChanged(p) {
    if (!p.updated_at) {
      changed.textContent = 'allhands’ defaults: no lead has changed the policy yet.';
      return;
    }
    changed.textContent = `Last changed ${formatDateTime(p.updated_at)}.`;
    if (p.updated_by) {
      person(p.updated_by).then((who) => {
        if (ctx.isCurrent()) changed.textContent = `Last changed ${formatDateTime(p.updated_at)} by ${nameOf(who, p.updated_by)}.`;
      });
    }
  }

  function show(p, { focus } = {}) {
    showChanged(p);
    replace(body, canEdit ? policyForm(p) : describe(p));
    if (focus) body.querySelector(focus)?.focus();
  }

  function numberField(f, value) {
    const input = h('input', {
      id: f.id, name: f.key, type: 'number', inputmode: 'decimal', step: f.step, min: '0',
      value: f.show(value), required: true, 'aria-describedby': `${f.id}-hint ${f.id}-error`,
    });
    return h('div', { class: 'field', dataset: { key: f.key } },
      h('label', { for: f.id, text: f.label }),
      h('div', { class: 'input-unit' }, input, h('span', { class: 'unit', 'aria-hidden': 'true', text: f.unit })),
      h('p', { class: 'hint', id: `${f.id}-hint`, text: f.hint }),
      h('p', { class: 'field-error', id: `${f.id}-error` }));
  }

  function policyForm(p) {
    const error = h('div', { class: 'form-error', role: 'alert', id: 'policy-error' });
    const save = h('button', { type: 'submit', class: 'button primary', text: 'Save policy' });
    const cadence = Object.entries(CADENCE_LABEL).map(([value, label]) => {
      const id = `policy-cadence-${value}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'cadence', id, value, checked: p.cadence === value }),
        h('label', { for: id, text: label }));
    });
    const tzList = h('datalist', { id: 'policy-timezones' },
      (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []).map((z) => h('option', { value: z })));
    const timezone = h('input', { id: 'policy-timezone', name: 'timezone', type: 'text', list: 'policy-timezones', value: p.timezone, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'policy-timezone-hint policy-timezone-error' });
    const weekStart = h('select', { id: 'policy-week-start', name: 'week_start', 'aria-describedby': 'policy-week-start-hint' },
      WEEKDAYS.map((d, i) => h('option', { value: String(i), selected: p.week_start === i, text: d })));
    const onboarding = h('input', { type: 'checkbox', id: 'policy-onboarding', name: 'onboarding_week', checked: p.onboarding_week });

    const fieldsFor = (pred) => NUMBER_FIELDS.filter(pred).map((f) => numberField(f, p[f.key]));
    const weekly = h('div', { class: 'cadence-fields', dataset: { cadence: 'weekly' } }, fieldsFor((f) => f.cadence === 'weekly'));
    const yearly = h('div', { class: 'cadence-fields', dataset: { cadence: 'weeks_per_year' } },
      fieldsFor((f) => f.cadence === 'weeks_per_year'),
      h('div', { class: 'choice' }, onboarding, h('label', { for: 'policy-onboarding', text: 'Plus one support week in a person’s first month' })));

    const form = h('form', { class: 'policy-form', novalidate: true, 'aria-labelledby': 'policy-title', 'aria-describedby': 'policy-error' },
      h('fieldset', { class: 'card policy-group' },
        h('legend', { text: 'How much queue time' }),
        h('fieldset', { class: 'choices' }, h('legend', { class: 'sub-legend', text: 'Cadence' }), cadence),
        weekly, yearly),
      h('fieldset', { class: 'card policy-group' },
        h('legend', { text: 'Weeks and measured time' }),
        h('div', { class: 'field-grid' },
          h('div', { class: 'field', dataset: { key: 'timezone' } },
            h('label', { for: 'policy-timezone', text: 'Organization time zone' }), timezone, tzList,
            h('p', { class: 'hint', id: 'policy-timezone-hint', text: 'For reports and coverage. Each person’s own weeks and days follow their own zone.' }),
            h('p', { class: 'field-error', id: 'policy-timezone-error' })),
          h('div', { class: 'field', dataset: { key: 'week_start' } },
            h('label', { for: 'policy-week-start', text: 'Weeks start on' }), weekStart,
            h('p', { class: 'hint', id: 'policy-week-start-hint', text: 'A week is named by the ISO week of the Monday in it.' })),
          fieldsFor((f) => f.key === 'idle_timeout_seconds'))),
      h('fieldset', { class: 'card policy-group' },
        h('legend', { text: 'When someone falls behind' }),
        h('p', { class: 'hint', text: 'The consequence ladder: each step comes after the one before, never earlier.' }),
        h('div', { class: 'field-grid' }, fieldsFor((f) => f.group === 'ladder'))),
      h('fieldset', { class: 'card policy-group' },
        h('legend', { text: 'Exemptions' }),
        h('div', { class: 'field-grid' }, fieldsFor((f) => f.key === 'max_exemption_weeks'))),
      error,
      h('div', { class: 'form-actions' }, save,
        h('p', { class: 'hint', text: 'Only what you change is sent. Every change is written to the audit log.' })));

    const pickedCadence = () => form.querySelector('input[name=cadence]:checked')?.value || p.cadence;
    function syncCadence() {
      for (const el of form.querySelectorAll('.cadence-fields')) el.hidden = el.dataset.cadence !== pickedCadence();
    }
    form.addEventListener('change', (ev) => {
      if (ev.target.name === 'cadence') syncCadence();
    });
    syncCadence();

    function clearErrors() {
      error.textContent = '';
      for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    }

    function fieldError(key, text) {
      const field = form.querySelector(`.field[data-key="${key}"]`);
      const input = field && field.querySelector('input, select');
      if (!field || !input) return false;
      field.querySelector('.field-error').textContent = text;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return true;
    }

    /** {key: value} of what differs from p; or {error: [key, text]} for an entry that is not a number. */
    function changes() {
      const out = {};
      const c = pickedCadence();
      if (c !== p.cadence) out.cadence = c;
      for (const f of NUMBER_FIELDS) {
        const raw = form.querySelector(`#${f.id}`).value.trim();
        if (raw === '' || !Number.isFinite(Number(raw))) return { error: [f.key, `Enter “${f.label}” as a number of ${f.unit}.`] };
        const v = f.read(raw);
        if (v !== p[f.key]) out[f.key] = v;
      }
      const tz = timezone.value.trim();
      if (tz !== p.timezone) out.timezone = tz;
      const ws = Number(weekStart.value);
      if (ws !== p.week_start) out.week_start = ws;
      if (onboarding.checked !== p.onboarding_week) out.onboarding_week = onboarding.checked;
      return { out };
    }

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors();
      ctx.announce('');
      const { out, error: bad } = changes();
      if (bad) {
        fieldError(...bad);
        error.textContent = bad[1];
        return;
      }
      if (Object.keys(out).length === 0) {
        ctx.announce('Nothing changed, so there was nothing to save.', { tone: 'info' });
        return;
      }
      save.disabled = true;
      save.textContent = 'Saving…';
      form.setAttribute('aria-busy', 'true');
      try {
        const saved = await api('PATCH', '/policy', out);
        if (!ctx.isCurrent()) return;
        ctx.announce(`Policy saved: ${plural(Object.keys(out).length, 'change')}.`, { tone: 'success' });
        show(saved, { focus: '#policy-title' });
      } catch (e) {
        if (!ctx.isCurrent()) return;
        const text = e.status === 422 ? inFormWords(e.message) : `Could not save the policy: ${sentence(e.message)}`;
        let key = e.status === 422 && Object.keys(out).find((k) => (e.message || '').startsWith(k));
        if (!key && e.status === 422 && /ladder/.test(e.message || '')) key = Object.keys(out).find((k) => k.startsWith('ladder_'));
        if (key && fieldError(key, text)) error.textContent = `Not saved: see “${LABEL_BY_KEY[key]}” above.`;
        else error.textContent = text;
      } finally {
        if (ctx.isCurrent()) {
          save.disabled = false;
          save.textContent = 'Save policy';
          form.removeAttribute('aria-busy');
        }
      }
    });
    return form;
  }

  replace(ctx.main, loading('Loading the policy…'));
  api('GET', '/policy').then((p) => {
    if (!ctx.isCurrent()) return;
    replace(ctx.main,
      h('section', { class: 'policy-page', 'aria-labelledby': 'policy-title' },
        h('div', { class: 'page-head' },
          h('div', null,
            h('h1', { id: 'policy-title', text: 'Policy' }),
            h('p', { class: 'muted', text: canEdit
              ? 'How the whole company works the queue. You own it as a support lead.'
              : 'How the whole company works the queue. Support leads set it; ask one if something here looks wrong.' }),
            changed)),
        body));
    show(p);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx, 'Could not load the policy', sentence(e.message),
      { href: '#/week', text: '← Back to my week' });
  });
}
