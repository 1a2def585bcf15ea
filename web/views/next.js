// views/next.js - "Next ticket": POST /queue/next, shared by the queue and
// the ticket screen. The server claims the most urgent ticket for us (or
// answers 204 when nothing is left).

import { api } from '../api.js';
import { sentence } from '../format.js';

export const NOTHING_TO_TAKE =
  'Nothing to take right now. Every ticket you can take is being handled — try again in a few minutes.';

/**
 * Takes the next ticket and opens it. doneId: the ticket we hold and are
 * finished with (it goes back to the queue unless we replied to it).
 * Returns 'taken' | 'empty' | 'error'.
 */
export async function takeNext(ctx, button, doneId) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = 'Finding a ticket…';
  try {
    let ticket;
    try {
      ticket = await api('POST', '/queue/next', doneId ? { done: doneId } : undefined);
    } catch (e) {
      // Our claim on doneId may have ended (lease ran out, a lead reassigned
      // it): there is nothing to hand back, so just ask for the next one.
      if (!doneId || ![404, 409, 422].includes(e.status)) throw e;
      ticket = await api('POST', '/queue/next');
    }
    if (!ctx.isCurrent()) return 'taken';
    if (!ticket) {
      ctx.announce(NOTHING_TO_TAKE, { tone: 'info', keep: Boolean(doneId) });
      if (doneId) ctx.navigate('#/queue'); // the ticket we held went back
      return 'empty';
    }
    ctx.state.stash.set(ticket.id, ticket);
    ctx.announce(`You took ticket #${ticket.id}. It is yours until you release it or move on.`,
      { tone: 'success', keep: true });
    ctx.navigate(`#/tickets/${ticket.id}`);
    return 'taken';
  } catch (e) {
    if (ctx.isCurrent()) ctx.announce(`Could not take the next ticket: ${sentence(e.message)}`, { tone: 'error' });
    return 'error';
  } finally {
    if (ctx.isCurrent()) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = label;
    }
  }
}
