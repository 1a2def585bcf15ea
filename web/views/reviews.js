// views/reviews.js - the review queue (#/reviews) and one review
// (#/reviews/7). A trainee's reply, and a sampled junior's, is held until a
// pro decides: approve it as written, edit it and approve the edit (the
// server keeps both), or return it with a coaching comment (required) — the
// member then sees the comment and gets the draft back on the ticket.
// Pros and leads see every held reply, oldest first; a member sees their own.

import { api, query } from '../api.js';
import { h, replace, loading, showProblem, clearErrorOnInput } from '../dom.js';
import { formatDateTime, formatSpan, isoOf, plural, sentence } from '../format.js';
import { lintEditor, lintProblem, lintRunner } from '../lint.js';
import { nameOf, person } from '../people.js';
import { isPro, messageItem } from './ticket.js';

const PAGE = 50;
const MAX_COMMENT = 10_000;
const STATUS_LABEL = { held: 'Waiting for review', approved: 'Approved', returned: 'Returned', passed: 'Passed without review' };

function waitingText(r) {
  const ms = Number.isFinite(r.age_ms) ? r.age_ms : Date.now() - (Date.parse(isoOf(r.created_at)) || Date.now());
  return `${formatSpan(ms)}`;
}

function preview(text, n = 140) {
  const one = String(text || '').replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function renderReviews(ctx) {
  ctx.setTitle('Reviews');
  const me = ctx.state.person;
  const pro = isPro(me);
  const region = h('div', { class: 'list-region', id: 'review-list' });
  const tbody = h('tbody');
  const count = h('p', { class: 'list-count muted', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button secondary', text: 'Load more' });
  const moreWrap = h('div', { class: 'load-more' }, more);
  let cursor = null;
  let shown = 0;

  function row(r) {
    const href = `#/reviews/${r.id}`;
    const tr = h('tr', { class: 'review-row', dataset: { reviewId: String(r.id) } },
      h('th', { scope: 'row', 'data-label': 'Ticket' },
        h('a', { href, class: 'subject-link', 'aria-label': `Review the reply on “${r.ticket_subject || `ticket #${r.ticket_id}`}” by ${r.author_name || `person #${r.author_id}`}` },
          r.ticket_subject || '(no subject)'),
        h('span', { class: 'ticket-id muted', text: ` #${r.ticket_id}` })),
      h('td', { 'data-label': 'Written by', text: r.author_name || `person #${r.author_id}` }),
      h('td', { class: 'col-nowrap review-age', 'data-label': 'Waiting' },
        h('time', { datetime: isoOf(r.created_at), title: formatDateTime(r.created_at), text: waitingText(r) })),
      h('td', { class: 'col-reason review-preview', 'data-label': 'Draft', text: preview(r.body) }));
    tr.addEventListener('click', (ev) => {
      if (ev.target.closest('a, button') || (window.getSelection && String(window.getSelection()))) return;
      ctx.navigate(href);
    });
    return tr;
  }

  function empty() {
    return h('div', { class: 'empty-state', id: 'reviews-empty' },
      h('h3', { text: 'Nothing to review' }),
      pro
        ? h('p', { text: 'No reply is waiting. When a trainee — or a junior picked by the sample — sends a reply, it waits here until a support pro approves it or returns it with a comment.' })
        : h('p', { text: 'None of your replies is waiting for a support pro. When one is, it is listed here; you can keep working the queue meanwhile.' }),
      pro ? h('p', null, 'Meanwhile: take the ', h('a', { href: '#/queue', text: 'next ticket' }), ', or look at who is ready to move up on ', h('a', { href: '#/levels', text: 'Levels' }), '.') : null);
  }

  async function load(first) {
    more.disabled = true;
    region.setAttribute('aria-busy', 'true');
    if (first) replace(region, loading('Loading the replies waiting for review…'));
    try {
      const page = await api('GET', `/reviews${query({ status: 'held', limit: PAGE, cursor })}`);
      if (!ctx.isCurrent()) return;
      const items = (page && page.items) || [];
      cursor = page && page.next_cursor;
      if (first && !items.length) {
        replace(region, empty());
        return;
      }
      if (first) {
        replace(region,
          h('table', { class: 'data-table reviews' },
            h('caption', { class: 'visually-hidden', text: 'Replies waiting for review, oldest first' }),
            h('thead', null, h('tr', null, ['Ticket', 'Written by', 'Waiting', 'Draft'].map((c) => h('th', { scope: 'col', text: c })))),
            tbody),
          count, moreWrap);
      }
      for (const r of items) tbody.append(row(r));
      shown += items.length;
      count.textContent = cursor ? `The ${shown} oldest replies waiting.` : `${plural(shown, 'reply', 'replies')} waiting.`;
      moreWrap.hidden = !cursor;
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const retry = h('button', { type: 'button', class: 'button secondary', text: 'Try again', onclick: () => load(first) });
      const msg = h('p', { class: 'form-error', role: 'alert', text: `Could not load the review queue: ${sentence(e.message)}` });
      if (first) replace(region, msg, retry);
      else ctx.announce(msg.textContent, { tone: 'error' });
    } finally {
      region.removeAttribute('aria-busy');
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(false));

  replace(ctx.main,
    h('section', { class: 'reviews-page', 'aria-labelledby': 'reviews-title' },
      h('div', { class: 'page-head' },
        h('div', null,
          h('h1', { id: 'reviews-title', text: pro ? 'Reviews' : 'My replies in review' }),
          h('p', { class: 'muted', text: pro
            ? 'Replies of people still learning, oldest first. Approve one as written, edit it and approve, or return it with a coaching comment.'
            : 'Your replies waiting for a support pro. An approved reply goes to the customer; a returned one comes back to you with a comment.' }))),
      region));
  load(true);
  ctx.focusHeading();
}

export function renderReview(ctx, id) {
  ctx.setTitle(`Review #${id}`);
  const me = ctx.state.person;
  const back = { href: '#/reviews', text: '← Back to the review queue' };
  replace(ctx.main, loading(`Loading review #${id}…`));

  api('GET', `/reviews/${id}`).then(async (review) => {
    let ticket = null;
    let author = null;
    try {
      [ticket, author] = await Promise.all([api('GET', `/tickets/${review.ticket_id}`), person(review.author_id)]);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      showProblem(ctx, `Could not load ticket #${review.ticket_id}`, sentence(e.message), back);
      return;
    }
    if (!ctx.isCurrent()) return;
    show(review, ticket, author);
  }, (e) => {
    if (!ctx.isCurrent()) return;
    showProblem(ctx,
      e.status === 404 ? `Review #${id} was not found` : `Could not load review #${id}`,
      e.status === 403 ? 'Only support pros and leads review replies, and each author sees their own.' : sentence(e.message),
      back);
  });

  function show(review, ticket, author) {
    const who = review.author_name || nameOf(author, review.author_id);
    ctx.setTitle(`Review: ${review.ticket_subject || ticket.subject || ''}`);
    const messages = Array.isArray(ticket.messages) ? ticket.messages : [];
    const held = review.status === 'held' && isPro(me);

    const head = h('div', { class: 'ticket-head' },
      h('p', { class: 'ticket-number muted', text: `Review of a reply · Ticket #${review.ticket_id}` }),
      h('h1', { id: 'review-title', class: 'ticket-subject', text: review.ticket_subject || ticket.subject || '(no subject)' }),
      h('p', { class: 'review-meta' },
        h('span', null, 'Written by ', h('strong', { text: who }),
          author && author.level ? h('span', { class: 'muted', text: ` (${author.level === 'tier1' ? 'tier 1' : author.level})` }) : null),
        h('span', { class: 'muted' }, ' · ', review.status === 'held' ? `waiting ${waitingText(review)}` : STATUS_LABEL[review.status] || review.status),
        ' · ', h('a', { href: `#/tickets/${review.ticket_id}`, text: 'Open the ticket' })));

    const thread = h('ol', { class: 'thread', 'aria-labelledby': 'review-thread-title' }, messages.map((m) => messageItem(m, false)));
    const threadSection = h('section', { class: 'thread-section', 'aria-labelledby': 'review-thread-title' },
      h('h2', { id: 'review-thread-title', text: `The conversation so far (${plural(messages.length, 'message')})` }), thread);

    if (!held) {
      replace(ctx.main, h('article', { class: 'review-page', 'aria-labelledby': 'review-title' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', back)),
        head,
        h('section', { class: 'card review-outcome', 'aria-labelledby': 'outcome-title' },
          h('h2', { id: 'outcome-title', text: STATUS_LABEL[review.status] || review.status }),
          review.decided_at ? h('p', { class: 'muted', text: `Decided ${formatDateTime(review.decided_at)}.` }) : null,
          h('h3', { text: 'The draft' }), h('div', { class: 'msg-body draft-text', text: review.body || '' }),
          review.final_body ? [h('h3', { text: 'As sent, after the reviewer’s edit' }), h('div', { class: 'msg-body draft-text', text: review.final_body })] : null,
          review.comment ? [h('h3', { text: 'Coaching comment' }), h('blockquote', { class: 'coaching-comment', text: review.comment })] : null),
        threadSection));
      ctx.focusHeading();
      return;
    }

    // ---- the draft, editable ----
    const draft = h('textarea', { id: 'review-draft', name: 'body', rows: '9', spellcheck: 'true', 'aria-describedby': 'review-draft-hint' });
    draft.value = review.body || '';
    const editor = lintEditor(draft, { id: 'review-lint', label: 'Style hits in the draft' });
    const approve = h('button', { type: 'button', class: 'button primary', id: 'approve', text: 'Approve as written' });
    const approveEdit = h('button', { type: 'button', class: 'button primary', id: 'approve-edit', text: 'Approve my edit' });
    const undo = h('button', { type: 'button', class: 'button quiet', id: 'undo-edit', text: 'Undo my edit' });
    const decideError = h('p', { class: 'form-error', role: 'alert', id: 'decide-error' });
    const draftHint = h('p', { class: 'hint', id: 'review-draft-hint' });
    const edited = () => draft.value !== (review.body || '');
    function syncEdit() {
      approveEdit.hidden = !edited();
      approveEdit.disabled = !draft.value.trim();
      undo.hidden = !edited();
      approve.textContent = edited() ? 'Approve their version' : 'Approve as written';
      approve.className = edited() ? 'button secondary' : 'button primary';
      draftHint.textContent = edited()
        ? 'You changed the draft. “Approve my edit” sends your version; the author’s stays on record next to it.'
        : 'Edit it here if a few words need changing: “Approve my edit” then sends your version, and both are kept.';
    }

    const lint = lintRunner({
      payload: () => {
        const p = { text: draft.value, ticket_id: review.ticket_id };
        if (author && author.level) p.level = author.level;
        if (author && author.role) p.role = author.role;
        return p;
      },
      onResult: (res, text) => {
        if (!ctx.isCurrent()) return;
        if (!res) editor.clear();
        else editor.show(res.hits || [], text);
      },
      onError: (e) => ctx.isCurrent() && e.status !== 401 && lintProblem(editor, e),
    });
    ctx.onCleanup(() => lint.stop());
    draft.addEventListener('input', () => {
      editor.input();
      syncEdit();
      lint.schedule();
    });
    undo.addEventListener('click', () => {
      draft.value = review.body || '';
      draft.dispatchEvent(new Event('input'));
      draft.focus();
    });

    // ---- return with a comment ----
    const comment = h('textarea', { id: 'review-comment', name: 'comment', rows: '4', maxlength: String(MAX_COMMENT), 'aria-describedby': 'review-comment-hint review-comment-error' });
    const commentError = h('p', { class: 'field-error', id: 'review-comment-error', role: 'alert' });
    const giveBack = h('button', { type: 'submit', class: 'button secondary', id: 'return', text: `Return to ${who}` });
    const returnForm = h('form', { class: 'card return-form', novalidate: true, 'aria-labelledby': 'return-title' },
      h('h2', { id: 'return-title', text: 'Or return it with a coaching comment' }),
      h('div', { class: 'field' },
        h('label', { for: 'review-comment', text: 'Coaching comment' }),
        comment,
        h('p', { class: 'hint', id: 'review-comment-hint', text: `What to change and why. ${who} sees this next to their draft on the ticket, and writes the reply again; nothing goes to the customer.` }),
        commentError),
      h('div', { class: 'form-actions' }, giveBack));
    clearErrorOnInput(returnForm);

    const buttons = [approve, approveEdit, undo, giveBack];
    function busy(on, button, text) {
      for (const b of buttons) b.disabled = on;
      if (button && text) button.textContent = text;
      if (!on) syncEdit();
    }

    async function decide(path, body, button, busyText, done) {
      decideError.textContent = '';
      const label = button.textContent;
      busy(true, button, busyText);
      try {
        const res = await api('POST', `/reviews/${review.id}/${path}`, body);
        if (!ctx.isCurrent()) return;
        ctx.announce(done(res), { tone: 'success', keep: true });
        ctx.navigate('#/reviews');
      } catch (e) {
        if (!ctx.isCurrent()) return;
        button.textContent = label;
        busy(false);
        if (e.status === 409) {
          decideError.textContent = `Already decided: ${sentence(e.message)} Someone else reviewed it meanwhile — go back to the queue for the next one.`;
        } else if (e.status === 422 && path === 'return') {
          commentError.textContent = sentence(e.message);
          comment.setAttribute('aria-invalid', 'true');
          comment.focus();
        } else {
          decideError.textContent = `Could not ${path === 'return' ? 'return' : 'approve'} the reply: ${sentence(e.message)}`;
        }
      }
    }

    approve.addEventListener('click', () => decide('approve', {}, approve, 'Approving…',
      () => `Approved: ${who}’s reply went to the customer as written.`));
    approveEdit.addEventListener('click', () => decide('approve', { body: draft.value }, approveEdit, 'Approving…',
      () => `Approved with your edit: it went to the customer, and ${who}’s draft is kept next to it.`));
    returnForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      commentError.textContent = '';
      comment.removeAttribute('aria-invalid');
      if (!comment.value.trim()) {
        commentError.textContent = `Write a coaching comment: ${who} needs to know what to change.`;
        comment.setAttribute('aria-invalid', 'true');
        comment.focus();
        return;
      }
      decide('return', { comment: comment.value.trim() }, giveBack, 'Returning…',
        () => `Returned to ${who} with your comment. Nothing went to the customer.`);
    });

    syncEdit();
    replace(ctx.main, h('article', { class: 'review-page', 'aria-labelledby': 'review-title' },
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', back)),
      head,
      threadSection,
      h('section', { class: 'composer review-draft', 'aria-labelledby': 'draft-title' },
        h('h2', { id: 'draft-title', text: `${who}’s draft` }),
        h('div', { class: 'composer-form' },
          h('div', { class: 'field' }, h('label', { for: 'review-draft', text: 'Reply to the customer (you may edit it)' }), editor.box, draftHint),
          editor.list,
          decideError,
          h('div', { class: 'composer-actions' }, approve, approveEdit, undo))),
      returnForm));
    lint.run();
    ctx.focusHeading();
  }
}
