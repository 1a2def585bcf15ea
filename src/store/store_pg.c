/* store_pg.c - the PostgreSQL backend of store.h: one libpq connection per
 * struct ah_store, transactions at READ COMMITTED with the rows a
 * transaction reads before writing locked, and every statement prepared once
 * per connection. All of allhands' SQL for PostgreSQL is in this file and
 * schema_pg.h. */
#include "store/store_pg.h"

#include <assert.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "store/schema_pg.h"

#define NMIGRATIONS ((int)(sizeof(pg_migrations) / sizeof(pg_migrations[0])))
/* libpq's wait for a server, in seconds: a request must not hang on one */
#define CONNECT_TIMEOUT_S "5"
/* "allhands" in ASCII: the advisory lock migrate takes, the same in every
 * server so that only one migrates at a time */
#define MIGRATE_LOCK_KEY "7020105114730783859"
/* "groups" in ASCII: the advisory lock of the one grouper at a time (see
 * pg_group_turn), apart from try_lead's so that upkeep does not wait on it */
#define GROUP_LOCK_KEY "113741193900147"
/* the most parameters a statement here takes: policy_put's 23 */
#define MAX_ARGS 24
/* a list statement's SQL; the longest is about 2 KB */
#define LIST_SQL_MAX 8192
/* a copy statement's SQL: names from ah_store_tables, well under 1 KB */
#define COPY_SQL_MAX 4096

/* lock_timeout plays SQLite's busy timeout (5 s): a row lock not granted by
 * then is AH_E_UNAVAILABLE ("busy") instead of an endless wait. The notices
 * of CREATE ... IF NOT EXISTS and of empty text queries are not news. */
static const char session_setup_sql[] =
    "SET lock_timeout = 5000; SET client_min_messages = warning";

#define PERSON_COLS                                                                      \
    "p.id, p.email, p.name, p.department, coalesce(p.manager_id, 0), p.role, p.leader, " \
    "p.timezone, p.active, p.created_at, p.updated_at, p.start_day, p.level"
#define TICKET_COLS                                                                      \
    "t.id, t.subject, t.requester_id, c.email, c.name, t.status, t.priority, t.tier, "   \
    "t.tags, t.source, coalesce(t.assignee_id, 0), coalesce(t.claim_until, 0), t.due_at, " \
    "t.resolve_due_at, coalesce(t.first_response_at, 0), t.created_at, t.updated_at, "   \
    "t.last_message_id, t.message_count, coalesce(t.solved_at, 0)"
#define TICKET_FROM " FROM tickets t JOIN customers c ON c.id = t.requester_id"
#define POLICY_COLS                                                                      \
    "cadence, weekly_minutes, weeks_per_year, onboarding_week, timezone, week_start, "   \
    "idle_timeout_s, ladder_remind, ladder_manager, ladder_report, max_exemption_weeks, " \
    "updated_at, coalesce(updated_by, 0), default_tier, reserve_on, reserve_age_s, "     \
    "review_first, review_rate, promote_approved, promote_clean_days, business_days, "   \
    "business_start, business_end"
#define EXEMPTION_COLS                                                                   \
    "id, person_id, granted_by, reason, starts_on, ends_on, created_at, "                \
    "coalesce(ended_at, 0), coalesce(ended_by, 0)"
#define WORK_COLS \
    "id, person_id, started_at, last_active_at, coalesce(ended_at, 0), source, note"
#define BLOCK_COLS "id, person_id, start_at, end_at, created_at, updated_at, sequence"
#define NOTIFICATION_COLS                                                                \
    "id, person_id, kind, coalesce(subject_id, 0), week_day, ref_id, body, created_at, "   \
    "coalesce(read_at, 0)"
/* $5 is the reserve's young_after (no reserve: the largest bigint, after
 * every ticket) */
#define QUEUE_WHERE                                                                      \
    " WHERE t.status < 2 AND t.assignee_id IS NULL"                                      \
    " AND (t.due_at, t.id) > ($1::bigint, $2::bigint) AND t.id <> $3::bigint"            \
    " AND NOT EXISTS (SELECT 1 FROM skips k WHERE k.person_id = $4::bigint"              \
    " AND k.ticket_id = t.id) AND NOT (t.tier = 1 AND t.created_at > $5::bigint)"
/* members' variant: the literal "tier = 1" lets the planner use tickets_queue_t1 */
#define QUEUE_WHERE_T1 QUEUE_WHERE " AND t.tier = 1"
#define ROUTE_COLS                                                                       \
    "id, position, name, match_kind, pattern, match_in, if_tag, if_source, if_domain, "  \
    "if_priority, set_tier, set_priority, add_tags, stop, enabled, created_at, "         \
    "updated_at, coalesce(updated_by, 0)"
#define STYLE_COLS                                                                       \
    "id, name, kind, pattern, severity, why, better, levels, roles, tags, lifted_tags, " \
    "enabled, created_at, updated_at, coalesce(updated_by, 0), coalesce(deleted_at, 0)"
#define REVIEW_COLS                                                                      \
    "r.id, r.ticket_id, r.author_id, r.body, r.status, coalesce(r.reviewer_id, 0), "     \
    "r.final_body, r.comment, coalesce(r.message_id, 0), r.created_at, "                 \
    "coalesce(r.decided_at, 0), t.subject, p.name"
#define REVIEW_FROM \
    " FROM reviews r JOIN tickets t ON t.id = r.ticket_id JOIN people p ON p.id = r.author_id"
#define MODULE_COLS \
    "id, title, body, position, level, created_at, updated_at, coalesce(retired_at, 0)"
#define PAIRING_COLS                                                                     \
    "id, pro_id, member_id, started_at, minutes, notes, coalesce(work_session_id, 0), "  \
    "created_at"
#define MACRO_COLS "id, owner_id, name, body, created_at, updated_at"
#define MAIL_IN_COLS                                                                     \
    "i.message_id, m.ticket_id, i.msgid, i.sender, i.sender_name, i.quoted, i.new_ticket, " \
    "i.created_at"
#define ATTACHMENT_COLS                                                                  \
    "a.id, a.message_id, m.ticket_id, a.sha256, a.name, a.type, a.size, a.content_id, "  \
    "a.is_inline, a.created_at"
#define ATTACHMENT_FROM " FROM attachments a JOIN messages m ON m.id = a.message_id"
/* data is a column, or '' where a listing leaves the message out; mail
 * about no ticket (the digest) has ticket_id NULL, read as 0 */
#define MAIL_OUT_COLS(data)                                                              \
    "id, coalesce(ticket_id, 0), coalesce(message_id, 0), kind, msgid, mail_from, rcpt, " \
    data ", created_at, attempts, next_at, coalesce(sent_at, 0), coalesce(failed_at, 0), " \
    "last_error"
#define FIX_COLS                                                                         \
    "f.id, f.title, f.url, f.owner_id, p.name, f.state, coalesce(f.shipped_at, 0), "     \
    "coalesce(f.created_by, 0), f.created_at, f.updated_at"
#define FIX_FROM " FROM fixes f JOIN people p ON p.id = f.owner_id"
/* a group and its fix: the fix's columns are NULL (read as 0 and "") when
 * it has none */
#define GROUP_COLS                                                                       \
    "g.id, g.name, g.named, g.status, coalesce(g.merged_into, 0), coalesce(g.fix_id, 0), " \
    "g.size, g.after_fix, g.centroid, g.first_at, g.last_at, g.created_at, g.updated_at, " \
    FIX_COLS
#define GROUP_FROM                                                                       \
    " FROM question_groups g LEFT JOIN fixes f ON f.id = g.fix_id"                       \
    " LEFT JOIN people p ON p.id = f.owner_id"
#define TICKET_BRIEF_COLS "t.id, t.subject, t.status, t.priority, t.tier, t.created_at"
#define INTAKE_COLS                                                                      \
    "i.id, i.ticket_id, i.filer_id, p.name, i.channel, i.why, i.created_at, "            \
    "coalesce(i.told_at, 0), " TICKET_BRIEF_COLS
#define INTAKE_FROM                                                                      \
    " FROM intakes i JOIN people p ON p.id = i.filer_id JOIN tickets t ON t.id = i.ticket_id"
#define ROUTE_BACK_COLS                                                                  \
    "r.id, r.ticket_id, r.person_id, p.name, p.department, r.cause, r.reason, r.marked_by, " \
    "r.created_at"
#define LAUNCH_COLS                                                                      \
    "l.id, l.title, l.launch_day, l.changes, l.impact, l.tags, l.created_by, p.name, "   \
    "l.readiness, l.missing, l.readiness_note, coalesce(l.judged_by, 0), "               \
    "coalesce(l.judged_at, 0), l.created_at, l.updated_at"
#define LAUNCH_FROM " FROM launches l JOIN people p ON p.id = l.created_by"
#define KUDOS_COLS                                                                       \
    "k.id, k.message_id, k.ticket_id, k.person_id, p.name, k.giver_id, g.name, "         \
    "k.from_customer, k.text, k.quote, t.subject, k.created_at"
#define KUDOS_FROM                                                                       \
    " FROM kudos k JOIN people p ON p.id = k.person_id JOIN people g ON g.id = k.giver_id" \
    " JOIN tickets t ON t.id = k.ticket_id"
/* NO KEY UPDATE, the lock an UPDATE of non-key columns takes anyway: it
 * keeps other claimers off the row (SKIP LOCKED passes over it) without
 * blocking the foreign-key checks of messages written to the ticket */
#define QUEUE_CLAIM(where)                                                               \
    "UPDATE tickets SET assignee_id = $4::bigint, claim_until = $6, updated_at = $7"     \
    " WHERE id = (SELECT t.id FROM tickets t" where " ORDER BY t.due_at, t.id LIMIT 1"   \
    " FOR NO KEY UPDATE OF t SKIP LOCKED) AND assignee_id IS NULL RETURNING id"

enum st {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_PING,
    ST_TRY_LEAD,
    ST_PERSON_INSERT,
    ST_PERSON_UPDATE,
    ST_PERSON_PASSWORD,
    ST_PERSON_GET,
    ST_PERSON_GET_LOCK,
    ST_PERSON_LOCK,
    ST_PERSON_BY_EMAIL,
    ST_PERSON_LIST,
    ST_PERSON_COUNT,
    ST_CRED_INSERT,
    ST_CRED_LOOKUP,
    ST_CRED_TOUCH,
    ST_CRED_DELETE,
    ST_CRED_DELETE_ANY,
    ST_CRED_LIST,
    ST_CRED_PURGE,
    ST_LOGIN_PURGE,
    ST_LOGIN_COUNT,
    ST_LOGIN_ADD,
    ST_CUSTOMER_FIND,
    ST_CUSTOMER_INSERT,
    ST_TICKET_INSERT,
    ST_TAG_INSERT,
    ST_TAG_CLEAR,
    ST_TAG_COLUMN,
    ST_QUEUE_UNCLAIM,
    ST_TICKET_GET,
    ST_TICKET_GET_LOCK,
    ST_TICKET_UPDATE,
    ST_MESSAGE_INSERT,
    ST_MESSAGE_COUNT,
    ST_MESSAGE_LIST,
    ST_QUEUE_EXPIRE,
    ST_QUEUE_HELD,
    ST_QUEUE_CLAIM,
    ST_QUEUE_CLAIM_T1,
    ST_QUEUE_LIST,
    ST_QUEUE_LIST_T1,
    ST_QUEUE_RENEW,
    ST_QUEUE_SKIP,
    ST_AUDIT_INSERT,
    ST_AUDIT_LIST,
    ST_POLICY_GET,
    ST_POLICY_PUT,
    ST_EXEMPTION_INSERT,
    ST_EXEMPTION_GET,
    ST_EXEMPTION_GET_LOCK,
    ST_EXEMPTION_END,
    ST_EXEMPTION_LIST,
    ST_EXEMPTION_LIST_ALL,
    ST_WORK_INSERT,
    ST_WORK_GET,
    ST_WORK_GET_LOCK,
    ST_WORK_CURRENT,
    ST_WORK_CURRENT_LOCK,
    ST_WORK_UPDATE,
    ST_WORK_CLOSE_IDLE,
    ST_WORK_LIST,
    ST_WORK_LIST_ALL,
    ST_WORK_SPANS,
    ST_BLOCK_INSERT,
    ST_BLOCK_GET,
    ST_BLOCK_GET_LOCK,
    ST_BLOCK_UPDATE,
    ST_BLOCK_DELETE,
    ST_BLOCK_LIST,
    ST_BLOCK_LIST_ALL,
    ST_ACTIVITY,
    ST_SUPPORT_ADD,
    ST_SUPPORT_REMOVE,
    ST_SUPPORT_LIST,
    ST_SUPPORT_LIST_ALL,
    ST_COMPLIANCE_PUT,
    ST_COMPLIANCE_GET,
    ST_LADDER_CLAIM,
    ST_NOTIFICATION_INSERT,
    ST_NOTIFICATION_LIST,
    ST_NOTIFICATION_READ,
    ST_WEBHOOK_INSERT,
    ST_WEBHOOK_LIST,
    ST_WEBHOOK_DISABLE,
    ST_OUTBOX_ADD,
    ST_OUTBOX_CLAIM,
    ST_OUTBOX_SETTLE,
    ST_AUTHORED_LIST,
    ST_RULES_VERSION,
    ST_RULES_BUMP,
    ST_ROUTE_LIST,
    ST_ROUTE_GET,
    ST_ROUTE_GET_LOCK,
    ST_ROUTE_INSERT,
    ST_ROUTE_UPDATE,
    ST_ROUTE_DELETE,
    ST_STYLE_LIST,
    ST_STYLE_LIST_ALL,
    ST_STYLE_GET,
    ST_STYLE_GET_LOCK,
    ST_STYLE_INSERT,
    ST_STYLE_UPDATE,
    ST_HITS_ADD,
    ST_HITS_SUM,
    ST_REVIEW_INSERT,
    ST_REVIEW_GET,
    ST_REVIEW_GET_LOCK,
    ST_REVIEW_UPDATE,
    ST_REVIEW_STATS,
    ST_REVIEW_STATS_ALL,
    ST_REVIEW_COUNTS,
    ST_ESCALATION_INSERT,
    ST_ESCALATION_COUNTS,
    ST_ESCALATION_COUNTS_ALL,
    ST_MODULE_LIST,
    ST_MODULE_LIST_ALL,
    ST_MODULE_GET,
    ST_MODULE_GET_LOCK,
    ST_MODULE_INSERT,
    ST_MODULE_UPDATE,
    ST_COMPLETION_ADD,
    ST_COMPLETION_LIST,
    ST_COMPLETION_LIST_ALL,
    ST_PAIRING_INSERT,
    ST_PAIRING_LIST,
    ST_PAIRING_LIST_ALL,
    ST_MACRO_LIST,
    ST_MACRO_GET,
    ST_MACRO_GET_LOCK,
    ST_MACRO_INSERT,
    ST_MACRO_UPDATE,
    ST_MACRO_DELETE,
    ST_MAIL_ID_GET,
    ST_MAIL_ID_INSERT,
    ST_MAIL_IN_INSERT,
    ST_MAIL_IN_COUNT,
    ST_MAIL_IN_LIST,
    ST_PARTICIPANT_ADD,
    ST_PARTICIPANT_LIST,
    ST_ATTACHMENT_INSERT,
    ST_ATTACHMENT_GET,
    ST_ATTACHMENT_LIST,
    ST_MAIL_OUT_INSERT,
    ST_MAIL_OUT_CLAIM,
    ST_MAIL_OUT_SETTLE,
    ST_MAIL_OUT_LIST,
    ST_MAIL_OUT_COUNTS,
    ST_GROUP_TURN,
    ST_GROUP_TURN_WAIT,
    ST_GROUP_STATE_GET,
    ST_GROUP_STATE_PUT,
    ST_GROUP_PENDING,
    ST_TERM_DF,
    ST_TERM_ADD,
    ST_TERM_WORDS,
    ST_GROUP_POSTINGS,
    ST_GROUP_TERMS_CLEAR,
    ST_GROUP_TERMS_PUT,
    ST_GROUP_LOAD,
    ST_GROUP_LOAD_LOCK,
    ST_GROUP_INSERT,
    ST_GROUP_UPDATE,
    ST_GROUP_TICKET_PUT,
    ST_GROUP_TICKET_GET,
    ST_GROUP_TICKET_GET_LOCK,
    ST_GROUP_MEMBERS,
    ST_GROUP_WEEK_ADD,
    ST_GROUP_WEEKS,
    ST_GROUP_MOVE_ALL,
    ST_GROUP_ANSWERERS,
    ST_FIX_INSERT,
    ST_FIX_GET,
    ST_FIX_GET_LOCK,
    ST_FIX_UPDATE,
    ST_FIX_LIST,
    ST_FIX_LIST_ALL,
    ST_INTAKE_INSERT,
    ST_INTAKE_GET,
    ST_INTAKE_GET_LOCK,
    ST_INTAKE_BY_TICKET,
    ST_INTAKE_BY_TICKET_LOCK,
    ST_INTAKE_LIST,
    ST_INTAKE_LIST_ALL,
    ST_INTAKE_TOLD,
    ST_INTAKE_COUNTS,
    ST_ROUTE_BACK_INSERT,
    ST_ROUTE_BACK_LIST,
    ST_ROUTE_BACK_COUNTS,
    ST_LAUNCH_INSERT,
    ST_LAUNCH_GET,
    ST_LAUNCH_GET_LOCK,
    ST_LAUNCH_UPDATE,
    ST_LAUNCH_LIST,
    ST_TAGGED_TICKETS,
    ST_KUDOS_INSERT,
    ST_KUDOS_LIST,
    ST_KUDOS_LIST_ALL,
    ST_DIGEST_RESPONSES,
    ST_DIGEST_SOLVED,
    ST_DIGEST_BREACHES,
    ST_DIGEST_BACKLOG,
    ST_REVIEW_OUTCOMES,
    ST_GROUP_TOP_WEEK,
    ST_AFTER_FIX_COUNTS,
    ST_DIGEST_SUB_GET,
    ST_DIGEST_SUB_PUT,
    ST_DIGEST_SUBSCRIBERS,
    ST_DIGEST_CLAIM,
    ST_DIGEST_DONE,
    ST_MEMBERS_CLOCKED_IN,
    ST_COUNT
};

static const char *const sql_text[ST_COUNT] = {
    /* see pg_begin for why READ COMMITTED suffices */
    [ST_BEGIN] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_PING] = "SELECT 1",
    /* "upkeep" in ASCII: the lock of the one server doing background work */
    [ST_TRY_LEAD] = "SELECT CASE WHEN pg_try_advisory_xact_lock(129125698594160) THEN 1 ELSE 0 END",
    [ST_PERSON_INSERT] =
        "INSERT INTO people (email, name, department, manager_id, role, leader, timezone,"
        " active, password_hash, created_at, updated_at, start_day, level) VALUES ($1, $2, $3,"
        " nullif($4::bigint, 0), $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING id",
    [ST_PERSON_UPDATE] =
        "UPDATE people SET name = $2, department = $3, manager_id = nullif($4::bigint, 0),"
        " role = $5, leader = $6, timezone = $7, active = $8, updated_at = $9, start_day = $10,"
        " level = $11 WHERE id = $1",
    [ST_PERSON_PASSWORD] = "UPDATE people SET password_hash = $2 WHERE id = $1",
    [ST_PERSON_GET] = "SELECT " PERSON_COLS " FROM people p WHERE p.id = $1",
    [ST_PERSON_GET_LOCK] =
        "SELECT " PERSON_COLS " FROM people p WHERE p.id = $1 FOR NO KEY UPDATE",
    [ST_PERSON_LOCK] = "SELECT 1 FROM people WHERE id = $1 FOR NO KEY UPDATE",
    [ST_PERSON_BY_EMAIL] = "SELECT " PERSON_COLS ", p.password_hash FROM people p"
                           " WHERE lower(p.email) = lower($1)",
    [ST_PERSON_LIST] =
        "SELECT " PERSON_COLS " FROM people p WHERE p.id > $1 ORDER BY p.id LIMIT $2",
    [ST_PERSON_COUNT] = "SELECT count(*) FROM people",
    [ST_CRED_INSERT] =
        "INSERT INTO credentials (person_id, kind, hash, name, created_at, last_used_at,"
        " expires_at) VALUES ($1, $2, $3, $4, $5, $6, nullif($7::bigint, 0)) RETURNING id",
    [ST_CRED_LOOKUP] =
        "SELECT k.id, k.person_id, k.kind, k.name, k.created_at, k.last_used_at,"
        " coalesce(k.expires_at, 0), " PERSON_COLS ", coalesce(w.id, 0),"
        " coalesce(w.last_active_at, 0),"
        " coalesce((SELECT idle_timeout_s FROM policy WHERE id = 1), 0)"
        " FROM credentials k JOIN people p ON p.id = k.person_id"
        " LEFT JOIN work_sessions w ON w.person_id = p.id AND w.ended_at IS NULL"
        " WHERE k.hash = $1",
    [ST_CRED_TOUCH] = "UPDATE credentials SET last_used_at = $2,"
                      " expires_at = nullif($3::bigint, 0) WHERE id = $1",
    [ST_CRED_DELETE] = "DELETE FROM credentials WHERE id = $1 AND person_id = $2",
    [ST_CRED_DELETE_ANY] = "DELETE FROM credentials WHERE id = $1",
    [ST_CRED_LIST] =
        "SELECT id, person_id, kind, name, created_at, last_used_at, coalesce(expires_at, 0)"
        " FROM credentials WHERE person_id = $1 AND kind = $2 ORDER BY id LIMIT 1000",
    [ST_CRED_PURGE] = "DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at < $1",
    [ST_LOGIN_PURGE] = "DELETE FROM login_failures WHERE at < $1::bigint - 3600000",
    [ST_LOGIN_COUNT] = "SELECT count(*) FROM login_failures WHERE client = $1 AND at >= $2",
    [ST_LOGIN_ADD] = "INSERT INTO login_failures (client, at) VALUES ($1, $2)",
    [ST_CUSTOMER_FIND] = "SELECT id, name FROM customers WHERE lower(email) = lower($1)",
    /* a customer another transaction inserts meanwhile: nothing here, and
     * customer_upsert reads theirs */
    [ST_CUSTOMER_INSERT] = "INSERT INTO customers (email, name, created_at) VALUES ($1, $2, $3)"
                           " ON CONFLICT DO NOTHING RETURNING id, name",
    [ST_TICKET_INSERT] =
        "INSERT INTO tickets (subject, requester_id, status, priority, tier, tags, source,"
        " assignee_id, claim_until, due_at, resolve_due_at, first_response_at, created_at,"
        " updated_at, solved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8::bigint, 0),"
        " nullif($9::bigint, 0), $10, $11, nullif($12::bigint, 0), $13, $13,"
        " nullif($14::bigint, 0)) RETURNING id",
    /* all the words of tags in one statement; repeats collapse as with
     * SQLite's INSERT OR IGNORE */
    [ST_TAG_INSERT] = "INSERT INTO ticket_tags (ticket_id, tag) SELECT $1::bigint, w"
                      " FROM unnest(string_to_array($2::text, ' ')) AS w WHERE w <> ''"
                      " ON CONFLICT DO NOTHING",
    [ST_TAG_CLEAR] = "DELETE FROM ticket_tags WHERE ticket_id = $1",
    [ST_TAG_COLUMN] = "UPDATE tickets SET tags = $2 WHERE id = $1",
    [ST_QUEUE_UNCLAIM] = "UPDATE tickets SET assignee_id = NULL, claim_until = NULL,"
                         " updated_at = $2 WHERE id = $1",
    [ST_TICKET_GET] = "SELECT " TICKET_COLS TICKET_FROM " WHERE t.id = $1",
    [ST_TICKET_GET_LOCK] =
        "SELECT " TICKET_COLS TICKET_FROM " WHERE t.id = $1 FOR NO KEY UPDATE OF t",
    [ST_TICKET_UPDATE] =
        "UPDATE tickets SET status = $2, priority = $3, tier = $4,"
        " assignee_id = nullif($5::bigint, 0), claim_until = nullif($6::bigint, 0),"
        " first_response_at = nullif($7::bigint, 0), due_at = $8, resolve_due_at = $9,"
        " updated_at = $10, solved_at = nullif($11::bigint, 0) WHERE id = $1",
    [ST_MESSAGE_INSERT] =
        "INSERT INTO messages (ticket_id, kind, author_id, body, created_at)"
        " VALUES ($1, $2, nullif($3::bigint, 0), $4, $5) RETURNING id",
    [ST_MESSAGE_COUNT] =
        "UPDATE tickets SET last_message_id = $2, message_count = message_count + 1,"
        " updated_at = $3 WHERE id = $1",
    [ST_MESSAGE_LIST] =
        "SELECT m.id, m.ticket_id, m.kind, coalesce(m.author_id, 0),"
        " coalesce(p.name, c.name, ''), m.body, m.created_at"
        " FROM messages m LEFT JOIN people p ON p.id = m.author_id"
        " LEFT JOIN tickets t ON m.author_id IS NULL AND t.id = m.ticket_id"
        " LEFT JOIN customers c ON c.id = t.requester_id"
        " WHERE m.ticket_id = $1 AND m.id > $2 ORDER BY m.id LIMIT $3",
    /* SKIP LOCKED: two servers expiring at once split the rows instead of
     * waiting on (or deadlocking over) each other's; a row some transaction
     * holds is expired by the next round if its lease is still over */
    [ST_QUEUE_EXPIRE] =
        "UPDATE tickets SET assignee_id = NULL, claim_until = NULL WHERE id IN"
        " (SELECT id FROM tickets WHERE claim_until IS NOT NULL AND claim_until <= $1"
        " FOR NO KEY UPDATE SKIP LOCKED)",
    [ST_QUEUE_HELD] =
        "SELECT id FROM tickets WHERE assignee_id = $1 AND claim_until IS NOT NULL"
        " AND claim_until > $2 ORDER BY id LIMIT 1",
    [ST_QUEUE_CLAIM] = QUEUE_CLAIM(QUEUE_WHERE),
    [ST_QUEUE_CLAIM_T1] = QUEUE_CLAIM(QUEUE_WHERE_T1),
    [ST_QUEUE_LIST] =
        "SELECT " TICKET_COLS TICKET_FROM QUEUE_WHERE " ORDER BY t.due_at, t.id LIMIT $6",
    [ST_QUEUE_LIST_T1] =
        "SELECT " TICKET_COLS TICKET_FROM QUEUE_WHERE_T1 " ORDER BY t.due_at, t.id LIMIT $6",
    [ST_QUEUE_RENEW] =
        "UPDATE tickets SET claim_until = $3 WHERE assignee_id = $1"
        " AND claim_until IS NOT NULL AND claim_until > $2",
    [ST_QUEUE_SKIP] =
        "INSERT INTO skips (person_id, ticket_id, reason, created_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (person_id, ticket_id) DO UPDATE SET reason = excluded.reason,"
        " created_at = excluded.created_at",
    [ST_AUDIT_INSERT] =
        "INSERT INTO audit (at, actor_id, action, target, before, after)"
        " VALUES ($1, nullif($2::bigint, 0), $3, $4, $5, $6) RETURNING id",
    [ST_AUDIT_LIST] =
        "SELECT id, at, coalesce(actor_id, 0), action, target, before, after FROM audit"
        " WHERE id < $1 ORDER BY id DESC LIMIT $2",
    [ST_POLICY_GET] = "SELECT " POLICY_COLS " FROM policy WHERE id = 1",
    [ST_POLICY_PUT] =
        "INSERT INTO policy (id, cadence, weekly_minutes, weeks_per_year, onboarding_week,"
        " timezone, week_start, idle_timeout_s, ladder_remind, ladder_manager, ladder_report,"
        " max_exemption_weeks, updated_at, updated_by, default_tier, reserve_on, reserve_age_s,"
        " review_first, review_rate, promote_approved, promote_clean_days, business_days,"
        " business_start, business_end) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
        " $11, $12, nullif($13::bigint, 0), $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"
        " ON CONFLICT (id) DO UPDATE SET"
        " cadence = excluded.cadence, weekly_minutes = excluded.weekly_minutes,"
        " weeks_per_year = excluded.weeks_per_year, onboarding_week = excluded.onboarding_week,"
        " timezone = excluded.timezone, week_start = excluded.week_start,"
        " idle_timeout_s = excluded.idle_timeout_s, ladder_remind = excluded.ladder_remind,"
        " ladder_manager = excluded.ladder_manager, ladder_report = excluded.ladder_report,"
        " max_exemption_weeks = excluded.max_exemption_weeks, updated_at = excluded.updated_at,"
        " updated_by = excluded.updated_by, default_tier = excluded.default_tier,"
        " reserve_on = excluded.reserve_on, reserve_age_s = excluded.reserve_age_s,"
        " review_first = excluded.review_first, review_rate = excluded.review_rate,"
        " promote_approved = excluded.promote_approved,"
        " promote_clean_days = excluded.promote_clean_days,"
        " business_days = excluded.business_days, business_start = excluded.business_start,"
        " business_end = excluded.business_end",
    [ST_EXEMPTION_INSERT] =
        "INSERT INTO exemptions (person_id, granted_by, reason, starts_on, ends_on, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [ST_EXEMPTION_GET] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE id = $1",
    [ST_EXEMPTION_GET_LOCK] =
        "SELECT " EXEMPTION_COLS " FROM exemptions WHERE id = $1 FOR NO KEY UPDATE",
    [ST_EXEMPTION_END] = "UPDATE exemptions SET ends_on = $2, ended_at = $3, ended_by = $4"
                         " WHERE id = $1",
    [ST_EXEMPTION_LIST] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE person_id = $1"
                          " AND starts_on <= $3 AND ends_on >= $2 ORDER BY starts_on, id"
                          " LIMIT $4",
    /* $1 is 0: both lists take the same parameters */
    [ST_EXEMPTION_LIST_ALL] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE ends_on >= $2"
                              " AND starts_on <= $3 AND $1::bigint = 0"
                              " ORDER BY person_id, starts_on, id LIMIT $4",
    /* a second open session of a person violates work_sessions_open (23505) */
    [ST_WORK_INSERT] =
        "INSERT INTO work_sessions (person_id, started_at, last_active_at, ended_at, source,"
        " note) VALUES ($1, $2, $3, nullif($4::bigint, 0), $5, $6) RETURNING id",
    [ST_WORK_GET] = "SELECT " WORK_COLS " FROM work_sessions WHERE id = $1",
    [ST_WORK_GET_LOCK] = "SELECT " WORK_COLS " FROM work_sessions WHERE id = $1"
                         " FOR NO KEY UPDATE",
    [ST_WORK_CURRENT] =
        "SELECT " WORK_COLS " FROM work_sessions WHERE person_id = $1 AND ended_at IS NULL",
    [ST_WORK_CURRENT_LOCK] =
        "SELECT " WORK_COLS " FROM work_sessions WHERE person_id = $1 AND ended_at IS NULL"
        " FOR NO KEY UPDATE",
    [ST_WORK_UPDATE] = "UPDATE work_sessions SET started_at = $2, last_active_at = $3,"
                       " ended_at = nullif($4::bigint, 0), note = $5 WHERE id = $1",
    /* SKIP LOCKED, as ST_QUEUE_EXPIRE: a session some request holds is being
     * touched, and the next round ends it if it is still idle */
    [ST_WORK_CLOSE_IDLE] =
        "UPDATE work_sessions SET ended_at = last_active_at WHERE id IN"
        " (SELECT id FROM work_sessions WHERE ended_at IS NULL AND last_active_at < $1"
        " FOR NO KEY UPDATE SKIP LOCKED)",
    /* $4 is $2 less the longest session: the index on the start finds them */
    [ST_WORK_LIST] = "SELECT " WORK_COLS " FROM work_sessions WHERE person_id = $1"
                     " AND started_at < $3 AND started_at >= $4 AND last_active_at > $2"
                     " ORDER BY started_at, id LIMIT $5",
    [ST_WORK_LIST_ALL] = "SELECT " WORK_COLS " FROM work_sessions WHERE $1::bigint = 0"
                         " AND started_at < $3 AND started_at >= $4 AND last_active_at > $2"
                         " ORDER BY started_at, id LIMIT $5",
    [ST_WORK_SPANS] = "SELECT person_id, started_at, last_active_at FROM work_sessions"
                      " WHERE started_at < $2 AND started_at >= $3 AND last_active_at > $1"
                      " ORDER BY started_at LIMIT $4",
    [ST_BLOCK_INSERT] = "INSERT INTO blocks (person_id, start_at, end_at, created_at,"
                        " updated_at, sequence) VALUES ($1, $2, $3, $4, $4, 0) RETURNING id",
    [ST_BLOCK_GET] = "SELECT " BLOCK_COLS " FROM blocks WHERE id = $1",
    [ST_BLOCK_GET_LOCK] = "SELECT " BLOCK_COLS " FROM blocks WHERE id = $1 FOR NO KEY UPDATE",
    [ST_BLOCK_UPDATE] = "UPDATE blocks SET start_at = $2, end_at = $3, updated_at = $4,"
                        " sequence = $5 WHERE id = $1",
    [ST_BLOCK_DELETE] = "DELETE FROM blocks WHERE id = $1",
    [ST_BLOCK_LIST] = "SELECT " BLOCK_COLS " FROM blocks WHERE person_id = $1"
                      " AND start_at < $3 AND start_at >= $4 AND end_at > $2"
                      " ORDER BY start_at, id LIMIT $5",
    [ST_BLOCK_LIST_ALL] = "SELECT " BLOCK_COLS " FROM blocks WHERE $1::bigint = 0"
                          " AND start_at < $3 AND start_at >= $4 AND end_at > $2"
                          " ORDER BY start_at, id LIMIT $5",
    [ST_SUPPORT_ADD] = "INSERT INTO support_weeks (person_id, week_day, created_at)"
                       " VALUES ($1, $2, $3)",
    [ST_SUPPORT_REMOVE] = "DELETE FROM support_weeks WHERE person_id = $1 AND week_day = $2",
    [ST_SUPPORT_LIST] = "SELECT person_id, week_day, created_at FROM support_weeks"
                        " WHERE person_id = $1 AND week_day BETWEEN $2 AND $3"
                        " ORDER BY week_day LIMIT $4",
    [ST_SUPPORT_LIST_ALL] = "SELECT person_id, week_day, created_at FROM support_weeks"
                            " WHERE $1::bigint = 0 AND week_day BETWEEN $2 AND $3"
                            " ORDER BY person_id, week_day LIMIT $4",
    [ST_ACTIVITY] = "SELECT count(*) FILTER (WHERE kind = 1), count(DISTINCT ticket_id)"
                    " FROM messages WHERE author_id = $1 AND created_at >= $2"
                    " AND created_at < $3 AND kind IN (1, 2)",
    [ST_COMPLIANCE_PUT] =
        "INSERT INTO compliance_weeks (person_id, week_day, status, required_min, worked_ms,"
        " streak) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (week_day, person_id) DO UPDATE"
        " SET status = excluded.status, required_min = excluded.required_min,"
        " worked_ms = excluded.worked_ms, streak = excluded.streak",
    [ST_COMPLIANCE_GET] = "SELECT person_id, week_day, status, required_min, worked_ms, streak"
                          " FROM compliance_weeks WHERE week_day = $1 ORDER BY person_id"
                          " LIMIT $2",
    /* a second server running the ladder for the same week waits here for
     * the first's transaction, then meets its row (or, past lock_timeout,
     * gets AH_E_UNAVAILABLE): either way the week runs once */
    [ST_LADDER_CLAIM] = "INSERT INTO ladder_runs (week_day, ran_at) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING",
    /* the target is notifications_once, an expression index: a row it
     * holds already is left alone, any other violation still fails. A
     * duplicate still uses up an identity value: ids have gaps */
    [ST_NOTIFICATION_INSERT] =
        "INSERT INTO notifications (person_id, kind, subject_id, week_day, ref_id, body,"
        " created_at) VALUES ($1, $2, nullif($3::bigint, 0), $4, $5, $6, $7)"
        " ON CONFLICT (person_id, kind, coalesce(subject_id, 0), week_day, ref_id) DO NOTHING"
        " RETURNING id",
    [ST_NOTIFICATION_LIST] = "SELECT " NOTIFICATION_COLS " FROM notifications"
                             " WHERE person_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
    [ST_NOTIFICATION_READ] = "UPDATE notifications SET read_at = coalesce(read_at, $3::bigint)"
                             " WHERE id = $1 AND person_id = $2",
    [ST_WEBHOOK_INSERT] = "INSERT INTO webhooks (url, secret, active, created_at, created_by)"
                          " VALUES ($1, $2, 1, $3, nullif($4::bigint, 0)) RETURNING id",
    [ST_WEBHOOK_LIST] =
        "SELECT w.id, w.url, w.secret, w.active, w.created_at, coalesce(w.created_by, 0),"
        " (SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.delivered_at IS NULL)"
        " FROM webhooks w WHERE w.active = 1 ORDER BY w.id LIMIT $1",
    [ST_WEBHOOK_DISABLE] = "UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1",
    [ST_OUTBOX_ADD] = "INSERT INTO outbox (webhook_id, event, body, created_at, next_at)"
                      " SELECT id, $1::text, $2::text, $3::bigint, $3::bigint FROM webhooks"
                      " WHERE active = 1 ORDER BY id",
    /* SKIP LOCKED: two servers claiming at once split the due rows; a row
     * another claimed and committed meanwhile is read again (READ COMMITTED)
     * and, no longer due, left out. NO KEY UPDATE is the lock the UPDATE
     * takes anyway. attempts is returned as it was before this one, and the
     * rows in due order (the UPDATE moved next_at) */
    [ST_OUTBOX_CLAIM] =
        "WITH due AS (SELECT o.id, o.next_at, w.url, w.secret"
        " FROM outbox o JOIN webhooks w ON w.id = o.webhook_id"
        " WHERE o.delivered_at IS NULL AND o.next_at <= $1 AND w.active = 1"
        " ORDER BY o.next_at, o.id LIMIT $3 FOR NO KEY UPDATE OF o SKIP LOCKED),"
        " taken AS (UPDATE outbox o SET next_at = $2, attempts = o.attempts + 1 FROM due"
        " WHERE o.id = due.id RETURNING o.id, o.webhook_id, o.event, o.body, o.created_at,"
        " o.attempts)"
        " SELECT taken.id, taken.webhook_id, due.url, due.secret, taken.event, taken.body,"
        " taken.created_at, taken.attempts - 1 FROM taken JOIN due ON due.id = taken.id"
        " ORDER BY due.next_at, due.id",
    /* a row delivered already stays so: a late retry's outcome is stale */
    [ST_OUTBOX_SETTLE] = "UPDATE outbox SET delivered_at = nullif($2::bigint, 0), next_at = $3,"
                         " last_error = $4 WHERE id = $1 AND delivered_at IS NULL",
    /* the order SQLite's plan gives (messages_created), made explicit */
    [ST_AUTHORED_LIST] = "SELECT author_id, ticket_id, kind, created_at FROM messages"
                         " WHERE created_at >= $1 AND created_at < $2 AND author_id IS NOT NULL"
                         " ORDER BY created_at, author_id, ticket_id LIMIT $3",
    [ST_RULES_VERSION] = "SELECT version FROM rule_versions WHERE name = $1",
    /* the row lock also orders two leads changing one rule set: the second
     * waits, and each change gets its own number */
    [ST_RULES_BUMP] = "UPDATE rule_versions SET version = version + 1 WHERE name = $1",
    [ST_ROUTE_LIST] = "SELECT " ROUTE_COLS " FROM routing_rules ORDER BY position, id LIMIT $1",
    [ST_ROUTE_GET] = "SELECT " ROUTE_COLS " FROM routing_rules WHERE id = $1",
    [ST_ROUTE_GET_LOCK] =
        "SELECT " ROUTE_COLS " FROM routing_rules WHERE id = $1 FOR NO KEY UPDATE",
    /* a new row's updated_at is its created_at unless given (as below) */
    [ST_ROUTE_INSERT] =
        "INSERT INTO routing_rules (position, name, match_kind, pattern, match_in, if_tag,"
        " if_source, if_domain, if_priority, set_tier, set_priority, add_tags, stop, enabled,"
        " created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
        " $11, $12, $13, $14, $15, coalesce(nullif($16::bigint, 0), $15),"
        " nullif($17::bigint, 0)) RETURNING id",
    [ST_ROUTE_UPDATE] =
        "UPDATE routing_rules SET position = $2, name = $3, match_kind = $4, pattern = $5,"
        " match_in = $6, if_tag = $7, if_source = $8, if_domain = $9, if_priority = $10,"
        " set_tier = $11, set_priority = $12, add_tags = $13, stop = $14, enabled = $15,"
        " updated_at = $16, updated_by = nullif($17::bigint, 0) WHERE id = $1",
    [ST_ROUTE_DELETE] = "DELETE FROM routing_rules WHERE id = $1",
    [ST_STYLE_LIST] = "SELECT " STYLE_COLS " FROM style_rules WHERE deleted_at IS NULL"
                      " ORDER BY id LIMIT $1",
    [ST_STYLE_LIST_ALL] = "SELECT " STYLE_COLS " FROM style_rules ORDER BY id LIMIT $1",
    [ST_STYLE_GET] = "SELECT " STYLE_COLS " FROM style_rules WHERE id = $1",
    [ST_STYLE_GET_LOCK] =
        "SELECT " STYLE_COLS " FROM style_rules WHERE id = $1 FOR NO KEY UPDATE",
    /* a live rule's name taken violates style_rules_name (23505) */
    [ST_STYLE_INSERT] =
        "INSERT INTO style_rules (name, kind, pattern, severity, why, better, levels, roles,"
        " tags, lifted_tags, enabled, created_at, updated_at, updated_by, deleted_at) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
        " coalesce(nullif($13::bigint, 0), $12), nullif($14::bigint, 0),"
        " nullif($15::bigint, 0)) RETURNING id",
    [ST_STYLE_UPDATE] =
        "UPDATE style_rules SET name = $2, kind = $3, pattern = $4, severity = $5, why = $6,"
        " better = $7, levels = $8, roles = $9, tags = $10, lifted_tags = $11, enabled = $12,"
        " updated_at = $13, updated_by = nullif($14::bigint, 0),"
        " deleted_at = nullif($15::bigint, 0) WHERE id = $1",
    /* two servers adding to one day's row at once: the second waits for the
     * first's row and adds to it */
    [ST_HITS_ADD] =
        "INSERT INTO style_hits (rule_id, person_id, day, hits, overrides)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day, rule_id, person_id) DO UPDATE"
        " SET hits = style_hits.hits + excluded.hits,"
        " overrides = style_hits.overrides + excluded.overrides",
    [ST_HITS_SUM] = "SELECT rule_id, person_id, sum(hits)::bigint, sum(overrides)::bigint"
                    " FROM style_hits WHERE day BETWEEN $1 AND $2"
                    " GROUP BY rule_id, person_id ORDER BY rule_id, person_id LIMIT $3",
    [ST_REVIEW_INSERT] =
        "INSERT INTO reviews (ticket_id, author_id, body, status, reviewer_id, final_body,"
        " comment, message_id, created_at, decided_at) VALUES ($1, $2, $3, $4,"
        " nullif($5::bigint, 0), $6, $7, nullif($8::bigint, 0), $9, nullif($10::bigint, 0))"
        " RETURNING id",
    [ST_REVIEW_GET] = "SELECT " REVIEW_COLS REVIEW_FROM " WHERE r.id = $1",
    [ST_REVIEW_GET_LOCK] =
        "SELECT " REVIEW_COLS REVIEW_FROM " WHERE r.id = $1 FOR NO KEY UPDATE OF r",
    [ST_REVIEW_UPDATE] =
        "UPDATE reviews SET status = $2, reviewer_id = nullif($3::bigint, 0), final_body = $4,"
        " comment = $5, message_id = nullif($6::bigint, 0), decided_at = nullif($7::bigint, 0)"
        " WHERE id = $1",
    [ST_REVIEW_STATS] =
        "SELECT author_id, count(*), count(*) FILTER (WHERE status = 1),"
        " count(*) FILTER (WHERE status = 2),"
        " coalesce(max(decided_at) FILTER (WHERE status = 2), 0) FROM reviews"
        " WHERE author_id = $1 GROUP BY author_id ORDER BY author_id LIMIT $2",
    [ST_REVIEW_STATS_ALL] =
        "SELECT author_id, count(*), count(*) FILTER (WHERE status = 1),"
        " count(*) FILTER (WHERE status = 2),"
        " coalesce(max(decided_at) FILTER (WHERE status = 2), 0) FROM reviews"
        " WHERE $1::bigint = 0 GROUP BY author_id ORDER BY author_id LIMIT $2",
    /* given through reviews_reviewer, the rest through reviews_author; held
     * leaves out the replies the sample passed (status 3) */
    [ST_REVIEW_COUNTS] =
        "SELECT (SELECT count(*) FROM reviews WHERE reviewer_id = $1 AND decided_at >= $2"
        " AND decided_at < $3),"
        " count(*) FILTER (WHERE created_at >= $2 AND created_at < $3 AND status <> 3),"
        " count(*) FILTER (WHERE status = 1 AND decided_at >= $2 AND decided_at < $3),"
        " count(*) FILTER (WHERE status = 2 AND decided_at >= $2 AND decided_at < $3)"
        " FROM reviews WHERE author_id = $1",
    [ST_ESCALATION_INSERT] = "INSERT INTO escalations (ticket_id, person_id, note, created_at)"
                             " VALUES ($1, $2, $3, $4) RETURNING id",
    [ST_ESCALATION_COUNTS] =
        "SELECT person_id, count(*) FROM escalations WHERE person_id = $1"
        " AND created_at >= $2 AND created_at < $3 GROUP BY person_id ORDER BY person_id"
        " LIMIT $4",
    [ST_ESCALATION_COUNTS_ALL] =
        "SELECT person_id, count(*) FROM escalations WHERE $1::bigint = 0"
        " AND created_at >= $2 AND created_at < $3 GROUP BY person_id ORDER BY person_id"
        " LIMIT $4",
    [ST_MODULE_LIST] = "SELECT " MODULE_COLS " FROM modules WHERE retired_at IS NULL"
                       " ORDER BY position, id LIMIT $1",
    [ST_MODULE_LIST_ALL] = "SELECT " MODULE_COLS " FROM modules ORDER BY position, id LIMIT $1",
    [ST_MODULE_GET] = "SELECT " MODULE_COLS " FROM modules WHERE id = $1",
    [ST_MODULE_GET_LOCK] = "SELECT " MODULE_COLS " FROM modules WHERE id = $1 FOR NO KEY UPDATE",
    [ST_MODULE_INSERT] =
        "INSERT INTO modules (title, body, position, level, created_at, updated_at, retired_at)"
        " VALUES ($1, $2, $3, $4, $5, coalesce(nullif($6::bigint, 0), $5),"
        " nullif($7::bigint, 0)) RETURNING id",
    [ST_MODULE_UPDATE] = "UPDATE modules SET title = $2, body = $3, position = $4, level = $5,"
                         " updated_at = $6, retired_at = nullif($7::bigint, 0) WHERE id = $1",
    [ST_COMPLETION_ADD] = "INSERT INTO completions (person_id, module_id, completed_at)"
                          " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    [ST_COMPLETION_LIST] = "SELECT person_id, module_id, completed_at FROM completions"
                           " WHERE person_id = $1 ORDER BY module_id LIMIT $2",
    [ST_COMPLETION_LIST_ALL] = "SELECT person_id, module_id, completed_at FROM completions"
                               " WHERE $1::bigint = 0 ORDER BY person_id, module_id LIMIT $2",
    [ST_PAIRING_INSERT] =
        "INSERT INTO pairings (pro_id, member_id, started_at, minutes, notes, work_session_id,"
        " created_at) VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0), $7) RETURNING id",
    /* the OR becomes a BitmapOr of pairings_member and pairings_pro */
    [ST_PAIRING_LIST] = "SELECT " PAIRING_COLS " FROM pairings"
                        " WHERE (member_id = $1 OR pro_id = $1) AND started_at >= $2"
                        " AND started_at < $3 ORDER BY started_at, id LIMIT $4",
    [ST_PAIRING_LIST_ALL] = "SELECT " PAIRING_COLS " FROM pairings WHERE $1::bigint = 0"
                            " AND started_at >= $2 AND started_at < $3"
                            " ORDER BY started_at, id LIMIT $4",
    /* names bytewise, as SQLite's BINARY orders them */
    [ST_MACRO_LIST] =
        "SELECT " MACRO_COLS " FROM macros ORDER BY name COLLATE \"C\", id LIMIT $1",
    [ST_MACRO_GET] = "SELECT " MACRO_COLS " FROM macros WHERE id = $1",
    [ST_MACRO_GET_LOCK] = "SELECT " MACRO_COLS " FROM macros WHERE id = $1 FOR NO KEY UPDATE",
    [ST_MACRO_INSERT] = "INSERT INTO macros (owner_id, name, body, created_at, updated_at)"
                        " VALUES ($1, $2, $3, $4, coalesce(nullif($5::bigint, 0), $4))"
                        " RETURNING id",
    [ST_MACRO_UPDATE] = "UPDATE macros SET name = $2, body = $3, updated_at = $4 WHERE id = $1",
    [ST_MACRO_DELETE] = "DELETE FROM macros WHERE id = $1",
    [ST_MAIL_ID_GET] =
        "SELECT ticket_id, coalesce(message_id, 0) FROM mail_ids WHERE msgid = $1",
    /* DO NOTHING, not a unique violation, which would fail the whole
     * transaction: a Message-ID another transaction records meanwhile waits
     * for it, then changes nothing here */
    [ST_MAIL_ID_INSERT] =
        "INSERT INTO mail_ids (msgid, ticket_id, message_id, sent, created_at)"
        " VALUES ($1, $2, nullif($3::bigint, 0), $4, $5) ON CONFLICT DO NOTHING",
    [ST_MAIL_IN_INSERT] =
        "INSERT INTO mail_in (message_id, msgid, sender, sender_name, quoted, new_ticket,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    /* mail_in_sender answers it */
    [ST_MAIL_IN_COUNT] = "SELECT count(*), coalesce(sum(new_ticket), 0)::bigint FROM mail_in"
                         " WHERE sender = $1 AND created_at >= $2",
    [ST_MAIL_IN_LIST] = "SELECT " MAIL_IN_COLS " FROM mail_in i"
                        " JOIN messages m ON m.id = i.message_id"
                        " WHERE m.ticket_id = $1 ORDER BY i.message_id LIMIT $2",
    [ST_PARTICIPANT_ADD] = "INSERT INTO participants (ticket_id, email, name, added_at)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    /* emails bytewise, as SQLite's BINARY orders them */
    [ST_PARTICIPANT_LIST] = "SELECT ticket_id, email, name, added_at FROM participants"
                            " WHERE ticket_id = $1 ORDER BY added_at, email COLLATE \"C\""
                            " LIMIT $2",
    [ST_ATTACHMENT_INSERT] =
        "INSERT INTO attachments (message_id, sha256, name, type, size, content_id, is_inline,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    [ST_ATTACHMENT_GET] = "SELECT " ATTACHMENT_COLS ATTACHMENT_FROM " WHERE a.id = $1",
    [ST_ATTACHMENT_LIST] = "SELECT " ATTACHMENT_COLS ATTACHMENT_FROM " WHERE m.ticket_id = $1"
                           " ORDER BY m.id, a.id LIMIT $2",
    [ST_MAIL_OUT_INSERT] =
        "INSERT INTO mail_out (ticket_id, message_id, kind, msgid, mail_from, rcpt, data,"
        " created_at, next_at) VALUES (nullif($1::bigint, 0), nullif($2::bigint, 0), $3, $4, $5,"
        " $6, $7, $8, $9)"
        " RETURNING id",
    /* as ST_OUTBOX_CLAIM: SKIP LOCKED splits the due rows between two
     * servers claiming at once, and a row another claimed and committed
     * meanwhile is read again and, no longer due, left out. The literal
     * "sent_at IS NULL AND failed_at IS NULL" lets the planner use
     * mail_out_due. attempts is returned as the row now reads (the attempt
     * this claim starts is counted), the rows in due order */
    [ST_MAIL_OUT_CLAIM] =
        "WITH due AS (SELECT id AS due_id, next_at AS due_next FROM mail_out"
        " WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $1"
        " ORDER BY next_at, id LIMIT $3 FOR NO KEY UPDATE SKIP LOCKED),"
        " taken AS (UPDATE mail_out o SET next_at = $2, attempts = o.attempts + 1 FROM due"
        " WHERE o.id = due.due_id RETURNING o.*)"
        " SELECT " MAIL_OUT_COLS("data") " FROM taken JOIN due ON due.due_id = taken.id"
        " ORDER BY due.due_next, due.due_id",
    /* a message sent or given up on stays so: a late attempt's outcome is stale */
    [ST_MAIL_OUT_SETTLE] =
        "UPDATE mail_out SET sent_at = nullif($2::bigint, 0), failed_at = nullif($3::bigint, 0),"
        " next_at = $4, last_error = $5 WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL",
    [ST_MAIL_OUT_LIST] = "SELECT " MAIL_OUT_COLS("''") " FROM mail_out WHERE ticket_id = $1"
                         " ORDER BY id LIMIT $2",
    [ST_MAIL_OUT_COUNTS] =
        "SELECT (SELECT count(*) FROM mail_out WHERE sent_at IS NULL AND failed_at IS NULL),"
        " (SELECT count(*) FROM mail_out WHERE failed_at IS NOT NULL)",
    /* held to the end of the transaction. Tried: a grouper that does not
     * get it leaves the turn to the one that has it; waited for (a merge, a
     * move): up to lock_timeout, then AH_E_UNAVAILABLE as any lock */
    [ST_GROUP_TURN] =
        "SELECT CASE WHEN pg_try_advisory_xact_lock(" GROUP_LOCK_KEY ") THEN 1 ELSE 0 END",
    [ST_GROUP_TURN_WAIT] = "SELECT 1 FROM pg_advisory_xact_lock(" GROUP_LOCK_KEY ")",
    [ST_GROUP_STATE_GET] = "SELECT upto, docs FROM group_state WHERE id = 1 FOR NO KEY UPDATE",
    [ST_GROUP_STATE_PUT] = "UPDATE group_state SET upto = $1, docs = $2 WHERE id = 1",
    /* messages_ticket finds the first customer message; substr counts
     * characters, as SQLite's does */
    [ST_GROUP_PENDING] =
        "SELECT t.id, t.subject, coalesce((SELECT substr(m.body, 1, $3) FROM messages m"
        " WHERE m.ticket_id = t.id AND m.kind = 0 ORDER BY m.id LIMIT 1), ''), t.created_at"
        " FROM tickets t WHERE t.id > $1 AND NOT EXISTS (SELECT 1 FROM group_tickets g"
        " WHERE g.ticket_id = t.id) ORDER BY t.id LIMIT $2",
    /* the array statements answer a batch in one round trip, a row for
     * each element in its order */
    [ST_TERM_DF] = "SELECT coalesce(t.df, 0) FROM unnest($1::bigint[]) WITH ORDINALITY"
                   " AS u(term, i) LEFT JOIN terms t ON t.term = u.term ORDER BY u.i",
    /* in term order: two transactions adding the same terms lock their rows
     * in the same order, and neither waits for a row the other waits on */
    [ST_TERM_ADD] =
        "INSERT INTO terms (term, df, word) SELECT u.term, 1, u.word"
        " FROM unnest($1::bigint[], $2::text[]) AS u(term, word) ORDER BY u.term"
        " ON CONFLICT (term) DO UPDATE SET df = terms.df + 1,"
        " word = CASE WHEN excluded.word <> '' THEN excluded.word ELSE terms.word END",
    [ST_TERM_WORDS] = "SELECT coalesce(t.word, '') FROM unnest($1::bigint[]) WITH ORDINALITY"
                      " AS u(term, i) LEFT JOIN terms t ON t.term = u.term ORDER BY u.i",
    /* each term's heaviest postings through group_terms_weight */
    [ST_GROUP_POSTINGS] =
        "SELECT p.term, p.group_id, p.weight FROM unnest($1::bigint[]) WITH ORDINALITY"
        " AS u(term, i) CROSS JOIN LATERAL (SELECT term, group_id, weight FROM group_terms"
        " WHERE term = u.term ORDER BY weight DESC, group_id LIMIT $2) p"
        " ORDER BY u.i, p.weight DESC, p.group_id",
    [ST_GROUP_TERMS_CLEAR] = "DELETE FROM group_terms WHERE group_id = $1",
    [ST_GROUP_TERMS_PUT] =
        "INSERT INTO group_terms (term, group_id, weight) SELECT u.term, $1::bigint, u.weight"
        " FROM unnest($2::bigint[], $3::double precision[]) AS u(term, weight)",
    /* by id: the locking read takes its rows in that order (see pg_begin) */
    [ST_GROUP_LOAD] = "SELECT " GROUP_COLS GROUP_FROM " WHERE g.id = ANY($1::bigint[])"
                      " ORDER BY g.id",
    [ST_GROUP_LOAD_LOCK] = "SELECT " GROUP_COLS GROUP_FROM " WHERE g.id = ANY($1::bigint[])"
                           " ORDER BY g.id FOR NO KEY UPDATE OF g",
    [ST_GROUP_INSERT] =
        "INSERT INTO question_groups (name, named, status, merged_into, fix_id, size,"
        " after_fix, centroid, first_at, last_at, created_at, updated_at) VALUES ($1, $2, $3,"
        " nullif($4::bigint, 0), nullif($5::bigint, 0), $6, $7, $8, $9, $10, $11, $12)"
        " RETURNING id",
    [ST_GROUP_UPDATE] =
        "UPDATE question_groups SET name = $2, named = $3, status = $4,"
        " merged_into = nullif($5::bigint, 0), fix_id = nullif($6::bigint, 0), size = $7,"
        " after_fix = $8, centroid = $9, first_at = $10, last_at = $11, updated_at = $12"
        " WHERE id = $1",
    [ST_GROUP_TICKET_PUT] =
        "INSERT INTO group_tickets (ticket_id, group_id, score, after_fix, joined_at, moved_by)"
        " VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0)) ON CONFLICT (ticket_id) DO UPDATE"
        " SET group_id = excluded.group_id, score = excluded.score,"
        " after_fix = excluded.after_fix, joined_at = excluded.joined_at,"
        " moved_by = excluded.moved_by",
    [ST_GROUP_TICKET_GET] = "SELECT ticket_id, group_id, score, after_fix, joined_at,"
                            " coalesce(moved_by, 0) FROM group_tickets WHERE ticket_id = $1",
    [ST_GROUP_TICKET_GET_LOCK] =
        "SELECT ticket_id, group_id, score, after_fix, joined_at, coalesce(moved_by, 0)"
        " FROM group_tickets WHERE ticket_id = $1 FOR NO KEY UPDATE",
    /* $2 is the cursor (the largest bigint: from the newest), $4 the tier
     * and $5 the status bound (the largest bigint: any) */
    [ST_GROUP_MEMBERS] =
        "SELECT g.ticket_id, t.subject, t.status, t.tier, t.created_at, g.score, g.after_fix"
        " FROM group_tickets g JOIN tickets t ON t.id = g.ticket_id WHERE g.group_id = $1"
        " AND g.ticket_id < $2 AND g.ticket_id <> $3 AND t.tier <= $4::bigint"
        " AND t.status < $5::bigint ORDER BY g.ticket_id DESC LIMIT $6",
    [ST_GROUP_WEEK_ADD] = "INSERT INTO group_weeks (group_id, week_day, n) VALUES ($1, $2, $3)"
                          " ON CONFLICT (group_id, week_day) DO UPDATE"
                          " SET n = group_weeks.n + excluded.n",
    [ST_GROUP_WEEKS] = "SELECT group_id, week_day, n FROM group_weeks"
                       " WHERE group_id = ANY($1::bigint[]) AND week_day >= $2"
                       " AND week_day < $3 ORDER BY group_id, week_day LIMIT $4",
    /* one statement: every part runs to completion whether or not the
     * INSERT reads it; from's weeks are deleted and added into into's */
    [ST_GROUP_MOVE_ALL] =
        "WITH moved AS (UPDATE group_tickets SET group_id = $2::bigint"
        " WHERE group_id = $1::bigint),"
        " unposted AS (DELETE FROM group_terms WHERE group_id = $1::bigint),"
        " weeks AS (DELETE FROM group_weeks WHERE group_id = $1::bigint"
        " RETURNING week_day, n)"
        " INSERT INTO group_weeks (group_id, week_day, n) SELECT $2::bigint, week_day, n"
        " FROM weeks ON CONFLICT (group_id, week_day) DO UPDATE"
        " SET n = group_weeks.n + excluded.n",
    /* names bytewise, as SQLite's BINARY orders them */
    [ST_GROUP_ANSWERERS] =
        "SELECT p.id, p.name, p.department, p.leader, count(DISTINCT m.ticket_id)"
        " FROM group_tickets g JOIN messages m ON m.ticket_id = g.ticket_id AND m.kind = 1"
        " JOIN people p ON p.id = m.author_id WHERE g.group_id = $1 GROUP BY p.id"
        " ORDER BY count(DISTINCT m.ticket_id) DESC, p.name COLLATE \"C\", p.id LIMIT $2",
    [ST_FIX_INSERT] =
        "INSERT INTO fixes (title, url, owner_id, state, shipped_at, created_by, created_at,"
        " updated_at) VALUES ($1, $2, $3, $4, nullif($5::bigint, 0), nullif($6::bigint, 0), $7,"
        " $8) RETURNING id",
    [ST_FIX_GET] = "SELECT " FIX_COLS FIX_FROM " WHERE f.id = $1",
    [ST_FIX_GET_LOCK] = "SELECT " FIX_COLS FIX_FROM " WHERE f.id = $1 FOR NO KEY UPDATE OF f",
    [ST_FIX_UPDATE] = "UPDATE fixes SET title = $2, url = $3, owner_id = $4, state = $5,"
                      " shipped_at = nullif($6::bigint, 0), updated_at = $7 WHERE id = $1",
    [ST_FIX_LIST] = "SELECT " FIX_COLS FIX_FROM " WHERE f.owner_id = $1 ORDER BY f.id DESC"
                    " LIMIT $2",
    [ST_FIX_LIST_ALL] = "SELECT " FIX_COLS FIX_FROM " WHERE $1::bigint = 0 ORDER BY f.id DESC"
                        " LIMIT $2",
    [ST_INTAKE_INSERT] =
        "INSERT INTO intakes (ticket_id, filer_id, channel, why, created_at, told_at)"
        " VALUES ($1, $2, $3, $4, $5, nullif($6::bigint, 0)) RETURNING id",
    [ST_INTAKE_GET] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.id = $1",
    [ST_INTAKE_GET_LOCK] =
        "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.id = $1 FOR NO KEY UPDATE OF i",
    [ST_INTAKE_BY_TICKET] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.ticket_id = $1",
    [ST_INTAKE_BY_TICKET_LOCK] =
        "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.ticket_id = $1 FOR NO KEY UPDATE OF i",
    /* intakes_filer answers it */
    [ST_INTAKE_LIST] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.filer_id = $1"
                       " AND i.id < $2 ORDER BY i.id DESC LIMIT $3",
    [ST_INTAKE_LIST_ALL] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE $1::bigint = 0"
                           " AND i.id < $2 ORDER BY i.id DESC LIMIT $3",
    /* the filer is told once: a second teller changes nothing */
    [ST_INTAKE_TOLD] = "UPDATE intakes SET told_at = $2 WHERE id = $1 AND told_at IS NULL",
    /* urgent is the ticket's priority now; names bytewise, as SQLite's
     * BINARY orders them */
    [ST_INTAKE_COUNTS] =
        "SELECT p.id, p.name, p.department, count(*), count(*) FILTER (WHERE t.priority = 0)"
        " FROM intakes i JOIN people p ON p.id = i.filer_id JOIN tickets t ON t.id = i.ticket_id"
        " WHERE i.created_at >= $1 AND i.created_at < $2 GROUP BY p.id"
        " ORDER BY count(*) DESC, p.name COLLATE \"C\", p.id LIMIT $3",
    [ST_ROUTE_BACK_INSERT] =
        "INSERT INTO route_backs (ticket_id, person_id, cause, reason, marked_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [ST_ROUTE_BACK_LIST] = "SELECT " ROUTE_BACK_COLS " FROM route_backs r"
                           " JOIN people p ON p.id = r.person_id WHERE r.ticket_id = $1"
                           " ORDER BY r.id LIMIT $2",
    /* departments bytewise, as SQLite's BINARY orders them */
    [ST_ROUTE_BACK_COUNTS] =
        "SELECT p.department, count(*) FILTER (WHERE r.cause = 0),"
        " count(*) FILTER (WHERE r.cause = 1) FROM route_backs r"
        " JOIN people p ON p.id = r.person_id WHERE r.created_at >= $1 AND r.created_at < $2"
        " GROUP BY p.department ORDER BY p.department COLLATE \"C\" LIMIT $3",
    [ST_LAUNCH_INSERT] =
        "INSERT INTO launches (title, launch_day, changes, impact, tags, created_by, readiness,"
        " missing, readiness_note, judged_by, judged_at, created_at, updated_at) VALUES ($1, $2,"
        " $3, $4, $5, $6, $7, $8, $9, nullif($10::bigint, 0), nullif($11::bigint, 0), $12, $13)"
        " RETURNING id",
    [ST_LAUNCH_GET] = "SELECT " LAUNCH_COLS LAUNCH_FROM " WHERE l.id = $1",
    [ST_LAUNCH_GET_LOCK] =
        "SELECT " LAUNCH_COLS LAUNCH_FROM " WHERE l.id = $1 FOR NO KEY UPDATE OF l",
    [ST_LAUNCH_UPDATE] =
        "UPDATE launches SET title = $2, launch_day = $3, changes = $4, impact = $5, tags = $6,"
        " readiness = $7, missing = $8, readiness_note = $9, judged_by = nullif($10::bigint, 0),"
        " judged_at = nullif($11::bigint, 0), updated_at = $12 WHERE id = $1",
    [ST_LAUNCH_LIST] = "SELECT " LAUNCH_COLS LAUNCH_FROM " WHERE l.launch_day >= $1"
                       " AND l.launch_day < $2 ORDER BY l.launch_day, l.id LIMIT $3",
    /* one round trip: the first column is the count of every ticket that
     * matches, on each row; when none of them is in the page (none at all,
     * or limit 0) a single row carries it with NULLs after. ticket_tags_tag
     * finds the tags */
    [ST_TAGGED_TICKETS] =
        "WITH span AS (SELECT min(id) AS lo, max(id) AS hi FROM tickets"
        " WHERE created_at >= $2 AND created_at < $3),"
        " hit AS (SELECT DISTINCT g.ticket_id AS id FROM span, ticket_tags g"
        " JOIN tickets t ON t.id = g.ticket_id WHERE g.tag = ANY($1::text[])"
        " AND g.ticket_id BETWEEN span.lo AND span.hi"
        " AND t.created_at >= $2 AND t.created_at < $3)"
        " SELECT c.n, b.id, b.subject, b.status, b.priority, b.tier, b.created_at"
        " FROM (SELECT count(*) AS n FROM hit) c LEFT JOIN (SELECT " TICKET_BRIEF_COLS
        " FROM hit JOIN tickets t ON t.id = hit.id ORDER BY t.id DESC LIMIT $4) b ON true"
        " ORDER BY b.id DESC",
    /* the same giver's second kudos for a reply violates kudos_once (23505) */
    [ST_KUDOS_INSERT] =
        "INSERT INTO kudos (message_id, ticket_id, person_id, giver_id, from_customer, text,"
        " quote, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    /* $3 is the end (no end: the largest bigint), $4 the cursor; kudos_person
     * answers a person's */
    [ST_KUDOS_LIST] = "SELECT " KUDOS_COLS KUDOS_FROM " WHERE k.person_id = $1"
                      " AND k.created_at >= $2 AND k.created_at < $3 AND k.id < $4"
                      " ORDER BY k.id DESC LIMIT $5",
    [ST_KUDOS_LIST_ALL] = "SELECT " KUDOS_COLS KUDOS_FROM " WHERE $1::bigint = 0"
                          " AND k.created_at >= $2 AND k.created_at < $3 AND k.id < $4"
                          " ORDER BY k.id DESC LIMIT $5",
    /* tickets_first_response finds the week's; each one's first reply
     * through messages_ticket. A reply whose author is gone still counts
     * as the first, with no department */
    [ST_DIGEST_RESPONSES] =
        "SELECT t.id, t.tier, t.created_at, t.first_response_at, t.due_at,"
        " coalesce(p.department, '') FROM tickets t LEFT JOIN people p ON p.id = t.assignee_id"
        " WHERE t.first_response_at >= $1 AND t.first_response_at < $2"
        " ORDER BY t.first_response_at, t.id LIMIT $3",
    /* tickets_solved finds them */
    [ST_DIGEST_SOLVED] =
        "SELECT t.id, t.tier, t.created_at, t.solved_at, t.resolve_due_at,"
        " coalesce(p.department, '') FROM tickets t LEFT JOIN people p ON p.id = t.assignee_id"
        " WHERE t.solved_at >= $1 AND t.solved_at < $2 ORDER BY t.solved_at, t.id LIMIT $3",
    /* one round trip, a subquery per deadline through tickets_due and
     * tickets_resolve_due; $3 is the moment a deadline not yet met counts
     * as missed: the span's end, or now if that is earlier */
    [ST_DIGEST_BREACHES] =
        "SELECT f.n, f.missed, r.n, r.missed FROM"
        " (SELECT count(*) AS n, count(*) FILTER (WHERE first_response_at > due_at"
        " OR (first_response_at IS NULL AND due_at < $3::bigint)) AS missed FROM tickets"
        " WHERE due_at >= $1 AND due_at < $2) f,"
        " (SELECT count(*) AS n, count(*) FILTER (WHERE solved_at > resolve_due_at"
        " OR (solved_at IS NULL AND resolve_due_at < $3::bigint)) AS missed FROM tickets"
        " WHERE resolve_due_at >= $1 AND resolve_due_at < $2) r",
    /* the literal status < 3 lets the planner use tickets_open; $1 to $3
     * are now less one, three and seven days */
    [ST_DIGEST_BACKLOG] =
        "SELECT tier, count(*) FILTER (WHERE created_at > $1::bigint),"
        " count(*) FILTER (WHERE created_at <= $1::bigint AND created_at > $2::bigint),"
        " count(*) FILTER (WHERE created_at <= $2::bigint AND created_at > $3::bigint),"
        " count(*) FILTER (WHERE created_at <= $3::bigint)"
        " FROM tickets WHERE status < 3 AND tier IN (1, 2) GROUP BY tier ORDER BY tier",
    /* a reply approved as it was held has no final body, or the same */
    [ST_REVIEW_OUTCOMES] =
        "SELECT count(*) FILTER (WHERE status = 1 AND (final_body IS NULL OR final_body = body)),"
        " count(*) FILTER (WHERE status = 1 AND final_body <> body),"
        " count(*) FILTER (WHERE status = 2) FROM reviews"
        " WHERE decided_at >= $1 AND decided_at < $2 AND status IN (1, 2)",
    /* group_weeks_week finds the week's counts */
    [ST_GROUP_TOP_WEEK] =
        "SELECT w.group_id, w.week_day, w.n FROM group_weeks w"
        " JOIN question_groups g ON g.id = w.group_id WHERE w.week_day = $1 AND g.status < 2"
        " ORDER BY w.n DESC, w.group_id LIMIT $2",
    /* the literal after_fix = 1 lets the planner use group_tickets_after */
    [ST_AFTER_FIX_COUNTS] =
        "SELECT group_id, count(*) FROM group_tickets WHERE after_fix = 1"
        " AND joined_at >= $1 AND joined_at < $2 GROUP BY group_id"
        " ORDER BY count(*) DESC, group_id LIMIT $3",
    [ST_DIGEST_SUB_GET] = "SELECT subscribed FROM digest_subscriptions WHERE person_id = $1",
    [ST_DIGEST_SUB_PUT] =
        "INSERT INTO digest_subscriptions (person_id, subscribed, updated_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (person_id) DO UPDATE SET subscribed = excluded.subscribed,"
        " updated_at = excluded.updated_at",
    /* who never chose gets it by role: leads and admins, and leaders */
    [ST_DIGEST_SUBSCRIBERS] =
        "SELECT p.id, p.email, p.name FROM people p"
        " LEFT JOIN digest_subscriptions d ON d.person_id = p.id WHERE p.active = 1"
        " AND (d.subscribed = 1 OR (d.person_id IS NULL AND (p.role = 2 OR p.leader = 1)))"
        " ORDER BY p.id LIMIT $1",
    /* as ST_LADDER_CLAIM: a second server sending the same week's digest
     * waits for the first's transaction, then meets its row and returns
     * none; the week goes out once */
    [ST_DIGEST_CLAIM] = "INSERT INTO digest_runs (week_day, ran_at) VALUES ($1, $2)"
                        " ON CONFLICT DO NOTHING RETURNING week_day",
    [ST_DIGEST_DONE] = "UPDATE digest_runs SET recipients = $2 WHERE week_day = $1",
    [ST_MEMBERS_CLOCKED_IN] =
        "SELECT count(*) FROM work_sessions w JOIN people p ON p.id = w.person_id"
        " WHERE w.ended_at IS NULL AND p.role = 0 AND p.active = 1",
};

/* ticket_list builds its WHERE from the filters present; each shape is
 * prepared once per connection under the bit set of filters it uses. */
enum {
    TL_STATUS = 1,
    TL_TIER = 2,
    TL_ASSIGNED = 4,
    TL_UNASSIGNED = 8,
    TL_TAG = 16,
    TL_QUERY = 32,
    TL_SHAPES = 64
};

/* review_list's shapes, likewise. RL_HELD writes the literal status = 0
 * that lets the planner use reviews_held (the review queue); RL_STATUS is
 * any other status, a parameter. */
enum {
    RL_HELD = 1,
    RL_STATUS = 2,
    RL_AUTHOR = 4,
    RL_TICKET = 8,
    RL_OLDEST = 16,
    RL_SHAPES = 32
};

/* group_list's shapes, likewise. GL_OPEN writes the literal status < 2
 * that lets the planner use question_groups_size: the list of groups not
 * merged, and with GL_STATUS one of the statuses that index holds. */
enum {
    GL_OPEN = 1,
    GL_STATUS = 2,
    GL_OWNER = 4,
    GL_FIX = 8,
    GL_SHAPES = 16
};

/* The tsquery for the domain's search text, an FTS5 query of quoted terms
 * ("a" "b", a quote inside doubled: see ah_ticket_search_query), parsed in
 * SQL so that the text stays a parameter: each term becomes a phrase of its
 * words, the phrases are ANDed, as FTS5 reads it. A term with no word in it
 * ("--") is dropped, as FTS5 drops an empty phrase; a text of no words
 * gives NULL, which matches nothing. Its parameter goes between the two. */
#define TSQUERY_HEAD                                                                     \
    "(SELECT string_agg('(' || p.q::text || ')', ' & ')::tsquery FROM"                   \
    " (SELECT phraseto_tsquery('simple', replace(w.m[1], '\"\"', '\"')) AS q"            \
    " FROM regexp_matches("
#define TSQUERY_TAIL "::text, '\"((?:[^\"]|\"\")*)\"', 'g') AS w(m)) p WHERE numnode(p.q) > 0)"

struct pg {
    struct ah_store base;
    PGconn *conn;
    bool in_tx; /* between begin and commit or rollback */
    bool raced; /* the last transaction lost a race (40001, 40P01): see should_retry */
    bool prepared[ST_COUNT];
    bool list_prepared[TL_SHAPES];
    bool review_prepared[RL_SHAPES];
    bool group_prepared[GL_SHAPES];
};

/* The parameters of one statement: numbers as text, strings in binary
 * format, whose bytes need no terminating NUL. A number's text is at most
 * 24 bytes: "-1.2345678901234567e-308". */
struct args {
    int n;
    const char *val[MAX_ARGS];
    int len[MAX_ARGS];
    int fmt[MAX_ARGS];
    char num[MAX_ARGS][32];
};

static void arg_i64(struct args *a, int64_t v)
{
    assert(a->n < MAX_ARGS);
    snprintf(a->num[a->n], sizeof(a->num[0]), "%" PRId64, v);
    a->val[a->n] = a->num[a->n];
    a->len[a->n] = 0;
    a->fmt[a->n] = 0;
    a->n++;
}

/* A null view is SQL NULL. */
static void arg_str(struct args *a, struct ah_str v)
{
    assert(a->n < MAX_ARGS);
    assert(v.len <= INT32_MAX);
    a->val[a->n] = v.p;
    a->len[a->n] = (int)v.len;
    a->fmt[a->n] = 1;
    a->n++;
}

static void arg_c(struct args *a, const char *v)
{
    arg_str(a, ah_str_c(v));
}

/* Text PostgreSQL parses as the parameter's type: an array literal such as
 * "{1,2}", which in binary format would have to be the array's wire form.
 * v must outlive the statement. */
static void arg_text(struct args *a, const char *v)
{
    assert(a->n < MAX_ARGS);
    a->val[a->n] = v;
    a->len[a->n] = 0;
    a->fmt[a->n] = 0;
    a->n++;
}

/* 17 significant digits: the double comes back as it went in. */
static void arg_f64(struct args *a, double v)
{
    assert(a->n < MAX_ARGS);
    snprintf(a->num[a->n], sizeof(a->num[0]), "%.17g", v);
    arg_text(a, a->num[a->n]);
}

/* ---- results ---- */

static int64_t get_i64(const PGresult *r, int row, int col)
{
    int64_t v = 0;

    if (!PQgetisnull(r, row, col))
        ah_parse_i64(ah_str_c(PQgetvalue(r, row, col)), INT64_MIN, INT64_MAX, &v, NULL);
    return v;
}

static int get_int(const PGresult *r, int row, int col)
{
    return (int)get_i64(r, row, col);
}

/* PostgreSQL writes a double precision exactly (extra_float_digits 1). */
static double get_f64(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtod(PQgetvalue(r, row, col), NULL);
}

static const char *get_text(struct ah_arena *a, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return ah_arena_strndup(a, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

static const char *get_text0(struct ah_arena *a, const PGresult *r, int row, int col)
{
    const char *t = get_text(a, r, row, col);

    return t ? t : "";
}

/* The rows an INSERT, UPDATE or DELETE changed. */
static int64_t changed(PGresult *r)
{
    int64_t v = 0;

    ah_parse_i64(ah_str_c(PQcmdTuples(r)), 0, INT64_MAX, &v, NULL);
    return v;
}

static int person_read(const PGresult *r, int row, int c, struct ah_arena *a,
                       struct ah_person *p)
{
    p->id = get_i64(r, row, c);
    p->email = get_text0(a, r, row, c + 1);
    p->name = get_text0(a, r, row, c + 2);
    p->department = get_text0(a, r, row, c + 3);
    p->manager_id = get_i64(r, row, c + 4);
    p->role = (enum ah_role)get_int(r, row, c + 5);
    p->leader = get_int(r, row, c + 6) != 0;
    p->timezone = get_text0(a, r, row, c + 7);
    p->active = get_int(r, row, c + 8) != 0;
    p->created_at = get_i64(r, row, c + 9);
    p->updated_at = get_i64(r, row, c + 10);
    p->start_day = get_i64(r, row, c + 11);
    p->level = (enum ah_level)get_int(r, row, c + 12);
    return c + 13;
}

static void ticket_read(const PGresult *r, int row, struct ah_arena *a, struct ah_ticket *t)
{
    t->id = get_i64(r, row, 0);
    t->subject = get_text0(a, r, row, 1);
    t->requester_id = get_i64(r, row, 2);
    t->requester_email = get_text0(a, r, row, 3);
    t->requester_name = get_text0(a, r, row, 4);
    t->status = (enum ah_status)get_int(r, row, 5);
    t->priority = (enum ah_priority)get_int(r, row, 6);
    t->tier = get_int(r, row, 7);
    t->tags = get_text0(a, r, row, 8);
    t->source = get_text0(a, r, row, 9);
    t->assignee_id = get_i64(r, row, 10);
    t->claim_until = get_i64(r, row, 11);
    t->due_at = get_i64(r, row, 12);
    t->resolve_due_at = get_i64(r, row, 13);
    t->first_response_at = get_i64(r, row, 14);
    t->created_at = get_i64(r, row, 15);
    t->updated_at = get_i64(r, row, 16);
    t->last_message_id = get_i64(r, row, 17);
    t->message_count = get_i64(r, row, 18);
    t->solved_at = get_i64(r, row, 19);
    t->in_review = false; /* the domain's to set: see store.h */
}

/* ---- errors and the connection ---- */

/* The first line of libpq's last message for the connection: the rest is
 * hints ("Is the server running...?"), and an error message is one line. */
static int conn_msg(const struct pg *q, const char **msg)
{
    *msg = PQerrorMessage(q->conn);
    return (int)strcspn(*msg, "\n");
}

static bool state_is(const char *state, const char *prefix)
{
    return strncmp(state, prefix, strlen(prefix)) == 0;
}

/* What a failed statement means to the caller, by SQLSTATE. */
static enum ah_err pg_error(struct pg *q, const PGresult *r, const char *what,
                            struct ah_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    int len = msg ? (int)strlen(msg) : conn_msg(q, &msg);

    /* a lost connection, or a server shutting down (57P01-57P03): the next
     * call outside a transaction reconnects (see ready) */
    if (PQstatus(q->conn) != CONNECTION_OK || (state && (state_is(state, "08") ||
                                                          state_is(state, "57P"))))
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: the database is unreachable", what);
    if (!state)
        return ah_error_set(err, AH_E_INTERNAL, "%s: %.*s", what, len, msg);
    if (state_is(state, "23505"))
        return ah_error_set(err, AH_E_CONFLICT, "%s: already exists", what);
    /* 23503 foreign key, 23502 not null, 23514 check, and the rest of class 23 */
    if (state_is(state, "23"))
        return ah_error_set(err, AH_E_INVALID, "%s: %.*s", what, len, msg);
    /* 40001 serialization failure, 40P01 deadlock: the server rolled the
     * transaction back, and running it again from its start can succeed
     * (should_retry says so, and the server runs the request again).
     * 55P03: a row lock not granted within lock_timeout; 57014: cancelled;
     * 53300: too many connections. */
    if (state_is(state, "40001") || state_is(state, "40P01"))
        q->raced = true;
    if (state_is(state, "40001") || state_is(state, "40P01") || state_is(state, "55P03") ||
        state_is(state, "57014") || state_is(state, "53300"))
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: database is busy", what);
    if (state_is(state, "53100"))
        return ah_error_set(err, AH_E_INTERNAL, "%s: database or disk is full", what);
    if (state_is(state, "25006"))
        return ah_error_set(err, AH_E_INTERNAL, "%s: database is read-only", what);
    return ah_error_set(err, AH_E_INTERNAL, "%s: %.*s", what, len, msg);
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* notices are turned off (session_setup_sql); libpq's own are not news */
}

/* Sets up a new or renewed connection; its prepared statements are gone. */
static enum ah_err session_setup(struct pg *q, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = AH_OK;

    memset(q->prepared, 0, sizeof(q->prepared));
    memset(q->list_prepared, 0, sizeof(q->list_prepared));
    memset(q->review_prepared, 0, sizeof(q->review_prepared));
    memset(q->group_prepared, 0, sizeof(q->group_prepared));
    PQsetNoticeProcessor(q->conn, quiet, NULL);
    r = PQexec(q->conn, session_setup_sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_error(q, r, "configure database", err);
    PQclear(r);
    return rc;
}

/* AH_OK when the connection is up. A connection lost outside a transaction
 * is renewed here, on the next call after the one that found it lost; one
 * lost inside a transaction took the transaction with it, so its remaining
 * statements fail until the rollback rather than run on a new connection
 * outside any transaction. */
static enum ah_err ready(struct pg *q, struct ah_error *err)
{
    const char *msg;
    int len;

    if (PQstatus(q->conn) == CONNECTION_OK)
        return AH_OK;
    if (q->in_tx)
        return ah_error_set(err, AH_E_UNAVAILABLE,
                            "the database connection was lost during the transaction");
    PQreset(q->conn);
    if (PQstatus(q->conn) == CONNECTION_OK)
        return session_setup(q, err);
    len = conn_msg(q, &msg);
    return ah_error_set(err, AH_E_UNAVAILABLE, "cannot reach the database: %.*s", len, msg);
}

static enum ah_err prepare(struct pg *q, const char *name, const char *sql, bool *prepared,
                           struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = AH_OK;

    if (*prepared)
        return AH_OK;
    r = PQprepare(q->conn, name, sql, 0, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_error(q, r, "prepare", err);
    PQclear(r);
    *prepared = rc == AH_OK;
    return rc;
}

/* Runs the prepared statement name with a; on success *out (if out is not
 * NULL) is the result, for the caller to PQclear. */
static enum ah_err exec_prepared(struct pg *q, const char *name, const struct args *a,
                                 const char *what, PGresult **out, struct ah_error *err)
{
    PGresult *r = PQexecPrepared(q->conn, name, a->n, a->val, a->len, a->fmt, 0);
    ExecStatusType st = PQresultStatus(r);
    enum ah_err rc;

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out)
            *out = r;
        else
            PQclear(r);
        return AH_OK;
    }
    rc = pg_error(q, r, what, err);
    PQclear(r);
    return rc;
}

/* Runs statement id, prepared on first use on this connection. */
static enum ah_err run(struct pg *q, enum st id, const struct args *a, const char *what,
                       PGresult **out, struct ah_error *err)
{
    char name[16];
    enum ah_err rc = ready(q, err);

    snprintf(name, sizeof(name), "s%d", (int)id);
    if (!rc)
        rc = prepare(q, name, sql_text[id], &q->prepared[id], err);
    if (rc)
        return rc;
    return exec_prepared(q, name, a, what, out, err);
}

/* Runs statement id, which returns no rows; *n (if not NULL) is the number
 * of rows it changed. */
static enum ah_err run_cmd(struct pg *q, enum st id, const struct args *a, const char *what,
                           int64_t *n, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, a, what, &r, err);

    if (rc)
        return rc;
    if (n)
        *n = changed(r);
    PQclear(r);
    return AH_OK;
}

/* Runs statement id, which returns at most one row of one number: *v, or
 * missing set when there was no row. */
static enum ah_err run_i64(struct pg *q, enum st id, const struct args *a, const char *what,
                           int64_t *v, bool *missing, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, a, what, &r, err);

    if (rc)
        return rc;
    *missing = PQntuples(r) == 0;
    if (!*missing)
        *v = get_i64(r, 0, 0);
    PQclear(r);
    return AH_OK;
}

typedef void (*row_reader)(const PGresult *r, int row, struct ah_arena *a, void *item);

/* The rows of r (at most max) read into an arena array; clears r. */
static void collect(PGresult *r, struct ah_arena *a, size_t item_size, size_t max,
                    row_reader read, void **items, size_t *n)
{
    size_t rows = (size_t)PQntuples(r), count = rows < max ? rows : max;
    char *arr = ah_arena_alloc(a, item_size * (count ? count : 1));

    for (size_t i = 0; i < count; i++)
        read(r, (int)i, a, arr + i * item_size);
    PQclear(r);
    *items = arr;
    *n = count;
}

static enum ah_err run_list(struct pg *q, enum st id, const struct args *args,
                            struct ah_arena *a, size_t item_size, size_t max, row_reader read,
                            void **items, size_t *n, const char *what, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, args, what, &r, err);

    if (rc)
        return rc;
    collect(r, a, item_size, max, read, items, n);
    return AH_OK;
}

static void ticket_reader(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    ticket_read(r, row, a, item);
}

static void person_reader(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    person_read(r, row, 0, a, item);
}

/* ---- connection and transactions ---- */

static void pg_close(struct ah_store *base)
{
    struct pg *q = (struct pg *)base;

    PQfinish(q->conn); /* the server rolls back what was left open */
    free(q);
}

/* SQLite lets one writer in at a time, so a transaction's reads and the
 * writes they decide see nothing in between. Here writers run side by side
 * at READ COMMITTED, and the reads the domain makes in a transaction before
 * writing lock the row they decide on: ticket_get and person_get read FOR NO
 * KEY UPDATE there (the ticket or person about to be rewritten whole), as do
 * work_get, work_current, block_get and exemption_get (the session a clock
 * or a touch moves, the block or exemption a lead edits), review_get (the
 * reply a reviewer decides: it is sent once), route_rule_get, style_rule_get,
 * module_get and macro_get (the row a lead edits), group_load, fix_get and
 * group_ticket_get (the group the grouper or a lead rewrites whole, the fix a
 * lead edits, the ticket's place a move changes), intake_get and launch_get
 * (the escalation whose filer is told, the launch rewritten whole when it is
 * edited or judged); queue_held and cred_list lock the person first (one
 * claimed ticket per person, the token cap). A second writer of the same row
 * waits for the first and then reads its committed result, as under SQLite;
 * writers of other rows do not wait at all. REPEATABLE READ would instead
 * fail the second writer (40001) and fail claims whenever another server
 * claimed a row after the snapshot: a storm of retries under the queue's
 * load. */
static enum ah_err pg_begin(struct ah_store *base, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    enum ah_err rc;

    assert(!q->in_tx);
    q->raced = false;
    rc = run_cmd(q, ST_BEGIN, &a, "begin", NULL, err);
    if (!rc)
        q->in_tx = true;
    return rc;
}

static void pg_rollback(struct ah_store *base)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};

    if (q->in_tx && PQstatus(q->conn) == CONNECTION_OK &&
        PQtransactionStatus(q->conn) != PQTRANS_IDLE)
        run_cmd(q, ST_ROLLBACK, &a, "rollback", NULL, NULL);
    q->in_tx = false;
}

static enum ah_err pg_commit(struct ah_store *base, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    /* PostgreSQL answers COMMIT of a transaction that met an error with
     * ROLLBACK, not an error: that is a caller that ignored a failure */
    if (PQtransactionStatus(q->conn) == PQTRANS_INERROR) {
        pg_rollback(base);
        return ah_error_set(err, AH_E_INTERNAL, "commit: the transaction had failed");
    }
    /* a connection lost during COMMIT leaves its outcome unknown: the caller
     * gets AH_E_UNAVAILABLE and must not report the write as done */
    rc = run(q, ST_COMMIT, &a, "commit", &r, err);
    if (!rc && strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = ah_error_set(err, AH_E_INTERNAL, "commit: the transaction was rolled back");
    PQclear(r);
    if (rc)
        pg_rollback(base);
    q->in_tx = false;
    return rc;
}

/* Runs a constant script of one or more statements (no parameters). */
static enum ah_err script(struct pg *q, const char *sql, const char *what, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = ready(q, err);
    ExecStatusType st;

    if (rc)
        return rc;
    r = PQexec(q->conn, sql);
    st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_error(q, r, what, err);
    PQclear(r);
    return rc;
}

static enum ah_err schema_version(struct pg *q, int *out, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = ready(q, err);

    if (rc)
        return rc;
    r = PQexec(q->conn, "SELECT version FROM schema_version");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = pg_error(q, r, "schema version", err);
    else if (PQntuples(r) != 1)
        rc = ah_error_set(err, AH_E_INTERNAL, "schema version: %d rows in schema_version",
                          PQntuples(r));
    else
        *out = get_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static enum ah_err set_schema_version(struct pg *q, int v, struct ah_error *err)
{
    struct args a = {0};
    PGresult *r = NULL;
    enum ah_err rc = AH_OK;

    arg_i64(&a, v);
    r = PQexecParams(q->conn, "UPDATE schema_version SET version = $1", a.n, NULL, a.val,
                     a.len, a.fmt, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = pg_error(q, r, "migration", err);
    PQclear(r);
    return rc;
}

static enum ah_err pg_migrate(struct ah_store *base, int *from, int *to, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    int v = 0, start;
    enum ah_err rc = pg_begin(base, err);

    if (rc)
        return rc;
    /* held until this transaction ends: two starting servers do not both
     * create the bookkeeping or apply the same migration */
    rc = script(q, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", "migrate", err);
    if (!rc)
        rc = script(q, pg_schema_bootstrap, "migrate", err);
    if (!rc)
        rc = schema_version(q, &v, err);
    if (!rc && v > NMIGRATIONS)
        rc = ah_error_set(err, AH_E_INTERNAL,
                          "database schema version %d is newer than this allhands (%d)", v,
                          NMIGRATIONS);
    start = v;
    for (; !rc && v < NMIGRATIONS; v++) {
        rc = script(q, pg_migrations[v], "migration", err);
        if (!rc)
            rc = set_schema_version(q, v + 1, err);
    }
    if (rc) {
        pg_rollback(base);
        return rc;
    }
    rc = pg_commit(base, err);
    if (rc)
        return rc;
    *from = start;
    *to = v;
    return AH_OK;
}

static enum ah_err pg_ping(struct ah_store *base, struct ah_error *err)
{
    struct args a = {0};

    return run_cmd((struct pg *)base, ST_PING, &a, "ping", NULL, err);
}

/* ---- people ---- */

static void args_person(struct args *a, const struct ah_person *p)
{
    arg_c(a, p->name);
    arg_c(a, p->department ? p->department : "");
    arg_i64(a, p->manager_id);
    arg_i64(a, (int64_t)p->role);
    arg_i64(a, p->leader);
    arg_c(a, p->timezone ? p->timezone : "UTC");
    arg_i64(a, p->active);
}

static enum ah_err pg_person_insert(struct ah_store *base, struct ah_person *p,
                                    const char *pwhash, struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_c(&a, p->email);
    args_person(&a, p);
    arg_c(&a, pwhash);
    arg_i64(&a, p->created_at);
    arg_i64(&a, p->start_day);
    arg_i64(&a, (int64_t)p->level);
    rc = run_i64((struct pg *)base, ST_PERSON_INSERT, &a, "person", &id, &missing, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "a person with email %s already exists",
                            p->email);
    if (!rc)
        p->id = id;
    return rc;
}

static enum ah_err pg_person_update(struct ah_store *base, const struct ah_person *p,
                                    struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, p->id);
    args_person(&a, p);
    arg_i64(&a, p->updated_at);
    arg_i64(&a, p->start_day);
    arg_i64(&a, (int64_t)p->level);
    return run_cmd((struct pg *)base, ST_PERSON_UPDATE, &a, "person", NULL, err);
}

static enum ah_err pg_person_set_password(struct ah_store *base, int64_t id, const char *pwhash,
                                          struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    arg_c(&a, pwhash);
    return run_cmd((struct pg *)base, ST_PERSON_PASSWORD, &a, "password", NULL, err);
}

static enum ah_err pg_person_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_person *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_i64(&args, id);
    /* in a transaction the person is read to be rewritten: see pg_begin */
    rc = run(q, q->in_tx ? ST_PERSON_GET_LOCK : ST_PERSON_GET, &args, "person", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1)
        person_read(r, 0, 0, a, out);
    else
        rc = ah_error_set(err, AH_E_NOT_FOUND, "person %" PRId64 " does not exist", id);
    PQclear(r);
    return rc;
}

static enum ah_err pg_person_get_by_email(struct ah_store *base, struct ah_str email,
                                          struct ah_arena *a, struct ah_person *out,
                                          const char **pwhash, struct ah_error *err)
{
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_str(&args, email);
    rc = run((struct pg *)base, ST_PERSON_BY_EMAIL, &args, "person", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        int c = person_read(r, 0, 0, a, out);

        if (pwhash)
            *pwhash = get_text(a, r, 0, c);
    } else {
        rc = ah_error_set(err, AH_E_NOT_FOUND, "no person has that email");
    }
    PQclear(r);
    return rc;
}

static enum ah_err pg_person_list(struct ah_store *base, int64_t after_id, int limit,
                                  struct ah_arena *a, struct ah_person **items, size_t *n,
                                  struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, after_id);
    arg_i64(&args, limit);
    return run_list((struct pg *)base, ST_PERSON_LIST, &args, a, sizeof(**items),
                    (size_t)limit, person_reader, (void **)items, n, "people", err);
}

static enum ah_err pg_person_count(struct ah_store *base, int64_t *n, struct ah_error *err)
{
    struct args a = {0};
    int64_t v = 0;
    bool missing;
    enum ah_err rc = run_i64((struct pg *)base, ST_PERSON_COUNT, &a, "people", &v, &missing, err);

    if (!rc)
        *n = v;
    return rc;
}

/* Locks person id's row for the rest of the transaction: see pg_begin. */
static enum ah_err person_lock(struct pg *q, int64_t id, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    return run_cmd(q, ST_PERSON_LOCK, &a, "person", NULL, err);
}

/* ---- credentials ---- */

static enum ah_err pg_cred_insert(struct ah_store *base, struct ah_credential *c,
                                  const char *hash, struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_i64(&a, c->person_id);
    arg_i64(&a, (int64_t)c->kind);
    arg_c(&a, hash);
    arg_c(&a, c->name ? c->name : "");
    arg_i64(&a, c->created_at);
    arg_i64(&a, c->last_used_at);
    arg_i64(&a, c->expires_at);
    rc = run_i64((struct pg *)base, ST_CRED_INSERT, &a, "credential", &id, &missing, err);
    if (!rc)
        c->id = id;
    return rc;
}

static void cred_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_credential *c = item;

    c->id = get_i64(r, row, 0);
    c->person_id = get_i64(r, row, 1);
    c->kind = (enum ah_cred_kind)get_int(r, row, 2);
    c->name = get_text0(a, r, row, 3);
    c->created_at = get_i64(r, row, 4);
    c->last_used_at = get_i64(r, row, 5);
    c->expires_at = get_i64(r, row, 6);
}

static enum ah_err pg_cred_lookup(struct ah_store *base, const char *hash, struct ah_arena *a,
                                  struct ah_credential *c, struct ah_person *p,
                                  struct ah_error *err)
{
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_c(&args, hash);
    rc = run((struct pg *)base, ST_CRED_LOOKUP, &args, "credential", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        int col;

        cred_read(r, 0, a, c);
        col = person_read(r, 0, 7, a, p);
        c->clock_id = get_i64(r, 0, col);
        c->clock_active_at = get_i64(r, 0, col + 1);
        c->idle_timeout_s = get_i64(r, 0, col + 2);
    } else {
        rc = ah_error_set(err, AH_E_NOT_FOUND, "no such credential");
    }
    PQclear(r);
    return rc;
}

static enum ah_err pg_cred_touch(struct ah_store *base, int64_t id, int64_t now,
                                 int64_t expires_at, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    arg_i64(&a, now);
    arg_i64(&a, expires_at);
    return run_cmd((struct pg *)base, ST_CRED_TOUCH, &a, "credential", NULL, err);
}

static enum ah_err pg_cred_delete(struct ah_store *base, int64_t id, int64_t person_id,
                                  struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, id);
    if (person_id)
        arg_i64(&a, person_id);
    rc = run_cmd((struct pg *)base, person_id ? ST_CRED_DELETE : ST_CRED_DELETE_ANY, &a,
                 "credential", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "token %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err pg_cred_list(struct ah_store *base, int64_t person_id, enum ah_cred_kind kind,
                                struct ah_arena *a, struct ah_credential **items, size_t *n,
                                struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    /* in a transaction the list is counted against a cap before an insert */
    enum ah_err rc = q->in_tx ? person_lock(q, person_id, err) : AH_OK;

    if (rc)
        return rc;
    arg_i64(&args, person_id);
    arg_i64(&args, (int64_t)kind);
    return run_list(q, ST_CRED_LIST, &args, a, sizeof(**items), 1000, cred_read,
                    (void **)items, n, "credentials", err);
}

static enum ah_err pg_cred_purge(struct ah_store *base, int64_t now, struct ah_error *err)
{
    struct args a = {0};
    enum ah_err rc;

    arg_i64(&a, now);
    rc = run_cmd((struct pg *)base, ST_CRED_PURGE, &a, "credentials", NULL, err);
    return rc ? rc : run_cmd((struct pg *)base, ST_LOGIN_PURGE, &a, "login failures", NULL, err);
}

static enum ah_err pg_login_failures(struct ah_store *base, const char *client, int64_t since,
                                     int64_t *n, struct ah_error *err)
{
    struct args a = {0};
    int64_t v = 0;
    bool missing;
    enum ah_err rc;

    arg_c(&a, client);
    arg_i64(&a, since);
    rc = run_i64((struct pg *)base, ST_LOGIN_COUNT, &a, "login failures", &v, &missing, err);
    if (!rc)
        *n = v;
    return rc;
}

static enum ah_err pg_login_failure_add(struct ah_store *base, const char *client, int64_t now,
                                        struct ah_error *err)
{
    struct args a = {0};

    arg_c(&a, client);
    arg_i64(&a, now);
    return run_cmd((struct pg *)base, ST_LOGIN_ADD, &a, "login failures", NULL, err);
}

/* ---- customers ---- */

/* The customer with email: *found false when there is none. */
static enum ah_err customer_find(struct pg *q, struct ah_str email, struct ah_arena *a,
                                 int64_t *id, const char **name, bool *found,
                                 struct ah_error *err)
{
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_str(&args, email);
    rc = run(q, ST_CUSTOMER_FIND, &args, "customer", &r, err);
    if (rc)
        return rc;
    *found = PQntuples(r) == 1;
    if (*found) {
        *id = get_i64(r, 0, 0);
        *name = get_text0(a, r, 0, 1);
    }
    PQclear(r);
    return AH_OK;
}

static enum ah_err pg_customer_upsert(struct ah_store *base, struct ah_str email,
                                      struct ah_str name, int64_t now, struct ah_arena *a,
                                      int64_t *id, const char **stored_name,
                                      struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    PGresult *r = NULL;
    bool found = false;
    enum ah_err rc = customer_find(q, email, a, id, stored_name, &found, err);

    if (rc || found)
        return rc;
    arg_str(&args, email);
    arg_str(&args, name.p ? name : AH_STR_LIT(""));
    arg_i64(&args, now);
    rc = run(q, ST_CUSTOMER_INSERT, &args, "customer", &r, err);
    if (rc)
        return rc;
    found = PQntuples(r) == 1;
    if (found) {
        *id = get_i64(r, 0, 0);
        *stored_name = get_text0(a, r, 0, 1);
    }
    PQclear(r);
    if (found)
        return AH_OK;
    /* another transaction inserted the same email and committed meanwhile:
     * READ COMMITTED's next statement sees its row */
    rc = customer_find(q, email, a, id, stored_name, &found, err);
    if (!rc && !found)
        rc = ah_error_set(err, AH_E_INTERNAL, "customer: neither inserted nor found");
    return rc;
}

/* ---- tickets ---- */

/* Writes the ticket's rows in ticket_tags from the words of tags; fresh
 * means the ticket has none yet. */
static enum ah_err tags_write(struct pg *q, int64_t ticket_id, const char *tags, bool fresh,
                              struct ah_error *err)
{
    struct args a = {0};
    enum ah_err rc = AH_OK;

    arg_i64(&a, ticket_id);
    if (!fresh)
        rc = run_cmd(q, ST_TAG_CLEAR, &a, "tags", NULL, err);
    arg_c(&a, tags);
    if (!rc && *tags)
        rc = run_cmd(q, ST_TAG_INSERT, &a, "tags", NULL, err);
    return rc;
}

static enum ah_err pg_ticket_set_tags(struct ah_store *base, int64_t id, const char *tags,
                                      struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, id);
    arg_c(&a, tags);
    rc = run_cmd(q, ST_TAG_COLUMN, &a, "tags", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", id);
    return rc ? rc : tags_write(q, id, tags, false, err);
}

static enum ah_err pg_ticket_insert(struct ah_store *base, struct ah_ticket *t,
                                    struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_c(&a, t->subject);
    arg_i64(&a, t->requester_id);
    arg_i64(&a, (int64_t)t->status);
    arg_i64(&a, (int64_t)t->priority);
    arg_i64(&a, t->tier);
    arg_c(&a, t->tags ? t->tags : "");
    arg_c(&a, t->source);
    arg_i64(&a, t->assignee_id);
    arg_i64(&a, t->claim_until);
    arg_i64(&a, t->due_at);
    arg_i64(&a, t->resolve_due_at);
    arg_i64(&a, t->first_response_at);
    arg_i64(&a, t->created_at);
    arg_i64(&a, t->solved_at);
    rc = run_i64(q, ST_TICKET_INSERT, &a, "ticket", &id, &missing, err);
    if (rc)
        return rc;
    t->id = id;
    if (t->tags && *t->tags)
        rc = tags_write(q, t->id, t->tags, true, err);
    return rc;
}

static enum ah_err pg_ticket_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_ticket *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_i64(&args, id);
    /* in a transaction the ticket is read to be rewritten: see pg_begin */
    rc = run(q, q->in_tx ? ST_TICKET_GET_LOCK : ST_TICKET_GET, &args, "ticket", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1)
        ticket_read(r, 0, a, out);
    else
        rc = ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", id);
    PQclear(r);
    return rc;
}

static void append_tsquery(struct ah_buf *sql, int param)
{
    ah_buf_appends(sql, TSQUERY_HEAD, NULL);
    ah_buf_appendf(sql, NULL, "$%d", param);
    ah_buf_appends(sql, TSQUERY_TAIL, NULL);
}

/* The SQL of one ticket_list shape: parameters numbered in the order
 * pg_ticket_list adds them. */
static enum ah_err list_sql(unsigned shape, struct ah_buf *sql, struct ah_error *err)
{
    int n = 2;

    ah_buf_appends(sql, "SELECT " TICKET_COLS TICKET_FROM
                        " WHERE t.tier <= $1 AND t.id < $2", NULL);
    if (shape & TL_STATUS)
        ah_buf_appendf(sql, NULL, " AND ((1 << t.status) & $%d::integer) <> 0", ++n);
    if (shape & TL_TIER)
        ah_buf_appendf(sql, NULL, " AND t.tier = $%d", ++n);
    if (shape & TL_ASSIGNED)
        ah_buf_appendf(sql, NULL, " AND t.assignee_id = $%d", ++n);
    if (shape & TL_UNASSIGNED)
        ah_buf_appends(sql, " AND t.assignee_id IS NULL", NULL);
    if (shape & TL_TAG)
        ah_buf_appendf(sql, NULL, " AND t.id IN (SELECT ticket_id FROM ticket_tags"
                                  " WHERE tag = $%d::text)", ++n);
    if (shape & TL_QUERY) {
        /* FTS5's two tables: the subject matches, or one message does */
        ++n;
        ah_buf_appends(sql, " AND t.id IN (SELECT x.id FROM tickets x WHERE x.subject_tsv @@ ",
                       NULL);
        append_tsquery(sql, n);
        ah_buf_appends(sql, " UNION SELECT m.ticket_id FROM messages m WHERE m.body_tsv @@ ",
                       NULL);
        append_tsquery(sql, n);
        ah_buf_appends(sql, ")", NULL);
    }
    ah_buf_appendf(sql, NULL, " ORDER BY t.id DESC LIMIT $%d", ++n);
    if (sql->full)
        return ah_error_set(err, AH_E_INTERNAL, "ticket list: SQL longer than %d bytes",
                            LIST_SQL_MAX);
    return AH_OK;
}

typedef enum ah_err (*shape_sql)(unsigned shape, struct ah_buf *sql, struct ah_error *err);

/* Runs statement shape of the family build writes the SQL of, named prefix
 * and shape, with a; prepared on first use (*prepared says it is). */
static enum ah_err shape_run(struct pg *q, char prefix, unsigned shape, shape_sql build,
                             bool *prepared, const struct args *a, const char *what,
                             PGresult **out, struct ah_error *err)
{
    char name[16];
    struct ah_buf sql;
    enum ah_err rc = ready(q, err); /* a renewed connection forgets *prepared */

    if (rc)
        return rc;
    snprintf(name, sizeof(name), "%c%u", prefix, shape);
    ah_buf_init(&sql, LIST_SQL_MAX);
    if (!*prepared)
        rc = build(shape, &sql, err);
    if (!rc)
        rc = prepare(q, name, ah_buf_cstr(&sql), prepared, err);
    ah_buf_release(&sql);
    if (rc)
        return rc;
    return exec_prepared(q, name, a, what, out, err);
}

/* Runs the statement of shape with a, prepared on first use. */
static enum ah_err list_run(struct pg *q, unsigned shape, const struct args *a, PGresult **out,
                            struct ah_error *err)
{
    return shape_run(q, 'l', shape, list_sql, &q->list_prepared[shape], a, "tickets", out, err);
}

static enum ah_err pg_ticket_list(struct ah_store *base, const struct ah_ticket_filter *f,
                                  struct ah_arena *a, struct ah_ticket **items, size_t *n,
                                  struct ah_error *err)
{
    struct args args = {0};
    unsigned shape = 0;
    PGresult *r = NULL;
    enum ah_err rc;

    shape |= f->status_mask ? TL_STATUS : 0;
    shape |= f->tier ? TL_TIER : 0;
    shape |= f->assignee_id > 0 ? TL_ASSIGNED : 0;
    shape |= f->assignee_id < 0 ? TL_UNASSIGNED : 0;
    shape |= f->tag.p ? TL_TAG : 0;
    shape |= f->query.p ? TL_QUERY : 0;
    arg_i64(&args, f->max_tier);
    arg_i64(&args, f->before_id ? f->before_id : INT64_MAX);
    if (shape & TL_STATUS)
        arg_i64(&args, (int64_t)f->status_mask);
    if (shape & TL_TIER)
        arg_i64(&args, f->tier);
    if (shape & TL_ASSIGNED)
        arg_i64(&args, f->assignee_id);
    if (shape & TL_TAG)
        arg_str(&args, f->tag);
    if (shape & TL_QUERY)
        arg_str(&args, f->query);
    arg_i64(&args, f->limit);
    rc = list_run((struct pg *)base, shape, &args, &r, err);
    if (rc)
        return rc;
    collect(r, a, sizeof(**items), (size_t)f->limit, ticket_reader, (void **)items, n);
    return AH_OK;
}

static enum ah_err pg_ticket_update(struct ah_store *base, const struct ah_ticket *t,
                                    struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, t->id);
    arg_i64(&a, (int64_t)t->status);
    arg_i64(&a, (int64_t)t->priority);
    arg_i64(&a, t->tier);
    arg_i64(&a, t->assignee_id);
    arg_i64(&a, t->claim_until);
    arg_i64(&a, t->first_response_at);
    arg_i64(&a, t->due_at);
    arg_i64(&a, t->resolve_due_at);
    arg_i64(&a, t->updated_at);
    arg_i64(&a, t->solved_at);
    rc = run_cmd((struct pg *)base, ST_TICKET_UPDATE, &a, "ticket", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", t->id);
    return rc;
}

/* ---- messages ---- */

static enum ah_err pg_message_insert(struct ah_store *base, struct ah_message *m,
                                     struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0}, c = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_i64(&a, m->ticket_id);
    arg_i64(&a, (int64_t)m->kind);
    arg_i64(&a, m->author_id);
    arg_c(&a, m->body);
    arg_i64(&a, m->created_at);
    rc = run_i64(q, ST_MESSAGE_INSERT, &a, "message", &id, &missing, err);
    if (rc)
        return rc;
    m->id = id;
    arg_i64(&c, m->ticket_id);
    arg_i64(&c, m->id);
    arg_i64(&c, m->created_at);
    return run_cmd(q, ST_MESSAGE_COUNT, &c, "message", NULL, err);
}

static void message_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_message *m = item;

    m->id = get_i64(r, row, 0);
    m->ticket_id = get_i64(r, row, 1);
    m->kind = (enum ah_msg_kind)get_int(r, row, 2);
    m->author_id = get_i64(r, row, 3);
    m->author_name = get_text0(a, r, row, 4);
    m->body = get_text0(a, r, row, 5);
    m->created_at = get_i64(r, row, 6);
}

static enum ah_err pg_message_list(struct ah_store *base, int64_t ticket_id, int64_t after_id,
                                   int limit, struct ah_arena *a, struct ah_message **items,
                                   size_t *n, struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, ticket_id);
    arg_i64(&args, after_id);
    arg_i64(&args, limit);
    return run_list((struct pg *)base, ST_MESSAGE_LIST, &args, a, sizeof(**items),
                    (size_t)limit, message_read, (void **)items, n, "messages", err);
}

/* ---- queue ---- */

static enum ah_err pg_queue_expire(struct ah_store *base, int64_t now, int64_t *returned,
                                   struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, now);
    rc = run_cmd((struct pg *)base, ST_QUEUE_EXPIRE, &a, "lease expiry", &n, err);
    if (!rc && returned)
        *returned = n;
    return rc;
}

static enum ah_err pg_queue_held(struct ah_store *base, int64_t person_id, int64_t now,
                                 int64_t *id, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    int64_t v = 0;
    bool missing = true;
    /* in a transaction what person holds decides a claim: see pg_begin */
    enum ah_err rc = q->in_tx ? person_lock(q, person_id, err) : AH_OK;

    arg_i64(&a, person_id);
    arg_i64(&a, now);
    if (!rc)
        rc = run_i64(q, ST_QUEUE_HELD, &a, "queue", &v, &missing, err);
    if (!rc && missing)
        return ah_error_set(err, AH_E_NOT_FOUND, "no claimed ticket");
    if (!rc)
        *id = v;
    return rc;
}

static void args_queue(struct args *a, const struct ah_queue_filter *f)
{
    arg_i64(a, f->after_id ? f->after_due : INT64_MIN);
    arg_i64(a, f->after_id);
    arg_i64(a, f->exclude_id);
    arg_i64(a, f->person_id);
    arg_i64(a, f->young_after ? f->young_after : INT64_MAX);
}

/* One statement picks and claims: SKIP LOCKED passes over the tickets other
 * transactions are claiming at this moment instead of waiting for them, so
 * claimers on every server take different tickets and never the same one. */
static enum ah_err pg_queue_claim_next(struct ah_store *base, const struct ah_queue_filter *f,
                                       int64_t until, int64_t now, int64_t *id,
                                       struct ah_error *err)
{
    struct args a = {0};
    int64_t pick = 0;
    bool missing = true;
    enum ah_err rc;

    args_queue(&a, f);
    arg_i64(&a, until);
    arg_i64(&a, now);
    rc = run_i64((struct pg *)base, f->max_tier >= 2 ? ST_QUEUE_CLAIM : ST_QUEUE_CLAIM_T1, &a,
                 "claim", &pick, &missing, err);
    if (!rc && missing)
        return ah_error_set(err, AH_E_NOT_FOUND, "the queue is empty");
    if (!rc)
        *id = pick;
    return rc;
}

static enum ah_err pg_queue_list(struct ah_store *base, const struct ah_queue_filter *f,
                                 struct ah_arena *a, struct ah_ticket **items, size_t *n,
                                 struct ah_error *err)
{
    struct args args = {0};

    args_queue(&args, f);
    arg_i64(&args, f->limit);
    return run_list((struct pg *)base, f->max_tier >= 2 ? ST_QUEUE_LIST : ST_QUEUE_LIST_T1,
                    &args, a, sizeof(**items), (size_t)f->limit, ticket_reader,
                    (void **)items, n, "queue", err);
}

static enum ah_err pg_queue_unclaim(struct ah_store *base, int64_t id, int64_t now,
                                    struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    arg_i64(&a, now);
    return run_cmd((struct pg *)base, ST_QUEUE_UNCLAIM, &a, "claim", NULL, err);
}

static enum ah_err pg_queue_renew(struct ah_store *base, int64_t person_id, int64_t now,
                                  int64_t until, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, person_id);
    arg_i64(&a, now);
    arg_i64(&a, until);
    return run_cmd((struct pg *)base, ST_QUEUE_RENEW, &a, "lease", NULL, err);
}

static enum ah_err pg_queue_skip(struct ah_store *base, int64_t ticket_id, int64_t person_id,
                                 struct ah_str reason, int64_t now, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, person_id);
    arg_i64(&a, ticket_id);
    arg_str(&a, reason);
    arg_i64(&a, now);
    return run_cmd((struct pg *)base, ST_QUEUE_SKIP, &a, "skip", NULL, err);
}

/* ---- the program ---- */

/* The rows a list may return at most: a report over everyone reads many. */
#define LIST_MAX 1000000

static void args_i64s(struct args *a, size_t n, const int64_t *v)
{
    for (size_t i = 0; i < n; i++)
        arg_i64(a, v[i]);
}

/* Runs statement id for at most one row, read into item; NOT_FOUND with
 * missing when there is none. */
static enum ah_err one_row(struct pg *q, enum st id, const struct args *args, struct ah_arena *a,
                           row_reader read, void *item, const char *what, const char *missing,
                           struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, args, what, &r, err);

    if (rc)
        return rc;
    if (PQntuples(r) > 0)
        read(r, 0, a, item);
    else
        rc = ah_error_set(err, AH_E_NOT_FOUND, "%s", missing);
    PQclear(r);
    return rc;
}

static void policy_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_policy *p = item;

    p->cadence = (enum ah_cadence)get_int(r, row, 0);
    p->weekly_minutes = get_i64(r, row, 1);
    p->weeks_per_year = get_i64(r, row, 2);
    p->onboarding_week = get_int(r, row, 3) != 0;
    p->timezone = get_text0(a, r, row, 4);
    p->week_start = get_int(r, row, 5);
    p->idle_timeout_s = get_i64(r, row, 6);
    p->ladder_remind = get_i64(r, row, 7);
    p->ladder_manager = get_i64(r, row, 8);
    p->ladder_report = get_i64(r, row, 9);
    p->max_exemption_weeks = get_i64(r, row, 10);
    p->updated_at = get_i64(r, row, 11);
    p->updated_by = get_i64(r, row, 12);
    p->default_tier = get_int(r, row, 13);
    p->reserve_on = get_int(r, row, 14) != 0;
    p->reserve_age_s = get_i64(r, row, 15);
    p->review_first = get_i64(r, row, 16);
    p->review_rate = get_i64(r, row, 17);
    p->promote_approved = get_i64(r, row, 18);
    p->promote_clean_days = get_i64(r, row, 19);
    p->business_days = get_int(r, row, 20);
    p->business_start = get_i64(r, row, 21);
    p->business_end = get_i64(r, row, 22);
}

static enum ah_err pg_policy_get(struct ah_store *base, struct ah_arena *a,
                                 struct ah_policy *out, struct ah_error *err)
{
    struct args args = {0};

    return one_row((struct pg *)base, ST_POLICY_GET, &args, a, policy_read, out, "policy",
                   "no policy has been set", err);
}

static enum ah_err pg_policy_put(struct ah_store *base, const struct ah_policy *p,
                                 struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 4, (int64_t[]){p->cadence, p->weekly_minutes, p->weeks_per_year,
                                 p->onboarding_week});
    arg_c(&a, p->timezone);
    args_i64s(&a, 8, (int64_t[]){p->week_start, p->idle_timeout_s, p->ladder_remind,
                                 p->ladder_manager, p->ladder_report, p->max_exemption_weeks,
                                 p->updated_at, p->updated_by});
    args_i64s(&a, 7, (int64_t[]){p->default_tier, p->reserve_on, p->reserve_age_s,
                                 p->review_first, p->review_rate, p->promote_approved,
                                 p->promote_clean_days});
    args_i64s(&a, 3, (int64_t[]){p->business_days, p->business_start, p->business_end});
    return run_cmd((struct pg *)base, ST_POLICY_PUT, &a, "policy", NULL, err);
}

static void exemption_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_exemption *e = item;

    e->id = get_i64(r, row, 0);
    e->person_id = get_i64(r, row, 1);
    e->granted_by = get_i64(r, row, 2);
    e->reason = get_text0(a, r, row, 3);
    e->starts_on = get_i64(r, row, 4);
    e->ends_on = get_i64(r, row, 5);
    e->created_at = get_i64(r, row, 6);
    e->ended_at = get_i64(r, row, 7);
    e->ended_by = get_i64(r, row, 8);
}

static enum ah_err pg_exemption_insert(struct ah_store *base, struct ah_exemption *e,
                                       struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){e->person_id, e->granted_by});
    arg_c(&a, e->reason);
    args_i64s(&a, 3, (int64_t[]){e->starts_on, e->ends_on, e->created_at});
    rc = run_i64((struct pg *)base, ST_EXEMPTION_INSERT, &a, "exemption", &id, &missing, err);
    if (!rc)
        e->id = id;
    return rc;
}

static enum ah_err pg_exemption_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                    struct ah_exemption *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction a lead reads it to end it: see pg_begin */
    return one_row(q, q->in_tx ? ST_EXEMPTION_GET_LOCK : ST_EXEMPTION_GET, &args, a,
                   exemption_read, out, "exemption", "no such exemption", err);
}

static enum ah_err pg_exemption_end(struct ah_store *base, int64_t id, int64_t ends_on,
                                    int64_t ended_at, int64_t ended_by, struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 4, (int64_t[]){id, ends_on, ended_at, ended_by});
    return run_cmd((struct pg *)base, ST_EXEMPTION_END, &a, "exemption", NULL, err);
}

static enum ah_err pg_exemption_list(struct ah_store *base, int64_t person_id, int64_t from_day,
                                     int64_t to_day, struct ah_arena *a,
                                     struct ah_exemption **items, size_t *n,
                                     struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 4, (int64_t[]){person_id, from_day, to_day, LIST_MAX});
    return run_list((struct pg *)base, person_id ? ST_EXEMPTION_LIST : ST_EXEMPTION_LIST_ALL,
                    &args, a, sizeof(**items), LIST_MAX, exemption_read, (void **)items, n,
                    "exemptions", err);
}

static void work_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_work_session *w = item;

    w->id = get_i64(r, row, 0);
    w->person_id = get_i64(r, row, 1);
    w->started_at = get_i64(r, row, 2);
    w->last_active_at = get_i64(r, row, 3);
    w->ended_at = get_i64(r, row, 4);
    w->source = get_text0(a, r, row, 5);
    w->note = get_text(a, r, row, 6);
}

static enum ah_err pg_work_insert(struct ah_store *base, struct ah_work_session *w,
                                  struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    args_i64s(&a, 4, (int64_t[]){w->person_id, w->started_at, w->last_active_at, w->ended_at});
    arg_c(&a, w->source ? w->source : "clock");
    arg_c(&a, w->note);
    rc = run_i64((struct pg *)base, ST_WORK_INSERT, &a, "work session", &id, &missing, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "already clocked in");
    if (!rc)
        w->id = id;
    return rc;
}

static enum ah_err pg_work_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                               struct ah_work_session *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction a lead reads it to correct it: see pg_begin */
    return one_row(q, q->in_tx ? ST_WORK_GET_LOCK : ST_WORK_GET, &args, a, work_read, out,
                   "work session", "no such work session", err);
}

/* In a transaction the open session is read to be moved or ended (see
 * pg_begin): a second writer waits, and then finds it only if it is still
 * open. A session another transaction opened meanwhile is not in this
 * statement's snapshot: that writer's clock-in meets work_sessions_open. */
static enum ah_err pg_work_current(struct ah_store *base, int64_t person_id, struct ah_arena *a,
                                   struct ah_work_session *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, person_id);
    return one_row(q, q->in_tx ? ST_WORK_CURRENT_LOCK : ST_WORK_CURRENT, &args, a, work_read,
                   out, "work session", "not clocked in", err);
}

static enum ah_err pg_work_update(struct ah_store *base, const struct ah_work_session *w,
                                  struct ah_error *err)
{
    struct args a = {0};
    enum ah_err rc;

    args_i64s(&a, 4, (int64_t[]){w->id, w->started_at, w->last_active_at, w->ended_at});
    arg_c(&a, w->note);
    rc = run_cmd((struct pg *)base, ST_WORK_UPDATE, &a, "work session", NULL, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "already clocked in");
    return rc;
}

static enum ah_err pg_work_close_idle(struct ah_store *base, int64_t before, int64_t *closed,
                                      struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, before);
    rc = run_cmd((struct pg *)base, ST_WORK_CLOSE_IDLE, &a, "work sessions", &n, err);
    if (!rc)
        *closed = n;
    return rc;
}

static enum ah_err pg_work_list(struct ah_store *base, int64_t person_id, int64_t from,
                                int64_t to, int limit, struct ah_arena *a,
                                struct ah_work_session **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 5, (int64_t[]){person_id, from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return run_list((struct pg *)base, person_id ? ST_WORK_LIST : ST_WORK_LIST_ALL, &args, a,
                    sizeof(**items), (size_t)limit, work_read, (void **)items, n,
                    "work sessions", err);
}

static void span_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_work_session *w = item;

    (void)a;
    memset(w, 0, sizeof(*w));
    w->person_id = get_i64(r, row, 0);
    w->started_at = get_i64(r, row, 1);
    w->last_active_at = get_i64(r, row, 2);
}

static enum ah_err pg_work_spans(struct ah_store *base, int64_t from, int64_t to, int limit,
                                 struct ah_arena *a, struct ah_work_session **items, size_t *n,
                                 struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 4, (int64_t[]){from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return run_list((struct pg *)base, ST_WORK_SPANS, &args, a, sizeof(**items), (size_t)limit,
                    span_read, (void **)items, n, "work sessions", err);
}

static void block_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_block *b = item;

    (void)a;
    b->id = get_i64(r, row, 0);
    b->person_id = get_i64(r, row, 1);
    b->start_at = get_i64(r, row, 2);
    b->end_at = get_i64(r, row, 3);
    b->created_at = get_i64(r, row, 4);
    b->updated_at = get_i64(r, row, 5);
    b->sequence = get_i64(r, row, 6);
}

static enum ah_err pg_block_insert(struct ah_store *base, struct ah_block *b,
                                   struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    args_i64s(&a, 4, (int64_t[]){b->person_id, b->start_at, b->end_at, b->created_at});
    rc = run_i64((struct pg *)base, ST_BLOCK_INSERT, &a, "block", &id, &missing, err);
    if (!rc)
        b->id = id;
    return rc;
}

static enum ah_err pg_block_get(struct ah_store *base, int64_t id, struct ah_block *out,
                                struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction it is read to be moved (its sequence bumped): see pg_begin */
    return one_row(q, q->in_tx ? ST_BLOCK_GET_LOCK : ST_BLOCK_GET, &args, NULL, block_read, out,
                   "block", "no such block", err);
}

static enum ah_err pg_block_update(struct ah_store *base, const struct ah_block *b,
                                   struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 5, (int64_t[]){b->id, b->start_at, b->end_at, b->updated_at, b->sequence});
    return run_cmd((struct pg *)base, ST_BLOCK_UPDATE, &a, "block", NULL, err);
}

static enum ah_err pg_block_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    return run_cmd((struct pg *)base, ST_BLOCK_DELETE, &a, "block", NULL, err);
}

static enum ah_err pg_block_list(struct ah_store *base, int64_t person_id, int64_t from,
                                 int64_t to, int limit, struct ah_arena *a,
                                 struct ah_block **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 5, (int64_t[]){person_id, from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return run_list((struct pg *)base, person_id ? ST_BLOCK_LIST : ST_BLOCK_LIST_ALL, &args, a,
                    sizeof(**items), (size_t)limit, block_read, (void **)items, n, "blocks",
                    err);
}

static enum ah_err pg_support_week_add(struct ah_store *base, const struct ah_support_week *w,
                                       struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 3, (int64_t[]){w->person_id, w->week_day, w->created_at});
    rc = run_cmd((struct pg *)base, ST_SUPPORT_ADD, &a, "support week", &n, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "that week is booked already");
    return rc;
}

static enum ah_err pg_support_week_remove(struct ah_store *base, int64_t person_id,
                                          int64_t week_day, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){person_id, week_day});
    rc = run_cmd((struct pg *)base, ST_SUPPORT_REMOVE, &a, "support week", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "that week is not booked");
    return rc;
}

static void support_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_support_week *w = item;

    (void)a;
    w->person_id = get_i64(r, row, 0);
    w->week_day = get_i64(r, row, 1);
    w->created_at = get_i64(r, row, 2);
}

static enum ah_err pg_support_week_list(struct ah_store *base, int64_t person_id,
                                        int64_t from_day, int64_t to_day, struct ah_arena *a,
                                        struct ah_support_week **items, size_t *n,
                                        struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 4, (int64_t[]){person_id, from_day, to_day, LIST_MAX});
    return run_list((struct pg *)base, person_id ? ST_SUPPORT_LIST : ST_SUPPORT_LIST_ALL, &args,
                    a, sizeof(**items), LIST_MAX, support_read, (void **)items, n,
                    "support weeks", err);
}

static enum ah_err pg_activity(struct ah_store *base, int64_t person_id, int64_t from,
                               int64_t to, struct ah_activity *out, struct ah_error *err)
{
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    args_i64s(&args, 3, (int64_t[]){person_id, from, to});
    rc = run((struct pg *)base, ST_ACTIVITY, &args, "activity", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        out->replies = get_i64(r, 0, 0);
        out->tickets = get_i64(r, 0, 1);
    } else {
        rc = ah_error_set(err, AH_E_INTERNAL, "activity: %d rows", PQntuples(r));
    }
    PQclear(r);
    return rc;
}

/* ---- the ladder, notifications and webhooks ---- */

static enum ah_err pg_compliance_put(struct ah_store *base, const struct ah_compliance_row *rows,
                                     size_t n, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        const struct ah_compliance_row *r = &rows[i];
        struct args a = {0};

        args_i64s(&a, 6, (int64_t[]){r->person_id, r->week_day, r->status, r->required_min,
                                     r->worked_ms, r->streak});
        rc = run_cmd((struct pg *)base, ST_COMPLIANCE_PUT, &a, "compliance", NULL, err);
    }
    return rc;
}

static void compliance_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_compliance_row *c = item;

    (void)a;
    c->person_id = get_i64(r, row, 0);
    c->week_day = get_i64(r, row, 1);
    c->status = (enum ah_week_status)get_int(r, row, 2);
    c->required_min = get_i64(r, row, 3);
    c->worked_ms = get_i64(r, row, 4);
    c->streak = get_i64(r, row, 5);
}

static enum ah_err pg_compliance_get(struct ah_store *base, int64_t week_day, struct ah_arena *a,
                                     struct ah_compliance_row **items, size_t *n,
                                     struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){week_day, LIST_MAX});
    return run_list((struct pg *)base, ST_COMPLIANCE_GET, &args, a, sizeof(**items), LIST_MAX,
                    compliance_read, (void **)items, n, "compliance", err);
}

static enum ah_err pg_ladder_claim(struct ah_store *base, int64_t week_day, int64_t now,
                                   bool *claimed, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){week_day, now});
    rc = run_cmd((struct pg *)base, ST_LADDER_CLAIM, &a, "ladder", &n, err);
    if (!rc)
        *claimed = n == 1;
    return rc;
}

static enum ah_err pg_notification_insert(struct ah_store *base, struct ah_notification *nt,
                                          bool *inserted, struct ah_error *err)
{
    struct args a = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    arg_i64(&a, nt->person_id);
    arg_c(&a, nt->kind);
    args_i64s(&a, 3, (int64_t[]){nt->subject_id, nt->week_day, nt->ref_id});
    arg_c(&a, nt->body);
    arg_i64(&a, nt->created_at);
    rc = run((struct pg *)base, ST_NOTIFICATION_INSERT, &a, "notification", &r, err);
    if (rc)
        return rc;
    *inserted = changed(r) == 1;
    if (*inserted)
        nt->id = get_i64(r, 0, 0);
    PQclear(r);
    return AH_OK;
}

static void notification_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_notification *nt = item;

    nt->id = get_i64(r, row, 0);
    nt->person_id = get_i64(r, row, 1);
    nt->kind = get_text0(a, r, row, 2);
    nt->subject_id = get_i64(r, row, 3);
    nt->week_day = get_i64(r, row, 4);
    nt->ref_id = get_i64(r, row, 5);
    nt->body = get_text0(a, r, row, 6);
    nt->created_at = get_i64(r, row, 7);
    nt->read_at = get_i64(r, row, 8);
}

static enum ah_err pg_notification_list(struct ah_store *base, int64_t person_id,
                                        int64_t before_id, int limit, struct ah_arena *a,
                                        struct ah_notification **items, size_t *n,
                                        struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){person_id, before_id ? before_id : INT64_MAX, limit});
    return run_list((struct pg *)base, ST_NOTIFICATION_LIST, &args, a, sizeof(**items),
                    (size_t)limit, notification_read, (void **)items, n, "notifications", err);
}

static enum ah_err pg_notification_read(struct ah_store *base, int64_t id, int64_t person_id,
                                        int64_t at, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 3, (int64_t[]){id, person_id, at});
    rc = run_cmd((struct pg *)base, ST_NOTIFICATION_READ, &a, "notification", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such notification");
    return rc;
}

static enum ah_err pg_webhook_insert(struct ah_store *base, struct ah_webhook *w,
                                     struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_c(&a, w->url);
    arg_c(&a, w->secret);
    args_i64s(&a, 2, (int64_t[]){w->created_at, w->created_by});
    rc = run_i64((struct pg *)base, ST_WEBHOOK_INSERT, &a, "webhook", &id, &missing, err);
    if (!rc)
        w->id = id;
    return rc;
}

static void webhook_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_webhook *w = item;

    w->id = get_i64(r, row, 0);
    w->url = get_text0(a, r, row, 1);
    w->secret = get_text0(a, r, row, 2);
    w->active = get_int(r, row, 3) != 0;
    w->created_at = get_i64(r, row, 4);
    w->created_by = get_i64(r, row, 5);
    w->pending = get_i64(r, row, 6);
}

/* webhooks a company keeps: a handful; the cap bounds a listing */
#define WEBHOOKS_MAX 1000

static enum ah_err pg_webhook_list(struct ah_store *base, struct ah_arena *a,
                                   struct ah_webhook **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, WEBHOOKS_MAX);
    return run_list((struct pg *)base, ST_WEBHOOK_LIST, &args, a, sizeof(**items), WEBHOOKS_MAX,
                    webhook_read, (void **)items, n, "webhooks", err);
}

static enum ah_err pg_webhook_disable(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, id);
    rc = run_cmd((struct pg *)base, ST_WEBHOOK_DISABLE, &a, "webhook", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such webhook");
    return rc;
}

static enum ah_err pg_outbox_add(struct ah_store *base, const char *event, const char *body,
                                 int64_t now, struct ah_error *err)
{
    struct args a = {0};

    arg_c(&a, event);
    arg_c(&a, body);
    arg_i64(&a, now);
    return run_cmd((struct pg *)base, ST_OUTBOX_ADD, &a, "outbox", NULL, err);
}

static void outbox_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_outbox_item *o = item;

    o->id = get_i64(r, row, 0);
    o->webhook_id = get_i64(r, row, 1);
    o->url = get_text0(a, r, row, 2);
    o->secret = get_text0(a, r, row, 3);
    o->event = get_text0(a, r, row, 4);
    o->body = get_text0(a, r, row, 5);
    o->created_at = get_i64(r, row, 6);
    o->attempts = get_i64(r, row, 7);
}

/* One statement picks and marks the rows: see ST_OUTBOX_CLAIM. */
static enum ah_err pg_outbox_claim(struct ah_store *base, int64_t now, int64_t until, int limit,
                                   struct ah_arena *a, struct ah_outbox_item **items, size_t *n,
                                   struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){now, until, limit});
    return run_list((struct pg *)base, ST_OUTBOX_CLAIM, &args, a, sizeof(**items), (size_t)limit,
                    outbox_read, (void **)items, n, "outbox", err);
}

static enum ah_err pg_outbox_settle(struct ah_store *base, int64_t id, int64_t delivered_at,
                                    int64_t next_at, const char *error, struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 3, (int64_t[]){id, delivered_at, next_at});
    arg_c(&a, error);
    return run_cmd((struct pg *)base, ST_OUTBOX_SETTLE, &a, "outbox", NULL, err);
}

static void authored_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_authored *m = item;

    (void)a;
    m->author_id = get_i64(r, row, 0);
    m->ticket_id = get_i64(r, row, 1);
    m->kind = (enum ah_msg_kind)get_int(r, row, 2);
    m->created_at = get_i64(r, row, 3);
}

static enum ah_err pg_authored_list(struct ah_store *base, int64_t from, int64_t to, int limit,
                                    struct ah_arena *a, struct ah_authored **items, size_t *n,
                                    struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from, to, limit});
    return run_list((struct pg *)base, ST_AUTHORED_LIST, &args, a, sizeof(**items),
                    (size_t)limit, authored_read, (void **)items, n, "messages", err);
}

/* ---- deference: routing, the style guide, review, training ---- */

/* A text column that defaults to '': NULL writes it empty. */
static void arg_c0(struct args *a, const char *v)
{
    arg_c(a, v ? v : "");
}

/* Runs statement id, which returns one row of one number, into *v. */
static enum ah_err count_one(struct pg *q, enum st id, const struct args *a, const char *what,
                             int64_t *v, struct ah_error *err)
{
    int64_t got = 0;
    bool missing = true;
    enum ah_err rc = run_i64(q, id, a, what, &got, &missing, err);

    if (!rc && missing)
        return ah_error_set(err, AH_E_INTERNAL, "%s: no row", what);
    if (!rc)
        *v = got;
    return rc;
}

/* Runs statement id, an UPDATE or DELETE of one row by id: NOT_FOUND,
 * saying "<what> <id> does not exist", when it changed none. */
static enum ah_err change_one(struct pg *q, enum st id, const struct args *a, const char *what,
                              int64_t row_id, struct ah_error *err)
{
    int64_t n = 0;
    enum ah_err rc = run_cmd(q, id, a, what, &n, err);

    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "%s %" PRId64 " does not exist", what, row_id);
    return rc;
}

/* Runs statement id, an INSERT ... RETURNING id, into *row_id. */
static enum ah_err insert_one(struct pg *q, enum st id, const struct args *a, const char *what,
                              int64_t *row_id, struct ah_error *err)
{
    int64_t v = 0;
    bool missing = true;
    enum ah_err rc = run_i64(q, id, a, what, &v, &missing, err);

    if (!rc && missing)
        return ah_error_set(err, AH_E_INTERNAL, "%s: no id returned", what);
    if (!rc)
        *row_id = v;
    return rc;
}

static enum ah_err pg_rules_version(struct ah_store *base, const char *name, int64_t *version,
                                    struct ah_error *err)
{
    struct args a = {0};
    int64_t v = 0;
    bool missing = true;
    enum ah_err rc;

    arg_c(&a, name);
    rc = run_i64((struct pg *)base, ST_RULES_VERSION, &a, "rules version", &v, &missing, err);
    if (!rc && missing)
        return ah_error_set(err, AH_E_NOT_FOUND, "no rule set named %s", name);
    if (!rc)
        *version = v;
    return rc;
}

static enum ah_err pg_rules_bump(struct ah_store *base, const char *name, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_c(&a, name);
    rc = run_cmd((struct pg *)base, ST_RULES_BUMP, &a, "rules version", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no rule set named %s", name);
    return rc;
}

static void route_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_route_rule *u = item;

    u->id = get_i64(r, row, 0);
    u->position = get_i64(r, row, 1);
    u->name = get_text0(a, r, row, 2);
    u->match_kind = (enum ah_match_kind)get_int(r, row, 3);
    u->pattern = get_text0(a, r, row, 4);
    u->match_in = get_int(r, row, 5);
    u->if_tag = get_text0(a, r, row, 6);
    u->if_source = get_text0(a, r, row, 7);
    u->if_domain = get_text0(a, r, row, 8);
    u->if_priority = get_int(r, row, 9);
    u->set_tier = get_int(r, row, 10);
    u->set_priority = get_int(r, row, 11);
    u->add_tags = get_text0(a, r, row, 12);
    u->stop = get_int(r, row, 13) != 0;
    u->enabled = get_int(r, row, 14) != 0;
    u->created_at = get_i64(r, row, 15);
    u->updated_at = get_i64(r, row, 16);
    u->updated_by = get_i64(r, row, 17);
}

/* The columns insert and update both write, position to enabled. */
static void args_route(struct args *a, const struct ah_route_rule *u)
{
    arg_i64(a, u->position);
    arg_c(a, u->name);
    arg_i64(a, (int64_t)u->match_kind);
    arg_c0(a, u->pattern);
    arg_i64(a, u->match_in);
    arg_c0(a, u->if_tag);
    arg_c0(a, u->if_source);
    arg_c0(a, u->if_domain);
    args_i64s(a, 3, (int64_t[]){u->if_priority, u->set_tier, u->set_priority});
    arg_c0(a, u->add_tags);
    args_i64s(a, 2, (int64_t[]){u->stop, u->enabled});
}

/* rule sets a company keeps: tens of rules; the cap bounds a listing */
#define RULES_MAX 10000

static enum ah_err pg_route_rule_list(struct ah_store *base, struct ah_arena *a,
                                      struct ah_route_rule **items, size_t *n,
                                      struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, RULES_MAX);
    return run_list((struct pg *)base, ST_ROUTE_LIST, &args, a, sizeof(**items), RULES_MAX,
                    route_read, (void **)items, n, "routing rules", err);
}

static enum ah_err pg_route_rule_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_route_rule *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction a lead reads it to change it: see pg_begin */
    return one_row(q, q->in_tx ? ST_ROUTE_GET_LOCK : ST_ROUTE_GET, &args, a, route_read, out,
                   "routing rule", "no such routing rule", err);
}

static enum ah_err pg_route_rule_insert(struct ah_store *base, struct ah_route_rule *u,
                                        struct ah_error *err)
{
    struct args a = {0};

    args_route(&a, u);
    args_i64s(&a, 3, (int64_t[]){u->created_at, u->updated_at, u->updated_by});
    return insert_one((struct pg *)base, ST_ROUTE_INSERT, &a, "routing rule", &u->id, err);
}

static enum ah_err pg_route_rule_update(struct ah_store *base, const struct ah_route_rule *u,
                                        struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, u->id);
    args_route(&a, u);
    args_i64s(&a, 2, (int64_t[]){u->updated_at, u->updated_by});
    return change_one((struct pg *)base, ST_ROUTE_UPDATE, &a, "routing rule", u->id, err);
}

static enum ah_err pg_route_rule_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    return change_one((struct pg *)base, ST_ROUTE_DELETE, &a, "routing rule", id, err);
}

static void style_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_style_rule *u = item;

    u->id = get_i64(r, row, 0);
    u->name = get_text0(a, r, row, 1);
    u->kind = (enum ah_match_kind)get_int(r, row, 2);
    u->pattern = get_text0(a, r, row, 3);
    u->severity = (enum ah_severity)get_int(r, row, 4);
    u->why = get_text0(a, r, row, 5);
    u->better = get_text0(a, r, row, 6);
    u->levels = get_text0(a, r, row, 7);
    u->roles = get_text0(a, r, row, 8);
    u->tags = get_text0(a, r, row, 9);
    u->lifted_tags = get_text0(a, r, row, 10);
    u->enabled = get_int(r, row, 11) != 0;
    u->created_at = get_i64(r, row, 12);
    u->updated_at = get_i64(r, row, 13);
    u->updated_by = get_i64(r, row, 14);
    u->deleted_at = get_i64(r, row, 15);
}

/* The columns insert and update both write, name to enabled. */
static void args_style(struct args *a, const struct ah_style_rule *u)
{
    arg_c(a, u->name);
    arg_i64(a, (int64_t)u->kind);
    arg_c(a, u->pattern);
    arg_i64(a, (int64_t)u->severity);
    arg_c(a, u->why);
    arg_c0(a, u->better);
    arg_c0(a, u->levels);
    arg_c0(a, u->roles);
    arg_c0(a, u->tags);
    arg_c0(a, u->lifted_tags);
    arg_i64(a, u->enabled);
}

static enum ah_err style_taken(enum ah_err rc, const struct ah_style_rule *u,
                               struct ah_error *err)
{
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "a style rule named %s exists already", u->name);
    return rc;
}

static enum ah_err pg_style_rule_list(struct ah_store *base, bool with_deleted,
                                      struct ah_arena *a, struct ah_style_rule **items,
                                      size_t *n, struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, RULES_MAX);
    return run_list((struct pg *)base, with_deleted ? ST_STYLE_LIST_ALL : ST_STYLE_LIST, &args,
                    a, sizeof(**items), RULES_MAX, style_read, (void **)items, n,
                    "style rules", err);
}

static enum ah_err pg_style_rule_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_style_rule *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction a lead reads it to change it: see pg_begin */
    return one_row(q, q->in_tx ? ST_STYLE_GET_LOCK : ST_STYLE_GET, &args, a, style_read, out,
                   "style rule", "no such style rule", err);
}

static enum ah_err pg_style_rule_insert(struct ah_store *base, struct ah_style_rule *u,
                                        struct ah_error *err)
{
    struct args a = {0};

    args_style(&a, u);
    args_i64s(&a, 4, (int64_t[]){u->created_at, u->updated_at, u->updated_by, u->deleted_at});
    return style_taken(insert_one((struct pg *)base, ST_STYLE_INSERT, &a, "style rule", &u->id,
                                  err),
                       u, err);
}

static enum ah_err pg_style_rule_update(struct ah_store *base, const struct ah_style_rule *u,
                                        struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, u->id);
    args_style(&a, u);
    args_i64s(&a, 3, (int64_t[]){u->updated_at, u->updated_by, u->deleted_at});
    return style_taken(change_one((struct pg *)base, ST_STYLE_UPDATE, &a, "style rule", u->id,
                                  err),
                       u, err);
}

static enum ah_err pg_style_hits_add(struct ah_store *base, int64_t rule_id, int64_t person_id,
                                     int64_t day, int64_t hits, int64_t overrides,
                                     struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 5, (int64_t[]){rule_id, person_id, day, hits, overrides});
    return run_cmd((struct pg *)base, ST_HITS_ADD, &a, "style hits", NULL, err);
}

static void hit_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_style_hit_row *h = item;

    (void)a;
    h->rule_id = get_i64(r, row, 0);
    h->person_id = get_i64(r, row, 1);
    h->hits = get_i64(r, row, 2);
    h->overrides = get_i64(r, row, 3);
}

static enum ah_err pg_style_hits_sum(struct ah_store *base, int64_t from_day, int64_t to_day,
                                     struct ah_arena *a, struct ah_style_hit_row **items,
                                     size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from_day, to_day, LIST_MAX});
    return run_list((struct pg *)base, ST_HITS_SUM, &args, a, sizeof(**items), LIST_MAX,
                    hit_read, (void **)items, n, "style hits", err);
}

static void review_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_review *v = item;

    v->id = get_i64(r, row, 0);
    v->ticket_id = get_i64(r, row, 1);
    v->author_id = get_i64(r, row, 2);
    v->body = get_text0(a, r, row, 3);
    v->status = (enum ah_review_status)get_int(r, row, 4);
    v->reviewer_id = get_i64(r, row, 5);
    v->final_body = get_text(a, r, row, 6);
    v->comment = get_text(a, r, row, 7);
    v->message_id = get_i64(r, row, 8);
    v->created_at = get_i64(r, row, 9);
    v->decided_at = get_i64(r, row, 10);
    v->ticket_subject = get_text0(a, r, row, 11);
    v->author_name = get_text0(a, r, row, 12);
}

static enum ah_err pg_review_insert(struct ah_store *base, struct ah_review *v,
                                    struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 2, (int64_t[]){v->ticket_id, v->author_id});
    arg_c(&a, v->body);
    args_i64s(&a, 2, (int64_t[]){v->status, v->reviewer_id});
    arg_c(&a, v->final_body);
    arg_c(&a, v->comment);
    args_i64s(&a, 3, (int64_t[]){v->message_id, v->created_at, v->decided_at});
    return insert_one((struct pg *)base, ST_REVIEW_INSERT, &a, "review", &v->id, err);
}

static enum ah_err pg_review_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_review *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction it is read to be decided: two reviewers deciding one
     * reply at once take turns, and the second finds it decided (pg_begin) */
    return one_row(q, q->in_tx ? ST_REVIEW_GET_LOCK : ST_REVIEW_GET, &args, a, review_read, out,
                   "review", "no such review", err);
}

static enum ah_err pg_review_update(struct ah_store *base, const struct ah_review *v,
                                    struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 3, (int64_t[]){v->id, v->status, v->reviewer_id});
    arg_c(&a, v->final_body);
    arg_c(&a, v->comment);
    args_i64s(&a, 2, (int64_t[]){v->message_id, v->decided_at});
    return change_one((struct pg *)base, ST_REVIEW_UPDATE, &a, "review", v->id, err);
}

/* The SQL of one review_list shape: parameters numbered in the order
 * pg_review_list adds them. */
static enum ah_err review_sql(unsigned shape, struct ah_buf *sql, struct ah_error *err)
{
    int n = 1;

    ah_buf_appends(sql, "SELECT " REVIEW_COLS REVIEW_FROM " WHERE r.id < $1", NULL);
    if (shape & RL_HELD)
        ah_buf_appends(sql, " AND r.status = 0", NULL);
    if (shape & RL_STATUS)
        ah_buf_appendf(sql, NULL, " AND r.status = $%d", ++n);
    if (shape & RL_AUTHOR)
        ah_buf_appendf(sql, NULL, " AND r.author_id = $%d", ++n);
    if (shape & RL_TICKET)
        ah_buf_appendf(sql, NULL, " AND r.ticket_id = $%d", ++n);
    ah_buf_appends(sql, shape & RL_OLDEST ? " ORDER BY r.created_at, r.id" : " ORDER BY r.id DESC",
                   NULL);
    ah_buf_appendf(sql, NULL, " LIMIT $%d", ++n);
    if (sql->full)
        return ah_error_set(err, AH_E_INTERNAL, "review list: SQL longer than %d bytes",
                            LIST_SQL_MAX);
    return AH_OK;
}

static enum ah_err pg_review_list(struct ah_store *base, const struct ah_review_filter *f,
                                  struct ah_arena *a, struct ah_review **items, size_t *n,
                                  struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    unsigned shape = 0;
    PGresult *r = NULL;
    enum ah_err rc;

    shape |= f->status == AH_REVIEW_HELD ? RL_HELD : 0;
    shape |= f->status > AH_REVIEW_HELD ? RL_STATUS : 0;
    shape |= f->author_id ? RL_AUTHOR : 0;
    shape |= f->ticket_id ? RL_TICKET : 0;
    shape |= f->oldest_first ? RL_OLDEST : 0;
    arg_i64(&args, !f->oldest_first && f->before_id ? f->before_id : INT64_MAX);
    if (shape & RL_STATUS)
        arg_i64(&args, f->status);
    if (shape & RL_AUTHOR)
        arg_i64(&args, f->author_id);
    if (shape & RL_TICKET)
        arg_i64(&args, f->ticket_id);
    arg_i64(&args, f->limit);
    rc = shape_run(q, 'r', shape, review_sql, &q->review_prepared[shape], &args, "reviews", &r,
                   err);
    if (rc)
        return rc;
    collect(r, a, sizeof(**items), (size_t)f->limit, review_read, (void **)items, n);
    return AH_OK;
}

static void review_stats_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_review_stats *v = item;

    (void)a;
    v->author_id = get_i64(r, row, 0);
    v->total = get_i64(r, row, 1);
    v->approved = get_i64(r, row, 2);
    v->returned = get_i64(r, row, 3);
    v->last_returned_at = get_i64(r, row, 4);
}

static enum ah_err pg_review_stats(struct ah_store *base, int64_t author_id, struct ah_arena *a,
                                   struct ah_review_stats **items, size_t *n,
                                   struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){author_id, LIST_MAX});
    return run_list((struct pg *)base, author_id ? ST_REVIEW_STATS : ST_REVIEW_STATS_ALL, &args,
                    a, sizeof(**items), LIST_MAX, review_stats_read, (void **)items, n,
                    "review stats", err);
}

static enum ah_err pg_review_counts(struct ah_store *base, int64_t person_id, int64_t from,
                                    int64_t to, struct ah_review_counts *out,
                                    struct ah_error *err)
{
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    args_i64s(&args, 3, (int64_t[]){person_id, from, to});
    rc = run((struct pg *)base, ST_REVIEW_COUNTS, &args, "review counts", &r, err);
    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        out->given = get_i64(r, 0, 0);
        out->held = get_i64(r, 0, 1);
        out->approved = get_i64(r, 0, 2);
        out->returned = get_i64(r, 0, 3);
    } else {
        rc = ah_error_set(err, AH_E_INTERNAL, "review counts: %d rows", PQntuples(r));
    }
    PQclear(r);
    return rc;
}

static enum ah_err pg_escalation_insert(struct ah_store *base, struct ah_escalation *e,
                                        struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 2, (int64_t[]){e->ticket_id, e->person_id});
    arg_c0(&a, e->note);
    arg_i64(&a, e->created_at);
    return insert_one((struct pg *)base, ST_ESCALATION_INSERT, &a, "escalation", &e->id, err);
}

static void person_count_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_person_count *c = item;

    (void)a;
    c->person_id = get_i64(r, row, 0);
    c->n = get_i64(r, row, 1);
}

static enum ah_err pg_escalation_counts(struct ah_store *base, int64_t person_id, int64_t from,
                                        int64_t to, struct ah_arena *a,
                                        struct ah_person_count **items, size_t *n,
                                        struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 4, (int64_t[]){person_id, from, to, LIST_MAX});
    return run_list((struct pg *)base, person_id ? ST_ESCALATION_COUNTS : ST_ESCALATION_COUNTS_ALL,
                    &args, a, sizeof(**items), LIST_MAX, person_count_read, (void **)items, n,
                    "escalations", err);
}

static void module_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_module *m = item;

    m->id = get_i64(r, row, 0);
    m->title = get_text0(a, r, row, 1);
    m->body = get_text0(a, r, row, 2);
    m->position = get_i64(r, row, 3);
    m->level = (enum ah_level)get_int(r, row, 4);
    m->created_at = get_i64(r, row, 5);
    m->updated_at = get_i64(r, row, 6);
    m->retired_at = get_i64(r, row, 7);
}

static enum ah_err pg_module_list(struct ah_store *base, bool with_retired, struct ah_arena *a,
                                  struct ah_module **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, RULES_MAX);
    return run_list((struct pg *)base, with_retired ? ST_MODULE_LIST_ALL : ST_MODULE_LIST, &args,
                    a, sizeof(**items), RULES_MAX, module_read, (void **)items, n, "modules",
                    err);
}

static enum ah_err pg_module_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_module *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction a lead reads it to change it: see pg_begin */
    return one_row(q, q->in_tx ? ST_MODULE_GET_LOCK : ST_MODULE_GET, &args, a, module_read, out,
                   "module", "no such module", err);
}

static enum ah_err pg_module_insert(struct ah_store *base, struct ah_module *m,
                                    struct ah_error *err)
{
    struct args a = {0};

    arg_c(&a, m->title);
    arg_c(&a, m->body);
    args_i64s(&a, 5, (int64_t[]){m->position, m->level, m->created_at, m->updated_at,
                                 m->retired_at});
    return insert_one((struct pg *)base, ST_MODULE_INSERT, &a, "module", &m->id, err);
}

static enum ah_err pg_module_update(struct ah_store *base, const struct ah_module *m,
                                    struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, m->id);
    arg_c(&a, m->title);
    arg_c(&a, m->body);
    args_i64s(&a, 4, (int64_t[]){m->position, m->level, m->updated_at, m->retired_at});
    return change_one((struct pg *)base, ST_MODULE_UPDATE, &a, "module", m->id, err);
}

static enum ah_err pg_completion_add(struct ah_store *base, const struct ah_completion *c,
                                     bool *inserted, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 3, (int64_t[]){c->person_id, c->module_id, c->completed_at});
    rc = run_cmd((struct pg *)base, ST_COMPLETION_ADD, &a, "completion", &n, err);
    if (!rc)
        *inserted = n == 1;
    return rc;
}

static void completion_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_completion *c = item;

    (void)a;
    c->person_id = get_i64(r, row, 0);
    c->module_id = get_i64(r, row, 1);
    c->completed_at = get_i64(r, row, 2);
}

static enum ah_err pg_completion_list(struct ah_store *base, int64_t person_id,
                                      struct ah_arena *a, struct ah_completion **items,
                                      size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){person_id, LIST_MAX});
    return run_list((struct pg *)base, person_id ? ST_COMPLETION_LIST : ST_COMPLETION_LIST_ALL,
                    &args, a, sizeof(**items), LIST_MAX, completion_read, (void **)items, n,
                    "completions", err);
}

static enum ah_err pg_pairing_insert(struct ah_store *base, struct ah_pairing *p,
                                     struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 4, (int64_t[]){p->pro_id, p->member_id, p->started_at, p->minutes});
    arg_c0(&a, p->notes);
    args_i64s(&a, 2, (int64_t[]){p->work_session_id, p->created_at});
    return insert_one((struct pg *)base, ST_PAIRING_INSERT, &a, "pairing", &p->id, err);
}

static void pairing_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_pairing *p = item;

    p->id = get_i64(r, row, 0);
    p->pro_id = get_i64(r, row, 1);
    p->member_id = get_i64(r, row, 2);
    p->started_at = get_i64(r, row, 3);
    p->minutes = get_i64(r, row, 4);
    p->notes = get_text0(a, r, row, 5);
    p->work_session_id = get_i64(r, row, 6);
    p->created_at = get_i64(r, row, 7);
}

static enum ah_err pg_pairing_list(struct ah_store *base, int64_t person_id, int64_t from,
                                   int64_t to, int limit, struct ah_arena *a,
                                   struct ah_pairing **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 4, (int64_t[]){person_id, from, to, limit});
    return run_list((struct pg *)base, person_id ? ST_PAIRING_LIST : ST_PAIRING_LIST_ALL, &args,
                    a, sizeof(**items), (size_t)limit, pairing_read, (void **)items, n,
                    "pairings", err);
}

static void macro_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_macro *m = item;

    m->id = get_i64(r, row, 0);
    m->owner_id = get_i64(r, row, 1);
    m->name = get_text0(a, r, row, 2);
    m->body = get_text0(a, r, row, 3);
    m->created_at = get_i64(r, row, 4);
    m->updated_at = get_i64(r, row, 5);
}

static enum ah_err pg_macro_list(struct ah_store *base, struct ah_arena *a,
                                 struct ah_macro **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, RULES_MAX);
    return run_list((struct pg *)base, ST_MACRO_LIST, &args, a, sizeof(**items), RULES_MAX,
                    macro_read, (void **)items, n, "macros", err);
}

static enum ah_err pg_macro_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                struct ah_macro *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};

    arg_i64(&args, id);
    /* in a transaction it is read to be changed: see pg_begin */
    return one_row(q, q->in_tx ? ST_MACRO_GET_LOCK : ST_MACRO_GET, &args, a, macro_read, out,
                   "macro", "no such macro", err);
}

static enum ah_err pg_macro_insert(struct ah_store *base, struct ah_macro *m,
                                   struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, m->owner_id);
    arg_c(&a, m->name);
    arg_c(&a, m->body);
    args_i64s(&a, 2, (int64_t[]){m->created_at, m->updated_at});
    return insert_one((struct pg *)base, ST_MACRO_INSERT, &a, "macro", &m->id, err);
}

static enum ah_err pg_macro_update(struct ah_store *base, const struct ah_macro *m,
                                   struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, m->id);
    arg_c(&a, m->name);
    arg_c(&a, m->body);
    arg_i64(&a, m->updated_at);
    return change_one((struct pg *)base, ST_MACRO_UPDATE, &a, "macro", m->id, err);
}

static enum ah_err pg_macro_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, id);
    return change_one((struct pg *)base, ST_MACRO_DELETE, &a, "macro", id, err);
}

static enum ah_err pg_members_clocked_in(struct ah_store *base, int64_t *n,
                                         struct ah_error *err)
{
    struct args a = {0};

    return count_one((struct pg *)base, ST_MEMBERS_CLOCKED_IN, &a, "members clocked in", n, err);
}

/* ---- email ---- */

/* Runs statement id, which returns one row of two numbers, into v. */
static enum ah_err two_counts(struct pg *q, enum st id, const struct args *args,
                              const char *what, int64_t v[2], struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, args, what, &r, err);

    if (rc)
        return rc;
    if (PQntuples(r) == 1) {
        v[0] = get_i64(r, 0, 0);
        v[1] = get_i64(r, 0, 1);
    } else {
        rc = ah_error_set(err, AH_E_INTERNAL, "%s: %d rows", what, PQntuples(r));
    }
    PQclear(r);
    return rc;
}

/* A ticket's rows of statement id ($1 the ticket, $2 the cap). */
static enum ah_err list_ticket(struct pg *q, enum st id, int64_t ticket_id, struct ah_arena *a,
                               size_t item_size, row_reader read, void **items, size_t *n,
                               const char *what, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){ticket_id, LIST_MAX});
    return run_list(q, id, &args, a, item_size, LIST_MAX, read, items, n, what, err);
}

static void id_pair_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    int64_t *v = item;

    (void)a;
    v[0] = get_i64(r, row, 0);
    v[1] = get_i64(r, row, 1);
}

static enum ah_err pg_mail_id_get(struct ah_store *base, const char *msgid, int64_t *ticket_id,
                                  int64_t *message_id, struct ah_error *err)
{
    struct args args = {0};
    int64_t v[2] = {0, 0};
    enum ah_err rc;

    arg_c(&args, msgid);
    rc = one_row((struct pg *)base, ST_MAIL_ID_GET, &args, NULL, id_pair_read, v, "mail id", "",
                 err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "no mail with Message-ID %s", msgid);
    if (!rc) {
        *ticket_id = v[0];
        *message_id = v[1];
    }
    return rc;
}

static enum ah_err pg_mail_id_insert(struct ah_store *base, const char *msgid, int64_t ticket_id,
                                     int64_t message_id, bool sent, int64_t now, bool *inserted,
                                     struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_c(&a, msgid);
    args_i64s(&a, 4, (int64_t[]){ticket_id, message_id, sent, now});
    rc = run_cmd((struct pg *)base, ST_MAIL_ID_INSERT, &a, "mail id", &n, err);
    if (!rc)
        *inserted = n == 1;
    return rc;
}

static enum ah_err pg_mail_in_insert(struct ah_store *base, const struct ah_mail_in_row *r,
                                     struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, r->message_id);
    arg_c(&a, r->msgid);
    arg_c(&a, r->sender);
    arg_c0(&a, r->sender_name);
    arg_c0(&a, r->quoted);
    args_i64s(&a, 2, (int64_t[]){r->new_ticket, r->created_at});
    return run_cmd((struct pg *)base, ST_MAIL_IN_INSERT, &a, "mail", NULL, err);
}

static enum ah_err pg_mail_in_count(struct ah_store *base, const char *sender, int64_t since,
                                    int64_t *messages, int64_t *new_tickets,
                                    struct ah_error *err)
{
    struct args a = {0};
    int64_t v[2] = {0, 0};
    enum ah_err rc;

    arg_c(&a, sender);
    arg_i64(&a, since);
    rc = two_counts((struct pg *)base, ST_MAIL_IN_COUNT, &a, "mail count", v, err);
    if (!rc) {
        *messages = v[0];
        *new_tickets = v[1];
    }
    return rc;
}

static void mail_in_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_mail_in_row *m = item;

    m->message_id = get_i64(r, row, 0);
    m->ticket_id = get_i64(r, row, 1);
    m->msgid = get_text0(a, r, row, 2);
    m->sender = get_text0(a, r, row, 3);
    m->sender_name = get_text0(a, r, row, 4);
    m->quoted = get_text0(a, r, row, 5);
    m->new_ticket = get_int(r, row, 6) != 0;
    m->created_at = get_i64(r, row, 7);
}

static enum ah_err pg_mail_in_list(struct ah_store *base, int64_t ticket_id, struct ah_arena *a,
                                   struct ah_mail_in_row **items, size_t *n,
                                   struct ah_error *err)
{
    return list_ticket((struct pg *)base, ST_MAIL_IN_LIST, ticket_id, a, sizeof(**items),
                       mail_in_read, (void **)items, n, "mail", err);
}

static enum ah_err pg_participant_add(struct ah_store *base, const struct ah_participant *p,
                                      bool *inserted, struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    arg_i64(&a, p->ticket_id);
    arg_c(&a, p->email);
    arg_c0(&a, p->name);
    arg_i64(&a, p->added_at);
    rc = run_cmd((struct pg *)base, ST_PARTICIPANT_ADD, &a, "participant", &n, err);
    if (!rc)
        *inserted = n == 1;
    return rc;
}

static void participant_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_participant *p = item;

    p->ticket_id = get_i64(r, row, 0);
    p->email = get_text0(a, r, row, 1);
    p->name = get_text0(a, r, row, 2);
    p->added_at = get_i64(r, row, 3);
}

static enum ah_err pg_participant_list(struct ah_store *base, int64_t ticket_id,
                                       struct ah_arena *a, struct ah_participant **items,
                                       size_t *n, struct ah_error *err)
{
    return list_ticket((struct pg *)base, ST_PARTICIPANT_LIST, ticket_id, a, sizeof(**items),
                       participant_read, (void **)items, n, "participants", err);
}

static enum ah_err pg_attachment_insert(struct ah_store *base, struct ah_attachment *at,
                                        struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, at->message_id);
    arg_c(&a, at->sha256);
    arg_c(&a, at->name);
    arg_c(&a, at->type);
    arg_i64(&a, at->size);
    arg_c0(&a, at->content_id);
    args_i64s(&a, 2, (int64_t[]){at->is_inline, at->created_at});
    return insert_one((struct pg *)base, ST_ATTACHMENT_INSERT, &a, "attachment", &at->id, err);
}

static void attachment_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_attachment *at = item;

    at->id = get_i64(r, row, 0);
    at->message_id = get_i64(r, row, 1);
    at->ticket_id = get_i64(r, row, 2);
    at->sha256 = get_text0(a, r, row, 3);
    at->name = get_text0(a, r, row, 4);
    at->type = get_text0(a, r, row, 5);
    at->size = get_i64(r, row, 6);
    at->content_id = get_text0(a, r, row, 7);
    at->is_inline = get_int(r, row, 8) != 0;
    at->created_at = get_i64(r, row, 9);
}

static enum ah_err pg_attachment_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_attachment *out, struct ah_error *err)
{
    struct args args = {0};
    enum ah_err rc;

    arg_i64(&args, id);
    rc = one_row((struct pg *)base, ST_ATTACHMENT_GET, &args, a, attachment_read, out,
                 "attachment", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "attachment %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err pg_attachment_list(struct ah_store *base, int64_t ticket_id,
                                      struct ah_arena *a, struct ah_attachment **items,
                                      size_t *n, struct ah_error *err)
{
    return list_ticket((struct pg *)base, ST_ATTACHMENT_LIST, ticket_id, a, sizeof(**items),
                       attachment_read, (void **)items, n, "attachments", err);
}

static enum ah_err pg_mail_out_insert(struct ah_store *base, struct ah_mail_out *m,
                                      struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 3, (int64_t[]){m->ticket_id, m->message_id, m->kind});
    arg_c(&a, m->msgid);
    arg_c(&a, m->mail_from);
    arg_c(&a, m->rcpt);
    arg_c(&a, m->data);
    args_i64s(&a, 2, (int64_t[]){m->created_at, m->next_at});
    return insert_one((struct pg *)base, ST_MAIL_OUT_INSERT, &a, "outgoing mail", &m->id, err);
}

static void mail_out_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_mail_out *m = item;

    m->id = get_i64(r, row, 0);
    m->ticket_id = get_i64(r, row, 1);
    m->message_id = get_i64(r, row, 2);
    m->kind = (enum ah_mail_kind)get_int(r, row, 3);
    m->msgid = get_text0(a, r, row, 4);
    m->mail_from = get_text0(a, r, row, 5);
    m->rcpt = get_text0(a, r, row, 6);
    m->data = get_text0(a, r, row, 7);
    m->created_at = get_i64(r, row, 8);
    m->attempts = get_i64(r, row, 9);
    m->next_at = get_i64(r, row, 10);
    m->sent_at = get_i64(r, row, 11);
    m->failed_at = get_i64(r, row, 12);
    m->last_error = get_text0(a, r, row, 13);
}

/* One statement picks and marks the rows: see ST_MAIL_OUT_CLAIM. */
static enum ah_err pg_mail_out_claim(struct ah_store *base, int64_t now, int64_t until,
                                     int limit, struct ah_arena *a, struct ah_mail_out **items,
                                     size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){now, until, limit});
    return run_list((struct pg *)base, ST_MAIL_OUT_CLAIM, &args, a, sizeof(**items),
                    (size_t)limit, mail_out_read, (void **)items, n, "outgoing mail", err);
}

static enum ah_err pg_mail_out_settle(struct ah_store *base, int64_t id, int64_t sent_at,
                                      int64_t failed_at, int64_t next_at, const char *error,
                                      struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 4, (int64_t[]){id, sent_at, failed_at, next_at});
    arg_c0(&a, error);
    return run_cmd((struct pg *)base, ST_MAIL_OUT_SETTLE, &a, "outgoing mail", NULL, err);
}

static enum ah_err pg_mail_out_list(struct ah_store *base, int64_t ticket_id, struct ah_arena *a,
                                    struct ah_mail_out **items, size_t *n, struct ah_error *err)
{
    return list_ticket((struct pg *)base, ST_MAIL_OUT_LIST, ticket_id, a, sizeof(**items),
                       mail_out_read, (void **)items, n, "outgoing mail", err);
}

static enum ah_err pg_mail_out_counts(struct ah_store *base, int64_t *pending, int64_t *failed,
                                      struct ah_error *err)
{
    struct args a = {0};
    int64_t v[2] = {0, 0};
    enum ah_err rc = two_counts((struct pg *)base, ST_MAIL_OUT_COUNTS, &a, "outgoing mail", v,
                                err);

    if (!rc) {
        *pending = v[0];
        *failed = v[1];
    }
    return rc;
}

/* ---- repeated questions and the fixes linked to them ---- */

/* An array parameter carries a batch in one statement. Its literal is
 * capped: a text's terms are hundreds, each at most 21 bytes as a number
 * and a few dozen as a word. */
#define ARRAY_TEXT_MAX (8 * 1024 * 1024)
/* fixes a company keeps: hundreds; the cap bounds a listing */
#define FIXES_MAX 10000

/* Closes the array literal in b: TOO_LARGE, naming what, when its n
 * elements did not fit. */
static enum ah_err array_end(struct ah_buf *b, const char *what, size_t n, struct ah_error *err)
{
    ah_buf_appends(b, "}", NULL);
    if (b->full)
        return ah_error_set(err, AH_E_TOO_LARGE, "%s: %zu items do not fit in one statement",
                            what, n);
    return AH_OK;
}

/* The literal of a bigint[]: {1,2,3}. */
static enum ah_err array_i64(struct ah_buf *b, const int64_t *v, size_t n, const char *what,
                             struct ah_error *err)
{
    ah_buf_appends(b, "{", NULL);
    for (size_t i = 0; i < n; i++)
        ah_buf_appendf(b, NULL, "%s%" PRId64, i ? "," : "", v[i]);
    return array_end(b, what, n, err);
}

/* The literal of a double precision[], each as arg_f64 writes it. */
static enum ah_err array_f64(struct ah_buf *b, const double *v, size_t n, const char *what,
                             struct ah_error *err)
{
    ah_buf_appends(b, "{", NULL);
    for (size_t i = 0; i < n; i++)
        ah_buf_appendf(b, NULL, "%s%.17g", i ? "," : "", v[i]);
    return array_end(b, what, n, err);
}

/* The literal of a text[]: every element quoted, a quote or backslash in it
 * escaped with a backslash, so that commas, braces, blanks and the word
 * NULL stay text (no byte of a multibyte UTF-8 character is a quote or a
 * backslash). A NULL element (or v NULL) is "". */
static enum ah_err array_text(struct ah_buf *b, const char *const *v, size_t n,
                              const char *what, struct ah_error *err)
{
    ah_buf_appends(b, "{", NULL);
    for (size_t i = 0; i < n; i++) {
        const char *p = v && v[i] ? v[i] : "";

        ah_buf_appends(b, i ? ",\"" : "\"", NULL);
        for (size_t k = strcspn(p, "\"\\"); p[k]; k = strcspn(p, "\"\\")) {
            ah_buf_append(b, p, k, NULL);
            ah_buf_append(b, "\\", 1, NULL);
            ah_buf_append(b, p + k, 1, NULL);
            p += k + 1;
        }
        ah_buf_appends(b, p, NULL);
        ah_buf_appends(b, "\"", NULL);
    }
    return array_end(b, what, n, err);
}

/* Runs statement id, which answers a row for each of n elements in their
 * order; on success *out is the result, for the caller to PQclear. */
static enum ah_err run_each(struct pg *q, enum st id, const struct args *a, size_t n,
                            const char *what, PGresult **out, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, a, what, &r, err);

    if (rc)
        return rc;
    if ((size_t)PQntuples(r) != n) {
        rc = ah_error_set(err, AH_E_INTERNAL, "%s: %d rows for %zu items", what, PQntuples(r),
                          n);
        PQclear(r);
        return rc;
    }
    *out = r;
    return AH_OK;
}

/* The empty answer of a list asked about no elements, without a round trip. */
static void list_none(struct ah_arena *a, size_t item_size, void **items, size_t *n)
{
    *items = ah_arena_alloc(a, item_size);
    *n = 0;
}

/* The advisory lock is the turn: held to the end of the transaction, so
 * outside one it would be let go at once. */
static enum ah_err pg_group_turn(struct ah_store *base, bool wait, bool *got, int64_t *upto,
                                 int64_t *docs, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args a = {0};
    int64_t v[2] = {0, 0};
    bool missing = true;
    enum ah_err rc;

    assert(q->in_tx);
    rc = run_i64(q, wait ? ST_GROUP_TURN_WAIT : ST_GROUP_TURN, &a, "group turn", &v[0], &missing,
                 err);
    if (!rc && v[0] != 1) {
        *got = false;
        return AH_OK;
    }
    if (!rc)
        rc = one_row(q, ST_GROUP_STATE_GET, &a, NULL, id_pair_read, v, "group state",
                     "group state: no row", err);
    if (rc == AH_E_NOT_FOUND)
        rc = ah_error_set(err, AH_E_INTERNAL, "group state: no row");
    if (rc)
        return rc;
    *got = true;
    *upto = v[0];
    *docs = v[1];
    return AH_OK;
}

static enum ah_err pg_group_turn_end(struct ah_store *base, int64_t upto, int64_t docs,
                                     struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){upto, docs});
    rc = run_cmd((struct pg *)base, ST_GROUP_STATE_PUT, &a, "group state", &n, err);
    if (!rc && n != 1)
        return ah_error_set(err, AH_E_INTERNAL, "group state: no row");
    return rc;
}

static void qgroup_input_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_input *t = item;

    t->ticket_id = get_i64(r, row, 0);
    t->subject = get_text0(a, r, row, 1);
    t->body = get_text0(a, r, row, 2);
    t->created_at = get_i64(r, row, 3);
}

static enum ah_err pg_group_pending(struct ah_store *base, int64_t after_id, int limit,
                                    struct ah_arena *a, struct ah_qgroup_input **items,
                                    size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){after_id, limit, AH_QGROUP_TEXT_MAX});
    return run_list((struct pg *)base, ST_GROUP_PENDING, &args, a, sizeof(**items),
                    (size_t)limit, qgroup_input_read, (void **)items, n, "tickets to group",
                    err);
}

static enum ah_err pg_term_df(struct ah_store *base, const int64_t *terms, size_t n,
                              int64_t *df, struct ah_error *err)
{
    struct ah_buf ids;
    struct args a = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    if (n == 0)
        return AH_OK;
    ah_buf_init(&ids, ARRAY_TEXT_MAX);
    rc = array_i64(&ids, terms, n, "terms", err);
    arg_text(&a, ah_buf_cstr(&ids));
    if (!rc)
        rc = run_each((struct pg *)base, ST_TERM_DF, &a, n, "terms", &r, err);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            df[i] = get_i64(r, (int)i, 0);
        PQclear(r);
    }
    ah_buf_release(&ids);
    return rc;
}

static enum ah_err pg_term_add(struct ah_store *base, const int64_t *terms,
                               const char *const *words, size_t n, struct ah_error *err)
{
    struct ah_buf ids, texts;
    struct args a = {0};
    enum ah_err rc;

    if (n == 0)
        return AH_OK;
    ah_buf_init(&ids, ARRAY_TEXT_MAX);
    ah_buf_init(&texts, ARRAY_TEXT_MAX);
    rc = array_i64(&ids, terms, n, "terms", err);
    if (!rc)
        rc = array_text(&texts, words, n, "terms", err);
    arg_text(&a, ah_buf_cstr(&ids));
    arg_text(&a, ah_buf_cstr(&texts));
    if (!rc)
        rc = run_cmd((struct pg *)base, ST_TERM_ADD, &a, "terms", NULL, err);
    ah_buf_release(&ids);
    ah_buf_release(&texts);
    return rc;
}

static enum ah_err pg_term_words(struct ah_store *base, const int64_t *terms, size_t n,
                                 struct ah_arena *a, const char **words, struct ah_error *err)
{
    struct ah_buf ids;
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    if (n == 0)
        return AH_OK;
    ah_buf_init(&ids, ARRAY_TEXT_MAX);
    rc = array_i64(&ids, terms, n, "terms", err);
    arg_text(&args, ah_buf_cstr(&ids));
    if (!rc)
        rc = run_each((struct pg *)base, ST_TERM_WORDS, &args, n, "terms", &r, err);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            words[i] = get_text0(a, r, (int)i, 0);
        PQclear(r);
    }
    ah_buf_release(&ids);
    return rc;
}

static void posting_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_posting *p = item;

    (void)a;
    p->term = get_i64(r, row, 0);
    p->group_id = get_i64(r, row, 1);
    p->weight = get_f64(r, row, 2);
}

static enum ah_err pg_group_postings(struct ah_store *base, const int64_t *terms, size_t n,
                                     int per_term, struct ah_arena *a,
                                     struct ah_qgroup_posting **items, size_t *nitems,
                                     struct ah_error *err)
{
    struct ah_buf ids;
    struct args args = {0};
    enum ah_err rc;

    assert(per_term >= 0);
    if (n == 0) {
        list_none(a, sizeof(**items), (void **)items, nitems);
        return AH_OK;
    }
    ah_buf_init(&ids, ARRAY_TEXT_MAX);
    rc = array_i64(&ids, terms, n, "postings", err);
    arg_text(&args, ah_buf_cstr(&ids));
    arg_i64(&args, per_term);
    if (!rc)
        rc = run_list((struct pg *)base, ST_GROUP_POSTINGS, &args, a, sizeof(**items),
                      n * (size_t)per_term, posting_read, (void **)items, nitems, "postings",
                      err);
    ah_buf_release(&ids);
    return rc;
}

static enum ah_err pg_group_terms_put(struct ah_store *base, int64_t group_id,
                                      const int64_t *terms, const double *weights, size_t n,
                                      struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf ids, vals;
    struct args a = {0};
    enum ah_err rc;

    arg_i64(&a, group_id);
    rc = run_cmd(q, ST_GROUP_TERMS_CLEAR, &a, "group terms", NULL, err);
    if (rc || n == 0)
        return rc;
    ah_buf_init(&ids, ARRAY_TEXT_MAX);
    ah_buf_init(&vals, ARRAY_TEXT_MAX);
    rc = array_i64(&ids, terms, n, "group terms", err);
    if (!rc)
        rc = array_f64(&vals, weights, n, "group terms", err);
    arg_text(&a, ah_buf_cstr(&ids));
    arg_text(&a, ah_buf_cstr(&vals));
    if (!rc)
        rc = run_cmd(q, ST_GROUP_TERMS_PUT, &a, "group terms", NULL, err);
    ah_buf_release(&ids);
    ah_buf_release(&vals);
    return rc;
}

/* A fix from column c on: FIX_COLS. */
static void fix_read_at(const PGresult *r, int row, int c, struct ah_arena *a, struct ah_fix *f)
{
    f->id = get_i64(r, row, c);
    f->title = get_text0(a, r, row, c + 1);
    f->url = get_text0(a, r, row, c + 2);
    f->owner_id = get_i64(r, row, c + 3);
    f->owner_name = get_text0(a, r, row, c + 4);
    f->state = (enum ah_fix_state)get_int(r, row, c + 5);
    f->shipped_at = get_i64(r, row, c + 6);
    f->created_by = get_i64(r, row, c + 7);
    f->created_at = get_i64(r, row, c + 8);
    f->updated_at = get_i64(r, row, c + 9);
}

static void fix_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    fix_read_at(r, row, 0, a, item);
}

static void group_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup *g = item;

    g->id = get_i64(r, row, 0);
    g->name = get_text0(a, r, row, 1);
    g->named = get_int(r, row, 2) != 0;
    g->status = (enum ah_qgroup_status)get_int(r, row, 3);
    g->merged_into = get_i64(r, row, 4);
    g->fix_id = get_i64(r, row, 5);
    g->size = get_i64(r, row, 6);
    g->after_fix = get_i64(r, row, 7);
    g->centroid = get_text0(a, r, row, 8);
    g->first_at = get_i64(r, row, 9);
    g->last_at = get_i64(r, row, 10);
    g->created_at = get_i64(r, row, 11);
    g->updated_at = get_i64(r, row, 12);
    fix_read_at(r, row, 13, a, &g->fix);
}

/* out[i] is the row of r (rows in id order) that is group ids[i], or id 0
 * and empty texts. */
static void groups_place(const PGresult *r, const int64_t *ids, size_t n, struct ah_arena *a,
                         struct ah_qgroup *out)
{
    int rows = PQntuples(r);

    for (size_t i = 0; i < n; i++) {
        int lo = 0, hi = rows;

        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;

            if (get_i64(r, mid, 0) < ids[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < rows && get_i64(r, lo, 0) == ids[i])
            group_read(r, lo, a, &out[i]);
        else
            out[i] = (struct ah_qgroup){.name = "", .centroid = "",
                                        .fix = {.title = "", .url = "", .owner_name = ""}};
    }
}

static enum ah_err pg_group_load(struct ah_store *base, const int64_t *ids, size_t n,
                                 struct ah_arena *a, struct ah_qgroup *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf arr;
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    if (n == 0)
        return AH_OK;
    ah_buf_init(&arr, ARRAY_TEXT_MAX);
    rc = array_i64(&arr, ids, n, "groups", err);
    arg_text(&args, ah_buf_cstr(&arr));
    /* in a transaction the groups are read to be rewritten: see pg_begin */
    if (!rc)
        rc = run(q, q->in_tx ? ST_GROUP_LOAD_LOCK : ST_GROUP_LOAD, &args, "groups", &r, err);
    if (!rc) {
        groups_place(r, ids, n, a, out);
        PQclear(r);
    }
    ah_buf_release(&arr);
    return rc;
}

/* The columns insert and update both write, name to last_at. */
static void args_group(struct args *a, const struct ah_qgroup *g)
{
    arg_c(a, g->name);
    args_i64s(a, 6, (int64_t[]){g->named, g->status, g->merged_into, g->fix_id, g->size,
                                g->after_fix});
    arg_c0(a, g->centroid);
    args_i64s(a, 2, (int64_t[]){g->first_at, g->last_at});
}

static enum ah_err pg_group_insert(struct ah_store *base, struct ah_qgroup *g,
                                   struct ah_error *err)
{
    struct args a = {0};

    args_group(&a, g);
    args_i64s(&a, 2, (int64_t[]){g->created_at, g->updated_at});
    return insert_one((struct pg *)base, ST_GROUP_INSERT, &a, "group", &g->id, err);
}

static enum ah_err pg_group_update(struct ah_store *base, const struct ah_qgroup *g,
                                   struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, g->id);
    args_group(&a, g);
    arg_i64(&a, g->updated_at);
    return change_one((struct pg *)base, ST_GROUP_UPDATE, &a, "group", g->id, err);
}

/* The SQL of one group_list shape: parameters numbered in the order
 * pg_group_list adds them. */
static enum ah_err group_list_sql(unsigned shape, struct ah_buf *sql, struct ah_error *err)
{
    int n = 0;

    ah_buf_appends(sql, "SELECT " GROUP_COLS GROUP_FROM " WHERE true", NULL);
    if (shape & GL_OPEN)
        ah_buf_appends(sql, " AND g.status < 2", NULL);
    if (shape & GL_STATUS)
        ah_buf_appendf(sql, NULL, " AND g.status = $%d", ++n);
    if (shape & GL_OWNER)
        ah_buf_appendf(sql, NULL, " AND f.owner_id = $%d", ++n);
    if (shape & GL_FIX)
        ah_buf_appendf(sql, NULL, " AND g.fix_id = $%d", ++n);
    ah_buf_appendf(sql, NULL, " ORDER BY g.size DESC, g.id LIMIT $%d OFFSET $%d", n + 1, n + 2);
    if (sql->full)
        return ah_error_set(err, AH_E_INTERNAL, "group list: SQL longer than %d bytes",
                            LIST_SQL_MAX);
    return AH_OK;
}

static enum ah_err pg_group_list(struct ah_store *base, const struct ah_qgroup_filter *f,
                                 struct ah_arena *a, struct ah_qgroup **items, size_t *n,
                                 struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    unsigned shape = 0;
    PGresult *r = NULL;
    enum ah_err rc;

    shape |= f->status < AH_QGROUP_MERGED ? GL_OPEN : 0;
    shape |= f->status >= 0 ? GL_STATUS : 0;
    shape |= f->owner_id ? GL_OWNER : 0;
    shape |= f->fix_id ? GL_FIX : 0;
    if (shape & GL_STATUS)
        arg_i64(&args, f->status);
    if (shape & GL_OWNER)
        arg_i64(&args, f->owner_id);
    if (shape & GL_FIX)
        arg_i64(&args, f->fix_id);
    args_i64s(&args, 2, (int64_t[]){f->limit, f->offset});
    rc = shape_run(q, 'g', shape, group_list_sql, &q->group_prepared[shape], &args, "groups",
                   &r, err);
    if (rc)
        return rc;
    collect(r, a, sizeof(**items), (size_t)f->limit, group_read, (void **)items, n);
    return AH_OK;
}

static enum ah_err pg_group_ticket_put(struct ah_store *base, const struct ah_qgroup_ticket *t,
                                       struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 2, (int64_t[]){t->ticket_id, t->group_id});
    arg_f64(&a, t->score);
    args_i64s(&a, 3, (int64_t[]){t->after_fix, t->joined_at, t->moved_by});
    return run_cmd((struct pg *)base, ST_GROUP_TICKET_PUT, &a, "group ticket", NULL, err);
}

static void qgroup_ticket_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_ticket *t = item;

    (void)a;
    t->ticket_id = get_i64(r, row, 0);
    t->group_id = get_i64(r, row, 1);
    t->score = get_f64(r, row, 2);
    t->after_fix = get_int(r, row, 3) != 0;
    t->joined_at = get_i64(r, row, 4);
    t->moved_by = get_i64(r, row, 5);
}

static enum ah_err pg_group_ticket_get(struct ah_store *base, int64_t ticket_id,
                                       struct ah_qgroup_ticket *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    enum ah_err rc;

    arg_i64(&args, ticket_id);
    /* in a transaction a move reads the ticket's place to change it: see pg_begin */
    rc = one_row(q, q->in_tx ? ST_GROUP_TICKET_GET_LOCK : ST_GROUP_TICKET_GET, &args, NULL,
                 qgroup_ticket_read, out, "group ticket", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " is not grouped", ticket_id);
    return rc;
}

static void qgroup_member_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_member *m = item;

    m->ticket_id = get_i64(r, row, 0);
    m->subject = get_text0(a, r, row, 1);
    m->status = (enum ah_status)get_int(r, row, 2);
    m->tier = get_int(r, row, 3);
    m->created_at = get_i64(r, row, 4);
    m->score = get_f64(r, row, 5);
    m->after_fix = get_int(r, row, 6) != 0;
}

static enum ah_err pg_group_members(struct ah_store *base, int64_t group_id,
                                    const struct ah_qgroup_member_filter *f, struct ah_arena *a,
                                    struct ah_qgroup_member **items, size_t *n,
                                    struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 6, (int64_t[]){group_id, f->before_id ? f->before_id : INT64_MAX,
                                    f->exclude_id, f->max_tier > 0 ? f->max_tier : INT64_MAX,
                                    f->open_only ? AH_STATUS_SOLVED : INT64_MAX, f->limit});
    return run_list((struct pg *)base, ST_GROUP_MEMBERS, &args, a, sizeof(**items),
                    (size_t)f->limit, qgroup_member_read, (void **)items, n, "group tickets",
                    err);
}

static enum ah_err pg_group_week_add(struct ah_store *base, int64_t group_id, int64_t week_day,
                                     int64_t delta, struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 3, (int64_t[]){group_id, week_day, delta});
    return run_cmd((struct pg *)base, ST_GROUP_WEEK_ADD, &a, "group weeks", NULL, err);
}

static void qgroup_week_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_week *w = item;

    (void)a;
    w->group_id = get_i64(r, row, 0);
    w->week_day = get_i64(r, row, 1);
    w->n = get_i64(r, row, 2);
}

static enum ah_err pg_group_weeks(struct ah_store *base, const int64_t *ids, size_t n,
                                  int64_t from_day, int64_t to_day, struct ah_arena *a,
                                  struct ah_qgroup_week **items, size_t *nitems,
                                  struct ah_error *err)
{
    struct ah_buf arr;
    struct args args = {0};
    enum ah_err rc;

    if (n == 0) {
        list_none(a, sizeof(**items), (void **)items, nitems);
        return AH_OK;
    }
    ah_buf_init(&arr, ARRAY_TEXT_MAX);
    rc = array_i64(&arr, ids, n, "group weeks", err);
    arg_text(&args, ah_buf_cstr(&arr));
    args_i64s(&args, 3, (int64_t[]){from_day, to_day, LIST_MAX});
    if (!rc)
        rc = run_list((struct pg *)base, ST_GROUP_WEEKS, &args, a, sizeof(**items), LIST_MAX,
                      qgroup_week_read, (void **)items, nitems, "group weeks", err);
    ah_buf_release(&arr);
    return rc;
}

static enum ah_err pg_group_move_all(struct ah_store *base, int64_t from, int64_t into,
                                     struct ah_error *err)
{
    struct args a = {0};

    /* the weeks would count twice, and the postings go */
    if (from == into)
        return ah_error_set(err, AH_E_INVALID, "group %" PRId64 " cannot merge into itself",
                            from);
    args_i64s(&a, 2, (int64_t[]){from, into});
    return run_cmd((struct pg *)base, ST_GROUP_MOVE_ALL, &a, "group merge", NULL, err);
}

static void answerer_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_qgroup_answerer *p = item;

    p->person_id = get_i64(r, row, 0);
    p->name = get_text0(a, r, row, 1);
    p->department = get_text0(a, r, row, 2);
    p->leader = get_int(r, row, 3) != 0;
    p->tickets = get_i64(r, row, 4);
}

static enum ah_err pg_group_answerers(struct ah_store *base, int64_t group_id,
                                      struct ah_arena *a, struct ah_qgroup_answerer **items,
                                      size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){group_id, LIST_MAX});
    return run_list((struct pg *)base, ST_GROUP_ANSWERERS, &args, a, sizeof(**items), LIST_MAX,
                    answerer_read, (void **)items, n, "group answerers", err);
}

static enum ah_err pg_fix_insert(struct ah_store *base, struct ah_fix *f, struct ah_error *err)
{
    struct args a = {0};

    arg_c(&a, f->title);
    arg_c0(&a, f->url);
    args_i64s(&a, 6, (int64_t[]){f->owner_id, f->state, f->shipped_at, f->created_by,
                                 f->created_at, f->updated_at});
    return insert_one((struct pg *)base, ST_FIX_INSERT, &a, "fix", &f->id, err);
}

static enum ah_err pg_fix_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                              struct ah_fix *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    enum ah_err rc;

    arg_i64(&args, id);
    /* in a transaction a lead reads it to change it: see pg_begin */
    rc = one_row(q, q->in_tx ? ST_FIX_GET_LOCK : ST_FIX_GET, &args, a, fix_read, out, "fix", "",
                 err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "fix %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err pg_fix_update(struct ah_store *base, const struct ah_fix *f,
                                 struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, f->id);
    arg_c(&a, f->title);
    arg_c0(&a, f->url);
    args_i64s(&a, 4, (int64_t[]){f->owner_id, f->state, f->shipped_at, f->updated_at});
    return change_one((struct pg *)base, ST_FIX_UPDATE, &a, "fix", f->id, err);
}

static enum ah_err pg_fix_list(struct ah_store *base, int64_t owner_id, struct ah_arena *a,
                               struct ah_fix **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 2, (int64_t[]){owner_id, FIXES_MAX});
    return run_list((struct pg *)base, owner_id ? ST_FIX_LIST : ST_FIX_LIST_ALL, &args, a,
                    sizeof(**items), FIXES_MAX, fix_read, (void **)items, n, "fixes", err);
}

/* ---- internal escalations, route-backs, launches, kudos ---- */

/* A ticket in brief from column c on: TICKET_BRIEF_COLS. */
static void brief_read_at(const PGresult *r, int row, int c, struct ah_arena *a,
                          struct ah_ticket_brief *b)
{
    b->id = get_i64(r, row, c);
    b->subject = get_text0(a, r, row, c + 1);
    b->status = (enum ah_status)get_int(r, row, c + 2);
    b->priority = (enum ah_priority)get_int(r, row, c + 3);
    b->tier = get_int(r, row, c + 4);
    b->created_at = get_i64(r, row, c + 5);
}

static void intake_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_intake *i = item;

    i->id = get_i64(r, row, 0);
    i->ticket_id = get_i64(r, row, 1);
    i->filer_id = get_i64(r, row, 2);
    i->filer_name = get_text0(a, r, row, 3);
    i->channel = get_text0(a, r, row, 4);
    i->why = get_text0(a, r, row, 5);
    i->created_at = get_i64(r, row, 6);
    i->told_at = get_i64(r, row, 7);
    brief_read_at(r, row, 8, a, &i->ticket);
}

static enum ah_err pg_intake_insert(struct ah_store *base, struct ah_intake *i,
                                    struct ah_error *err)
{
    struct args a = {0};
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){i->ticket_id, i->filer_id});
    arg_c(&a, i->channel);
    arg_c0(&a, i->why);
    args_i64s(&a, 2, (int64_t[]){i->created_at, i->told_at});
    rc = insert_one((struct pg *)base, ST_INTAKE_INSERT, &a, "escalation", &i->id, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "ticket %" PRId64 " is an escalation already",
                            i->ticket_id);
    return rc;
}

static enum ah_err pg_intake_get(struct ah_store *base, int64_t id, int64_t ticket_id,
                                 struct ah_arena *a, struct ah_intake *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    enum st st;
    enum ah_err rc;

    arg_i64(&args, id ? id : ticket_id);
    /* in a transaction it is read to tell its filer: see pg_begin */
    if (id)
        st = q->in_tx ? ST_INTAKE_GET_LOCK : ST_INTAKE_GET;
    else
        st = q->in_tx ? ST_INTAKE_BY_TICKET_LOCK : ST_INTAKE_BY_TICKET;
    rc = one_row(q, st, &args, a, intake_read, out, "escalation", "", err);
    if (rc == AH_E_NOT_FOUND && id)
        return ah_error_set(err, AH_E_NOT_FOUND, "escalation %" PRId64 " does not exist", id);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " is not an escalation",
                            ticket_id);
    return rc;
}

static enum ah_err pg_intake_list(struct ah_store *base, int64_t filer_id, int64_t before_id,
                                  int limit, struct ah_arena *a, struct ah_intake **items,
                                  size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){filer_id, before_id ? before_id : INT64_MAX, limit});
    return run_list((struct pg *)base, filer_id ? ST_INTAKE_LIST : ST_INTAKE_LIST_ALL, &args, a,
                    sizeof(**items), (size_t)limit, intake_read, (void **)items, n,
                    "escalations", err);
}

static enum ah_err pg_intake_told(struct ah_store *base, int64_t id, int64_t at, bool *first,
                                  struct ah_error *err)
{
    struct args a = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&a, 2, (int64_t[]){id, at});
    rc = run_cmd((struct pg *)base, ST_INTAKE_TOLD, &a, "escalation", &n, err);
    if (!rc)
        *first = n == 1;
    return rc;
}

static void intake_count_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_intake_count *c = item;

    c->filer_id = get_i64(r, row, 0);
    c->name = get_text0(a, r, row, 1);
    c->department = get_text0(a, r, row, 2);
    c->filed = get_i64(r, row, 3);
    c->urgent = get_i64(r, row, 4);
}

static enum ah_err pg_intake_counts(struct ah_store *base, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_intake_count **items,
                                    size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from, to, LIST_MAX});
    return run_list((struct pg *)base, ST_INTAKE_COUNTS, &args, a, sizeof(**items), LIST_MAX,
                    intake_count_read, (void **)items, n, "escalation counts", err);
}

static enum ah_err pg_route_back_insert(struct ah_store *base, struct ah_route_back *rb,
                                        struct ah_error *err)
{
    struct args a = {0};

    args_i64s(&a, 3, (int64_t[]){rb->ticket_id, rb->person_id, rb->cause});
    arg_c(&a, rb->reason);
    args_i64s(&a, 2, (int64_t[]){rb->marked_by, rb->created_at});
    return insert_one((struct pg *)base, ST_ROUTE_BACK_INSERT, &a, "route-back", &rb->id, err);
}

static void route_back_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_route_back *rb = item;

    rb->id = get_i64(r, row, 0);
    rb->ticket_id = get_i64(r, row, 1);
    rb->person_id = get_i64(r, row, 2);
    rb->person_name = get_text0(a, r, row, 3);
    rb->department = get_text0(a, r, row, 4);
    rb->cause = (enum ah_route_cause)get_int(r, row, 5);
    rb->reason = get_text0(a, r, row, 6);
    rb->marked_by = get_i64(r, row, 7);
    rb->created_at = get_i64(r, row, 8);
}

static enum ah_err pg_route_back_list(struct ah_store *base, int64_t ticket_id,
                                      struct ah_arena *a, struct ah_route_back **items,
                                      size_t *n, struct ah_error *err)
{
    return list_ticket((struct pg *)base, ST_ROUTE_BACK_LIST, ticket_id, a, sizeof(**items),
                       route_back_read, (void **)items, n, "route-backs", err);
}

static void route_back_count_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_route_back_count *c = item;

    c->department = get_text0(a, r, row, 0);
    c->promises = get_i64(r, row, 1);
    c->changes = get_i64(r, row, 2);
}

static enum ah_err pg_route_back_counts(struct ah_store *base, int64_t from, int64_t to,
                                        struct ah_arena *a, struct ah_route_back_count **items,
                                        size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from, to, LIST_MAX});
    return run_list((struct pg *)base, ST_ROUTE_BACK_COUNTS, &args, a, sizeof(**items),
                    LIST_MAX, route_back_count_read, (void **)items, n, "route-back counts",
                    err);
}

static void launch_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_launch *l = item;

    l->id = get_i64(r, row, 0);
    l->title = get_text0(a, r, row, 1);
    l->launch_day = get_i64(r, row, 2);
    l->changes = get_text0(a, r, row, 3);
    l->impact = get_text0(a, r, row, 4);
    l->tags = get_text0(a, r, row, 5);
    l->created_by = get_i64(r, row, 6);
    l->creator_name = get_text0(a, r, row, 7);
    l->readiness = (enum ah_readiness)get_int(r, row, 8);
    l->missing = get_text0(a, r, row, 9);
    l->readiness_note = get_text0(a, r, row, 10);
    l->judged_by = get_i64(r, row, 11);
    l->judged_at = get_i64(r, row, 12);
    l->created_at = get_i64(r, row, 13);
    l->updated_at = get_i64(r, row, 14);
}

/* The columns insert and update both write: title to tags, then (after
 * insert's created_by) readiness to judged_at. */
static void args_launch(struct args *a, const struct ah_launch *l)
{
    arg_c(a, l->title);
    arg_i64(a, l->launch_day);
    arg_c0(a, l->changes);
    arg_c0(a, l->impact);
    arg_c0(a, l->tags);
}

static void args_readiness(struct args *a, const struct ah_launch *l)
{
    arg_i64(a, l->readiness);
    arg_c0(a, l->missing);
    arg_c0(a, l->readiness_note);
    args_i64s(a, 2, (int64_t[]){l->judged_by, l->judged_at});
}

static enum ah_err pg_launch_insert(struct ah_store *base, struct ah_launch *l,
                                    struct ah_error *err)
{
    struct args a = {0};

    args_launch(&a, l);
    arg_i64(&a, l->created_by);
    args_readiness(&a, l);
    args_i64s(&a, 2, (int64_t[]){l->created_at, l->updated_at});
    return insert_one((struct pg *)base, ST_LAUNCH_INSERT, &a, "launch", &l->id, err);
}

static enum ah_err pg_launch_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_launch *out, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct args args = {0};
    enum ah_err rc;

    arg_i64(&args, id);
    /* in a transaction it is read to be rewritten: see pg_begin */
    rc = one_row(q, q->in_tx ? ST_LAUNCH_GET_LOCK : ST_LAUNCH_GET, &args, a, launch_read, out,
                 "launch", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "launch %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err pg_launch_update(struct ah_store *base, const struct ah_launch *l,
                                    struct ah_error *err)
{
    struct args a = {0};

    arg_i64(&a, l->id);
    args_launch(&a, l);
    args_readiness(&a, l);
    arg_i64(&a, l->updated_at);
    return change_one((struct pg *)base, ST_LAUNCH_UPDATE, &a, "launch", l->id, err);
}

static enum ah_err pg_launch_list(struct ah_store *base, int64_t from_day, int64_t to_day,
                                  struct ah_arena *a, struct ah_launch **items, size_t *n,
                                  struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from_day, to_day, LIST_MAX});
    return run_list((struct pg *)base, ST_LAUNCH_LIST, &args, a, sizeof(**items), LIST_MAX,
                    launch_read, (void **)items, n, "launches", err);
}

/* A row of ST_TAGGED_TICKETS: the ticket after the count. */
static void tagged_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    brief_read_at(r, row, 1, a, item);
}

static enum ah_err pg_tagged_tickets(struct ah_store *base, const char *const *tags,
                                     size_t ntags, int64_t from, int64_t to, int limit,
                                     struct ah_arena *a, int64_t *total,
                                     struct ah_ticket_brief **items, size_t *n,
                                     struct ah_error *err)
{
    struct ah_buf arr;
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    assert(limit >= 0);
    if (ntags == 0) {
        *total = 0;
        list_none(a, sizeof(**items), (void **)items, n);
        return AH_OK;
    }
    ah_buf_init(&arr, ARRAY_TEXT_MAX);
    rc = array_text(&arr, tags, ntags, "tags", err);
    arg_text(&args, ah_buf_cstr(&arr));
    args_i64s(&args, 3, (int64_t[]){from, to, limit});
    if (!rc)
        rc = run((struct pg *)base, ST_TAGGED_TICKETS, &args, "tagged tickets", &r, err);
    if (!rc && PQntuples(r) < 1) {
        rc = ah_error_set(err, AH_E_INTERNAL, "tagged tickets: no count");
        PQclear(r);
    }
    if (!rc) {
        *total = get_i64(r, 0, 0);
        collect(r, a, sizeof(**items), PQgetisnull(r, 0, 1) ? 0 : (size_t)limit, tagged_read,
                (void **)items, n);
    }
    ah_buf_release(&arr);
    return rc;
}

static enum ah_err pg_kudos_insert(struct ah_store *base, struct ah_kudos *k,
                                   struct ah_error *err)
{
    struct args a = {0};
    enum ah_err rc;

    args_i64s(&a, 5, (int64_t[]){k->message_id, k->ticket_id, k->person_id, k->giver_id,
                                 k->from_customer});
    arg_c0(&a, k->text);
    arg_c0(&a, k->quote);
    arg_i64(&a, k->created_at);
    rc = insert_one((struct pg *)base, ST_KUDOS_INSERT, &a, "kudos", &k->id, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT,
                            "kudos for message %" PRId64 " were already given", k->message_id);
    return rc;
}

static void kudos_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_kudos *k = item;

    k->id = get_i64(r, row, 0);
    k->message_id = get_i64(r, row, 1);
    k->ticket_id = get_i64(r, row, 2);
    k->person_id = get_i64(r, row, 3);
    k->person_name = get_text0(a, r, row, 4);
    k->giver_id = get_i64(r, row, 5);
    k->giver_name = get_text0(a, r, row, 6);
    k->from_customer = get_int(r, row, 7) != 0;
    k->text = get_text0(a, r, row, 8);
    k->quote = get_text0(a, r, row, 9);
    k->subject = get_text0(a, r, row, 10);
    k->created_at = get_i64(r, row, 11);
}

static enum ah_err pg_kudos_list(struct ah_store *base, int64_t person_id, int64_t from,
                                 int64_t to, int64_t before_id, int limit, struct ah_arena *a,
                                 struct ah_kudos **items, size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 5, (int64_t[]){person_id, from, to ? to : INT64_MAX,
                                    before_id ? before_id : INT64_MAX, limit});
    return run_list((struct pg *)base, person_id ? ST_KUDOS_LIST : ST_KUDOS_LIST_ALL, &args, a,
                    sizeof(**items), (size_t)limit, kudos_read, (void **)items, n, "kudos",
                    err);
}

/* ---- the weekly digest ---- */

/* a day in milliseconds, the unit of every time here */
#define DAY_MS INT64_C(86400000)

static void timing_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_digest_timing *t = item;

    t->ticket_id = get_i64(r, row, 0);
    t->tier = get_int(r, row, 1);
    t->created_at = get_i64(r, row, 2);
    t->at = get_i64(r, row, 3);
    t->due_at = get_i64(r, row, 4);
    t->department = get_text0(a, r, row, 5);
}

/* The tickets of statement id ($1 from, $2 to, $3 the cap). */
static enum ah_err timings(struct pg *q, enum st id, int64_t from, int64_t to,
                           struct ah_arena *a, struct ah_digest_timing **items, size_t *n,
                           const char *what, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from, to, LIST_MAX});
    return run_list(q, id, &args, a, sizeof(**items), LIST_MAX, timing_read, (void **)items, n,
                    what, err);
}

static enum ah_err pg_digest_responses(struct ah_store *base, int64_t from, int64_t to,
                                       struct ah_arena *a, struct ah_digest_timing **items,
                                       size_t *n, struct ah_error *err)
{
    return timings((struct pg *)base, ST_DIGEST_RESPONSES, from, to, a, items, n,
                   "first responses", err);
}

static enum ah_err pg_digest_solved(struct ah_store *base, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_digest_timing **items,
                                    size_t *n, struct ah_error *err)
{
    return timings((struct pg *)base, ST_DIGEST_SOLVED, from, to, a, items, n,
                   "solved tickets", err);
}

/* Runs statement id, which returns one row of n numbers, into v. */
static enum ah_err counts_row(struct pg *q, enum st id, const struct args *args, int n,
                              const char *what, int64_t *v, struct ah_error *err)
{
    PGresult *r = NULL;
    enum ah_err rc = run(q, id, args, what, &r, err);

    if (rc)
        return rc;
    if (PQntuples(r) == 1 && PQnfields(r) == n) {
        for (int c = 0; c < n; c++)
            v[c] = get_i64(r, 0, c);
    } else {
        rc = ah_error_set(err, AH_E_INTERNAL, "%s: %d rows", what, PQntuples(r));
    }
    PQclear(r);
    return rc;
}

static enum ah_err pg_digest_breaches(struct ah_store *base, int64_t from, int64_t to,
                                      int64_t now, struct ah_digest_breaches *out,
                                      struct ah_error *err)
{
    struct args args = {0};
    int64_t v[4];
    enum ah_err rc;

    args_i64s(&args, 3, (int64_t[]){from, to, to < now ? to : now});
    rc = counts_row((struct pg *)base, ST_DIGEST_BREACHES, &args, 4, "deadlines", v, err);
    if (!rc)
        *out = (struct ah_digest_breaches){.first_due = v[0], .first_missed = v[1],
                                           .resolve_due = v[2], .resolve_missed = v[3]};
    return rc;
}

static enum ah_err pg_digest_backlog(struct ah_store *base, int64_t now,
                                     struct ah_digest_backlog *out, struct ah_error *err)
{
    struct ah_digest_backlog b = {{{0}}};
    struct args args = {0};
    PGresult *r = NULL;
    enum ah_err rc;

    args_i64s(&args, 3, (int64_t[]){now - DAY_MS, now - 3 * DAY_MS, now - 7 * DAY_MS});
    rc = run((struct pg *)base, ST_DIGEST_BACKLOG, &args, "backlog", &r, err);
    if (rc)
        return rc;
    for (int row = 0; row < PQntuples(r); row++) {
        int tier = get_int(r, row, 0);

        assert(tier == 1 || tier == 2);
        for (int age = 0; age < AH_BACKLOG_AGES; age++)
            b.tickets[tier - 1][age] = get_i64(r, row, 1 + age);
    }
    PQclear(r);
    *out = b;
    return AH_OK;
}

static enum ah_err pg_review_outcomes(struct ah_store *base, int64_t from, int64_t to,
                                      struct ah_review_outcomes *out, struct ah_error *err)
{
    struct args args = {0};
    int64_t v[3];
    enum ah_err rc;

    args_i64s(&args, 2, (int64_t[]){from, to});
    rc = counts_row((struct pg *)base, ST_REVIEW_OUTCOMES, &args, 3, "review outcomes", v, err);
    if (!rc)
        *out = (struct ah_review_outcomes){.approved = v[0], .edited = v[1], .returned = v[2]};
    return rc;
}

static enum ah_err pg_group_top_week(struct ah_store *base, int64_t week_day, int limit,
                                     struct ah_arena *a, struct ah_qgroup_week **items,
                                     size_t *n, struct ah_error *err)
{
    struct args args = {0};

    assert(limit >= 0);
    args_i64s(&args, 2, (int64_t[]){week_day, limit});
    return run_list((struct pg *)base, ST_GROUP_TOP_WEEK, &args, a, sizeof(**items),
                    (size_t)limit, qgroup_week_read, (void **)items, n, "top groups", err);
}

static void after_fix_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_after_fix_count *c = item;

    (void)a;
    c->group_id = get_i64(r, row, 0);
    c->tickets = get_i64(r, row, 1);
}

static enum ah_err pg_after_fix_counts(struct ah_store *base, int64_t from, int64_t to,
                                       struct ah_arena *a, struct ah_after_fix_count **items,
                                       size_t *n, struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){from, to, LIST_MAX});
    return run_list((struct pg *)base, ST_AFTER_FIX_COUNTS, &args, a, sizeof(**items),
                    LIST_MAX, after_fix_read, (void **)items, n, "after-fix counts", err);
}

static enum ah_err pg_digest_subscription_get(struct ah_store *base, int64_t person_id,
                                              bool *set, bool *subscribed, struct ah_error *err)
{
    struct args args = {0};
    int64_t v = 0;
    bool missing = true;
    enum ah_err rc;

    arg_i64(&args, person_id);
    rc = run_i64((struct pg *)base, ST_DIGEST_SUB_GET, &args, "digest subscription", &v,
                 &missing, err);
    if (rc)
        return rc;
    *set = !missing;
    *subscribed = !missing && v != 0;
    return AH_OK;
}

static enum ah_err pg_digest_subscription_put(struct ah_store *base, int64_t person_id,
                                              bool subscribed, int64_t now,
                                              struct ah_error *err)
{
    struct args args = {0};

    args_i64s(&args, 3, (int64_t[]){person_id, subscribed ? 1 : 0, now});
    return run_cmd((struct pg *)base, ST_DIGEST_SUB_PUT, &args, "digest subscription", NULL,
                   err);
}

static void subscriber_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_digest_subscriber *s = item;

    s->person_id = get_i64(r, row, 0);
    s->email = get_text0(a, r, row, 1);
    s->name = get_text0(a, r, row, 2);
}

static enum ah_err pg_digest_subscribers(struct ah_store *base, struct ah_arena *a,
                                         struct ah_digest_subscriber **items, size_t *n,
                                         struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, LIST_MAX);
    return run_list((struct pg *)base, ST_DIGEST_SUBSCRIBERS, &args, a, sizeof(**items),
                    LIST_MAX, subscriber_read, (void **)items, n, "digest subscribers", err);
}

static enum ah_err pg_digest_claim(struct ah_store *base, int64_t week_day, int64_t now,
                                   bool *first, struct ah_error *err)
{
    struct args args = {0};
    int64_t v = 0;
    bool missing = true;
    enum ah_err rc;

    args_i64s(&args, 2, (int64_t[]){week_day, now});
    rc = run_i64((struct pg *)base, ST_DIGEST_CLAIM, &args, "digest run", &v, &missing, err);
    if (!rc)
        *first = !missing;
    return rc;
}

static enum ah_err pg_digest_done(struct ah_store *base, int64_t week_day, int64_t recipients,
                                  struct ah_error *err)
{
    struct args args = {0};
    int64_t n = 0;
    enum ah_err rc;

    args_i64s(&args, 2, (int64_t[]){week_day, recipients});
    rc = run_cmd((struct pg *)base, ST_DIGEST_DONE, &args, "digest run", &n, err);
    if (!rc && n == 0)
        return ah_error_set(err, AH_E_NOT_FOUND,
                            "no digest was claimed for the week of day %" PRId64, week_day);
    return rc;
}

/* ---- audit ---- */

static enum ah_err pg_audit_insert(struct ah_store *base, struct ah_audit_entry *e,
                                   struct ah_error *err)
{
    struct args a = {0};
    int64_t id = 0;
    bool missing;
    enum ah_err rc;

    arg_i64(&a, e->at);
    arg_i64(&a, e->actor_id);
    arg_c(&a, e->action);
    arg_c(&a, e->target);
    arg_c(&a, e->before);
    arg_c(&a, e->after);
    rc = run_i64((struct pg *)base, ST_AUDIT_INSERT, &a, "audit", &id, &missing, err);
    if (!rc)
        e->id = id;
    return rc;
}

static void audit_read(const PGresult *r, int row, struct ah_arena *a, void *item)
{
    struct ah_audit_entry *e = item;

    e->id = get_i64(r, row, 0);
    e->at = get_i64(r, row, 1);
    e->actor_id = get_i64(r, row, 2);
    e->action = get_text0(a, r, row, 3);
    e->target = get_text0(a, r, row, 4);
    e->before = get_text(a, r, row, 5);
    e->after = get_text(a, r, row, 6);
}

static enum ah_err pg_audit_list(struct ah_store *base, int64_t before_id, int limit,
                                 struct ah_arena *a, struct ah_audit_entry **items, size_t *n,
                                 struct ah_error *err)
{
    struct args args = {0};

    arg_i64(&args, before_id ? before_id : INT64_MAX);
    arg_i64(&args, limit);
    return run_list((struct pg *)base, ST_AUDIT_LIST, &args, a, sizeof(**items), (size_t)limit,
                    audit_read, (void **)items, n, "audit", err);
}

/* ---- text index and checkpoints: nothing behind the requests ---- */

/* The tsvector columns are generated in the statement that writes the text,
 * so every search already sees every committed row. */
static enum ah_err pg_text_index(struct ah_store *base, int limit, bool *more,
                                 struct ah_error *err)
{
    (void)base;
    (void)limit;
    (void)err;
    *more = false;
    return AH_OK;
}

static enum ah_err pg_try_lead(struct ah_store *base, bool *leader, struct ah_error *err)
{
    struct args a = {0};
    int64_t v = 0;
    bool missing;
    enum ah_err rc = run_i64((struct pg *)base, ST_TRY_LEAD, &a, "upkeep lock", &v, &missing, err);

    if (!rc)
        *leader = v == 1;
    return rc;
}

static bool pg_should_retry(struct ah_store *base)
{
    return ((struct pg *)base)->raced;
}

/* PostgreSQL's checkpointer runs by itself. */
static enum ah_err pg_checkpoint(struct ah_store *base, struct ah_error *err)
{
    (void)base;
    (void)err;
    return AH_OK;
}

/* ---- copying tables (allhands copy): SQL built from ah_store_tables ---- */

/* Runs sql with n parameters in text format (NULL: SQL NULL); on success *out
 * (if out is not NULL) is the result, for the caller to PQclear. */
static enum ah_err exec_text(struct pg *q, const char *sql, int n, const char *const *vals,
                             const char *what, PGresult **out, struct ah_error *err)
{
    enum ah_err rc = ready(q, err);
    PGresult *r = NULL;
    ExecStatusType st;

    if (rc)
        return rc;
    r = PQexecParams(q->conn, sql, n, NULL, vals, NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (out)
            *out = r;
        else
            PQclear(r);
        return AH_OK;
    }
    rc = pg_error(q, r, what, err);
    PQclear(r);
    return rc;
}

static enum ah_err pg_schema_version(struct ah_store *base, int *version, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    PGresult *r = NULL;
    bool exists;
    enum ah_err rc = exec_text(q, "SELECT to_regclass('schema_version') IS NOT NULL", 0, NULL,
                               "schema version", &r, err);

    if (rc)
        return rc;
    exists = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists) {
        *version = 0; /* migrate has never run here */
        return AH_OK;
    }
    return schema_version(q, version, err);
}

static enum ah_err pg_table_count(struct ah_store *base, const struct ah_store_table *t,
                                  int64_t *n, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf sql;
    PGresult *r = NULL;
    enum ah_err rc;

    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "SELECT count(*) FROM %s", t->name);
    if (!rc)
        rc = exec_text(q, ah_buf_cstr(&sql), 0, NULL, "count rows", &r, err);
    if (!rc) {
        *n = get_i64(r, 0, 0);
        PQclear(r);
    }
    ah_buf_release(&sql);
    return rc;
}

/* A key column as ORDER BY and the row comparison see it: text bytewise
 * (COLLATE "C"), as SQLite's BINARY, whatever the database's collation. */
static enum ah_err key_col(struct ah_buf *sql, const struct ah_store_column *c,
                           struct ah_error *err)
{
    return ah_buf_appendf(sql, err, "%s%s", c->name, c->integer ? "" : " COLLATE \"C\"");
}

static enum ah_err read_sql(const struct ah_store_table *t, bool after, struct ah_buf *sql,
                            struct ah_error *err)
{
    enum ah_err rc = ah_buf_appends(sql, "SELECT ", err);

    for (int c = 0; !rc && c < t->ncols; c++)
        rc = ah_buf_appendf(sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
    if (!rc)
        rc = ah_buf_appendf(sql, err, " FROM %s", t->name);
    if (!rc && after) {
        rc = ah_buf_appends(sql, " WHERE (", err);
        for (int c = 0; !rc && c < t->nkey; c++) {
            rc = ah_buf_appends(sql, c ? ", " : "", err);
            if (!rc)
                rc = key_col(sql, &t->cols[c], err);
        }
        if (!rc)
            rc = ah_buf_appends(sql, ") > (", err);
        for (int c = 0; !rc && c < t->nkey; c++)
            rc = ah_buf_appendf(sql, err, "%s$%d::%s", c ? ", " : "", c + 1,
                                t->cols[c].integer ? "bigint" : "text");
        if (!rc)
            rc = ah_buf_appends(sql, ")", err);
    }
    if (!rc)
        rc = ah_buf_appends(sql, " ORDER BY ", err);
    for (int c = 0; !rc && c < t->nkey; c++) {
        rc = ah_buf_appends(sql, c ? ", " : "", err);
        if (!rc)
            rc = key_col(sql, &t->cols[c], err);
    }
    if (!rc)
        rc = ah_buf_appendf(sql, err, " LIMIT $%d::bigint OFFSET $%d::bigint",
                            after ? t->nkey + 1 : 1, after ? t->nkey + 2 : 2);
    return rc;
}

static enum ah_err pg_table_read(struct ah_store *base, const struct ah_store_table *t,
                                 const char *const *after, int64_t offset, int limit,
                                 struct ah_arena *a, const char ***rows, size_t *n,
                                 struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf sql;
    const char *vals[AH_STORE_MAX_COLS + 2];
    char lim[24], off[24];
    bool by_key = t->unique && after;
    int nv = 0;
    PGresult *r = NULL;
    enum ah_err rc;

    assert(limit > 0 && t->nkey <= AH_STORE_MAX_COLS);
    for (int c = 0; by_key && c < t->nkey; c++)
        vals[nv++] = after[c];
    snprintf(lim, sizeof(lim), "%d", limit);
    snprintf(off, sizeof(off), "%" PRId64, t->unique ? (int64_t)0 : offset);
    vals[nv++] = lim;
    vals[nv++] = off;
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = read_sql(t, by_key, &sql, err);
    if (!rc)
        rc = exec_text(q, ah_buf_cstr(&sql), nv, vals, "read rows", &r, err);
    ah_buf_release(&sql);
    if (rc)
        return rc;
    {
        size_t count = (size_t)PQntuples(r);
        const char **out = ah_arena_alloc(a, (count ? count : 1) * (size_t)t->ncols *
                                                 sizeof(*out));

        for (size_t i = 0; i < count; i++)
            for (int c = 0; c < t->ncols; c++)
                out[i * (size_t)t->ncols + (size_t)c] = get_text(a, r, (int)i, c);
        PQclear(r);
        *rows = out;
        *n = count;
    }
    return AH_OK;
}

/* v in COPY's text format: backslash, tab, newline and carriage return
 * escaped; NULL is \N. */
static enum ah_err copy_value(struct ah_buf *b, const char *v, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    if (!v)
        return ah_buf_appends(b, "\\N", err);
    for (const char *p = v; !rc && *p; p++) {
        switch (*p) {
        case '\\': rc = ah_buf_appends(b, "\\\\", err); break;
        case '\t': rc = ah_buf_appends(b, "\\t", err); break;
        case '\n': rc = ah_buf_appends(b, "\\n", err); break;
        case '\r': rc = ah_buf_appends(b, "\\r", err); break;
        default: rc = ah_buf_append(b, p, 1, err); break;
        }
    }
    return rc;
}

/* Rows go in with COPY FROM STDIN, text format, a few hundred KB per
 * message: one round trip per batch instead of one per row. */
#define COPY_CHUNK (256 * 1024)
/* a chunk and one row past it: rows are bounded by the limits of the
 * fields they hold, a message body far below this */
#define COPY_DATA_MAX (64 * 1024 * 1024)

static enum ah_err copy_send(struct pg *q, struct ah_buf *b, struct ah_error *err)
{
    if (b->len && PQputCopyData(q->conn, b->p, (int)b->len) != 1)
        return pg_error(q, NULL, "copy rows", err);
    ah_buf_reset(b);
    return AH_OK;
}

static enum ah_err pg_table_write(struct ah_store *base, const struct ah_store_table *t,
                                  const char *const *rows, size_t n, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf sql, data;
    PGresult *r = NULL;
    enum ah_err rc = ready(q, err);

    if (rc || n == 0)
        return rc;
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "COPY %s (", t->name);
    for (int c = 0; !rc && c < t->ncols; c++)
        rc = ah_buf_appendf(&sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
    if (!rc)
        rc = ah_buf_appends(&sql, ") FROM STDIN", err);
    if (rc) {
        ah_buf_release(&sql);
        return rc;
    }
    r = PQexec(q->conn, ah_buf_cstr(&sql));
    ah_buf_release(&sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = pg_error(q, r, t->name, err);
        PQclear(r);
        return rc;
    }
    PQclear(r);
    ah_buf_init(&data, COPY_DATA_MAX);
    for (size_t k = 0; !rc && k < n; k++) {
        const char *const *row = rows + k * (size_t)t->ncols;

        for (int c = 0; !rc && c < t->ncols; c++) {
            rc = ah_buf_appends(&data, c ? "\t" : "", err);
            if (!rc)
                rc = copy_value(&data, row[c], err);
        }
        if (!rc)
            rc = ah_buf_appends(&data, "\n", err);
        if (!rc && data.len >= COPY_CHUNK)
            rc = copy_send(q, &data, err);
    }
    if (!rc)
        rc = copy_send(q, &data, err);
    ah_buf_release(&data);
    /* an error ends the COPY with a failure, so nothing of it is kept */
    if (PQputCopyEnd(q->conn, rc ? "allhands: copy abandoned" : NULL) != 1 && !rc)
        rc = pg_error(q, NULL, "copy rows", err);
    while ((r = PQgetResult(q->conn)) != NULL) {
        if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
            rc = pg_error(q, r, t->name, err);
        PQclear(r);
    }
    return rc;
}

static enum ah_err pg_table_link(struct ah_store *base, const struct ah_store_table *t,
                                 const char *const *pairs, size_t n, struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf sql;
    enum ah_err rc;

    assert(t->self_ref >= 0 && t->nkey == 1);
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "UPDATE %s SET %s = $2::bigint WHERE %s = $1::bigint",
                        t->name, t->cols[t->self_ref].name, t->cols[0].name);
    for (size_t i = 0; !rc && i < n; i++)
        rc = exec_text(q, ah_buf_cstr(&sql), 2, pairs + 2 * i, t->name, NULL, err);
    ah_buf_release(&sql);
    return rc;
}

/* Ids written as given leave the identity sequence behind: move it past the
 * highest (an empty table starts again at 1). */
static enum ah_err pg_table_sync_ids(struct ah_store *base, const struct ah_store_table *t,
                                     struct ah_error *err)
{
    struct pg *q = (struct pg *)base;
    struct ah_buf sql;
    enum ah_err rc;

    assert(t->identity);
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err,
                        "SELECT setval(pg_get_serial_sequence('%s', '%s'), coalesce(max(%s), 1),"
                        " max(%s) IS NOT NULL) FROM %s",
                        t->name, t->cols[0].name, t->cols[0].name, t->cols[0].name, t->name);
    if (!rc)
        rc = exec_text(q, ah_buf_cstr(&sql), 0, NULL, "sequence", NULL, err);
    ah_buf_release(&sql);
    return rc;
}

static const struct ah_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .migrate = pg_migrate,
    .ping = pg_ping,
    .person_insert = pg_person_insert,
    .person_update = pg_person_update,
    .person_set_password = pg_person_set_password,
    .person_get = pg_person_get,
    .person_get_by_email = pg_person_get_by_email,
    .person_list = pg_person_list,
    .person_count = pg_person_count,
    .cred_insert = pg_cred_insert,
    .cred_lookup = pg_cred_lookup,
    .cred_touch = pg_cred_touch,
    .cred_delete = pg_cred_delete,
    .cred_list = pg_cred_list,
    .cred_purge = pg_cred_purge,
    .login_failures = pg_login_failures,
    .login_failure_add = pg_login_failure_add,
    .customer_upsert = pg_customer_upsert,
    .ticket_insert = pg_ticket_insert,
    .ticket_get = pg_ticket_get,
    .ticket_list = pg_ticket_list,
    .ticket_update = pg_ticket_update,
    .ticket_set_tags = pg_ticket_set_tags,
    .message_insert = pg_message_insert,
    .message_list = pg_message_list,
    .queue_expire = pg_queue_expire,
    .queue_held = pg_queue_held,
    .queue_claim_next = pg_queue_claim_next,
    .queue_list = pg_queue_list,
    .queue_unclaim = pg_queue_unclaim,
    .queue_renew = pg_queue_renew,
    .queue_skip = pg_queue_skip,
    .policy_get = pg_policy_get,
    .policy_put = pg_policy_put,
    .exemption_insert = pg_exemption_insert,
    .exemption_get = pg_exemption_get,
    .exemption_end = pg_exemption_end,
    .exemption_list = pg_exemption_list,
    .work_insert = pg_work_insert,
    .work_get = pg_work_get,
    .work_current = pg_work_current,
    .work_update = pg_work_update,
    .work_close_idle = pg_work_close_idle,
    .work_list = pg_work_list,
    .work_spans = pg_work_spans,
    .block_insert = pg_block_insert,
    .block_get = pg_block_get,
    .block_update = pg_block_update,
    .block_delete = pg_block_delete,
    .block_list = pg_block_list,
    .activity = pg_activity,
    .support_week_add = pg_support_week_add,
    .support_week_remove = pg_support_week_remove,
    .support_week_list = pg_support_week_list,
    .compliance_put = pg_compliance_put,
    .compliance_get = pg_compliance_get,
    .ladder_claim = pg_ladder_claim,
    .notification_insert = pg_notification_insert,
    .notification_list = pg_notification_list,
    .notification_read = pg_notification_read,
    .webhook_insert = pg_webhook_insert,
    .webhook_list = pg_webhook_list,
    .webhook_disable = pg_webhook_disable,
    .outbox_add = pg_outbox_add,
    .outbox_claim = pg_outbox_claim,
    .outbox_settle = pg_outbox_settle,
    .authored_list = pg_authored_list,
    .rules_version = pg_rules_version,
    .rules_bump = pg_rules_bump,
    .route_rule_list = pg_route_rule_list,
    .route_rule_get = pg_route_rule_get,
    .route_rule_insert = pg_route_rule_insert,
    .route_rule_update = pg_route_rule_update,
    .route_rule_delete = pg_route_rule_delete,
    .style_rule_list = pg_style_rule_list,
    .style_rule_get = pg_style_rule_get,
    .style_rule_insert = pg_style_rule_insert,
    .style_rule_update = pg_style_rule_update,
    .style_hits_add = pg_style_hits_add,
    .style_hits_sum = pg_style_hits_sum,
    .review_insert = pg_review_insert,
    .review_get = pg_review_get,
    .review_update = pg_review_update,
    .review_list = pg_review_list,
    .review_stats = pg_review_stats,
    .review_counts = pg_review_counts,
    .escalation_insert = pg_escalation_insert,
    .escalation_counts = pg_escalation_counts,
    .module_list = pg_module_list,
    .module_get = pg_module_get,
    .module_insert = pg_module_insert,
    .module_update = pg_module_update,
    .completion_add = pg_completion_add,
    .completion_list = pg_completion_list,
    .pairing_insert = pg_pairing_insert,
    .pairing_list = pg_pairing_list,
    .macro_list = pg_macro_list,
    .macro_get = pg_macro_get,
    .macro_insert = pg_macro_insert,
    .macro_update = pg_macro_update,
    .macro_delete = pg_macro_delete,
    .mail_id_get = pg_mail_id_get,
    .mail_id_insert = pg_mail_id_insert,
    .mail_in_insert = pg_mail_in_insert,
    .mail_in_count = pg_mail_in_count,
    .mail_in_list = pg_mail_in_list,
    .participant_add = pg_participant_add,
    .participant_list = pg_participant_list,
    .attachment_insert = pg_attachment_insert,
    .attachment_get = pg_attachment_get,
    .attachment_list = pg_attachment_list,
    .mail_out_insert = pg_mail_out_insert,
    .mail_out_claim = pg_mail_out_claim,
    .mail_out_settle = pg_mail_out_settle,
    .mail_out_list = pg_mail_out_list,
    .mail_out_counts = pg_mail_out_counts,
    .group_turn = pg_group_turn,
    .group_turn_end = pg_group_turn_end,
    .group_pending = pg_group_pending,
    .term_df = pg_term_df,
    .term_add = pg_term_add,
    .term_words = pg_term_words,
    .group_postings = pg_group_postings,
    .group_terms_put = pg_group_terms_put,
    .group_load = pg_group_load,
    .group_insert = pg_group_insert,
    .group_update = pg_group_update,
    .group_list = pg_group_list,
    .group_ticket_put = pg_group_ticket_put,
    .group_ticket_get = pg_group_ticket_get,
    .group_members = pg_group_members,
    .group_week_add = pg_group_week_add,
    .group_weeks = pg_group_weeks,
    .group_move_all = pg_group_move_all,
    .group_answerers = pg_group_answerers,
    .fix_insert = pg_fix_insert,
    .fix_get = pg_fix_get,
    .fix_update = pg_fix_update,
    .fix_list = pg_fix_list,
    .intake_insert = pg_intake_insert,
    .intake_get = pg_intake_get,
    .intake_list = pg_intake_list,
    .intake_told = pg_intake_told,
    .intake_counts = pg_intake_counts,
    .route_back_insert = pg_route_back_insert,
    .route_back_list = pg_route_back_list,
    .route_back_counts = pg_route_back_counts,
    .launch_insert = pg_launch_insert,
    .launch_get = pg_launch_get,
    .launch_update = pg_launch_update,
    .launch_list = pg_launch_list,
    .tagged_tickets = pg_tagged_tickets,
    .kudos_insert = pg_kudos_insert,
    .kudos_list = pg_kudos_list,
    .digest_responses = pg_digest_responses,
    .digest_solved = pg_digest_solved,
    .digest_breaches = pg_digest_breaches,
    .digest_backlog = pg_digest_backlog,
    .review_outcomes = pg_review_outcomes,
    .group_top_week = pg_group_top_week,
    .after_fix_counts = pg_after_fix_counts,
    .digest_subscription_get = pg_digest_subscription_get,
    .digest_subscription_put = pg_digest_subscription_put,
    .digest_subscribers = pg_digest_subscribers,
    .digest_claim = pg_digest_claim,
    .digest_done = pg_digest_done,
    .members_clocked_in = pg_members_clocked_in,
    .audit_insert = pg_audit_insert,
    .audit_list = pg_audit_list,
    .text_index = pg_text_index,
    .try_lead = pg_try_lead,
    .checkpoint = pg_checkpoint,
    .should_retry = pg_should_retry,
    .schema_version = pg_schema_version,
    .table_count = pg_table_count,
    .table_read = pg_table_read,
    .table_write = pg_table_write,
    .table_link = pg_table_link,
    .table_sync_ids = pg_table_sync_ids,
};

enum ah_err ah_store_pg_open(const char *url, struct ah_store **out, struct ah_error *err)
{
    /* the URL's own settings override connect_timeout; the later keywords
     * override the URL: allhands' strings are UTF-8 */
    static const char *const keys[] = {"connect_timeout", "dbname", "fallback_application_name",
                                       "client_encoding", NULL};
    const char *const vals[] = {CONNECT_TIMEOUT_S, url, "allhands", "UTF8", NULL};
    struct pg *q = ah_xcalloc(1, sizeof(*q));
    enum ah_err rc;

    /* both backends number the same migrations */
    assert(NMIGRATIONS == ah_store_schema_version());
    q->base.ops = &pg_ops;
    q->conn = PQconnectdbParams(keys, vals, 1);
    if (!q->conn) {
        free(q);
        return ah_error_set(err, AH_E_INTERNAL, "cannot connect to PostgreSQL: out of memory");
    }
    if (PQstatus(q->conn) != CONNECTION_OK) {
        const char *msg;
        int len = conn_msg(q, &msg);

        /* libpq's message names host and port, never the password */
        rc = ah_error_set(err, AH_E_UNAVAILABLE, "cannot connect to PostgreSQL: %.*s", len, msg);
    } else {
        rc = session_setup(q, err);
    }
    if (rc) {
        pg_close(&q->base);
        return rc;
    }
    *out = &q->base;
    return AH_OK;
}
