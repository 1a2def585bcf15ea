/* test_store.c - src/store/store_sqlite.c through store.h, on a fresh SQLite
 * file per test: migrations, people, tickets and their filters, messages,
 * credentials, the audit log, the error codes a real database gives
 * (constraint, read-only, failed write, busy), and backup and restore. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "fixture.h"
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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_store_migrate_applies_all),
        T(test_store_migrate_idempotent),
        T(test_store_migrate_refuses_newer_schema),
        T(test_store_migrate_from_version_1),
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
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
