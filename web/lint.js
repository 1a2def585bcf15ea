// lint.js - the style guide's live check, shared by the reply box (ticket
// screen), the review screen and the style guide's "Try it" box.
//
// lintRunner() asks POST /lint about the text while someone types: 150 ms
// after the last key, never two requests at once (the newest text is sent
// when the one in flight answers). lintEditor() puts a highlight layer behind
// a textarea: a div with the same font, padding and wrapping whose text is
// transparent and whose hits are <mark>s, so each hit is underlined where it
// is in the draft. Below the box, a list says each hit in words (rule,
// severity, why, the better way) with a button that selects it in the text.
// Hits carry UTF-16 start/end, which are JavaScript string indexes.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { plural, sentence } from './format.js';

export const LINT_DELAY_MS = 150;

/** Severity -> words. The words always say it; colour and line style only help. */
export const SEVERITY = {
  block: { label: 'Blocks sending', short: 'Block', rank: 0 },
  warn: { label: 'Warning', short: 'Warning', rank: 1 },
  tip: { label: 'Tip', short: 'Tip', rank: 2 },
};

export function severityBadge(sev) {
  const s = SEVERITY[sev] ? sev : 'tip';
  return h('span', { class: `badge sev sev-${s}`, text: SEVERITY[s].label });
}

/**
 * Runs POST /lint for payload() (an object with `text`, or null for "nothing
 * to check") after a pause in typing. onResult(result | null, text) gets each
 * answer for the newest text; onError(ApiError) a failure. Returns
 * {schedule(), run(), stop()}: schedule after each input, run now (e.g. when
 * the previews change), stop when the screen goes.
 */
export function lintRunner({ payload, onResult, onError, delay = LINT_DELAY_MS }) {
  let timer = null;
  let inFlight = false;
  let again = false;
  let stopped = false;

  async function fire() {
    timer = null;
    if (stopped) return;
    if (inFlight) {
      again = true; // the newest text goes when this answer is in
      return;
    }
    const p = payload();
    if (!p || !String(p.text || '').trim()) {
      onResult(null, p ? p.text : '');
      return;
    }
    inFlight = true;
    try {
      const res = await api('POST', '/lint', p);
      if (!stopped) onResult(res, p.text);
    } catch (e) {
      if (!stopped && onError) onError(e);
    } finally {
      inFlight = false;
      if (again && !stopped) {
        again = false;
        fire();
      }
    }
  }

  return {
    schedule() {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(fire, delay);
    },
    run() {
      clearTimeout(timer);
      fire();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * The marks to draw: [{start, end, hit}] in order, not overlapping. Where
 * hits overlap ("sorry" inside "sorry for the inconvenience"), the more
 * severe one is drawn; hits that do not fit the text are left out.
 */
function segments(hits, text) {
  const ok = hits.filter((x) => Number.isInteger(x.start) && Number.isInteger(x.end) && x.start < x.end && x.end <= text.length);
  const cuts = [...new Set(ok.flatMap((x) => [x.start, x.end]))].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [a, b] = [cuts[i], cuts[i + 1]];
    const over = ok.filter((x) => x.start <= a && x.end >= b);
    if (!over.length) continue;
    const top = over.sort((x, y) => (SEVERITY[x.severity]?.rank ?? 3) - (SEVERITY[y.severity]?.rank ?? 3) || x.start - y.start)[0];
    const last = out[out.length - 1];
    if (last && last.hit === top && last.end === a) last.end = b;
    else out.push({ start: a, end: b, hit: top });
  }
  return out;
}

/**
 * Wraps textarea in a box with a highlight layer. opts.id: a prefix for ids;
 * opts.label: what the list of hits is called ("Style hits in your reply").
 * Returns {box, list, show(hits, lintedText), clear(), hits(), input()}:
 * put `box` where the textarea was and `list` under it; call input() on every
 * input event (the marks move with the text until the next answer).
 */
export function lintEditor(textarea, { id = 'lint', label = 'Style hits' } = {}) {
  const layer = h('div', { class: 'lint-layer', 'aria-hidden': 'true' });
  const box = h('div', { class: 'lint-editor' }, layer, textarea);
  textarea.classList.add('lint-input');
  const summary = h('p', { class: 'lint-summary', id: `${id}-summary`, 'aria-live': 'polite' });
  const items = h('ul', { class: 'lint-hits', id: `${id}-hits`, 'aria-label': label });
  const list = h('div', { class: 'lint-region', id: `${id}-region` }, summary, items);
  list.hidden = true;

  let current = []; // hits, with offsets into `shownText`
  let shownText = '';

  const described = (textarea.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!described.includes(summary.id)) textarea.setAttribute('aria-describedby', [...described, summary.id].join(' '));

  function drawLayer() {
    const text = textarea.value;
    const parts = [];
    let at = 0;
    for (const seg of segments(current, text)) {
      if (seg.start > at) parts.push(text.slice(at, seg.start));
      const sev = SEVERITY[seg.hit.severity] ? seg.hit.severity : 'tip';
      parts.push(h('mark', { class: `hit hit-${sev}`, dataset: { rule: seg.hit.rule || '' } }, text.slice(seg.start, seg.end)));
      at = seg.end;
    }
    parts.push(text.slice(at));
    parts.push('\u200b'); // a last empty line still has height, as in the textarea
    replace(layer, parts);
    layer.scrollTop = textarea.scrollTop;
  }

  function summaryText(hits) {
    if (!hits.length) return 'No style hits.';
    const blocks = hits.filter((x) => x.severity === 'block').length;
    const warns = hits.filter((x) => x.severity === 'warn').length;
    const tips = hits.length - blocks - warns;
    const bits = [];
    if (blocks) bits.push(`${blocks} that ${blocks === 1 ? 'blocks' : 'block'} sending`);
    if (warns) bits.push(plural(warns, 'warning'));
    if (tips) bits.push(plural(tips, 'tip'));
    return `${plural(hits.length, 'style hit')}: ${bits.join(', ')}.`;
  }

  /** Selects the hit in the text: where it is now, if the text moved since the list was drawn. */
  function select(hit) {
    const same = current.filter((x) => x.rule === hit.rule && x.match === hit.match)
      .sort((a, b) => Math.abs(a.start - hit.start) - Math.abs(b.start - hit.start))[0];
    const at = same || hit;
    textarea.focus();
    if (at.end <= textarea.value.length) textarea.setSelectionRange(at.start, at.end);
  }

  function drawList() {
    const hits = [...current].sort((a, b) => (SEVERITY[a.severity]?.rank ?? 3) - (SEVERITY[b.severity]?.rank ?? 3) || a.start - b.start);
    const text = summaryText(hits);
    if (summary.textContent !== text) summary.textContent = text; // the live region speaks only on a change
    summary.dataset.tone = hits.some((x) => x.severity === 'block') ? 'block' : hits.length ? 'warn' : 'clean';
    replace(items, hits.map((hit, i) => {
      const sev = SEVERITY[hit.severity] ? hit.severity : 'tip';
      const found = hit.match ?? shownText.slice(hit.start, hit.end);
      const show = h('button', { type: 'button', class: 'button quiet small', 'aria-label': `Select “${found}” in the text`, text: 'Show in text' });
      show.addEventListener('click', () => select(hit));
      return h('li', { class: `lint-hit lint-${sev}`, dataset: { rule: hit.rule || '' }, id: `${id}-hit-${i}` },
        h('div', { class: 'lint-hit-head' },
          severityBadge(sev),
          h('strong', { class: 'lint-rule', text: hit.rule || 'rule' }),
          h('span', { class: 'lint-match' }, '“', h('span', { text: found }), '”'),
          show),
        hit.message ? h('p', { class: 'lint-why' }, h('span', { class: 'lint-label', text: 'Why: ' }), sentence(hit.message)) : null,
        hit.better ? h('p', { class: 'lint-better' }, h('span', { class: 'lint-label', text: 'Better: ' }), sentence(hit.better)) : null);
    }));
    list.hidden = false;
  }

  /** Moves the marks with an edit: the ones before or after the changed span stay on their words. */
  function follow(oldText, newText) {
    let pre = 0;
    const max = Math.min(oldText.length, newText.length);
    while (pre < max && oldText.charCodeAt(pre) === newText.charCodeAt(pre)) pre++;
    let suf = 0;
    while (suf < max - pre && oldText.charCodeAt(oldText.length - 1 - suf) === newText.charCodeAt(newText.length - 1 - suf)) suf++;
    const changedEnd = oldText.length - suf;
    const delta = newText.length - oldText.length;
    current = current.flatMap((hit) => {
      if (hit.end <= pre) return [hit];
      if (hit.start >= changedEnd) return [{ ...hit, start: hit.start + delta, end: hit.end + delta }];
      return []; // the edit touched it: the next answer says whether it is still there
    });
  }

  textarea.addEventListener('scroll', () => {
    layer.scrollTop = textarea.scrollTop;
  });

  return {
    box,
    list,
    /** Shows hits found in lintedText (the text that was sent). */
    show(hits, lintedText) {
      current = Array.isArray(hits) ? hits.slice() : [];
      shownText = lintedText ?? textarea.value;
      if (shownText !== textarea.value) follow(shownText, textarea.value);
      shownText = textarea.value;
      drawLayer();
      drawList();
    },
    clear() {
      current = [];
      shownText = textarea.value;
      summary.textContent = '';
      replace(items);
      list.hidden = true;
      drawLayer();
    },
    hits: () => current.slice(),
    input() {
      follow(shownText, textarea.value);
      shownText = textarea.value;
      drawLayer();
    },
  };
}

/** "Could not check the style: …" for a failed /lint, shown in the summary line. */
export function lintProblem(editor, e) {
  const summary = editor.list.querySelector('.lint-summary');
  summary.dataset.tone = 'error';
  summary.textContent = `Could not check the style: ${sentence(e.message)} The check runs again as you type.`;
  editor.list.hidden = false;
}
