// views/ticket.js - one ticket: its facts, the thread, and the composer.
// A reply carries seen_message_id (the newest message we showed); when
// someone wrote meanwhile the server answers 409 with the newer messages,
// which we show, and the writer sends again after reading them.

import { api } from '../api.js';
import { h, replace, isTyping, loading, showProblem } from '../dom.js';
import {
  KIND_LABEL, SOURCE_LABEL, capitalize, formatDateTime, formatDue, formatRelative, formatTime, tierLabel, sentence,
} from '../format.js';
import { takeNext } from './next.js';

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

function messageItem(m, isNew) {
  const kind = KIND_LABEL[m.kind] ? m.kind : 'customer';
  const author = m.author_name || (m.author_id === null ? 'Customer' : `Person #${m.author_id}`);
  return h('li', { class: `msg msg-${kind}${isNew ? ' msg-new' : ''}`, id: `message-${m.id}`, dataset: { messageId: String(m.id), kind } },
    h('article', { 'aria-label': `${KIND_LABEL[kind]} from ${author}` },
      h('header', { class: 'msg-head' },
        h('span', { class: `kind kind-${kind}`, text: KIND_LABEL[kind] }),
        isNew ? h('span', { class: 'kind kind-new', text: 'New' }) : null,
        h('span', { class: 'msg-author', text: author }),
        h('time', { class: 'msg-time', datetime: m.created_at || '', title: formatDateTime(m.created_at), text: formatDateTime(m.created_at) })),
      h('div', { class: 'msg-body', text: m.body || '' })));
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
  const composer = h('form', { class: 'composer-form', 'aria-labelledby': 'composer-title' },
    h('fieldset', { class: 'kind-picker' },
      h('legend', { text: 'Send as' }),
      h('div', { class: 'choice' }, kindReply, h('label', { for: 'kind-reply', text: 'Reply to the customer' })),
      h('div', { class: 'choice' }, kindNote, h('label', { for: 'kind-note', text: 'Internal note (only colleagues see it)' }))),
    h('div', { class: 'field' }, bodyLabel, body),
    notice,
    h('div', { class: 'composer-actions' },
      send,
      h('p', { class: 'hint', id: 'composer-hint' }, 'Press ', h('kbd', { text: 'Ctrl' }), ' + ', h('kbd', { text: 'Enter' }), ' to send.')));

  const kind = () => (kindNote.checked ? 'note' : 'reply');
  function syncKind() {
    const note = kind() === 'note';
    bodyLabel.textContent = note ? 'Your internal note' : 'Your reply to the customer';
    composer.classList.toggle('is-note', note);
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
    const who = named ? named.author_name : `person #${ticket.assignee_id}`;
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
      h('dl', { class: 'facts' },
        fact('Status', h('span', { class: `badge status-${t.status}`, text: capitalize(t.status) })),
        fact('Priority', h('span', { class: `badge priority-${t.priority}`, text: capitalize(t.priority) })),
        fact('Tier', tierLabel(t.tier)),
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
    replace(actions, ...parts);
  }

  function renderThread() {
    const count = messages.length;
    threadTitle.textContent = `Conversation (${count} ${count === 1 ? 'message' : 'messages'})`;
    replace(thread, messages.map((m) => messageItem(m, newIds.has(m.id))));
  }

  function show(t) {
    ticket = t;
    messages = Array.isArray(t.messages) ? t.messages.slice() : [];
    seenId = Math.max(Number(t.last_message_id) || 0, ...messages.map((m) => m.id));
    renderHead();
    renderActions();
    renderThread();
    ctx.setTitle(`#${t.id} ${t.subject || ''}`.trim());
  }

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

  async function onSend(ev) {
    ev.preventDefault();
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
    send.disabled = true;
    send.textContent = 'Sending…';
    composer.setAttribute('aria-busy', 'true');
    try {
      const sent = await api('POST', `/tickets/${id}/messages`, { kind: k, body: text, seen_message_id: seenId });
      if (!ctx.isCurrent()) return;
      body.value = '';
      leaveArmed = false;
      newIds.clear();
      ctx.announce(k === 'note' ? 'Note added.' : 'Reply sent.', { tone: 'success' });
      try {
        show(await fetchTicket());
      } catch {
        if (sent && sent.id) showNewer([sent]); // at least show what we wrote
      }
      body.focus();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e.status === 409) {
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
        send.textContent = 'Send';
        composer.removeAttribute('aria-busy');
      }
    }
  }

  composer.addEventListener('submit', onSend);
  body.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (!send.disabled) composer.requestSubmit();
    }
  });
  body.addEventListener('input', () => {
    leaveArmed = false;
  });

  ctx.listen('keydown', (ev) => {
    if (ev.key !== 'n' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    if (isTyping(ev.target) || !ticket) return;
    const button = actions.querySelector('#next-ticket');
    if (!button || button.disabled) return;
    ev.preventDefault();
    goNext(button);
  });

  const page = h('article', { class: 'ticket-page', 'aria-labelledby': 'ticket-title' },
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/queue', text: '← Back to the queue' })),
    head,
    actions,
    h('section', { class: 'thread-section', 'aria-labelledby': 'thread-title' }, threadTitle, thread),
    h('section', { class: 'composer' }, h('h2', { id: 'composer-title', text: 'Answer' }), composer));

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
