/* store_sqlite.c - the SQLite backend of store.h: one connection per struct
 * ah_store, WAL, synchronous=NORMAL, foreign keys, a busy timeout, and every
 * statement prepared once per connection and cached. All of allhands' SQL for
 * SQLite is in this file and schema_sqlite.h. */
#include "store/store.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/mem.h"
#include "store/schema_sqlite.h"
#include "store/store_pg.h"

#define NMIGRATIONS ((int)(sizeof(sqlite_migrations) / sizeof(sqlite_migrations[0])))
#define BUSY_TIMEOUT_MS 5000
/* a write-ahead log this long (in pages: 64 MB of 4 KB pages) is restarted */
#define RESTART_FRAMES 16384
/* room for ah_store_tables in a connection's statement cache */
#define COPY_TABLES_MAX 48
/* a copy statement's SQL: names from ah_store_tables, well under 1 KB */
#define COPY_SQL_MAX 4096

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
    "id, person_id, kind, coalesce(subject_id, 0), week_day, body, created_at, "         \
    "coalesce(read_at, 0), ref_id"
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
#define REVIEW_STATS_COLS                                                                \
    "author_id, count(*), count(*) FILTER (WHERE status = 1), "                          \
    "count(*) FILTER (WHERE status = 2), coalesce(max(decided_at) FILTER (WHERE status = 2), 0)"
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
/* every column coalesced: a group's fix comes by a LEFT JOIN */
#define FIX_COLS                                                                         \
    "coalesce(f.id, 0), coalesce(f.title, ''), coalesce(f.url, ''), coalesce(f.owner_id, 0), " \
    "coalesce(o.name, ''), coalesce(f.state, 0), coalesce(f.shipped_at, 0), "            \
    "coalesce(f.created_by, 0), coalesce(f.created_at, 0), coalesce(f.updated_at, 0)"
#define FIX_FROM " FROM fixes f LEFT JOIN people o ON o.id = f.owner_id"
#define QGROUP_COLS                                                                      \
    "g.id, g.name, g.named, g.status, coalesce(g.merged_into, 0), coalesce(g.fix_id, 0), " \
    "g.size, g.after_fix, g.centroid, g.first_at, g.last_at, g.created_at, g.updated_at, " \
    FIX_COLS
#define QGROUP_FROM                                                                      \
    " FROM question_groups g LEFT JOIN fixes f ON f.id = g.fix_id"                       \
    " LEFT JOIN people o ON o.id = f.owner_id"
#define BRIEF_COLS "t.id, t.subject, t.status, t.priority, t.tier, t.created_at"
#define INTAKE_COLS                                                                      \
    "i.id, i.ticket_id, i.filer_id, p.name, i.channel, i.why, i.created_at, "            \
    "coalesce(i.told_at, 0), " BRIEF_COLS
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
/* data is a column, or '' where a listing leaves the message out; no ticket
 * (the digest) reads 0 */
#define MAIL_OUT_COLS(data)                                                              \
    "id, coalesce(ticket_id, 0), coalesce(message_id, 0), kind, msgid, mail_from, rcpt, "  \
    data ", created_at, attempts, next_at, coalesce(sent_at, 0), coalesce(failed_at, 0), "  \
    "last_error"
#define QUEUE_WHERE                                                                      \
    " WHERE t.status < 2 AND t.assignee_id IS NULL AND (t.due_at, t.id) > (?1, ?2)"      \
    " AND t.id <> ?3 AND NOT EXISTS (SELECT 1 FROM skips k WHERE k.person_id = ?4"       \
    " AND k.ticket_id = t.id) AND (t.tier <> 1 OR t.created_at <= ?6)"
/* members' variant: the literal "tier = 1" lets SQLite use tickets_queue_t1 */
#define QUEUE_WHERE_T1 QUEUE_WHERE " AND t.tier = 1"
/* the open tickets of a tier created in a range: a count over a range of
 * the partial index tickets_open (tier, created_at), which the literal
 * "status < 3" and tier let SQLite use; no row of tickets is read */
#define BACKLOG_COUNT(tier, range) \
    "(SELECT count(*) FROM tickets WHERE status < 3 AND tier = " tier range ")"
/* a tier's ages, youngest first; ?1 7 days before now, ?2 3 days, ?3 1 day */
#define BACKLOG_TIER(tier)                                                               \
    BACKLOG_COUNT(tier, " AND created_at > ?3") ", "                                     \
    BACKLOG_COUNT(tier, " AND created_at > ?2 AND created_at <= ?3") ", "                \
    BACKLOG_COUNT(tier, " AND created_at > ?1 AND created_at <= ?2") ", "                \
    BACKLOG_COUNT(tier, " AND created_at <= ?1")

enum st {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_PING,
    ST_PERSON_INSERT,
    ST_PERSON_UPDATE,
    ST_PERSON_PASSWORD,
    ST_PERSON_GET,
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
    ST_FTS_UPTO,
    ST_FTS_SET,
    ST_FTS_TICKETS_HI,
    ST_FTS_TICKETS,
    ST_FTS_MESSAGES_HI,
    ST_FTS_MESSAGES,
    ST_TAG_INSERT,
    ST_TAG_CLEAR,
    ST_TAG_COLUMN,
    ST_QUEUE_UNCLAIM,
    ST_TICKET_GET,
    ST_TICKET_UPDATE,
    ST_MESSAGE_INSERT,
    ST_MESSAGE_COUNT,
    ST_MESSAGE_LIST,
    ST_QUEUE_EXPIRE,
    ST_QUEUE_HELD,
    ST_QUEUE_PICK,
    ST_QUEUE_PICK_T1,
    ST_QUEUE_CLAIM,
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
    ST_EXEMPTION_END,
    ST_EXEMPTION_LIST,
    ST_EXEMPTION_LIST_ALL,
    ST_WORK_INSERT,
    ST_WORK_GET,
    ST_WORK_CURRENT,
    ST_WORK_UPDATE,
    ST_WORK_CLOSE_IDLE,
    ST_WORK_LIST,
    ST_WORK_LIST_ALL,
    ST_WORK_SPANS,
    ST_BLOCK_INSERT,
    ST_BLOCK_GET,
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
    ST_OUTBOX_DUE,
    ST_OUTBOX_TAKE,
    ST_OUTBOX_SETTLE,
    ST_AUTHORED_LIST,
    ST_RULES_VERSION,
    ST_RULES_BUMP,
    ST_ROUTE_LIST,
    ST_ROUTE_GET,
    ST_ROUTE_INSERT,
    ST_ROUTE_UPDATE,
    ST_ROUTE_DELETE,
    ST_STYLE_LIST,
    ST_STYLE_LIST_ALL,
    ST_STYLE_GET,
    ST_STYLE_INSERT,
    ST_STYLE_UPDATE,
    ST_HITS_ADD,
    ST_HITS_SUM,
    ST_REVIEW_INSERT,
    ST_REVIEW_GET,
    ST_REVIEW_UPDATE,
    ST_REVIEW_STATS,
    ST_REVIEW_STATS_ALL,
    ST_REVIEW_GIVEN,
    ST_REVIEW_HELD,
    ST_REVIEW_DECIDED,
    ST_ESCALATION_INSERT,
    ST_ESCALATION_COUNTS,
    ST_ESCALATION_COUNTS_ALL,
    ST_MODULE_LIST,
    ST_MODULE_LIST_ALL,
    ST_MODULE_GET,
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
    ST_MAIL_OUT_DUE,
    ST_MAIL_OUT_TAKE,
    ST_MAIL_OUT_SETTLE,
    ST_MAIL_OUT_LIST,
    ST_MAIL_OUT_COUNTS,
    ST_GROUP_STATE_GET,
    ST_GROUP_STATE_PUT,
    ST_GROUP_PENDING,
    ST_TERM_GET,
    ST_TERM_ADD,
    ST_GROUP_POSTINGS,
    ST_GROUP_TERMS_CLEAR,
    ST_GROUP_TERM_INSERT,
    ST_GROUP_GET,
    ST_GROUP_INSERT,
    ST_GROUP_UPDATE,
    ST_GROUP_TICKET_PUT,
    ST_GROUP_TICKET_GET,
    ST_GROUP_MEMBERS,
    ST_GROUP_WEEK_ADD,
    ST_GROUP_WEEKS,
    ST_GROUP_MOVE_TICKETS,
    ST_GROUP_MOVE_WEEKS,
    ST_GROUP_WEEKS_CLEAR,
    ST_GROUP_ANSWERERS,
    ST_FIX_INSERT,
    ST_FIX_GET,
    ST_FIX_UPDATE,
    ST_FIX_LIST,
    ST_FIX_LIST_ALL,
    ST_INTAKE_INSERT,
    ST_INTAKE_GET,
    ST_INTAKE_BY_TICKET,
    ST_INTAKE_LIST,
    ST_INTAKE_LIST_ALL,
    ST_INTAKE_TOLD,
    ST_INTAKE_COUNTS,
    ST_ROUTE_BACK_INSERT,
    ST_ROUTE_BACK_LIST,
    ST_ROUTE_BACK_COUNTS,
    ST_LAUNCH_INSERT,
    ST_LAUNCH_GET,
    ST_LAUNCH_UPDATE,
    ST_LAUNCH_LIST,
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
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_PING] = "SELECT count(*) FROM sqlite_schema",
    [ST_PERSON_INSERT] =
        "INSERT INTO people (email, name, department, manager_id, role, leader, timezone,"
        " active, password_hash, created_at, updated_at, start_day, level)"
        " VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12)",
    [ST_PERSON_UPDATE] =
        "UPDATE people SET name = ?2, department = ?3, manager_id = nullif(?4, 0), role = ?5,"
        " leader = ?6, timezone = ?7, active = ?8, updated_at = ?9, start_day = ?10,"
        " level = ?11 WHERE id = ?1",
    [ST_PERSON_PASSWORD] = "UPDATE people SET password_hash = ?2 WHERE id = ?1",
    [ST_PERSON_GET] = "SELECT " PERSON_COLS " FROM people p WHERE p.id = ?1",
    [ST_PERSON_BY_EMAIL] =
        "SELECT " PERSON_COLS ", p.password_hash FROM people p WHERE p.email = ?1",
    [ST_PERSON_LIST] =
        "SELECT " PERSON_COLS " FROM people p WHERE p.id > ?1 ORDER BY p.id LIMIT ?2",
    [ST_PERSON_COUNT] = "SELECT count(*) FROM people",
    [ST_CRED_INSERT] =
        "INSERT INTO credentials (person_id, kind, hash, name, created_at, last_used_at,"
        " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?7, nullif(?6, 0))",
    [ST_CRED_LOOKUP] =
        "SELECT k.id, k.person_id, k.kind, k.name, k.created_at, k.last_used_at,"
        " coalesce(k.expires_at, 0), " PERSON_COLS ", coalesce(w.id, 0),"
        " coalesce(w.last_active_at, 0),"
        " coalesce((SELECT idle_timeout_s FROM policy WHERE id = 1), 0)"
        " FROM credentials k JOIN people p ON p.id = k.person_id"
        " LEFT JOIN work_sessions w ON w.person_id = p.id AND w.ended_at IS NULL"
        " WHERE k.hash = ?1",
    [ST_CRED_TOUCH] =
        "UPDATE credentials SET last_used_at = ?2, expires_at = nullif(?3, 0) WHERE id = ?1",
    [ST_CRED_DELETE] = "DELETE FROM credentials WHERE id = ?1 AND person_id = ?2",
    [ST_CRED_DELETE_ANY] = "DELETE FROM credentials WHERE id = ?1",
    [ST_CRED_LIST] =
        "SELECT id, person_id, kind, name, created_at, last_used_at, coalesce(expires_at, 0)"
        " FROM credentials WHERE person_id = ?1 AND kind = ?2 ORDER BY id LIMIT 1000",
    [ST_CRED_PURGE] = "DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at < ?1",
    [ST_LOGIN_PURGE] = "DELETE FROM login_failures WHERE at < ?1 - 3600000",
    [ST_LOGIN_COUNT] = "SELECT count(*) FROM login_failures WHERE client = ?1 AND at >= ?2",
    [ST_LOGIN_ADD] = "INSERT INTO login_failures (client, at) VALUES (?1, ?2)",
    [ST_CUSTOMER_FIND] = "SELECT id, name FROM customers WHERE email = ?1",
    [ST_CUSTOMER_INSERT] =
        "INSERT INTO customers (email, name, created_at) VALUES (?1, ?2, ?3)",
    [ST_TICKET_INSERT] =
        "INSERT INTO tickets (subject, requester_id, status, priority, tier, tags, source,"
        " assignee_id, claim_until, due_at, resolve_due_at, first_response_at, created_at,"
        " updated_at, solved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, 0),"
        " nullif(?9, 0), ?10, ?11, nullif(?12, 0), ?13, ?13, nullif(?14, 0))",
    [ST_FTS_UPTO] = "SELECT upto FROM fts_progress WHERE name = ?1",
    [ST_FTS_SET] = "UPDATE fts_progress SET upto = ?2 WHERE name = ?1",
    [ST_FTS_TICKETS_HI] =
        "SELECT max(id), count(*) FROM (SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2)",
    [ST_FTS_TICKETS] = "INSERT INTO ticket_fts (rowid, subject)"
                       " SELECT id, subject FROM tickets WHERE id > ?1 AND id <= ?2",
    [ST_FTS_MESSAGES_HI] =
        "SELECT max(id), count(*) FROM (SELECT id FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2)",
    [ST_FTS_MESSAGES] = "INSERT INTO message_fts (rowid, body)"
                        " SELECT id, body FROM messages WHERE id > ?1 AND id <= ?2",
    [ST_TAG_INSERT] = "INSERT OR IGNORE INTO ticket_tags (tag, ticket_id) VALUES (?1, ?2)",
    [ST_TAG_CLEAR] = "DELETE FROM ticket_tags WHERE ticket_id = ?1",
    [ST_TAG_COLUMN] = "UPDATE tickets SET tags = ?2 WHERE id = ?1",
    [ST_QUEUE_UNCLAIM] =
        "UPDATE tickets SET assignee_id = NULL, claim_until = NULL, updated_at = ?2"
        " WHERE id = ?1",
    [ST_TICKET_GET] = "SELECT " TICKET_COLS TICKET_FROM " WHERE t.id = ?1",
    [ST_TICKET_UPDATE] =
        "UPDATE tickets SET status = ?2, priority = ?3, tier = ?4,"
        " assignee_id = nullif(?6, 0), claim_until = nullif(?7, 0),"
        " first_response_at = nullif(?8, 0), due_at = ?9, resolve_due_at = ?10,"
        " updated_at = ?11, solved_at = nullif(?12, 0) WHERE id = ?1",
    [ST_MESSAGE_INSERT] =
        "INSERT INTO messages (ticket_id, kind, author_id, body, created_at)"
        " VALUES (?1, ?2, nullif(?3, 0), ?4, ?5)",
    [ST_MESSAGE_COUNT] =
        "UPDATE tickets SET last_message_id = ?2, message_count = message_count + 1,"
        " updated_at = ?3 WHERE id = ?1",
    [ST_MESSAGE_LIST] =
        "SELECT m.id, m.ticket_id, m.kind, coalesce(m.author_id, 0),"
        " coalesce(p.name, c.name, ''), m.body, m.created_at"
        " FROM messages m LEFT JOIN people p ON p.id = m.author_id"
        " LEFT JOIN tickets t ON m.author_id IS NULL AND t.id = m.ticket_id"
        " LEFT JOIN customers c ON c.id = t.requester_id"
        " WHERE m.ticket_id = ?1 AND m.id > ?2 ORDER BY m.id LIMIT ?3",
    [ST_QUEUE_EXPIRE] =
        "UPDATE tickets SET assignee_id = NULL, claim_until = NULL"
        " WHERE claim_until IS NOT NULL AND claim_until <= ?1",
    [ST_QUEUE_HELD] =
        "SELECT id FROM tickets WHERE assignee_id = ?1 AND claim_until IS NOT NULL"
        " AND claim_until > ?2 ORDER BY id LIMIT 1",
    [ST_QUEUE_PICK] = "SELECT t.id FROM tickets t" QUEUE_WHERE " ORDER BY t.due_at, t.id LIMIT 1",
    [ST_QUEUE_PICK_T1] =
        "SELECT t.id FROM tickets t" QUEUE_WHERE_T1 " ORDER BY t.due_at, t.id LIMIT 1",
    [ST_QUEUE_CLAIM] =
        "UPDATE tickets SET assignee_id = ?2, claim_until = ?3, updated_at = ?4"
        " WHERE id = ?1 AND assignee_id IS NULL",
    [ST_QUEUE_LIST] =
        "SELECT " TICKET_COLS TICKET_FROM QUEUE_WHERE " ORDER BY t.due_at, t.id LIMIT ?5",
    [ST_QUEUE_LIST_T1] =
        "SELECT " TICKET_COLS TICKET_FROM QUEUE_WHERE_T1 " ORDER BY t.due_at, t.id LIMIT ?5",
    [ST_QUEUE_RENEW] =
        "UPDATE tickets SET claim_until = ?3 WHERE assignee_id = ?1"
        " AND claim_until IS NOT NULL AND claim_until > ?2",
    [ST_QUEUE_SKIP] =
        "INSERT INTO skips (person_id, ticket_id, reason, created_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (person_id, ticket_id) DO UPDATE SET reason = excluded.reason,"
        " created_at = excluded.created_at",
    [ST_AUDIT_INSERT] =
        "INSERT INTO audit (at, actor_id, action, target, before, after)"
        " VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6)",
    [ST_AUDIT_LIST] =
        "SELECT id, at, coalesce(actor_id, 0), action, target, before, after FROM audit"
        " WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
    [ST_POLICY_GET] = "SELECT " POLICY_COLS " FROM policy WHERE id = 1",
    [ST_POLICY_PUT] =
        "INSERT INTO policy (id, cadence, weekly_minutes, weeks_per_year, onboarding_week,"
        " timezone, week_start, idle_timeout_s, ladder_remind, ladder_manager, ladder_report,"
        " max_exemption_weeks, updated_at, updated_by, default_tier, reserve_on, reserve_age_s,"
        " review_first, review_rate, promote_approved, promote_clean_days, business_days,"
        " business_start, business_end) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " ?11, ?12, nullif(?13, 0), ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)"
        " ON CONFLICT (id) DO UPDATE SET"
        " cadence = ?1, weekly_minutes = ?2, weeks_per_year = ?3, onboarding_week = ?4,"
        " timezone = ?5, week_start = ?6, idle_timeout_s = ?7, ladder_remind = ?8,"
        " ladder_manager = ?9, ladder_report = ?10, max_exemption_weeks = ?11,"
        " updated_at = ?12, updated_by = nullif(?13, 0), default_tier = ?14, reserve_on = ?15,"
        " reserve_age_s = ?16, review_first = ?17, review_rate = ?18, promote_approved = ?19,"
        " promote_clean_days = ?20, business_days = ?21, business_start = ?22,"
        " business_end = ?23",
    [ST_EXEMPTION_INSERT] =
        "INSERT INTO exemptions (person_id, granted_by, reason, starts_on, ends_on, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_EXEMPTION_GET] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE id = ?1",
    [ST_EXEMPTION_END] = "UPDATE exemptions SET ends_on = ?2, ended_at = ?3, ended_by = ?4"
                         " WHERE id = ?1",
    [ST_EXEMPTION_LIST] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE person_id = ?1"
                          " AND starts_on <= ?3 AND ends_on >= ?2 ORDER BY starts_on, id"
                          " LIMIT ?4",
    [ST_EXEMPTION_LIST_ALL] = "SELECT " EXEMPTION_COLS " FROM exemptions WHERE ends_on >= ?2"
                              " AND starts_on <= ?3 AND ?1 = 0"
                              " ORDER BY person_id, starts_on, id LIMIT ?4",
    [ST_WORK_INSERT] =
        "INSERT INTO work_sessions (person_id, started_at, last_active_at, ended_at, source,"
        " note) VALUES (?1, ?2, ?3, nullif(?4, 0), ?5, ?6)",
    [ST_WORK_GET] = "SELECT " WORK_COLS " FROM work_sessions WHERE id = ?1",
    [ST_WORK_CURRENT] =
        "SELECT " WORK_COLS " FROM work_sessions WHERE person_id = ?1 AND ended_at IS NULL",
    [ST_WORK_UPDATE] = "UPDATE work_sessions SET started_at = ?2, last_active_at = ?3,"
                       " ended_at = nullif(?4, 0), note = ?5 WHERE id = ?1",
    [ST_WORK_CLOSE_IDLE] = "UPDATE work_sessions SET ended_at = last_active_at"
                           " WHERE ended_at IS NULL AND last_active_at < ?1",
    /* ?4 is ?2 less the longest session: the index on the start finds them */
    [ST_WORK_LIST] = "SELECT " WORK_COLS " FROM work_sessions WHERE person_id = ?1"
                     " AND started_at < ?3 AND started_at >= ?4 AND last_active_at > ?2"
                     " ORDER BY started_at, id LIMIT ?5",
    [ST_WORK_LIST_ALL] = "SELECT " WORK_COLS " FROM work_sessions WHERE ?1 = 0"
                         " AND started_at < ?3 AND started_at >= ?4 AND last_active_at > ?2"
                         " ORDER BY started_at, id LIMIT ?5",
    [ST_WORK_SPANS] = "SELECT person_id, started_at, last_active_at FROM work_sessions"
                      " WHERE started_at < ?2 AND started_at >= ?3 AND last_active_at > ?1"
                      " ORDER BY started_at LIMIT ?4",
    [ST_BLOCK_INSERT] = "INSERT INTO blocks (person_id, start_at, end_at, created_at,"
                        " updated_at, sequence) VALUES (?1, ?2, ?3, ?4, ?4, 0)",
    [ST_BLOCK_GET] = "SELECT " BLOCK_COLS " FROM blocks WHERE id = ?1",
    [ST_BLOCK_UPDATE] = "UPDATE blocks SET start_at = ?2, end_at = ?3, updated_at = ?4,"
                        " sequence = ?5 WHERE id = ?1",
    [ST_BLOCK_DELETE] = "DELETE FROM blocks WHERE id = ?1",
    [ST_BLOCK_LIST] = "SELECT " BLOCK_COLS " FROM blocks WHERE person_id = ?1"
                      " AND start_at < ?3 AND start_at >= ?4 AND end_at > ?2"
                      " ORDER BY start_at, id LIMIT ?5",
    [ST_BLOCK_LIST_ALL] = "SELECT " BLOCK_COLS " FROM blocks WHERE ?1 = 0"
                          " AND start_at < ?3 AND start_at >= ?4 AND end_at > ?2"
                          " ORDER BY start_at, id LIMIT ?5",
    [ST_ACTIVITY] = "SELECT count(*) FILTER (WHERE kind = 1), count(DISTINCT ticket_id)"
                    " FROM messages WHERE author_id = ?1 AND created_at >= ?2"
                    " AND created_at < ?3 AND kind IN (1, 2)",
    [ST_SUPPORT_ADD] = "INSERT INTO support_weeks (person_id, week_day, created_at)"
                       " VALUES (?1, ?2, ?3)",
    [ST_SUPPORT_REMOVE] = "DELETE FROM support_weeks WHERE person_id = ?1 AND week_day = ?2",
    [ST_SUPPORT_LIST] = "SELECT person_id, week_day, created_at FROM support_weeks"
                        " WHERE person_id = ?1 AND week_day BETWEEN ?2 AND ?3"
                        " ORDER BY week_day LIMIT ?4",
    [ST_SUPPORT_LIST_ALL] = "SELECT person_id, week_day, created_at FROM support_weeks"
                            " WHERE ?1 = 0 AND week_day BETWEEN ?2 AND ?3"
                            " ORDER BY person_id, week_day LIMIT ?4",
    [ST_COMPLIANCE_PUT] =
        "INSERT INTO compliance_weeks (person_id, week_day, status, required_min, worked_ms,"
        " streak) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (week_day, person_id) DO UPDATE"
        " SET status = ?3, required_min = ?4, worked_ms = ?5, streak = ?6",
    [ST_COMPLIANCE_GET] = "SELECT person_id, week_day, status, required_min, worked_ms, streak"
                          " FROM compliance_weeks WHERE week_day = ?1 ORDER BY person_id"
                          " LIMIT ?2",
    [ST_LADDER_CLAIM] = "INSERT INTO ladder_runs (week_day, ran_at) VALUES (?1, ?2)"
                        " ON CONFLICT DO NOTHING",
    [ST_NOTIFICATION_INSERT] =
        "INSERT INTO notifications (person_id, kind, subject_id, week_day, body, created_at,"
        " ref_id) VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    [ST_NOTIFICATION_LIST] = "SELECT " NOTIFICATION_COLS " FROM notifications"
                             " WHERE person_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    [ST_NOTIFICATION_READ] = "UPDATE notifications SET read_at = coalesce(read_at, ?3)"
                             " WHERE id = ?1 AND person_id = ?2",
    [ST_WEBHOOK_INSERT] = "INSERT INTO webhooks (url, secret, active, created_at, created_by)"
                          " VALUES (?1, ?2, 1, ?3, nullif(?4, 0))",
    [ST_WEBHOOK_LIST] =
        "SELECT w.id, w.url, w.secret, w.active, w.created_at, coalesce(w.created_by, 0),"
        " (SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.delivered_at IS NULL)"
        " FROM webhooks w WHERE w.active = 1 ORDER BY w.id LIMIT ?1",
    [ST_WEBHOOK_DISABLE] = "UPDATE webhooks SET active = 0 WHERE id = ?1 AND active = 1",
    [ST_OUTBOX_ADD] = "INSERT INTO outbox (webhook_id, event, body, created_at, next_at)"
                      " SELECT id, ?1, ?2, ?3, ?3 FROM webhooks WHERE active = 1 ORDER BY id",
    [ST_OUTBOX_DUE] =
        "SELECT o.id, o.webhook_id, w.url, w.secret, o.event, o.body, o.created_at, o.attempts"
        " FROM outbox o JOIN webhooks w ON w.id = o.webhook_id"
        " WHERE o.delivered_at IS NULL AND o.next_at <= ?1 AND w.active = 1"
        " ORDER BY o.next_at, o.id LIMIT ?2",
    [ST_OUTBOX_TAKE] = "UPDATE outbox SET next_at = ?2, attempts = attempts + 1 WHERE id = ?1",
    [ST_OUTBOX_SETTLE] = "UPDATE outbox SET delivered_at = nullif(?2, 0), next_at = ?3,"
                         " last_error = ?4 WHERE id = ?1 AND delivered_at IS NULL",
    [ST_AUTHORED_LIST] = "SELECT author_id, ticket_id, kind, created_at FROM messages"
                         " WHERE created_at >= ?1 AND created_at < ?2 AND author_id IS NOT NULL"
                         " ORDER BY created_at, author_id, ticket_id LIMIT ?3",
    [ST_RULES_VERSION] = "SELECT version FROM rule_versions WHERE name = ?1",
    [ST_RULES_BUMP] = "UPDATE rule_versions SET version = version + 1 WHERE name = ?1",
    [ST_ROUTE_LIST] = "SELECT " ROUTE_COLS " FROM routing_rules ORDER BY position, id LIMIT ?1",
    [ST_ROUTE_GET] = "SELECT " ROUTE_COLS " FROM routing_rules WHERE id = ?1",
    [ST_ROUTE_INSERT] =
        "INSERT INTO routing_rules (position, name, match_kind, pattern, match_in, if_tag,"
        " if_source, if_domain, if_priority, set_tier, set_priority, add_tags, stop, enabled,"
        " created_at, updated_at, updated_by) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
        " ?12, ?13, ?14, ?15, ?16, ?17, nullif(?18, 0))",
    [ST_ROUTE_UPDATE] =
        "UPDATE routing_rules SET position = ?2, name = ?3, match_kind = ?4, pattern = ?5,"
        " match_in = ?6, if_tag = ?7, if_source = ?8, if_domain = ?9, if_priority = ?10,"
        " set_tier = ?11, set_priority = ?12, add_tags = ?13, stop = ?14, enabled = ?15,"
        " updated_at = ?17, updated_by = nullif(?18, 0) WHERE id = ?1",
    [ST_ROUTE_DELETE] = "DELETE FROM routing_rules WHERE id = ?1",
    [ST_STYLE_LIST] = "SELECT " STYLE_COLS " FROM style_rules WHERE deleted_at IS NULL"
                      " ORDER BY id LIMIT ?1",
    [ST_STYLE_LIST_ALL] = "SELECT " STYLE_COLS " FROM style_rules ORDER BY id LIMIT ?1",
    [ST_STYLE_GET] = "SELECT " STYLE_COLS " FROM style_rules WHERE id = ?1",
    [ST_STYLE_INSERT] =
        "INSERT INTO style_rules (name, kind, pattern, severity, why, better, levels, roles,"
        " tags, lifted_tags, enabled, created_at, updated_at, updated_by, deleted_at) VALUES"
        " (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, nullif(?15, 0),"
        " nullif(?16, 0))",
    [ST_STYLE_UPDATE] =
        "UPDATE style_rules SET name = ?2, kind = ?3, pattern = ?4, severity = ?5, why = ?6,"
        " better = ?7, levels = ?8, roles = ?9, tags = ?10, lifted_tags = ?11, enabled = ?12,"
        " updated_at = ?14, updated_by = nullif(?15, 0), deleted_at = nullif(?16, 0)"
        " WHERE id = ?1",
    [ST_HITS_ADD] =
        "INSERT INTO style_hits (rule_id, person_id, day, hits, overrides)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (day, rule_id, person_id) DO UPDATE"
        " SET hits = hits + excluded.hits, overrides = overrides + excluded.overrides",
    [ST_HITS_SUM] = "SELECT rule_id, person_id, sum(hits), sum(overrides) FROM style_hits"
                    " WHERE day BETWEEN ?1 AND ?2 GROUP BY rule_id, person_id"
                    " ORDER BY rule_id, person_id LIMIT ?3",
    [ST_REVIEW_INSERT] =
        "INSERT INTO reviews (ticket_id, author_id, body, status, reviewer_id, final_body,"
        " comment, message_id, created_at, decided_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0),"
        " ?6, ?7, nullif(?8, 0), ?9, nullif(?10, 0))",
    [ST_REVIEW_GET] = "SELECT " REVIEW_COLS REVIEW_FROM " WHERE r.id = ?1",
    [ST_REVIEW_UPDATE] =
        "UPDATE reviews SET status = ?2, reviewer_id = nullif(?3, 0), final_body = ?4,"
        " comment = ?5, message_id = nullif(?6, 0), decided_at = nullif(?7, 0) WHERE id = ?1",
    [ST_REVIEW_STATS] = "SELECT " REVIEW_STATS_COLS " FROM reviews WHERE author_id = ?1"
                        " GROUP BY author_id ORDER BY author_id LIMIT ?2",
    [ST_REVIEW_STATS_ALL] = "SELECT " REVIEW_STATS_COLS " FROM reviews WHERE ?1 = 0"
                            " GROUP BY author_id ORDER BY author_id LIMIT ?2",
    [ST_REVIEW_GIVEN] = "SELECT count(*) FROM reviews WHERE reviewer_id = ?1"
                        " AND decided_at >= ?2 AND decided_at < ?3",
    [ST_REVIEW_HELD] = "SELECT count(*) FROM reviews WHERE author_id = ?1"
                       " AND created_at >= ?2 AND created_at < ?3 AND status <> 3",
    [ST_REVIEW_DECIDED] = "SELECT count(*) FILTER (WHERE status = 1),"
                          " count(*) FILTER (WHERE status = 2) FROM reviews"
                          " WHERE author_id = ?1 AND decided_at >= ?2 AND decided_at < ?3",
    [ST_ESCALATION_INSERT] = "INSERT INTO escalations (ticket_id, person_id, note, created_at)"
                             " VALUES (?1, ?2, ?3, ?4)",
    [ST_ESCALATION_COUNTS] = "SELECT person_id, count(*) FROM escalations"
                             " WHERE created_at >= ?2 AND created_at < ?3 AND person_id = ?1"
                             " GROUP BY person_id ORDER BY person_id LIMIT ?4",
    [ST_ESCALATION_COUNTS_ALL] = "SELECT person_id, count(*) FROM escalations"
                                 " WHERE created_at >= ?2 AND created_at < ?3 AND ?1 = 0"
                                 " GROUP BY person_id ORDER BY person_id LIMIT ?4",
    [ST_MODULE_LIST] = "SELECT " MODULE_COLS " FROM modules WHERE retired_at IS NULL"
                       " ORDER BY position, id LIMIT ?1",
    [ST_MODULE_LIST_ALL] = "SELECT " MODULE_COLS " FROM modules ORDER BY position, id LIMIT ?1",
    [ST_MODULE_GET] = "SELECT " MODULE_COLS " FROM modules WHERE id = ?1",
    [ST_MODULE_INSERT] = "INSERT INTO modules (title, body, position, level, created_at,"
                         " updated_at, retired_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7,"
                         " nullif(?8, 0))",
    [ST_MODULE_UPDATE] = "UPDATE modules SET title = ?2, body = ?3, position = ?4, level = ?5,"
                         " updated_at = ?7, retired_at = nullif(?8, 0) WHERE id = ?1",
    [ST_COMPLETION_ADD] = "INSERT INTO completions (person_id, module_id, completed_at)"
                          " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    [ST_COMPLETION_LIST] = "SELECT person_id, module_id, completed_at FROM completions"
                           " WHERE person_id = ?1 ORDER BY module_id LIMIT ?2",
    [ST_COMPLETION_LIST_ALL] = "SELECT person_id, module_id, completed_at FROM completions"
                               " WHERE ?1 = 0 ORDER BY person_id, module_id LIMIT ?2",
    [ST_PAIRING_INSERT] =
        "INSERT INTO pairings (pro_id, member_id, started_at, minutes, notes, work_session_id,"
        " created_at) VALUES (?2, ?3, ?4, ?5, ?6, nullif(?7, 0), ?8)",
    /* the two indexes by person answer the OR between them */
    [ST_PAIRING_LIST] = "SELECT " PAIRING_COLS " FROM pairings"
                        " WHERE (member_id = ?1 OR pro_id = ?1) AND started_at >= ?2"
                        " AND started_at < ?3 ORDER BY started_at, id LIMIT ?4",
    [ST_PAIRING_LIST_ALL] = "SELECT " PAIRING_COLS " FROM pairings WHERE ?1 = 0"
                            " AND started_at >= ?2 AND started_at < ?3"
                            " ORDER BY started_at, id LIMIT ?4",
    [ST_MACRO_LIST] = "SELECT " MACRO_COLS " FROM macros ORDER BY name, id LIMIT ?1",
    [ST_MACRO_GET] = "SELECT " MACRO_COLS " FROM macros WHERE id = ?1",
    [ST_MACRO_INSERT] = "INSERT INTO macros (owner_id, name, body, created_at, updated_at)"
                        " VALUES (?2, ?3, ?4, ?5, ?6)",
    [ST_MACRO_UPDATE] = "UPDATE macros SET name = ?3, body = ?4, updated_at = ?6"
                        " WHERE id = ?1",
    [ST_MACRO_DELETE] = "DELETE FROM macros WHERE id = ?1",
    [ST_MAIL_ID_GET] =
        "SELECT ticket_id, coalesce(message_id, 0) FROM mail_ids WHERE msgid = ?1",
    [ST_MAIL_ID_INSERT] =
        "INSERT INTO mail_ids (msgid, ticket_id, message_id, sent, created_at)"
        " VALUES (?1, ?2, nullif(?3, 0), ?4, ?5) ON CONFLICT DO NOTHING",
    [ST_MAIL_IN_INSERT] =
        "INSERT INTO mail_in (message_id, msgid, sender, sender_name, quoted, new_ticket,"
        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* mail_in_sender answers it */
    [ST_MAIL_IN_COUNT] = "SELECT count(*), coalesce(sum(new_ticket), 0) FROM mail_in"
                         " WHERE sender = ?1 AND created_at >= ?2",
    /* by m.id (the same as the message_id): messages_ticket's order, no sort */
    [ST_MAIL_IN_LIST] = "SELECT " MAIL_IN_COLS " FROM mail_in i"
                        " JOIN messages m ON m.id = i.message_id"
                        " WHERE m.ticket_id = ?1 ORDER BY m.id LIMIT ?2",
    [ST_PARTICIPANT_ADD] = "INSERT INTO participants (ticket_id, email, name, added_at)"
                           " VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
    [ST_PARTICIPANT_LIST] = "SELECT ticket_id, email, name, added_at FROM participants"
                            " WHERE ticket_id = ?1 ORDER BY added_at, email LIMIT ?2",
    [ST_ATTACHMENT_INSERT] =
        "INSERT INTO attachments (message_id, sha256, name, type, size, content_id, is_inline,"
        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [ST_ATTACHMENT_GET] = "SELECT " ATTACHMENT_COLS ATTACHMENT_FROM " WHERE a.id = ?1",
    [ST_ATTACHMENT_LIST] = "SELECT " ATTACHMENT_COLS ATTACHMENT_FROM " WHERE m.ticket_id = ?1"
                           " ORDER BY m.id, a.id LIMIT ?2",
    [ST_MAIL_OUT_INSERT] =
        "INSERT INTO mail_out (ticket_id, message_id, kind, msgid, mail_from, rcpt, data,"
        " created_at, next_at) VALUES (nullif(?1, 0), nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8,"
        " ?9)",
    /* the literal "sent_at IS NULL AND failed_at IS NULL" lets SQLite use mail_out_due */
    [ST_MAIL_OUT_DUE] = "SELECT " MAIL_OUT_COLS("data") " FROM mail_out"
                        " WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= ?1"
                        " ORDER BY next_at, id LIMIT ?2",
    [ST_MAIL_OUT_TAKE] =
        "UPDATE mail_out SET next_at = ?2, attempts = attempts + 1 WHERE id = ?1",
    [ST_MAIL_OUT_SETTLE] =
        "UPDATE mail_out SET sent_at = nullif(?2, 0), failed_at = nullif(?3, 0), next_at = ?4,"
        " last_error = ?5 WHERE id = ?1 AND sent_at IS NULL AND failed_at IS NULL",
    [ST_MAIL_OUT_LIST] = "SELECT " MAIL_OUT_COLS("''") " FROM mail_out WHERE ticket_id = ?1"
                         " ORDER BY id LIMIT ?2",
    [ST_MAIL_OUT_COUNTS] =
        "SELECT (SELECT count(*) FROM mail_out WHERE sent_at IS NULL AND failed_at IS NULL),"
        " (SELECT count(*) FROM mail_out WHERE failed_at IS NOT NULL)",
    [ST_GROUP_STATE_GET] = "SELECT upto, docs FROM group_state WHERE id = 1",
    [ST_GROUP_STATE_PUT] = "UPDATE group_state SET upto = ?1, docs = ?2 WHERE id = 1",
    /* the first customer message by messages_ticket: the lowest id of the ticket's */
    [ST_GROUP_PENDING] =
        "SELECT t.id, t.subject, coalesce((SELECT substr(m.body, 1, ?3) FROM messages m"
        " WHERE m.ticket_id = t.id AND m.kind = 0 ORDER BY m.id LIMIT 1), ''), t.created_at"
        " FROM tickets t WHERE t.id > ?1 AND NOT EXISTS (SELECT 1 FROM group_tickets g"
        " WHERE g.ticket_id = t.id) ORDER BY t.id LIMIT ?2",
    [ST_TERM_GET] = "SELECT df, word FROM terms WHERE term = ?1",
    [ST_TERM_ADD] =
        "INSERT INTO terms (term, df, word) VALUES (?1, 1, coalesce(?2, ''))"
        " ON CONFLICT (term) DO UPDATE SET df = df + 1,"
        " word = CASE WHEN excluded.word <> '' THEN excluded.word ELSE word END",
    /* group_terms_weight in its order: no sort, and group_id breaks ties the same
     * way every time */
    [ST_GROUP_POSTINGS] = "SELECT term, group_id, weight FROM group_terms WHERE term = ?1"
                          " ORDER BY weight DESC, group_id LIMIT ?2",
    [ST_GROUP_TERMS_CLEAR] = "DELETE FROM group_terms WHERE group_id = ?1",
    [ST_GROUP_TERM_INSERT] =
        "INSERT INTO group_terms (term, group_id, weight) VALUES (?1, ?2, ?3)",
    [ST_GROUP_GET] = "SELECT " QGROUP_COLS QGROUP_FROM " WHERE g.id = ?1",
    [ST_GROUP_INSERT] =
        "INSERT INTO question_groups (name, named, status, merged_into, fix_id, size,"
        " after_fix, centroid, first_at, last_at, created_at, updated_at) VALUES (?2, ?3, ?4,"
        " nullif(?5, 0), nullif(?6, 0), ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [ST_GROUP_UPDATE] =
        "UPDATE question_groups SET name = ?2, named = ?3, status = ?4,"
        " merged_into = nullif(?5, 0), fix_id = nullif(?6, 0), size = ?7, after_fix = ?8,"
        " centroid = ?9, first_at = ?10, last_at = ?11, updated_at = ?13 WHERE id = ?1",
    [ST_GROUP_TICKET_PUT] =
        "INSERT INTO group_tickets (ticket_id, group_id, score, after_fix, joined_at, moved_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0)) ON CONFLICT (ticket_id) DO UPDATE SET"
        " group_id = excluded.group_id, score = excluded.score, after_fix = excluded.after_fix,"
        " joined_at = excluded.joined_at, moved_by = excluded.moved_by",
    [ST_GROUP_TICKET_GET] = "SELECT ticket_id, group_id, score, after_fix, joined_at,"
                            " coalesce(moved_by, 0) FROM group_tickets WHERE ticket_id = ?1",
    /* ?2 open only, ?3 the highest tier (0: any), ?4 left out, ?5 below */
    [ST_GROUP_MEMBERS] =
        "SELECT t.id, t.subject, t.status, t.tier, t.created_at, gt.score, gt.after_fix"
        " FROM group_tickets gt JOIN tickets t ON t.id = gt.ticket_id"
        " WHERE gt.group_id = ?1 AND (?2 = 0 OR t.status < 3) AND (?3 <= 0 OR t.tier <= ?3)"
        " AND gt.ticket_id <> ?4 AND gt.ticket_id < ?5 ORDER BY gt.ticket_id DESC LIMIT ?6",
    [ST_GROUP_WEEK_ADD] =
        "INSERT INTO group_weeks (group_id, week_day, n) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (group_id, week_day) DO UPDATE SET n = n + excluded.n",
    [ST_GROUP_WEEKS] = "SELECT group_id, week_day, n FROM group_weeks WHERE group_id = ?1"
                       " AND week_day >= ?2 AND week_day < ?3 ORDER BY week_day LIMIT ?4",
    [ST_GROUP_MOVE_TICKETS] = "UPDATE group_tickets SET group_id = ?2 WHERE group_id = ?1",
    /* the SELECT's WHERE keeps the parser from reading ON CONFLICT as a join's ON */
    [ST_GROUP_MOVE_WEEKS] =
        "INSERT INTO group_weeks (group_id, week_day, n) SELECT ?2, week_day, n"
        " FROM group_weeks WHERE group_id = ?1"
        " ON CONFLICT (group_id, week_day) DO UPDATE SET n = n + excluded.n",
    [ST_GROUP_WEEKS_CLEAR] = "DELETE FROM group_weeks WHERE group_id = ?1",
    [ST_GROUP_ANSWERERS] =
        "SELECT p.id, p.name, p.department, p.leader, count(DISTINCT m.ticket_id) AS n"
        " FROM group_tickets gt JOIN messages m ON m.ticket_id = gt.ticket_id"
        " JOIN people p ON p.id = m.author_id WHERE gt.group_id = ?1 AND m.kind = 1"
        " GROUP BY p.id ORDER BY n DESC, p.name, p.id LIMIT ?2",
    [ST_FIX_INSERT] =
        "INSERT INTO fixes (title, url, owner_id, state, shipped_at, created_by, created_at,"
        " updated_at) VALUES (?2, ?3, ?4, ?5, nullif(?6, 0), nullif(?7, 0), ?8, ?9)",
    [ST_FIX_GET] = "SELECT " FIX_COLS FIX_FROM " WHERE f.id = ?1",
    [ST_FIX_UPDATE] = "UPDATE fixes SET title = ?2, url = ?3, owner_id = ?4, state = ?5,"
                      " shipped_at = nullif(?6, 0), updated_at = ?9 WHERE id = ?1",
    [ST_FIX_LIST] = "SELECT " FIX_COLS FIX_FROM " WHERE f.owner_id = ?1"
                    " ORDER BY f.id DESC LIMIT ?2",
    [ST_FIX_LIST_ALL] = "SELECT " FIX_COLS FIX_FROM " WHERE ?1 = 0 ORDER BY f.id DESC LIMIT ?2",
    [ST_INTAKE_INSERT] =
        "INSERT INTO intakes (ticket_id, filer_id, channel, why, created_at, told_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0))",
    [ST_INTAKE_GET] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.id = ?1",
    [ST_INTAKE_BY_TICKET] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.ticket_id = ?1",
    /* intakes_filer in its order: no sort */
    [ST_INTAKE_LIST] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE i.filer_id = ?1"
                       " AND i.id < ?2 ORDER BY i.id DESC LIMIT ?3",
    [ST_INTAKE_LIST_ALL] = "SELECT " INTAKE_COLS INTAKE_FROM " WHERE ?1 = 0 AND i.id < ?2"
                           " ORDER BY i.id DESC LIMIT ?3",
    [ST_INTAKE_TOLD] = "UPDATE intakes SET told_at = ?2 WHERE id = ?1 AND told_at IS NULL",
    /* urgent: the ticket's priority now, whoever set it */
    [ST_INTAKE_COUNTS] =
        "SELECT p.id, p.name, p.department, count(*) AS filed,"
        " count(*) FILTER (WHERE t.priority = 0) FROM intakes i"
        " JOIN people p ON p.id = i.filer_id JOIN tickets t ON t.id = i.ticket_id"
        " WHERE i.created_at >= ?1 AND i.created_at < ?2 GROUP BY p.id"
        " ORDER BY filed DESC, p.name, p.id LIMIT ?3",
    [ST_ROUTE_BACK_INSERT] =
        "INSERT INTO route_backs (ticket_id, person_id, cause, reason, marked_by, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_ROUTE_BACK_LIST] = "SELECT " ROUTE_BACK_COLS " FROM route_backs r"
                           " JOIN people p ON p.id = r.person_id WHERE r.ticket_id = ?1"
                           " ORDER BY r.id LIMIT ?2",
    [ST_ROUTE_BACK_COUNTS] =
        "SELECT p.department, count(*) FILTER (WHERE r.cause = 0),"
        " count(*) FILTER (WHERE r.cause = 1) FROM route_backs r"
        " JOIN people p ON p.id = r.person_id WHERE r.created_at >= ?1 AND r.created_at < ?2"
        " GROUP BY p.department ORDER BY p.department LIMIT ?3",
    [ST_LAUNCH_INSERT] =
        "INSERT INTO launches (title, launch_day, changes, impact, tags, created_by, readiness,"
        " missing, readiness_note, judged_by, judged_at, created_at, updated_at) VALUES (?2,"
        " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, nullif(?11, 0), nullif(?12, 0), ?13, ?14)",
    [ST_LAUNCH_GET] = "SELECT " LAUNCH_COLS LAUNCH_FROM " WHERE l.id = ?1",
    [ST_LAUNCH_UPDATE] =
        "UPDATE launches SET title = ?2, launch_day = ?3, changes = ?4, impact = ?5, tags = ?6,"
        " readiness = ?8, missing = ?9, readiness_note = ?10, judged_by = nullif(?11, 0),"
        " judged_at = nullif(?12, 0), updated_at = ?14 WHERE id = ?1",
    [ST_LAUNCH_LIST] = "SELECT " LAUNCH_COLS LAUNCH_FROM " WHERE l.launch_day >= ?1"
                       " AND l.launch_day < ?2 ORDER BY l.launch_day, l.id LIMIT ?3",
    [ST_KUDOS_INSERT] =
        "INSERT INTO kudos (message_id, ticket_id, person_id, giver_id, from_customer, text,"
        " quote, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    /* kudos_person in its order: no sort */
    [ST_KUDOS_LIST] = "SELECT " KUDOS_COLS KUDOS_FROM " WHERE k.person_id = ?1"
                      " AND k.created_at >= ?2 AND k.created_at < ?3 AND k.id < ?4"
                      " ORDER BY k.id DESC LIMIT ?5",
    [ST_KUDOS_LIST_ALL] = "SELECT " KUDOS_COLS KUDOS_FROM " WHERE ?1 = 0"
                          " AND k.created_at >= ?2 AND k.created_at < ?3 AND k.id < ?4"
                          " ORDER BY k.id DESC LIMIT ?5",
    /* tickets_first_response in its order: no sort; the first reply is the
     * first kind 1 of the ticket's messages by messages_ticket */
    [ST_DIGEST_RESPONSES] =
        "SELECT t.id, t.tier, t.created_at, t.first_response_at, t.due_at,"
        " coalesce(p.department, '') FROM tickets t LEFT JOIN people p ON p.id = t.assignee_id"
        " WHERE t.first_response_at >= ?1 AND t.first_response_at < ?2"
        " ORDER BY t.first_response_at, t.id LIMIT ?3",
    /* tickets_solved in its order: no sort */
    [ST_DIGEST_SOLVED] =
        "SELECT t.id, t.tier, t.created_at, t.solved_at, t.resolve_due_at,"
        " coalesce(p.department, '') FROM tickets t LEFT JOIN people p ON p.id = t.assignee_id"
        " WHERE t.solved_at >= ?1 AND t.solved_at < ?2 ORDER BY t.solved_at, t.id LIMIT ?3",
    /* ranges of tickets_due and tickets_resolve_due; ?3 is min(to, now):
     * a deadline still open is missed once it passed by then */
    [ST_DIGEST_BREACHES] =
        "SELECT f.n, f.missed, r.n, r.missed FROM"
        " (SELECT count(*) AS n, count(*) FILTER (WHERE first_response_at > due_at"
        " OR (first_response_at IS NULL AND due_at < ?3)) AS missed FROM tickets"
        " WHERE due_at >= ?1 AND due_at < ?2) f,"
        " (SELECT count(*) AS n, count(*) FILTER (WHERE solved_at > resolve_due_at"
        " OR (solved_at IS NULL AND resolve_due_at < ?3)) AS missed FROM tickets"
        " WHERE resolve_due_at >= ?1 AND resolve_due_at < ?2) r",
    [ST_DIGEST_BACKLOG] = "SELECT " BACKLOG_TIER("1") ", " BACKLOG_TIER("2"),
    /* every decision has a reviewer (approve and return are someone's):
     * reviews_reviewer's range of each person, not a scan of reviews */
    [ST_REVIEW_OUTCOMES] =
        "SELECT count(*) FILTER (WHERE status = 1 AND (final_body IS NULL OR final_body = body)),"
        " count(*) FILTER (WHERE status = 1 AND final_body <> body),"
        " count(*) FILTER (WHERE status = 2) FROM reviews"
        " WHERE reviewer_id IN (SELECT id FROM people) AND decided_at >= ?1 AND decided_at < ?2",
    /* group_weeks_week backwards (most first); only ties are sorted */
    [ST_GROUP_TOP_WEEK] =
        "SELECT w.group_id, w.week_day, w.n FROM group_weeks w"
        " JOIN question_groups g ON g.id = w.group_id WHERE w.week_day = ?1 AND g.status < 2"
        " ORDER BY w.n DESC, w.group_id LIMIT ?2",
    /* the literal "after_fix = 1" lets SQLite use group_tickets_after */
    [ST_AFTER_FIX_COUNTS] =
        "SELECT group_id, count(*) AS n FROM group_tickets WHERE after_fix = 1"
        " AND joined_at >= ?1 AND joined_at < ?2 GROUP BY group_id"
        " ORDER BY n DESC, group_id LIMIT ?3",
    [ST_DIGEST_SUB_GET] = "SELECT subscribed FROM digest_subscriptions WHERE person_id = ?1",
    [ST_DIGEST_SUB_PUT] =
        "INSERT INTO digest_subscriptions (person_id, subscribed, updated_at) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (person_id) DO UPDATE SET subscribed = excluded.subscribed,"
        " updated_at = excluded.updated_at",
    /* leads, admins and leaders get it unless they said no */
    [ST_DIGEST_SUBSCRIBERS] =
        "SELECT p.id, p.email, p.name FROM people p"
        " LEFT JOIN digest_subscriptions d ON d.person_id = p.id WHERE p.active = 1"
        " AND (d.subscribed = 1 OR (d.person_id IS NULL AND (p.role = 2 OR p.leader = 1)))"
        " ORDER BY p.id LIMIT ?1",
    [ST_DIGEST_CLAIM] = "INSERT INTO digest_runs (week_day, ran_at) VALUES (?1, ?2)"
                        " ON CONFLICT DO NOTHING",
    [ST_DIGEST_DONE] = "UPDATE digest_runs SET recipients = ?2 WHERE week_day = ?1",
    [ST_MEMBERS_CLOCKED_IN] =
        "SELECT count(*) FROM work_sessions w JOIN people p ON p.id = w.person_id"
        " WHERE w.ended_at IS NULL AND p.active = 1 AND p.role = 0",
};

/* ticket_list builds its WHERE from the filters present; each shape is
 * prepared once and cached under the bit set of filters it uses. */
enum {
    TL_STATUS = 1,
    TL_TIER = 2,
    TL_ASSIGNED = 4,
    TL_UNASSIGNED = 8,
    TL_TAG = 16,
    TL_QUERY = 32,
    TL_SHAPES = 64
};

/* review_list likewise: the review queue (held, oldest first) must say
 * "status = 0" literally for SQLite to use the partial index reviews_held. */
enum {
    RL_STATUS = 1,
    RL_HELD = 2,
    RL_AUTHOR = 4,
    RL_TICKET = 8,
    RL_OLDEST = 16,
    RL_SHAPES = 32
};

/* group_list likewise: the list of groups not merged must say "status < 2"
 * literally for SQLite to walk the partial index question_groups_size in
 * its order (biggest first) and stop at the page. */
enum {
    GL_OPEN = 1,
    GL_STATUS = 2,
    GL_OWNER = 4,
    GL_FIX = 8,
    GL_SHAPES = 16
};

/* Writers in this process take turns here before BEGIN IMMEDIATE. SQLite
 * lets one writer in at a time anyway, but a writer that finds the lock
 * taken sleeps in its busy handler (1 ms, then longer) instead of being
 * woken when it frees: a mutex hands the lock over at once. Writers in
 * other processes (the command line) still meet the busy timeout. */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

struct sq {
    struct ah_store base;
    bool writing; /* holds writer */
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *list[TL_SHAPES];
    sqlite3_stmt *reviews[RL_SHAPES];
    sqlite3_stmt *groups[GL_SHAPES];
    sqlite3_stmt *tagged[AH_MAX_TAGS];          /* tagged_tickets', by number of tags */
    sqlite3_stmt *copy_insert[COPY_TABLES_MAX]; /* table_write's, by table */
    uint32_t copy_real[COPY_TABLES_MAX];        /* ... and its REAL columns, a bit each */
};

static enum ah_err db_error(struct sq *q, int rc, const char *what, struct ah_error *err)
{
    int prim = rc & 0xff;

    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return ah_error_set(err, AH_E_CONFLICT, "%s: already exists", what);
    if (prim == SQLITE_CONSTRAINT)
        return ah_error_set(err, AH_E_INVALID, "%s: %s", what, sqlite3_errmsg(q->db));
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: database is busy", what);
    if (prim == SQLITE_FULL)
        return ah_error_set(err, AH_E_INTERNAL, "%s: database or disk is full", what);
    if (prim == SQLITE_READONLY)
        return ah_error_set(err, AH_E_INTERNAL, "%s: database is read-only", what);
    return ah_error_set(err, AH_E_INTERNAL, "%s: %s", what, sqlite3_errmsg(q->db));
}

static enum ah_err prep_sql(struct sq *q, const char *sql, sqlite3_stmt **out,
                            struct ah_error *err)
{
    int rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);

    if (rc != SQLITE_OK)
        return db_error(q, rc, "prepare", err);
    return AH_OK;
}

/* The cached statement id, reset and ready to bind. */
static enum ah_err stmt(struct sq *q, enum st id, sqlite3_stmt **out, struct ah_error *err)
{
    if (!q->st[id]) {
        enum ah_err rc = prep_sql(q, sql_text[id], &q->st[id], err);

        if (rc)
            return rc;
    }
    *out = q->st[id];
    return AH_OK;
}

static void done(sqlite3_stmt *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

static void bind_str(sqlite3_stmt *s, int i, struct ah_str v)
{
    if (v.p)
        sqlite3_bind_text(s, i, v.p, (int)v.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_c(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static const char *col_text(struct ah_arena *a, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    if (!t)
        return NULL;
    return ah_arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

static const char *col_text0(struct ah_arena *a, sqlite3_stmt *s, int i)
{
    const char *t = col_text(a, s, i);

    return t ? t : "";
}

/* Steps a statement that returns no rows and resets it. */
static enum ah_err exec_done(struct sq *q, sqlite3_stmt *s, const char *what,
                             struct ah_error *err)
{
    int rc = sqlite3_step(s);

    done(s);
    if (rc != SQLITE_DONE)
        return db_error(q, rc, what, err);
    return AH_OK;
}

static int person_read(sqlite3_stmt *s, int c, struct ah_arena *a, struct ah_person *p)
{
    p->id = sqlite3_column_int64(s, c);
    p->email = col_text0(a, s, c + 1);
    p->name = col_text0(a, s, c + 2);
    p->department = col_text0(a, s, c + 3);
    p->manager_id = sqlite3_column_int64(s, c + 4);
    p->role = (enum ah_role)sqlite3_column_int(s, c + 5);
    p->leader = sqlite3_column_int(s, c + 6) != 0;
    p->timezone = col_text0(a, s, c + 7);
    p->active = sqlite3_column_int(s, c + 8) != 0;
    p->created_at = sqlite3_column_int64(s, c + 9);
    p->updated_at = sqlite3_column_int64(s, c + 10);
    p->start_day = sqlite3_column_int64(s, c + 11);
    p->level = (enum ah_level)sqlite3_column_int(s, c + 12);
    return c + 13;
}

static void ticket_read(sqlite3_stmt *s, struct ah_arena *a, struct ah_ticket *t)
{
    t->id = sqlite3_column_int64(s, 0);
    t->subject = col_text0(a, s, 1);
    t->requester_id = sqlite3_column_int64(s, 2);
    t->requester_email = col_text0(a, s, 3);
    t->requester_name = col_text0(a, s, 4);
    t->status = (enum ah_status)sqlite3_column_int(s, 5);
    t->priority = (enum ah_priority)sqlite3_column_int(s, 6);
    t->tier = sqlite3_column_int(s, 7);
    t->tags = col_text0(a, s, 8);
    t->source = col_text0(a, s, 9);
    t->assignee_id = sqlite3_column_int64(s, 10);
    t->claim_until = sqlite3_column_int64(s, 11);
    t->due_at = sqlite3_column_int64(s, 12);
    t->resolve_due_at = sqlite3_column_int64(s, 13);
    t->first_response_at = sqlite3_column_int64(s, 14);
    t->created_at = sqlite3_column_int64(s, 15);
    t->updated_at = sqlite3_column_int64(s, 16);
    t->last_message_id = sqlite3_column_int64(s, 17);
    t->message_count = sqlite3_column_int64(s, 18);
    t->solved_at = sqlite3_column_int64(s, 19);
}

/* Runs s (bound) and collects up to max rows with read into an arena array
 * that grows as rows come (a cap of a million must not cost a million). */
typedef void (*row_reader)(sqlite3_stmt *s, struct ah_arena *a, void *item);

static enum ah_err collect(struct sq *q, sqlite3_stmt *s, struct ah_arena *a, size_t item_size,
                           size_t max, row_reader read, void **items, size_t *n,
                           const char *what, struct ah_error *err)
{
    size_t cap = max < 16 ? (max ? max : 1) : 16;
    char *arr = ah_arena_alloc(a, item_size * cap);
    size_t count = 0;
    int rc;

    while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < max) {
        if (count == cap) {
            char *bigger;

            cap = cap * 2 < max ? cap * 2 : max;
            bigger = ah_arena_alloc(a, item_size * cap);
            memcpy(bigger, arr, item_size * count);
            arr = bigger;
        }
        read(s, a, arr + count * item_size);
        count++;
    }
    done(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(q, rc, what, err);
    *items = arr;
    *n = count;
    return AH_OK;
}

static void ticket_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    ticket_read(s, a, item);
}

static void person_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    person_read(s, 0, a, item);
}

/* ---- connection and transactions ---- */

static void writer_leave(struct sq *q)
{
    if (q->writing) {
        q->writing = false;
        pthread_mutex_unlock(&writer);
    }
}


static void sq_close(struct ah_store *base)
{
    struct sq *q = (struct sq *)base;

    writer_leave(q);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(q->st[i]);
    for (int i = 0; i < TL_SHAPES; i++)
        sqlite3_finalize(q->list[i]);
    for (int i = 0; i < RL_SHAPES; i++)
        sqlite3_finalize(q->reviews[i]);
    for (int i = 0; i < GL_SHAPES; i++)
        sqlite3_finalize(q->groups[i]);
    for (int i = 0; i < AH_MAX_TAGS; i++)
        sqlite3_finalize(q->tagged[i]);
    for (int i = 0; i < COPY_TABLES_MAX; i++)
        sqlite3_finalize(q->copy_insert[i]);
    sqlite3_close_v2(q->db);
    free(q);
}

static enum ah_err run_simple(struct sq *q, enum st id, const char *what, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, id, &s, err);

    if (rc)
        return rc;
    return exec_done(q, s, what, err);
}

static enum ah_err writer_enter(struct sq *q, struct ah_error *err)
{
    struct timespec until;

    assert(!q->writing);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += BUSY_TIMEOUT_MS / 1000;
    if (pthread_mutex_timedlock(&writer, &until) != 0)
        return ah_error_set(err, AH_E_UNAVAILABLE, "begin: database is busy");
    q->writing = true;
    return AH_OK;
}

static enum ah_err sq_begin(struct ah_store *base, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = writer_enter(q, err);

    if (rc)
        return rc;
    rc = run_simple(q, ST_BEGIN, "begin", err);
    if (rc)
        writer_leave(q);
    return rc;
}

static enum ah_err sq_commit(struct ah_store *base, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = run_simple(q, ST_COMMIT, "commit", err);

    if (rc && !sqlite3_get_autocommit(q->db))
        run_simple(q, ST_ROLLBACK, "rollback", NULL);
    writer_leave(q);
    return rc;
}

static void sq_rollback(struct ah_store *base)
{
    struct sq *q = (struct sq *)base;

    if (!sqlite3_get_autocommit(q->db))
        run_simple(q, ST_ROLLBACK, "rollback", NULL);
    writer_leave(q);
}

static enum ah_err exec_script(struct sq *q, const char *sql, const char *what,
                               struct ah_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(q->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        ah_error_set(err, (rc & 0xff) == SQLITE_BUSY ? AH_E_UNAVAILABLE : AH_E_INTERNAL,
                     "%s: %s", what, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return err ? err->code : AH_E_INTERNAL;
    }
    return AH_OK;
}

static enum ah_err user_version(struct sq *q, int *out, struct ah_error *err)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &s, NULL);

    if (rc != SQLITE_OK)
        return db_error(q, rc, "schema version", err);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW)
        return db_error(q, rc, "schema version", err);
    return AH_OK;
}

static enum ah_err sq_migrate(struct ah_store *base, int *from, int *to, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    int v = 0;
    enum ah_err rc = exec_script(q, "BEGIN IMMEDIATE", "migrate", err);

    if (rc)
        return rc;
    /* read the version inside the write lock, so two starting servers do not
     * both apply the same migration */
    rc = user_version(q, &v, err);
    if (!rc && v > NMIGRATIONS)
        rc = ah_error_set(err, AH_E_INTERNAL,
                          "database schema version %d is newer than this allhands (%d)", v,
                          NMIGRATIONS);
    *from = v;
    for (; !rc && v < NMIGRATIONS; v++) {
        char pragma[64];

        rc = exec_script(q, sqlite_migrations[v], "migration", err);
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if (!rc)
            rc = exec_script(q, pragma, "migration", err);
    }
    if (rc) {
        exec_script(q, "ROLLBACK", "migrate", NULL);
        return rc;
    }
    *to = v;
    return exec_script(q, "COMMIT", "migrate", err);
}

static enum ah_err sq_ping(struct ah_store *base, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PING, &s, err);
    int r;

    if (rc)
        return rc;
    r = sqlite3_step(s);
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "ping", err);
    return AH_OK;
}

/* ---- people ---- */

static void bind_person(sqlite3_stmt *s, const struct ah_person *p)
{
    bind_c(s, 2, p->name);
    bind_c(s, 3, p->department ? p->department : "");
    sqlite3_bind_int64(s, 4, p->manager_id);
    sqlite3_bind_int(s, 5, (int)p->role);
    sqlite3_bind_int(s, 6, p->leader);
    bind_c(s, 7, p->timezone ? p->timezone : "UTC");
    sqlite3_bind_int(s, 8, p->active);
}

static enum ah_err sq_person_insert(struct ah_store *base, struct ah_person *p,
                                    const char *pwhash, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_INSERT, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, p->email);
    bind_person(s, p);
    bind_c(s, 9, pwhash);
    sqlite3_bind_int64(s, 10, p->created_at);
    sqlite3_bind_int64(s, 11, p->start_day);
    sqlite3_bind_int(s, 12, (int)p->level);
    rc = exec_done(q, s, "person", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "a person with email %s already exists",
                            p->email);
    if (!rc)
        p->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_person_update(struct ah_store *base, const struct ah_person *p,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_UPDATE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, p->id);
    bind_person(s, p);
    sqlite3_bind_int64(s, 9, p->updated_at);
    sqlite3_bind_int64(s, 10, p->start_day);
    sqlite3_bind_int(s, 11, (int)p->level);
    return exec_done(q, s, "person", err);
}

static enum ah_err sq_person_set_password(struct ah_store *base, int64_t id, const char *pwhash,
                                          struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_PASSWORD, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_c(s, 2, pwhash);
    return exec_done(q, s, "password", err);
}

static enum ah_err sq_person_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_person *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_GET, &s, err);
    int r;

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        person_read(s, 0, a, out);
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "person %" PRId64 " does not exist", id);
    if (r != SQLITE_ROW)
        return db_error(q, r, "person", err);
    return AH_OK;
}

static enum ah_err sq_person_get_by_email(struct ah_store *base, struct ah_str email,
                                          struct ah_arena *a, struct ah_person *out,
                                          const char **pwhash, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_BY_EMAIL, &s, err);
    int r;

    if (rc)
        return rc;
    bind_str(s, 1, email);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        int c = person_read(s, 0, a, out);

        if (pwhash)
            *pwhash = col_text(a, s, c);
    }
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "no person has that email");
    if (r != SQLITE_ROW)
        return db_error(q, r, "person", err);
    return AH_OK;
}

static enum ah_err sq_person_list(struct ah_store *base, int64_t after_id, int limit,
                                  struct ah_arena *a, struct ah_person **items, size_t *n,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_LIST, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, after_id);
    sqlite3_bind_int(s, 2, limit);
    return collect(q, s, a, sizeof(**items), (size_t)limit, person_reader, (void **)items, n,
                   "people", err);
}

static enum ah_err sq_person_count(struct ah_store *base, int64_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PERSON_COUNT, &s, err);
    int r;

    if (rc)
        return rc;
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "people", err);
    return AH_OK;
}

/* ---- credentials ---- */

static enum ah_err sq_cred_insert(struct ah_store *base, struct ah_credential *c,
                                  const char *hash, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CRED_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, c->person_id);
    sqlite3_bind_int(s, 2, (int)c->kind);
    bind_c(s, 3, hash);
    bind_c(s, 4, c->name ? c->name : "");
    sqlite3_bind_int64(s, 5, c->created_at);
    sqlite3_bind_int64(s, 6, c->expires_at);
    sqlite3_bind_int64(s, 7, c->last_used_at);
    rc = exec_done(q, s, "credential", err);
    if (!rc)
        c->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void cred_read(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_credential *c = item;

    c->id = sqlite3_column_int64(s, 0);
    c->person_id = sqlite3_column_int64(s, 1);
    c->kind = (enum ah_cred_kind)sqlite3_column_int(s, 2);
    c->name = col_text0(a, s, 3);
    c->created_at = sqlite3_column_int64(s, 4);
    c->last_used_at = sqlite3_column_int64(s, 5);
    c->expires_at = sqlite3_column_int64(s, 6);
}

static enum ah_err sq_cred_lookup(struct ah_store *base, const char *hash, struct ah_arena *a,
                                  struct ah_credential *c, struct ah_person *p,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CRED_LOOKUP, &s, err);
    int r;

    if (rc)
        return rc;
    bind_c(s, 1, hash);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        int col;

        cred_read(s, a, c);
        col = person_read(s, 7, a, p);
        c->clock_id = sqlite3_column_int64(s, col);
        c->clock_active_at = sqlite3_column_int64(s, col + 1);
        c->idle_timeout_s = sqlite3_column_int64(s, col + 2);
    }
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such credential");
    if (r != SQLITE_ROW)
        return db_error(q, r, "credential", err);
    return AH_OK;
}

static enum ah_err sq_cred_touch(struct ah_store *base, int64_t id, int64_t now,
                                 int64_t expires_at, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CRED_TOUCH, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, expires_at);
    return exec_done(q, s, "credential", err);
}

static enum ah_err sq_cred_delete(struct ah_store *base, int64_t id, int64_t person_id,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_CRED_DELETE : ST_CRED_DELETE_ANY, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if (person_id)
        sqlite3_bind_int64(s, 2, person_id);
    rc = exec_done(q, s, "credential", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "token %" PRId64 " does not exist", id);
    return rc;
}

static enum ah_err sq_cred_list(struct ah_store *base, int64_t person_id, enum ah_cred_kind kind,
                                struct ah_arena *a, struct ah_credential **items, size_t *n,
                                struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CRED_LIST, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int(s, 2, (int)kind);
    return collect(q, s, a, sizeof(**items), 1000, cred_read, (void **)items, n, "credentials",
                   err);
}

static enum ah_err sq_cred_purge(struct ah_store *base, int64_t now, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CRED_PURGE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now);
    rc = exec_done(q, s, "credentials", err);
    if (!rc)
        rc = stmt(q, ST_LOGIN_PURGE, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now);
    return exec_done(q, s, "login failures", err);
}

static enum ah_err sq_login_failures(struct ah_store *base, const char *client, int64_t since,
                                     int64_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LOGIN_COUNT, &s, err);
    int r;

    if (rc)
        return rc;
    bind_c(s, 1, client);
    sqlite3_bind_int64(s, 2, since);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "login failures", err);
    return AH_OK;
}

static enum ah_err sq_login_failure_add(struct ah_store *base, const char *client, int64_t now,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LOGIN_ADD, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, client);
    sqlite3_bind_int64(s, 2, now);
    return exec_done(q, s, "login failures", err);
}

/* ---- customers ---- */

static enum ah_err sq_customer_upsert(struct ah_store *base, struct ah_str email,
                                      struct ah_str name, int64_t now, struct ah_arena *a,
                                      int64_t *id, const char **stored_name,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_CUSTOMER_FIND, &s, err);
    int r;

    if (rc)
        return rc;
    bind_str(s, 1, email);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *stored_name = col_text0(a, s, 1);
    }
    done(s);
    if (r == SQLITE_ROW)
        return AH_OK;
    if (r != SQLITE_DONE)
        return db_error(q, r, "customer", err);
    rc = stmt(q, ST_CUSTOMER_INSERT, &s, err);
    if (rc)
        return rc;
    bind_str(s, 1, email);
    bind_str(s, 2, name.p ? name : AH_STR_LIT(""));
    sqlite3_bind_int64(s, 3, now);
    rc = exec_done(q, s, "customer", err);
    if (!rc) {
        *id = sqlite3_last_insert_rowid(q->db);
        *stored_name = name.p ? ah_arena_strndup(a, name.p, name.len) : "";
    }
    return rc;
}

/* ---- tickets ---- */

/* Writes the ticket's rows in ticket_tags from the words of tags; fresh
 * means the ticket has none yet. */
static enum ah_err tags_write(struct sq *q, int64_t ticket_id, const char *tags, bool fresh,
                              struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = AH_OK;
    const char *p = tags;

    if (!fresh) {
        rc = stmt(q, ST_TAG_CLEAR, &s, err);
        if (!rc) {
            sqlite3_bind_int64(s, 1, ticket_id);
            rc = exec_done(q, s, "tags", err);
        }
    }
    if (!rc)
        rc = stmt(q, ST_TAG_INSERT, &s, err);
    while (!rc && *p) {
        size_t len = strcspn(p, " ");

        if (len) {
            sqlite3_bind_text(s, 1, p, (int)len, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, ticket_id);
            rc = exec_done(q, s, "tags", err);
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    return rc;
}

static enum ah_err sq_ticket_set_tags(struct ah_store *base, int64_t id, const char *tags,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_TAG_COLUMN, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    bind_c(s, 2, tags);
    rc = exec_done(q, s, "tags", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", id);
    return rc ? rc : tags_write(q, id, tags, false, err);
}

static enum ah_err sq_ticket_insert(struct ah_store *base, struct ah_ticket *t,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_TICKET_INSERT, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, t->subject);
    sqlite3_bind_int64(s, 2, t->requester_id);
    sqlite3_bind_int(s, 3, (int)t->status);
    sqlite3_bind_int(s, 4, (int)t->priority);
    sqlite3_bind_int(s, 5, t->tier);
    bind_c(s, 6, t->tags ? t->tags : "");
    bind_c(s, 7, t->source);
    sqlite3_bind_int64(s, 8, t->assignee_id);
    sqlite3_bind_int64(s, 9, t->claim_until);
    sqlite3_bind_int64(s, 10, t->due_at);
    sqlite3_bind_int64(s, 11, t->resolve_due_at);
    sqlite3_bind_int64(s, 12, t->first_response_at);
    sqlite3_bind_int64(s, 13, t->created_at);
    sqlite3_bind_int64(s, 14, t->solved_at);
    rc = exec_done(q, s, "ticket", err);
    if (rc)
        return rc;
    t->id = sqlite3_last_insert_rowid(q->db);
    if (t->tags && *t->tags)
        rc = tags_write(q, t->id, t->tags, true, err);
    return rc;
}

static enum ah_err sq_ticket_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_ticket *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_TICKET_GET, &s, err);
    int r;

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        ticket_read(s, a, out);
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", id);
    if (r != SQLITE_ROW)
        return db_error(q, r, "ticket", err);
    return AH_OK;
}

static enum ah_err list_stmt(struct sq *q, unsigned shape, sqlite3_stmt **out,
                             struct ah_error *err)
{
    struct ah_buf sql;
    enum ah_err rc;

    if (q->list[shape]) {
        *out = q->list[shape];
        return AH_OK;
    }
    ah_buf_init(&sql, 8192);
    rc = ah_buf_appends(&sql, "SELECT " TICKET_COLS TICKET_FROM
                              " WHERE t.tier <= ?1 AND t.id < ?2", err);
    if (!rc && (shape & TL_STATUS))
        rc = ah_buf_appends(&sql, " AND ((1 << t.status) & ?3) <> 0", err);
    if (!rc && (shape & TL_TIER))
        rc = ah_buf_appends(&sql, " AND t.tier = ?4", err);
    if (!rc && (shape & TL_ASSIGNED))
        rc = ah_buf_appends(&sql, " AND t.assignee_id = ?5", err);
    if (!rc && (shape & TL_UNASSIGNED))
        rc = ah_buf_appends(&sql, " AND t.assignee_id IS NULL", err);
    if (!rc && (shape & TL_TAG))
        rc = ah_buf_appends(&sql, " AND t.id IN (SELECT ticket_id FROM ticket_tags"
                                  " WHERE tag = ?6)", err);
    if (!rc && (shape & TL_QUERY))
        rc = ah_buf_appends(&sql, " AND t.id IN (SELECT rowid FROM ticket_fts WHERE"
                                  " ticket_fts MATCH ?7 UNION SELECT m.ticket_id FROM"
                                  " message_fts f JOIN messages m ON m.id = f.rowid WHERE"
                                  " message_fts MATCH ?7)", err);
    if (!rc)
        rc = ah_buf_appends(&sql, " ORDER BY t.id DESC LIMIT ?8", err);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), &q->list[shape], err);
    ah_buf_release(&sql);
    if (!rc)
        *out = q->list[shape];
    return rc;
}

static enum ah_err sq_ticket_list(struct ah_store *base, const struct ah_ticket_filter *f,
                                  struct ah_arena *a, struct ah_ticket **items, size_t *n,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    unsigned shape = 0;
    sqlite3_stmt *s;
    enum ah_err rc;

    if (f->status_mask)
        shape |= TL_STATUS;
    if (f->tier)
        shape |= TL_TIER;
    if (f->assignee_id > 0)
        shape |= TL_ASSIGNED;
    if (f->assignee_id < 0)
        shape |= TL_UNASSIGNED;
    if (f->tag.p)
        shape |= TL_TAG;
    if (f->query.p)
        shape |= TL_QUERY;
    rc = list_stmt(q, shape, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int(s, 1, f->max_tier);
    sqlite3_bind_int64(s, 2, f->before_id ? f->before_id : INT64_MAX);
    if (shape & TL_STATUS)
        sqlite3_bind_int(s, 3, (int)f->status_mask);
    if (shape & TL_TIER)
        sqlite3_bind_int(s, 4, f->tier);
    if (shape & TL_ASSIGNED)
        sqlite3_bind_int64(s, 5, f->assignee_id);
    if (shape & TL_TAG)
        bind_str(s, 6, f->tag);
    if (shape & TL_QUERY)
        bind_str(s, 7, f->query);
    sqlite3_bind_int(s, 8, f->limit);
    return collect(q, s, a, sizeof(**items), (size_t)f->limit, ticket_reader, (void **)items, n,
                   "tickets", err);
}

static enum ah_err sq_ticket_update(struct ah_store *base, const struct ah_ticket *t,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_TICKET_UPDATE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, t->id);
    sqlite3_bind_int(s, 2, (int)t->status);
    sqlite3_bind_int(s, 3, (int)t->priority);
    sqlite3_bind_int(s, 4, t->tier);
    sqlite3_bind_int64(s, 6, t->assignee_id);
    sqlite3_bind_int64(s, 7, t->claim_until);
    sqlite3_bind_int64(s, 8, t->first_response_at);
    sqlite3_bind_int64(s, 9, t->due_at);
    sqlite3_bind_int64(s, 10, t->resolve_due_at);
    sqlite3_bind_int64(s, 11, t->updated_at);
    sqlite3_bind_int64(s, 12, t->solved_at);
    rc = exec_done(q, s, "ticket", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " does not exist", t->id);
    return rc;
}

/* ---- messages ---- */

static enum ah_err sq_message_insert(struct ah_store *base, struct ah_message *m,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MESSAGE_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, m->ticket_id);
    sqlite3_bind_int(s, 2, (int)m->kind);
    sqlite3_bind_int64(s, 3, m->author_id);
    bind_c(s, 4, m->body);
    sqlite3_bind_int64(s, 5, m->created_at);
    rc = exec_done(q, s, "message", err);
    if (rc)
        return rc;
    m->id = sqlite3_last_insert_rowid(q->db);
    rc = stmt(q, ST_MESSAGE_COUNT, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, m->ticket_id);
    sqlite3_bind_int64(s, 2, m->id);
    sqlite3_bind_int64(s, 3, m->created_at);
    return exec_done(q, s, "message", err);
}

static void message_read(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_message *m = item;

    m->id = sqlite3_column_int64(s, 0);
    m->ticket_id = sqlite3_column_int64(s, 1);
    m->kind = (enum ah_msg_kind)sqlite3_column_int(s, 2);
    m->author_id = sqlite3_column_int64(s, 3);
    m->author_name = col_text0(a, s, 4);
    m->body = col_text0(a, s, 5);
    m->created_at = sqlite3_column_int64(s, 6);
}

static enum ah_err sq_message_list(struct ah_store *base, int64_t ticket_id, int64_t after_id,
                                   int limit, struct ah_arena *a, struct ah_message **items,
                                   size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MESSAGE_LIST, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int(s, 3, limit);
    return collect(q, s, a, sizeof(**items), (size_t)limit, message_read, (void **)items, n,
                   "messages", err);
}

/* ---- queue ---- */

static enum ah_err sq_queue_expire(struct ah_store *base, int64_t now, int64_t *returned,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_QUEUE_EXPIRE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, now);
    rc = exec_done(q, s, "lease expiry", err);
    if (!rc && returned)
        *returned = sqlite3_changes(q->db);
    return rc;
}

static enum ah_err sq_queue_held(struct ah_store *base, int64_t person_id, int64_t now,
                                 int64_t *id, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_QUEUE_HELD, &s, err);
    int r;

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "no claimed ticket");
    if (r != SQLITE_ROW)
        return db_error(q, r, "queue", err);
    return AH_OK;
}

static void bind_queue(sqlite3_stmt *s, const struct ah_queue_filter *f)
{
    sqlite3_bind_int64(s, 1, f->after_id ? f->after_due : INT64_MIN);
    sqlite3_bind_int64(s, 2, f->after_id);
    sqlite3_bind_int64(s, 3, f->exclude_id);
    sqlite3_bind_int64(s, 4, f->person_id);
    /* the reserve: 0 leaves no young ticket out */
    sqlite3_bind_int64(s, 6, f->young_after ? f->young_after : INT64_MAX);
}

static enum ah_err sq_queue_claim_next(struct ah_store *base, const struct ah_queue_filter *f,
                                       int64_t until, int64_t now, int64_t *id,
                                       struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, f->max_tier >= 2 ? ST_QUEUE_PICK : ST_QUEUE_PICK_T1, &s, err);
    int64_t pick = 0;
    int r;

    if (rc)
        return rc;
    bind_queue(s, f);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        pick = sqlite3_column_int64(s, 0);
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "the queue is empty");
    if (r != SQLITE_ROW)
        return db_error(q, r, "queue", err);
    /* the caller holds the write lock (BEGIN IMMEDIATE), so nobody can take
     * pick between the SELECT and this UPDATE */
    rc = stmt(q, ST_QUEUE_CLAIM, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, pick);
    sqlite3_bind_int64(s, 2, f->person_id);
    sqlite3_bind_int64(s, 3, until);
    sqlite3_bind_int64(s, 4, now);
    rc = exec_done(q, s, "claim", err);
    if (rc)
        return rc;
    if (sqlite3_changes(q->db) != 1)
        return ah_error_set(err, AH_E_CONFLICT, "ticket %" PRId64 " was taken", pick);
    *id = pick;
    return AH_OK;
}

static enum ah_err sq_queue_list(struct ah_store *base, const struct ah_queue_filter *f,
                                 struct ah_arena *a, struct ah_ticket **items, size_t *n,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, f->max_tier >= 2 ? ST_QUEUE_LIST : ST_QUEUE_LIST_T1, &s, err);

    if (rc)
        return rc;
    bind_queue(s, f);
    sqlite3_bind_int(s, 5, f->limit);
    return collect(q, s, a, sizeof(**items), (size_t)f->limit, ticket_reader, (void **)items, n,
                   "queue", err);
}

static enum ah_err sq_queue_unclaim(struct ah_store *base, int64_t id, int64_t now,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_QUEUE_UNCLAIM, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    return exec_done(q, s, "claim", err);
}

static enum ah_err sq_queue_renew(struct ah_store *base, int64_t person_id, int64_t now,
                                  int64_t until, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_QUEUE_RENEW, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, until);
    return exec_done(q, s, "lease", err);
}

static enum ah_err sq_queue_skip(struct ah_store *base, int64_t ticket_id, int64_t person_id,
                                 struct ah_str reason, int64_t now, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_QUEUE_SKIP, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, ticket_id);
    bind_str(s, 3, reason);
    sqlite3_bind_int64(s, 4, now);
    return exec_done(q, s, "skip", err);
}

/* ---- audit ---- */

static enum ah_err sq_audit_insert(struct ah_store *base, struct ah_audit_entry *e,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_AUDIT_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, e->at);
    sqlite3_bind_int64(s, 2, e->actor_id);
    bind_c(s, 3, e->action);
    bind_c(s, 4, e->target);
    bind_c(s, 5, e->before);
    bind_c(s, 6, e->after);
    rc = exec_done(q, s, "audit", err);
    if (!rc)
        e->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void audit_read(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_audit_entry *e = item;

    e->id = sqlite3_column_int64(s, 0);
    e->at = sqlite3_column_int64(s, 1);
    e->actor_id = sqlite3_column_int64(s, 2);
    e->action = col_text0(a, s, 3);
    e->target = col_text0(a, s, 4);
    e->before = col_text(a, s, 5);
    e->after = col_text(a, s, 6);
}

static enum ah_err sq_audit_list(struct ah_store *base, int64_t before_id, int limit,
                                 struct ah_arena *a, struct ah_audit_entry **items, size_t *n,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_AUDIT_LIST, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, before_id ? before_id : INT64_MAX);
    sqlite3_bind_int(s, 2, limit);
    return collect(q, s, a, sizeof(**items), (size_t)limit, audit_read, (void **)items, n,
                   "audit", err);
}

/* ---- text index and checkpoints: work done behind the requests ---- */

static enum ah_err fts_step(struct sq *q, const char *name, enum st hi_st, enum st ins_st,
                            int limit, bool *more, struct ah_error *err)
{
    sqlite3_stmt *s;
    int64_t upto = 0, hi = 0, rows = 0;
    enum ah_err rc = stmt(q, ST_FTS_UPTO, &s, err);
    int r;

    if (rc)
        return rc;
    bind_c(s, 1, name);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        upto = sqlite3_column_int64(s, 0);
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "text index", err);
    rc = stmt(q, hi_st, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, upto);
    sqlite3_bind_int(s, 2, limit);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        hi = sqlite3_column_int64(s, 0);
        rows = sqlite3_column_int64(s, 1);
    }
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "text index", err);
    if (rows == 0)
        return AH_OK;
    *more |= rows == limit;
    rc = stmt(q, ins_st, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, upto);
    sqlite3_bind_int64(s, 2, hi);
    rc = exec_done(q, s, "text index", err);
    if (rc)
        return rc;
    rc = stmt(q, ST_FTS_SET, &s, err);
    if (rc)
        return rc;
    bind_c(s, 1, name);
    sqlite3_bind_int64(s, 2, hi);
    return exec_done(q, s, "text index", err);
}

/* Indexing text in batches behind the writes costs a fraction of indexing
 * it inside each write: FTS5 writes a new segment per transaction, and a
 * creation's own transaction wrote two. Ids only grow (nothing is deleted),
 * so a watermark per table says what is indexed. */
static enum ah_err sq_text_index(struct ah_store *base, int limit, bool *more,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = sq_begin(base, err);

    *more = false;
    if (rc)
        return rc;
    rc = fts_step(q, "tickets", ST_FTS_TICKETS_HI, ST_FTS_TICKETS, limit, more, err);
    if (!rc)
        rc = fts_step(q, "messages", ST_FTS_MESSAGES_HI, ST_FTS_MESSAGES, limit, more, err);
    if (!rc)
        return sq_commit(base, err);
    sq_rollback(base);
    return rc;
}

/* RESTART, not PASSIVE: under steady traffic some reader always holds the
 * log, so a passive checkpoint copies pages but the log never starts over
 * and grows without end (a gigabyte in ten seconds of creations). RESTART
 * waits the few microseconds for readers to move to the database file.
 * A passive pass first copies the bulk while writers go on; the restart
 * holds the writer mutex, so writers queue instead of backing
 * off in SQLite's busy handler. */
static enum ah_err sq_try_lead(struct ah_store *base, bool *leader, struct ah_error *err)
{
    (void)base;
    (void)err;
    *leader = true;
    return AH_OK;
}

/* SQLite has one writer at a time: no transaction loses a race to another. */
static bool sq_should_retry(struct ah_store *base)
{
    (void)base;
    return false;
}

static enum ah_err sq_checkpoint(struct ah_store *base, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    int rc;
    int frames = 0, copied = 0;

    /* copy what can be copied while writers go on; restart only once the
     * log is long, since a restart makes writers wait for an fsync */
    rc = sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
        return db_error(q, rc, "checkpoint", err);
    if (frames < RESTART_FRAMES)
        return AH_OK;
    if (writer_enter(q, err))
        return AH_OK; /* busy: the next round will do it */
    rc = sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
    writer_leave(q);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
        return db_error(q, rc, "checkpoint", err);
    return AH_OK;
}

/* ---- the program ---- */

/* Binds n int64 values to ?first, ?first+1, ... */
static void bind_i64s(sqlite3_stmt *s, int first, size_t n, const int64_t *v)
{
    for (size_t i = 0; i < n; i++)
        sqlite3_bind_int64(s, first + (int)i, v[i]);
}

/* Steps s for at most one row, read into item; NOT_FOUND with missing when
 * there is none. */
static enum ah_err one_row(struct sq *q, sqlite3_stmt *s, struct ah_arena *a, row_reader read,
                           void *item, const char *what, const char *missing,
                           struct ah_error *err)
{
    int r = sqlite3_step(s);

    if (r == SQLITE_ROW)
        read(s, a, item);
    done(s);
    if (r == SQLITE_DONE)
        return ah_error_set(err, AH_E_NOT_FOUND, "%s", missing);
    if (r != SQLITE_ROW)
        return db_error(q, r, what, err);
    return AH_OK;
}

static void policy_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_policy *p = item;

    p->cadence = (enum ah_cadence)sqlite3_column_int(s, 0);
    p->weekly_minutes = sqlite3_column_int64(s, 1);
    p->weeks_per_year = sqlite3_column_int64(s, 2);
    p->onboarding_week = sqlite3_column_int(s, 3) != 0;
    p->timezone = col_text0(a, s, 4);
    p->week_start = sqlite3_column_int(s, 5);
    p->idle_timeout_s = sqlite3_column_int64(s, 6);
    p->ladder_remind = sqlite3_column_int64(s, 7);
    p->ladder_manager = sqlite3_column_int64(s, 8);
    p->ladder_report = sqlite3_column_int64(s, 9);
    p->max_exemption_weeks = sqlite3_column_int64(s, 10);
    p->updated_at = sqlite3_column_int64(s, 11);
    p->updated_by = sqlite3_column_int64(s, 12);
    p->default_tier = sqlite3_column_int(s, 13);
    p->reserve_on = sqlite3_column_int(s, 14) != 0;
    p->reserve_age_s = sqlite3_column_int64(s, 15);
    p->review_first = sqlite3_column_int64(s, 16);
    p->review_rate = sqlite3_column_int64(s, 17);
    p->promote_approved = sqlite3_column_int64(s, 18);
    p->promote_clean_days = sqlite3_column_int64(s, 19);
    p->business_days = sqlite3_column_int(s, 20);
    p->business_start = sqlite3_column_int64(s, 21);
    p->business_end = sqlite3_column_int64(s, 22);
}

static enum ah_err sq_policy_get(struct ah_store *base, struct ah_arena *a,
                                 struct ah_policy *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_POLICY_GET, &s, err);

    if (rc)
        return rc;
    return one_row(q, s, a, policy_reader, out, "policy", "no policy has been set", err);
}

static enum ah_err sq_policy_put(struct ah_store *base, const struct ah_policy *p,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_POLICY_PUT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){p->cadence, p->weekly_minutes, p->weeks_per_year,
                                    p->onboarding_week});
    bind_c(s, 5, p->timezone);
    bind_i64s(s, 6, 8, (int64_t[]){p->week_start, p->idle_timeout_s, p->ladder_remind,
                                    p->ladder_manager, p->ladder_report,
                                    p->max_exemption_weeks, p->updated_at, p->updated_by});
    bind_i64s(s, 14, 10, (int64_t[]){p->default_tier, p->reserve_on, p->reserve_age_s,
                                     p->review_first, p->review_rate, p->promote_approved,
                                     p->promote_clean_days, p->business_days,
                                     p->business_start, p->business_end});
    return exec_done(q, s, "policy", err);
}

static void exemption_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_exemption *e = item;

    e->id = sqlite3_column_int64(s, 0);
    e->person_id = sqlite3_column_int64(s, 1);
    e->granted_by = sqlite3_column_int64(s, 2);
    e->reason = col_text0(a, s, 3);
    e->starts_on = sqlite3_column_int64(s, 4);
    e->ends_on = sqlite3_column_int64(s, 5);
    e->created_at = sqlite3_column_int64(s, 6);
    e->ended_at = sqlite3_column_int64(s, 7);
    e->ended_by = sqlite3_column_int64(s, 8);
}

static enum ah_err sq_exemption_insert(struct ah_store *base, struct ah_exemption *e,
                                       struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_EXEMPTION_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){e->person_id, e->granted_by});
    bind_c(s, 3, e->reason);
    bind_i64s(s, 4, 3, (int64_t[]){e->starts_on, e->ends_on, e->created_at});
    rc = exec_done(q, s, "exemption", err);
    if (!rc)
        e->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_exemption_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                    struct ah_exemption *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_EXEMPTION_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return one_row(q, s, a, exemption_reader, out, "exemption", "no such exemption", err);
}

static enum ah_err sq_exemption_end(struct ah_store *base, int64_t id, int64_t ends_on,
                                    int64_t ended_at, int64_t ended_by, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_EXEMPTION_END, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){id, ends_on, ended_at, ended_by});
    return exec_done(q, s, "exemption", err);
}

/* The rows a list may return at most: a report over everyone reads many. */
#define LIST_MAX 1000000

static enum ah_err sq_exemption_list(struct ah_store *base, int64_t person_id, int64_t from_day,
                                     int64_t to_day, struct ah_arena *a,
                                     struct ah_exemption **items, size_t *n,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_EXEMPTION_LIST : ST_EXEMPTION_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){person_id, from_day, to_day, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, exemption_reader, (void **)items, n,
                   "exemptions", err);
}

static void work_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_work_session *w = item;

    w->id = sqlite3_column_int64(s, 0);
    w->person_id = sqlite3_column_int64(s, 1);
    w->started_at = sqlite3_column_int64(s, 2);
    w->last_active_at = sqlite3_column_int64(s, 3);
    w->ended_at = sqlite3_column_int64(s, 4);
    w->source = col_text0(a, s, 5);
    w->note = col_text(a, s, 6);
}

static enum ah_err sq_work_insert(struct ah_store *base, struct ah_work_session *w,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){w->person_id, w->started_at, w->last_active_at,
                                    w->ended_at});
    bind_c(s, 5, w->source ? w->source : "clock");
    bind_c(s, 6, w->note);
    rc = exec_done(q, s, "work session", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "already clocked in");
    if (!rc)
        w->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_work_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                               struct ah_work_session *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return one_row(q, s, a, work_reader, out, "work session", "no such work session", err);
}

static enum ah_err sq_work_current(struct ah_store *base, int64_t person_id, struct ah_arena *a,
                                   struct ah_work_session *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_CURRENT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    return one_row(q, s, a, work_reader, out, "work session", "not clocked in", err);
}

static enum ah_err sq_work_update(struct ah_store *base, const struct ah_work_session *w,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){w->id, w->started_at, w->last_active_at, w->ended_at});
    bind_c(s, 5, w->note);
    rc = exec_done(q, s, "work session", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "already clocked in");
    return rc;
}

static enum ah_err sq_work_close_idle(struct ah_store *base, int64_t before, int64_t *closed,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_CLOSE_IDLE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, before);
    rc = exec_done(q, s, "work sessions", err);
    if (!rc)
        *closed = sqlite3_changes64(q->db);
    return rc;
}

static enum ah_err sq_work_list(struct ah_store *base, int64_t person_id, int64_t from,
                                int64_t to, int limit, struct ah_arena *a,
                                struct ah_work_session **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_WORK_LIST : ST_WORK_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){person_id, from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, work_reader, (void **)items, n,
                   "work sessions", err);
}

static void span_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_work_session *w = item;

    (void)a;
    memset(w, 0, sizeof(*w));
    w->person_id = sqlite3_column_int64(s, 0);
    w->started_at = sqlite3_column_int64(s, 1);
    w->last_active_at = sqlite3_column_int64(s, 2);
}

static enum ah_err sq_work_spans(struct ah_store *base, int64_t from, int64_t to, int limit,
                                 struct ah_arena *a, struct ah_work_session **items, size_t *n,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WORK_SPANS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, span_reader, (void **)items, n,
                   "work sessions", err);
}

static void block_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_block *b = item;

    (void)a;
    b->id = sqlite3_column_int64(s, 0);
    b->person_id = sqlite3_column_int64(s, 1);
    b->start_at = sqlite3_column_int64(s, 2);
    b->end_at = sqlite3_column_int64(s, 3);
    b->created_at = sqlite3_column_int64(s, 4);
    b->updated_at = sqlite3_column_int64(s, 5);
    b->sequence = sqlite3_column_int64(s, 6);
}

static enum ah_err sq_block_insert(struct ah_store *base, struct ah_block *b,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_BLOCK_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){b->person_id, b->start_at, b->end_at, b->created_at});
    rc = exec_done(q, s, "block", err);
    if (!rc)
        b->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_block_get(struct ah_store *base, int64_t id, struct ah_block *out,
                                struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_BLOCK_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return one_row(q, s, NULL, block_reader, out, "block", "no such block", err);
}

static enum ah_err sq_block_update(struct ah_store *base, const struct ah_block *b,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_BLOCK_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){b->id, b->start_at, b->end_at, b->updated_at, b->sequence});
    return exec_done(q, s, "block", err);
}

static enum ah_err sq_block_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_BLOCK_DELETE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return exec_done(q, s, "block", err);
}

static enum ah_err sq_block_list(struct ah_store *base, int64_t person_id, int64_t from,
                                 int64_t to, int limit, struct ah_arena *a,
                                 struct ah_block **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_BLOCK_LIST : ST_BLOCK_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){person_id, from, to, from - AH_WORK_SESSION_MAX_MS, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, block_reader, (void **)items, n,
                   "blocks", err);
}

static enum ah_err sq_activity(struct ah_store *base, int64_t person_id, int64_t from,
                               int64_t to, struct ah_activity *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ACTIVITY, &s, err);
    int r;

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){person_id, from, to});
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        out->replies = sqlite3_column_int64(s, 0);
        out->tickets = sqlite3_column_int64(s, 1);
    }
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, "activity", err);
    return AH_OK;
}

/* ---- support weeks ---- */

static enum ah_err sq_support_week_add(struct ah_store *base, const struct ah_support_week *w,
                                       struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_SUPPORT_ADD, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){w->person_id, w->week_day, w->created_at});
    rc = exec_done(q, s, "support week", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "that week is booked already");
    return rc;
}

static enum ah_err sq_support_week_remove(struct ah_store *base, int64_t person_id,
                                          int64_t week_day, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_SUPPORT_REMOVE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){person_id, week_day});
    rc = exec_done(q, s, "support week", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "that week is not booked");
    return rc;
}

static void support_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_support_week *w = item;

    (void)a;
    w->person_id = sqlite3_column_int64(s, 0);
    w->week_day = sqlite3_column_int64(s, 1);
    w->created_at = sqlite3_column_int64(s, 2);
}

static enum ah_err sq_support_week_list(struct ah_store *base, int64_t person_id,
                                        int64_t from_day, int64_t to_day, struct ah_arena *a,
                                        struct ah_support_week **items, size_t *n,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_SUPPORT_LIST : ST_SUPPORT_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){person_id, from_day, to_day, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, support_reader, (void **)items, n,
                   "support weeks", err);
}

/* ---- the ladder, notifications and webhooks ---- */

static enum ah_err sq_compliance_put(struct ah_store *base, const struct ah_compliance_row *rows,
                                     size_t n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_COMPLIANCE_PUT, &s, err);

    for (size_t i = 0; !rc && i < n; i++) {
        const struct ah_compliance_row *r = &rows[i];

        bind_i64s(s, 1, 6, (int64_t[]){r->person_id, r->week_day, r->status, r->required_min,
                                        r->worked_ms, r->streak});
        rc = exec_done(q, s, "compliance", err);
    }
    return rc;
}

static void compliance_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_compliance_row *r = item;

    (void)a;
    r->person_id = sqlite3_column_int64(s, 0);
    r->week_day = sqlite3_column_int64(s, 1);
    r->status = (enum ah_week_status)sqlite3_column_int(s, 2);
    r->required_min = sqlite3_column_int64(s, 3);
    r->worked_ms = sqlite3_column_int64(s, 4);
    r->streak = sqlite3_column_int64(s, 5);
}

static enum ah_err sq_compliance_get(struct ah_store *base, int64_t week_day, struct ah_arena *a,
                                     struct ah_compliance_row **items, size_t *n,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_COMPLIANCE_GET, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){week_day, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, compliance_reader, (void **)items, n,
                   "compliance", err);
}

static enum ah_err sq_ladder_claim(struct ah_store *base, int64_t week_day, int64_t now,
                                   bool *claimed, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LADDER_CLAIM, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){week_day, now});
    rc = exec_done(q, s, "ladder", err);
    if (!rc)
        *claimed = sqlite3_changes(q->db) == 1;
    return rc;
}

static enum ah_err sq_notification_insert(struct ah_store *base, struct ah_notification *nt,
                                          bool *inserted, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_NOTIFICATION_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, nt->person_id);
    bind_c(s, 2, nt->kind);
    bind_i64s(s, 3, 2, (int64_t[]){nt->subject_id, nt->week_day});
    bind_c(s, 5, nt->body);
    bind_i64s(s, 6, 2, (int64_t[]){nt->created_at, nt->ref_id});
    rc = exec_done(q, s, "notification", err);
    if (!rc) {
        *inserted = sqlite3_changes(q->db) == 1;
        if (*inserted)
            nt->id = sqlite3_last_insert_rowid(q->db);
    }
    return rc;
}

static void notification_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_notification *nt = item;

    nt->id = sqlite3_column_int64(s, 0);
    nt->person_id = sqlite3_column_int64(s, 1);
    nt->kind = col_text0(a, s, 2);
    nt->subject_id = sqlite3_column_int64(s, 3);
    nt->week_day = sqlite3_column_int64(s, 4);
    nt->body = col_text0(a, s, 5);
    nt->created_at = sqlite3_column_int64(s, 6);
    nt->read_at = sqlite3_column_int64(s, 7);
    nt->ref_id = sqlite3_column_int64(s, 8);
}

static enum ah_err sq_notification_list(struct ah_store *base, int64_t person_id,
                                        int64_t before_id, int limit, struct ah_arena *a,
                                        struct ah_notification **items, size_t *n,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_NOTIFICATION_LIST, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){person_id, before_id ? before_id : INT64_MAX, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, notification_reader,
                   (void **)items, n, "notifications", err);
}

static enum ah_err sq_notification_read(struct ah_store *base, int64_t id, int64_t person_id,
                                        int64_t at, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_NOTIFICATION_READ, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){id, person_id, at});
    rc = exec_done(q, s, "notification", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such notification");
    return rc;
}

static enum ah_err sq_webhook_insert(struct ah_store *base, struct ah_webhook *w,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WEBHOOK_INSERT, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, w->url);
    bind_c(s, 2, w->secret);
    bind_i64s(s, 3, 2, (int64_t[]){w->created_at, w->created_by});
    rc = exec_done(q, s, "webhook", err);
    if (!rc)
        w->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void webhook_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_webhook *w = item;

    w->id = sqlite3_column_int64(s, 0);
    w->url = col_text0(a, s, 1);
    w->secret = col_text0(a, s, 2);
    w->active = sqlite3_column_int(s, 3) != 0;
    w->created_at = sqlite3_column_int64(s, 4);
    w->created_by = sqlite3_column_int64(s, 5);
    w->pending = sqlite3_column_int64(s, 6);
}

/* webhooks a company keeps: a handful; the cap bounds a listing */
#define WEBHOOKS_MAX 1000

static enum ah_err sq_webhook_list(struct ah_store *base, struct ah_arena *a,
                                   struct ah_webhook **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WEBHOOK_LIST, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int(s, 1, WEBHOOKS_MAX);
    return collect(q, s, a, sizeof(**items), WEBHOOKS_MAX, webhook_reader, (void **)items, n,
                   "webhooks", err);
}

static enum ah_err sq_webhook_disable(struct ah_store *base, int64_t id, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_WEBHOOK_DISABLE, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    rc = exec_done(q, s, "webhook", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no such webhook");
    return rc;
}

static enum ah_err sq_outbox_add(struct ah_store *base, const char *event, const char *body,
                                 int64_t now, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_OUTBOX_ADD, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, event);
    bind_c(s, 2, body);
    sqlite3_bind_int64(s, 3, now);
    return exec_done(q, s, "outbox", err);
}

static void outbox_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_outbox_item *o = item;

    o->id = sqlite3_column_int64(s, 0);
    o->webhook_id = sqlite3_column_int64(s, 1);
    o->url = col_text0(a, s, 2);
    o->secret = col_text0(a, s, 3);
    o->event = col_text0(a, s, 4);
    o->body = col_text0(a, s, 5);
    o->created_at = sqlite3_column_int64(s, 6);
    o->attempts = sqlite3_column_int64(s, 7);
}

/* one writer at a time (the writer lock): reading then marking is atomic */
static enum ah_err sq_outbox_claim(struct ah_store *base, int64_t now, int64_t until, int limit,
                                   struct ah_arena *a, struct ah_outbox_item **items, size_t *n,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_OUTBOX_DUE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){now, limit});
    rc = collect(q, s, a, sizeof(**items), (size_t)limit, outbox_reader, (void **)items, n,
                 "outbox", err);
    if (!rc)
        rc = stmt(q, ST_OUTBOX_TAKE, &s, err);
    for (size_t i = 0; !rc && i < *n; i++) {
        bind_i64s(s, 1, 2, (int64_t[]){(*items)[i].id, until});
        rc = exec_done(q, s, "outbox", err);
    }
    return rc;
}

static enum ah_err sq_outbox_settle(struct ah_store *base, int64_t id, int64_t delivered_at,
                                    int64_t next_at, const char *error, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_OUTBOX_SETTLE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){id, delivered_at, next_at});
    bind_c(s, 4, error);
    return exec_done(q, s, "outbox", err);
}

static void authored_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_authored *m = item;

    (void)a;
    m->author_id = sqlite3_column_int64(s, 0);
    m->ticket_id = sqlite3_column_int64(s, 1);
    m->kind = (enum ah_msg_kind)sqlite3_column_int(s, 2);
    m->created_at = sqlite3_column_int64(s, 3);
}

static enum ah_err sq_authored_list(struct ah_store *base, int64_t from, int64_t to, int limit,
                                    struct ah_arena *a, struct ah_authored **items, size_t *n,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_AUTHORED_LIST, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, authored_reader, (void **)items, n,
                   "messages", err);
}

/* ---- deference: rule sets, review, training, escalations, macros ---- */

/* rule sets, modules and macros: a company keeps hundreds; the cap bounds a listing */
#define SET_MAX 10000

/* Binds v, or "" for NULL: a text column with a default of ''. */
static void bind_s0(sqlite3_stmt *s, int i, const char *v)
{
    bind_c(s, i, v ? v : "");
}

static void i64_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    (void)a;
    *(int64_t *)item = sqlite3_column_int64(s, 0);
}

/* Steps s for its one row and reads its first n integers into out. */
static enum ah_err row_ints(struct sq *q, sqlite3_stmt *s, int n, int64_t *out,
                            const char *what, struct ah_error *err)
{
    int r = sqlite3_step(s);

    if (r == SQLITE_ROW)
        for (int i = 0; i < n; i++)
            out[i] = sqlite3_column_int64(s, i);
    done(s);
    if (r != SQLITE_ROW)
        return db_error(q, r, what, err);
    return AH_OK;
}

/* Runs s (bound) that writes the row what id: NOT_FOUND when it changed none. */
static enum ah_err exec_one(struct sq *q, sqlite3_stmt *s, const char *what, int64_t id,
                            struct ah_error *err)
{
    enum ah_err rc = exec_done(q, s, what, err);

    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "%s %" PRId64 " does not exist", what, id);
    return rc;
}

/* Reads the row with id (?1 of st) into out; NOT_FOUND naming what and id. */
static enum ah_err get_by_id(struct sq *q, enum st st, int64_t id, struct ah_arena *a,
                             row_reader read, void *out, const char *what, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    rc = one_row(q, s, a, read, out, what, "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "%s %" PRId64 " does not exist", what, id);
    return rc;
}

/* Deletes the row with id (?1 of st); NOT_FOUND naming what and id. */
static enum ah_err delete_by_id(struct sq *q, enum st st, int64_t id, const char *what,
                                struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    return exec_one(q, s, what, id, err);
}

/* Every row of a rule set, module list or macro list (st's ?1 is the cap). */
static enum ah_err list_set(struct sq *q, enum st st, struct ah_arena *a, size_t item_size,
                            row_reader read, void **items, size_t *n, const char *what,
                            struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int(s, 1, SET_MAX);
    return collect(q, s, a, item_size, SET_MAX, read, items, n, what, err);
}

static enum ah_err sq_rules_version(struct ah_store *base, const char *name, int64_t *version,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v = 0;
    enum ah_err rc = stmt(q, ST_RULES_VERSION, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, name);
    rc = one_row(q, s, NULL, i64_reader, &v, "rule version", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "no rule set %s", name);
    if (!rc)
        *version = v;
    return rc;
}

static enum ah_err sq_rules_bump(struct ah_store *base, const char *name, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_RULES_BUMP, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, name);
    rc = exec_done(q, s, "rule version", err);
    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no rule set %s", name);
    return rc;
}

/* ---- routing rules ---- */

static void route_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_route_rule *r = item;

    r->id = sqlite3_column_int64(s, 0);
    r->position = sqlite3_column_int64(s, 1);
    r->name = col_text0(a, s, 2);
    r->match_kind = (enum ah_match_kind)sqlite3_column_int(s, 3);
    r->pattern = col_text0(a, s, 4);
    r->match_in = sqlite3_column_int(s, 5);
    r->if_tag = col_text0(a, s, 6);
    r->if_source = col_text0(a, s, 7);
    r->if_domain = col_text0(a, s, 8);
    r->if_priority = sqlite3_column_int(s, 9);
    r->set_tier = sqlite3_column_int(s, 10);
    r->set_priority = sqlite3_column_int(s, 11);
    r->add_tags = col_text0(a, s, 12);
    r->stop = sqlite3_column_int(s, 13) != 0;
    r->enabled = sqlite3_column_int(s, 14) != 0;
    r->created_at = sqlite3_column_int64(s, 15);
    r->updated_at = sqlite3_column_int64(s, 16);
    r->updated_by = sqlite3_column_int64(s, 17);
}

/* ?1 id ... ?18 updated_by, in ROUTE_COLS order: insert and update share it */
static void bind_route(sqlite3_stmt *s, const struct ah_route_rule *r)
{
    bind_i64s(s, 1, 2, (int64_t[]){r->id, r->position});
    bind_c(s, 3, r->name);
    sqlite3_bind_int(s, 4, (int)r->match_kind);
    bind_s0(s, 5, r->pattern);
    sqlite3_bind_int(s, 6, r->match_in);
    bind_s0(s, 7, r->if_tag);
    bind_s0(s, 8, r->if_source);
    bind_s0(s, 9, r->if_domain);
    bind_i64s(s, 10, 3, (int64_t[]){r->if_priority, r->set_tier, r->set_priority});
    bind_s0(s, 13, r->add_tags);
    bind_i64s(s, 14, 5, (int64_t[]){r->stop, r->enabled, r->created_at, r->updated_at,
                                    r->updated_by});
}

static enum ah_err sq_route_rule_list(struct ah_store *base, struct ah_arena *a,
                                      struct ah_route_rule **items, size_t *n,
                                      struct ah_error *err)
{
    return list_set((struct sq *)base, ST_ROUTE_LIST, a, sizeof(**items), route_reader,
                    (void **)items, n, "routing rules", err);
}

static enum ah_err sq_route_rule_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_route_rule *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_ROUTE_GET, id, a, route_reader, out, "routing rule",
                     err);
}

static enum ah_err sq_route_rule_insert(struct ah_store *base, struct ah_route_rule *r,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ROUTE_INSERT, &s, err);

    if (rc)
        return rc;
    bind_route(s, r);
    rc = exec_done(q, s, "routing rule", err);
    if (!rc)
        r->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_route_rule_update(struct ah_store *base, const struct ah_route_rule *r,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ROUTE_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_route(s, r);
    return exec_one(q, s, "routing rule", r->id, err);
}

static enum ah_err sq_route_rule_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    return delete_by_id((struct sq *)base, ST_ROUTE_DELETE, id, "routing rule", err);
}

/* ---- the style guide ---- */

static void style_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_style_rule *r = item;

    r->id = sqlite3_column_int64(s, 0);
    r->name = col_text0(a, s, 1);
    r->kind = (enum ah_match_kind)sqlite3_column_int(s, 2);
    r->pattern = col_text0(a, s, 3);
    r->severity = (enum ah_severity)sqlite3_column_int(s, 4);
    r->why = col_text0(a, s, 5);
    r->better = col_text0(a, s, 6);
    r->levels = col_text0(a, s, 7);
    r->roles = col_text0(a, s, 8);
    r->tags = col_text0(a, s, 9);
    r->lifted_tags = col_text0(a, s, 10);
    r->enabled = sqlite3_column_int(s, 11) != 0;
    r->created_at = sqlite3_column_int64(s, 12);
    r->updated_at = sqlite3_column_int64(s, 13);
    r->updated_by = sqlite3_column_int64(s, 14);
    r->deleted_at = sqlite3_column_int64(s, 15);
}

/* ?1 id ... ?16 deleted_at, in STYLE_COLS order: insert and update share it */
static void bind_style(sqlite3_stmt *s, const struct ah_style_rule *r)
{
    sqlite3_bind_int64(s, 1, r->id);
    bind_c(s, 2, r->name);
    sqlite3_bind_int(s, 3, (int)r->kind);
    bind_c(s, 4, r->pattern);
    sqlite3_bind_int(s, 5, (int)r->severity);
    bind_c(s, 6, r->why);
    bind_s0(s, 7, r->better);
    bind_s0(s, 8, r->levels);
    bind_s0(s, 9, r->roles);
    bind_s0(s, 10, r->tags);
    bind_s0(s, 11, r->lifted_tags);
    bind_i64s(s, 12, 5, (int64_t[]){r->enabled, r->created_at, r->updated_at, r->updated_by,
                                    r->deleted_at});
}

static enum ah_err sq_style_rule_list(struct ah_store *base, bool with_deleted,
                                      struct ah_arena *a, struct ah_style_rule **items,
                                      size_t *n, struct ah_error *err)
{
    return list_set((struct sq *)base, with_deleted ? ST_STYLE_LIST_ALL : ST_STYLE_LIST, a,
                    sizeof(**items), style_reader, (void **)items, n, "style rules", err);
}

static enum ah_err sq_style_rule_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_style_rule *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_STYLE_GET, id, a, style_reader, out, "style rule",
                     err);
}

static enum ah_err sq_style_rule_insert(struct ah_store *base, struct ah_style_rule *r,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_STYLE_INSERT, &s, err);

    if (rc)
        return rc;
    bind_style(s, r);
    rc = exec_done(q, s, "style rule", err);
    if (rc == AH_E_CONFLICT) /* style_rules_name: the only unique key but the id */
        return ah_error_set(err, AH_E_CONFLICT, "a style rule named %s exists already", r->name);
    if (!rc)
        r->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_style_rule_update(struct ah_store *base, const struct ah_style_rule *r,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_STYLE_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_style(s, r);
    rc = exec_one(q, s, "style rule", r->id, err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "a style rule named %s exists already", r->name);
    return rc;
}

static enum ah_err sq_style_hits_add(struct ah_store *base, int64_t rule_id, int64_t person_id,
                                     int64_t day, int64_t hits, int64_t overrides,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_HITS_ADD, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){rule_id, person_id, day, hits, overrides});
    return exec_done(q, s, "style hits", err);
}

static void hit_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_style_hit_row *h = item;

    (void)a;
    h->rule_id = sqlite3_column_int64(s, 0);
    h->person_id = sqlite3_column_int64(s, 1);
    h->hits = sqlite3_column_int64(s, 2);
    h->overrides = sqlite3_column_int64(s, 3);
}

static enum ah_err sq_style_hits_sum(struct ah_store *base, int64_t from_day, int64_t to_day,
                                     struct ah_arena *a, struct ah_style_hit_row **items,
                                     size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_HITS_SUM, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from_day, to_day, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, hit_reader, (void **)items, n,
                   "style hits", err);
}

/* ---- reply review ---- */

static void review_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_review *r = item;

    r->id = sqlite3_column_int64(s, 0);
    r->ticket_id = sqlite3_column_int64(s, 1);
    r->author_id = sqlite3_column_int64(s, 2);
    r->body = col_text0(a, s, 3);
    r->status = (enum ah_review_status)sqlite3_column_int(s, 4);
    r->reviewer_id = sqlite3_column_int64(s, 5);
    r->final_body = col_text(a, s, 6);
    r->comment = col_text(a, s, 7);
    r->message_id = sqlite3_column_int64(s, 8);
    r->created_at = sqlite3_column_int64(s, 9);
    r->decided_at = sqlite3_column_int64(s, 10);
    r->ticket_subject = col_text0(a, s, 11);
    r->author_name = col_text0(a, s, 12);
}

static enum ah_err sq_review_insert(struct ah_store *base, struct ah_review *r,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_REVIEW_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){r->ticket_id, r->author_id});
    bind_c(s, 3, r->body);
    bind_i64s(s, 4, 2, (int64_t[]){r->status, r->reviewer_id});
    bind_c(s, 6, r->final_body);
    bind_c(s, 7, r->comment);
    bind_i64s(s, 8, 3, (int64_t[]){r->message_id, r->created_at, r->decided_at});
    rc = exec_done(q, s, "review", err);
    if (!rc)
        r->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_review_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_review *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_REVIEW_GET, id, a, review_reader, out, "review", err);
}

static enum ah_err sq_review_update(struct ah_store *base, const struct ah_review *r,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_REVIEW_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){r->id, r->status, r->reviewer_id});
    bind_c(s, 4, r->final_body);
    bind_c(s, 5, r->comment);
    bind_i64s(s, 6, 2, (int64_t[]){r->message_id, r->decided_at});
    return exec_one(q, s, "review", r->id, err);
}

/* The cached review_list statement of shape (RL_ bits): ?1 status, ?2
 * author, ?3 ticket, ?4 before_id, ?5 limit. */
static enum ah_err review_list_stmt(struct sq *q, unsigned shape, sqlite3_stmt **out,
                                    struct ah_error *err)
{
    static const struct {
        unsigned bit;
        const char *sql;
    } conds[] = {{RL_STATUS, "r.status = ?1"},
                 {RL_HELD, "r.status = 0"},
                 {RL_AUTHOR, "r.author_id = ?2"},
                 {RL_TICKET, "r.ticket_id = ?3"}};
    const char *sep = " WHERE ";
    struct ah_buf sql;
    enum ah_err rc;

    if (q->reviews[shape]) {
        *out = q->reviews[shape];
        return AH_OK;
    }
    ah_buf_init(&sql, 4096);
    rc = ah_buf_appends(&sql, "SELECT " REVIEW_COLS REVIEW_FROM, err);
    for (size_t i = 0; !rc && i < sizeof(conds) / sizeof(conds[0]); i++) {
        if (shape & conds[i].bit) {
            rc = ah_buf_appendf(&sql, err, "%s%s", sep, conds[i].sql);
            sep = " AND ";
        }
    }
    if (!rc && !(shape & RL_OLDEST))
        rc = ah_buf_appendf(&sql, err, "%sr.id < ?4 ORDER BY r.id DESC LIMIT ?5", sep);
    if (!rc && (shape & RL_OLDEST))
        rc = ah_buf_appends(&sql, " ORDER BY r.created_at, r.id LIMIT ?5", err);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), &q->reviews[shape], err);
    ah_buf_release(&sql);
    if (!rc)
        *out = q->reviews[shape];
    return rc;
}

static enum ah_err sq_review_list(struct ah_store *base, const struct ah_review_filter *f,
                                  struct ah_arena *a, struct ah_review **items, size_t *n,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    unsigned shape = 0;
    sqlite3_stmt *s;
    enum ah_err rc;

    if (f->status == AH_REVIEW_HELD)
        shape |= RL_HELD;
    else if (f->status >= 0)
        shape |= RL_STATUS;
    if (f->author_id)
        shape |= RL_AUTHOR;
    if (f->ticket_id)
        shape |= RL_TICKET;
    if (f->oldest_first)
        shape |= RL_OLDEST;
    rc = review_list_stmt(q, shape, &s, err);
    if (rc)
        return rc;
    if (shape & RL_STATUS)
        sqlite3_bind_int(s, 1, f->status);
    if (shape & RL_AUTHOR)
        sqlite3_bind_int64(s, 2, f->author_id);
    if (shape & RL_TICKET)
        sqlite3_bind_int64(s, 3, f->ticket_id);
    if (!(shape & RL_OLDEST))
        sqlite3_bind_int64(s, 4, f->before_id ? f->before_id : INT64_MAX);
    sqlite3_bind_int(s, 5, f->limit);
    return collect(q, s, a, sizeof(**items), (size_t)f->limit, review_reader, (void **)items, n,
                   "reviews", err);
}

static void review_stats_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_review_stats *r = item;

    (void)a;
    r->author_id = sqlite3_column_int64(s, 0);
    r->total = sqlite3_column_int64(s, 1);
    r->approved = sqlite3_column_int64(s, 2);
    r->returned = sqlite3_column_int64(s, 3);
    r->last_returned_at = sqlite3_column_int64(s, 4);
}

static enum ah_err sq_review_stats(struct ah_store *base, int64_t author_id, struct ah_arena *a,
                                   struct ah_review_stats **items, size_t *n,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, author_id ? ST_REVIEW_STATS : ST_REVIEW_STATS_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){author_id, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, review_stats_reader, (void **)items, n,
                   "review stats", err);
}

/* Counts with st, bound to (person_id, from, to), into the n values at out. */
static enum ah_err review_count(struct sq *q, enum st st, int64_t person_id, int64_t from,
                                int64_t to, int n, int64_t *out, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){person_id, from, to});
    return row_ints(q, s, n, out, "review counts", err);
}

static enum ah_err sq_review_counts(struct ah_store *base, int64_t person_id, int64_t from,
                                    int64_t to, struct ah_review_counts *out,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    int64_t decided[2] = {0, 0};
    struct ah_review_counts c = {0};
    enum ah_err rc = review_count(q, ST_REVIEW_GIVEN, person_id, from, to, 1, &c.given, err);

    if (!rc)
        rc = review_count(q, ST_REVIEW_HELD, person_id, from, to, 1, &c.held, err);
    if (!rc)
        rc = review_count(q, ST_REVIEW_DECIDED, person_id, from, to, 2, decided, err);
    if (rc)
        return rc;
    c.approved = decided[0];
    c.returned = decided[1];
    *out = c;
    return AH_OK;
}

/* ---- escalations ---- */

static enum ah_err sq_escalation_insert(struct ah_store *base, struct ah_escalation *e,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ESCALATION_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){e->ticket_id, e->person_id});
    bind_c(s, 3, e->note);
    sqlite3_bind_int64(s, 4, e->created_at);
    rc = exec_done(q, s, "escalation", err);
    if (!rc)
        e->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void person_count_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_person_count *c = item;

    (void)a;
    c->person_id = sqlite3_column_int64(s, 0);
    c->n = sqlite3_column_int64(s, 1);
}

static enum ah_err sq_escalation_counts(struct ah_store *base, int64_t person_id, int64_t from,
                                        int64_t to, struct ah_arena *a,
                                        struct ah_person_count **items, size_t *n,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc =
        stmt(q, person_id ? ST_ESCALATION_COUNTS : ST_ESCALATION_COUNTS_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){person_id, from, to, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, person_count_reader, (void **)items, n,
                   "escalations", err);
}

/* ---- training: modules, completions, pairings ---- */

static void module_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_module *m = item;

    m->id = sqlite3_column_int64(s, 0);
    m->title = col_text0(a, s, 1);
    m->body = col_text0(a, s, 2);
    m->position = sqlite3_column_int64(s, 3);
    m->level = (enum ah_level)sqlite3_column_int(s, 4);
    m->created_at = sqlite3_column_int64(s, 5);
    m->updated_at = sqlite3_column_int64(s, 6);
    m->retired_at = sqlite3_column_int64(s, 7);
}

/* ?1 id ... ?8 retired_at, in MODULE_COLS order: insert and update share it */
static void bind_module(sqlite3_stmt *s, const struct ah_module *m)
{
    sqlite3_bind_int64(s, 1, m->id);
    bind_c(s, 2, m->title);
    bind_c(s, 3, m->body);
    bind_i64s(s, 4, 5, (int64_t[]){m->position, m->level, m->created_at, m->updated_at,
                                   m->retired_at});
}

static enum ah_err sq_module_list(struct ah_store *base, bool with_retired, struct ah_arena *a,
                                  struct ah_module **items, size_t *n, struct ah_error *err)
{
    return list_set((struct sq *)base, with_retired ? ST_MODULE_LIST_ALL : ST_MODULE_LIST, a,
                    sizeof(**items), module_reader, (void **)items, n, "modules", err);
}

static enum ah_err sq_module_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_module *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_MODULE_GET, id, a, module_reader, out, "module", err);
}

static enum ah_err sq_module_insert(struct ah_store *base, struct ah_module *m,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MODULE_INSERT, &s, err);

    if (rc)
        return rc;
    bind_module(s, m);
    rc = exec_done(q, s, "module", err);
    if (!rc)
        m->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_module_update(struct ah_store *base, const struct ah_module *m,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MODULE_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_module(s, m);
    return exec_one(q, s, "module", m->id, err);
}

static enum ah_err sq_completion_add(struct ah_store *base, const struct ah_completion *c,
                                     bool *inserted, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_COMPLETION_ADD, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){c->person_id, c->module_id, c->completed_at});
    rc = exec_done(q, s, "completion", err);
    if (!rc)
        *inserted = sqlite3_changes(q->db) == 1;
    return rc;
}

static void completion_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_completion *c = item;

    (void)a;
    c->person_id = sqlite3_column_int64(s, 0);
    c->module_id = sqlite3_column_int64(s, 1);
    c->completed_at = sqlite3_column_int64(s, 2);
}

static enum ah_err sq_completion_list(struct ah_store *base, int64_t person_id,
                                      struct ah_arena *a, struct ah_completion **items,
                                      size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_COMPLETION_LIST : ST_COMPLETION_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){person_id, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, completion_reader, (void **)items, n,
                   "completions", err);
}

static enum ah_err sq_pairing_insert(struct ah_store *base, struct ah_pairing *p,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PAIRING_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 2, 4, (int64_t[]){p->pro_id, p->member_id, p->started_at, p->minutes});
    bind_s0(s, 6, p->notes);
    bind_i64s(s, 7, 2, (int64_t[]){p->work_session_id, p->created_at});
    rc = exec_done(q, s, "pairing", err);
    if (!rc)
        p->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void pairing_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_pairing *p = item;

    p->id = sqlite3_column_int64(s, 0);
    p->pro_id = sqlite3_column_int64(s, 1);
    p->member_id = sqlite3_column_int64(s, 2);
    p->started_at = sqlite3_column_int64(s, 3);
    p->minutes = sqlite3_column_int64(s, 4);
    p->notes = col_text0(a, s, 5);
    p->work_session_id = sqlite3_column_int64(s, 6);
    p->created_at = sqlite3_column_int64(s, 7);
}

static enum ah_err sq_pairing_list(struct ah_store *base, int64_t person_id, int64_t from,
                                   int64_t to, int limit, struct ah_arena *a,
                                   struct ah_pairing **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_PAIRING_LIST : ST_PAIRING_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){person_id, from, to, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, pairing_reader, (void **)items, n,
                   "pairings", err);
}

/* ---- macros: saved replies ---- */

static void macro_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_macro *m = item;

    m->id = sqlite3_column_int64(s, 0);
    m->owner_id = sqlite3_column_int64(s, 1);
    m->name = col_text0(a, s, 2);
    m->body = col_text0(a, s, 3);
    m->created_at = sqlite3_column_int64(s, 4);
    m->updated_at = sqlite3_column_int64(s, 5);
}

/* ?1 id ... ?6 updated_at, in MACRO_COLS order: insert and update share it */
static void bind_macro(sqlite3_stmt *s, const struct ah_macro *m)
{
    bind_i64s(s, 1, 2, (int64_t[]){m->id, m->owner_id});
    bind_c(s, 3, m->name);
    bind_c(s, 4, m->body);
    bind_i64s(s, 5, 2, (int64_t[]){m->created_at, m->updated_at});
}

static enum ah_err sq_macro_list(struct ah_store *base, struct ah_arena *a,
                                 struct ah_macro **items, size_t *n, struct ah_error *err)
{
    return list_set((struct sq *)base, ST_MACRO_LIST, a, sizeof(**items), macro_reader,
                    (void **)items, n, "macros", err);
}

static enum ah_err sq_macro_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                struct ah_macro *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_MACRO_GET, id, a, macro_reader, out, "macro", err);
}

static enum ah_err sq_macro_insert(struct ah_store *base, struct ah_macro *m,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MACRO_INSERT, &s, err);

    if (rc)
        return rc;
    bind_macro(s, m);
    rc = exec_done(q, s, "macro", err);
    if (!rc)
        m->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_macro_update(struct ah_store *base, const struct ah_macro *m,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MACRO_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_macro(s, m);
    return exec_one(q, s, "macro", m->id, err);
}

static enum ah_err sq_macro_delete(struct ah_store *base, int64_t id, struct ah_error *err)
{
    return delete_by_id((struct sq *)base, ST_MACRO_DELETE, id, "macro", err);
}

static enum ah_err sq_members_clocked_in(struct ah_store *base, int64_t *n,
                                         struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MEMBERS_CLOCKED_IN, &s, err);

    if (rc)
        return rc;
    return row_ints(q, s, 1, n, "members clocked in", err);
}

/* ---- email ---- */

static void id_pair_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    int64_t *v = item;

    (void)a;
    v[0] = sqlite3_column_int64(s, 0);
    v[1] = sqlite3_column_int64(s, 1);
}

static enum ah_err sq_mail_id_get(struct ah_store *base, const char *msgid, int64_t *ticket_id,
                                  int64_t *message_id, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[2] = {0, 0};
    enum ah_err rc = stmt(q, ST_MAIL_ID_GET, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, msgid);
    rc = one_row(q, s, NULL, id_pair_reader, v, "mail id", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "no mail with Message-ID %s", msgid);
    if (!rc) {
        *ticket_id = v[0];
        *message_id = v[1];
    }
    return rc;
}

static enum ah_err sq_mail_id_insert(struct ah_store *base, const char *msgid, int64_t ticket_id,
                                     int64_t message_id, bool sent, int64_t now, bool *inserted,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MAIL_ID_INSERT, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, msgid);
    bind_i64s(s, 2, 4, (int64_t[]){ticket_id, message_id, sent, now});
    rc = exec_done(q, s, "mail id", err);
    if (!rc)
        *inserted = sqlite3_changes(q->db) == 1;
    return rc;
}

static enum ah_err sq_mail_in_insert(struct ah_store *base, const struct ah_mail_in_row *r,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MAIL_IN_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, r->message_id);
    bind_c(s, 2, r->msgid);
    bind_c(s, 3, r->sender);
    bind_s0(s, 4, r->sender_name);
    bind_s0(s, 5, r->quoted);
    bind_i64s(s, 6, 2, (int64_t[]){r->new_ticket, r->created_at});
    return exec_done(q, s, "mail", err);
}

static enum ah_err sq_mail_in_count(struct ah_store *base, const char *sender, int64_t since,
                                    int64_t *messages, int64_t *new_tickets,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[2] = {0, 0};
    enum ah_err rc = stmt(q, ST_MAIL_IN_COUNT, &s, err);

    if (rc)
        return rc;
    bind_c(s, 1, sender);
    sqlite3_bind_int64(s, 2, since);
    rc = row_ints(q, s, 2, v, "mail count", err);
    if (!rc) {
        *messages = v[0];
        *new_tickets = v[1];
    }
    return rc;
}

static void mail_in_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_mail_in_row *r = item;

    r->message_id = sqlite3_column_int64(s, 0);
    r->ticket_id = sqlite3_column_int64(s, 1);
    r->msgid = col_text0(a, s, 2);
    r->sender = col_text0(a, s, 3);
    r->sender_name = col_text0(a, s, 4);
    r->quoted = col_text0(a, s, 5);
    r->new_ticket = sqlite3_column_int(s, 6) != 0;
    r->created_at = sqlite3_column_int64(s, 7);
}

/* A ticket's rows of st (?1 the ticket, ?2 the cap). */
static enum ah_err list_ticket(struct sq *q, enum st st, int64_t ticket_id, struct ah_arena *a,
                               size_t item_size, row_reader read, void **items, size_t *n,
                               const char *what, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){ticket_id, LIST_MAX});
    return collect(q, s, a, item_size, LIST_MAX, read, items, n, what, err);
}

static enum ah_err sq_mail_in_list(struct ah_store *base, int64_t ticket_id, struct ah_arena *a,
                                   struct ah_mail_in_row **items, size_t *n,
                                   struct ah_error *err)
{
    return list_ticket((struct sq *)base, ST_MAIL_IN_LIST, ticket_id, a, sizeof(**items),
                       mail_in_reader, (void **)items, n, "mail", err);
}

static enum ah_err sq_participant_add(struct ah_store *base, const struct ah_participant *p,
                                      bool *inserted, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_PARTICIPANT_ADD, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, p->ticket_id);
    bind_c(s, 2, p->email);
    bind_s0(s, 3, p->name);
    sqlite3_bind_int64(s, 4, p->added_at);
    rc = exec_done(q, s, "participant", err);
    if (!rc)
        *inserted = sqlite3_changes(q->db) == 1;
    return rc;
}

static void participant_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_participant *p = item;

    p->ticket_id = sqlite3_column_int64(s, 0);
    p->email = col_text0(a, s, 1);
    p->name = col_text0(a, s, 2);
    p->added_at = sqlite3_column_int64(s, 3);
}

static enum ah_err sq_participant_list(struct ah_store *base, int64_t ticket_id,
                                       struct ah_arena *a, struct ah_participant **items,
                                       size_t *n, struct ah_error *err)
{
    return list_ticket((struct sq *)base, ST_PARTICIPANT_LIST, ticket_id, a, sizeof(**items),
                       participant_reader, (void **)items, n, "participants", err);
}

static enum ah_err sq_attachment_insert(struct ah_store *base, struct ah_attachment *at,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ATTACHMENT_INSERT, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, at->message_id);
    bind_c(s, 2, at->sha256);
    bind_c(s, 3, at->name);
    bind_c(s, 4, at->type);
    sqlite3_bind_int64(s, 5, at->size);
    bind_s0(s, 6, at->content_id);
    bind_i64s(s, 7, 2, (int64_t[]){at->is_inline, at->created_at});
    rc = exec_done(q, s, "attachment", err);
    if (!rc)
        at->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void attachment_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_attachment *at = item;

    at->id = sqlite3_column_int64(s, 0);
    at->message_id = sqlite3_column_int64(s, 1);
    at->ticket_id = sqlite3_column_int64(s, 2);
    at->sha256 = col_text0(a, s, 3);
    at->name = col_text0(a, s, 4);
    at->type = col_text0(a, s, 5);
    at->size = sqlite3_column_int64(s, 6);
    at->content_id = col_text0(a, s, 7);
    at->is_inline = sqlite3_column_int(s, 8) != 0;
    at->created_at = sqlite3_column_int64(s, 9);
}

static enum ah_err sq_attachment_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                     struct ah_attachment *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_ATTACHMENT_GET, id, a, attachment_reader, out,
                     "attachment", err);
}

static enum ah_err sq_attachment_list(struct ah_store *base, int64_t ticket_id,
                                      struct ah_arena *a, struct ah_attachment **items,
                                      size_t *n, struct ah_error *err)
{
    return list_ticket((struct sq *)base, ST_ATTACHMENT_LIST, ticket_id, a, sizeof(**items),
                       attachment_reader, (void **)items, n, "attachments", err);
}

static enum ah_err sq_mail_out_insert(struct ah_store *base, struct ah_mail_out *m,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MAIL_OUT_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){m->ticket_id, m->message_id, m->kind});
    bind_c(s, 4, m->msgid);
    bind_c(s, 5, m->mail_from);
    bind_c(s, 6, m->rcpt);
    bind_c(s, 7, m->data);
    bind_i64s(s, 8, 2, (int64_t[]){m->created_at, m->next_at});
    rc = exec_done(q, s, "outgoing mail", err);
    if (!rc)
        m->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void mail_out_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_mail_out *m = item;

    m->id = sqlite3_column_int64(s, 0);
    m->ticket_id = sqlite3_column_int64(s, 1);
    m->message_id = sqlite3_column_int64(s, 2);
    m->kind = (enum ah_mail_kind)sqlite3_column_int(s, 3);
    m->msgid = col_text0(a, s, 4);
    m->mail_from = col_text0(a, s, 5);
    m->rcpt = col_text0(a, s, 6);
    m->data = col_text0(a, s, 7);
    m->created_at = sqlite3_column_int64(s, 8);
    m->attempts = sqlite3_column_int64(s, 9);
    m->next_at = sqlite3_column_int64(s, 10);
    m->sent_at = sqlite3_column_int64(s, 11);
    m->failed_at = sqlite3_column_int64(s, 12);
    m->last_error = col_text0(a, s, 13);
}

/* one writer at a time (the writer lock): reading then marking is atomic */
static enum ah_err sq_mail_out_claim(struct ah_store *base, int64_t now, int64_t until,
                                     int limit, struct ah_arena *a, struct ah_mail_out **items,
                                     size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MAIL_OUT_DUE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){now, limit});
    rc = collect(q, s, a, sizeof(**items), (size_t)limit, mail_out_reader, (void **)items, n,
                 "outgoing mail", err);
    if (!rc)
        rc = stmt(q, ST_MAIL_OUT_TAKE, &s, err);
    for (size_t i = 0; !rc && i < *n; i++) {
        bind_i64s(s, 1, 2, (int64_t[]){(*items)[i].id, until});
        rc = exec_done(q, s, "outgoing mail", err);
        /* as the row now reads: the attempt it starts is counted */
        (*items)[i].attempts++;
        (*items)[i].next_at = until;
    }
    return rc;
}

static enum ah_err sq_mail_out_settle(struct ah_store *base, int64_t id, int64_t sent_at,
                                      int64_t failed_at, int64_t next_at, const char *error,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_MAIL_OUT_SETTLE, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 4, (int64_t[]){id, sent_at, failed_at, next_at});
    bind_s0(s, 5, error);
    return exec_done(q, s, "outgoing mail", err);
}

static enum ah_err sq_mail_out_list(struct ah_store *base, int64_t ticket_id, struct ah_arena *a,
                                    struct ah_mail_out **items, size_t *n, struct ah_error *err)
{
    return list_ticket((struct sq *)base, ST_MAIL_OUT_LIST, ticket_id, a, sizeof(**items),
                       mail_out_reader, (void **)items, n, "outgoing mail", err);
}

static enum ah_err sq_mail_out_counts(struct ah_store *base, int64_t *pending, int64_t *failed,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[2] = {0, 0};
    enum ah_err rc = stmt(q, ST_MAIL_OUT_COUNTS, &s, err);

    if (rc)
        return rc;
    rc = row_ints(q, s, 2, v, "outgoing mail", err);
    if (!rc) {
        *pending = v[0];
        *failed = v[1];
    }
    return rc;
}

/* ---- repeated questions and the fixes linked to them ---- */

/* Runs st bound with ?1.. = vals[0..n), a statement that returns no rows. */
static enum ah_err exec_ids(struct sq *q, enum st st, size_t n, const int64_t *vals,
                            const char *what, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, n, vals);
    return exec_done(q, s, what, err);
}

/* Steps s for at most one row, read into item; *found says if there was one. */
static enum ah_err maybe_row(struct sq *q, sqlite3_stmt *s, struct ah_arena *a, row_reader read,
                             void *item, bool *found, const char *what, struct ah_error *err)
{
    int r = sqlite3_step(s);

    if (r == SQLITE_ROW)
        read(s, a, item);
    done(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return db_error(q, r, what, err);
    *found = r == SQLITE_ROW;
    return AH_OK;
}

/* An arena array that the rows of several statements go into, one after
 * another. */
struct rows {
    char *arr;
    size_t n, cap;
};

/* Reads s's row with read into a new item at the end of r. */
static void rows_add(struct rows *r, sqlite3_stmt *s, struct ah_arena *a, size_t item_size,
                     row_reader read)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char *bigger = ah_arena_alloc(a, item_size * cap);

        if (r->n)
            memcpy(bigger, r->arr, item_size * r->n);
        r->arr = bigger;
        r->cap = cap;
    }
    read(s, a, r->arr + r->n * item_size);
    r->n++;
}

/* Runs s (bound) and appends up to max of its rows, read with read, to r. */
static enum ah_err collect_more(struct sq *q, sqlite3_stmt *s, struct ah_arena *a,
                                size_t item_size, size_t max, row_reader read, struct rows *r,
                                const char *what, struct ah_error *err)
{
    size_t got = 0;
    int rc = SQLITE_DONE;

    while (got < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rows_add(r, s, a, item_size, read);
        got++;
    }
    done(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(q, rc, what, err);
    return AH_OK;
}

/* Hands r's rows to the caller: an array even when there are none. */
static void rows_take(struct rows *r, struct ah_arena *a, size_t item_size, void **items,
                      size_t *n)
{
    *items = r->arr ? r->arr : ah_arena_alloc(a, item_size);
    *n = r->n;
}

/* on SQLite the turn is the write lock the caller's transaction holds:
 * no other writer, so no other grouper, runs until it ends; nothing to
 * wait for */
static enum ah_err sq_group_turn(struct ah_store *base, bool wait, bool *got, int64_t *upto,
                                 int64_t *docs, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[2] = {0, 0};
    bool found = false;
    enum ah_err rc;

    (void)wait;
    assert(!sqlite3_get_autocommit(q->db));
    rc = stmt(q, ST_GROUP_STATE_GET, &s, err);
    if (!rc)
        rc = maybe_row(q, s, NULL, id_pair_reader, v, &found, "group state", err);
    if (rc)
        return rc;
    if (!found)
        return ah_error_set(err, AH_E_INTERNAL, "group state: its row is missing");
    *got = true;
    *upto = v[0];
    *docs = v[1];
    return AH_OK;
}

static enum ah_err sq_group_turn_end(struct ah_store *base, int64_t upto, int64_t docs,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = exec_ids(q, ST_GROUP_STATE_PUT, 2, (int64_t[]){upto, docs}, "group state",
                              err);

    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_INTERNAL, "group state: its row is missing");
    return rc;
}

static void qgroup_input_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_input *in = item;

    in->ticket_id = sqlite3_column_int64(s, 0);
    in->subject = col_text0(a, s, 1);
    in->body = col_text0(a, s, 2);
    in->created_at = sqlite3_column_int64(s, 3);
}

static enum ah_err sq_group_pending(struct ah_store *base, int64_t after_id, int limit,
                                    struct ah_arena *a, struct ah_qgroup_input **items,
                                    size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_PENDING, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){after_id, limit, AH_QGROUP_TEXT_MAX});
    return collect(q, s, a, sizeof(**items), (size_t)limit, qgroup_input_reader,
                   (void **)items, n, "tickets to group", err);
}

struct term_row {
    int64_t df;
    const char *word;
};

static void term_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct term_row *t = item;

    t->df = sqlite3_column_int64(s, 0);
    t->word = a ? col_text0(a, s, 1) : NULL;
}

/* term's row; df 0 and word "" when the term is unknown. a NULL: no word. */
static enum ah_err term_get(struct sq *q, int64_t term, struct ah_arena *a, struct term_row *out,
                            struct ah_error *err)
{
    sqlite3_stmt *s;
    struct term_row t = {0, ""};
    bool found = false;
    enum ah_err rc = stmt(q, ST_TERM_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, term);
    rc = maybe_row(q, s, a, term_reader, &t, &found, "terms", err);
    if (!rc)
        *out = t;
    return rc;
}

static enum ah_err sq_term_df(struct ah_store *base, const int64_t *terms, size_t n, int64_t *df,
                              struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = AH_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        struct term_row t;

        rc = term_get(q, terms[i], NULL, &t, err);
        if (!rc)
            df[i] = t.df;
    }
    return rc;
}

static enum ah_err sq_term_add(struct ah_store *base, const int64_t *terms,
                               const char *const *words, size_t n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_TERM_ADD, &s, err);

    for (size_t i = 0; !rc && i < n; i++) {
        sqlite3_bind_int64(s, 1, terms[i]);
        bind_c(s, 2, words ? words[i] : NULL);
        rc = exec_done(q, s, "terms", err);
    }
    return rc;
}

static enum ah_err sq_term_words(struct ah_store *base, const int64_t *terms, size_t n,
                                 struct ah_arena *a, const char **words, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = AH_OK;

    for (size_t i = 0; !rc && i < n; i++) {
        struct term_row t;

        rc = term_get(q, terms[i], a, &t, err);
        if (!rc)
            words[i] = t.word;
    }
    return rc;
}

static void posting_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_posting *p = item;

    (void)a;
    p->term = sqlite3_column_int64(s, 0);
    p->group_id = sqlite3_column_int64(s, 1);
    p->weight = sqlite3_column_double(s, 2);
}

static enum ah_err sq_group_postings(struct ah_store *base, const int64_t *terms, size_t n,
                                     int per_term, struct ah_arena *a,
                                     struct ah_qgroup_posting **items, size_t *nitems,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    struct rows r = {0};
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_POSTINGS, &s, err);

    for (size_t i = 0; !rc && i < n; i++) {
        bind_i64s(s, 1, 2, (int64_t[]){terms[i], per_term});
        rc = collect_more(q, s, a, sizeof(**items), (size_t)per_term, posting_reader, &r,
                          "postings", err);
    }
    if (!rc)
        rows_take(&r, a, sizeof(**items), (void **)items, nitems);
    return rc;
}

static enum ah_err sq_group_terms_put(struct ah_store *base, int64_t group_id,
                                      const int64_t *terms, const double *weights, size_t n,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = exec_ids(q, ST_GROUP_TERMS_CLEAR, 1, &group_id, "group terms", err);

    if (!rc)
        rc = stmt(q, ST_GROUP_TERM_INSERT, &s, err);
    for (size_t i = 0; !rc && i < n; i++) {
        bind_i64s(s, 1, 2, (int64_t[]){terms[i], group_id});
        sqlite3_bind_double(s, 3, weights[i]);
        rc = exec_done(q, s, "group terms", err);
    }
    return rc;
}

/* FIX_COLS from column c on into f; the column after them. */
static int fix_read(sqlite3_stmt *s, int c, struct ah_arena *a, struct ah_fix *f)
{
    f->id = sqlite3_column_int64(s, c);
    f->title = col_text0(a, s, c + 1);
    f->url = col_text0(a, s, c + 2);
    f->owner_id = sqlite3_column_int64(s, c + 3);
    f->owner_name = col_text0(a, s, c + 4);
    f->state = (enum ah_fix_state)sqlite3_column_int(s, c + 5);
    f->shipped_at = sqlite3_column_int64(s, c + 6);
    f->created_by = sqlite3_column_int64(s, c + 7);
    f->created_at = sqlite3_column_int64(s, c + 8);
    f->updated_at = sqlite3_column_int64(s, c + 9);
    return c + 10;
}

static void fix_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    fix_read(s, 0, a, item);
}

static void qgroup_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup *g = item;

    g->id = sqlite3_column_int64(s, 0);
    g->name = col_text0(a, s, 1);
    g->named = sqlite3_column_int(s, 2) != 0;
    g->status = (enum ah_qgroup_status)sqlite3_column_int(s, 3);
    g->merged_into = sqlite3_column_int64(s, 4);
    g->fix_id = sqlite3_column_int64(s, 5);
    g->size = sqlite3_column_int64(s, 6);
    g->after_fix = sqlite3_column_int64(s, 7);
    g->centroid = col_text0(a, s, 8);
    g->first_at = sqlite3_column_int64(s, 9);
    g->last_at = sqlite3_column_int64(s, 10);
    g->created_at = sqlite3_column_int64(s, 11);
    g->updated_at = sqlite3_column_int64(s, 12);
    fix_read(s, 13, a, &g->fix);
}

static enum ah_err sq_group_load(struct ah_store *base, const int64_t *ids, size_t n,
                                 struct ah_arena *a, struct ah_qgroup *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_GET, &s, err);

    for (size_t i = 0; !rc && i < n; i++) {
        struct ah_qgroup g;
        bool found = false;

        sqlite3_bind_int64(s, 1, ids[i]);
        rc = maybe_row(q, s, a, qgroup_reader, &g, &found, "group", err);
        if (!rc && !found)
            g = (struct ah_qgroup){.name = "", .centroid = "",
                                   .fix = {.title = "", .url = "", .owner_name = ""}};
        if (!rc)
            out[i] = g;
    }
    return rc;
}

/* ?1 id ... ?13 updated_at, in QGROUP_COLS order: insert and update share it */
static void bind_qgroup(sqlite3_stmt *s, const struct ah_qgroup *g)
{
    sqlite3_bind_int64(s, 1, g->id);
    bind_c(s, 2, g->name);
    bind_i64s(s, 3, 6, (int64_t[]){g->named, g->status, g->merged_into, g->fix_id, g->size,
                                    g->after_fix});
    bind_c(s, 9, g->centroid);
    bind_i64s(s, 10, 4, (int64_t[]){g->first_at, g->last_at, g->created_at, g->updated_at});
}

static enum ah_err sq_group_insert(struct ah_store *base, struct ah_qgroup *g,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_INSERT, &s, err);

    if (rc)
        return rc;
    bind_qgroup(s, g);
    rc = exec_done(q, s, "group", err);
    if (!rc)
        g->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_group_update(struct ah_store *base, const struct ah_qgroup *g,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_qgroup(s, g);
    return exec_one(q, s, "group", g->id, err);
}

/* The cached group_list statement of shape (GL_ bits): ?1 status, ?2 the
 * fix's owner, ?3 the fix, ?4 limit, ?5 offset. */
static enum ah_err group_list_stmt(struct sq *q, unsigned shape, sqlite3_stmt **out,
                                   struct ah_error *err)
{
    static const struct {
        unsigned bit;
        const char *sql;
    } conds[] = {{GL_OPEN, "g.status < 2"},
                 {GL_STATUS, "g.status = ?1"},
                 {GL_OWNER, "f.owner_id = ?2"},
                 {GL_FIX, "g.fix_id = ?3"}};
    const char *sep = " WHERE ";
    struct ah_buf sql;
    enum ah_err rc;

    if (q->groups[shape]) {
        *out = q->groups[shape];
        return AH_OK;
    }
    ah_buf_init(&sql, 4096);
    rc = ah_buf_appends(&sql, "SELECT " QGROUP_COLS QGROUP_FROM, err);
    for (size_t i = 0; !rc && i < sizeof(conds) / sizeof(conds[0]); i++) {
        if (shape & conds[i].bit) {
            rc = ah_buf_appendf(&sql, err, "%s%s", sep, conds[i].sql);
            sep = " AND ";
        }
    }
    if (!rc)
        rc = ah_buf_appends(&sql, " ORDER BY g.size DESC, g.id LIMIT ?4 OFFSET ?5", err);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), &q->groups[shape], err);
    ah_buf_release(&sql);
    if (!rc)
        *out = q->groups[shape];
    return rc;
}

static enum ah_err sq_group_list(struct ah_store *base, const struct ah_qgroup_filter *f,
                                 struct ah_arena *a, struct ah_qgroup **items, size_t *n,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    unsigned shape;
    sqlite3_stmt *s;
    enum ah_err rc;

    /* open and not-a-product groups are in the partial index too */
    if (f->status < 0)
        shape = GL_OPEN;
    else if (f->status < AH_QGROUP_MERGED)
        shape = GL_OPEN | GL_STATUS;
    else
        shape = GL_STATUS;
    if (f->owner_id)
        shape |= GL_OWNER;
    if (f->fix_id)
        shape |= GL_FIX;
    rc = group_list_stmt(q, shape, &s, err);
    if (rc)
        return rc;
    if (shape & GL_STATUS)
        sqlite3_bind_int(s, 1, f->status);
    if (shape & GL_OWNER)
        sqlite3_bind_int64(s, 2, f->owner_id);
    if (shape & GL_FIX)
        sqlite3_bind_int64(s, 3, f->fix_id);
    sqlite3_bind_int(s, 4, f->limit);
    sqlite3_bind_int(s, 5, f->offset);
    return collect(q, s, a, sizeof(**items), (size_t)f->limit, qgroup_reader, (void **)items, n,
                   "groups", err);
}

static enum ah_err sq_group_ticket_put(struct ah_store *base, const struct ah_qgroup_ticket *t,
                                       struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_TICKET_PUT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){t->ticket_id, t->group_id});
    sqlite3_bind_double(s, 3, t->score);
    bind_i64s(s, 4, 3, (int64_t[]){t->after_fix, t->joined_at, t->moved_by});
    return exec_done(q, s, "group ticket", err);
}

static void qgroup_ticket_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_ticket *t = item;

    (void)a;
    t->ticket_id = sqlite3_column_int64(s, 0);
    t->group_id = sqlite3_column_int64(s, 1);
    t->score = sqlite3_column_double(s, 2);
    t->after_fix = sqlite3_column_int(s, 3) != 0;
    t->joined_at = sqlite3_column_int64(s, 4);
    t->moved_by = sqlite3_column_int64(s, 5);
}

static enum ah_err sq_group_ticket_get(struct ah_store *base, int64_t ticket_id,
                                       struct ah_qgroup_ticket *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_TICKET_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, ticket_id);
    rc = one_row(q, s, NULL, qgroup_ticket_reader, out, "group ticket", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " is not grouped",
                            ticket_id);
    return rc;
}

static void qgroup_member_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_member *m = item;

    m->ticket_id = sqlite3_column_int64(s, 0);
    m->subject = col_text0(a, s, 1);
    m->status = (enum ah_status)sqlite3_column_int(s, 2);
    m->tier = sqlite3_column_int(s, 3);
    m->created_at = sqlite3_column_int64(s, 4);
    m->score = sqlite3_column_double(s, 5);
    m->after_fix = sqlite3_column_int(s, 6) != 0;
}

static enum ah_err sq_group_members(struct ah_store *base, int64_t group_id,
                                    const struct ah_qgroup_member_filter *f, struct ah_arena *a,
                                    struct ah_qgroup_member **items, size_t *n,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_MEMBERS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 6, (int64_t[]){group_id, f->open_only, f->max_tier, f->exclude_id,
                                    f->before_id ? f->before_id : INT64_MAX, f->limit});
    return collect(q, s, a, sizeof(**items), (size_t)f->limit, qgroup_member_reader,
                   (void **)items, n, "group tickets", err);
}

static enum ah_err sq_group_week_add(struct ah_store *base, int64_t group_id, int64_t week_day,
                                     int64_t delta, struct ah_error *err)
{
    return exec_ids((struct sq *)base, ST_GROUP_WEEK_ADD, 3,
                    (int64_t[]){group_id, week_day, delta}, "group weeks", err);
}

static void qgroup_week_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_week *w = item;

    (void)a;
    w->group_id = sqlite3_column_int64(s, 0);
    w->week_day = sqlite3_column_int64(s, 1);
    w->n = sqlite3_column_int64(s, 2);
}

static int i64_cmp(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

    return (a > b) - (a < b);
}

/* by group id, each once, as PostgreSQL's "group_id = ANY(...) ORDER BY
 * group_id, week_day" gives them */
static enum ah_err sq_group_weeks(struct ah_store *base, const int64_t *ids, size_t n,
                                  int64_t from_day, int64_t to_day, struct ah_arena *a,
                                  struct ah_qgroup_week **items, size_t *nitems,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    int64_t *sorted = ah_arena_alloc(a, (n ? n : 1) * sizeof(*sorted));
    struct rows r = {0};
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_WEEKS, &s, err);

    if (n)
        memcpy(sorted, ids, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), i64_cmp);
    for (size_t i = 0; !rc && i < n; i++) {
        if (i && sorted[i] == sorted[i - 1])
            continue;
        bind_i64s(s, 1, 4, (int64_t[]){sorted[i], from_day, to_day, LIST_MAX});
        rc = collect_more(q, s, a, sizeof(**items), LIST_MAX, qgroup_week_reader, &r,
                          "group weeks", err);
    }
    if (!rc)
        rows_take(&r, a, sizeof(**items), (void **)items, nitems);
    return rc;
}

static enum ah_err sq_group_move_all(struct ah_store *base, int64_t from, int64_t into,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    const int64_t pair[2] = {from, into};
    enum ah_err rc;

    /* the weeks would count twice, then go */
    if (from == into)
        return ah_error_set(err, AH_E_INVALID, "group %" PRId64 " cannot merge into itself",
                            from);
    rc = exec_ids(q, ST_GROUP_MOVE_TICKETS, 2, pair, "group tickets", err);
    if (!rc)
        rc = exec_ids(q, ST_GROUP_MOVE_WEEKS, 2, pair, "group weeks", err);
    if (!rc)
        rc = exec_ids(q, ST_GROUP_WEEKS_CLEAR, 1, &from, "group weeks", err);
    if (!rc)
        rc = exec_ids(q, ST_GROUP_TERMS_CLEAR, 1, &from, "group terms", err);
    return rc;
}

static void answerer_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_qgroup_answerer *p = item;

    p->person_id = sqlite3_column_int64(s, 0);
    p->name = col_text0(a, s, 1);
    p->department = col_text0(a, s, 2);
    p->leader = sqlite3_column_int(s, 3) != 0;
    p->tickets = sqlite3_column_int64(s, 4);
}

static enum ah_err sq_group_answerers(struct ah_store *base, int64_t group_id,
                                      struct ah_arena *a, struct ah_qgroup_answerer **items,
                                      size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_ANSWERERS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){group_id, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, answerer_reader, (void **)items, n,
                   "group answerers", err);
}

/* ?1 id ... ?9 updated_at, in FIX_COLS order (less the owner's name):
 * insert and update share it */
static void bind_fix(sqlite3_stmt *s, const struct ah_fix *f)
{
    sqlite3_bind_int64(s, 1, f->id);
    bind_c(s, 2, f->title);
    bind_s0(s, 3, f->url);
    bind_i64s(s, 4, 6, (int64_t[]){f->owner_id, f->state, f->shipped_at, f->created_by,
                                    f->created_at, f->updated_at});
}

static enum ah_err sq_fix_insert(struct ah_store *base, struct ah_fix *f, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_FIX_INSERT, &s, err);

    if (rc)
        return rc;
    bind_fix(s, f);
    rc = exec_done(q, s, "fix", err);
    if (!rc)
        f->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_fix_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                              struct ah_fix *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_FIX_GET, id, a, fix_reader, out, "fix", err);
}

static enum ah_err sq_fix_update(struct ah_store *base, const struct ah_fix *f,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_FIX_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_fix(s, f);
    return exec_one(q, s, "fix", f->id, err);
}

static enum ah_err sq_fix_list(struct ah_store *base, int64_t owner_id, struct ah_arena *a,
                               struct ah_fix **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, owner_id ? ST_FIX_LIST : ST_FIX_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){owner_id, SET_MAX});
    return collect(q, s, a, sizeof(**items), SET_MAX, fix_reader, (void **)items, n, "fixes",
                   err);
}

/* ---- internal escalations, route-backs, launches, kudos ---- */

/* BRIEF_COLS from column c on into b. */
static void brief_read(sqlite3_stmt *s, int c, struct ah_arena *a, struct ah_ticket_brief *b)
{
    b->id = sqlite3_column_int64(s, c);
    b->subject = col_text0(a, s, c + 1);
    b->status = (enum ah_status)sqlite3_column_int(s, c + 2);
    b->priority = (enum ah_priority)sqlite3_column_int(s, c + 3);
    b->tier = sqlite3_column_int(s, c + 4);
    b->created_at = sqlite3_column_int64(s, c + 5);
}

static void brief_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    brief_read(s, 0, a, item);
}

static void intake_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_intake *i = item;

    i->id = sqlite3_column_int64(s, 0);
    i->ticket_id = sqlite3_column_int64(s, 1);
    i->filer_id = sqlite3_column_int64(s, 2);
    i->filer_name = col_text0(a, s, 3);
    i->channel = col_text0(a, s, 4);
    i->why = col_text0(a, s, 5);
    i->created_at = sqlite3_column_int64(s, 6);
    i->told_at = sqlite3_column_int64(s, 7);
    brief_read(s, 8, a, &i->ticket);
}

static enum ah_err sq_intake_insert(struct ah_store *base, struct ah_intake *i,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_INTAKE_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){i->ticket_id, i->filer_id});
    bind_c(s, 3, i->channel);
    bind_s0(s, 4, i->why);
    bind_i64s(s, 5, 2, (int64_t[]){i->created_at, i->told_at});
    rc = exec_done(q, s, "escalation", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "ticket %" PRId64 " is already an escalation",
                            i->ticket_id);
    if (!rc)
        i->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_intake_get(struct ah_store *base, int64_t id, int64_t ticket_id,
                                 struct ah_arena *a, struct ah_intake *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc;

    if (id)
        return get_by_id(q, ST_INTAKE_GET, id, a, intake_reader, out, "escalation", err);
    rc = stmt(q, ST_INTAKE_BY_TICKET, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, ticket_id);
    rc = one_row(q, s, a, intake_reader, out, "escalation", "", err);
    if (rc == AH_E_NOT_FOUND)
        return ah_error_set(err, AH_E_NOT_FOUND, "ticket %" PRId64 " is not an escalation",
                            ticket_id);
    return rc;
}

static enum ah_err sq_intake_list(struct ah_store *base, int64_t filer_id, int64_t before_id,
                                  int limit, struct ah_arena *a, struct ah_intake **items,
                                  size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, filer_id ? ST_INTAKE_LIST : ST_INTAKE_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){filer_id, before_id ? before_id : INT64_MAX, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, intake_reader, (void **)items, n,
                   "escalations", err);
}

static enum ah_err sq_intake_told(struct ah_store *base, int64_t id, int64_t at, bool *first,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_INTAKE_TOLD, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){id, at});
    rc = exec_done(q, s, "escalation", err);
    if (!rc)
        *first = sqlite3_changes(q->db) == 1;
    return rc;
}

static void intake_count_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_intake_count *c = item;

    c->filer_id = sqlite3_column_int64(s, 0);
    c->name = col_text0(a, s, 1);
    c->department = col_text0(a, s, 2);
    c->filed = sqlite3_column_int64(s, 3);
    c->urgent = sqlite3_column_int64(s, 4);
}

static enum ah_err sq_intake_counts(struct ah_store *base, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_intake_count **items, size_t *n,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_INTAKE_COUNTS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, intake_count_reader, (void **)items, n,
                   "escalations", err);
}

static enum ah_err sq_route_back_insert(struct ah_store *base, struct ah_route_back *r,
                                        struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ROUTE_BACK_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){r->ticket_id, r->person_id, r->cause});
    bind_c(s, 4, r->reason);
    bind_i64s(s, 5, 2, (int64_t[]){r->marked_by, r->created_at});
    rc = exec_done(q, s, "route-back", err);
    if (!rc)
        r->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void route_back_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_route_back *r = item;

    r->id = sqlite3_column_int64(s, 0);
    r->ticket_id = sqlite3_column_int64(s, 1);
    r->person_id = sqlite3_column_int64(s, 2);
    r->person_name = col_text0(a, s, 3);
    r->department = col_text0(a, s, 4);
    r->cause = (enum ah_route_cause)sqlite3_column_int(s, 5);
    r->reason = col_text0(a, s, 6);
    r->marked_by = sqlite3_column_int64(s, 7);
    r->created_at = sqlite3_column_int64(s, 8);
}

static enum ah_err sq_route_back_list(struct ah_store *base, int64_t ticket_id,
                                      struct ah_arena *a, struct ah_route_back **items,
                                      size_t *n, struct ah_error *err)
{
    return list_ticket((struct sq *)base, ST_ROUTE_BACK_LIST, ticket_id, a, sizeof(**items),
                       route_back_reader, (void **)items, n, "route-backs", err);
}

static void route_back_count_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_route_back_count *c = item;

    c->department = col_text0(a, s, 0);
    c->promises = sqlite3_column_int64(s, 1);
    c->changes = sqlite3_column_int64(s, 2);
}

static enum ah_err sq_route_back_counts(struct ah_store *base, int64_t from, int64_t to,
                                        struct ah_arena *a, struct ah_route_back_count **items,
                                        size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_ROUTE_BACK_COUNTS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, route_back_count_reader,
                   (void **)items, n, "route-backs", err);
}

static void launch_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_launch *l = item;

    l->id = sqlite3_column_int64(s, 0);
    l->title = col_text0(a, s, 1);
    l->launch_day = sqlite3_column_int64(s, 2);
    l->changes = col_text0(a, s, 3);
    l->impact = col_text0(a, s, 4);
    l->tags = col_text0(a, s, 5);
    l->created_by = sqlite3_column_int64(s, 6);
    l->creator_name = col_text0(a, s, 7);
    l->readiness = (enum ah_readiness)sqlite3_column_int(s, 8);
    l->missing = col_text0(a, s, 9);
    l->readiness_note = col_text0(a, s, 10);
    l->judged_by = sqlite3_column_int64(s, 11);
    l->judged_at = sqlite3_column_int64(s, 12);
    l->created_at = sqlite3_column_int64(s, 13);
    l->updated_at = sqlite3_column_int64(s, 14);
}

/* ?1 id ... ?14 updated_at, in LAUNCH_COLS order (less the creator's name):
 * insert and update share it */
static void bind_launch(sqlite3_stmt *s, const struct ah_launch *l)
{
    sqlite3_bind_int64(s, 1, l->id);
    bind_c(s, 2, l->title);
    sqlite3_bind_int64(s, 3, l->launch_day);
    bind_c(s, 4, l->changes);
    bind_c(s, 5, l->impact);
    bind_s0(s, 6, l->tags);
    bind_i64s(s, 7, 2, (int64_t[]){l->created_by, l->readiness});
    bind_s0(s, 9, l->missing);
    bind_s0(s, 10, l->readiness_note);
    bind_i64s(s, 11, 4, (int64_t[]){l->judged_by, l->judged_at, l->created_at, l->updated_at});
}

static enum ah_err sq_launch_insert(struct ah_store *base, struct ah_launch *l,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LAUNCH_INSERT, &s, err);

    if (rc)
        return rc;
    bind_launch(s, l);
    rc = exec_done(q, s, "launch", err);
    if (!rc)
        l->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static enum ah_err sq_launch_get(struct ah_store *base, int64_t id, struct ah_arena *a,
                                 struct ah_launch *out, struct ah_error *err)
{
    return get_by_id((struct sq *)base, ST_LAUNCH_GET, id, a, launch_reader, out, "launch",
                     err);
}

static enum ah_err sq_launch_update(struct ah_store *base, const struct ah_launch *l,
                                    struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LAUNCH_UPDATE, &s, err);

    if (rc)
        return rc;
    bind_launch(s, l);
    return exec_one(q, s, "launch", l->id, err);
}

/* a company announces a few launches a week: the cap bounds a span's */
static enum ah_err sq_launch_list(struct ah_store *base, int64_t from_day, int64_t to_day,
                                  struct ah_arena *a, struct ah_launch **items, size_t *n,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_LAUNCH_LIST, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from_day, to_day, SET_MAX});
    return collect(q, s, a, sizeof(**items), SET_MAX, launch_reader, (void **)items, n,
                   "launches", err);
}

/* The cached tagged_tickets statement for n tags, named in an IN list as
 * ?3 to ?2+n; ?1 from, ?2 to. The list holds each tagged ticket once,
 * found by ticket_tags_tag; each is read by its key, walking the list from
 * its end: newest first, no sort. */
static enum ah_err tagged_stmt(struct sq *q, size_t n, sqlite3_stmt **out, struct ah_error *err)
{
    sqlite3_stmt **slot = &q->tagged[n - 1];
    struct ah_buf sql;
    enum ah_err rc;

    assert(n >= 1 && n <= AH_MAX_TAGS);
    if (*slot) {
        *out = *slot;
        return AH_OK;
    }
    ah_buf_init(&sql, 4096);
    /* the span's ids first (tickets_created): the tags' index is then read
     * over that id range only, not over every ticket that ever had the tag */
    rc = ah_buf_appends(&sql, "SELECT " BRIEF_COLS " FROM tickets t WHERE t.id IN"
                              " (SELECT ticket_id FROM ticket_tags WHERE tag IN (?3", err);
    for (size_t i = 1; !rc && i < n; i++)
        rc = ah_buf_appendf(&sql, err, ", ?%zu", i + 3);
    if (!rc)
        rc = ah_buf_appends(&sql, ") AND ticket_id BETWEEN"
                                  " (SELECT min(id) FROM tickets WHERE created_at >= ?1"
                                  " AND created_at < ?2) AND"
                                  " (SELECT max(id) FROM tickets WHERE created_at >= ?1"
                                  " AND created_at < ?2))"
                                  " AND t.created_at >= ?1 AND t.created_at < ?2"
                                  " ORDER BY t.id DESC", err);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), slot, err);
    ah_buf_release(&sql);
    if (!rc)
        *out = *slot;
    return rc;
}

/* Like collect, but steps s on through the rows past max: *total counts
 * them all. */
static enum ah_err collect_counted(struct sq *q, sqlite3_stmt *s, struct ah_arena *a,
                                   size_t item_size, size_t max, row_reader read, void **items,
                                   size_t *n, int64_t *total, const char *what,
                                   struct ah_error *err)
{
    struct rows r = {0};
    int64_t count = 0;
    int rc;

    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (r.n < max)
            rows_add(&r, s, a, item_size, read);
        count++;
    }
    done(s);
    if (rc != SQLITE_DONE)
        return db_error(q, rc, what, err);
    rows_take(&r, a, item_size, items, n);
    *total = count;
    return AH_OK;
}

/* the count has to visit every tagged ticket in the span: the page comes
 * from the same pass, rather than a second one */
static enum ah_err sq_tagged_tickets(struct ah_store *base, const char *const *tags,
                                     size_t ntags, int64_t from, int64_t to, int limit,
                                     struct ah_arena *a, int64_t *total,
                                     struct ah_ticket_brief **items, size_t *n,
                                     struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    struct rows none = {0};
    sqlite3_stmt *s;
    enum ah_err rc;

    if (ntags > AH_MAX_TAGS)
        return ah_error_set(err, AH_E_INVALID, "%zu tags are more than %d", ntags,
                            AH_MAX_TAGS);
    if (ntags == 0) {
        rows_take(&none, a, sizeof(**items), (void **)items, n);
        *total = 0;
        return AH_OK;
    }
    rc = tagged_stmt(q, ntags, &s, err);
    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){from, to});
    for (size_t i = 0; i < ntags; i++)
        bind_c(s, 3 + (int)i, tags[i]);
    return collect_counted(q, s, a, sizeof(**items), limit > 0 ? (size_t)limit : 0,
                           brief_reader, (void **)items, n, total, "tagged tickets", err);
}

static enum ah_err sq_kudos_insert(struct ah_store *base, struct ah_kudos *k,
                                   struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_KUDOS_INSERT, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){k->message_id, k->ticket_id, k->person_id, k->giver_id,
                                    k->from_customer});
    bind_c(s, 6, k->text);
    bind_c(s, 7, k->quote);
    sqlite3_bind_int64(s, 8, k->created_at);
    rc = exec_done(q, s, "kudos", err);
    if (rc == AH_E_CONFLICT)
        return ah_error_set(err, AH_E_CONFLICT, "kudos for message %" PRId64
                            " were already given", k->message_id);
    if (!rc)
        k->id = sqlite3_last_insert_rowid(q->db);
    return rc;
}

static void kudos_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_kudos *k = item;

    k->id = sqlite3_column_int64(s, 0);
    k->message_id = sqlite3_column_int64(s, 1);
    k->ticket_id = sqlite3_column_int64(s, 2);
    k->person_id = sqlite3_column_int64(s, 3);
    k->person_name = col_text0(a, s, 4);
    k->giver_id = sqlite3_column_int64(s, 5);
    k->giver_name = col_text0(a, s, 6);
    k->from_customer = sqlite3_column_int(s, 7) != 0;
    k->text = col_text0(a, s, 8);
    k->quote = col_text0(a, s, 9);
    k->subject = col_text0(a, s, 10);
    k->created_at = sqlite3_column_int64(s, 11);
}

static enum ah_err sq_kudos_list(struct ah_store *base, int64_t person_id, int64_t from,
                                 int64_t to, int64_t before_id, int limit, struct ah_arena *a,
                                 struct ah_kudos **items, size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, person_id ? ST_KUDOS_LIST : ST_KUDOS_LIST_ALL, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 5, (int64_t[]){person_id, from, to ? to : INT64_MAX,
                                    before_id ? before_id : INT64_MAX, limit});
    return collect(q, s, a, sizeof(**items), (size_t)limit, kudos_reader, (void **)items, n,
                   "kudos", err);
}

/* ---- the weekly digest ---- */

#define DAY_MS 86400000LL

static void timing_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_digest_timing *t = item;

    t->ticket_id = sqlite3_column_int64(s, 0);
    t->tier = sqlite3_column_int(s, 1);
    t->created_at = sqlite3_column_int64(s, 2);
    t->at = sqlite3_column_int64(s, 3);
    t->due_at = sqlite3_column_int64(s, 4);
    t->department = col_text0(a, s, 5);
}

/* The rows of st (?1 from, ?2 to, ?3 the cap) as timings. */
static enum ah_err timings(struct sq *q, enum st st, int64_t from, int64_t to,
                           struct ah_arena *a, struct ah_digest_timing **items, size_t *n,
                           const char *what, struct ah_error *err)
{
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, st, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, timing_reader, (void **)items, n, what,
                   err);
}

static enum ah_err sq_digest_responses(struct ah_store *base, int64_t from, int64_t to,
                                       struct ah_arena *a, struct ah_digest_timing **items,
                                       size_t *n, struct ah_error *err)
{
    return timings((struct sq *)base, ST_DIGEST_RESPONSES, from, to, a, items, n,
                   "first responses", err);
}

static enum ah_err sq_digest_solved(struct ah_store *base, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_digest_timing **items,
                                    size_t *n, struct ah_error *err)
{
    return timings((struct sq *)base, ST_DIGEST_SOLVED, from, to, a, items, n,
                   "solved tickets", err);
}

static enum ah_err sq_digest_breaches(struct ah_store *base, int64_t from, int64_t to,
                                      int64_t now, struct ah_digest_breaches *out,
                                      struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[4] = {0, 0, 0, 0};
    enum ah_err rc = stmt(q, ST_DIGEST_BREACHES, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, now < to ? now : to});
    rc = row_ints(q, s, 4, v, "deadlines", err);
    if (rc)
        return rc;
    *out = (struct ah_digest_breaches){.first_due = v[0], .first_missed = v[1],
                                       .resolve_due = v[2], .resolve_missed = v[3]};
    return AH_OK;
}

static enum ah_err sq_digest_backlog(struct ah_store *base, int64_t now,
                                     struct ah_digest_backlog *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[2 * AH_BACKLOG_AGES];
    enum ah_err rc = stmt(q, ST_DIGEST_BACKLOG, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){now - 7 * DAY_MS, now - 3 * DAY_MS, now - DAY_MS});
    rc = row_ints(q, s, 2 * AH_BACKLOG_AGES, v, "backlog", err);
    if (rc)
        return rc;
    memcpy(out->tickets, v, sizeof(v));
    return AH_OK;
}

static enum ah_err sq_review_outcomes(struct ah_store *base, int64_t from, int64_t to,
                                      struct ah_review_outcomes *out, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v[3] = {0, 0, 0};
    enum ah_err rc = stmt(q, ST_REVIEW_OUTCOMES, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){from, to});
    rc = row_ints(q, s, 3, v, "review outcomes", err);
    if (rc)
        return rc;
    *out = (struct ah_review_outcomes){.approved = v[0], .edited = v[1], .returned = v[2]};
    return AH_OK;
}

static enum ah_err sq_group_top_week(struct ah_store *base, int64_t week_day, int limit,
                                     struct ah_arena *a, struct ah_qgroup_week **items,
                                     size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_GROUP_TOP_WEEK, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 2, (int64_t[]){week_day, limit});
    return collect(q, s, a, sizeof(**items), limit > 0 ? (size_t)limit : 0, qgroup_week_reader,
                   (void **)items, n, "group weeks", err);
}

static void after_fix_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_after_fix_count *c = item;

    (void)a;
    c->group_id = sqlite3_column_int64(s, 0);
    c->tickets = sqlite3_column_int64(s, 1);
}

static enum ah_err sq_after_fix_counts(struct ah_store *base, int64_t from, int64_t to,
                                       struct ah_arena *a, struct ah_after_fix_count **items,
                                       size_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_AFTER_FIX_COUNTS, &s, err);

    if (rc)
        return rc;
    bind_i64s(s, 1, 3, (int64_t[]){from, to, LIST_MAX});
    return collect(q, s, a, sizeof(**items), LIST_MAX, after_fix_reader, (void **)items, n,
                   "tickets after fixes", err);
}

static enum ah_err sq_digest_subscription_get(struct ah_store *base, int64_t person_id,
                                              bool *set, bool *subscribed,
                                              struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    int64_t v = 0;
    bool found = false;
    enum ah_err rc = stmt(q, ST_DIGEST_SUB_GET, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, person_id);
    rc = maybe_row(q, s, NULL, i64_reader, &v, &found, "digest subscription", err);
    if (rc)
        return rc;
    *set = found;
    *subscribed = found && v != 0;
    return AH_OK;
}

static enum ah_err sq_digest_subscription_put(struct ah_store *base, int64_t person_id,
                                              bool subscribed, int64_t now,
                                              struct ah_error *err)
{
    return exec_ids((struct sq *)base, ST_DIGEST_SUB_PUT, 3,
                    (int64_t[]){person_id, subscribed, now}, "digest subscription", err);
}

static void subscriber_reader(sqlite3_stmt *s, struct ah_arena *a, void *item)
{
    struct ah_digest_subscriber *d = item;

    d->person_id = sqlite3_column_int64(s, 0);
    d->email = col_text0(a, s, 1);
    d->name = col_text0(a, s, 2);
}

static enum ah_err sq_digest_subscribers(struct ah_store *base, struct ah_arena *a,
                                         struct ah_digest_subscriber **items, size_t *n,
                                         struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = stmt(q, ST_DIGEST_SUBSCRIBERS, &s, err);

    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, LIST_MAX);
    return collect(q, s, a, sizeof(**items), LIST_MAX, subscriber_reader, (void **)items, n,
                   "digest subscribers", err);
}

static enum ah_err sq_digest_claim(struct ah_store *base, int64_t week_day, int64_t now,
                                   bool *first, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = exec_ids(q, ST_DIGEST_CLAIM, 2, (int64_t[]){week_day, now}, "digest run",
                              err);

    if (!rc)
        *first = sqlite3_changes(q->db) == 1;
    return rc;
}

static enum ah_err sq_digest_done(struct ah_store *base, int64_t week_day, int64_t recipients,
                                  struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    enum ah_err rc = exec_ids(q, ST_DIGEST_DONE, 2, (int64_t[]){week_day, recipients},
                              "digest run", err);

    if (!rc && sqlite3_changes(q->db) == 0)
        return ah_error_set(err, AH_E_NOT_FOUND,
                            "no digest was claimed for the week of day %" PRId64, week_day);
    return rc;
}

/* ---- copying tables (allhands copy): SQL built from ah_store_tables ---- */

static enum ah_err sq_schema_version(struct ah_store *base, int *version, struct ah_error *err)
{
    return user_version((struct sq *)base, version, err);
}

/* Binds value v of column c at i: a number as one, so that the row reads
 * back as it was written. */
static void bind_value(sqlite3_stmt *s, int i, const struct ah_store_column *c, const char *v)
{
    int64_t n;

    if (v && c->integer && !ah_parse_i64(ah_str_c(v), INT64_MIN, INT64_MAX, &n, NULL))
        sqlite3_bind_int64(s, i, n);
    else
        bind_c(s, i, v);
}

/* A REAL as copy text: the shortest decimal that reads back as the same
 * double, as PostgreSQL writes a double precision; SQLite's own text keeps
 * 15 digits (0.1 + 0.2 reads 0.3) and writes 2 as 2.0. */
static const char *real_text(struct ah_arena *a, double v)
{
    char buf[40];

    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof(buf), "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return ah_arena_strdup(a, buf);
}

static const char *col_copy_text(struct ah_arena *a, sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_FLOAT)
        return real_text(a, sqlite3_column_double(s, i));
    return col_text(a, s, i);
}

/* Binds v for a REAL column: parsed here, since SQLite's own conversion of
 * text rounds a 17-digit decimal to a neighbour of the double now and then,
 * and the copy would no longer read back what its source holds. */
static void bind_real(sqlite3_stmt *s, int i, const char *v)
{
    char *end = NULL;
    double d;

    if (!v) {
        sqlite3_bind_null(s, i);
        return;
    }
    errno = 0;
    d = strtod(v, &end);
    if (end != v && *end == '\0' && errno == 0)
        sqlite3_bind_double(s, i, d);
    else
        bind_c(s, i, v); /* stored as the column's affinity makes it */
}

static enum ah_err sq_table_count(struct ah_store *base, const struct ah_store_table *t,
                                  int64_t *n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    struct ah_buf sql;
    sqlite3_stmt *s = NULL;
    enum ah_err rc;
    int r;

    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "SELECT count(*) FROM %s", t->name);
    if (!rc) {
        r = sqlite3_prepare_v2(q->db, ah_buf_cstr(&sql), -1, &s, NULL);
        if (r == SQLITE_OK)
            r = sqlite3_step(s);
        if (r == SQLITE_ROW)
            *n = sqlite3_column_int64(s, 0);
        else
            rc = db_error(q, r, "count rows", err);
    }
    sqlite3_finalize(s);
    ah_buf_release(&sql);
    return rc;
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
        for (int c = 0; !rc && c < t->nkey; c++)
            rc = ah_buf_appendf(sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
        if (!rc)
            rc = ah_buf_appends(sql, ") > (", err);
        for (int c = 0; !rc && c < t->nkey; c++)
            rc = ah_buf_appendf(sql, err, "%s?%d", c ? ", " : "", c + 1);
        if (!rc)
            rc = ah_buf_appends(sql, ")", err);
    }
    if (!rc)
        rc = ah_buf_appends(sql, " ORDER BY ", err);
    /* text keys compare bytewise (BINARY), as PostgreSQL's COLLATE "C" */
    for (int c = 0; !rc && c < t->nkey; c++)
        rc = ah_buf_appendf(sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
    if (!rc)
        rc = ah_buf_appendf(sql, err, " LIMIT ?%d OFFSET ?%d", t->nkey + 1, t->nkey + 2);
    return rc;
}

static enum ah_err sq_table_read(struct ah_store *base, const struct ah_store_table *t,
                                 const char *const *after, int64_t offset, int limit,
                                 struct ah_arena *a, const char ***rows, size_t *n,
                                 struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    struct ah_buf sql;
    sqlite3_stmt *s = NULL;
    const char **out;
    size_t count = 0;
    bool by_key = t->unique && after;
    enum ah_err rc;
    int r;

    assert(limit > 0);
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = read_sql(t, by_key, &sql, err);
    if (rc)
        goto cleanup;
    r = sqlite3_prepare_v2(q->db, ah_buf_cstr(&sql), -1, &s, NULL);
    if (r != SQLITE_OK) {
        rc = db_error(q, r, "read rows", err);
        goto cleanup;
    }
    for (int c = 0; by_key && c < t->nkey; c++)
        bind_value(s, c + 1, &t->cols[c], after[c]);
    sqlite3_bind_int(s, t->nkey + 1, limit);
    sqlite3_bind_int64(s, t->nkey + 2, t->unique ? 0 : offset);
    out = ah_arena_alloc(a, (size_t)limit * (size_t)t->ncols * sizeof(*out));
    while ((r = sqlite3_step(s)) == SQLITE_ROW && count < (size_t)limit) {
        for (int c = 0; c < t->ncols; c++)
            out[count * (size_t)t->ncols + (size_t)c] = col_copy_text(a, s, c);
        count++;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = db_error(q, r, "read rows", err);
        goto cleanup;
    }
    *rows = out;
    *n = count;
cleanup:
    sqlite3_finalize(s);
    ah_buf_release(&sql);
    return rc;
}

/* The columns of t declared REAL, a bit each: ah_store_column says only
 * integer or not, and a REAL column's value must not go in as text. */
static enum ah_err real_columns(struct sq *q, const struct ah_store_table *t, uint32_t *mask,
                                struct ah_error *err)
{
    struct ah_buf sql;
    sqlite3_stmt *s = NULL;
    uint32_t m = 0;
    enum ah_err rc = AH_OK;
    int r;

    assert(t->ncols <= 32);
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appends(&sql, "SELECT ", err);
    for (int c = 0; !rc && c < t->ncols; c++)
        rc = ah_buf_appendf(&sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
    if (!rc)
        rc = ah_buf_appendf(&sql, err, " FROM %s", t->name);
    if (!rc) {
        r = sqlite3_prepare_v2(q->db, ah_buf_cstr(&sql), -1, &s, NULL);
        if (r != SQLITE_OK)
            rc = db_error(q, r, t->name, err);
    }
    for (int c = 0; !rc && c < t->ncols; c++) {
        const char *type = sqlite3_column_decltype(s, c);

        if (type && strcasecmp(type, "REAL") == 0)
            m |= 1u << c;
    }
    sqlite3_finalize(s);
    ah_buf_release(&sql);
    if (!rc)
        *mask = m;
    return rc;
}

static enum ah_err insert_stmt(struct sq *q, const struct ah_store_table *t, sqlite3_stmt **out,
                               struct ah_error *err)
{
    size_t i = (size_t)(t - ah_store_tables);
    struct ah_buf sql;
    enum ah_err rc;

    assert(i < ah_store_ntables && i < COPY_TABLES_MAX);
    if (q->copy_insert[i]) {
        *out = q->copy_insert[i];
        return AH_OK;
    }
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "INSERT INTO %s (", t->name);
    for (int c = 0; !rc && c < t->ncols; c++)
        rc = ah_buf_appendf(&sql, err, "%s%s", c ? ", " : "", t->cols[c].name);
    if (!rc)
        rc = ah_buf_appends(&sql, ") VALUES (", err);
    for (int c = 0; !rc && c < t->ncols; c++)
        rc = ah_buf_appendf(&sql, err, "%s?%d", c ? ", " : "", c + 1);
    if (!rc)
        rc = ah_buf_appends(&sql, ")", err);
    if (!rc)
        rc = real_columns(q, t, &q->copy_real[i], err);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), &q->copy_insert[i], err);
    ah_buf_release(&sql);
    if (!rc)
        *out = q->copy_insert[i];
    return rc;
}

static enum ah_err sq_table_write(struct ah_store *base, const struct ah_store_table *t,
                                  const char *const *rows, size_t n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    sqlite3_stmt *s;
    enum ah_err rc = insert_stmt(q, t, &s, err);
    uint32_t real = rc ? 0 : q->copy_real[t - ah_store_tables];

    for (size_t i = 0; !rc && i < n; i++) {
        const char *const *row = rows + i * (size_t)t->ncols;

        for (int c = 0; c < t->ncols; c++) {
            if (real & (1u << c))
                bind_real(s, c + 1, row[c]);
            else
                bind_value(s, c + 1, &t->cols[c], row[c]);
        }
        rc = exec_done(q, s, t->name, err);
    }
    return rc;
}

static enum ah_err sq_table_link(struct ah_store *base, const struct ah_store_table *t,
                                 const char *const *pairs, size_t n, struct ah_error *err)
{
    struct sq *q = (struct sq *)base;
    struct ah_buf sql;
    sqlite3_stmt *s = NULL;
    enum ah_err rc;

    assert(t->self_ref >= 0 && t->nkey == 1);
    ah_buf_init(&sql, COPY_SQL_MAX);
    rc = ah_buf_appendf(&sql, err, "UPDATE %s SET %s = ?2 WHERE %s = ?1", t->name,
                        t->cols[t->self_ref].name, t->cols[0].name);
    if (!rc)
        rc = prep_sql(q, ah_buf_cstr(&sql), &s, err);
    for (size_t i = 0; !rc && i < n; i++) {
        bind_value(s, 1, &t->cols[0], pairs[2 * i]);
        bind_value(s, 2, &t->cols[t->self_ref], pairs[2 * i + 1]);
        rc = exec_done(q, s, t->name, err);
    }
    sqlite3_finalize(s);
    ah_buf_release(&sql);
    return rc;
}

/* An INTEGER PRIMARY KEY numbers new rows past the highest id by itself. */
static enum ah_err sq_table_sync_ids(struct ah_store *base, const struct ah_store_table *t,
                                     struct ah_error *err)
{
    (void)base;
    (void)t;
    (void)err;
    return AH_OK;
}

static const struct ah_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .migrate = sq_migrate,
    .ping = sq_ping,
    .person_insert = sq_person_insert,
    .person_update = sq_person_update,
    .person_set_password = sq_person_set_password,
    .person_get = sq_person_get,
    .person_get_by_email = sq_person_get_by_email,
    .person_list = sq_person_list,
    .person_count = sq_person_count,
    .cred_insert = sq_cred_insert,
    .cred_lookup = sq_cred_lookup,
    .cred_touch = sq_cred_touch,
    .cred_delete = sq_cred_delete,
    .cred_list = sq_cred_list,
    .cred_purge = sq_cred_purge,
    .login_failures = sq_login_failures,
    .login_failure_add = sq_login_failure_add,
    .customer_upsert = sq_customer_upsert,
    .ticket_insert = sq_ticket_insert,
    .ticket_get = sq_ticket_get,
    .ticket_list = sq_ticket_list,
    .ticket_update = sq_ticket_update,
    .ticket_set_tags = sq_ticket_set_tags,
    .message_insert = sq_message_insert,
    .message_list = sq_message_list,
    .queue_expire = sq_queue_expire,
    .queue_held = sq_queue_held,
    .queue_claim_next = sq_queue_claim_next,
    .queue_list = sq_queue_list,
    .queue_unclaim = sq_queue_unclaim,
    .queue_renew = sq_queue_renew,
    .queue_skip = sq_queue_skip,
    .policy_get = sq_policy_get,
    .policy_put = sq_policy_put,
    .exemption_insert = sq_exemption_insert,
    .exemption_get = sq_exemption_get,
    .exemption_end = sq_exemption_end,
    .exemption_list = sq_exemption_list,
    .work_insert = sq_work_insert,
    .work_get = sq_work_get,
    .work_current = sq_work_current,
    .work_update = sq_work_update,
    .work_close_idle = sq_work_close_idle,
    .work_list = sq_work_list,
    .work_spans = sq_work_spans,
    .block_insert = sq_block_insert,
    .block_get = sq_block_get,
    .block_update = sq_block_update,
    .block_delete = sq_block_delete,
    .block_list = sq_block_list,
    .activity = sq_activity,
    .support_week_add = sq_support_week_add,
    .support_week_remove = sq_support_week_remove,
    .support_week_list = sq_support_week_list,
    .compliance_put = sq_compliance_put,
    .compliance_get = sq_compliance_get,
    .ladder_claim = sq_ladder_claim,
    .notification_insert = sq_notification_insert,
    .notification_list = sq_notification_list,
    .notification_read = sq_notification_read,
    .webhook_insert = sq_webhook_insert,
    .webhook_list = sq_webhook_list,
    .webhook_disable = sq_webhook_disable,
    .outbox_add = sq_outbox_add,
    .outbox_claim = sq_outbox_claim,
    .outbox_settle = sq_outbox_settle,
    .authored_list = sq_authored_list,
    .rules_version = sq_rules_version,
    .rules_bump = sq_rules_bump,
    .route_rule_list = sq_route_rule_list,
    .route_rule_get = sq_route_rule_get,
    .route_rule_insert = sq_route_rule_insert,
    .route_rule_update = sq_route_rule_update,
    .route_rule_delete = sq_route_rule_delete,
    .style_rule_list = sq_style_rule_list,
    .style_rule_get = sq_style_rule_get,
    .style_rule_insert = sq_style_rule_insert,
    .style_rule_update = sq_style_rule_update,
    .style_hits_add = sq_style_hits_add,
    .style_hits_sum = sq_style_hits_sum,
    .review_insert = sq_review_insert,
    .review_get = sq_review_get,
    .review_update = sq_review_update,
    .review_list = sq_review_list,
    .review_stats = sq_review_stats,
    .review_counts = sq_review_counts,
    .escalation_insert = sq_escalation_insert,
    .escalation_counts = sq_escalation_counts,
    .module_list = sq_module_list,
    .module_get = sq_module_get,
    .module_insert = sq_module_insert,
    .module_update = sq_module_update,
    .completion_add = sq_completion_add,
    .completion_list = sq_completion_list,
    .pairing_insert = sq_pairing_insert,
    .pairing_list = sq_pairing_list,
    .macro_list = sq_macro_list,
    .macro_get = sq_macro_get,
    .macro_insert = sq_macro_insert,
    .macro_update = sq_macro_update,
    .macro_delete = sq_macro_delete,
    .mail_id_get = sq_mail_id_get,
    .mail_id_insert = sq_mail_id_insert,
    .mail_in_insert = sq_mail_in_insert,
    .mail_in_count = sq_mail_in_count,
    .mail_in_list = sq_mail_in_list,
    .participant_add = sq_participant_add,
    .participant_list = sq_participant_list,
    .attachment_insert = sq_attachment_insert,
    .attachment_get = sq_attachment_get,
    .attachment_list = sq_attachment_list,
    .mail_out_insert = sq_mail_out_insert,
    .mail_out_claim = sq_mail_out_claim,
    .mail_out_settle = sq_mail_out_settle,
    .mail_out_list = sq_mail_out_list,
    .mail_out_counts = sq_mail_out_counts,
    .group_turn = sq_group_turn,
    .group_turn_end = sq_group_turn_end,
    .group_pending = sq_group_pending,
    .term_df = sq_term_df,
    .term_add = sq_term_add,
    .term_words = sq_term_words,
    .group_postings = sq_group_postings,
    .group_terms_put = sq_group_terms_put,
    .group_load = sq_group_load,
    .group_insert = sq_group_insert,
    .group_update = sq_group_update,
    .group_list = sq_group_list,
    .group_ticket_put = sq_group_ticket_put,
    .group_ticket_get = sq_group_ticket_get,
    .group_members = sq_group_members,
    .group_week_add = sq_group_week_add,
    .group_weeks = sq_group_weeks,
    .group_move_all = sq_group_move_all,
    .group_answerers = sq_group_answerers,
    .fix_insert = sq_fix_insert,
    .fix_get = sq_fix_get,
    .fix_update = sq_fix_update,
    .fix_list = sq_fix_list,
    .intake_insert = sq_intake_insert,
    .intake_get = sq_intake_get,
    .intake_list = sq_intake_list,
    .intake_told = sq_intake_told,
    .intake_counts = sq_intake_counts,
    .route_back_insert = sq_route_back_insert,
    .route_back_list = sq_route_back_list,
    .route_back_counts = sq_route_back_counts,
    .launch_insert = sq_launch_insert,
    .launch_get = sq_launch_get,
    .launch_update = sq_launch_update,
    .launch_list = sq_launch_list,
    .tagged_tickets = sq_tagged_tickets,
    .kudos_insert = sq_kudos_insert,
    .kudos_list = sq_kudos_list,
    .digest_responses = sq_digest_responses,
    .digest_solved = sq_digest_solved,
    .digest_breaches = sq_digest_breaches,
    .digest_backlog = sq_digest_backlog,
    .review_outcomes = sq_review_outcomes,
    .group_top_week = sq_group_top_week,
    .after_fix_counts = sq_after_fix_counts,
    .digest_subscription_get = sq_digest_subscription_get,
    .digest_subscription_put = sq_digest_subscription_put,
    .digest_subscribers = sq_digest_subscribers,
    .digest_claim = sq_digest_claim,
    .digest_done = sq_digest_done,
    .members_clocked_in = sq_members_clocked_in,
    .audit_insert = sq_audit_insert,
    .audit_list = sq_audit_list,
    .text_index = sq_text_index,
    .try_lead = sq_try_lead,
    .checkpoint = sq_checkpoint,
    .should_retry = sq_should_retry,
    .schema_version = sq_schema_version,
    .table_count = sq_table_count,
    .table_read = sq_table_read,
    .table_write = sq_table_write,
    .table_link = sq_table_link,
    .table_sync_ids = sq_table_sync_ids,
};

static enum ah_err sqlite_open(const char *path, bool create, struct ah_store **out,
                               struct ah_error *err)
{
    struct sq *q = ah_xcalloc(1, sizeof(*q));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &q->db, flags, NULL);
    enum ah_err e;

    q->base.ops = &sqlite_ops;
    if (rc != SQLITE_OK) {
        e = ah_error_set(err, AH_E_UNAVAILABLE, "cannot open database %s: %s", path,
                         q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
        sq_close(&q->base);
        return e;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
    /* no connection checkpoints on commit: the server's upkeep thread does it
     * (ah_store_checkpoint), so no request waits for an fsync; SQLite still
     * checkpoints when the last connection closes */
    e = exec_script(q,
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                    " PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
                    " PRAGMA cache_size = -10000; PRAGMA wal_autocheckpoint = 0;"
                    " PRAGMA journal_size_limit = 134217728;",
                    "configure database", err);
    if (e) {
        sq_close(&q->base);
        return e;
    }
    *out = &q->base;
    return AH_OK;
}

enum ah_err ah_store_open(const char *location, bool create, struct ah_store **out,
                          struct ah_error *err)
{
    if (strncmp(location, "postgres://", 11) == 0 || strncmp(location, "postgresql://", 13) == 0)
        return ah_store_pg_open(location, out, err);
    return sqlite_open(location, create, out, err);
}

int ah_store_schema_version(void)
{
    return NMIGRATIONS;
}

/* ---- backup and restore: the database as a whole ----
 * These work on files with connections of their own (no struct sq): a
 * backup reads the database while servers write it, a restore writes it
 * while servers read it, and SQLite's locking keeps them apart. */

/* The backup API copies this many pages per step; a step that meets a lock
 * sleeps BACKUP_SLEEP_MS and tries again, giving up after BACKUP_BUSY_MS of
 * that in a row: a server's transactions last milliseconds. */
#define BACKUP_STEP_PAGES 256
#define BACKUP_SLEEP_MS 10
#define BACKUP_BUSY_MS 30000
/* a path the kernel takes, and room for the suffixes put after it */
#define BACKUP_PATH_MAX (PATH_MAX + 64)

static bool is_postgres(const char *location)
{
    return strncmp(location, "postgres://", 11) == 0 ||
           strncmp(location, "postgresql://", 13) == 0;
}

static bool is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static enum ah_err file_open(const char *path, int flags, sqlite3 **out, struct ah_error *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    int sys = db ? sqlite3_system_errno(db) : 0;
    enum ah_err e;

    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        *out = db;
        return AH_OK;
    }
    /* the system's reason says more than SQLite's "unable to open" */
    e = ah_error_set(err, AH_E_INTERNAL, "cannot open %s: %s", path,
                     sys ? strerror(sys) : db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return e;
}

/* What a failed statement on path's connection means: busy, or bad (a file
 * that is not the database it should be). */
static enum ah_err file_error(sqlite3 *db, int rc, const char *path, enum ah_err bad,
                              struct ah_error *err)
{
    if (is_busy(rc))
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: database is busy", path);
    return ah_error_set(err, bad, "%s is not a usable allhands database: %s", path,
                        sqlite3_errmsg(db));
}

static enum ah_err file_exec(sqlite3 *db, const char *path, const char *sql,
                             struct ah_error *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    if (is_busy(rc))
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: database is busy", path);
    if (rc != SQLITE_OK)
        return ah_error_set(err, AH_E_INTERNAL, "%s: %s", path, sqlite3_errmsg(db));
    return AH_OK;
}

/* The one integer sql returns (a count, a PRAGMA), into *out. */
static enum ah_err file_int(sqlite3 *db, const char *path, const char *sql, enum ah_err bad,
                            int64_t *out, struct ah_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    enum ah_err e = AH_OK;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        e = file_error(db, rc, path, bad, err);
    sqlite3_finalize(s);
    return e;
}

/* AH_OK if PRAGMA integrity_check finds nothing wrong; bad naming the first
 * problem otherwise. */
static enum ah_err file_check(sqlite3 *db, const char *path, enum ah_err bad,
                              struct ah_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &s, NULL);
    enum ah_err e = AH_OK;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *res = (const char *)sqlite3_column_text(s, 0);

        if (!res || strcmp(res, "ok") != 0)
            e = ah_error_set(err, bad, "%s failed its integrity check: %s", path,
                             res ? res : "no answer");
    } else {
        e = file_error(db, rc, path, bad, err);
    }
    sqlite3_finalize(s);
    return e;
}

/* Checks the file path, opened read-only, as an allhands database: its
 * integrity and a schema version of 1 or more; *info gets its facts. A file
 * that fails is bad: AH_E_INVALID for one given to restore, AH_E_INTERNAL for
 * a copy just made. */
static enum ah_err file_facts(const char *path, enum ah_err bad, struct ah_backup_info *info,
                              struct ah_error *err)
{
    struct ah_backup_info got = {0};
    struct stat sb;
    sqlite3 *db = NULL;
    int64_t version = 0;
    enum ah_err rc;

    if (stat(path, &sb) != 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no backup file %s: %s", path, strerror(errno));
    rc = file_open(path, SQLITE_OPEN_READONLY, &db, err);
    if (!rc)
        rc = file_check(db, path, bad, err);
    if (!rc)
        rc = file_int(db, path, "PRAGMA user_version", bad, &version, err);
    if (!rc && (version < 1 || version > INT32_MAX))
        rc = ah_error_set(err, bad, "%s is not an allhands database (schema version %" PRId64 ")",
                          path, version);
    if (!rc)
        rc = file_int(db, path, "SELECT count(*) FROM tickets", bad, &got.tickets, err);
    if (!rc)
        rc = file_int(db, path, "SELECT count(*) FROM people", bad, &got.people, err);
    sqlite3_close(db);
    if (rc)
        return rc;
    got.bytes = (int64_t)sb.st_size;
    got.schema_version = (int)version;
    *info = got;
    return AH_OK;
}

/* Copies the main database of src into dst with the online backup API,
 * BACKUP_STEP_PAGES at a time; a step that meets a lock sleeps and tries
 * again, so the servers using the database keep their turns. */
static enum ah_err copy_pages(sqlite3 *dst, sqlite3 *src, const char *what,
                              struct ah_error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int rc = SQLITE_OK, busy_ms = 0;

    if (!b)
        return ah_error_set(err, AH_E_INTERNAL, "%s: %s", what, sqlite3_errmsg(dst));
    while (busy_ms < BACKUP_BUSY_MS) {
        rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
        if (rc == SQLITE_OK) {
            busy_ms = 0;
        } else if (is_busy(rc)) {
            sqlite3_sleep(BACKUP_SLEEP_MS);
            busy_ms += BACKUP_SLEEP_MS;
        } else {
            break;
        }
    }
    sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        return AH_OK;
    if (is_busy(rc))
        return ah_error_set(err, AH_E_UNAVAILABLE, "%s: the database stayed locked for %d s",
                            what, BACKUP_BUSY_MS / 1000);
    return ah_error_set(err, AH_E_INTERNAL, "%s: %s", what, sqlite3_errmsg(dst));
}

/* Removes the file path and what SQLite may have left beside it. */
static void remove_db_files(const char *path)
{
    static const char *const beside[] = {"-journal", "-wal", "-shm"};
    struct ah_buf p;

    unlink(path);
    ah_buf_init(&p, BACKUP_PATH_MAX);
    for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
        ah_buf_reset(&p);
        if (!ah_buf_appendf(&p, NULL, "%s%s", path, beside[i]))
            unlink(ah_buf_cstr(&p));
    }
    ah_buf_release(&p);
}

/* AH_E_CONFLICT for the backup file to that exists, suggesting a free name:
 * to with -1, -2, ... before its extension. */
static enum ah_err exists_error(const char *to, struct ah_error *err)
{
    const char *base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
    const char *dot = strrchr(base, '.');
    int stem = (int)(dot && dot != base ? dot - to : (ptrdiff_t)strlen(to));
    struct ah_buf alt;
    enum ah_err rc;

    ah_buf_init(&alt, BACKUP_PATH_MAX);
    for (int n = 1; n < 1000; n++) {
        ah_buf_reset(&alt);
        ah_buf_appendf(&alt, NULL, "%.*s-%d%s", stem, to, n, to + stem);
        if (access(ah_buf_cstr(&alt), F_OK) != 0)
            break;
    }
    rc = ah_error_set(err, AH_E_CONFLICT, "backup file %s already exists; choose another name, "
                      "such as %s", to, ah_buf_cstr(&alt));
    ah_buf_release(&alt);
    return rc;
}

/* Syncs the directory holding path, so that a rename into it lasts. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    struct ah_buf dir;
    int fd;

    ah_buf_init(&dir, BACKUP_PATH_MAX);
    if (!slash)
        ah_buf_appends(&dir, ".", NULL);
    else
        ah_buf_append(&dir, path, slash == path ? 1 : (size_t)(slash - path), NULL);
    fd = open(ah_buf_cstr(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    ah_buf_release(&dir);
}

/* Renames tmp to to, but not over a file that appeared at to meanwhile. */
static enum ah_err move_into_place(const char *tmp, const char *to, struct ah_error *err)
{
    int rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, to, RENAME_NOREPLACE);

    /* a file system without RENAME_NOREPLACE: the check before the copy stands */
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS))
        rc = rename(tmp, to);
    if (rc != 0 && errno == EEXIST)
        return exists_error(to, err);
    if (rc != 0)
        return ah_error_set(err, AH_E_INTERNAL, "cannot rename %s to %s: %s", tmp, to,
                            strerror(errno));
    sync_dir_of(to);
    return AH_OK;
}

/* Copies the database at location into the empty file tmp, as one snapshot;
 * *version is the database's schema version. */
static enum ah_err copy_to_file(const char *location, const char *tmp, int64_t *version,
                                struct ah_error *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    /* read-write only so that, closing last, it takes away the log files
     * a read-only connection would leave beside a database nobody serves */
    enum ah_err rc = file_open(location, SQLITE_OPEN_READWRITE, &src, err);

    if (!rc)
        rc = file_open(tmp, SQLITE_OPEN_READWRITE, &dst, err);
    /* one read transaction for the whole copy: every step reads the same
     * snapshot, so the server's writes meanwhile neither restart the copy nor
     * half enter it, and in WAL mode they do not wait for it */
    if (!rc)
        rc = file_exec(src, location, "BEGIN", err);
    if (!rc)
        rc = file_int(src, location, "PRAGMA user_version", AH_E_INVALID, version, err);
    if (!rc && *version < 1)
        rc = ah_error_set(err, AH_E_INVALID, "%s is not an allhands database (schema version %"
                          PRId64 ")", location, *version);
    if (!rc)
        rc = copy_pages(dst, src, "backup", err);
    /* the copy of a WAL database is marked WAL too; a backup is one file */
    if (!rc)
        rc = file_exec(dst, tmp, "PRAGMA journal_mode = DELETE", err);
    sqlite3_close(dst);
    sqlite3_close(src); /* ends the read transaction */
    return rc;
}

static enum ah_err sqlite_backup(const char *location, const char *to,
                                 struct ah_backup_info *info, struct ah_error *err)
{
    struct ah_backup_info got;
    struct ah_buf tmp;
    int64_t version = 0;
    enum ah_err rc;
    int fd;

    if (strlen(to) >= PATH_MAX)
        return ah_error_set(err, AH_E_INVALID, "backup file name longer than %d bytes", PATH_MAX);
    if (access(to, F_OK) == 0)
        return exists_error(to, err);
    if (access(location, F_OK) != 0)
        return ah_error_set(err, AH_E_NOT_FOUND, "no database at %s", location);
    ah_buf_init(&tmp, BACKUP_PATH_MAX);
    ah_buf_appendf(&tmp, NULL, "%s.tmp-XXXXXX", to);
    fd = mkstemp(tmp.p); /* beside to, so the rename stays in one file system */
    if (fd < 0) {
        rc = ah_error_set(err, AH_E_INTERNAL, "cannot create a file beside %s: %s", to,
                          strerror(errno));
        ah_buf_release(&tmp);
        return rc;
    }
    close(fd);
    rc = copy_to_file(location, tmp.p, &version, err);
    if (!rc)
        rc = file_facts(tmp.p, AH_E_INTERNAL, &got, err);
    if (!rc && got.schema_version != version)
        rc = ah_error_set(err, AH_E_INTERNAL, "the copy has schema version %d, the database %"
                          PRId64, got.schema_version, version);
    if (!rc)
        rc = move_into_place(tmp.p, to, err);
    if (rc)
        remove_db_files(tmp.p);
    else
        *info = got;
    ah_buf_release(&tmp);
    return rc;
}

/* AH_OK if restoring from into location may go ahead. */
static enum ah_err restore_allowed(const char *location, const char *from, bool force,
                                   struct ah_error *err)
{
    struct stat db, file;

    if (stat(location, &db) != 0)
        return AH_OK; /* a new database */
    if (stat(from, &file) == 0 && db.st_dev == file.st_dev && db.st_ino == file.st_ino)
        return ah_error_set(err, AH_E_INVALID, "%s is the database itself", from);
    if (db.st_size > 0 && !force)
        return ah_error_set(err, AH_E_CONFLICT, "database %s already exists", location);
    return AH_OK;
}

static enum ah_err sqlite_restore(const char *location, const char *from, bool force,
                                  struct ah_backup_info *info, struct ah_error *err)
{
    struct ah_backup_info got;
    sqlite3 *src = NULL, *dst = NULL;
    bool fresh = access(location, F_OK) != 0;
    enum ah_err rc = restore_allowed(location, from, force, err);

    if (!rc)
        rc = file_facts(from, AH_E_INVALID, &got, err);
    if (!rc && got.schema_version > NMIGRATIONS)
        rc = ah_error_set(err, AH_E_INVALID, "%s has schema version %d, newer than this "
                          "allhands (%d): restore it with a newer one", from,
                          got.schema_version, NMIGRATIONS);
    if (rc)
        return rc;
    rc = file_open(from, SQLITE_OPEN_READONLY, &src, err);
    if (!rc)
        rc = file_open(location, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, err);
    /* the pages go in as one write transaction on the database: servers
     * wait for it like for any writer, then read the restored data */
    if (!rc)
        rc = copy_pages(dst, src, "restore", err);
    sqlite3_close(dst);
    sqlite3_close(src);
    if (rc && fresh)
        remove_db_files(location);
    if (!rc)
        *info = got;
    return rc;
}

enum ah_err ah_store_backup(const char *location, const char *to, struct ah_backup_info *info,
                            struct ah_error *err)
{
    /* PostgreSQL keeps its backups with its own tools */
    if (is_postgres(location))
        return ah_error_set(err, AH_E_BAD_REQUEST,
                            "a PostgreSQL database is backed up with PostgreSQL's own tool: "
                            "pg_dump --format=custom --file=%s DATABASE_URL", to);
    return sqlite_backup(location, to, info, err);
}

enum ah_err ah_store_restore(const char *location, const char *from, bool force,
                             struct ah_backup_info *info, struct ah_error *err)
{
    /* PostgreSQL keeps its backups with its own tools */
    if (is_postgres(location))
        return ah_error_set(err, AH_E_BAD_REQUEST,
                            "a PostgreSQL database is restored with PostgreSQL's own tool: "
                            "pg_restore --clean --if-exists --dbname=DATABASE_URL %s, then "
                            "allhands migrate", from);
    return sqlite_restore(location, from, force, info, err);
}
