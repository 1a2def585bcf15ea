// views/ticket.js - one ticket: its facts, the thread, and the composer.
// A reply carries seen_message_id (the newest message we showed); when
// someone wrote meanwhile the server answers 409 with the newer messages,
// which we show, and the writer sends again after reading them.
// The reply box checks the style guide as one types (lint.js); the server
// checks again on send: a block hit refuses the reply (422 with the rule; a
// pro may send anyway with a reason), a trainee's reply is held for review
// (202). Saved replies come from GET /macros, rendered for this ticket.
// A tier-1 ticket can be escalated to the pros with a note.
// Mail: a message that came by email names its sender when that is not the
// requester and keeps its folded quote behind "Show quoted text"; files are
// links to /attachments/{id}; a reply that was emailed says how that went,
// and while one is still on its way the screen asks again now and then.
// Beside the thread: a recent launch whose tags the ticket has (headsup.js)
// and how many others asked the same question (similar.js). Feedback loops:
// pros route a ticket back to whoever's promise or change caused it
// (routeback.js; that person is told their reply goes to review), and
// anyone gives kudos on someone else's reply (kudosgive.js).

import { api, query } from '../api.js';
import { h, replace, isTyping, loading, showProblem } from '../dom.js';
import {
  KIND_LABEL, SOURCE_LABEL, capitalize, formatDateTime, formatDue, formatRelative, formatTime, tierLabel, sentence, isoOf, plural,
} from '../format.js';
import { lintEditor, lintProblem, lintRunner } from '../lint.js';
import { takeNext } from './next.js';
import { similarPanel } from './similar.js';
import { launchPanel } from './headsup.js';
import { routeBackPart } from './routeback.js';
import { kudosControls, kudosMemory } from './kudosgive.js';

export const HELD_NOTICE = 'Sent for review — a pro will look at it.';

/** Pros and leads: the support team (the API's "pros"). */
export function isPro(p) {
  return Boolean(p && (p.role === 'pro' || p.role === 'lead'));
}

export const CONFLICT_NOTICE =
  'Someone wrote while you were typing — read the new message(s) and send again.';

function fact(label, ...value) {
  return h('div', { class: 'fact' }, h('dt', { text: label }), h('dd', null, ...value));
}

function tagList(tags) {
  if (!tags || tags.length === 0) return h('span', { class: 'muted', text: 'None' });
  return h('ul', { class: 'tags', 'aria-label': 'Tags' }, tags.map((t) => h('li', { class: 'tag', text: t })));
}

function dueValue(iso) {
  const due = formatDue(iso);
  return h('time', { datetime: iso || '', title: formatDateTime(iso), class: due.overdue ? 'overdue' : null, text: due.text });
}

/** "Name <email>", or the address alone. */
function mailbox(who) {
  const email = (who && who.email) || '';
  const name = (who && who.name) || '';
  if (!name) return h('span', { class: 'mailbox', text: email });
  return h('span', { class: 'mailbox' }, h('span', { class: 'mailbox-name', text: name }),
    email ? h('span', { class: 'muted', text: ` <${email}>` }) : null);
}

const sameEmail = (a, b) => String(a || '').toLowerCase() === String(b || '').toLowerCase();

/** Who mailed m, when that is not the requester (someone on Cc, say); else null. */
function otherSender(m, requester) {
  const from = m.mail && m.mail.from;
  if (!from || !from.email || sameEmail(from.email, requester && requester.email)) return null;
  return from;
}

/** The quoted history and signature mail-in folded away: collapsed until asked for. */
function quotedPart(m) {
  const quoted = m.mail && m.mail.quoted;
  if (!quoted) return null;
  const summary = h('summary', { text: 'Show quoted text' });
  const details = h('details', { class: 'msg-quoted' }, summary, h('pre', { text: quoted }));
  details.addEventListener('toggle', () => {
    summary.textContent = details.open ? 'Hide quoted text' : 'Show quoted text';
  });
  return details;
}

const bytesNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 512 -> "512 bytes", 12288 -> "12 KB", 1572864 -> "1.5 MB". */
function formatBytes(n) {
  let size = Math.max(0, Number(n) || 0);
  if (size < 1024) return size === 1 ? '1 byte' : `${size} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let unit = -1;
  do {
    size /= 1024;
    unit += 1;
  } while (size >= 1024 && unit < units.length - 1);
  return `${bytesNumber.format(size >= 10 ? Math.round(size) : size)} ${units[unit]}`;
}

// The types the server shows in place (api_tickets.c shown_type); every
// other file is served as a download, and the link says so.
const SHOWN_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function attachmentItem(a) {
  const href = `/api/v1/attachments/${encodeURIComponent(String(a.id))}`;
  const name = a.name || `attachment ${a.id}`;
  const type = String(a.type || '').toLowerCase();
  const image = SHOWN_IMAGES.has(type);
  return h('li', { class: 'attachment' },
    // The thumbnail repeats the link next to it: one tab stop per file.
    image ? h('a', { class: 'attachment-thumb', href, tabindex: '-1', 'aria-hidden': 'true' },
      h('img', { src: href, alt: name, loading: 'lazy', width: '64', height: '64' })) : null,
    h('span', { class: 'attachment-text' },
      h('a', { class: 'attachment-link', href, download: image ? null : true, text: name }),
      h('span', { class: 'attachment-meta muted', text: `${formatBytes(a.size)} · ${type || 'unknown type'}${image ? '' : ' · download'}` })));
}

function attachmentList(m) {
  const files = Array.isArray(m.attachments) ? m.attachments : [];
  if (!files.length) return null;
  return h('ul', { class: 'attachments', 'aria-label': `Attachments (${files.length})` }, files.map(attachmentItem));
}

const noStop = (s) => String(s || '').trim().replace(/[.\s]+$/, '');

/** How the email of a reply fared: emailed, on its way (retrying), or not delivered. */
function deliveryLine(m) {
  const d = m.delivery;
  if (!d || m.kind !== 'reply') return null;
  const id = `delivery-${m.id}`;
  if (d.status === 'sent') {
    return h('p', { class: 'delivery delivery-sent', id },
      h('span', { class: 'delivery-mark', 'aria-hidden': 'true', text: '✓ ' }), 'Emailed',
      d.sent_at ? [' ', h('time', { datetime: isoOf(d.sent_at), title: formatDateTime(d.sent_at), text: formatDateTime(d.sent_at) })] : null);
  }
  if (d.status === 'failed') {
    return h('div', { class: 'delivery delivery-failed', id, role: 'status' },
      h('p', null, h('strong', { text: 'Not delivered' }),
        d.error ? `: ${noStop(d.error)}.` : '.', ' The customer did not get this reply.'),
      h('p', { class: 'delivery-hint', text: 'Check the address on the ticket, or reach the customer another way.' }));
  }
  const attempts = Number(d.attempts) || 0;
  const retrying = attempts > 1 || Boolean(d.error);
  return h('p', { class: `delivery delivery-queued${retrying ? ' delivery-retrying' : ''}`, id },
    retrying ? `Sending… retrying (${plural(attempts, 'attempt')} so far).` : 'Sending…',
    retrying && d.error ? [' ', h('span', { class: 'delivery-error', text: `Last error: ${noStop(d.error)}.` })] : null);
}

/** A message of the thread; requester (the ticket's) tells whose mail needs a "From". */
export function messageItem(m, isNew, requester) {
  const kind = KIND_LABEL[m.kind] ? m.kind : 'customer';
  const sender = otherSender(m, requester);
  // a customer message has the requester's name; mail from someone else is theirs
  const author = (sender && (sender.name || sender.email))
    || m.author_name || (m.author_id === null ? 'Customer' : `Person #${m.author_id}`);
  return h('li', { class: `msg msg-${kind}${isNew ? ' msg-new' : ''}`, id: `message-${m.id}`, dataset: { messageId: String(m.id), kind } },
    h('article', { 'aria-label': `${KIND_LABEL[kind]} from ${author}` },
      h('header', { class: 'msg-head' },
        h('span', { class: `kind kind-${kind}`, text: KIND_LABEL[kind] }),
        isNew ? h('span', { class: 'kind kind-new', text: 'New' }) : null,
        h('span', { class: 'msg-author', text: author }),
        h('time', { class: 'msg-time', datetime: m.created_at || '', title: formatDateTime(m.created_at), text: formatDateTime(m.created_at) })),
      sender ? h('p', { class: 'msg-from' }, 'From ', mailbox(sender)) : null,
      h('div', { class: 'msg-body', text: m.body || '' }),
      quotedPart(m),
      attachmentList(m),
      deliveryLine(m)));
}

/** "Also on this ticket": the people on Cc, who get the replies too. */
function participantList(people) {
  if (!Array.isArray(people) || !people.length) return null;
  return h('div', { class: 'participants', id: 'participants' },
    h('span', { class: 'participants-label', id: 'participants-label', text: 'Also on this ticket:' }), ' ',
    h('ul', { class: 'participant-list', 'aria-labelledby': 'participants-label' },
      people.map((p, i) => h('li', null, mailbox(p), i < people.length - 1 ? ', ' : null))),
    h('span', { class: 'muted', text: ' (they get the replies too)' }));
}

export function renderTicket(ctx, id) {
  ctx.setTitle(`Ticket #${id}`);
  const me = ctx.state.person;
  let ticket = null;
  let messages = [];
  let seenId = 0; // newest message the writer has been shown
  const newIds = new Set();
  let leaveArmed = false;

  const head = h('div', { class: 'ticket-head' });
  const actions = h('div', { class: 'ticket-actions' });
  const threadTitle = h('h2', { id: 'thread-title', text: 'Conversation' });
  const thread = h('ol', { class: 'thread', 'aria-labelledby': 'thread-title' });

  // Composer: built once so a draft survives reloads of the thread.
  const kindReply = h('input', { type: 'radio', name: 'kind', id: 'kind-reply', value: 'reply', checked: true });
  const kindNote = h('input', { type: 'radio', name: 'kind', id: 'kind-note', value: 'note' });
  const bodyLabel = h('label', { for: 'reply-body', text: 'Your reply to the customer' });
  const body = h('textarea', { id: 'reply-body', name: 'body', rows: '8', 'aria-describedby': 'composer-hint', spellcheck: 'true' });
  const notice = h('div', { class: 'composer-notice', role: 'alert', id: 'composer-notice' });
  const send = h('button', { type: 'submit', class: 'button primary', text: 'Send' });
  const editor = lintEditor(body, { id: 'reply-lint', label: 'Style hits in your reply' });
  const pro = isPro(me);
  const kudosGiven = kudosMemory();
  const routeBack = routeBackPart(ctx, id, {
    onMarked: async () => {
      try {
        const fresh = await fetchTicket(); // it may have a new assignee
        if (ctx.isCurrent()) show(fresh);
      } catch { /* the note says what happened; the facts catch up on reload */ }
      if (!ctx.isCurrent()) return;
      syncRouted();
      routeBack.notes.setAttribute('tabindex', '-1');
      routeBack.notes.focus();
    },
  });

  // A pro past a block hit: "Send anyway", with the reason (audited).
  const overrideReason = h('input', { type: 'text', id: 'override-reason', name: 'override_reason', maxlength: '500', autocomplete: 'off', 'aria-describedby': 'override-hint' });
  const overrideSend = h('button', { type: 'button', class: 'button secondary', id: 'send-anyway', text: 'Send anyway' });
  const override = h('div', { class: 'override callout warn', id: 'override' },
    h('div', { class: 'field' },
      h('label', { for: 'override-reason', text: 'Why send it anyway?' }),
      overrideReason,
      h('p', { class: 'hint', id: 'override-hint', text: 'As a support pro you may send past a blocking rule. Your reason is written to the audit log.' })),
    h('div', { class: 'form-actions' }, overrideSend));
  override.hidden = true;

  // Saved replies: rendered for this ticket, inserted where the cursor is.
  const macroSelect = h('select', { id: 'macro-pick', name: 'macro', 'aria-describedby': 'macro-hint' },
    h('option', { value: '', text: 'Loading saved replies…' }));
  const macroInsert = h('button', { type: 'button', class: 'button secondary', id: 'macro-insert', text: 'Insert' });
  const macroHint = h('p', { class: 'hint', id: 'macro-hint', text: 'Placeholders such as the customer’s name are filled in for this ticket. Check the text before you send.' });
  const macros = h('div', { class: 'macro-picker', id: 'macro-picker' },
    h('label', { for: 'macro-pick', text: 'Saved reply' }),
    h('div', { class: 'macro-row' }, macroSelect, macroInsert),
    macroHint);

  const coaching = h('div', { class: 'coaching', id: 'coaching' });
  coaching.hidden = true;
  // The person a ticket was routed back to: their reply goes to support first.
  const routedNotice = h('div', { class: 'callout info', id: 'routed-to-me' },
    h('p', { class: 'callout-title' }, h('strong', { text: 'This ticket was routed back to you.' })),
    h('p', { text: 'Your reply goes to the support team for review before the customer gets it — write it as you would; they may suggest changes.' }));
  routedNotice.hidden = true;
  /** The notice until a reply of theirs is in review: then "in review" says it. */
  const syncRouted = () => {
    routedNotice.hidden = !routeBack.routedToMe() || Boolean(ticket && ticket.in_review);
  };
  const composer = h('form', { class: 'composer-form', 'aria-labelledby': 'composer-title' },
    routedNotice,
    coaching,
    h('fieldset', { class: 'kind-picker' },
      h('legend', { text: 'Send as' }),
      h('div', { class: 'choice' }, kindReply, h('label', { for: 'kind-reply', text: 'Reply to the customer' })),
      h('div', { class: 'choice' }, kindNote, h('label', { for: 'kind-note', text: 'Internal note (only colleagues see it)' }))),
    macros,
    h('div', { class: 'field' }, bodyLabel, editor.box),
    editor.list,
    notice,
    override,
    h('div', { class: 'composer-actions' },
      send,
      h('p', { class: 'hint', id: 'composer-hint' }, 'Press ', h('kbd', { text: 'Ctrl' }), ' + ', h('kbd', { text: 'Enter' }), ' to send.')));

  const kind = () => (kindNote.checked ? 'note' : 'reply');
  const lint = lintRunner({
    payload: () => (kind() === 'reply' ? { text: body.value, ticket_id: id } : null),
    onResult: (res, text) => {
      if (!ctx.isCurrent()) return;
      if (!res || kind() !== 'reply') editor.clear();
      else editor.show(res.hits || [], text);
    },
    onError: (e) => {
      if (ctx.isCurrent() && e.status !== 401) lintProblem(editor, e);
    },
  });
  ctx.onCleanup(() => lint.stop());

  function syncKind() {
    const note = kind() === 'note';
    bodyLabel.textContent = note ? 'Your internal note' : 'Your reply to the customer';
    composer.classList.toggle('is-note', note);
    if (note) {
      editor.clear();
      override.hidden = true;
    } else lint.run();
  }
  kindReply.addEventListener('change', syncKind);
  kindNote.addEventListener('change', syncKind);

  const heldByMe = () => Boolean(ticket && ticket.claimed_until && me && ticket.assignee_id === me.id);

  function holderText() {
    if (!ticket) return null;
    if (heldByMe()) return `You hold this ticket until ${formatTime(ticket.claimed_until)}.`;
    if (ticket.assignee_id === null || ticket.assignee_id === undefined) return 'Nobody holds this ticket.';
    if (me && ticket.assignee_id === me.id) return 'Assigned to you.';
    const named = messages.find((m) => m.author_id === ticket.assignee_id && m.author_name);
    const who = named ? named.author_name : (routeBack.nameOf(ticket.assignee_id) || `person #${ticket.assignee_id}`);
    return ticket.claimed_until
      ? `${who} holds this ticket until ${formatTime(ticket.claimed_until)}.`
      : `Assigned to ${who}.`;
  }

  function renderHead() {
    const t = ticket;
    const r = t.requester || {};
    replace(head,
      h('p', { class: 'ticket-number muted', text: `Ticket #${t.id}` }),
      h('h1', { id: 'ticket-title', class: 'ticket-subject', text: t.subject || '(no subject)' }),
      h('p', { class: 'requester' }, 'From ',
        h('strong', { class: 'requester-name', text: r.name || r.email || 'unknown requester' }),
        r.email && r.name ? h('span', { class: 'requester-email muted', text: ` <${r.email}>` }) : null,
        t.created_at ? h('span', { class: 'muted' }, ', ', h('time', { datetime: t.created_at, title: formatDateTime(t.created_at), text: formatRelative(t.created_at) })) : null),
      participantList(t.participants),
      h('dl', { class: 'facts' },
        fact('Status', h('span', { class: `badge status-${t.status}`, text: capitalize(t.status) })),
        fact('Priority', h('span', { class: `badge priority-${t.priority}`, text: capitalize(t.priority) })),
        fact('Tier', tierLabel(t.tier)),
        t.in_review ? fact('Review', h('span', { class: 'badge in-review', id: 'in-review', text: 'In review' })) : null,
        fact('Tags', tagList(t.tags)),
        fact('First reply due', t.first_response_at ? h('span', { class: 'muted', text: 'Answered' }) : dueValue(t.due_at)),
        fact('Resolve by', dueValue(t.resolve_due_at)),
        fact('Source', SOURCE_LABEL[t.source] || capitalize(t.source || '—'))));
  }

  function renderActions() {
    const next = h('button', { type: 'button', class: 'button primary', id: 'next-ticket', 'aria-keyshortcuts': 'n', text: heldByMe() ? 'Done — next ticket' : 'Next ticket' });
    next.addEventListener('click', () => goNext(next));
    const parts = [h('p', { class: 'holder', text: holderText() }), next];
    if (heldByMe()) {
      const release = h('button', { type: 'button', class: 'button secondary', id: 'release-ticket', text: 'Release' });
      release.addEventListener('click', () => doRelease(release));
      parts.push(release);
    }
    if (pro) parts.push(routeBack.button());
    if (ticket.tier === 1) {
      const esc = h('button', { type: 'button', class: 'button secondary', id: 'escalate', 'aria-expanded': String(!escalation.hidden), 'aria-controls': 'escalate-form', text: 'Escalate to the pros' });
      esc.addEventListener('click', () => openEscalation(esc));
      parts.push(esc);
    } else escalation.hidden = true;
    replace(actions, ...parts);
  }

  // ---- escalation: one button, a note, and the ticket goes to the pros ----
  const escNote = h('textarea', { id: 'escalate-note', name: 'note', rows: '3', maxlength: '10000', required: true, 'aria-describedby': 'escalate-hint escalate-error' });
  const escError = h('p', { class: 'field-error', id: 'escalate-error', role: 'alert' });
  const escSubmit = h('button', { type: 'submit', class: 'button primary', text: 'Escalate' });
  const escCancel = h('button', { type: 'button', class: 'button quiet', text: 'Cancel' });
  const escalation = h('form', { class: 'card escalate-form', id: 'escalate-form', novalidate: true, 'aria-labelledby': 'escalate-title' },
    h('h2', { id: 'escalate-title', text: 'Escalate to the pros' }),
    h('div', { class: 'field' },
      h('label', { for: 'escalate-note', text: 'Note for the pros' }),
      escNote,
      h('p', { class: 'hint', id: 'escalate-hint', text: 'What you found and why a pro should take it. The ticket becomes tier 2 and goes back to the queue for the support pros; your note is added as an internal note. Escalating when unsure is the right call.' }),
      escError),
    h('div', { class: 'form-actions' }, escSubmit, escCancel));
  escalation.hidden = true;

  function openEscalation(button) {
    escalation.hidden = !escalation.hidden;
    button.setAttribute('aria-expanded', String(!escalation.hidden));
    if (!escalation.hidden) escNote.focus();
  }

  function closeEscalation() {
    escalation.hidden = true;
    escError.textContent = '';
    escNote.removeAttribute('aria-invalid');
    const button = actions.querySelector('#escalate');
    if (button) {
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    }
  }

  escCancel.addEventListener('click', closeEscalation);
  escNote.addEventListener('input', () => {
    if (!escError.textContent) return;
    escError.textContent = '';
    escNote.removeAttribute('aria-invalid');
  });
  escalation.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeEscalation();
    }
  });
  escNote.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (!escSubmit.disabled) escalation.requestSubmit();
    }
  });
  escalation.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    escError.textContent = '';
    escNote.removeAttribute('aria-invalid');
    const note = escNote.value.trim();
    if (!note) {
      escError.textContent = 'Write a note for the pros: what you found, and why they should take it.';
      escNote.setAttribute('aria-invalid', 'true');
      escNote.focus();
      return;
    }
    escSubmit.disabled = true;
    escSubmit.textContent = 'Escalating…';
    escalation.setAttribute('aria-busy', 'true');
    try {
      await api('POST', `/tickets/${id}/escalate`, { note });
      if (!ctx.isCurrent()) return;
      escNote.value = '';
      if (pro) {
        ctx.announce(`Ticket #${id} is now tier 2, back in the queue for the support pros, with your note.`, { tone: 'success', keep: true });
      } else {
        ctx.announce(`Ticket #${id} went to the support pros with your note. It has left your queue, so you will not see it any more — thank you for escalating.`, { tone: 'success', keep: true });
      }
      ctx.navigate('#/queue');
    } catch (e) {
      if (!ctx.isCurrent()) return;
      escError.textContent = e.status === 409
        ? `Already with the pros: ${sentence(e.message)}`
        : `Could not escalate: ${sentence(e.message)}`;
      if (e.status === 409) fetchTicket().then((t) => ctx.isCurrent() && show(t), () => {});
    } finally {
      if (ctx.isCurrent()) {
        escSubmit.disabled = false;
        escSubmit.textContent = 'Escalate';
        escalation.removeAttribute('aria-busy');
      }
    }
  });

  function renderThread() {
    const count = messages.length;
    threadTitle.textContent = `Conversation (${count} ${count === 1 ? 'message' : 'messages'})`;
    replace(thread, messages.map((m) => {
      const li = messageItem(m, newIds.has(m.id), ticket && ticket.requester);
      const kudos = kudosControls(ctx, id, m, messages, kudosGiven);
      if (kudos) li.querySelector('article').append(kudos);
      return li;
    }));
    watchDelivery();
  }

  // ---- delivery: a reply on its way is asked about again until it settles ----
  // Only the status lines change, in place, so an open quote or a focused
  // link in the thread stays as it is.
  const DELIVERY_FIRST_MS = 2000;
  const DELIVERY_MAX_MS = 60000;
  let deliveryTimer = null;
  let deliveryDelay = DELIVERY_FIRST_MS;
  ctx.onCleanup(() => clearTimeout(deliveryTimer));

  const onItsWay = () => messages.some((m) => m.delivery && m.delivery.status === 'queued');

  function watchDelivery() {
    clearTimeout(deliveryTimer);
    deliveryTimer = null;
    if (!onItsWay()) {
      deliveryDelay = DELIVERY_FIRST_MS;
      return;
    }
    deliveryTimer = setTimeout(checkDelivery, deliveryDelay);
    deliveryDelay = Math.min(deliveryDelay * 2, DELIVERY_MAX_MS);
  }

  async function checkDelivery() {
    deliveryTimer = null;
    let fresh;
    try {
      fresh = await fetchTicket();
    } catch {
      if (ctx.isCurrent()) watchDelivery(); // try again later; the line still says "Sending…"
      return;
    }
    if (!ctx.isCurrent()) return;
    const byId = new Map((fresh.messages || []).map((m) => [m.id, m]));
    for (const m of messages) {
      const now = byId.get(m.id);
      if (!now || JSON.stringify(now.delivery) === JSON.stringify(m.delivery)) continue;
      if (now.delivery && now.delivery.status === 'failed' && m.delivery && m.delivery.status !== 'failed') {
        ctx.announce(`A reply on this ticket was not delivered${now.delivery.error ? `: ${noStop(now.delivery.error)}` : ''}. The customer did not get it.`, { tone: 'error' });
      }
      m.delivery = now.delivery;
      const old = thread.querySelector(`#delivery-${m.id}`);
      const line = deliveryLine(m);
      if (old && line) old.replaceWith(line);
      else if (old) old.remove();
      else if (line) thread.querySelector(`#message-${m.id} article`)?.append(line);
    }
    watchDelivery();
  }

  function show(t) {
    ticket = t;
    messages = Array.isArray(t.messages) ? t.messages.slice() : [];
    seenId = Math.max(Number(t.last_message_id) || 0, ...messages.map((m) => m.id));
    renderHead();
    renderActions();
    renderThread();
    renderReviewState();
    ctx.setTitle(`#${t.id} ${t.subject || ''}`.trim());
  }

  // ---- review: "in review", and a draft a pro returned with a comment ----
  let returned = null; // the newest Review of mine on this ticket a pro returned
  let draftRestored = false;

  function renderReviewState() {
    syncRouted();
    const after = returned && messages.some((m) => m.kind === 'reply' && m.author_id === me.id
      && Date.parse(isoOf(m.created_at)) > Date.parse(isoOf(returned.decided_at)));
    if (ticket && ticket.in_review) {
      replace(coaching, h('div', { class: 'callout info', id: 'review-pending' },
        h('p', { class: 'callout-title' }, h('strong', { text: 'A reply on this ticket is in review.' })),
        h('p', { text: 'A support pro reads it before the customer gets it. You will see it in the conversation once it is approved.' })));
      coaching.hidden = false;
      return;
    }
    if (!returned || after) {
      coaching.hidden = true;
      replace(coaching);
      return;
    }
    if (!draftRestored && !body.value.trim()) {
      body.value = returned.body || '';
      draftRestored = true;
      editor.input();
      lint.run();
    }
    replace(coaching, h('div', { class: 'callout warn', id: 'review-returned' },
      h('p', { class: 'callout-title' }, h('strong', { text: 'A support pro returned your reply with a note' }),
        returned.decided_at ? h('span', { class: 'muted' }, ' · ', h('time', { datetime: isoOf(returned.decided_at), text: formatRelative(returned.decided_at) })) : null),
      h('blockquote', { class: 'coaching-comment', text: returned.comment || '' }),
      h('p', { text: 'Your draft is back in the box below. Change it as the note says, then send it again.' })));
    coaching.hidden = false;
  }

  function loadReturned() {
    api('GET', `/reviews${query({ ticket_id: id, status: 'returned', author_id: me.id })}`).then((page) => {
      if (!ctx.isCurrent()) return;
      const mine = ((page && page.items) || []).filter((r) => r.author_id === me.id && r.status === 'returned');
      mine.sort((a, b) => (Date.parse(isoOf(b.decided_at)) || 0) - (Date.parse(isoOf(a.decided_at)) || 0) || b.id - a.id);
      returned = mine[0] || null;
      if (ticket) renderReviewState();
    }, () => { /* no coaching shown; the ticket still works */ });
  }

  function loadMacros() {
    api('GET', '/macros').then((page) => {
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      if (!items.length) {
        replace(macroSelect, h('option', { value: '', text: 'No saved replies yet' }));
        macroSelect.disabled = true;
        macroInsert.disabled = true;
        macroHint.textContent = 'Support pros write saved replies for the questions that come up again and again.';
        return;
      }
      replace(macroSelect, h('option', { value: '', text: 'Choose a saved reply…' }),
        items.map((m) => h('option', { value: String(m.id), text: m.name })));
    }, (e) => {
      if (!ctx.isCurrent()) return;
      replace(macroSelect, h('option', { value: '', text: 'Saved replies are not available' }));
      macroSelect.disabled = true;
      macroInsert.disabled = true;
      macroHint.textContent = `Could not load the saved replies: ${sentence(e.message)} Reload the page to try again.`;
    });
  }

  async function insertMacro() {
    const macroId = macroSelect.value;
    if (!macroId) {
      macroHint.textContent = 'Choose a saved reply first, then press Insert.';
      macroSelect.focus();
      return;
    }
    macroInsert.disabled = true;
    macroInsert.textContent = 'Inserting…';
    try {
      const r = await api('POST', `/macros/${macroId}/render`, { ticket_id: id });
      if (!ctx.isCurrent()) return;
      const text = (r && r.body) || '';
      if (kind() !== 'reply') {
        kindReply.checked = true;
        syncKind();
      }
      body.focus();
      const start = body.selectionStart ?? body.value.length;
      const end = body.selectionEnd ?? start;
      body.setRangeText(text, start, end, 'end');
      body.dispatchEvent(new Event('input', { bubbles: true }));
      macroHint.textContent = 'Inserted. Check the text before you send.';
      if (r && Array.isArray(r.hits)) lint.run();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      macroHint.textContent = `Could not insert the saved reply: ${sentence(e.message)}`;
    } finally {
      if (ctx.isCurrent()) {
        macroInsert.disabled = false;
        macroInsert.textContent = 'Insert';
      }
    }
  }
  macroInsert.addEventListener('click', insertMacro);

  async function fetchTicket() {
    return api('GET', `/tickets/${id}`);
  }

  async function goNext(button) {
    if (body.value.trim() && !leaveArmed) {
      leaveArmed = true;
      notice.dataset.tone = 'warn';
      notice.textContent = 'You have an unsent message. Send it first — or press Next ticket again to leave it unsent.';
      return;
    }
    await takeNext(ctx, button, heldByMe() ? ticket.id : undefined);
  }

  async function doRelease(button) {
    button.disabled = true;
    button.textContent = 'Releasing…';
    try {
      await api('POST', '/queue/release', { ticket_id: ticket.id });
      if (!ctx.isCurrent()) return;
      ctx.announce(`You released ticket #${ticket.id}. It is back in the queue for someone else.`, { tone: 'success', keep: true });
      ctx.navigate('#/queue');
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 404) { // the claim had already ended
        ctx.announce(`You no longer hold ticket #${ticket.id}: ${sentence(e.message)}`, { tone: 'info', keep: true });
        ctx.navigate('#/queue');
        return;
      }
      ctx.announce(`Could not release the ticket: ${sentence(e.message)}`, { tone: 'error' });
      button.disabled = false;
      button.textContent = 'Release';
    }
  }

  function showNewer(newer) {
    const known = new Set(messages.map((m) => m.id));
    for (const m of newer) {
      if (!known.has(m.id)) messages.push(m);
      newIds.add(m.id);
      seenId = Math.max(seenId, m.id);
    }
    messages.sort((a, b) => a.id - b.id);
    renderThread();
    const first = thread.querySelector('.msg-new');
    if (first) first.scrollIntoView({ block: 'nearest' });
  }

  let blockedRule = null; // the rule that refused the last send, for the notice

  function blockedNotice() {
    notice.dataset.tone = 'error';
    replace(notice, 'Not sent: the style rule ', h('strong', { class: 'blocked-rule', text: `“${blockedRule}”` }),
      ' blocks this reply. ',
      pro ? 'Change the marked words, or send it anyway with a reason below.' : 'Change the marked words (the reason and the better way are listed above), then send again.');
  }

  function showBlocked(e, text) {
    blockedRule = e.detail.rule;
    blockedNotice();
    if (Array.isArray(e.detail.hits)) editor.show(e.detail.hits, text);
    if (pro) {
      override.hidden = false;
      overrideReason.focus();
    } else body.focus();
  }

  async function onSend(ev, overrideText) {
    ev?.preventDefault();
    const text = body.value;
    notice.textContent = '';
    delete notice.dataset.tone;
    if (!text.trim()) {
      notice.dataset.tone = 'error';
      notice.textContent = 'Write your message first.';
      body.focus();
      return;
    }
    const k = kind();
    const payload = { kind: k, body: text, seen_message_id: seenId };
    if (overrideText && k === 'reply') payload.override_reason = overrideText;
    send.disabled = true;
    overrideSend.disabled = true;
    send.textContent = 'Sending…';
    composer.setAttribute('aria-busy', 'true');
    try {
      const sent = await api('POST', `/tickets/${id}/messages`, payload);
      if (!ctx.isCurrent()) return;
      body.value = '';
      leaveArmed = false;
      newIds.clear();
      override.hidden = true;
      overrideReason.value = '';
      editor.clear();
      const held = Boolean(sent && sent.review);
      if (held) {
        returned = null;
        ctx.announce(HELD_NOTICE, { tone: 'success' });
      } else ctx.announce(k === 'note' ? 'Note added.' : 'Reply sent.', { tone: 'success' });
      try {
        const fresh = await fetchTicket();
        if (held && !fresh.in_review) fresh.in_review = true; // the server said so just now
        show(fresh);
      } catch {
        if (sent && sent.id) showNewer([sent]); // at least show what we wrote
      }
      body.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 422 && e.detail.rule) {
        showBlocked(e, text);
      } else if (e.status === 409) {
        const newer = Array.isArray(e.detail.messages) ? e.detail.messages : [];
        if (newer.length) showNewer(newer);
        else {
          try {
            const fresh = await fetchTicket();
            const before = new Set(messages.map((m) => m.id));
            show(fresh);
            for (const m of messages) if (!before.has(m.id)) newIds.add(m.id);
            renderThread();
          } catch { /* the notice below still tells them what happened */ }
        }
        notice.dataset.tone = 'warn';
        notice.textContent = CONFLICT_NOTICE;
      } else {
        notice.dataset.tone = 'error';
        notice.textContent = `Could not send: ${sentence(e.message)}`;
      }
    } finally {
      if (ctx.isCurrent()) {
        send.disabled = false;
        overrideSend.disabled = false;
        send.textContent = 'Send';
        composer.removeAttribute('aria-busy');
      }
    }
  }

  composer.addEventListener('submit', (ev) => onSend(ev));
  overrideSend.addEventListener('click', () => {
    const reason = overrideReason.value.trim();
    if (!reason) {
      overrideReason.setAttribute('aria-invalid', 'true');
      notice.dataset.tone = 'error';
      notice.textContent = 'Write why this reply should go out despite the rule: the reason is kept in the audit log.';
      overrideReason.focus();
      return;
    }
    overrideReason.removeAttribute('aria-invalid');
    onSend(null, reason);
  });
  overrideReason.addEventListener('input', () => {
    if (!overrideReason.hasAttribute('aria-invalid')) return;
    overrideReason.removeAttribute('aria-invalid');
    if (blockedRule) blockedNotice(); // the "write why" is answered: back to what blocked it
  });
  overrideReason.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      overrideSend.click();
    }
  });
  body.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (!send.disabled) composer.requestSubmit();
    }
  });
  body.addEventListener('input', () => {
    leaveArmed = false;
    editor.input();
    if (kind() === 'reply') lint.schedule();
  });

  ctx.listen('keydown', (ev) => {
    if (ev.key !== 'n' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    if (isTyping(ev.target) || !ticket) return;
    const button = actions.querySelector('#next-ticket');
    if (!button || button.disabled) return;
    ev.preventDefault();
    goNext(button);
  });

  const similar = similarPanel(ctx, id);
  const headsUp = launchPanel(ctx, id);
  const page = h('article', { class: 'ticket-page', 'aria-labelledby': 'ticket-title' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/queue', text: '← Back to the queue' })),
    head,
    routeBack.notes,
    actions,
    routeBack.form,
    escalation,
    // A launch heads-up and similar questions sit beside the thread (above
    // it on a narrow screen), so their arrival never moves the thread or
    // the composer sideways.
    h('div', { class: 'ticket-layout' },
      h('div', { class: 'ticket-side' }, headsUp.el, similar.el),
      h('div', { class: 'ticket-main' },
        h('section', { class: 'thread-section', 'aria-labelledby': 'thread-title' }, threadTitle, thread),
        h('section', { class: 'composer' }, h('h2', { id: 'composer-title', text: 'Answer' }), composer))));

  similar.load();
  headsUp.load();
  routeBack.load().then(() => {
    if (!ctx.isCurrent()) return;
    syncRouted();
    if (ticket) actions.querySelector('.holder')?.replaceChildren(holderText()); // a name it may not have had
  });
  loadMacros();
  loadReturned();
  const stashed = ctx.state.stash.get(id);
  ctx.state.stash.delete(id);
  if (stashed) {
    replace(ctx.main, page);
    show(stashed);
    ctx.focusHeading();
    return;
  }

  replace(ctx.main, loading(`Loading ticket #${id}…`));
  fetchTicket().then((t) => {
    if (!ctx.isCurrent()) return;
    replace(ctx.main, page);
    show(t);
    ctx.focusHeading();
  }, (e) => {
    if (!ctx.isCurrent()) return;
    const title = e.status === 404 ? `Ticket #${id} was not found` : `Could not load ticket #${id}`;
    const detail = e.status === 404
      ? 'It may not exist, or it is a tier-2 ticket that only the support pros can open.'
      : sentence(e.message);
    showProblem(ctx, title, detail, { href: '#/queue', text: '← Back to the queue' });
  });
}
