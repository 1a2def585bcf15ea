/* test_store.c - src/store/store_sqlite.c through store.h, on a fresh SQLite
 * file per test: migrations, people, tickets and their filters, messages,
 * credentials, the audit log, the error codes a real database gives
 * (constraint, read-only, failed write, busy), backup and restore,
 * deference: levels, the reserve, rule sets, review, training, macros, and
 * email: Message-IDs, mail in, participants, attachments, mail out, and
 * the mail tables' copy, and repeated questions: the grouper's state, terms,
 * postings, groups and their tickets and weeks, merging, fixes, and their
 * copy, and the feedback loops: internal escalations, route-backs, launches,
 * tickets by tag, kudos, and their copy, and the weekly digest: when tickets
 * were solved, business hours, mail about no ticket, a span's responses,
 * solutions, deadlines, backlog, review outcomes, top groups and tickets
 * after fixes, who gets it and which weeks went out, migration 6 and the
 * copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sqlite3.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "fixture.h"
#include "store/copy.h"
#include "store/schema_sqlite.h"
#include "store/store.h"

/* The shared fixture, and what a test did to the file that teardown undoes. */
struct store_fx {
    struct fx fx;
    bool immutable; /* the test set FS_IMMUTABLE_FL on path: clear it */
};

static int setup(void **state)
{
    return fx_setup(state, sizeof(struct store_fx), "store");
}

static void set_immutable(const char *path, bool on)
{
    int fd = open(path, O_RDONLY);
    long flags = 0;

    if (fd < 0)
        return;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~(long)FS_IMMUTABLE_FL);
        ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    close(fd);
}

static int teardown(void **state)
{
    struct store_fx *sf = *state;

    if (sf) {
        /* let go of the file before making it writable again */
        ah_store_close(sf->fx.store);
        sf->fx.store = NULL;
        if (sf->immutable)
            set_immutable(sf->fx.path, false);
        chmod(sf->fx.path, 0644);
    }
    return fx_teardown(state);
}

/* ---- seeding ---- */

static int64_t add_person(struct fx *f, const char *email, const char *name, enum ah_role role)
{
    struct ah_error err = {0};
    struct ah_person p = {
        .email = email,
        .name = name,
        .role = role,
        .active = true,
        .created_at = T0,
        .updated_at = T0,
    };

    assert_ok(ah_store_person_insert(f->store, &p, NULL, &err));
    assert_true(p.id > 0);
    return p.id;
}

static int64_t add_customer(struct fx *f, const char *email, const char *name)
{
    struct ah_error err = {0};
    int64_t id = 0;
    const char *stored = NULL;

    assert_ok(ah_store_customer_upsert(f->store, ah_str_c(email), ah_str_c(name), T0, &f->arena,
                                       &id, &stored, &err));
    return id;
}

static int64_t add_ticket(struct fx *f, int64_t requester, const char *subject,
                          enum ah_status status, int tier, const char *tags, int64_t assignee)
{
    struct ah_error err = {0};
    struct ah_ticket t = {
        .subject = subject,
        .requester_id = requester,
        .status = status,
        .priority = AH_PRIO_NORMAL,
        .tier = tier,
        .tags = tags,
        .source = "api",
        .assignee_id = assignee,
        .due_at = T0 + 1000,
        .resolve_due_at = T0 + 2000,
        .created_at = T0,
        .updated_at = T0,
    };

    assert_ok(ah_store_ticket_insert(f->store, &t, &err));
    assert_true(t.id > 0);
    return t.id;
}

static int64_t add_message(struct fx *f, int64_t ticket, int64_t author, const char *body,
                           int64_t at)
{
    struct ah_error err = {0};
    struct ah_message m = {
        .ticket_id = ticket,
        .kind = author ? AH_MSG_REPLY : AH_MSG_CUSTOMER,
        .author_id = author,
        .body = body,
        .created_at = at,
    };

    assert_ok(ah_store_message_insert(f->store, &m, &err));
    assert_true(m.id > 0);
    return m.id;
}

static struct ah_ticket_filter filter(void)
{
    struct ah_ticket_filter fl = {.max_tier = 2, .limit = 50};

    return fl;
}

/* Lists with fl and checks the ids, newest first, against want[0..n). */
static void expect_list(struct fx *f, const struct ah_ticket_filter *fl, const int64_t *want,
                        size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_ticket *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_ticket_list(f->store, fl, &f->arena, &items, &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu tickets, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is ticket %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_LIST(f, fl, what, ...)                                              \
    do {                                                                           \
        const int64_t want_[] = {__VA_ARGS__};                                     \
        expect_list(f, fl, want_ + 1, sizeof(want_) / sizeof(want_[0]) - 1, what); \
    } while (0)

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* ---- migrations ---- */

static void test_store_migrate_applies_all(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *s = NULL;
    char path[320];
    int from = -1, to = -1;

    assert_true(ah_store_schema_version() >= 1);
    snprintf(path, sizeof(path), "%s/fresh.db", f->dir);
    assert_ok(ah_store_open(path, true, &s, &err));
    assert_ok(ah_store_migrate(s, &from, &to, &err));
    assert_int_equal(from, 0);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_ping(s, &err));
    ah_store_close(s);
    assert_int_equal(user_version(path), ah_store_schema_version());
    fx_remove_db(path);
}

static void test_store_migrate_idempotent(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int from = -1, to = -1;
    int64_t n = -1;

    add_person(f, "kept@example.com", "Kept", AH_ROLE_MEMBER);
    assert_ok(ah_store_migrate(f->store, &from, &to, &err));
    assert_int_equal(from, ah_store_schema_version());
    assert_int_equal(to, ah_store_schema_version());
    /* and again after reopening the file */
    ah_store_close(f->store);
    f->store = NULL;
    assert_ok(ah_store_open(f->path, false, &f->store, &err));
    assert_ok(ah_store_migrate(f->store, &from, &to, &err));
    assert_int_equal(from, ah_store_schema_version());
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_person_count(f->store, &n, &err));
    assert_int_equal(n, 1);
}

static void test_store_migrate_refuses_newer_schema(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char sql[64];
    int from = -1, to = -1;
    int newer = ah_store_schema_version() + 1;

    ah_store_close(f->store);
    f->store = NULL;
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", newer);
    sql_exec(f->path, sql);
    assert_ok(ah_store_open(f->path, false, &f->store, &err));
    assert_code(AH_E_INTERNAL, ah_store_migrate(f->store, &from, &to, &err));
    assert_non_null(strstr(err.msg, "newer"));
    assert_int_equal(to, -1);
    /* nothing was touched, and the connection is not left in a transaction */
    assert_int_equal(user_version(f->path), newer);
    assert_ok(ah_store_begin(f->store, &err));
    ah_store_rollback(f->store);
}

/* Migration 2 on a database the foundation (version 1) wrote: nothing is
 * lost, people start in the program on the day they were created, and the
 * policy is the defaults (no row) until a lead sets one. */
static void test_store_migrate_from_version_1(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *st = NULL;
    struct ah_person p;
    struct ah_policy pol;
    struct ah_arena a;
    char path[4200];
    sqlite3 *db;
    int from = -1, to = -1;
    const int64_t created = 1764000000000LL; /* 2025-11-24T16:00:00Z */

    snprintf(path, sizeof(path), "%s.v1", f->path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sqlite_migrations[0], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA user_version = 1;"
                                  "INSERT INTO people (email, name, role, created_at, updated_at)"
                                  " VALUES ('old@example.com', 'Old Timer', 0, 1764000000000,"
                                  " 1764000000000)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    ah_arena_init(&a);
    assert_ok(ah_store_open(path, false, &st, &err));
    assert_ok(ah_store_migrate(st, &from, &to, &err));
    assert_int_equal(from, 1);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_person_get(st, 1, &a, &p, &err));
    assert_string_equal(p.email, "old@example.com");
    assert_int_equal(p.start_day, created / 86400000);
    assert_code(AH_E_NOT_FOUND, ah_store_policy_get(st, &a, &pol, &err));
    ah_store_close(st);
    ah_arena_release(&a);
    unlink(path);
}

/* Migration 3 on a database version 2 wrote: people already there become
 * tier1 (they worked every ticket before levels), the policy row gets the
 * new defaults without losing what a lead set, and both rule sets start at
 * version 1. */
static void test_store_migrate_from_version_2(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *st = NULL;
    struct ah_person p;
    struct ah_policy pol;
    struct ah_arena a;
    char path[4200];
    sqlite3 *db;
    int from = -1, to = -1;
    int64_t v = -1;

    snprintf(path, sizeof(path), "%s.v2", f->path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sqlite_migrations[0], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sqlite_migrations[1], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA user_version = 2;"
                                  "INSERT INTO people (email, name, role, created_at, updated_at)"
                                  " VALUES ('old@example.com', 'Old Timer', 0, 1764000000000,"
                                  " 1764000000000);"
                                  "INSERT INTO policy (id, weekly_minutes) VALUES (1, 300)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    ah_arena_init(&a);
    assert_ok(ah_store_open(path, false, &st, &err));
    assert_ok(ah_store_migrate(st, &from, &to, &err));
    assert_int_equal(from, 2);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_person_get(st, 1, &a, &p, &err));
    assert_string_equal(p.email, "old@example.com");
    assert_int_equal(p.level, AH_LEVEL_TIER1);
    assert_ok(ah_store_policy_get(st, &a, &pol, &err));
    assert_int_equal(pol.weekly_minutes, 300);
    assert_int_equal(pol.default_tier, 2);
    assert_false(pol.reserve_on);
    assert_int_equal(pol.reserve_age_s, 1800);
    assert_int_equal(pol.review_first, 20);
    assert_int_equal(pol.review_rate, 25);
    assert_int_equal(pol.promote_approved, 20);
    assert_int_equal(pol.promote_clean_days, 14);
    assert_ok(ah_store_rules_version(st, "routing", &v, &err));
    assert_int_equal(v, 1);
    v = -1;
    assert_ok(ah_store_rules_version(st, "style", &v, &err));
    assert_int_equal(v, 1);
    ah_store_close(st);
    ah_arena_release(&a);
    fx_remove_db(path);
}

/* Migration 4 on a database version 3 wrote: nothing is lost, and the mail
 * tables start empty and take rows about the tickets already there. */
static void test_store_migrate_from_version_3(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *st = NULL;
    struct ah_person p;
    struct ah_ticket t;
    struct ah_macro mac;
    struct ah_message *msgs;
    struct ah_mail_in_row *rows;
    struct ah_arena a;
    char path[4200];
    sqlite3 *db;
    int from = -1, to = -1;
    int64_t pending = -1, failed = -1, tid = -1, mid = -1;
    bool inserted = false;
    size_t n;

    snprintf(path, sizeof(path), "%s.v3", f->path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sqlite3_exec(db, sqlite_migrations[i], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "PRAGMA user_version = 3;"
                     "INSERT INTO people (email, name, role, created_at, updated_at, level)"
                     " VALUES ('old@example.com', 'Old Timer', 1, 1764000000000,"
                     " 1764000000000, 2);"
                     "INSERT INTO customers (email, name, created_at)"
                     " VALUES ('ann@example.com', 'Ann', 1764000000000);"
                     "INSERT INTO tickets (subject, requester_id, status, priority, tier, source,"
                     " due_at, resolve_due_at, created_at, updated_at, last_message_id,"
                     " message_count) VALUES ('Refund', 1, 1, 2, 1, 'email', 1764000001000,"
                     " 1764000002000, 1764000000000, 1764000000000, 1, 1);"
                     "INSERT INTO messages (ticket_id, kind, body, created_at)"
                     " VALUES (1, 0, 'Where is my refund?', 1764000000000);"
                     "INSERT INTO macros (owner_id, name, body, created_at, updated_at)"
                     " VALUES (1, 'refund', 'Refunded.', 1764000000000, 1764000000000)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    ah_arena_init(&a);
    assert_ok(ah_store_open(path, false, &st, &err));
    assert_ok(ah_store_migrate(st, &from, &to, &err));
    assert_int_equal(from, 3);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_person_get(st, 1, &a, &p, &err));
    assert_string_equal(p.email, "old@example.com");
    assert_int_equal(p.level, AH_LEVEL_TIER1);
    assert_ok(ah_store_ticket_get(st, 1, &a, &t, &err));
    assert_string_equal(t.subject, "Refund");
    assert_string_equal(t.requester_email, "ann@example.com");
    assert_int_equal(t.message_count, 1);
    assert_ok(ah_store_message_list(st, 1, 0, 10, &a, &msgs, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(msgs[0].body, "Where is my refund?");
    assert_ok(ah_store_macro_get(st, 1, &a, &mac, &err));
    assert_string_equal(mac.body, "Refunded.");
    /* the mail tables are there, empty, and refer to what was */
    assert_ok(ah_store_mail_out_counts(st, &pending, &failed, &err));
    assert_int_equal(pending, 0);
    assert_int_equal(failed, 0);
    assert_ok(ah_store_mail_in_list(st, 1, &a, &rows, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_store_mail_id_insert(st, "old@example.com", 1, 1, false, T0, &inserted, &err));
    assert_true(inserted);
    assert_ok(ah_store_mail_id_get(st, "old@example.com", &tid, &mid, &err));
    assert_int_equal(tid, 1);
    assert_int_equal(mid, 1);
    ah_store_close(st);
    ah_arena_release(&a);
    fx_remove_db(path);
}

/* Migration 5 on a database version 4 wrote: nothing is lost, the
 * notifications already sent stay sent (ref_id 0) and still keep a second
 * one of the same out, a notification about a thing (ref_id) is new, the
 * grouper starts at the beginning with the tickets already there, and the
 * feedback tables start empty and take rows about what was there. */
static void test_store_migrate_from_version_4(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *st = NULL;
    struct ah_ticket t;
    struct ah_notification *items;
    struct ah_notification again = {.person_id = 1, .kind = "ladder.remind", .subject_id = 1,
                                    .week_day = 20454, .body = "again", .created_at = T0};
    struct ah_qgroup_input *pending;
    struct ah_qgroup_ticket place;
    struct ah_intake in = {.ticket_id = 1, .filer_id = 1, .channel = "email", .created_at = T0};
    struct ah_intake *intakes;
    struct ah_kudos *kudos;
    struct ah_arena a;
    char path[4200];
    sqlite3 *db;
    int from = -1, to = -1;
    int64_t upto = -1, docs = -1;
    bool inserted = true, got = false;
    size_t n;

    snprintf(path, sizeof(path), "%s.v4", f->path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(sqlite3_exec(db, sqlite_migrations[i], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "PRAGMA user_version = 4;"
                     "INSERT INTO people (email, name, role, created_at, updated_at, level)"
                     " VALUES ('old@example.com', 'Old Timer', 1, 1764000000000,"
                     " 1764000000000, 2);"
                     "INSERT INTO customers (email, name, created_at)"
                     " VALUES ('ann@example.com', 'Ann', 1764000000000);"
                     "INSERT INTO tickets (subject, requester_id, status, priority, tier, source,"
                     " due_at, resolve_due_at, created_at, updated_at, last_message_id,"
                     " message_count) VALUES ('Refund', 1, 1, 2, 1, 'email', 1764000001000,"
                     " 1764000002000, 1764000000000, 1764000000000, 1, 1);"
                     "INSERT INTO messages (ticket_id, kind, body, created_at)"
                     " VALUES (1, 0, 'Where is my refund?', 1764000000000);"
                     "INSERT INTO notifications (person_id, kind, subject_id, week_day, body,"
                     " created_at) VALUES (1, 'ladder.remind', 1, 20454, 'You are behind',"
                     " 1764000000000)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    ah_arena_init(&a);
    assert_ok(ah_store_open(path, false, &st, &err));
    assert_ok(ah_store_migrate(st, &from, &to, &err));
    assert_int_equal(from, 4);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_ticket_get(st, 1, &a, &t, &err));
    assert_string_equal(t.subject, "Refund");
    assert_ok(ah_store_notification_list(st, 1, 0, 10, &a, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(items[0].body, "You are behind");
    assert_int_equal(items[0].week_day, 20454);
    assert_int_equal(items[0].ref_id, 0);
    /* the unique index with ref_id still knows the old row */
    assert_ok(ah_store_notification_insert(st, &again, &inserted, &err));
    assert_false(inserted);
    again.ref_id = 7;
    assert_ok(ah_store_notification_insert(st, &again, &inserted, &err));
    assert_true(inserted);
    /* the grouper has grouped nothing yet: the old ticket waits for it */
    assert_ok(ah_store_begin(st, &err));
    assert_ok(ah_store_group_turn(st, false, &got, &upto, &docs, &err));
    ah_store_rollback(st);
    assert_true(got);
    assert_int_equal(upto, 0);
    assert_int_equal(docs, 0);
    assert_ok(ah_store_group_pending(st, 0, 10, &a, &pending, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(pending[0].subject, "Refund");
    assert_string_equal(pending[0].body, "Where is my refund?");
    assert_code(AH_E_NOT_FOUND, ah_store_group_ticket_get(st, 1, &place, &err));
    assert_ok(ah_store_intake_list(st, 0, 0, 10, &a, &intakes, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_store_kudos_list(st, 0, 0, 0, 0, 10, &a, &kudos, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_store_intake_insert(st, &in, &err));
    assert_ok(ah_store_intake_get(st, 0, 1, &a, &in, &err));
    assert_string_equal(in.filer_name, "Old Timer");
    assert_string_equal(in.ticket.subject, "Refund");
    assert_int_equal(in.ticket.priority, AH_PRIO_NORMAL);
    ah_store_close(st);
    ah_arena_release(&a);
    fx_remove_db(path);
}

static void test_store_open_missing_without_create(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *s = NULL;
    char path[320];

    snprintf(path, sizeof(path), "%s/absent.db", f->dir);
    assert_code(AH_E_UNAVAILABLE, ah_store_open(path, false, &s, &err));
    assert_null(s);
    assert_int_equal(access(path, F_OK), -1);
    /* a URL selects PostgreSQL: nothing listens on port 1, so it is unavailable */
    assert_code(AH_E_UNAVAILABLE,
                ah_store_open("postgresql://nobody@127.0.0.1:1/x", true, &s, &err));
    assert_null(s);
}

/* ---- people ---- */

static void test_store_person_duplicate_email_conflict(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person p = {.email = "ann.lee@EXAMPLE.com", .name = "Impostor", .active = true};
    struct ah_person got;
    const char *hash = NULL;
    int64_t n = 0, id;

    id = add_person(f, "Ann.Lee@example.com", "Ann Lee", AH_ROLE_PRO);
    assert_code(AH_E_CONFLICT, ah_store_person_insert(f->store, &p, NULL, &err));
    assert_non_null(strstr(err.msg, "ann.lee@EXAMPLE.com"));
    assert_ok(ah_store_person_count(f->store, &n, &err));
    assert_int_equal(n, 1);
    /* lookups ignore case too, and keep the stored spelling */
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("ANN.LEE@example.COM"), &f->arena,
                                           &got, &hash, &err));
    assert_int_equal(got.id, id);
    assert_string_equal(got.email, "Ann.Lee@example.com");
    assert_string_equal(got.name, "Ann Lee");
    assert_int_equal(got.role, AH_ROLE_PRO);
    assert_null(hash);
}

static void test_store_person_round_trip(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t boss = add_person(f, "boss@example.com", "Boss", AH_ROLE_LEAD);
    struct ah_person p = {.email = "e@example.com",
                          .name = "E",
                          .department = "Ops",
                          .manager_id = boss,
                          .role = AH_ROLE_MEMBER,
                          .leader = true,
                          .timezone = "Europe/Berlin",
                          .active = true,
                          .created_at = T0,
                          .updated_at = T0};
    struct ah_person got;
    const char *hash = NULL;

    assert_ok(ah_store_person_insert(f->store, &p, "$argon2id$fake", &err));
    assert_ok(ah_store_person_get(f->store, p.id, &f->arena, &got, &err));
    assert_string_equal(got.department, "Ops");
    assert_int_equal(got.manager_id, boss);
    assert_true(got.leader);
    assert_string_equal(got.timezone, "Europe/Berlin");
    assert_true(got.created_at == T0);
    got.role = AH_ROLE_ADMIN;
    got.active = false;
    got.updated_at = T0 + 5;
    assert_ok(ah_store_person_update(f->store, &got, &err));
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("e@example.com"), &f->arena, &got,
                                           &hash, &err));
    assert_int_equal(got.role, AH_ROLE_ADMIN);
    assert_false(got.active);
    assert_true(got.updated_at == T0 + 5);
    assert_string_equal(hash, "$argon2id$fake");
    assert_code(AH_E_NOT_FOUND, ah_store_person_get(f->store, 9999, &f->arena, &got, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_person_get_by_email(f->store, AH_STR_LIT("x@example.com"),
                                                             &f->arena, &got, NULL, &err));
}

static void test_store_person_list_pages(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person *items;
    size_t n;
    int64_t ids[5];

    for (int i = 0; i < 5; i++) {
        char email[32];

        snprintf(email, sizeof(email), "p%d@example.com", i);
        ids[i] = add_person(f, ah_arena_strdup(&f->arena, email), "P", AH_ROLE_MEMBER);
    }
    assert_ok(ah_store_person_list(f->store, 0, 2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, ids[0]);
    assert_int_equal(items[1].id, ids[1]);
    assert_ok(ah_store_person_list(f->store, ids[1], 2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, ids[2]);
    assert_ok(ah_store_person_list(f->store, ids[3], 2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, ids[4]);
    assert_ok(ah_store_person_list(f->store, ids[4], 2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
}

static void test_store_rollback_discards(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t n = -1;

    assert_ok(ah_store_begin(f->store, &err));
    add_person(f, "gone@example.com", "Gone", AH_ROLE_MEMBER);
    ah_store_rollback(f->store);
    assert_ok(ah_store_person_count(f->store, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_store_begin(f->store, &err));
    add_person(f, "kept@example.com", "Kept", AH_ROLE_MEMBER);
    assert_ok(ah_store_commit(f->store, &err));
    ah_store_rollback(f->store); /* nothing open: a no-op */
    assert_ok(ah_store_person_count(f->store, &n, &err));
    assert_int_equal(n, 1);
}

/* ---- customers ---- */

static void test_store_customer_upsert_finds_existing(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t a = add_customer(f, "Cust@Example.com", "Cust"), b = 0;
    const char *name = NULL;

    /* found case-insensitively, and the name on record wins */
    assert_ok(ah_store_customer_upsert(f->store, AH_STR_LIT("cust@example.COM"),
                                       AH_STR_LIT("Other"), T0, &f->arena, &b, &name, &err));
    assert_int_equal(a, b);
    assert_string_equal(name, "Cust");
    assert_ok(ah_store_customer_upsert(f->store, AH_STR_LIT("new@example.com"), AH_STR_NULL, T0,
                                       &f->arena, &b, &name, &err));
    assert_int_not_equal(a, b);
    assert_string_equal(name, "");
}

/* ---- tickets ---- */

struct seed {
    int64_t pro, cust, t1, t2, t3, t4;
};

/* t1 new/tier1/billing, t2 open/tier2/assigned, t3 pending/assigned, t4 closed/vip */
static void seed(struct fx *f, struct seed *s)
{
    s->pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    s->cust = add_customer(f, "cust@example.com", "Cora Customer");
    s->t1 = add_ticket(f, s->cust, "Refund please", AH_STATUS_NEW, 1, "billing", 0);
    s->t2 = add_ticket(f, s->cust, "Login broken", AH_STATUS_OPEN, 2, "billing vip", s->pro);
    s->t3 = add_ticket(f, s->cust, "Printer on fire", AH_STATUS_PENDING, 1, "", s->pro);
    s->t4 = add_ticket(f, s->cust, "Thanks", AH_STATUS_CLOSED, 1, "vip", 0);
    add_message(f, s->t1, 0, "I was charged twice", T0 + 1);
    add_message(f, s->t4, 0, "Got my refund, thanks!", T0 + 2);
}

static void test_store_ticket_insert_get(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct seed s;
    struct ah_ticket t;

    seed(f, &s);
    assert_ok(ah_store_ticket_get(f->store, s.t2, &f->arena, &t, &err));
    assert_string_equal(t.subject, "Login broken");
    assert_int_equal(t.requester_id, s.cust);
    assert_string_equal(t.requester_email, "cust@example.com");
    assert_string_equal(t.requester_name, "Cora Customer");
    assert_int_equal(t.status, AH_STATUS_OPEN);
    assert_int_equal(t.priority, AH_PRIO_NORMAL);
    assert_int_equal(t.tier, 2);
    assert_string_equal(t.tags, "billing vip");
    assert_string_equal(t.source, "api");
    assert_int_equal(t.assignee_id, s.pro);
    assert_int_equal(t.claim_until, 0);
    assert_true(t.due_at == T0 + 1000);
    assert_true(t.resolve_due_at == T0 + 2000);
    assert_int_equal(t.first_response_at, 0);
    assert_int_equal(t.message_count, 0);
    assert_code(AH_E_NOT_FOUND, ah_store_ticket_get(f->store, 424242, &f->arena, &t, &err));
    assert_non_null(strstr(err.msg, "424242"));
}

static void test_store_ticket_list_all_and_tier(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    EXPECT_LIST(f, &fl, "all", 0, s.t4, s.t3, s.t2, s.t1);
    fl.max_tier = 1;
    EXPECT_LIST(f, &fl, "max tier 1", 0, s.t4, s.t3, s.t1);
    fl = filter();
    fl.tier = 2;
    EXPECT_LIST(f, &fl, "tier 2", 0, s.t2);
    fl.tier = 1;
    EXPECT_LIST(f, &fl, "tier 1", 0, s.t4, s.t3, s.t1);
}

static void test_store_ticket_list_status_mask(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    fl.status_mask = AH_STATUS_MASK(AH_STATUS_NEW) | AH_STATUS_MASK(AH_STATUS_OPEN);
    EXPECT_LIST(f, &fl, "new|open", 0, s.t2, s.t1);
    fl.status_mask = AH_STATUS_MASK(AH_STATUS_CLOSED);
    EXPECT_LIST(f, &fl, "closed", 0, s.t4);
    fl.status_mask = AH_STATUS_MASK(AH_STATUS_SOLVED);
    EXPECT_LIST(f, &fl, "solved", 0);
}

static void test_store_ticket_list_assignee(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    fl.assignee_id = s.pro;
    EXPECT_LIST(f, &fl, "assigned to pro", 0, s.t3, s.t2);
    fl.assignee_id = -1;
    EXPECT_LIST(f, &fl, "unassigned", 0, s.t4, s.t1);
    fl.assignee_id = s.pro + 1000;
    EXPECT_LIST(f, &fl, "nobody's", 0);
}

static void test_store_ticket_list_tag(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    fl.tag = AH_STR_LIT("billing");
    EXPECT_LIST(f, &fl, "billing", 0, s.t2, s.t1);
    fl.tag = AH_STR_LIT("vip");
    EXPECT_LIST(f, &fl, "vip", 0, s.t4, s.t2);
    fl.tag = AH_STR_LIT("bill"); /* whole tags, not prefixes */
    EXPECT_LIST(f, &fl, "bill", 0);
    fl.tag = AH_STR_LIT("billing");
    fl.assignee_id = -1;
    EXPECT_LIST(f, &fl, "billing, unassigned", 0, s.t1);
}

static void index_all(struct fx *f)
{
    struct ah_error err = {0};
    bool more = true;

    while (more)
        assert_ok(ah_store_text_index(f->store, 2, &more, &err));
}

/* the indexer picks up where it stopped, in batches, and only new rows */
static void test_store_text_index_batches(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct seed s;
    struct ah_ticket_filter fl = filter();
    bool more = false;

    seed(f, &s);
    fl.query = AH_STR_LIT("\"refund\"");
    assert_ok(ah_store_text_index(f->store, 1, &more, &err));
    assert_true(more);
    index_all(f);
    assert_ok(ah_store_text_index(f->store, 1000, &more, &err));
    assert_false(more);
    EXPECT_LIST(f, &fl, "indexed once", 0, s.t4, s.t1);
    assert_ok(ah_store_checkpoint(f->store, &err));
}

static void test_store_ticket_list_fts(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    /* text is searchable once indexed, not before */
    fl.query = AH_STR_LIT("\"refund\"");
    EXPECT_LIST(f, &fl, "before indexing", 0);
    index_all(f);
    /* subject of t1, a message of t4 */
    EXPECT_LIST(f, &fl, "refund", 0, s.t4, s.t1);
    fl.query = AH_STR_LIT("\"charged\" \"twice\"");
    EXPECT_LIST(f, &fl, "charged twice", 0, s.t1);
    fl.query = AH_STR_LIT("\"PRINTER\"");
    EXPECT_LIST(f, &fl, "case-insensitive", 0, s.t3);
    fl.query = AH_STR_LIT("\"nothing-like-this\"");
    EXPECT_LIST(f, &fl, "no match", 0);
    fl.query = AH_STR_LIT("\"refund\"");
    fl.status_mask = AH_STATUS_MASK(AH_STATUS_NEW);
    EXPECT_LIST(f, &fl, "refund, new", 0, s.t1);
}

static void test_store_ticket_list_fts_syntax_error_is_an_error(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct seed s;
    struct ah_ticket_filter fl = filter();
    struct ah_ticket *items;
    size_t n;

    seed(f, &s);
    index_all(f);
    /* the domain quotes every term; a raw FTS5 syntax error is an error, not a crash */
    fl.query = AH_STR_LIT("\"unbalanced");
    assert_code(AH_E_INTERNAL, ah_store_ticket_list(f->store, &fl, &f->arena, &items, &n, &err));
    /* and the cached statement still works afterwards */
    fl.query = AH_STR_LIT("\"refund\"");
    EXPECT_LIST(f, &fl, "after an error", 0, s.t4, s.t1);
}

static void test_store_ticket_list_cursor_pages(void **state)
{
    struct fx *f = *state;
    struct seed s;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    fl.limit = 2;
    EXPECT_LIST(f, &fl, "page 1", 0, s.t4, s.t3);
    fl.before_id = s.t3;
    EXPECT_LIST(f, &fl, "page 2", 0, s.t2, s.t1);
    fl.before_id = s.t1;
    EXPECT_LIST(f, &fl, "page 3", 0);
    fl.limit = 1;
    fl.before_id = s.t4;
    fl.max_tier = 1;
    EXPECT_LIST(f, &fl, "page past a hidden ticket", 0, s.t3);
    fl.before_id = s.t3;
    EXPECT_LIST(f, &fl, "skips hidden t2", 0, s.t1);
}

static void test_store_ticket_update_and_set_tags(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct seed s;
    struct ah_ticket t;
    struct ah_ticket_filter fl = filter();

    seed(f, &s);
    assert_ok(ah_store_ticket_get(f->store, s.t1, &f->arena, &t, &err));
    t.tags = "ignored by update";
    t.status = AH_STATUS_OPEN;
    t.assignee_id = s.pro;
    t.claim_until = T0 + 60000;
    t.updated_at = T0 + 7;
    assert_ok(ah_store_ticket_update(f->store, &t, &err));
    fl.tag = AH_STR_LIT("billing");
    EXPECT_LIST(f, &fl, "update leaves tags alone", 0, s.t2, s.t1);
    assert_ok(ah_store_ticket_set_tags(f->store, s.t1, "refunds urgent-ish", &err));
    EXPECT_LIST(f, &fl, "billing after set_tags", 0, s.t2);
    fl.tag = AH_STR_LIT("urgent-ish");
    EXPECT_LIST(f, &fl, "new tag", 0, s.t1);
    assert_ok(ah_store_ticket_get(f->store, s.t1, &f->arena, &t, &err));
    assert_string_equal(t.tags, "refunds urgent-ish");
    assert_int_equal(t.status, AH_STATUS_OPEN);
    assert_int_equal(t.assignee_id, s.pro);
    assert_true(t.claim_until == T0 + 60000);
    assert_true(t.updated_at == T0 + 7);
    assert_ok(ah_store_ticket_set_tags(f->store, s.t1, "", &err));
    EXPECT_LIST(f, &fl, "tags cleared", 0);
    assert_code(AH_E_NOT_FOUND, ah_store_ticket_set_tags(f->store, 31337, "x", &err));
    t.id = 31337;
    assert_code(AH_E_NOT_FOUND, ah_store_ticket_update(f->store, &t, &err));
}

static void test_store_ticket_bad_requester_is_invalid(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_ticket t = {.subject = "x", .requester_id = 777, .tier = 1, .source = "api"};

    /* foreign keys are on: a constraint failure is AH_E_INVALID, not a crash or OK */
    assert_code(AH_E_INVALID, ah_store_ticket_insert(f->store, &t, &err));
    assert_non_null(strstr(err.msg, "ticket"));
}

/* ---- messages ---- */

static void test_store_message_insert_counts(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "c@example.com", "Cora");
    int64_t t = add_ticket(f, cust, "Help", AH_STATUS_NEW, 1, "", 0);
    int64_t m1, m2;
    struct ah_ticket got;
    struct ah_message *ms;
    size_t n;

    assert_ok(ah_store_ticket_get(f->store, t, &f->arena, &got, &err));
    assert_int_equal(got.message_count, 0);
    assert_int_equal(got.last_message_id, 0);
    m1 = add_message(f, t, 0, "first", T0 + 10);
    assert_ok(ah_store_ticket_get(f->store, t, &f->arena, &got, &err));
    assert_int_equal(got.message_count, 1);
    assert_int_equal(got.last_message_id, m1);
    assert_true(got.updated_at == T0 + 10);
    m2 = add_message(f, t, pro, "second", T0 + 20);
    assert_true(m2 > m1);
    assert_ok(ah_store_ticket_get(f->store, t, &f->arena, &got, &err));
    assert_int_equal(got.message_count, 2);
    assert_int_equal(got.last_message_id, m2);
    assert_true(got.updated_at == T0 + 20);

    assert_ok(ah_store_message_list(f->store, t, 0, 10, &f->arena, &ms, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(ms[0].id, m1);
    assert_int_equal(ms[0].kind, AH_MSG_CUSTOMER);
    assert_int_equal(ms[0].author_id, 0);
    assert_string_equal(ms[0].author_name, "Cora");
    assert_string_equal(ms[0].body, "first");
    assert_int_equal(ms[1].author_id, pro);
    assert_string_equal(ms[1].author_name, "Pat Pro");
    assert_ok(ah_store_message_list(f->store, t, m1, 10, &f->arena, &ms, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(ms[0].id, m2);
    assert_ok(ah_store_message_list(f->store, t, 0, 1, &f->arena, &ms, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(ms[0].id, m1);
}

static void test_store_message_on_missing_ticket_is_invalid(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_message m = {.ticket_id = 999, .kind = AH_MSG_NOTE, .body = "x", .created_at = T0};

    assert_code(AH_E_INVALID, ah_store_message_insert(f->store, &m, &err));
}

/* ---- credentials ---- */

static void test_store_credentials(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t who = add_person(f, "c@example.com", "Cred", AH_ROLE_MEMBER);
    struct ah_credential c = {.person_id = who,
                              .kind = AH_CRED_SESSION,
                              .name = "session",
                              .created_at = T0,
                              .expires_at = T0 + 100};
    struct ah_credential tok = {
        .person_id = who, .kind = AH_CRED_TOKEN, .name = "ci", .created_at = T0};
    struct ah_credential got, *items;
    struct ah_person p;
    size_t n;

    assert_ok(ah_store_cred_insert(f->store, &c, "hash-session", &err));
    assert_ok(ah_store_cred_insert(f->store, &tok, "hash-token", &err));
    assert_code(AH_E_CONFLICT, ah_store_cred_insert(f->store, &tok, "hash-token", &err));
    assert_ok(ah_store_cred_lookup(f->store, "hash-session", &f->arena, &got, &p, &err));
    assert_int_equal(got.id, c.id);
    assert_int_equal(got.kind, AH_CRED_SESSION);
    assert_true(got.expires_at == T0 + 100);
    assert_int_equal(p.id, who);
    assert_string_equal(p.email, "c@example.com");
    assert_code(AH_E_NOT_FOUND, ah_store_cred_lookup(f->store, "nope", &f->arena, &got, &p, &err));

    assert_ok(ah_store_cred_touch(f->store, c.id, T0 + 50, T0 + 150, &err));
    assert_ok(ah_store_cred_lookup(f->store, "hash-session", &f->arena, &got, &p, &err));
    assert_true(got.last_used_at == T0 + 50);
    assert_true(got.expires_at == T0 + 150);

    assert_ok(ah_store_cred_list(f->store, who, AH_CRED_TOKEN, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(items[0].name, "ci");
    assert_int_equal(items[0].expires_at, 0);

    /* purge drops what expired before now; tokens never expire */
    assert_ok(ah_store_cred_purge(f->store, T0 + 150, &err));
    assert_ok(ah_store_cred_lookup(f->store, "hash-session", &f->arena, &got, &p, &err));
    assert_ok(ah_store_cred_purge(f->store, T0 + 151, &err));
    assert_code(AH_E_NOT_FOUND,
                ah_store_cred_lookup(f->store, "hash-session", &f->arena, &got, &p, &err));
    assert_ok(ah_store_cred_lookup(f->store, "hash-token", &f->arena, &got, &p, &err));

    /* delete is scoped to its owner */
    assert_code(AH_E_NOT_FOUND, ah_store_cred_delete(f->store, tok.id, who + 1, &err));
    assert_ok(ah_store_cred_delete(f->store, tok.id, who, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_cred_delete(f->store, tok.id, who, &err));
}

/* ---- audit ---- */

static void test_store_audit_newest_first(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_audit_entry e1 = {.at = T0, .action = "a.one", .target = "x:1", .after = "{}"};
    struct ah_audit_entry e2 = {
        .at = T0 + 1, .action = "a.two", .target = "x:2", .before = "{\"k\":1}"};
    struct ah_audit_entry *items;
    size_t n;

    assert_ok(ah_store_audit_insert(f->store, &e1, &err));
    assert_ok(ah_store_audit_insert(f->store, &e2, &err));
    assert_ok(ah_store_audit_list(f->store, 0, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, e2.id);
    assert_string_equal(items[0].action, "a.two");
    assert_string_equal(items[0].before, "{\"k\":1}");
    assert_null(items[0].after);
    assert_int_equal(items[0].actor_id, 0);
    assert_null(items[1].before);
    assert_string_equal(items[1].after, "{}");
    assert_ok(ah_store_audit_list(f->store, e2.id, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, e1.id);
}

/* ---- what a real database refuses ---- */

static void expect_write_refused(struct fx *f)
{
    struct ah_error err = {0};
    struct ah_person p = {.email = "new@example.com", .name = "New", .active = true};
    struct ah_person got;
    int64_t n = -1;
    enum ah_err rc;

    /* reads still work */
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("old@example.com"), &f->arena, &got,
                                           NULL, &err));
    rc = ah_store_begin(f->store, &err);
    if (!rc) {
        rc = ah_store_person_insert(f->store, &p, NULL, &err);
        if (!rc)
            rc = ah_store_commit(f->store, &err);
        if (rc)
            ah_store_rollback(f->store);
    }
    assert_int_not_equal(rc, AH_OK);
    assert_int_equal(err.code, rc);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_ok(ah_store_person_count(f->store, &n, &err));
    assert_int_equal(n, 1);
}

static void test_store_readonly_file_refuses_writes(void **state)
{
    struct store_fx *sf = *state;
    struct fx *f = &sf->fx;
    struct ah_error err = {0};

    add_person(f, "old@example.com", "Old", AH_ROLE_MEMBER);
    ah_store_close(f->store);
    f->store = NULL;
    assert_int_equal(chmod(f->path, 0444), 0);
    if (geteuid() == 0) {
        /* root ignores file modes: make the file immutable instead */
        set_immutable(f->path, true);
        sf->immutable = true;
        int fd = open(f->path, O_RDWR);

        if (fd >= 0) {
            close(fd);
            skip(); /* no CAP_LINUX_IMMUTABLE here */
        }
    }
    assert_ok(ah_store_open(f->path, false, &f->store, &err));
    expect_write_refused(f);
}

static void test_store_readonly_format_refuses_writes(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    unsigned char three = 3;
    int fd;

    add_person(f, "old@example.com", "Old", AH_ROLE_MEMBER);
    ah_store_close(f->store);
    f->store = NULL;
    /* header byte 18 is the file format write version: SQLite opens a file
     * whose write version it does not know read-only (fileformat.html 1.3.3) */
    fd = open(f->path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, &three, 1, 18), 1);
    close(fd);
    assert_ok(ah_store_open(f->path, false, &f->store, &err));
    expect_write_refused(f);
}

static void test_store_write_failure_is_internal(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "c@example.com", "C");
    int64_t t = add_ticket(f, cust, "Fill", AH_STATUS_NEW, 1, "", 0);
    struct rlimit old, lim;
    struct stat st;
    struct ah_ticket got;
    char wal[320], *body = malloc(64 * 1024 + 1);
    enum ah_err rc = AH_OK;
    int i;

    for (int k = 0; k < 64 * 1024; k++)
        body[k] = k % 5 == 4 ? ' ' : "word"[k % 5];
    body[64 * 1024] = '\0';
    add_message(f, t, 0, "before", T0);
    snprintf(wal, sizeof(wal), "%s-wal", f->path);
    assert_int_equal(stat(wal, &st), 0);
    /* a file size limit stands in for a full disk: the write-ahead log
     * cannot grow past it, so a commit fails part way (EFBIG) */
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = (rlim_t)st.st_size + 300 * 1024;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    for (i = 0; i < 20 && !rc; i++) {
        struct ah_message m = {
            .ticket_id = t, .kind = AH_MSG_NOTE, .body = body, .created_at = T0 + i};

        rc = ah_store_begin(f->store, &err);
        if (!rc)
            rc = ah_store_message_insert(f->store, &m, &err);
        if (!rc)
            rc = ah_store_commit(f->store, &err);
        if (rc)
            ah_store_rollback(f->store);
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    free(body);
    assert_int_equal(rc, AH_E_INTERNAL);
    assert_int_equal(err.code, AH_E_INTERNAL);
    assert_true(i > 1 && i < 20); /* some fit, then one did not */
    /* what was committed before stays; the failed transaction left nothing */
    assert_ok(ah_store_ticket_get(f->store, t, &f->arena, &got, &err));
    assert_int_equal(got.message_count, 1 + (i - 1));
    add_message(f, t, 0, "after", T0 + 100);
}

static void test_store_busy_is_unavailable(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *other = NULL;

    assert_ok(ah_store_open(f->path, false, &other, &err));
    assert_ok(ah_store_begin(other, &err));
    /* waits out the busy timeout, then gives up: retry later, not internal */
    assert_code(AH_E_UNAVAILABLE, ah_store_begin(f->store, &err));
    assert_non_null(strstr(err.msg, "busy"));
    ah_store_rollback(other);
    ah_store_close(other);
    assert_ok(ah_store_begin(f->store, &err));
    ah_store_rollback(f->store);
}

/* ---- backup and restore ---- */

/* The path of name in the test's directory. A test removes the files it
 * makes there (fx_remove_db): teardown removes only the database. */
static void beside(const struct fx *f, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", f->dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    fclose(fp);
}

static bool file_has(const char *path, const char *text)
{
    char buf[256] = "";
    FILE *fp = fopen(path, "rb");
    size_t n;

    if (!fp)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* How many files in the test's directory have names starting with prefix. */
static int files_named(const struct fx *f, const char *prefix)
{
    DIR *d = opendir(f->dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void test_store_backup_copies_and_verifies(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    struct ah_store *copy = NULL;
    struct ah_ticket got;
    struct stat sb;
    char to[320];
    int64_t t = add_ticket(f, add_customer(f, "c@example.com", "C"), "Keep me", AH_STATUS_NEW,
                           1, "", 0);

    add_person(f, "p@example.com", "P", AH_ROLE_MEMBER);
    beside(f, "backup.db", to, sizeof(to));
    assert_ok(ah_store_backup(f->path, to, &info, &err));
    assert_int_equal(info.schema_version, ah_store_schema_version());
    assert_int_equal(user_version(to), ah_store_schema_version());
    assert_int_equal(info.tickets, 1);
    assert_int_equal(info.people, 1);
    assert_int_equal(stat(to, &sb), 0);
    assert_int_equal(info.bytes, sb.st_size);
    /* one self-contained file, no temporary or log file beside it */
    assert_int_equal(files_named(f, "backup.db"), 1);
    assert_ok(ah_store_open(to, false, &copy, &err));
    assert_ok(ah_store_ticket_get(copy, t, &f->arena, &got, &err));
    assert_string_equal(got.subject, "Keep me");
    ah_store_close(copy);
    fx_remove_db(to);
}

static void test_store_backup_leaves_out_an_open_transaction(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    int64_t cust = add_customer(f, "c@example.com", "C");
    char to[320];

    add_ticket(f, cust, "Committed", AH_STATUS_NEW, 1, "", 0);
    beside(f, "backup.db", to, sizeof(to));
    /* a writer holds the write lock: the copy neither waits for it nor sees
     * its rows */
    assert_ok(ah_store_begin(f->store, &err));
    add_ticket(f, cust, "Not yet", AH_STATUS_NEW, 1, "", 0);
    assert_ok(ah_store_backup(f->path, to, &info, &err));
    ah_store_rollback(f->store);
    assert_int_equal(info.tickets, 1);
    fx_remove_db(to);
}

static void test_store_backup_refuses(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    char to[320], missing[320], plain[320];

    beside(f, "taken.db", to, sizeof(to));
    write_file(to, "last night's backup");
    assert_code(AH_E_CONFLICT, ah_store_backup(f->path, to, &info, &err));
    assert_non_null(strstr(err.msg, "already exists"));
    assert_non_null(strstr(err.msg, "taken-1.db")); /* a free name to use */
    assert_true(file_has(to, "last night's backup"));
    assert_int_equal(files_named(f, "taken"), 1);
    unlink(to);

    beside(f, "missing.db", missing, sizeof(missing));
    assert_code(AH_E_NOT_FOUND, ah_store_backup(missing, to, &info, &err));
    beside(f, "plain.db", plain, sizeof(plain));
    write_file(plain, ""); /* an empty file is an empty SQLite database */
    sql_exec(plain, "CREATE TABLE other (x)");
    assert_code(AH_E_INVALID, ah_store_backup(plain, to, &info, &err));
    assert_non_null(strstr(err.msg, "not an allhands database"));
    assert_code(AH_E_BAD_REQUEST, ah_store_backup("postgres://h/db", to, &info, &err));
    assert_non_null(strstr(err.msg, "pg_dump"));
    assert_int_equal(access(to, F_OK), -1);
    assert_int_equal(files_named(f, "taken"), 0);
    fx_remove_db(plain);
}

static void test_store_restore_replaces_under_an_open_connection(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    struct ah_ticket got;
    char to[320];
    int64_t cust = add_customer(f, "c@example.com", "C");
    int64_t kept = add_ticket(f, cust, "Kept", AH_STATUS_NEW, 1, "", 0);
    int64_t gone;
    int from = -1, ver = -1;

    beside(f, "backup.db", to, sizeof(to));
    assert_ok(ah_store_backup(f->path, to, &info, &err));
    gone = add_ticket(f, cust, "Gone", AH_STATUS_NEW, 1, "", 0);
    assert_code(AH_E_CONFLICT, ah_store_restore(f->path, to, false, &info, &err));
    assert_ok(ah_store_ticket_get(f->store, gone, &f->arena, &got, &err));

    memset(&info, 0, sizeof(info));
    assert_ok(ah_store_restore(f->path, to, true, &info, &err));
    assert_int_equal(info.tickets, 1);
    assert_int_equal(info.schema_version, ah_store_schema_version());
    /* f->store stayed open through it, with its statements prepared */
    assert_code(AH_E_NOT_FOUND, ah_store_ticket_get(f->store, gone, &f->arena, &got, &err));
    assert_ok(ah_store_ticket_get(f->store, kept, &f->arena, &got, &err));
    assert_string_equal(got.subject, "Kept");
    assert_ok(ah_store_migrate(f->store, &from, &ver, &err));
    assert_int_equal(from, ver);
    add_ticket(f, cust, "After", AH_STATUS_NEW, 1, "", 0);
    fx_remove_db(to);
}

static void test_store_restore_to_a_new_path(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    struct ah_store *s = NULL;
    struct ah_person p;
    char to[320], fresh[320];
    int64_t id = add_person(f, "p@example.com", "Pat", AH_ROLE_PRO);

    beside(f, "backup.db", to, sizeof(to));
    beside(f, "fresh.db", fresh, sizeof(fresh));
    assert_ok(ah_store_backup(f->path, to, &info, &err));
    assert_ok(ah_store_restore(fresh, to, false, &info, &err));
    assert_int_equal(info.people, 1);
    assert_ok(ah_store_open(fresh, false, &s, &err));
    assert_ok(ah_store_person_get(s, id, &f->arena, &p, &err));
    assert_string_equal(p.name, "Pat");
    ah_store_close(s);
    fx_remove_db(fresh);
    fx_remove_db(to);
}

static void test_store_restore_refuses_bad_backups(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_backup_info info = {0};
    struct ah_ticket got;
    char garbage[320], newer[320], missing[320], fresh[320], pragma[64];
    int64_t t = add_ticket(f, add_customer(f, "c@example.com", "C"), "Stays", AH_STATUS_NEW, 1,
                           "", 0);

    beside(f, "garbage.db", garbage, sizeof(garbage));
    beside(f, "newer.db", newer, sizeof(newer));
    beside(f, "missing.db", missing, sizeof(missing));
    beside(f, "fresh.db", fresh, sizeof(fresh));
    write_file(garbage, "this is not a database, not even the start of one, honestly");
    assert_code(AH_E_INVALID, ah_store_restore(f->path, garbage, true, &info, &err));
    assert_non_null(strstr(err.msg, garbage));
    assert_code(AH_E_INVALID, ah_store_restore(fresh, garbage, false, &info, &err));
    assert_int_equal(access(fresh, F_OK), -1); /* nothing made there */

    assert_ok(ah_store_backup(f->path, newer, &info, &err));
    snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", ah_store_schema_version() + 1);
    sql_exec(newer, pragma);
    assert_code(AH_E_INVALID, ah_store_restore(f->path, newer, true, &info, &err));
    assert_non_null(strstr(err.msg, "newer than this allhands"));

    assert_code(AH_E_NOT_FOUND, ah_store_restore(f->path, missing, true, &info, &err));
    assert_code(AH_E_INVALID, ah_store_restore(f->path, f->path, true, &info, &err));
    assert_non_null(strstr(err.msg, "the database itself"));
    assert_code(AH_E_BAD_REQUEST, ah_store_restore("postgresql://h/db", newer, true, &info, &err));
    assert_non_null(strstr(err.msg, "pg_restore"));
    /* the database is as it was */
    assert_ok(ah_store_ticket_get(f->store, t, &f->arena, &got, &err));
    assert_int_equal(user_version(f->path), ah_store_schema_version());
    fx_remove_db(garbage);
    fx_remove_db(newer);
}

/* ---- levels, the policy's new fields and the reserve ---- */

static void test_store_person_level_round_trip(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person p = {.email = "lev@example.com",
                          .name = "Lev",
                          .role = AH_ROLE_MEMBER,
                          .active = true,
                          .level = AH_LEVEL_JUNIOR,
                          .created_at = T0,
                          .updated_at = T0};
    struct ah_person t = {.email = "tia@example.com",
                          .name = "Tia",
                          .role = AH_ROLE_MEMBER,
                          .active = true,
                          .level = AH_LEVEL_TRAINEE,
                          .created_at = T0,
                          .updated_at = T0};
    struct ah_credential c = {.kind = AH_CRED_TOKEN, .name = "t", .created_at = T0};
    struct ah_person got, *items;
    struct ah_credential cred;
    size_t n;

    assert_ok(ah_store_person_insert(f->store, &p, NULL, &err));
    /* the caller's level, not the column's default (tier1) */
    assert_ok(ah_store_person_insert(f->store, &t, NULL, &err));
    assert_ok(ah_store_person_get(f->store, t.id, &f->arena, &got, &err));
    assert_int_equal(got.level, AH_LEVEL_TRAINEE);
    assert_ok(ah_store_person_get(f->store, p.id, &f->arena, &got, &err));
    assert_int_equal(got.level, AH_LEVEL_JUNIOR);
    got.level = AH_LEVEL_TIER1;
    got.updated_at = T0 + 1;
    assert_ok(ah_store_person_update(f->store, &got, &err));
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("lev@example.com"), &f->arena,
                                           &got, NULL, &err));
    assert_int_equal(got.level, AH_LEVEL_TIER1);
    assert_ok(ah_store_person_list(f->store, 0, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].level, AH_LEVEL_TIER1);
    assert_int_equal(items[1].level, AH_LEVEL_TRAINEE);
    c.person_id = t.id;
    assert_ok(ah_store_cred_insert(f->store, &c, "hash-lev", &err));
    assert_ok(ah_store_cred_lookup(f->store, "hash-lev", &f->arena, &cred, &got, &err));
    assert_int_equal(got.id, t.id);
    assert_int_equal(got.level, AH_LEVEL_TRAINEE);
    assert_int_equal(got.start_day, 0);
}

static void test_store_policy_new_fields_round_trip(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t lead = add_person(f, "lead@example.com", "Lead", AH_ROLE_LEAD);
    struct ah_policy p = {.cadence = AH_CADENCE_WEEKLY,
                          .weekly_minutes = 240,
                          .weeks_per_year = 2,
                          .timezone = "Europe/Paris",
                          .week_start = 1,
                          .idle_timeout_s = 900,
                          .ladder_remind = 1,
                          .ladder_manager = 2,
                          .ladder_report = 3,
                          .max_exemption_weeks = 8,
                          .default_tier = 1,
                          .reserve_on = true,
                          .reserve_age_s = 600,
                          .review_first = 10,
                          .review_rate = 40,
                          .promote_approved = 30,
                          .promote_clean_days = 21,
                          .updated_at = T0,
                          .updated_by = lead};
    struct ah_policy got;

    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_policy_get(f->store, &f->arena, &got, &err));
    assert_int_equal(got.weekly_minutes, 240);
    assert_string_equal(got.timezone, "Europe/Paris");
    assert_int_equal(got.default_tier, 1);
    assert_true(got.reserve_on);
    assert_int_equal(got.reserve_age_s, 600);
    assert_int_equal(got.review_first, 10);
    assert_int_equal(got.review_rate, 40);
    assert_int_equal(got.promote_approved, 30);
    assert_int_equal(got.promote_clean_days, 21);
    assert_int_equal(got.updated_by, lead);
    /* the second put updates the row */
    p.default_tier = 2;
    p.reserve_on = false;
    p.reserve_age_s = 3600;
    p.review_rate = 0;
    p.promote_clean_days = 7;
    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_policy_get(f->store, &f->arena, &got, &err));
    assert_int_equal(got.default_tier, 2);
    assert_false(got.reserve_on);
    assert_int_equal(got.reserve_age_s, 3600);
    assert_int_equal(got.review_first, 10);
    assert_int_equal(got.review_rate, 0);
    assert_int_equal(got.promote_clean_days, 7);
}

static int64_t add_queued(struct fx *f, int64_t cust, int tier, int64_t due, int64_t created)
{
    struct ah_error err = {0};
    struct ah_ticket t = {.subject = "q",
                          .requester_id = cust,
                          .status = AH_STATUS_NEW,
                          .priority = AH_PRIO_NORMAL,
                          .tier = tier,
                          .source = "api",
                          .due_at = due,
                          .resolve_due_at = due + 1000,
                          .created_at = created,
                          .updated_at = created};

    assert_ok(ah_store_ticket_insert(f->store, &t, &err));
    return t.id;
}

/* Lists the queue with fl and checks the ids, in queue order. */
static void expect_queue(struct fx *f, const struct ah_queue_filter *fl, const int64_t *want,
                         size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_ticket *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_queue_list(f->store, fl, &f->arena, &items, &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu tickets, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is ticket %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_QUEUE(f, fl, what, ...)                                              \
    do {                                                                            \
        const int64_t want_[] = {__VA_ARGS__};                                      \
        expect_queue(f, fl, want_ + 1, sizeof(want_) / sizeof(want_[0]) - 1, what); \
    } while (0)

/* young tier-1 tickets wait for members: pros' queue leaves them out while
 * young_after says so; a ticket created exactly then is old enough */
static void test_store_queue_reserve_leaves_out_young_tier1(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    int64_t pro2 = add_person(f, "pro2@example.com", "Pro Two", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "cust@example.com", "Cust");
    int64_t young1 = add_queued(f, cust, 1, T0 + 1000, T0);
    int64_t young2 = add_queued(f, cust, 2, T0 + 2000, T0);
    int64_t old1 = add_queued(f, cust, 1, T0 + 3000, T0 - 120 * MINUTE);
    struct ah_queue_filter fl = {.max_tier = 2, .person_id = pro, .limit = 10};
    int64_t id = 0;

    EXPECT_QUEUE(f, &fl, "no reserve", 0, young1, young2, old1);
    fl.young_after = T0 - 30 * MINUTE;
    EXPECT_QUEUE(f, &fl, "pros, reserve", 0, young2, old1);
    fl.young_after = T0;
    EXPECT_QUEUE(f, &fl, "created at the bound", 0, young1, young2, old1);
    fl.max_tier = 1;
    fl.young_after = 0;
    EXPECT_QUEUE(f, &fl, "members", 0, young1, old1);
    fl.young_after = T0 - 30 * MINUTE;
    EXPECT_QUEUE(f, &fl, "members' statement obeys it too", 0, old1);

    fl = (struct ah_queue_filter){
        .max_tier = 2, .person_id = pro, .young_after = T0 - 30 * MINUTE, .limit = 10};
    assert_ok(ah_store_queue_claim_next(f->store, &fl, T0 + 60000, T0, &id, &err));
    assert_int_equal(id, young2);
    fl.person_id = pro2;
    assert_ok(ah_store_queue_claim_next(f->store, &fl, T0 + 60000, T0, &id, &err));
    assert_int_equal(id, old1);
    /* only the young tier-1 ticket is left, and it waits */
    assert_code(AH_E_NOT_FOUND, ah_store_queue_claim_next(f->store, &fl, T0 + 60000, T0, &id,
                                                          &err));
    fl.young_after = 0;
    assert_ok(ah_store_queue_claim_next(f->store, &fl, T0 + 60000, T0, &id, &err));
    assert_int_equal(id, young1);
}

/* ---- rule sets ---- */

static void test_store_rules_version_bump(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t v = 0;

    assert_ok(ah_store_rules_bump(f->store, "routing", &err));
    assert_ok(ah_store_rules_bump(f->store, "routing", &err));
    assert_ok(ah_store_rules_version(f->store, "routing", &v, &err));
    assert_int_equal(v, 3);
    assert_ok(ah_store_rules_version(f->store, "style", &v, &err));
    assert_int_equal(v, 1);
    assert_code(AH_E_NOT_FOUND, ah_store_rules_version(f->store, "nope", &v, &err));
    assert_non_null(strstr(err.msg, "nope"));
    assert_code(AH_E_NOT_FOUND, ah_store_rules_bump(f->store, "nope", &err));
}

static int64_t add_route(struct fx *f, const char *name, int64_t position)
{
    struct ah_error err = {0};
    struct ah_route_rule r = {.position = position,
                              .name = name,
                              .match_kind = AH_MATCH_NONE,
                              .match_in = AH_IN_BOTH,
                              .if_priority = -1,
                              .set_priority = -1,
                              .enabled = true,
                              .created_at = T0,
                              .updated_at = T0};

    assert_ok(ah_store_route_rule_insert(f->store, &r, &err));
    assert_true(r.id > 0);
    return r.id;
}

static void expect_routes(struct fx *f, const int64_t *want, size_t nwant)
{
    struct ah_error err = {0};
    struct ah_route_rule *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_route_rule_list(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(items[i].id, want[i]);
}

static void test_store_route_rules_crud_and_order(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t lead = add_person(f, "lead@example.com", "Lead", AH_ROLE_LEAD);
    struct ah_route_rule r = {.position = 2,
                              .name = "refunds",
                              .match_kind = AH_MATCH_REGEX,
                              .pattern = "refund|chargeback",
                              .match_in = AH_IN_SUBJECT,
                              .if_tag = "billing",
                              .if_source = "mail",
                              .if_domain = "example.com",
                              .if_priority = AH_PRIO_HIGH,
                              .set_tier = 2,
                              .set_priority = AH_PRIO_URGENT,
                              .add_tags = "money vip",
                              .stop = true,
                              .enabled = false,
                              .created_at = T0,
                              .updated_at = T0 + 1,
                              .updated_by = lead};
    struct ah_route_rule got;
    int64_t b, c;

    assert_ok(ah_store_route_rule_insert(f->store, &r, &err));
    b = add_route(f, "b", 1);
    c = add_route(f, "c", 1);
    expect_routes(f, (int64_t[]){b, c, r.id}, 3);

    assert_ok(ah_store_route_rule_get(f->store, r.id, &f->arena, &got, &err));
    assert_string_equal(got.name, "refunds");
    assert_int_equal(got.match_kind, AH_MATCH_REGEX);
    assert_string_equal(got.pattern, "refund|chargeback");
    assert_int_equal(got.match_in, AH_IN_SUBJECT);
    assert_string_equal(got.if_tag, "billing");
    assert_string_equal(got.if_source, "mail");
    assert_string_equal(got.if_domain, "example.com");
    assert_int_equal(got.if_priority, AH_PRIO_HIGH);
    assert_int_equal(got.set_tier, 2);
    assert_int_equal(got.set_priority, AH_PRIO_URGENT);
    assert_string_equal(got.add_tags, "money vip");
    assert_true(got.stop);
    assert_false(got.enabled);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0 + 1);
    assert_int_equal(got.updated_by, lead);
    assert_ok(ah_store_route_rule_get(f->store, b, &f->arena, &got, &err));
    assert_string_equal(got.pattern, "");
    assert_string_equal(got.if_tag, "");
    assert_int_equal(got.if_priority, -1);
    assert_int_equal(got.updated_by, 0);

    /* an update moves it first and writes every field but id and created_at */
    r.position = 0;
    r.name = "refunds first";
    r.enabled = true;
    r.if_tag = NULL;
    r.created_at = T0 + 99;
    r.updated_at = T0 + 5;
    r.updated_by = 0;
    assert_ok(ah_store_route_rule_update(f->store, &r, &err));
    expect_routes(f, (int64_t[]){r.id, b, c}, 3);
    assert_ok(ah_store_route_rule_get(f->store, r.id, &f->arena, &got, &err));
    assert_string_equal(got.name, "refunds first");
    assert_true(got.enabled);
    assert_string_equal(got.if_tag, "");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0 + 5);
    assert_int_equal(got.updated_by, 0);

    r.id = 9999;
    assert_code(AH_E_NOT_FOUND, ah_store_route_rule_update(f->store, &r, &err));
    assert_non_null(strstr(err.msg, "9999"));
    assert_ok(ah_store_route_rule_delete(f->store, b, &err));
    expect_routes(f, (int64_t[]){got.id, c}, 2);
    assert_code(AH_E_NOT_FOUND, ah_store_route_rule_delete(f->store, b, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_route_rule_get(f->store, b, &f->arena, &got, &err));
}

static struct ah_style_rule style_rule(const char *name)
{
    struct ah_style_rule r = {.name = name,
                              .kind = AH_MATCH_PHRASE,
                              .pattern = "just",
                              .severity = AH_SEV_WARN,
                              .why = "it minimizes",
                              .enabled = true,
                              .created_at = T0,
                              .updated_at = T0};

    return r;
}

static void test_store_style_rules_conflict_and_soft_delete(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t lead = add_person(f, "lead@example.com", "Lead", AH_ROLE_LEAD);
    struct ah_style_rule a = style_rule("no-just"), b = style_rule("no-sorry"), dup = a, again;
    struct ah_style_rule got, *items;
    size_t n;

    a.better = "say what you will do";
    a.levels = "trainee junior";
    a.roles = "member";
    a.tags = "vip";
    a.lifted_tags = "internal";
    a.severity = AH_SEV_BLOCK;
    a.kind = AH_MATCH_REGEX;
    a.updated_by = lead;
    assert_ok(ah_store_style_rule_insert(f->store, &a, &err));
    assert_ok(ah_store_style_rule_insert(f->store, &b, &err));
    assert_code(AH_E_CONFLICT, ah_store_style_rule_insert(f->store, &dup, &err));
    assert_non_null(strstr(err.msg, "no-just"));

    assert_ok(ah_store_style_rule_get(f->store, a.id, &f->arena, &got, &err));
    assert_string_equal(got.name, "no-just");
    assert_int_equal(got.kind, AH_MATCH_REGEX);
    assert_string_equal(got.pattern, "just");
    assert_int_equal(got.severity, AH_SEV_BLOCK);
    assert_string_equal(got.why, "it minimizes");
    assert_string_equal(got.better, "say what you will do");
    assert_string_equal(got.levels, "trainee junior");
    assert_string_equal(got.roles, "member");
    assert_string_equal(got.tags, "vip");
    assert_string_equal(got.lifted_tags, "internal");
    assert_true(got.enabled);
    assert_int_equal(got.updated_by, lead);
    assert_int_equal(got.deleted_at, 0);
    assert_ok(ah_store_style_rule_get(f->store, b.id, &f->arena, &got, &err));
    assert_string_equal(got.better, "");
    assert_string_equal(got.levels, "");

    /* renaming onto a live name is a conflict, and changes nothing */
    b.name = "no-just";
    assert_code(AH_E_CONFLICT, ah_store_style_rule_update(f->store, &b, &err));
    assert_ok(ah_store_style_rule_get(f->store, b.id, &f->arena, &got, &err));
    assert_string_equal(got.name, "no-sorry");
    b.name = "no-sorry";

    /* a deleted rule keeps its row, and frees its name */
    a.deleted_at = T0 + 10;
    a.updated_at = T0 + 10;
    assert_ok(ah_store_style_rule_update(f->store, &a, &err));
    assert_ok(ah_store_style_rule_list(f->store, false, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, b.id);
    assert_ok(ah_store_style_rule_list(f->store, true, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, a.id);
    assert_int_equal(items[0].deleted_at, T0 + 10);
    assert_int_equal(items[1].id, b.id);
    again = style_rule("no-just");
    assert_ok(ah_store_style_rule_insert(f->store, &again, &err));
    assert_true(again.id > b.id);

    a.id = 9999;
    assert_code(AH_E_NOT_FOUND, ah_store_style_rule_update(f->store, &a, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_style_rule_get(f->store, 9999, &f->arena, &got, &err));
}

static void test_store_style_hits_add_and_sum(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t p1 = add_person(f, "p1@example.com", "P1", AH_ROLE_MEMBER);
    int64_t p2 = add_person(f, "p2@example.com", "P2", AH_ROLE_PRO);
    struct ah_style_rule r1 = style_rule("r1"), r2 = style_rule("r2");
    struct ah_style_hit_row *rows;
    size_t n;

    assert_ok(ah_store_style_rule_insert(f->store, &r1, &err));
    assert_ok(ah_store_style_rule_insert(f->store, &r2, &err));
    assert_ok(ah_store_style_hits_add(f->store, r1.id, p1, 100, 2, 0, &err));
    assert_ok(ah_store_style_hits_add(f->store, r1.id, p1, 100, 1, 1, &err)); /* adds up */
    assert_ok(ah_store_style_hits_add(f->store, r1.id, p1, 101, 3, 0, &err));
    assert_ok(ah_store_style_hits_add(f->store, r2.id, p1, 100, 1, 0, &err));
    assert_ok(ah_store_style_hits_add(f->store, r1.id, p2, 101, 5, 2, &err));
    assert_ok(ah_store_style_hits_add(f->store, r1.id, p1, 102, 9, 9, &err)); /* outside */
    assert_ok(ah_store_style_hits_add(f->store, r2.id, p2, 99, 9, 9, &err));  /* outside */

    assert_ok(ah_store_style_hits_sum(f->store, 100, 101, &f->arena, &rows, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].rule_id, r1.id);
    assert_int_equal(rows[0].person_id, p1);
    assert_int_equal(rows[0].hits, 6);
    assert_int_equal(rows[0].overrides, 1);
    assert_int_equal(rows[1].rule_id, r1.id);
    assert_int_equal(rows[1].person_id, p2);
    assert_int_equal(rows[1].hits, 5);
    assert_int_equal(rows[1].overrides, 2);
    assert_int_equal(rows[2].rule_id, r2.id);
    assert_int_equal(rows[2].person_id, p1);
    assert_int_equal(rows[2].hits, 1);
    assert_int_equal(rows[2].overrides, 0);
    assert_ok(ah_store_style_hits_sum(f->store, 200, 300, &f->arena, &rows, &n, &err));
    assert_int_equal(n, 0);
}

/* ---- reply review ---- */

static int64_t add_review(struct fx *f, int64_t ticket, int64_t author, int64_t created,
                          enum ah_review_status status)
{
    struct ah_error err = {0};
    struct ah_review r = {.ticket_id = ticket,
                          .author_id = author,
                          .body = "Hello, we refunded you.",
                          .status = status,
                          .created_at = created};

    assert_ok(ah_store_review_insert(f->store, &r, &err));
    assert_true(r.id > 0);
    return r.id;
}

/* Lists reviews with fl and checks the ids against want[0..n). */
static void expect_reviews(struct fx *f, const struct ah_review_filter *fl, const int64_t *want,
                           size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_review *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_review_list(f->store, fl, &f->arena, &items, &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu reviews, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is review %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_REVIEWS(f, fl, what, ...)                                              \
    do {                                                                              \
        const int64_t want_[] = {__VA_ARGS__};                                        \
        expect_reviews(f, fl, want_ + 1, sizeof(want_) / sizeof(want_[0]) - 1, what); \
    } while (0)

static void test_store_reviews_insert_get_update_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t tia = add_person(f, "tia@example.com", "Tia Trainee", AH_ROLE_MEMBER);
    int64_t jo = add_person(f, "jo@example.com", "Jo Junior", AH_ROLE_MEMBER);
    int64_t pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "cust@example.com", "Cust");
    int64_t t1 = add_ticket(f, cust, "Refund please", AH_STATUS_OPEN, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Login broken", AH_STATUS_OPEN, 1, "", 0);
    int64_t r1 = add_review(f, t1, tia, T0 + 10, AH_REVIEW_HELD);
    int64_t r2 = add_review(f, t2, jo, T0 + 5, AH_REVIEW_HELD);
    int64_t r3 = add_review(f, t1, tia, T0 + 20, AH_REVIEW_PASSED);
    int64_t r4 = add_review(f, t2, tia, T0 + 1, AH_REVIEW_HELD);
    int64_t msg = add_message(f, t1, pro, "Hello, we refunded you today.", T0 + 30);
    struct ah_review_filter fl = {.status = -1, .limit = 10};
    struct ah_review got;

    assert_ok(ah_store_review_get(f->store, r1, &f->arena, &got, &err));
    assert_int_equal(got.ticket_id, t1);
    assert_int_equal(got.author_id, tia);
    assert_string_equal(got.body, "Hello, we refunded you.");
    assert_int_equal(got.status, AH_REVIEW_HELD);
    assert_int_equal(got.reviewer_id, 0);
    assert_null(got.final_body);
    assert_null(got.comment);
    assert_int_equal(got.message_id, 0);
    assert_int_equal(got.created_at, T0 + 10);
    assert_int_equal(got.decided_at, 0);
    assert_string_equal(got.ticket_subject, "Refund please");
    assert_string_equal(got.author_name, "Tia Trainee");
    assert_code(AH_E_NOT_FOUND, ah_store_review_get(f->store, 9999, &f->arena, &got, &err));

    got.status = AH_REVIEW_APPROVED;
    got.reviewer_id = pro;
    got.final_body = "Hello, we refunded you today.";
    got.comment = "good";
    got.message_id = msg;
    got.decided_at = T0 + 30;
    assert_ok(ah_store_review_update(f->store, &got, &err));
    assert_ok(ah_store_review_get(f->store, r1, &f->arena, &got, &err));
    assert_int_equal(got.status, AH_REVIEW_APPROVED);
    assert_int_equal(got.reviewer_id, pro);
    assert_string_equal(got.final_body, "Hello, we refunded you today.");
    assert_string_equal(got.comment, "good");
    assert_int_equal(got.message_id, msg);
    assert_int_equal(got.decided_at, T0 + 30);
    got.id = 9999;
    assert_code(AH_E_NOT_FOUND, ah_store_review_update(f->store, &got, &err));

    /* newest first, by id, paged with before_id */
    EXPECT_REVIEWS(f, &fl, "all", 0, r4, r3, r2, r1);
    fl.before_id = r3;
    EXPECT_REVIEWS(f, &fl, "before r3", 0, r2, r1);
    fl.before_id = 0;
    fl.limit = 1;
    EXPECT_REVIEWS(f, &fl, "limit", 0, r4);
    fl.limit = 10;
    /* the review queue: held, oldest first; before_id does not apply */
    fl.status = AH_REVIEW_HELD;
    fl.oldest_first = true;
    fl.before_id = 1;
    EXPECT_REVIEWS(f, &fl, "queue", 0, r4, r2);
    fl.oldest_first = false;
    fl.before_id = 0;
    EXPECT_REVIEWS(f, &fl, "held, newest first", 0, r4, r2);
    fl.status = AH_REVIEW_APPROVED;
    EXPECT_REVIEWS(f, &fl, "approved", 0, r1);
    fl.status = -1;
    fl.author_id = tia;
    EXPECT_REVIEWS(f, &fl, "tia's", 0, r4, r3, r1);
    fl.oldest_first = true;
    EXPECT_REVIEWS(f, &fl, "tia's, oldest first", 0, r4, r1, r3);
    fl.ticket_id = t1;
    EXPECT_REVIEWS(f, &fl, "tia's on t1", 0, r1, r3);
    fl.author_id = 0;
    fl.oldest_first = false;
    fl.status = AH_REVIEW_PASSED;
    EXPECT_REVIEWS(f, &fl, "passed on t1", 0, r3);
    fl.ticket_id = t2;
    EXPECT_REVIEWS(f, &fl, "passed on t2", 0);
}

/* Adds a review of author's decided by reviewer as status at decided. */
static void add_decided(struct fx *f, int64_t ticket, int64_t author, int64_t created,
                        enum ah_review_status status, int64_t reviewer, int64_t decided)
{
    struct ah_error err = {0};
    struct ah_review r = {.ticket_id = ticket,
                          .author_id = author,
                          .body = "b",
                          .status = status,
                          .reviewer_id = reviewer,
                          .comment = status == AH_REVIEW_RETURNED ? "too curt" : NULL,
                          .created_at = created,
                          .decided_at = decided};

    assert_ok(ah_store_review_insert(f->store, &r, &err));
}

static void test_store_review_stats_and_counts(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t tia = add_person(f, "tia@example.com", "Tia", AH_ROLE_MEMBER);
    int64_t jo = add_person(f, "jo@example.com", "Jo", AH_ROLE_MEMBER);
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "cust@example.com", "Cust");
    int64_t t = add_ticket(f, cust, "Help", AH_STATUS_OPEN, 1, "", 0);
    struct ah_review_stats *st;
    struct ah_review_counts c;
    size_t n;

    add_decided(f, t, tia, T0 + 1, AH_REVIEW_APPROVED, pro, T0 + 30);
    add_decided(f, t, tia, T0 + 2, AH_REVIEW_RETURNED, pro, T0 + 40);
    add_decided(f, t, tia, T0 + 3, AH_REVIEW_RETURNED, pro, T0 + 50);
    add_decided(f, t, tia, T0 + 4, AH_REVIEW_PASSED, 0, 0);
    add_decided(f, t, tia, T0 + 100, AH_REVIEW_HELD, 0, 0);
    add_decided(f, t, jo, T0 + 5, AH_REVIEW_HELD, 0, 0);

    assert_ok(ah_store_review_stats(f->store, 0, &f->arena, &st, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(st[0].author_id, tia);
    assert_int_equal(st[0].total, 5);
    assert_int_equal(st[0].approved, 1);
    assert_int_equal(st[0].returned, 2);
    assert_int_equal(st[0].last_returned_at, T0 + 50);
    assert_int_equal(st[1].author_id, jo);
    assert_int_equal(st[1].total, 1);
    assert_int_equal(st[1].approved, 0);
    assert_int_equal(st[1].returned, 0);
    assert_int_equal(st[1].last_returned_at, 0);
    assert_ok(ah_store_review_stats(f->store, jo, &f->arena, &st, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(st[0].author_id, jo);
    assert_ok(ah_store_review_stats(f->store, pro, &f->arena, &st, &n, &err));
    assert_int_equal(n, 0);

    /* [T0, T0 + 45): the return at T0 + 50 and the hold at T0 + 100 fall outside */
    assert_ok(ah_store_review_counts(f->store, pro, T0, T0 + 45, &c, &err));
    assert_int_equal(c.given, 2);
    assert_int_equal(c.held, 0);
    assert_int_equal(c.approved, 0);
    assert_int_equal(c.returned, 0);
    assert_ok(ah_store_review_counts(f->store, tia, T0, T0 + 45, &c, &err));
    assert_int_equal(c.given, 0);
    assert_int_equal(c.held, 3); /* the sampled pass was never held */
    assert_int_equal(c.approved, 1);
    assert_int_equal(c.returned, 1);
    assert_ok(ah_store_review_counts(f->store, tia, T0, T0 + 1000, &c, &err));
    assert_int_equal(c.held, 4);
    assert_int_equal(c.returned, 2);
}

/* ---- escalations, training, pairing, macros ---- */

static void test_store_escalations_count_per_person(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t p1 = add_person(f, "p1@example.com", "P1", AH_ROLE_MEMBER);
    int64_t p2 = add_person(f, "p2@example.com", "P2", AH_ROLE_MEMBER);
    int64_t cust = add_customer(f, "cust@example.com", "Cust");
    int64_t t = add_ticket(f, cust, "Help", AH_STATUS_OPEN, 1, "", 0);
    const struct {
        int64_t who, at;
    } seed[] = {{p2, T0 + 5}, {p1, T0}, {p1, T0 + 10}, {p1, T0 + 100}};
    struct ah_person_count *items;
    size_t n;

    for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
        struct ah_escalation e = {
            .ticket_id = t, .person_id = seed[i].who, .note = "billing", .created_at = seed[i].at};

        assert_ok(ah_store_escalation_insert(f->store, &e, &err));
        assert_true(e.id > 0);
    }
    assert_ok(ah_store_escalation_counts(f->store, 0, T0, T0 + 50, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].person_id, p1);
    assert_int_equal(items[0].n, 2);
    assert_int_equal(items[1].person_id, p2);
    assert_int_equal(items[1].n, 1);
    assert_ok(ah_store_escalation_counts(f->store, p2, T0, T0 + 50, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].person_id, p2);
    assert_ok(ah_store_escalation_counts(f->store, p1, T0 + 1, T0 + 10, &f->arena, &items, &n,
                                         &err));
    assert_int_equal(n, 0);
}

static int64_t add_module(struct fx *f, const char *title, int64_t position)
{
    struct ah_error err = {0};
    struct ah_module m = {.title = title,
                          .body = "# Tone\nBe kind.",
                          .position = position,
                          .level = AH_LEVEL_TRAINEE,
                          .created_at = T0,
                          .updated_at = T0};

    assert_ok(ah_store_module_insert(f->store, &m, &err));
    assert_true(m.id > 0);
    return m.id;
}

static void test_store_modules_and_completions(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t p1 = add_person(f, "p1@example.com", "P1", AH_ROLE_MEMBER);
    int64_t p2 = add_person(f, "p2@example.com", "P2", AH_ROLE_MEMBER);
    int64_t m1 = add_module(f, "Refunds", 2);
    int64_t m2 = add_module(f, "Tone", 1);
    int64_t m3 = add_module(f, "Tags", 1);
    struct ah_module got, *mods;
    struct ah_completion c = {.person_id = p1, .module_id = m1, .completed_at = T0 + 1};
    struct ah_completion *done;
    bool inserted = false;
    size_t n;

    assert_ok(ah_store_module_list(f->store, false, &f->arena, &mods, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(mods[0].id, m2);
    assert_int_equal(mods[1].id, m3);
    assert_int_equal(mods[2].id, m1);

    assert_ok(ah_store_module_get(f->store, m1, &f->arena, &got, &err));
    assert_string_equal(got.title, "Refunds");
    assert_string_equal(got.body, "# Tone\nBe kind.");
    assert_int_equal(got.level, AH_LEVEL_TRAINEE);
    assert_int_equal(got.retired_at, 0);
    got.title = "Refunds, revised";
    got.level = AH_LEVEL_JUNIOR;
    got.position = 0;
    got.updated_at = T0 + 7;
    got.retired_at = T0 + 8;
    assert_ok(ah_store_module_update(f->store, &got, &err));
    assert_ok(ah_store_module_get(f->store, m1, &f->arena, &got, &err));
    assert_string_equal(got.title, "Refunds, revised");
    assert_int_equal(got.level, AH_LEVEL_JUNIOR);
    assert_int_equal(got.updated_at, T0 + 7);
    assert_int_equal(got.retired_at, T0 + 8);
    assert_int_equal(got.created_at, T0);
    assert_ok(ah_store_module_list(f->store, false, &f->arena, &mods, &n, &err));
    assert_int_equal(n, 2);
    assert_ok(ah_store_module_list(f->store, true, &f->arena, &mods, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(mods[0].id, m1);
    got.id = 9999;
    assert_code(AH_E_NOT_FOUND, ah_store_module_update(f->store, &got, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_module_get(f->store, 9999, &f->arena, &got, &err));

    assert_ok(ah_store_completion_add(f->store, &c, &inserted, &err));
    assert_true(inserted);
    c.completed_at = T0 + 2;
    assert_ok(ah_store_completion_add(f->store, &c, &inserted, &err));
    assert_false(inserted);
    c = (struct ah_completion){.person_id = p2, .module_id = m1, .completed_at = T0 + 3};
    assert_ok(ah_store_completion_add(f->store, &c, &inserted, &err));
    c = (struct ah_completion){.person_id = p1, .module_id = m2, .completed_at = T0 + 4};
    assert_ok(ah_store_completion_add(f->store, &c, &inserted, &err));
    assert_true(inserted);
    assert_ok(ah_store_completion_list(f->store, p1, &f->arena, &done, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(done[0].module_id, m1);
    assert_int_equal(done[0].completed_at, T0 + 1); /* the first completion stands */
    assert_int_equal(done[1].module_id, m2);
    assert_ok(ah_store_completion_list(f->store, 0, &f->arena, &done, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(done[0].person_id, p1);
    assert_int_equal(done[1].person_id, p1);
    assert_int_equal(done[2].person_id, p2);
}

static int64_t add_pairing(struct fx *f, int64_t pro, int64_t member, int64_t start,
                           int64_t session)
{
    struct ah_error err = {0};
    struct ah_pairing p = {.pro_id = pro,
                           .member_id = member,
                           .started_at = start,
                           .minutes = 30,
                           .notes = session ? "refund flow" : NULL,
                           .work_session_id = session,
                           .created_at = T0};

    assert_ok(ah_store_pairing_insert(f->store, &p, &err));
    assert_true(p.id > 0);
    return p.id;
}

static void test_store_pairings_by_person_and_span(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    int64_t m1 = add_person(f, "m1@example.com", "M1", AH_ROLE_MEMBER);
    int64_t m2 = add_person(f, "m2@example.com", "M2", AH_ROLE_MEMBER);
    struct ah_work_session w = {.person_id = m1,
                                .started_at = T0 + 10,
                                .last_active_at = T0 + 10 + 30 * MINUTE,
                                .ended_at = T0 + 10 + 30 * MINUTE,
                                .source = "manual"};
    struct ah_pairing *items;
    size_t n;
    int64_t pa, pb, pc;

    assert_ok(ah_store_work_insert(f->store, &w, &err));
    pa = add_pairing(f, pro, m1, T0 + 10, w.id);
    pb = add_pairing(f, pro, m2, T0, 0);
    pc = add_pairing(f, pro, m1, T0 + 1000, 0);

    assert_ok(ah_store_pairing_list(f->store, m1, T0, T0 + 500, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, pa);
    assert_int_equal(items[0].pro_id, pro);
    assert_int_equal(items[0].member_id, m1);
    assert_int_equal(items[0].started_at, T0 + 10);
    assert_int_equal(items[0].minutes, 30);
    assert_string_equal(items[0].notes, "refund flow");
    assert_int_equal(items[0].work_session_id, w.id);
    assert_int_equal(items[0].created_at, T0);
    assert_ok(ah_store_pairing_list(f->store, pro, T0, T0 + 500, 10, &f->arena, &items, &n,
                                    &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, pb);
    assert_string_equal(items[0].notes, "");
    assert_int_equal(items[0].work_session_id, 0);
    assert_int_equal(items[1].id, pa);
    assert_ok(ah_store_pairing_list(f->store, 0, T0, T0 + 2000, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[2].id, pc);
    assert_ok(ah_store_pairing_list(f->store, 0, T0, T0 + 2000, 1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, pb);
}

static int64_t add_macro(struct fx *f, int64_t owner, const char *name)
{
    struct ah_error err = {0};
    struct ah_macro m = {
        .owner_id = owner, .name = name, .body = "Thanks for writing in.", .created_at = T0,
        .updated_at = T0};

    assert_ok(ah_store_macro_insert(f->store, &m, &err));
    assert_true(m.id > 0);
    return m.id;
}

static void test_store_macros_crud_by_name(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    int64_t a = add_macro(f, pro, "refund");
    int64_t b = add_macro(f, pro, "greeting");
    int64_t c = add_macro(f, pro, "greeting");
    struct ah_macro got, *items;
    size_t n;

    assert_ok(ah_store_macro_list(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, b);
    assert_int_equal(items[1].id, c);
    assert_int_equal(items[2].id, a);
    assert_ok(ah_store_macro_get(f->store, a, &f->arena, &got, &err));
    assert_int_equal(got.owner_id, pro);
    assert_string_equal(got.name, "refund");
    assert_string_equal(got.body, "Thanks for writing in.");
    got.name = "a refund";
    got.body = "We refunded you.";
    got.updated_at = T0 + 3;
    assert_ok(ah_store_macro_update(f->store, &got, &err));
    assert_ok(ah_store_macro_get(f->store, a, &f->arena, &got, &err));
    assert_string_equal(got.name, "a refund");
    assert_string_equal(got.body, "We refunded you.");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0 + 3);
    assert_ok(ah_store_macro_list(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(items[0].id, a);
    got.id = 9999;
    assert_code(AH_E_NOT_FOUND, ah_store_macro_update(f->store, &got, &err));
    assert_ok(ah_store_macro_delete(f->store, b, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_macro_delete(f->store, b, &err));
    assert_code(AH_E_NOT_FOUND, ah_store_macro_get(f->store, b, &f->arena, &got, &err));
    assert_ok(ah_store_macro_list(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
}

static void clock_in(struct fx *f, int64_t who, int64_t ended_at)
{
    struct ah_error err = {0};
    struct ah_work_session w = {
        .person_id = who, .started_at = T0, .last_active_at = T0, .ended_at = ended_at};

    assert_ok(ah_store_work_insert(f->store, &w, &err));
}

static void test_store_members_clocked_in(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t m1 = add_person(f, "m1@example.com", "M1", AH_ROLE_MEMBER);
    int64_t gone = add_person(f, "gone@example.com", "Gone", AH_ROLE_MEMBER);
    int64_t m3 = add_person(f, "m3@example.com", "M3", AH_ROLE_MEMBER);
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    struct ah_person p;
    int64_t n = -1;

    add_person(f, "m4@example.com", "M4", AH_ROLE_MEMBER); /* never clocked in */
    assert_ok(ah_store_members_clocked_in(f->store, &n, &err));
    assert_int_equal(n, 0);
    clock_in(f, m1, 0);
    clock_in(f, gone, 0);
    clock_in(f, m3, T0 + 1); /* clocked out */
    clock_in(f, pro, 0);     /* not a member */
    assert_ok(ah_store_person_get(f->store, gone, &f->arena, &p, &err));
    p.active = false;
    assert_ok(ah_store_person_update(f->store, &p, &err));
    assert_ok(ah_store_members_clocked_in(f->store, &n, &err));
    assert_int_equal(n, 1);
    clock_in(f, m3, 0);
    assert_ok(ah_store_members_clocked_in(f->store, &n, &err));
    assert_int_equal(n, 2);
}

/* ---- email ---- */

static void test_store_mail_ids_insert_get_duplicate(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t m = add_message(f, t, 0, "Hello", T0);
    int64_t tid = -1, mid = -1;
    bool inserted = false;

    assert_code(AH_E_NOT_FOUND, ah_store_mail_id_get(f->store, "in1@example.com", &tid, &mid,
                                                     &err));
    assert_non_null(strstr(err.msg, "in1@example.com"));
    assert_int_equal(tid, -1);
    assert_ok(ah_store_mail_id_insert(f->store, "in1@example.com", t, m, false, T0, &inserted,
                                      &err));
    assert_true(inserted);
    assert_ok(ah_store_mail_id_get(f->store, "in1@example.com", &tid, &mid, &err));
    assert_int_equal(tid, t);
    assert_int_equal(mid, m);
    /* an acknowledgement carries no message: 0 is NULL and back */
    assert_ok(ah_store_mail_id_insert(f->store, "ack1@desk.example", t, 0, true, T0 + 1,
                                      &inserted, &err));
    assert_true(inserted);
    assert_ok(ah_store_mail_id_get(f->store, "ack1@desk.example", &tid, &mid, &err));
    assert_int_equal(tid, t);
    assert_int_equal(mid, 0);
    /* known already: nothing changes */
    inserted = true;
    assert_ok(ah_store_mail_id_insert(f->store, "in1@example.com", t, 0, true, T0 + 2, &inserted,
                                      &err));
    assert_false(inserted);
    assert_ok(ah_store_mail_id_get(f->store, "in1@example.com", &tid, &mid, &err));
    assert_int_equal(mid, m);
    /* a Message-ID is compared exactly */
    assert_code(AH_E_NOT_FOUND, ah_store_mail_id_get(f->store, "IN1@example.com", &tid, &mid,
                                                     &err));
    assert_code(AH_E_INVALID, ah_store_mail_id_insert(f->store, "in2@example.com", 9999, 0, false,
                                                      T0, &inserted, &err));
}

static void add_mail_in(struct fx *f, int64_t message, const char *sender, bool new_ticket,
                        int64_t at)
{
    struct ah_error err = {0};
    struct ah_mail_in_row r = {.message_id = message,
                               .msgid = "m@example.com",
                               .sender = sender,
                               .sender_name = new_ticket ? "Sender" : NULL,
                               .quoted = new_ticket ? NULL : "> earlier",
                               .new_ticket = new_ticket,
                               .created_at = at};

    assert_ok(ah_store_mail_in_insert(f->store, &r, &err));
}

static void expect_mail_count(struct fx *f, const char *sender, int64_t since, int64_t messages,
                              int64_t opened)
{
    struct ah_error err = {0};
    int64_t got_messages = -1, got_opened = -1;

    assert_ok(ah_store_mail_in_count(f->store, sender, since, &got_messages, &got_opened, &err));
    if (got_messages != messages || got_opened != opened)
        fail_msg("%s since T0%+lld: %lld messages, %lld opened; want %lld, %lld", sender,
                 (long long)(since - T0), (long long)got_messages, (long long)got_opened,
                 (long long)messages, (long long)opened);
}

static void test_store_mail_in_count_since_and_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Login", AH_STATUS_NEW, 1, "", 0);
    int64_t m1 = add_message(f, t1, 0, "one", T0);
    int64_t m2 = add_message(f, t1, 0, "two", T0 + 10);
    int64_t m3 = add_message(f, t2, 0, "three", T0 + 20);
    int64_t m4 = add_message(f, t2, 0, "four", T0 + 30);
    struct ah_mail_in_row dup = {.message_id = m1, .msgid = "x", .sender = "x", .created_at = T0};
    struct ah_mail_in_row *rows;
    size_t n;

    add_mail_in(f, m1, "ann@example.com", true, T0);
    add_mail_in(f, m2, "ann@example.com", false, T0 + 10);
    add_mail_in(f, m4, "ann@example.com", true, T0 + 30); /* before m3: listed by message */
    add_mail_in(f, m3, "bob@example.com", true, T0 + 20);

    expect_mail_count(f, "ann@example.com", T0, 3, 2);
    expect_mail_count(f, "ann@example.com", T0 + 10, 2, 1); /* at since counts */
    expect_mail_count(f, "ann@example.com", T0 + 11, 1, 1);
    expect_mail_count(f, "ann@example.com", T0 + 30, 1, 1);
    expect_mail_count(f, "ann@example.com", T0 + 31, 0, 0);
    expect_mail_count(f, "bob@example.com", 0, 1, 1);
    expect_mail_count(f, "carol@example.com", 0, 0, 0);
    expect_mail_count(f, "ANN@example.com", 0, 0, 0); /* the caller lowers it */

    assert_ok(ah_store_mail_in_list(f->store, t1, &f->arena, &rows, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].message_id, m1);
    assert_int_equal(rows[0].ticket_id, t1);
    assert_string_equal(rows[0].msgid, "m@example.com");
    assert_string_equal(rows[0].sender, "ann@example.com");
    assert_string_equal(rows[0].sender_name, "Sender");
    assert_string_equal(rows[0].quoted, "");
    assert_true(rows[0].new_ticket);
    assert_int_equal(rows[0].created_at, T0);
    assert_int_equal(rows[1].message_id, m2);
    assert_string_equal(rows[1].sender_name, "");
    assert_string_equal(rows[1].quoted, "> earlier");
    assert_false(rows[1].new_ticket);
    assert_ok(ah_store_mail_in_list(f->store, t2, &f->arena, &rows, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].message_id, m3);
    assert_int_equal(rows[0].ticket_id, t2);
    assert_string_equal(rows[0].sender, "bob@example.com");
    assert_int_equal(rows[1].message_id, m4);
    assert_ok(ah_store_mail_in_list(f->store, 9999, &f->arena, &rows, &n, &err));
    assert_int_equal(n, 0);
    /* one mail row per message */
    assert_code(AH_E_CONFLICT, ah_store_mail_in_insert(f->store, &dup, &err));
}

static void test_store_participants_duplicate_and_order(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Login", AH_STATUS_NEW, 1, "", 0);
    struct ah_participant add[] = {
        {.ticket_id = t1, .email = "cc@example.com", .name = "Cc", .added_at = T0 + 5},
        {.ticket_id = t1, .email = "ab@example.com", .name = NULL, .added_at = T0 + 5},
        {.ticket_id = t1, .email = "zz@example.com", .name = "Zed", .added_at = T0 + 1},
        {.ticket_id = t2, .email = "cc@example.com", .name = "Cc", .added_at = T0 + 9},
    };
    struct ah_participant again = {
        .ticket_id = t1, .email = "cc@example.com", .name = "Other", .added_at = T0 + 9};
    struct ah_participant *items;
    bool inserted = false;
    size_t n;

    for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++) {
        inserted = false;
        assert_ok(ah_store_participant_add(f->store, &add[i], &inserted, &err));
        assert_true(inserted);
    }
    assert_ok(ah_store_participant_add(f->store, &again, &inserted, &err));
    assert_false(inserted);
    assert_ok(ah_store_participant_list(f->store, t1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_string_equal(items[0].email, "zz@example.com");
    assert_string_equal(items[0].name, "Zed");
    assert_int_equal(items[0].ticket_id, t1);
    assert_int_equal(items[0].added_at, T0 + 1);
    assert_string_equal(items[1].email, "ab@example.com");
    assert_string_equal(items[1].name, "");
    assert_string_equal(items[2].email, "cc@example.com");
    assert_string_equal(items[2].name, "Cc"); /* the first one stands */
    assert_int_equal(items[2].added_at, T0 + 5);
    assert_ok(ah_store_participant_list(f->store, t2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].added_at, T0 + 9);
}

static int64_t add_attachment(struct fx *f, int64_t message, const char *name, bool is_inline)
{
    struct ah_error err = {0};
    struct ah_attachment a = {
        .message_id = message,
        .sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        .name = name,
        .type = is_inline ? "image/png" : "application/pdf",
        .size = 1234,
        .content_id = is_inline ? "logo@example.com" : NULL,
        .is_inline = is_inline,
        .created_at = T0 + 7,
    };

    assert_ok(ah_store_attachment_insert(f->store, &a, &err));
    assert_true(a.id > 0);
    return a.id;
}

static void test_store_attachments_list_order_and_ticket(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Login", AH_STATUS_NEW, 1, "", 0);
    int64_t m1 = add_message(f, t1, 0, "one", T0);
    int64_t m2 = add_message(f, t1, 0, "two", T0 + 10);
    int64_t m3 = add_message(f, t2, 0, "three", T0 + 20);
    int64_t a1 = add_attachment(f, m2, "invoice.pdf", false);
    int64_t a2 = add_attachment(f, m1, "logo.png", true);
    int64_t a3 = add_attachment(f, m3, "other.pdf", false);
    int64_t a4 = add_attachment(f, m1, "receipt.pdf", false);
    struct ah_attachment got, *items;
    size_t n;

    assert_ok(ah_store_attachment_list(f->store, t1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, a2);
    assert_int_equal(items[1].id, a4);
    assert_int_equal(items[2].id, a1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(items[i].ticket_id, t1);
    assert_int_equal(items[0].message_id, m1);
    assert_string_equal(items[0].content_id, "logo@example.com");
    assert_true(items[0].is_inline);
    assert_string_equal(items[1].content_id, "");
    assert_false(items[1].is_inline);
    assert_int_equal(items[2].message_id, m2);

    assert_ok(ah_store_attachment_get(f->store, a3, &f->arena, &got, &err));
    assert_int_equal(got.id, a3);
    assert_int_equal(got.message_id, m3);
    assert_int_equal(got.ticket_id, t2);
    assert_string_equal(got.sha256,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    assert_string_equal(got.name, "other.pdf");
    assert_string_equal(got.type, "application/pdf");
    assert_int_equal(got.size, 1234);
    assert_int_equal(got.created_at, T0 + 7);
    assert_code(AH_E_NOT_FOUND, ah_store_attachment_get(f->store, 9999, &f->arena, &got, &err));
    assert_ok(ah_store_attachment_list(f->store, 9999, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
    got.message_id = 9999;
    assert_code(AH_E_INVALID, ah_store_attachment_insert(f->store, &got, &err));
}

static int64_t add_mail_out(struct fx *f, int64_t ticket, int64_t message, const char *msgid,
                            int64_t next_at)
{
    struct ah_error err = {0};
    struct ah_mail_out m = {
        .ticket_id = ticket,
        .message_id = message,
        .kind = message ? AH_MAIL_REPLY : AH_MAIL_ACK,
        .msgid = msgid,
        .mail_from = "desk@example.com",
        .rcpt = "ann@example.com cc@example.com",
        .data = "Subject: Re: Refund\r\n\r\nHello\r\n",
        .created_at = T0,
        .next_at = next_at,
    };

    assert_ok(ah_store_mail_out_insert(f->store, &m, &err));
    assert_true(m.id > 0);
    return m.id;
}

static void expect_mail_counts(struct fx *f, int64_t pending, int64_t failed)
{
    struct ah_error err = {0};
    int64_t p = -1, fl = -1;

    assert_ok(ah_store_mail_out_counts(f->store, &p, &fl, &err));
    assert_int_equal(p, pending);
    assert_int_equal(fl, failed);
}

/* Claims what is due at now with a lease of a minute, checking the ids. */
static struct ah_mail_out *claim(struct fx *f, int64_t now, int limit, const int64_t *want,
                                 size_t nwant)
{
    struct ah_error err = {0};
    struct ah_mail_out *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_mail_out_claim(f->store, now, now + MINUTE, limit, &f->arena, &items, &n,
                                      &err));
    assert_ok(ah_store_commit(f->store, &err));
    if (n != nwant)
        fail_msg("claim at T0%+lld: %zu messages, want %zu", (long long)(now - T0), n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("claim at T0%+lld: item %zu is %lld, want %lld", (long long)(now - T0), i,
                     (long long)items[i].id, (long long)want[i]);
    return items;
}

/* as EXPECT_LIST: the ids after a leading 0 */
#define CLAIM(f, now, limit, ...)                                   \
    claim(f, now, limit, (const int64_t[]){__VA_ARGS__} + 1,        \
          sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t) - 1)

static void test_store_mail_out_claim_settle_counts(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Login", AH_STATUS_NEW, 1, "", 0);
    int64_t pro = add_person(f, "pro@example.com", "Pro", AH_ROLE_PRO);
    int64_t m1 = add_message(f, t1, pro, "We refunded you.", T0);
    int64_t o1 = add_mail_out(f, t1, m1, "r1@desk.example", T0);
    int64_t o2 = add_mail_out(f, t2, 0, "ack2@desk.example", T0 + 100);
    int64_t o3 = add_mail_out(f, t1, 0, "ack1@desk.example", T0);
    struct ah_mail_out *items;
    size_t n;

    expect_mail_counts(f, 3, 0);
    CLAIM(f, T0 - 1, 10, 0); /* nothing due yet */
    items = CLAIM(f, T0, 1, 0, o1); /* oldest due first, then by id */
    assert_int_equal(items[0].ticket_id, t1);
    assert_int_equal(items[0].message_id, m1);
    assert_int_equal(items[0].kind, AH_MAIL_REPLY);
    assert_string_equal(items[0].msgid, "r1@desk.example");
    assert_string_equal(items[0].mail_from, "desk@example.com");
    assert_string_equal(items[0].rcpt, "ann@example.com cc@example.com");
    assert_string_equal(items[0].data, "Subject: Re: Refund\r\n\r\nHello\r\n");
    assert_int_equal(items[0].attempts, 1); /* the attempt it starts */
    assert_int_equal(items[0].next_at, T0 + MINUTE);
    assert_int_equal(items[0].sent_at, 0);
    assert_string_equal(items[0].last_error, "");
    items = CLAIM(f, T0, 10, 0, o3); /* o1 is taken until its lease ends */
    assert_int_equal(items[0].message_id, 0);
    assert_int_equal(items[0].kind, AH_MAIL_ACK);
    CLAIM(f, T0 + 1, 10, 0);
    CLAIM(f, T0 + 100, 10, 0, o2);
    expect_mail_counts(f, 3, 0); /* taken is still to send */

    assert_ok(ah_store_mail_out_settle(f->store, o1, T0 + 5, 0, 0, NULL, &err));
    expect_mail_counts(f, 2, 0);
    assert_ok(ah_store_mail_out_settle(f->store, o3, 0, 0, T0 + 500, "421 try later", &err));
    CLAIM(f, T0 + 499, 10, 0);
    items = CLAIM(f, T0 + 500, 10, 0, o3);
    assert_int_equal(items[0].attempts, 2);
    assert_string_equal(items[0].last_error, "421 try later");
    assert_ok(ah_store_mail_out_settle(f->store, o3, 0, T0 + 600, 0, "550 no such user", &err));
    expect_mail_counts(f, 1, 1);
    /* settled stays settled */
    assert_ok(ah_store_mail_out_settle(f->store, o1, 0, T0 + 700, 0, "late", &err));
    expect_mail_counts(f, 1, 1);
    CLAIM(f, T0 + 1000 * MINUTE, 10, 0, o2); /* neither the sent nor the failed */

    assert_ok(ah_store_mail_out_list(f->store, t1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, o1);
    assert_string_equal(items[0].data, "");
    assert_string_equal(items[0].msgid, "r1@desk.example");
    assert_string_equal(items[0].rcpt, "ann@example.com cc@example.com");
    assert_int_equal(items[0].attempts, 1);
    assert_int_equal(items[0].sent_at, T0 + 5);
    assert_int_equal(items[0].failed_at, 0);
    assert_string_equal(items[0].last_error, "");
    assert_int_equal(items[0].created_at, T0);
    assert_int_equal(items[1].id, o3);
    assert_string_equal(items[1].data, "");
    assert_int_equal(items[1].attempts, 2);
    assert_int_equal(items[1].sent_at, 0);
    assert_int_equal(items[1].failed_at, T0 + 600);
    assert_string_equal(items[1].last_error, "550 no such user");
    assert_ok(ah_store_mail_out_list(f->store, t2, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, o2);
    assert_int_equal(items[0].attempts, 2);
    assert_ok(ah_store_mail_out_list(f->store, 9999, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
}

/* Copies f's database into a new file beside it with `allhands copy`'s
 * ah_copy_run, checks both match table by table, and returns the copy open. */
static struct ah_store *copy_of(struct fx *f, const char *name, char *path, size_t size)
{
    struct ah_error err = {0};
    struct ah_store *dst = NULL;
    struct ah_copy_check checks[64];
    bool all_ok = false;

    assert_true(ah_store_ntables <= sizeof(checks) / sizeof(checks[0]));
    snprintf(path, size, "%s.%s", f->path, name);
    assert_ok(ah_crypto_init(&err));
    assert_ok(ah_store_open(path, true, &dst, &err));
    assert_ok(ah_copy_run(f->store, dst, NULL, NULL, &err));
    assert_ok(ah_copy_verify(f->store, dst, checks, &all_ok, &err));
    for (size_t i = 0; i < ah_store_ntables; i++)
        if (!checks[i].ok)
            fail_msg("%s: %lld rows, copied %lld", checks[i].table,
                     (long long)checks[i].src_rows, (long long)checks[i].dst_rows);
    assert_true(all_ok);
    return dst;
}

/* The mail tables copy whole: more Message-IDs than a batch, read in pages
 * by their text key (bytewise: "Z" before "a"), a NULL message, and ids
 * that go on counting in the copy. */
static void test_store_copy_moves_mail_tables(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t m = add_message(f, t, 0, "Hello", T0);
    struct ah_participant p = {.ticket_id = t, .email = "cc@example.com", .added_at = T0};
    struct ah_attachment more = {
        .message_id = m, .sha256 = "00", .name = "b", .type = "t", .created_at = T0};
    struct ah_store *dst;
    struct ah_mail_out *out;
    char path[400], msgid[64];
    int64_t tid = -1, mid = -1, count = -1, a1, o1;
    bool inserted = false;
    size_t n;

    assert_ok(ah_store_begin(f->store, &err));
    for (int i = 0; i < AH_COPY_BATCH + 5; i++) {
        snprintf(msgid, sizeof(msgid), "%c%04d@example.com", i % 2 ? 'Z' : 'a', i);
        assert_ok(ah_store_mail_id_insert(f->store, msgid, t, i % 3 ? m : 0, i % 2, T0, &inserted,
                                          &err));
    }
    assert_ok(ah_store_commit(f->store, &err));
    add_mail_in(f, m, "ann@example.com", true, T0);
    assert_ok(ah_store_participant_add(f->store, &p, &inserted, &err));
    a1 = add_attachment(f, m, "logo.png", true);
    o1 = add_mail_out(f, t, 0, "ack@desk.example", T0);
    assert_ok(ah_store_mail_out_settle(f->store, o1, 0, T0 + 1, 0, "550 gone", &err));

    dst = copy_of(f, "copy", path, sizeof(path));
    for (size_t i = 0; i < ah_store_ntables; i++)
        if (strcmp(ah_store_tables[i].name, "mail_ids") == 0)
            assert_ok(ah_store_table_count(dst, &ah_store_tables[i], &count, &err));
    assert_int_equal(count, AH_COPY_BATCH + 5); /* the checksums read by page too */
    assert_ok(ah_store_mail_id_get(dst, "Z0001@example.com", &tid, &mid, &err));
    assert_int_equal(tid, t);
    assert_int_equal(mid, m);
    assert_ok(ah_store_mail_id_get(dst, "a0006@example.com", &tid, &mid, &err));
    assert_int_equal(mid, 0);
    assert_ok(ah_store_mail_out_list(dst, t, &f->arena, &out, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(out[0].failed_at, T0 + 1);
    assert_string_equal(out[0].last_error, "550 gone");
    assert_ok(ah_store_attachment_insert(dst, &more, &err));
    assert_true(more.id > a1);
    ah_store_close(dst);
    fx_remove_db(path);
}

/* ---- repeated questions and fixes ---- */

static int64_t add_fix(struct fx *f, int64_t owner, const char *title, int64_t at)
{
    struct ah_error err = {0};
    struct ah_fix x = {.title = title, .url = "https://issues.example/1", .owner_id = owner,
                       .created_at = at, .updated_at = at};

    assert_ok(ah_store_fix_insert(f->store, &x, &err));
    assert_true(x.id > 0);
    return x.id;
}

static int64_t add_group(struct fx *f, const char *name, int64_t size, enum ah_qgroup_status st,
                         int64_t fix)
{
    struct ah_error err = {0};
    struct ah_qgroup g = {.name = name, .status = st, .fix_id = fix, .size = size,
                          .centroid = "1:0.5", .first_at = T0, .last_at = T0 + size,
                          .created_at = T0, .updated_at = T0};

    assert_ok(ah_store_group_insert(f->store, &g, &err));
    assert_true(g.id > 0);
    return g.id;
}

static void put_place(struct fx *f, int64_t ticket, int64_t group, double score, int64_t by)
{
    struct ah_error err = {0};
    struct ah_qgroup_ticket p = {.ticket_id = ticket, .group_id = group, .score = score,
                                 .after_fix = by != 0, .joined_at = T0 + ticket,
                                 .moved_by = by};

    assert_ok(ah_store_group_ticket_put(f->store, &p, &err));
}

/* Lists groups with fl and checks their ids against want[0..n). */
static void expect_groups(struct fx *f, const struct ah_qgroup_filter *fl, const int64_t *want,
                          size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_qgroup *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_group_list(f->store, fl, &f->arena, &items, &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu groups, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is group %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_GROUPS(f, fl, what, ...)                                              \
    do {                                                                             \
        const int64_t want_[] = {__VA_ARGS__};                                       \
        expect_groups(f, fl, want_ + 1, sizeof(want_) / sizeof(want_[0]) - 1, what); \
    } while (0)

/* The same (person, kind, subject, week) may be told once per thing it is
 * about: ref_id is part of what makes a notification the same. */
static void test_store_notification_once_per_ref(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t owner = add_person(f, "owner@example.com", "Owner", AH_ROLE_PRO);
    struct ah_notification nt = {.person_id = owner, .kind = "fix.after", .week_day = 20454,
                                 .ref_id = 3, .body = "still asked", .created_at = T0};
    struct ah_notification *items;
    bool inserted = false;
    int64_t first;
    size_t n;

    assert_ok(ah_store_notification_insert(f->store, &nt, &inserted, &err));
    assert_true(inserted);
    first = nt.id;
    nt.id = 0;
    assert_ok(ah_store_notification_insert(f->store, &nt, &inserted, &err));
    assert_false(inserted);
    assert_int_equal(nt.id, 0);
    nt.ref_id = 4;
    assert_ok(ah_store_notification_insert(f->store, &nt, &inserted, &err));
    assert_true(inserted);
    assert_true(nt.id > first);
    nt.ref_id = 0;
    assert_ok(ah_store_notification_insert(f->store, &nt, &inserted, &err));
    assert_true(inserted);
    assert_ok(ah_store_notification_list(f->store, owner, 0, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].ref_id, 0);
    assert_int_equal(items[1].ref_id, 4);
    assert_int_equal(items[2].ref_id, 3);
    assert_int_equal(items[2].id, first);
    assert_string_equal(items[2].kind, "fix.after");
}

/* The grouper's place survives its transaction; tickets to group come in id
 * order with their first customer message, cut by characters. */
static void test_store_group_turn_and_pending(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "No words", AH_STATUS_NEW, 1, "", 0);
    int64_t t3 = add_ticket(f, cust, "Long", AH_STATUS_NEW, 1, "", 0);
    int64_t t4 = add_ticket(f, cust, "Staff first", AH_STATUS_NEW, 1, "", 0);
    struct ah_qgroup_input *items;
    struct ah_buf longer;
    int64_t upto = -1, docs = -1;
    bool got = false;
    size_t n;

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_turn(f->store, true, &got, &upto, &docs, &err));
    assert_true(got);
    assert_int_equal(upto, 0);
    assert_int_equal(docs, 0);
    assert_ok(ah_store_group_turn_end(f->store, t2, 2, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_turn(f->store, false, &got, &upto, &docs, &err));
    ah_store_rollback(f->store);
    assert_int_equal(upto, t2);
    assert_int_equal(docs, 2);

    add_message(f, t1, 0, "I was charged twice", T0 + 1);
    add_message(f, t1, pro, "Refunded", T0 + 2);
    add_message(f, t1, 0, "Thanks", T0 + 3);
    /* 'é' is two bytes: the cut counts characters */
    ah_buf_init(&longer, 3 * AH_QGROUP_TEXT_MAX);
    for (int i = 0; i < AH_QGROUP_TEXT_MAX + 10; i++)
        assert_ok(ah_buf_appends(&longer, "\xc3\xa9", &err));
    add_message(f, t3, 0, ah_buf_cstr(&longer), T0 + 4);
    ah_buf_release(&longer);
    add_message(f, t4, pro, "Hello from us", T0 + 5);
    add_message(f, t4, 0, "Hello from me", T0 + 6);

    assert_ok(ah_store_group_pending(f->store, 0, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 4);
    assert_int_equal(items[0].ticket_id, t1);
    assert_string_equal(items[0].subject, "Refund");
    assert_string_equal(items[0].body, "I was charged twice");
    assert_int_equal(items[0].created_at, T0);
    assert_int_equal(items[1].ticket_id, t2);
    assert_string_equal(items[1].body, "");
    assert_int_equal(strlen(items[2].body), 2 * AH_QGROUP_TEXT_MAX);
    assert_string_equal(items[3].body, "Hello from me");
    assert_ok(ah_store_group_pending(f->store, t2, 1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].ticket_id, t3);
    assert_ok(ah_store_group_pending(f->store, t4, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
}

/* df counts up once per call; a word replaces the old one only when given. */
static void test_store_terms_df_upsert_and_words(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    const int64_t terms[] = {11, -22, 33};
    const char *const first[] = {"refund", NULL, "charg"};
    const char *const second[] = {"", "login", NULL};
    const int64_t ask[] = {11, -22, 33, 99};
    int64_t df[4] = {-1, -1, -1, -1};
    const char *words[4] = {NULL};

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_term_add(f->store, terms, first, 3, &err));
    assert_ok(ah_store_term_add(f->store, terms, second, 2, &err));
    assert_ok(ah_store_term_add(f->store, terms, NULL, 1, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_term_df(f->store, ask, 4, df, &err));
    assert_int_equal(df[0], 3);
    assert_int_equal(df[1], 2);
    assert_int_equal(df[2], 1);
    assert_int_equal(df[3], 0);
    assert_ok(ah_store_term_words(f->store, ask, 4, &f->arena, words, &err));
    assert_string_equal(words[0], "refund");
    assert_string_equal(words[1], "login");
    assert_string_equal(words[2], "charg");
    assert_string_equal(words[3], "");
    assert_ok(ah_store_term_df(f->store, ask, 0, df, &err));
}

/* A term's postings come heaviest first (ties by group), at most per_term
 * of them, every term's in one array; putting a group's terms replaces them. */
static void test_store_group_postings_order_and_replace(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t g1 = add_group(f, "refunds", 3, AH_QGROUP_OPEN, 0);
    int64_t g2 = add_group(f, "login", 2, AH_QGROUP_OPEN, 0);
    int64_t g3 = add_group(f, "billing", 1, AH_QGROUP_OPEN, 0);
    const int64_t t1_t2[] = {1, 2}, t1[] = {1}, t3[] = {3};
    const double w1[] = {0.5, 0.2}, w2[] = {0.9}, w3[] = {0.5}, w4[] = {0.125};
    const int64_t ask[] = {1, 2, 404};
    struct ah_qgroup_posting *p;
    size_t n;

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_terms_put(f->store, g1, t1_t2, w1, 2, &err));
    assert_ok(ah_store_group_terms_put(f->store, g3, t1, w3, 1, &err));
    assert_ok(ah_store_group_terms_put(f->store, g2, t1, w2, 1, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_group_postings(f->store, ask, 3, 2, &f->arena, &p, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(p[0].term, 1);
    assert_int_equal(p[0].group_id, g2);
    assert_true(p[0].weight == 0.9);
    assert_int_equal(p[1].group_id, g1); /* 0.5 as g3, the lower id */
    assert_true(p[1].weight == 0.5);
    assert_int_equal(p[2].term, 2);
    assert_int_equal(p[2].group_id, g1);
    assert_true(p[2].weight == 0.2);
    assert_ok(ah_store_group_postings(f->store, ask, 1, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(p[2].group_id, g3);

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_terms_put(f->store, g1, t3, w4, 1, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_group_postings(f->store, ask, 2, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(p[0].group_id, g2);
    assert_int_equal(p[1].group_id, g3);
    assert_ok(ah_store_group_postings(f->store, t3, 1, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 1);
    assert_true(p[0].weight == 0.125);
    assert_ok(ah_store_group_postings(f->store, ask, 0, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 0);
}

/* A group reads back as written with its fix and the fix's owner; a
 * missing one loads as id 0; an update writes every field. */
static void test_store_group_insert_load_update(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t owner = add_person(f, "owner@example.com", "Olive Owner", AH_ROLE_PRO);
    int64_t fix = add_fix(f, owner, "Refund button", T0);
    int64_t g1 = add_group(f, "refunds", 3, AH_QGROUP_OPEN, fix);
    int64_t g2 = add_group(f, "more refunds", 1, AH_QGROUP_OPEN, 0);
    const int64_t ids[] = {g2, 4242, g1};
    struct ah_qgroup out[3], g;

    assert_ok(ah_store_group_load(f->store, ids, 3, &f->arena, out, &err));
    assert_int_equal(out[0].id, g2);
    assert_string_equal(out[0].name, "more refunds");
    assert_int_equal(out[0].fix_id, 0);
    assert_int_equal(out[0].fix.id, 0);
    assert_string_equal(out[0].fix.title, "");
    assert_int_equal(out[1].id, 0);
    assert_int_equal(out[2].id, g1);
    assert_false(out[2].named);
    assert_int_equal(out[2].status, AH_QGROUP_OPEN);
    assert_int_equal(out[2].size, 3);
    assert_string_equal(out[2].centroid, "1:0.5");
    assert_int_equal(out[2].first_at, T0);
    assert_int_equal(out[2].last_at, T0 + 3);
    assert_int_equal(out[2].fix_id, fix);
    assert_int_equal(out[2].fix.id, fix);
    assert_string_equal(out[2].fix.title, "Refund button");
    assert_string_equal(out[2].fix.url, "https://issues.example/1");
    assert_int_equal(out[2].fix.owner_id, owner);
    assert_string_equal(out[2].fix.owner_name, "Olive Owner");
    assert_int_equal(out[2].fix.state, AH_FIX_OPEN);

    g = out[0];
    g.name = "refunds too";
    g.named = true;
    g.status = AH_QGROUP_MERGED;
    g.merged_into = g1;
    g.fix_id = fix;
    g.size = 0;
    g.after_fix = 2;
    g.centroid = "";
    g.first_at = T0 + 1;
    g.last_at = T0 + 9;
    g.created_at = T0 + 100; /* not written */
    g.updated_at = T0 + 10;
    assert_ok(ah_store_group_update(f->store, &g, &err));
    assert_ok(ah_store_group_load(f->store, &g2, 1, &f->arena, out, &err));
    assert_string_equal(out[0].name, "refunds too");
    assert_true(out[0].named);
    assert_int_equal(out[0].status, AH_QGROUP_MERGED);
    assert_int_equal(out[0].merged_into, g1);
    assert_int_equal(out[0].fix.id, fix);
    assert_int_equal(out[0].size, 0);
    assert_int_equal(out[0].after_fix, 2);
    assert_string_equal(out[0].centroid, "");
    assert_int_equal(out[0].first_at, T0 + 1);
    assert_int_equal(out[0].last_at, T0 + 9);
    assert_int_equal(out[0].created_at, T0);
    assert_int_equal(out[0].updated_at, T0 + 10);
    g.merged_into = 0;
    g.fix_id = 0;
    assert_ok(ah_store_group_update(f->store, &g, &err));
    assert_ok(ah_store_group_load(f->store, &g2, 1, &f->arena, out, &err));
    assert_int_equal(out[0].merged_into, 0);
    assert_int_equal(out[0].fix.id, 0);
    g.id = 4242;
    assert_code(AH_E_NOT_FOUND, ah_store_group_update(f->store, &g, &err));
    assert_non_null(strstr(err.msg, "4242"));
    g.id = g2;
    g.fix_id = 999;
    assert_code(AH_E_INVALID, ah_store_group_update(f->store, &g, &err));
}

/* Biggest first, then oldest; merged ones only when asked for; by the fix's
 * owner, by fix; in pages. */
static void test_store_group_list_order_and_filters(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t olive = add_person(f, "olive@example.com", "Olive", AH_ROLE_PRO);
    int64_t pat = add_person(f, "pat@example.com", "Pat", AH_ROLE_PRO);
    int64_t fx1 = add_fix(f, olive, "Refund button", T0);
    int64_t fx2 = add_fix(f, pat, "Login page", T0);
    int64_t a = add_group(f, "a", 5, AH_QGROUP_OPEN, fx1);
    int64_t b = add_group(f, "b", 9, AH_QGROUP_OPEN, 0);
    int64_t c = add_group(f, "c", 5, AH_QGROUP_NOT_PRODUCT, fx2);
    int64_t d = add_group(f, "d", 20, AH_QGROUP_MERGED, fx1);
    int64_t e = add_group(f, "e", 1, AH_QGROUP_OPEN, fx1);
    struct ah_qgroup_filter fl = {.status = -1, .limit = 50};
    struct ah_qgroup *items;
    size_t n;

    EXPECT_GROUPS(f, &fl, "not merged", 0, b, a, c, e);
    assert_ok(ah_store_group_list(f->store, &fl, &f->arena, &items, &n, &err));
    assert_string_equal(items[1].fix.title, "Refund button");
    assert_string_equal(items[1].fix.owner_name, "Olive");
    assert_int_equal(items[0].fix.id, 0);
    fl.status = AH_QGROUP_OPEN;
    EXPECT_GROUPS(f, &fl, "open", 0, b, a, e);
    fl.status = AH_QGROUP_NOT_PRODUCT;
    EXPECT_GROUPS(f, &fl, "not a product", 0, c);
    fl.status = AH_QGROUP_MERGED;
    EXPECT_GROUPS(f, &fl, "merged", 0, d);
    fl.status = -1;
    fl.owner_id = olive;
    EXPECT_GROUPS(f, &fl, "olive's", 0, a, e);
    fl.owner_id = pat;
    EXPECT_GROUPS(f, &fl, "pat's", 0, c);
    fl.owner_id = 0;
    fl.fix_id = fx1;
    EXPECT_GROUPS(f, &fl, "fix 1", 0, a, e);
    fl.status = AH_QGROUP_MERGED;
    EXPECT_GROUPS(f, &fl, "fix 1 merged", 0, d);
    fl.status = -1;
    fl.fix_id = 0;
    fl.limit = 2;
    EXPECT_GROUPS(f, &fl, "page 1", 0, b, a);
    fl.offset = 2;
    EXPECT_GROUPS(f, &fl, "page 2", 0, c, e);
    fl.offset = 4;
    EXPECT_GROUPS(f, &fl, "past the end", 0);
}

/* A ticket's place: put twice is one row, the second's; who moved it reads
 * back; a ticket not grouped is NOT_FOUND naming it. */
static void test_store_group_ticket_put_get(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t g1 = add_group(f, "one", 1, AH_QGROUP_OPEN, 0);
    int64_t g2 = add_group(f, "two", 1, AH_QGROUP_OPEN, 0);
    struct ah_qgroup_ticket p;

    assert_code(AH_E_NOT_FOUND, ah_store_group_ticket_get(f->store, t, &p, &err));
    assert_non_null(strstr(err.msg, "is not grouped"));
    put_place(f, t, g1, 0.75, 0);
    assert_ok(ah_store_group_ticket_get(f->store, t, &p, &err));
    assert_int_equal(p.group_id, g1);
    assert_true(p.score == 0.75);
    assert_false(p.after_fix);
    assert_int_equal(p.joined_at, T0 + t);
    assert_int_equal(p.moved_by, 0);
    put_place(f, t, g2, 1.0, pro);
    assert_ok(ah_store_group_ticket_get(f->store, t, &p, &err));
    assert_int_equal(p.ticket_id, t);
    assert_int_equal(p.group_id, g2);
    assert_true(p.score == 1.0);
    assert_true(p.after_fix);
    assert_int_equal(p.moved_by, pro);
    p.group_id = 4242;
    assert_code(AH_E_INVALID, ah_store_group_ticket_put(f->store, &p, &err));
}

/* A group's tickets, newest first, with each filter. */
static void test_store_group_members_filters(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "One", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Two", AH_STATUS_SOLVED, 1, "", 0);
    int64_t t3 = add_ticket(f, cust, "Three", AH_STATUS_PENDING, 2, "", 0);
    int64_t t4 = add_ticket(f, cust, "Four", AH_STATUS_OPEN, 1, "", 0);
    int64_t other = add_ticket(f, cust, "Other", AH_STATUS_OPEN, 1, "", 0);
    int64_t g = add_group(f, "g", 4, AH_QGROUP_OPEN, 0);
    int64_t h = add_group(f, "h", 1, AH_QGROUP_OPEN, 0);
    struct ah_qgroup_member_filter fl = {.limit = 10};
    struct ah_qgroup_member *m;
    size_t n;

    put_place(f, t1, g, 0.5, 0);
    put_place(f, t2, g, 0.25, 0);
    put_place(f, t3, g, 0.75, 0);
    put_place(f, t4, g, 1.0, 0);
    put_place(f, other, h, 1.0, 0);
    assert_ok(ah_store_group_members(f->store, g, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 4);
    assert_int_equal(m[0].ticket_id, t4);
    assert_int_equal(m[3].ticket_id, t1);
    assert_string_equal(m[1].subject, "Three");
    assert_int_equal(m[1].status, AH_STATUS_PENDING);
    assert_int_equal(m[1].tier, 2);
    assert_int_equal(m[1].created_at, T0);
    assert_true(m[1].score == 0.75);
    assert_false(m[1].after_fix);
    fl.open_only = true;
    assert_ok(ah_store_group_members(f->store, g, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(m[2].ticket_id, t1);
    fl.max_tier = 1;
    assert_ok(ah_store_group_members(f->store, g, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(m[0].ticket_id, t4);
    assert_int_equal(m[1].ticket_id, t1);
    fl.exclude_id = t4;
    assert_ok(ah_store_group_members(f->store, g, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(m[0].ticket_id, t1);
    fl = (struct ah_qgroup_member_filter){.before_id = t3, .limit = 1};
    assert_ok(ah_store_group_members(f->store, g, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(m[0].ticket_id, t2);
}

/* Weekly counts add up, also below zero; read for some groups in a span,
 * by group then week, each group once. */
static void test_store_group_weeks_add_and_span(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t g1 = add_group(f, "one", 1, AH_QGROUP_OPEN, 0);
    int64_t g2 = add_group(f, "two", 1, AH_QGROUP_OPEN, 0);
    int64_t g3 = add_group(f, "three", 1, AH_QGROUP_OPEN, 0);
    const int64_t ids[] = {g3, g2, g1, g2};
    struct ah_qgroup_week *w;
    size_t n;

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, 100, 1, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, 100, 2, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, 93, 4, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, 107, 1, &err));
    assert_ok(ah_store_group_week_add(f->store, g2, 100, 5, &err));
    assert_ok(ah_store_group_week_add(f->store, g2, 100, -1, &err));
    assert_ok(ah_store_group_week_add(f->store, g3, 86, 7, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_group_weeks(f->store, ids, 4, 93, 107, &f->arena, &w, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(w[0].group_id, g1);
    assert_int_equal(w[0].week_day, 93);
    assert_int_equal(w[0].n, 4);
    assert_int_equal(w[1].group_id, g1);
    assert_int_equal(w[1].week_day, 100);
    assert_int_equal(w[1].n, 3);
    assert_int_equal(w[2].group_id, g2);
    assert_int_equal(w[2].n, 4);
    assert_ok(ah_store_group_weeks(f->store, ids, 0, 0, 1000, &f->arena, &w, &n, &err));
    assert_int_equal(n, 0);
}

/* Merging moves the tickets and adds the weeks into the group kept; the
 * merged group's postings go and the kept group's stay. */
static void test_store_group_move_all(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "One", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Two", AH_STATUS_NEW, 1, "", 0);
    int64_t t3 = add_ticket(f, cust, "Three", AH_STATUS_NEW, 1, "", 0);
    int64_t from = add_group(f, "from", 2, AH_QGROUP_OPEN, 0);
    int64_t into = add_group(f, "into", 1, AH_QGROUP_OPEN, 0);
    const int64_t ids[] = {from, into}, term[] = {5};
    const double weight[] = {0.5};
    struct ah_qgroup_member_filter fl = {.limit = 10};
    struct ah_qgroup_member *m;
    struct ah_qgroup_posting *p;
    struct ah_qgroup_week *w;
    struct ah_qgroup_ticket place;
    size_t n;

    put_place(f, t1, from, 0.5, 0);
    put_place(f, t2, from, 0.5, 0);
    put_place(f, t3, into, 0.5, 0);
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_week_add(f->store, from, 100, 2, &err));
    assert_ok(ah_store_group_week_add(f->store, from, 107, 1, &err));
    assert_ok(ah_store_group_week_add(f->store, into, 100, 1, &err));
    assert_ok(ah_store_group_terms_put(f->store, from, term, weight, 1, &err));
    assert_ok(ah_store_group_terms_put(f->store, into, term, weight, 1, &err));
    assert_ok(ah_store_group_move_all(f->store, from, into, &err));
    assert_ok(ah_store_commit(f->store, &err));

    assert_ok(ah_store_group_members(f->store, into, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 3);
    assert_ok(ah_store_group_members(f->store, from, &fl, &f->arena, &m, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_store_group_ticket_get(f->store, t1, &place, &err));
    assert_int_equal(place.group_id, into);
    assert_ok(ah_store_group_weeks(f->store, ids, 2, 0, 1000, &f->arena, &w, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(w[0].group_id, into);
    assert_int_equal(w[0].week_day, 100);
    assert_int_equal(w[0].n, 3);
    assert_int_equal(w[1].week_day, 107);
    assert_int_equal(w[1].n, 1);
    assert_ok(ah_store_group_postings(f->store, term, 1, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(p[0].group_id, into);
    assert_code(AH_E_INVALID, ah_store_group_move_all(f->store, into, into, &err));
}

/* Who replied on a group's tickets: notes, customers' messages and other
 * groups' tickets do not count; most tickets first, then by name. */
static void test_store_group_answerers(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t zed = add_person(f, "zed@example.com", "Zed", AH_ROLE_PRO);
    int64_t amy = add_person(f, "amy@example.com", "Amy", AH_ROLE_MEMBER);
    int64_t bob = add_person(f, "bob@example.com", "Bob", AH_ROLE_MEMBER);
    int64_t noter = add_person(f, "noter@example.com", "Noter", AH_ROLE_LEAD);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "One", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Two", AH_STATUS_NEW, 1, "", 0);
    int64_t t3 = add_ticket(f, cust, "Elsewhere", AH_STATUS_NEW, 1, "", 0);
    int64_t g = add_group(f, "g", 2, AH_QGROUP_OPEN, 0);
    int64_t h = add_group(f, "h", 1, AH_QGROUP_OPEN, 0);
    struct ah_message note = {.ticket_id = t1, .kind = AH_MSG_NOTE, .author_id = noter,
                              .body = "internal", .created_at = T0};
    struct ah_person p;
    struct ah_qgroup_answerer *a;
    size_t n;

    assert_ok(ah_store_person_get(f->store, zed, &f->arena, &p, &err));
    p.department = "Engineering";
    p.leader = true;
    assert_ok(ah_store_person_update(f->store, &p, &err));
    put_place(f, t1, g, 1.0, 0);
    put_place(f, t2, g, 1.0, 0);
    put_place(f, t3, h, 1.0, 0);
    add_message(f, t1, 0, "Help", T0);
    add_message(f, t1, zed, "On it", T0 + 1);
    add_message(f, t1, zed, "Done", T0 + 2);
    add_message(f, t2, zed, "Again", T0 + 3);
    add_message(f, t2, bob, "Me too", T0 + 4);
    add_message(f, t1, amy, "Hi", T0 + 5);
    add_message(f, t3, bob, "Elsewhere", T0 + 6);
    assert_ok(ah_store_message_insert(f->store, &note, &err));
    assert_ok(ah_store_group_answerers(f->store, g, &f->arena, &a, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(a[0].person_id, zed);
    assert_string_equal(a[0].name, "Zed");
    assert_string_equal(a[0].department, "Engineering");
    assert_true(a[0].leader);
    assert_int_equal(a[0].tickets, 2);
    assert_int_equal(a[1].person_id, amy);
    assert_int_equal(a[1].tickets, 1);
    assert_false(a[1].leader);
    assert_int_equal(a[2].person_id, bob);
    assert_int_equal(a[2].tickets, 1);
    assert_ok(ah_store_group_answerers(f->store, h, &f->arena, &a, &n, &err));
    assert_int_equal(n, 1);
}

/* Fixes: round trip with the owner's name, shipping and back, newest first,
 * by owner; the errors a missing fix or owner gives. */
static void test_store_fixes_crud_and_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t olive = add_person(f, "olive@example.com", "Olive", AH_ROLE_PRO);
    int64_t pat = add_person(f, "pat@example.com", "Pat", AH_ROLE_PRO);
    int64_t a = add_fix(f, olive, "Refund button", T0);
    int64_t b = add_fix(f, pat, "Login page", T0 + 1);
    int64_t c = add_fix(f, olive, "Invoices", T0 + 2);
    struct ah_fix got, *items, bad = {.title = "x", .owner_id = 4242, .created_at = T0};
    size_t n;

    assert_ok(ah_store_fix_get(f->store, a, &f->arena, &got, &err));
    assert_string_equal(got.title, "Refund button");
    assert_string_equal(got.url, "https://issues.example/1");
    assert_int_equal(got.owner_id, olive);
    assert_string_equal(got.owner_name, "Olive");
    assert_int_equal(got.state, AH_FIX_OPEN);
    assert_int_equal(got.shipped_at, 0);
    assert_int_equal(got.created_by, 0);
    assert_int_equal(got.created_at, T0);
    got.title = "Refund button, v2";
    got.url = NULL;
    got.owner_id = pat;
    got.state = AH_FIX_SHIPPED;
    got.shipped_at = T0 + 50;
    got.created_by = olive; /* not written */
    got.updated_at = T0 + 60;
    assert_ok(ah_store_fix_update(f->store, &got, &err));
    assert_ok(ah_store_fix_get(f->store, a, &f->arena, &got, &err));
    assert_string_equal(got.title, "Refund button, v2");
    assert_string_equal(got.url, "");
    assert_string_equal(got.owner_name, "Pat");
    assert_int_equal(got.state, AH_FIX_SHIPPED);
    assert_int_equal(got.shipped_at, T0 + 50);
    assert_int_equal(got.created_by, 0);
    assert_int_equal(got.updated_at, T0 + 60);
    got.state = AH_FIX_OPEN;
    got.shipped_at = 0;
    assert_ok(ah_store_fix_update(f->store, &got, &err));
    assert_ok(ah_store_fix_get(f->store, a, &f->arena, &got, &err));
    assert_int_equal(got.shipped_at, 0);

    assert_ok(ah_store_fix_list(f->store, 0, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, c);
    assert_int_equal(items[1].id, b);
    assert_int_equal(items[2].id, a);
    assert_string_equal(items[0].owner_name, "Olive");
    assert_ok(ah_store_fix_list(f->store, pat, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, b);
    assert_int_equal(items[1].id, a);

    assert_code(AH_E_NOT_FOUND, ah_store_fix_get(f->store, 4242, &f->arena, &got, &err));
    assert_non_null(strstr(err.msg, "fix 4242"));
    got.id = 4242;
    assert_code(AH_E_NOT_FOUND, ah_store_fix_update(f->store, &got, &err));
    assert_code(AH_E_INVALID, ah_store_fix_insert(f->store, &bad, &err));
}

/* The group tables copy whole: a group merged into a later one (linked
 * after all are in), doubles that SQLite's own text would round (they come
 * back the same bits), the terms and the grouper's place. */
static void test_store_copy_moves_group_tables(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_person(f, "pro@example.com", "Pat Pro", AH_ROLE_PRO);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket(f, cust, "One", AH_STATUS_NEW, 1, "", 0);
    int64_t t2 = add_ticket(f, cust, "Two", AH_STATUS_NEW, 1, "", 0);
    int64_t fix = add_fix(f, pro, "Refund button", T0);
    int64_t merged = add_group(f, "merged", 0, AH_QGROUP_OPEN, 0);
    int64_t kept = add_group(f, "kept", 2, AH_QGROUP_OPEN, fix);
    /* SQLite 3.40 reads "0.707056753354459" as the double after it */
    const double weights[] = {0.1 + 0.2, 1.0 / 3, 2.0, 1.5e-7, 123456789.125, 0.707056753354459};
    const int64_t terms[] = {1, 2, 3, 4, 5, 6};
    const char *const words[] = {"refund", "charg", NULL, "twice", "login", "again"};
    const int64_t kept_id[] = {kept};
    struct ah_qgroup g, loaded;
    struct ah_qgroup_posting *p;
    struct ah_qgroup_ticket place;
    struct ah_qgroup_week *w;
    struct ah_store *dst;
    const char *got_words[5];
    char path[400];
    int64_t upto = -1, docs = -1;
    bool got = false;
    size_t n;

    put_place(f, t1, kept, 0.1 + 0.7, 0);
    put_place(f, t2, kept, 1.0 / 7, pro);
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_group_terms_put(f->store, kept, terms, weights, 6, &err));
    assert_ok(ah_store_term_add(f->store, terms, words, 6, &err));
    assert_ok(ah_store_group_week_add(f->store, kept, 20454, 2, &err));
    assert_ok(ah_store_group_turn(f->store, true, &got, &upto, &docs, &err));
    assert_ok(ah_store_group_turn_end(f->store, t2, 2, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_group_load(f->store, &merged, 1, &f->arena, &g, &err));
    g.status = AH_QGROUP_MERGED;
    g.merged_into = kept;
    assert_ok(ah_store_group_update(f->store, &g, &err));

    dst = copy_of(f, "groups", path, sizeof(path));
    assert_ok(ah_store_group_load(dst, &merged, 1, &f->arena, &loaded, &err));
    assert_int_equal(loaded.merged_into, kept);
    assert_ok(ah_store_group_load(dst, kept_id, 1, &f->arena, &loaded, &err));
    assert_string_equal(loaded.fix.owner_name, "Pat Pro");
    assert_ok(ah_store_group_postings(dst, terms, 6, 10, &f->arena, &p, &n, &err));
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        if (p[i].weight != weights[i])
            fail_msg("weight %zu: %.17g, want %.17g", i, p[i].weight, weights[i]);
    assert_ok(ah_store_group_ticket_get(dst, t1, &place, &err));
    assert_true(place.score == 0.1 + 0.7);
    assert_ok(ah_store_group_ticket_get(dst, t2, &place, &err));
    assert_true(place.score == 1.0 / 7);
    assert_int_equal(place.moved_by, pro);
    assert_ok(ah_store_term_words(dst, terms, 5, &f->arena, got_words, &err));
    assert_string_equal(got_words[1], "charg");
    assert_string_equal(got_words[2], "");
    assert_ok(ah_store_group_weeks(dst, kept_id, 1, 0, 100000, &f->arena, &w, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(w[0].n, 2);
    assert_ok(ah_store_begin(dst, &err));
    assert_ok(ah_store_group_turn(dst, true, &got, &upto, &docs, &err));
    ah_store_rollback(dst);
    assert_int_equal(upto, t2);
    assert_int_equal(docs, 2);
    /* new rows go on counting past the copied ids */
    g = (struct ah_qgroup){.name = "new", .centroid = "", .created_at = T0};
    assert_ok(ah_store_group_insert(dst, &g, &err));
    assert_true(g.id > kept);
    ah_store_close(dst);
    fx_remove_db(path);
}

/* ---- internal escalations, route-backs, launches, kudos ---- */

static int64_t add_staff(struct fx *f, const char *email, const char *name, const char *dept)
{
    struct ah_error err = {0};
    struct ah_person p = {.email = email, .name = name, .department = dept,
                          .role = AH_ROLE_MEMBER, .active = true, .created_at = T0,
                          .updated_at = T0};

    assert_ok(ah_store_person_insert(f->store, &p, NULL, &err));
    return p.id;
}

/* A ticket created at, with tags (may be ""). */
static int64_t add_ticket_at(struct fx *f, int64_t requester, const char *subject,
                             const char *tags, int64_t at)
{
    struct ah_error err = {0};
    struct ah_ticket t = {.subject = subject, .requester_id = requester,
                          .status = AH_STATUS_OPEN, .priority = AH_PRIO_HIGH, .tier = 2,
                          .tags = tags, .source = "email", .due_at = at + 1000,
                          .resolve_due_at = at + 2000, .created_at = at, .updated_at = at};

    assert_ok(ah_store_ticket_insert(f->store, &t, &err));
    return t.id;
}

static void set_priority(struct fx *f, int64_t ticket, enum ah_priority prio)
{
    struct ah_error err = {0};
    struct ah_ticket t;

    assert_ok(ah_store_ticket_get(f->store, ticket, &f->arena, &t, &err));
    t.priority = prio;
    assert_ok(ah_store_ticket_update(f->store, &t, &err));
}

static int64_t add_intake(struct fx *f, int64_t ticket, int64_t filer, const char *why,
                          int64_t at)
{
    struct ah_error err = {0};
    struct ah_intake i = {.ticket_id = ticket, .filer_id = filer, .channel = "chat",
                          .why = why, .created_at = at};

    assert_ok(ah_store_intake_insert(f->store, &i, &err));
    assert_true(i.id > 0);
    return i.id;
}

/* Lists escalations and checks their ids against want[0..n). */
static void expect_intakes(struct fx *f, int64_t filer, int64_t before, int limit,
                           const int64_t *want, size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_intake *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_intake_list(f->store, filer, before, limit, &f->arena, &items, &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu escalations, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is escalation %lld, want %lld", what, i,
                     (long long)items[i].id, (long long)want[i]);
}

#define EXPECT_INTAKES(f, filer, before, limit, what, ...)                             \
    do {                                                                               \
        const int64_t want_[] = {__VA_ARGS__};                                         \
        expect_intakes(f, filer, before, limit, want_ + 1,                             \
                       sizeof(want_) / sizeof(want_[0]) - 1, what);                    \
    } while (0)

/* An escalation reads back with its filer's name and its ticket in brief,
 * by id or by ticket; a ticket is one escalation at most; lists page
 * newest first, everyone's or a filer's. */
static void test_store_intakes_round_trip_and_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t fay = add_staff(f, "fay@example.com", "Fay", "Sales");
    int64_t gus = add_staff(f, "gus@example.com", "Gus", "");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket_at(f, cust, "Invoice wrong", "", T0 - 5);
    int64_t t2 = add_ticket_at(f, cust, "Cannot log in", "", T0);
    int64_t t3 = add_ticket_at(f, cust, "Export", "", T0);
    int64_t i1 = add_intake(f, t1, fay, "Biggest customer", T0);
    int64_t i2 = add_intake(f, t2, gus, NULL, T0 + 1);
    int64_t i3 = add_intake(f, t3, fay, "", T0 + 2);
    struct ah_intake got, again = {.ticket_id = t1, .filer_id = gus, .channel = "email",
                                   .created_at = T0};
    struct ah_intake bad = {.ticket_id = t2 + 100, .filer_id = fay, .channel = "email",
                            .created_at = T0};

    assert_ok(ah_store_intake_get(f->store, i1, 0, &f->arena, &got, &err));
    assert_int_equal(got.id, i1);
    assert_int_equal(got.ticket_id, t1);
    assert_int_equal(got.filer_id, fay);
    assert_string_equal(got.filer_name, "Fay");
    assert_string_equal(got.channel, "chat");
    assert_string_equal(got.why, "Biggest customer");
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.told_at, 0);
    assert_int_equal(got.ticket.id, t1);
    assert_string_equal(got.ticket.subject, "Invoice wrong");
    assert_int_equal(got.ticket.status, AH_STATUS_OPEN);
    assert_int_equal(got.ticket.priority, AH_PRIO_HIGH);
    assert_int_equal(got.ticket.tier, 2);
    assert_int_equal(got.ticket.created_at, T0 - 5);
    assert_ok(ah_store_intake_get(f->store, 0, t2, &f->arena, &got, &err));
    assert_int_equal(got.id, i2);
    assert_string_equal(got.why, "");
    assert_string_equal(got.filer_name, "Gus");

    assert_code(AH_E_NOT_FOUND, ah_store_intake_get(f->store, 4242, 0, &f->arena, &got, &err));
    assert_string_equal(err.msg, "escalation 4242 does not exist");
    assert_code(AH_E_NOT_FOUND, ah_store_intake_get(f->store, 0, 4242, &f->arena, &got, &err));
    assert_string_equal(err.msg, "ticket 4242 is not an escalation");
    assert_code(AH_E_CONFLICT, ah_store_intake_insert(f->store, &again, &err));
    assert_non_null(strstr(err.msg, "is already an escalation"));
    assert_code(AH_E_INVALID, ah_store_intake_insert(f->store, &bad, &err));

    EXPECT_INTAKES(f, 0, 0, 10, "everyone's", 0, i3, i2, i1);
    EXPECT_INTAKES(f, fay, 0, 10, "Fay's", 0, i3, i1);
    EXPECT_INTAKES(f, gus, 0, 10, "Gus's", 0, i2);
    EXPECT_INTAKES(f, 0, 0, 2, "a page", 0, i3, i2);
    EXPECT_INTAKES(f, 0, i2, 2, "the next page", 0, i1);
    EXPECT_INTAKES(f, fay, i3, 10, "Fay's next page", 0, i1);
    EXPECT_INTAKES(f, fay, i1, 10, "past the end", 0);
}

/* The filer is told once: the first call sets told_at, later ones keep it. */
static void test_store_intake_told_once(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t fay = add_staff(f, "fay@example.com", "Fay", "Sales");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t id = add_intake(f, add_ticket_at(f, cust, "One", "", T0), fay, "", T0);
    struct ah_intake got;
    bool first = false;

    assert_ok(ah_store_intake_told(f->store, id, T0 + 10, &first, &err));
    assert_true(first);
    assert_ok(ah_store_intake_told(f->store, id, T0 + 20, &first, &err));
    assert_false(first);
    assert_ok(ah_store_intake_get(f->store, id, 0, &f->arena, &got, &err));
    assert_int_equal(got.told_at, T0 + 10);
    first = true;
    assert_ok(ah_store_intake_told(f->store, 4242, T0, &first, &err));
    assert_false(first);
}

/* Per filer, escalations filed in [from, to): how many, and how many of
 * their tickets are urgent now; most first, then by name. */
static void test_store_intake_counts_with_urgent(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t zoe = add_staff(f, "zoe@example.com", "Zoe", "Sales");
    int64_t amy = add_staff(f, "amy@example.com", "Amy", "Founders");
    int64_t bob = add_staff(f, "bob@example.com", "Bob", "");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t[7];
    struct ah_intake_count *c;
    size_t n;

    for (int i = 0; i < 7; i++)
        t[i] = add_ticket_at(f, cust, "Escalated", "", T0);
    add_intake(f, t[0], zoe, "", T0);
    add_intake(f, t[1], zoe, "", T0 + 50);
    add_intake(f, t[2], amy, "", T0 + 10);
    add_intake(f, t[3], bob, "", T0 + 20);
    add_intake(f, t[4], amy, "", T0 + 99);
    add_intake(f, t[5], bob, "", T0 + 100); /* at to: left out */
    add_intake(f, t[6], zoe, "", T0 - 1);   /* before from: left out */
    /* urgent is the ticket's priority now, not when it was filed */
    set_priority(f, t[1], AH_PRIO_URGENT);
    set_priority(f, t[2], AH_PRIO_URGENT);
    set_priority(f, t[4], AH_PRIO_URGENT);
    set_priority(f, t[5], AH_PRIO_URGENT);

    assert_ok(ah_store_intake_counts(f->store, T0, T0 + 100, &f->arena, &c, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(c[0].filer_id, amy);
    assert_string_equal(c[0].name, "Amy");
    assert_string_equal(c[0].department, "Founders");
    assert_int_equal(c[0].filed, 2);
    assert_int_equal(c[0].urgent, 2);
    assert_int_equal(c[1].filer_id, zoe);
    assert_int_equal(c[1].filed, 2);
    assert_int_equal(c[1].urgent, 1);
    assert_int_equal(c[2].filer_id, bob);
    assert_string_equal(c[2].department, "");
    assert_int_equal(c[2].filed, 1);
    assert_int_equal(c[2].urgent, 0);
    assert_ok(ah_store_intake_counts(f->store, T0 + 1000, T0 + 2000, &f->arena, &c, &n, &err));
    assert_int_equal(n, 0);
}

static int64_t add_route_back(struct fx *f, int64_t ticket, int64_t person,
                              enum ah_route_cause cause, int64_t by, int64_t at)
{
    struct ah_error err = {0};
    struct ah_route_back r = {.ticket_id = ticket, .person_id = person, .cause = cause,
                              .reason = "promised a refund by Friday", .marked_by = by,
                              .created_at = at};

    assert_ok(ah_store_route_back_insert(f->store, &r, &err));
    assert_true(r.id > 0);
    return r.id;
}

/* A ticket's route-backs, oldest first, with the person's name and
 * department; counted by department over [from, to), promises and changes
 * apart, people without a department under "". */
static void test_store_route_backs_list_and_counts(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pro = add_staff(f, "pro@example.com", "Pat Pro", "Support");
    int64_t sal = add_staff(f, "sal@example.com", "Sal", "Sales");
    int64_t eng = add_staff(f, "eng@example.com", "Eve", "Engineering");
    int64_t nod = add_staff(f, "nod@example.com", "Ned", "");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket_at(f, cust, "One", "", T0);
    int64_t t2 = add_ticket_at(f, cust, "Two", "", T0);
    int64_t r1 = add_route_back(f, t1, sal, AH_CAUSE_PROMISE, pro, T0);
    int64_t r2 = add_route_back(f, t1, eng, AH_CAUSE_CHANGE, pro, T0 + 1);
    struct ah_route_back *items, bad = {.ticket_id = 4242, .person_id = sal, .reason = "x",
                                        .marked_by = pro, .created_at = T0};
    struct ah_route_back_count *c;
    size_t n;

    add_route_back(f, t2, sal, AH_CAUSE_PROMISE, pro, T0 + 2);
    add_route_back(f, t2, sal, AH_CAUSE_CHANGE, pro, T0 + 3);
    add_route_back(f, t2, nod, AH_CAUSE_PROMISE, pro, T0 + 4);
    add_route_back(f, t2, eng, AH_CAUSE_CHANGE, pro, T0 + 10); /* at to: left out */

    assert_ok(ah_store_route_back_list(f->store, t1, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, r1);
    assert_int_equal(items[0].ticket_id, t1);
    assert_int_equal(items[0].person_id, sal);
    assert_string_equal(items[0].person_name, "Sal");
    assert_string_equal(items[0].department, "Sales");
    assert_int_equal(items[0].cause, AH_CAUSE_PROMISE);
    assert_string_equal(items[0].reason, "promised a refund by Friday");
    assert_int_equal(items[0].marked_by, pro);
    assert_int_equal(items[0].created_at, T0);
    assert_int_equal(items[1].id, r2);
    assert_int_equal(items[1].cause, AH_CAUSE_CHANGE);
    assert_string_equal(items[1].department, "Engineering");
    assert_ok(ah_store_route_back_list(f->store, 4242, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
    assert_code(AH_E_INVALID, ah_store_route_back_insert(f->store, &bad, &err));

    assert_ok(ah_store_route_back_counts(f->store, T0, T0 + 10, &f->arena, &c, &n, &err));
    assert_int_equal(n, 3);
    assert_string_equal(c[0].department, "");
    assert_int_equal(c[0].promises, 1);
    assert_int_equal(c[0].changes, 0);
    assert_string_equal(c[1].department, "Engineering");
    assert_int_equal(c[1].promises, 0);
    assert_int_equal(c[1].changes, 1);
    assert_string_equal(c[2].department, "Sales");
    assert_int_equal(c[2].promises, 2);
    assert_int_equal(c[2].changes, 1);
    assert_ok(ah_store_route_back_counts(f->store, T0 + 1, T0 + 2, &f->arena, &c, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(c[0].department, "Engineering");
}

static int64_t add_launch(struct fx *f, int64_t by, const char *title, int64_t day)
{
    struct ah_error err = {0};
    struct ah_launch l = {.title = title, .launch_day = day, .changes = "New invoices",
                          .impact = "Questions about totals", .tags = "billing invoices",
                          .created_by = by, .created_at = T0, .updated_at = T0};

    assert_ok(ah_store_launch_insert(f->store, &l, &err));
    assert_true(l.id > 0);
    return l.id;
}

/* A launch reads back with its creator's name, support's judgement is
 * written and taken back (0: none), and launches list by day in [from, to),
 * then by id. */
static void test_store_launches_crud_and_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pm = add_staff(f, "pm@example.com", "Paula", "Product");
    int64_t lead = add_staff(f, "lead@example.com", "Lee", "Support");
    int64_t a = add_launch(f, pm, "Invoices v2", 20460);
    int64_t b = add_launch(f, pm, "Dark mode", 20455);
    int64_t c = add_launch(f, pm, "SSO", 20460);
    struct ah_launch got, *items, bad = {.title = "x", .changes = "", .impact = "",
                                         .created_by = 4242, .created_at = T0};
    size_t n;

    add_launch(f, pm, "Later", 20470);
    assert_ok(ah_store_launch_get(f->store, a, &f->arena, &got, &err));
    assert_string_equal(got.title, "Invoices v2");
    assert_int_equal(got.launch_day, 20460);
    assert_string_equal(got.changes, "New invoices");
    assert_string_equal(got.impact, "Questions about totals");
    assert_string_equal(got.tags, "billing invoices");
    assert_int_equal(got.created_by, pm);
    assert_string_equal(got.creator_name, "Paula");
    assert_int_equal(got.readiness, AH_READY_UNJUDGED);
    assert_string_equal(got.missing, "");
    assert_string_equal(got.readiness_note, "");
    assert_int_equal(got.judged_by, 0);
    assert_int_equal(got.judged_at, 0);
    assert_int_equal(got.created_at, T0);

    got.title = "Invoices v2.1";
    got.launch_day = 20461;
    got.changes = "New invoice totals";
    got.impact = "More questions";
    got.tags = "billing";
    got.readiness = AH_READY_NO;
    got.missing = "saved_reply training";
    got.readiness_note = "no macro yet";
    got.judged_by = lead;
    got.judged_at = T0 + 5;
    got.updated_at = T0 + 6;
    got.created_by = lead; /* not written */
    got.created_at = T0 + 7;
    assert_ok(ah_store_launch_update(f->store, &got, &err));
    assert_ok(ah_store_launch_get(f->store, a, &f->arena, &got, &err));
    assert_string_equal(got.title, "Invoices v2.1");
    assert_int_equal(got.launch_day, 20461);
    assert_string_equal(got.changes, "New invoice totals");
    assert_string_equal(got.impact, "More questions");
    assert_string_equal(got.tags, "billing");
    assert_int_equal(got.readiness, AH_READY_NO);
    assert_string_equal(got.missing, "saved_reply training");
    assert_string_equal(got.readiness_note, "no macro yet");
    assert_int_equal(got.judged_by, lead);
    assert_int_equal(got.judged_at, T0 + 5);
    assert_int_equal(got.updated_at, T0 + 6);
    assert_int_equal(got.created_by, pm);
    assert_string_equal(got.creator_name, "Paula");
    assert_int_equal(got.created_at, T0);
    got.readiness = AH_READY_UNJUDGED;
    got.judged_by = 0;
    got.judged_at = 0;
    got.launch_day = 20460;
    assert_ok(ah_store_launch_update(f->store, &got, &err));
    assert_ok(ah_store_launch_get(f->store, a, &f->arena, &got, &err));
    assert_int_equal(got.judged_by, 0);
    assert_int_equal(got.judged_at, 0);

    assert_ok(ah_store_launch_list(f->store, 20455, 20470, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, b);
    assert_int_equal(items[1].id, a);
    assert_int_equal(items[2].id, c);
    assert_string_equal(items[1].creator_name, "Paula");
    assert_ok(ah_store_launch_list(f->store, 20456, 20460, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);

    assert_code(AH_E_NOT_FOUND, ah_store_launch_get(f->store, 4242, &f->arena, &got, &err));
    assert_string_equal(err.msg, "launch 4242 does not exist");
    got.id = 4242;
    assert_code(AH_E_NOT_FOUND, ah_store_launch_update(f->store, &got, &err));
    assert_string_equal(err.msg, "launch 4242 does not exist");
    assert_code(AH_E_INVALID, ah_store_launch_insert(f->store, &bad, &err));
}

/* Checks tagged_tickets' total and its page's ids against want[0..n). */
static void expect_tagged(struct fx *f, const char *const *tags, size_t ntags, int64_t from,
                          int64_t to, int limit, int64_t total, const int64_t *want,
                          size_t nwant, const char *what)
{
    struct ah_error err = {0};
    struct ah_ticket_brief *items = NULL;
    int64_t got = -1;
    size_t n = 99;

    assert_ok(ah_store_tagged_tickets(f->store, tags, ntags, from, to, limit, &f->arena, &got,
                                      &items, &n, &err));
    if (got != total)
        fail_msg("%s: %lld in all, want %lld", what, (long long)got, (long long)total);
    if (n != nwant)
        fail_msg("%s: %zu tickets, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is ticket %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_TAGGED(f, tags, ntags, from, to, limit, total, what, ...)                \
    do {                                                                                \
        const int64_t want_[] = {__VA_ARGS__};                                          \
        expect_tagged(f, tags, ntags, from, to, limit, total, want_ + 1,                \
                      sizeof(want_) / sizeof(want_[0]) - 1, what);                      \
    } while (0)

/* Tickets with any of the tags created in [from, to): each counted once
 * however many of the tags it has, the newest first up to the limit; no
 * tags, none; up to AH_MAX_TAGS tags. */
static void test_store_tagged_tickets_totals_order_and_window(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t1 = add_ticket_at(f, cust, "Old bill", "billing", T0 - 1);
    int64_t t2 = add_ticket_at(f, cust, "Bill", "billing", T0);
    int64_t t3 = add_ticket_at(f, cust, "Bill and login", "billing login", T0 + 1);
    int64_t t4 = add_ticket_at(f, cust, "Login", "login", T0 + 2);
    int64_t t5 = add_ticket_at(f, cust, "Other", "sso", T0 + 3);
    int64_t t6 = add_ticket_at(f, cust, "Late login", "login", T0 + 100); /* at to */
    const char *const billing[] = {"billing"};
    const char *const both[] = {"login", "billing"};
    const char *const none[] = {"nothing"};
    const char *many[AH_MAX_TAGS + 1];
    char names[AH_MAX_TAGS + 1][8];
    struct ah_ticket_brief *items;
    int64_t total = -1;
    size_t n;

    (void)t5;
    EXPECT_TAGGED(f, billing, 1, T0, T0 + 100, 10, 2, "billing", 0, t3, t2);
    EXPECT_TAGGED(f, both, 2, T0, T0 + 100, 10, 3, "either, once each", 0, t4, t3, t2);
    EXPECT_TAGGED(f, both, 2, T0, T0 + 100, 2, 3, "the newest two of three", 0, t4, t3);
    EXPECT_TAGGED(f, both, 2, T0 - 1, T0 + 101, 10, 5, "the whole span", 0, t6, t4, t3, t2,
                  t1);
    EXPECT_TAGGED(f, both, 2, T0 + 50, T0 + 60, 10, 0, "an empty span", 0);
    EXPECT_TAGGED(f, none, 1, 0, INT64_MAX, 10, 0, "an unused tag", 0);
    EXPECT_TAGGED(f, billing, 1, T0, T0 + 100, 0, 2, "a count alone", 0);
    EXPECT_TAGGED(f, both, 0, 0, INT64_MAX, 10, 0, "no tags", 0);
    /* a cached statement per number of tags: back to one */
    EXPECT_TAGGED(f, billing, 1, 0, INT64_MAX, 10, 3, "billing ever", 0, t3, t2, t1);

    assert_ok(ah_store_tagged_tickets(f->store, billing, 1, T0, T0 + 1, 10, &f->arena, &total,
                                      &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, t2);
    assert_string_equal(items[0].subject, "Bill");
    assert_int_equal(items[0].status, AH_STATUS_OPEN);
    assert_int_equal(items[0].priority, AH_PRIO_HIGH);
    assert_int_equal(items[0].tier, 2);
    assert_int_equal(items[0].created_at, T0);

    for (int i = 0; i <= AH_MAX_TAGS; i++) {
        snprintf(names[i], sizeof(names[i]), "x%d", i);
        many[i] = names[i];
    }
    many[AH_MAX_TAGS - 1] = "login";
    EXPECT_TAGGED(f, many, AH_MAX_TAGS, T0, T0 + 100, 10, 2, "the most tags", 0, t4, t3);
    assert_code(AH_E_INVALID, ah_store_tagged_tickets(f->store, many, AH_MAX_TAGS + 1, T0,
                                                      T0 + 100, 10, &f->arena, &total, &items,
                                                      &n, &err));
}

static int64_t add_kudos(struct fx *f, int64_t msg, int64_t ticket, int64_t person,
                         int64_t giver, bool from_customer, int64_t at)
{
    struct ah_error err = {0};
    struct ah_kudos k = {.message_id = msg, .ticket_id = ticket, .person_id = person,
                         .giver_id = giver, .from_customer = from_customer,
                         .text = "Great answer", .quote = "Refunded in full", .created_at = at};

    assert_ok(ah_store_kudos_insert(f->store, &k, &err));
    assert_true(k.id > 0);
    return k.id;
}

/* Checks kudos_list's ids against want[0..n). */
static void expect_kudos(struct fx *f, int64_t person, int64_t from, int64_t to,
                         int64_t before, int limit, const int64_t *want, size_t nwant,
                         const char *what)
{
    struct ah_error err = {0};
    struct ah_kudos *items = NULL;
    size_t n = 99;

    assert_ok(ah_store_kudos_list(f->store, person, from, to, before, limit, &f->arena, &items,
                                  &n, &err));
    if (n != nwant)
        fail_msg("%s: %zu kudos, want %zu", what, n, nwant);
    for (size_t i = 0; i < n; i++)
        if (items[i].id != want[i])
            fail_msg("%s: item %zu is kudos %lld, want %lld", what, i, (long long)items[i].id,
                     (long long)want[i]);
}

#define EXPECT_KUDOS(f, person, from, to, before, limit, what, ...)                     \
    do {                                                                                \
        const int64_t want_[] = {__VA_ARGS__};                                          \
        expect_kudos(f, person, from, to, before, limit, want_ + 1,                     \
                     sizeof(want_) / sizeof(want_[0]) - 1, what);                       \
    } while (0)

/* Kudos for a reply are given once per giver and source: again is a
 * conflict; they read back with both names and the ticket's subject, and
 * list newest first by person, span (to 0: no end) and page. */
static void test_store_kudos_conflict_and_list(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pat = add_staff(f, "pat@example.com", "Pat", "Support");
    int64_t kim = add_staff(f, "kim@example.com", "Kim", "Support");
    int64_t ceo = add_staff(f, "ceo@example.com", "Cy", "Founders");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket_at(f, cust, "Refund please", "", T0);
    int64_t m1 = add_message(f, t, pat, "Refunded in full", T0 + 1);
    int64_t m2 = add_message(f, t, kim, "Anything else?", T0 + 2);
    int64_t k1 = add_kudos(f, m1, t, pat, ceo, false, T0 + 10);
    int64_t k2 = add_kudos(f, m1, t, pat, kim, true, T0 + 20); /* a customer's thanks */
    int64_t k3 = add_kudos(f, m2, t, kim, ceo, false, T0 + 30);
    int64_t k4 = add_kudos(f, m1, t, pat, kim, false, T0 + 40);
    struct ah_kudos again = {.message_id = m1, .ticket_id = t, .person_id = pat,
                             .giver_id = ceo, .text = "Again", .quote = "",
                             .created_at = T0 + 50};
    struct ah_kudos bad = {.message_id = 4242, .ticket_id = t, .person_id = pat,
                           .giver_id = ceo, .text = "", .quote = "", .created_at = T0};
    struct ah_kudos *items;
    char want[80];
    size_t n;

    snprintf(want, sizeof(want), "kudos for message %lld were already given", (long long)m1);
    assert_code(AH_E_CONFLICT, ah_store_kudos_insert(f->store, &again, &err));
    assert_string_equal(err.msg, want);
    assert_int_equal(again.id, 0);
    assert_code(AH_E_INVALID, ah_store_kudos_insert(f->store, &bad, &err));

    assert_ok(ah_store_kudos_list(f->store, pat, 0, 0, 0, 10, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, k4);
    assert_int_equal(items[2].id, k1);
    assert_int_equal(items[2].message_id, m1);
    assert_int_equal(items[2].ticket_id, t);
    assert_int_equal(items[2].person_id, pat);
    assert_string_equal(items[2].person_name, "Pat");
    assert_int_equal(items[2].giver_id, ceo);
    assert_string_equal(items[2].giver_name, "Cy");
    assert_false(items[2].from_customer);
    assert_true(items[1].from_customer);
    assert_string_equal(items[2].text, "Great answer");
    assert_string_equal(items[2].quote, "Refunded in full");
    assert_string_equal(items[2].subject, "Refund please");
    assert_int_equal(items[2].created_at, T0 + 10);

    EXPECT_KUDOS(f, 0, 0, 0, 0, 10, "everyone's", 0, k4, k3, k2, k1);
    EXPECT_KUDOS(f, kim, 0, 0, 0, 10, "Kim's", 0, k3);
    EXPECT_KUDOS(f, 0, T0 + 20, T0 + 40, 0, 10, "a span", 0, k3, k2);
    EXPECT_KUDOS(f, 0, T0 + 20, 0, 0, 10, "no end", 0, k4, k3, k2);
    EXPECT_KUDOS(f, 0, 0, 0, 0, 2, "a page", 0, k4, k3);
    EXPECT_KUDOS(f, 0, 0, 0, k3, 2, "the next page", 0, k2, k1);
    EXPECT_KUDOS(f, pat, T0 + 11, 0, k4, 10, "Pat's, later, below", 0, k2);
}

/* The feedback tables copy whole: a told escalation, route-backs, a judged
 * launch and kudos from a customer, and ids that go on counting. */
static void test_store_copy_moves_feedback_tables(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t pat = add_staff(f, "pat@example.com", "Pat", "Support");
    int64_t sal = add_staff(f, "sal@example.com", "Sal", "Sales");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket_at(f, cust, "Refund please", "billing", T0);
    int64_t m = add_message(f, t, pat, "Refunded", T0 + 1);
    int64_t i = add_intake(f, t, sal, "Big account", T0);
    int64_t r = add_route_back(f, t, sal, AH_CAUSE_PROMISE, pat, T0 + 2);
    int64_t l = add_launch(f, pat, "Invoices v2", 20460);
    int64_t k = add_kudos(f, m, t, pat, pat, true, T0 + 3);
    struct ah_intake in, more = {.ticket_id = t, .filer_id = sal, .channel = "phone",
                                 .created_at = T0};
    struct ah_launch la;
    struct ah_route_back *rb;
    struct ah_kudos *ku;
    struct ah_store *dst;
    char path[400];
    bool first = false;
    size_t n;

    assert_ok(ah_store_intake_told(f->store, i, T0 + 9, &first, &err));
    assert_ok(ah_store_launch_get(f->store, l, &f->arena, &la, &err));
    la.readiness = AH_READY_YES;
    la.judged_by = sal;
    la.judged_at = T0 + 8;
    assert_ok(ah_store_launch_update(f->store, &la, &err));

    dst = copy_of(f, "feedback", path, sizeof(path));
    assert_ok(ah_store_intake_get(dst, 0, t, &f->arena, &in, &err));
    assert_int_equal(in.id, i);
    assert_int_equal(in.told_at, T0 + 9);
    assert_string_equal(in.why, "Big account");
    assert_ok(ah_store_route_back_list(dst, t, &f->arena, &rb, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(rb[0].id, r);
    assert_ok(ah_store_launch_get(dst, l, &f->arena, &la, &err));
    assert_int_equal(la.readiness, AH_READY_YES);
    assert_int_equal(la.judged_by, sal);
    assert_ok(ah_store_kudos_list(dst, pat, 0, 0, 0, 10, &f->arena, &ku, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(ku[0].id, k);
    assert_true(ku[0].from_customer);
    assert_code(AH_E_CONFLICT, ah_store_intake_insert(dst, &more, &err));
    la.id = 0;
    assert_ok(ah_store_launch_insert(dst, &la, &err));
    assert_true(la.id > l);
    ah_store_close(dst);
    fx_remove_db(path);
}

/* ---- the weekly digest ---- */

#define DAY (24 * 60 * MINUTE)

/* The one integer sql gives on path, read on a connection of its own. */
static int64_t sql_i64(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* A ticket's times for the digest: what a ticket's life set by then. */
struct timed {
    enum ah_status status;
    int tier;
    int64_t created, due, resolve_due, first_response, solved, assignee;
};

static int64_t add_timed(struct fx *f, int64_t requester, struct timed w)
{
    struct ah_error err = {0};
    struct ah_ticket t = {.subject = "timed", .requester_id = requester, .status = w.status,
                          .priority = AH_PRIO_NORMAL, .tier = w.tier ? w.tier : 1, .tags = "",
                          .source = "api", .assignee_id = w.assignee, .due_at = w.due,
                          .resolve_due_at = w.resolve_due, .first_response_at = w.first_response,
                          .solved_at = w.solved, .created_at = w.created,
                          .updated_at = w.created};

    assert_ok(ah_store_ticket_insert(f->store, &t, &err));
    return t.id;
}

static void test_store_ticket_solved_at_round_trip(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t open = add_ticket(f, cust, "Open", AH_STATUS_OPEN, 1, "", 0);
    int64_t done = add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED,
                                                      .created = T0, .solved = T0 + 5});
    struct ah_ticket_filter fl = filter();
    struct ah_ticket t, *items;
    char sql[128];
    size_t n;

    assert_ok(ah_store_ticket_get(f->store, open, &f->arena, &t, &err));
    assert_int_equal(t.solved_at, 0);
    snprintf(sql, sizeof(sql), "SELECT solved_at FROM tickets WHERE id = %lld", (long long)open);
    assert_int_equal(sql_i64(f->path, sql), -2); /* 0 is NULL */
    assert_ok(ah_store_ticket_get(f->store, done, &f->arena, &t, &err));
    assert_int_equal(t.solved_at, T0 + 5);
    /* reopened: back to NULL; solved again: the new time */
    t.status = AH_STATUS_OPEN;
    t.solved_at = 0;
    assert_ok(ah_store_ticket_update(f->store, &t, &err));
    snprintf(sql, sizeof(sql), "SELECT solved_at FROM tickets WHERE id = %lld", (long long)done);
    assert_int_equal(sql_i64(f->path, sql), -2);
    t.status = AH_STATUS_CLOSED;
    t.solved_at = T0 + 9;
    assert_ok(ah_store_ticket_update(f->store, &t, &err));
    assert_ok(ah_store_ticket_list(f->store, &fl, &f->arena, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, done);
    assert_int_equal(items[0].solved_at, T0 + 9);
    assert_int_equal(items[1].solved_at, 0);
}

static void test_store_policy_business_hours_round_trip(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_policy p = {.weekly_minutes = 480, .weeks_per_year = 1, .timezone = "UTC",
                          .week_start = 1, .default_tier = 2,
                          .business_days = 0x3e, /* Monday to Friday */
                          .business_start = 8 * 60, .business_end = 18 * 60 + 30,
                          .updated_at = T0};
    struct ah_policy got;

    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_policy_get(f->store, &f->arena, &got, &err));
    assert_int_equal(got.business_days, 0x3e);
    assert_int_equal(got.business_start, 480);
    assert_int_equal(got.business_end, 1110);
    assert_int_equal(got.default_tier, 2);
    p.business_days = 0;
    p.business_start = 0;
    p.business_end = 24 * 60;
    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_policy_get(f->store, &f->arena, &got, &err));
    assert_int_equal(got.business_days, 0);
    assert_int_equal(got.business_start, 0);
    assert_int_equal(got.business_end, 1440);
}

/* The digest is mail about no ticket: ticket_id 0 is stored NULL and read 0. */
static void test_store_mail_out_about_no_ticket(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket(f, cust, "Refund", AH_STATUS_NEW, 1, "", 0);
    int64_t ack = add_mail_out(f, t, 0, "ack@desk.example", T0);
    struct ah_mail_out m = {.kind = AH_MAIL_DIGEST, .msgid = "digest@desk.example",
                            .mail_from = "desk@example.com", .rcpt = "lead@example.com",
                            .data = "Subject: The week\r\n\r\nHi\r\n", .created_at = T0,
                            .next_at = T0};
    struct ah_mail_out *items;
    char sql[128];
    size_t n;

    assert_ok(ah_store_mail_out_insert(f->store, &m, &err));
    snprintf(sql, sizeof(sql), "SELECT ticket_id FROM mail_out WHERE id = %lld",
             (long long)m.id);
    assert_int_equal(sql_i64(f->path, sql), -2);
    expect_mail_counts(f, 2, 0);
    items = CLAIM(f, T0, 10, 0, ack, m.id);
    assert_int_equal(items[0].ticket_id, t);
    assert_int_equal(items[1].ticket_id, 0);
    assert_int_equal(items[1].message_id, 0);
    assert_int_equal(items[1].kind, AH_MAIL_DIGEST);
    assert_string_equal(items[1].rcpt, "lead@example.com");
    assert_ok(ah_store_mail_out_settle(f->store, m.id, T0 + 1, 0, 0, NULL, &err));
    expect_mail_counts(f, 1, 0);
    /* a ticket's outbox does not show it */
    assert_ok(ah_store_mail_out_list(f->store, t, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, ack);
    assert_ok(ah_store_mail_out_list(f->store, 0, &f->arena, &items, &n, &err));
    assert_int_equal(n, 0);
}

static void add_note(struct fx *f, int64_t ticket, int64_t author, int64_t at)
{
    struct ah_error err = {0};
    struct ah_message m = {.ticket_id = ticket, .kind = AH_MSG_NOTE, .author_id = author,
                           .body = "internal", .created_at = at};

    assert_ok(ah_store_message_insert(f->store, &m, &err));
}

/* First responses in [from, to), by response then id; the department is
 * the assignee's (who answered a ticket holds it). */
static void test_store_digest_responses_department_and_order(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t sup = add_staff(f, "sue@example.com", "Sue", "Support");
    int64_t sal = add_staff(f, "sal@example.com", "Sal", "Sales");
    int64_t eng = add_staff(f, "eve@example.com", "Eve", "Engineering");
    int64_t nod = add_staff(f, "ned@example.com", "Ned", "");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    const int64_t from = T0 + DAY, to = T0 + 8 * DAY;
    int64_t late = add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING, .tier = 2,
                                                      .created = from, .due = from + MINUTE,
                                                      .first_response = from + 3 * DAY});
    int64_t first = add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED,
                                                       .created = T0, .due = from + DAY,
                                                       .first_response = from});
    int64_t tie = add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING,
                                                     .created = T0 + 1, .due = from + DAY,
                                                     .first_response = from + 3 * DAY});
    int64_t none = add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING,
                                                      .created = T0, .due = from,
                                                      .first_response = to - 1});
    int64_t after = add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING,
                                                       .created = T0, .due = from,
                                                       .first_response = to});
    struct ah_digest_timing *items;
    size_t n;

    /* answered before the span; not answered at all */
    add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING, .created = T0,
                                      .due = T0 + 60 * MINUTE, .first_response = from - 1});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_OPEN, .created = from, .due = from});
    add_message(f, first, 0, "Help", T0);
    add_note(f, first, eng, from - 10); /* a note is not a reply */
    add_message(f, first, sup, "On it", from);
    add_message(f, first, sal, "And more", from + 5);
    add_message(f, late, sal, "Sorry", from + 3 * DAY);
    add_message(f, late, sup, "Again", from + 4 * DAY);
    add_message(f, tie, nod, "Done", from + 3 * DAY);
    /* none: answered by mail the store has no reply for */
    /* the department is the assignee's: who answered holds the ticket */
    {
        char q[160];

        snprintf(q, sizeof(q), "UPDATE tickets SET assignee_id = %" PRId64 " WHERE id = %"
                 PRId64, sup, first);
        sql_exec(f->path, q);
        snprintf(q, sizeof(q), "UPDATE tickets SET assignee_id = %" PRId64 " WHERE id = %"
                 PRId64, sal, late);
        sql_exec(f->path, q);
        snprintf(q, sizeof(q), "UPDATE tickets SET assignee_id = %" PRId64 " WHERE id = %"
                 PRId64, nod, tie);
        sql_exec(f->path, q);
    }

    assert_ok(ah_store_digest_responses(f->store, from, to, &f->arena, &items, &n, &err));
    assert_int_equal(n, 4);
    assert_int_equal(items[0].ticket_id, first);
    assert_int_equal(items[0].tier, 1);
    assert_int_equal(items[0].created_at, T0);
    assert_int_equal(items[0].at, from);
    assert_int_equal(items[0].due_at, from + DAY);
    assert_string_equal(items[0].department, "Support");
    assert_int_equal(items[1].ticket_id, late); /* the same response time: by id */
    assert_int_equal(items[1].tier, 2);
    assert_int_equal(items[1].at, from + 3 * DAY);
    assert_int_equal(items[1].due_at, from + MINUTE);
    assert_string_equal(items[1].department, "Sales");
    assert_int_equal(items[2].ticket_id, tie);
    assert_string_equal(items[2].department, "");
    assert_int_equal(items[3].ticket_id, none);
    assert_int_equal(items[3].at, to - 1);
    assert_string_equal(items[3].department, "");
    assert_ok(ah_store_digest_responses(f->store, to, to + DAY, &f->arena, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].ticket_id, after);
    assert_ok(ah_store_digest_responses(f->store, to + 1, to + DAY, &f->arena, &items, &n,
                                        &err));
    assert_int_equal(n, 0);
}

/* Solutions in [from, to), by solution then id; the department is the
 * assignee's. */
static void test_store_digest_solved_assignee_department(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t sup = add_staff(f, "sue@example.com", "Sue", "Support");
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    const int64_t from = T0 + DAY, to = T0 + 8 * DAY;
    int64_t b = add_timed(f, cust, (struct timed){.status = AH_STATUS_CLOSED, .tier = 2,
                                                   .created = T0, .resolve_due = from + DAY,
                                                   .solved = from + 2 * DAY});
    int64_t a = add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .created = T0 + 1,
                                                   .resolve_due = from, .solved = from,
                                                   .assignee = sup});
    int64_t c = add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .created = T0,
                                                   .resolve_due = to, .solved = from + 2 * DAY,
                                                   .assignee = sup});
    struct ah_digest_timing *items;
    size_t n;

    add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .created = T0, .solved = to});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_OPEN, .created = from});
    assert_ok(ah_store_digest_solved(f->store, from, to, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].ticket_id, a);
    assert_int_equal(items[0].at, from);
    assert_int_equal(items[0].due_at, from);
    assert_int_equal(items[0].created_at, T0 + 1);
    assert_string_equal(items[0].department, "Support");
    assert_int_equal(items[1].ticket_id, b);
    assert_int_equal(items[1].tier, 2);
    assert_int_equal(items[1].due_at, from + DAY);
    assert_string_equal(items[1].department, ""); /* nobody's */
    assert_int_equal(items[2].ticket_id, c);
    assert_string_equal(items[2].department, "Support");
}

static void expect_breaches(struct fx *f, int64_t from, int64_t to, int64_t now,
                            struct ah_digest_breaches want, const char *what)
{
    struct ah_error err = {0};
    struct ah_digest_breaches got;

    memset(&got, 0xff, sizeof(got));
    assert_ok(ah_store_digest_breaches(f->store, from, to, now, &got, &err));
    if (got.first_due != want.first_due || got.first_missed != want.first_missed ||
        got.resolve_due != want.resolve_due || got.resolve_missed != want.resolve_missed)
        fail_msg("%s: first %lld/%lld, resolve %lld/%lld; want %lld/%lld, %lld/%lld", what,
                 (long long)got.first_missed, (long long)got.first_due,
                 (long long)got.resolve_missed, (long long)got.resolve_due,
                 (long long)want.first_missed, (long long)want.first_due,
                 (long long)want.resolve_missed, (long long)want.resolve_due);
}

/* Deadlines in [from, to): missed when met late, or not met by min(to, now);
 * one not met that falls after now (a week still running) is not missed
 * yet. */
static void test_store_digest_breaches_now_before_to(void **state)
{
    struct fx *f = *state;
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    const int64_t from = T0 + DAY, to = T0 + 8 * DAY, now = T0 + 5 * DAY;
    /* far outside the span, both deadlines */
    const int64_t far = T0 + 30 * DAY;

    /* first responses: met in time (at the deadline), met late, not met and
     * passed, not met and still to come; one due outside the span */
    add_timed(f, cust, (struct timed){.created = T0, .due = from, .first_response = from,
                                      .resolve_due = far});
    add_timed(f, cust, (struct timed){.created = T0, .due = from + DAY,
                                      .first_response = from + DAY + 1, .resolve_due = far});
    add_timed(f, cust, (struct timed){.created = T0, .due = now - 1, .resolve_due = far});
    add_timed(f, cust, (struct timed){.created = T0, .due = now + 1, .resolve_due = far});
    add_timed(f, cust, (struct timed){.created = T0, .due = to, .resolve_due = far});
    /* resolutions: solved in time, solved late, not solved and passed, not
     * solved and still to come */
    add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .created = T0, .due = far,
                                      .resolve_due = from + DAY, .solved = from});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_CLOSED, .created = T0, .due = far,
                                      .resolve_due = from + DAY, .solved = from + 2 * DAY});
    add_timed(f, cust, (struct timed){.created = T0, .due = far, .resolve_due = now - DAY});
    add_timed(f, cust, (struct timed){.created = T0, .due = far, .resolve_due = to - 1});

    expect_breaches(f, from, to, now, (struct ah_digest_breaches){4, 2, 4, 2}, "now in the span");
    /* at the span's end, what is still not met is missed */
    expect_breaches(f, from, to, to + DAY, (struct ah_digest_breaches){4, 3, 4, 3},
                    "now after it");
    expect_breaches(f, from, to, to, (struct ah_digest_breaches){4, 3, 4, 3}, "now at its end");
    expect_breaches(f, to + DAY, to + 2 * DAY, now, (struct ah_digest_breaches){0, 0, 0, 0},
                    "an empty span");
}

/* Open tickets (new, open, pending) by tier and age at now: a day old is in
 * the second bucket, three days in the third, seven in the last. */
static void test_store_digest_backlog_age_buckets(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    const int64_t now = T0 + 30 * DAY;
    const int64_t ages[] = {0, DAY - 1, DAY, 3 * DAY - 1, 3 * DAY, 7 * DAY - 1, 7 * DAY,
                            20 * DAY};
    const int64_t tier1[AH_BACKLOG_AGES] = {2, 2, 2, 2};
    const int64_t tier2[AH_BACKLOG_AGES] = {1, 0, 0, 3};
    struct ah_digest_backlog got;

    for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
        add_timed(f, cust, (struct timed){.status = (enum ah_status)(i % 3), .tier = 1,
                                          .created = now - ages[i]});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_NEW, .tier = 2, .created = now});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_PENDING, .tier = 2,
                                      .created = now - 7 * DAY});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_OPEN, .tier = 2, .created = T0});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_OPEN, .tier = 2, .created = 1});
    /* solved and closed ones are not the backlog */
    add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .tier = 1, .created = now,
                                      .solved = now});
    add_timed(f, cust, (struct timed){.status = AH_STATUS_CLOSED, .tier = 2, .created = T0,
                                      .solved = now});

    memset(&got, 0xff, sizeof(got));
    assert_ok(ah_store_digest_backlog(f->store, now, &got, &err));
    for (int i = 0; i < AH_BACKLOG_AGES; i++) {
        if (got.tickets[0][i] != tier1[i])
            fail_msg("tier 1, age %d: %lld, want %lld", i, (long long)got.tickets[0][i],
                     (long long)tier1[i]);
        if (got.tickets[1][i] != tier2[i])
            fail_msg("tier 2, age %d: %lld, want %lld", i, (long long)got.tickets[1][i],
                     (long long)tier2[i]);
    }
}

static void add_outcome(struct fx *f, int64_t ticket, int64_t author, enum ah_review_status st,
                        const char *final_body, int64_t reviewer, int64_t decided)
{
    struct ah_error err = {0};
    struct ah_review r = {.ticket_id = ticket, .author_id = author, .body = "We refunded you.",
                          .status = st, .reviewer_id = reviewer, .final_body = final_body,
                          .created_at = T0, .decided_at = decided};

    assert_ok(ah_store_review_insert(f->store, &r, &err));
}

/* Approved as written (no edit, or the same text), approved edited,
 * returned; held and passed replies are no decision. */
static void test_store_review_outcomes_edited_vs_approved(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t tia = add_person(f, "tia@example.com", "Tia", AH_ROLE_MEMBER);
    int64_t pro = add_person(f, "pro@example.com", "Pat", AH_ROLE_PRO);
    int64_t lea = add_person(f, "lea@example.com", "Lea", AH_ROLE_LEAD);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_ticket(f, cust, "Refund", AH_STATUS_OPEN, 1, "", 0);
    const int64_t from = T0 + DAY, to = T0 + 8 * DAY;
    struct ah_review_outcomes got = {-1, -1, -1};

    add_outcome(f, t, tia, AH_REVIEW_APPROVED, NULL, pro, from);
    add_outcome(f, t, tia, AH_REVIEW_APPROVED, "We refunded you.", lea, from + 1);
    add_outcome(f, t, tia, AH_REVIEW_APPROVED, "We refunded you today.", pro, from + 2);
    add_outcome(f, t, tia, AH_REVIEW_APPROVED, "We refunded you!", lea, to - 1);
    add_outcome(f, t, tia, AH_REVIEW_RETURNED, NULL, pro, from + 3);
    add_outcome(f, t, tia, AH_REVIEW_HELD, NULL, 0, 0);
    add_outcome(f, t, tia, AH_REVIEW_PASSED, NULL, 0, 0);
    /* outside the span */
    add_outcome(f, t, tia, AH_REVIEW_APPROVED, NULL, pro, from - 1);
    add_outcome(f, t, tia, AH_REVIEW_RETURNED, NULL, pro, to);

    assert_ok(ah_store_review_outcomes(f->store, from, to, &got, &err));
    assert_int_equal(got.approved, 2);
    assert_int_equal(got.edited, 2);
    assert_int_equal(got.returned, 1);
    assert_ok(ah_store_review_outcomes(f->store, to + 1, to + DAY, &got, &err));
    assert_int_equal(got.approved + got.edited + got.returned, 0);
}

/* The week's biggest groups, most tickets first, ties by id; merged groups
 * and other weeks left out. */
static void test_store_group_top_week_order(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    const int64_t week = 20454, other = week + 7;
    int64_t g1 = add_group(f, "one", 5, AH_QGROUP_OPEN, 0);
    int64_t g2 = add_group(f, "two", 9, AH_QGROUP_OPEN, 0);
    int64_t g3 = add_group(f, "three", 5, AH_QGROUP_NOT_PRODUCT, 0);
    int64_t g4 = add_group(f, "merged", 20, AH_QGROUP_MERGED, 0);
    int64_t g5 = add_group(f, "next week", 30, AH_QGROUP_OPEN, 0);
    struct ah_qgroup_week *w;
    size_t n;

    assert_ok(ah_store_group_week_add(f->store, g3, week, 5, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, week, 2, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, week, 3, &err));
    assert_ok(ah_store_group_week_add(f->store, g2, week, 9, &err));
    assert_ok(ah_store_group_week_add(f->store, g4, week, 20, &err));
    assert_ok(ah_store_group_week_add(f->store, g5, other, 30, &err));
    assert_ok(ah_store_group_week_add(f->store, g1, other, 1, &err));

    assert_ok(ah_store_group_top_week(f->store, week, 10, &f->arena, &w, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(w[0].group_id, g2);
    assert_int_equal(w[0].n, 9);
    assert_int_equal(w[0].week_day, week);
    assert_int_equal(w[1].group_id, g1);
    assert_int_equal(w[1].n, 5);
    assert_int_equal(w[2].group_id, g3);
    assert_int_equal(w[2].n, 5);
    assert_ok(ah_store_group_top_week(f->store, week, 2, &f->arena, &w, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(w[1].group_id, g1);
    assert_ok(ah_store_group_top_week(f->store, other, 10, &f->arena, &w, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(w[0].group_id, g5);
    assert_int_equal(w[1].group_id, g1);
    assert_ok(ah_store_group_top_week(f->store, week - 7, 10, &f->arena, &w, &n, &err));
    assert_int_equal(n, 0);
}

static void join_group(struct fx *f, int64_t ticket, int64_t group, bool after_fix,
                       int64_t joined)
{
    struct ah_error err = {0};
    struct ah_qgroup_ticket p = {.ticket_id = ticket, .group_id = group, .score = 0.5,
                                 .after_fix = after_fix, .joined_at = joined};

    assert_ok(ah_store_group_ticket_put(f->store, &p, &err));
}

/* Per group, the tickets that joined after its fix shipped, in the span,
 * most first, ties by id. */
static void test_store_after_fix_counts_order(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t g1 = add_group(f, "one", 0, AH_QGROUP_OPEN, 0);
    int64_t g2 = add_group(f, "two", 0, AH_QGROUP_OPEN, 0);
    int64_t g3 = add_group(f, "three", 0, AH_QGROUP_OPEN, 0);
    const int64_t from = T0 + DAY, to = T0 + 8 * DAY;
    int64_t t[9];
    struct ah_after_fix_count *items;
    size_t n;

    for (int i = 0; i < 9; i++)
        t[i] = add_ticket(f, cust, "again", AH_STATUS_NEW, 1, "", 0);
    join_group(f, t[0], g3, true, from);
    join_group(f, t[1], g3, true, to - 1);
    join_group(f, t[2], g2, true, from + 5);
    join_group(f, t[3], g1, true, from + 6);
    join_group(f, t[4], g1, false, from + 7); /* before the fix */
    join_group(f, t[5], g2, true, to);        /* after the span */
    join_group(f, t[6], g2, true, from - 1);  /* before it */
    join_group(f, t[7], g3, false, from);

    assert_ok(ah_store_after_fix_counts(f->store, from, to, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].group_id, g3);
    assert_int_equal(items[0].tickets, 2);
    assert_int_equal(items[1].group_id, g1);
    assert_int_equal(items[1].tickets, 1);
    assert_int_equal(items[2].group_id, g2);
    assert_int_equal(items[2].tickets, 1);
    assert_ok(ah_store_after_fix_counts(f->store, to + 1, to + DAY, &f->arena, &items, &n,
                                        &err));
    assert_int_equal(n, 0);
}

static int64_t add_someone(struct fx *f, const char *email, enum ah_role role, bool leader,
                           bool active)
{
    struct ah_error err = {0};
    struct ah_person p = {.email = email, .name = email, .role = role, .leader = leader,
                          .active = active, .created_at = T0, .updated_at = T0};

    assert_ok(ah_store_person_insert(f->store, &p, NULL, &err));
    return p.id;
}

/* Leads, admins and leaders get the digest unless they said no; anyone
 * else who said yes gets it; nobody inactive. */
static void test_store_digest_subscribers_defaults_and_opt_out(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t member = add_someone(f, "member@example.com", AH_ROLE_MEMBER, false, true);
    int64_t lead = add_someone(f, "lead@example.com", AH_ROLE_LEAD, false, true);
    int64_t pro_in = add_someone(f, "pro@example.com", AH_ROLE_PRO, false, true);
    int64_t admin = add_someone(f, "admin@example.com", AH_ROLE_ADMIN, false, true);
    int64_t leader = add_someone(f, "ceo@example.com", AH_ROLE_MEMBER, true, true);
    int64_t lead_out = add_someone(f, "busy@example.com", AH_ROLE_LEAD, false, true);
    int64_t gone_in = add_someone(f, "left@example.com", AH_ROLE_MEMBER, false, false);
    struct ah_digest_subscriber *items;
    bool set = true, subscribed = true;
    size_t n;

    assert_ok(ah_store_digest_subscription_get(f->store, lead, &set, &subscribed, &err));
    assert_false(set);
    assert_false(subscribed);
    add_someone(f, "gone@example.com", AH_ROLE_LEAD, false, false); /* a lead who left */
    assert_ok(ah_store_digest_subscription_put(f->store, pro_in, true, T0, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, lead_out, true, T0, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, lead_out, false, T0 + 1, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, gone_in, true, T0, &err));
    assert_ok(ah_store_digest_subscription_get(f->store, lead_out, &set, &subscribed, &err));
    assert_true(set);
    assert_false(subscribed);
    assert_ok(ah_store_digest_subscription_get(f->store, pro_in, &set, &subscribed, &err));
    assert_true(set);
    assert_true(subscribed);
    assert_int_equal(sql_i64(f->path, "SELECT max(updated_at) FROM digest_subscriptions"),
                     T0 + 1);
    assert_code(AH_E_INVALID, ah_store_digest_subscription_put(f->store, 9999, true, T0, &err));

    /* an admin runs people, not the program: not in unless they say yes */
    assert_ok(ah_store_digest_subscribers(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(items[0].person_id, lead);
    assert_string_equal(items[0].email, "lead@example.com");
    assert_string_equal(items[0].name, "lead@example.com");
    assert_int_equal(items[1].person_id, pro_in);
    assert_int_equal(items[2].person_id, leader);
    /* a member who says yes is in; a lead who says yes again stays in */
    assert_ok(ah_store_digest_subscription_put(f->store, member, true, T0, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, lead, true, T0, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, admin, false, T0, &err));
    assert_ok(ah_store_digest_subscribers(f->store, &f->arena, &items, &n, &err));
    assert_int_equal(n, 4);
    assert_int_equal(items[0].person_id, member);
    assert_int_equal(items[1].person_id, lead);
    assert_int_equal(items[2].person_id, pro_in);
    assert_int_equal(items[3].person_id, leader);
}

/* One digest a week, whoever runs it: the first claim wins; done records
 * how many got it. */
static void test_store_digest_claim_once(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    bool first = false;

    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_digest_claim(f->store, 20454, T0, &first, &err));
    assert_true(first);
    assert_ok(ah_store_digest_claim(f->store, 20454, T0 + 1, &first, &err));
    assert_false(first);
    assert_ok(ah_store_digest_done(f->store, 20454, 12, &err));
    assert_ok(ah_store_commit(f->store, &err));
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_digest_claim(f->store, 20454, T0 + 2, &first, &err));
    assert_false(first);
    assert_ok(ah_store_digest_claim(f->store, 20461, T0 + 2, &first, &err));
    assert_true(first);
    assert_ok(ah_store_commit(f->store, &err));
    assert_int_equal(sql_i64(f->path, "SELECT recipients FROM digest_runs WHERE week_day = 20454"),
                     12);
    assert_int_equal(sql_i64(f->path, "SELECT ran_at FROM digest_runs WHERE week_day = 20454"),
                     T0);
    assert_int_equal(sql_i64(f->path, "SELECT recipients FROM digest_runs WHERE week_day = 20461"),
                     0);
    assert_code(AH_E_NOT_FOUND, ah_store_digest_done(f->store, 20468, 3, &err));
}

/* Migration 6 on a database version 5 wrote: a solved ticket was solved at
 * its last change, an open one not at all, the outbox keeps its rows and
 * their tickets and takes mail about none, the policy gets business hours'
 * defaults (none: wall-clock), nobody chose about the digest yet and no
 * week went out. */
static void test_store_migrate_from_version_5(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_store *st = NULL;
    struct ah_ticket t;
    struct ah_policy pol;
    struct ah_mail_out *items;
    struct ah_mail_out digest = {.kind = AH_MAIL_DIGEST, .msgid = "d@desk.example",
                                 .mail_from = "desk@example.com", .rcpt = "lead@example.com",
                                 .data = "x", .created_at = T0, .next_at = T0};
    struct ah_digest_subscriber *subs;
    struct ah_digest_timing *solved;
    struct ah_arena a;
    char path[4200];
    sqlite3 *db;
    int from = -1, to = -1;
    bool set = true, on = true, first = false;
    size_t n;

    snprintf(path, sizeof(path), "%s.v5", f->path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(sqlite3_exec(db, sqlite_migrations[i], NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "PRAGMA user_version = 5;"
                     "INSERT INTO people (email, name, role, created_at, updated_at, level)"
                     " VALUES ('lead@example.com', 'Lea Lead', 2, 1764000000000,"
                     " 1764000000000, 2);"
                     "INSERT INTO customers (email, name, created_at)"
                     " VALUES ('ann@example.com', 'Ann', 1764000000000);"
                     "INSERT INTO tickets (subject, requester_id, status, priority, tier, source,"
                     " due_at, resolve_due_at, first_response_at, created_at, updated_at)"
                     " VALUES ('Refund', 1, 3, 2, 1, 'email', 1764000001000, 1764000002000,"
                     " 1764000000500, 1764000000000, 1764000009000),"
                     " ('Login', 1, 1, 2, 2, 'email', 1764000001000, 1764000002000, NULL,"
                     " 1764000000000, 1764000003000),"
                     " ('Old', 1, 4, 2, 2, 'email', 1764000001000, 1764000002000, NULL,"
                     " 1764000000000, 1764000004000);"
                     "INSERT INTO policy (id, weekly_minutes, default_tier) VALUES (1, 300, 1);"
                     "INSERT INTO mail_out (ticket_id, message_id, kind, msgid, mail_from, rcpt,"
                     " data, created_at, attempts, next_at, sent_at, last_error) VALUES"
                     " (2, NULL, 1, 'ack@desk.example', 'desk@example.com', 'ann@example.com',"
                     " 'Subject: ack', 1764000000000, 1, 1764000000000, 1764000000100, ''),"
                     " (1, NULL, 1, 'ack1@desk.example', 'desk@example.com', 'ann@example.com',"
                     " 'Subject: ack', 1764000000000, 2, 1764000000000, NULL, '421 later')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    ah_arena_init(&a);
    assert_ok(ah_store_open(path, false, &st, &err));
    assert_ok(ah_store_migrate(st, &from, &to, &err));
    assert_int_equal(from, 5);
    assert_int_equal(to, ah_store_schema_version());
    assert_ok(ah_store_ticket_get(st, 1, &a, &t, &err));
    assert_string_equal(t.subject, "Refund");
    assert_int_equal(t.solved_at, 1764000009000LL);
    assert_int_equal(t.first_response_at, 1764000000500LL);
    assert_ok(ah_store_ticket_get(st, 2, &a, &t, &err));
    assert_int_equal(t.solved_at, 0);
    assert_ok(ah_store_ticket_get(st, 3, &a, &t, &err));
    assert_int_equal(t.solved_at, 1764000004000LL);
    assert_ok(ah_store_digest_solved(st, 0, INT64_MAX, &a, &solved, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(solved[0].ticket_id, 3);
    assert_int_equal(solved[1].ticket_id, 1);
    /* the outbox: rows, ids and tickets kept; the new one may name none */
    assert_ok(ah_store_mail_out_list(st, 2, &a, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, 1);
    assert_int_equal(items[0].ticket_id, 2);
    assert_string_equal(items[0].msgid, "ack@desk.example");
    assert_int_equal(items[0].sent_at, 1764000000100LL);
    assert_ok(ah_store_mail_out_list(st, 1, &a, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, 2);
    assert_int_equal(items[0].attempts, 2);
    assert_string_equal(items[0].last_error, "421 later");
    assert_ok(ah_store_mail_out_insert(st, &digest, &err));
    assert_int_equal(digest.id, 3);
    assert_ok(ah_store_begin(st, &err));
    assert_ok(ah_store_mail_out_claim(st, T0, T0 + MINUTE, 10, &a, &items, &n, &err));
    assert_ok(ah_store_commit(st, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, 2);
    assert_int_equal(items[0].ticket_id, 1);
    assert_int_equal(items[1].id, 3);
    assert_int_equal(items[1].ticket_id, 0);
    /* the outbox's indexes came back with it */
    assert_int_equal(sql_i64(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index'"
                                   " AND tbl_name = 'mail_out' AND name IN ('mail_out_due',"
                                   " 'mail_out_ticket')"),
                     2);
    assert_ok(ah_store_policy_get(st, &a, &pol, &err));
    assert_int_equal(pol.weekly_minutes, 300);
    assert_int_equal(pol.default_tier, 1);
    assert_int_equal(pol.business_days, 0);
    assert_int_equal(pol.business_start, 540);
    assert_int_equal(pol.business_end, 1020);
    assert_ok(ah_store_digest_subscription_get(st, 1, &set, &on, &err));
    assert_false(set);
    assert_ok(ah_store_digest_subscribers(st, &a, &subs, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(subs[0].name, "Lea Lead");
    assert_ok(ah_store_begin(st, &err));
    assert_ok(ah_store_digest_claim(st, 20454, T0, &first, &err));
    assert_ok(ah_store_commit(st, &err));
    assert_true(first);
    ah_store_close(st);
    ah_arena_release(&a);
    fx_remove_db(path);
}

/* The digest's tables and columns copy whole: solved_at, business hours,
 * subscriptions, the weeks that went out, and mail about no ticket. */
static void test_store_copy_moves_digest_tables(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    int64_t lead = add_someone(f, "lead@example.com", AH_ROLE_LEAD, false, true);
    int64_t member = add_someone(f, "member@example.com", AH_ROLE_MEMBER, false, true);
    int64_t cust = add_customer(f, "ann@example.com", "Ann");
    int64_t t = add_timed(f, cust, (struct timed){.status = AH_STATUS_SOLVED, .created = T0,
                                                   .solved = T0 + 7});
    struct ah_policy p = {.weekly_minutes = 480, .weeks_per_year = 1, .timezone = "UTC",
                          .week_start = 1, .default_tier = 2, .business_days = 0x3e,
                          .business_start = 500, .business_end = 1000, .updated_at = T0};
    struct ah_mail_out m = {.kind = AH_MAIL_DIGEST, .msgid = "d@desk.example",
                            .mail_from = "desk@example.com", .rcpt = "lead@example.com",
                            .data = "x", .created_at = T0, .next_at = T0};
    struct ah_digest_subscriber *subs;
    struct ah_mail_out *items;
    struct ah_ticket got;
    struct ah_policy pol;
    struct ah_store *dst;
    char path[400];
    bool first = true, set = false, on = true;
    size_t n;

    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_mail_out_insert(f->store, &m, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, lead, false, T0, &err));
    assert_ok(ah_store_digest_subscription_put(f->store, member, true, T0, &err));
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_digest_claim(f->store, 20454, T0, &first, &err));
    assert_ok(ah_store_digest_done(f->store, 20454, 1, &err));
    assert_ok(ah_store_commit(f->store, &err));

    dst = copy_of(f, "digest", path, sizeof(path));
    assert_ok(ah_store_ticket_get(dst, t, &f->arena, &got, &err));
    assert_int_equal(got.solved_at, T0 + 7);
    assert_ok(ah_store_policy_get(dst, &f->arena, &pol, &err));
    assert_int_equal(pol.business_days, 0x3e);
    assert_int_equal(pol.business_start, 500);
    assert_int_equal(pol.business_end, 1000);
    assert_ok(ah_store_digest_subscription_get(dst, lead, &set, &on, &err));
    assert_true(set);
    assert_false(on);
    assert_ok(ah_store_digest_subscribers(dst, &f->arena, &subs, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(subs[0].person_id, member);
    assert_ok(ah_store_begin(dst, &err));
    assert_ok(ah_store_digest_claim(dst, 20454, T0 + 1, &first, &err));
    assert_ok(ah_store_mail_out_claim(dst, T0, T0 + MINUTE, 10, &f->arena, &items, &n, &err));
    assert_ok(ah_store_commit(dst, &err));
    assert_false(first);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, m.id);
    assert_int_equal(items[0].ticket_id, 0);
    assert_int_equal(items[0].kind, AH_MAIL_DIGEST);
    ah_store_close(dst);
    assert_int_equal(sql_i64(path, "SELECT recipients FROM digest_runs WHERE week_day = 20454"),
                     1);
    assert_int_equal(sql_i64(path, "SELECT count(*) FROM mail_out WHERE ticket_id IS NULL"), 1);
    fx_remove_db(path);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_store_migrate_applies_all),
        T(test_store_migrate_idempotent),
        T(test_store_migrate_refuses_newer_schema),
        T(test_store_migrate_from_version_1),
        T(test_store_migrate_from_version_2),
        T(test_store_migrate_from_version_3),
        T(test_store_migrate_from_version_4),
        T(test_store_open_missing_without_create),
        T(test_store_person_duplicate_email_conflict),
        T(test_store_person_round_trip),
        T(test_store_person_list_pages),
        T(test_store_rollback_discards),
        T(test_store_customer_upsert_finds_existing),
        T(test_store_ticket_insert_get),
        T(test_store_ticket_list_all_and_tier),
        T(test_store_ticket_list_status_mask),
        T(test_store_ticket_list_assignee),
        T(test_store_ticket_list_tag),
        T(test_store_ticket_list_fts),
        T(test_store_text_index_batches),
        T(test_store_ticket_list_fts_syntax_error_is_an_error),
        T(test_store_ticket_list_cursor_pages),
        T(test_store_ticket_update_and_set_tags),
        T(test_store_ticket_bad_requester_is_invalid),
        T(test_store_message_insert_counts),
        T(test_store_message_on_missing_ticket_is_invalid),
        T(test_store_credentials),
        T(test_store_audit_newest_first),
        T(test_store_readonly_file_refuses_writes),
        T(test_store_readonly_format_refuses_writes),
        T(test_store_write_failure_is_internal),
        T(test_store_busy_is_unavailable),
        T(test_store_backup_copies_and_verifies),
        T(test_store_backup_leaves_out_an_open_transaction),
        T(test_store_backup_refuses),
        T(test_store_restore_replaces_under_an_open_connection),
        T(test_store_restore_to_a_new_path),
        T(test_store_restore_refuses_bad_backups),
        T(test_store_person_level_round_trip),
        T(test_store_policy_new_fields_round_trip),
        T(test_store_queue_reserve_leaves_out_young_tier1),
        T(test_store_rules_version_bump),
        T(test_store_route_rules_crud_and_order),
        T(test_store_style_rules_conflict_and_soft_delete),
        T(test_store_style_hits_add_and_sum),
        T(test_store_reviews_insert_get_update_list),
        T(test_store_review_stats_and_counts),
        T(test_store_escalations_count_per_person),
        T(test_store_modules_and_completions),
        T(test_store_pairings_by_person_and_span),
        T(test_store_macros_crud_by_name),
        T(test_store_members_clocked_in),
        T(test_store_mail_ids_insert_get_duplicate),
        T(test_store_mail_in_count_since_and_list),
        T(test_store_participants_duplicate_and_order),
        T(test_store_attachments_list_order_and_ticket),
        T(test_store_mail_out_claim_settle_counts),
        T(test_store_copy_moves_mail_tables),
        T(test_store_notification_once_per_ref),
        T(test_store_group_turn_and_pending),
        T(test_store_terms_df_upsert_and_words),
        T(test_store_group_postings_order_and_replace),
        T(test_store_group_insert_load_update),
        T(test_store_group_list_order_and_filters),
        T(test_store_group_ticket_put_get),
        T(test_store_group_members_filters),
        T(test_store_group_weeks_add_and_span),
        T(test_store_group_move_all),
        T(test_store_group_answerers),
        T(test_store_fixes_crud_and_list),
        T(test_store_copy_moves_group_tables),
        T(test_store_intakes_round_trip_and_list),
        T(test_store_intake_told_once),
        T(test_store_intake_counts_with_urgent),
        T(test_store_route_backs_list_and_counts),
        T(test_store_launches_crud_and_list),
        T(test_store_tagged_tickets_totals_order_and_window),
        T(test_store_kudos_conflict_and_list),
        T(test_store_copy_moves_feedback_tables),
        T(test_store_ticket_solved_at_round_trip),
        T(test_store_policy_business_hours_round_trip),
        T(test_store_mail_out_about_no_ticket),
        T(test_store_digest_responses_department_and_order),
        T(test_store_digest_solved_assignee_department),
        T(test_store_digest_breaches_now_before_to),
        T(test_store_digest_backlog_age_buckets),
        T(test_store_review_outcomes_edited_vs_approved),
        T(test_store_group_top_week_order),
        T(test_store_after_fix_counts_order),
        T(test_store_digest_subscribers_defaults_and_opt_out),
        T(test_store_digest_claim_once),
        T(test_store_migrate_from_version_5),
        T(test_store_copy_moves_digest_tables),
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
