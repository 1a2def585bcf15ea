// people.js - people by id for the screens that show names next to ids
// (exemptions, the policy's "changed by"): GET /people/{id} once per id, and
// the whole roster (GET /people, 200 at a time) for a person picker.

import { api, query } from './api.js';

const PAGE = 200;
const known = new Map(); // id -> Person
const pending = new Map(); // id -> Promise<Person|null>

function remember(p) {
  if (p && p.id) known.set(p.id, p);
  return p;
}

/** The Person with this id, or null when there is none (or it cannot be read). */
export function person(id) {
  if (!id) return Promise.resolve(null);
  if (known.has(id)) return Promise.resolve(known.get(id));
  if (!pending.has(id)) {
    pending.set(id, api('GET', `/people/${id}`).then(remember, () => null)
      .finally(() => pending.delete(id)));
  }
  return pending.get(id);
}

/** Map id -> Person for every id given (unknown ones left out). */
export async function peopleById(ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const found = await Promise.all(unique.map(person));
  return new Map(found.filter(Boolean).map((p) => [p.id, p]));
}

/** Everyone, in the server's order; throws ApiError. */
export async function allPeople() {
  const out = [];
  let cursor = null;
  do {
    const page = await api('GET', `/people${query({ limit: PAGE, cursor })}`);
    for (const p of (page && page.items) || []) out.push(remember(p));
    cursor = page && page.next_cursor;
  } while (cursor);
  return out;
}

/** "Mina Member", or "person #5" when the name is not known. */
export function nameOf(p, id) {
  return (p && (p.name || p.email)) || `person #${id}`;
}

/** Forget everything (log-out). */
export function forgetPeople() {
  known.clear();
}
