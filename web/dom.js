// dom.js - builds DOM nodes. Server data only ever becomes text nodes or
// attribute values through this file (textContent / setAttribute), never
// markup. The one exception is serverHtml() below, for the curriculum's
// Markdown that the server renders with cmark (safe mode): it is parsed in an
// inert <template> and copied element by element through an allowlist.

/**
 * h('p', {class: 'x', text: 'hi'}, child, 'more text') -> <p class="x">.
 * Props: class, text, on<event> (function), dataset (object); everything
 * else is set with setAttribute (true -> empty attribute, false/null -> skipped).
 * Children: Nodes, strings (become text nodes), arrays, null (skipped).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'style') {
      throw new Error('inline style attributes are blocked by the CSP; use a class');
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * svg('rect', {x: 0, class: 'bar'}, child...) -> an SVG element (charts).
 * Like h(): attributes by setAttribute, text as text nodes, no markup.
 */
export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') el.textContent = String(value);
    else if (key === 'style') throw new Error('inline style attributes are blocked by the CSP; use a class');
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (Nodes, strings as text, nested arrays; null skipped). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces all children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * A field marked invalid (aria-invalid, with its message in #<id>-error)
 * is unmarked as soon as the person changes it.
 */
export function clearErrorOnInput(form) {
  form.addEventListener('input', (ev) => {
    const el = ev.target;
    if (!(el instanceof Element) || !el.hasAttribute('aria-invalid')) return;
    el.removeAttribute('aria-invalid');
    const message = el.id && form.querySelector(`#${el.id}-error`);
    if (message) message.replaceChildren();
  });
}

/** True when a key press belongs to a text field, not to a shortcut. */
/**
 * What a screen shows when it cannot load: a card saying what happened
 * (title), why (detail, announced), and where to go instead (link: {href,
 * text}); focus moves to its heading.
 */
export function showProblem(ctx, title, detail, link) {
  replace(ctx.main,
    h('section', { class: 'card problem' },
      h('h1', { text: title }),
      h('p', { role: 'alert', text: detail }),
      h('p', null, h('a', link))));
  ctx.focusHeading();
}

export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target.getAttribute('type') || 'text').toLowerCase();
  return !['button', 'submit', 'reset', 'checkbox', 'radio'].includes(type);
}

/** A "Loading…" line that screen readers announce politely. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

let announcer = null;
let keepNext = false;

/**
 * Shows msg in the page's live region (visible banner under the header).
 * tone: 'info' | 'success' | 'warn' | 'error'. keep: survive the next route change.
 */
export function announce(msg, { tone = 'info', keep = false } = {}) {
  announcer = announcer || document.getElementById('announcer');
  if (!announcer) return;
  announcer.dataset.tone = tone;
  announcer.textContent = msg || '';
  keepNext = keep;
}

/** Called by the router on every route change. */
export function clearAnnouncement() {
  if (keepNext) {
    keepNext = false;
    return;
  }
  announce('');
}

// serverHtml: the elements and attributes a training module may use. A
// heading is moved down three levels, so a module's "# Title" sits under the
// screen's own h1/h2 outline.
const SAFE_TAGS = new Set(['p', 'br', 'hr', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'del', 's',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd']);
const HEADING_SHIFT = { h1: 'h4', h2: 'h5', h3: 'h6', h4: 'h6', h5: 'h6', h6: 'h6' };
const SAFE_HREF = /^(https?:|mailto:|#)/i;

function copySafe(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.localName;
  const kids = [...node.childNodes].map(copySafe);
  if (tag === 'img') return node.getAttribute('alt') ? document.createTextNode(node.getAttribute('alt')) : null;
  if (!SAFE_TAGS.has(tag)) return kids.length ? append(document.createDocumentFragment(), kids) : null;
  const el = document.createElement(HEADING_SHIFT[tag] || tag);
  if (tag === 'a') {
    const href = node.getAttribute('href') || '';
    if (SAFE_HREF.test(href.trim())) el.setAttribute('href', href.trim());
    if (/^https?:/i.test(href.trim())) el.setAttribute('rel', 'noopener noreferrer');
  }
  if (tag === 'ol' && /^[0-9]{1,6}$/.test(node.getAttribute('start') || '')) el.setAttribute('start', node.getAttribute('start'));
  if (tag === 'code' && /^language-[A-Za-z0-9_+-]{1,40}$/.test(node.getAttribute('class') || '')) el.className = node.getAttribute('class');
  return append(el, kids);
}

/**
 * Fills el with server-rendered safe HTML (a training module's `html`, from
 * cmark). Only for fields the API documents as rendered HTML, never for text
 * a person typed: the template parses without running scripts or loading
 * images, and only allowlisted elements (with href, start, a code language)
 * are rebuilt in the page.
 */
export function serverHtml(el, html) {
  const template = document.createElement('template');
  template.innerHTML = String(html || ''); // static.spec.js allows exactly this line
  el.replaceChildren();
  return append(el, [...template.content.childNodes].map(copySafe));
}
