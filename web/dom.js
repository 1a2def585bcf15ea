// dom.js - builds DOM nodes. Server data only ever becomes text nodes or
// attribute values through this file (textContent / setAttribute), never
// markup: there is no innerHTML anywhere in web/.

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
