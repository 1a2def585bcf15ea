/* fixture.h - what the cmocka unit tests share: assertions on enum ah_err, a
 * fresh SQLite file per test with a context to act through (as someone, or as
 * the command line), people made by the command line, and an arena for the
 * tests that need no database. Helpers for one module stay in its
 * test_<module>.c. Includes cmocka.h with the headers it wants first. */
#ifndef AH_TESTS_UNIT_FIXTURE_H
#define AH_TESTS_UNIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/ctx.h"
#include "store/store.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z: the clock each context starts at */
#define MINUTE (60 * 1000LL)

/* Fails the test unless expr gives want, naming both codes and, on a failure,
 * err.msg: the caller has a struct ah_error err in scope. */
#define assert_code(want, expr)                                                               \
    do {                                                                                      \
        enum ah_err got_ = (expr);                                                            \
        if (got_ != (want))                                                                   \
            fail_msg("%s: want %s, got %s (%s)", #expr, ah_err_name(want), ah_err_name(got_), \
                     got_ ? err.msg : "");                                                    \
    } while (0)
#define assert_ok(expr) assert_code(AH_OK, expr)

/* One test's database and the context the domain calls receive. A test file
 * that needs more puts a struct fx first in its own fixture, so that *state
 * is also a struct fx *. */
struct fx {
    char dir[256];  /* the temporary directory, removed with the test */
    char path[300]; /* dir/allhands.db */
    struct ah_store *store;
    struct ah_arena arena;
    struct ah_settings settings; /* the defaults; a test may change them */
    struct ah_ctx cx;            /* on store, arena and settings; acts as the system at T0 */
};

/* A cmocka setup's work for a fresh database per test: allocates size zeroed
 * bytes (at least a struct fx, which they start with), makes a directory
 * $TMPDIR/ah_<name>_XXXXXX (/tmp without TMPDIR) holding allhands.db, opened
 * and migrated, sets cx up as described in struct fx, and points *state at it
 * all. 0; or -1, with *state NULL and the reason printed. fx_teardown frees it. */
int fx_setup(void **state, size_t size, const char *name);
/* A cmocka teardown for fx_setup's fixture (NULL: nothing): closes the store,
 * releases the arena, removes the database files and the directory, and frees
 * the whole allocation. */
int fx_teardown(void **state);
/* Removes the SQLite file path and whatever SQLite keeps beside it (-wal,
 * -shm, -journal); files that are not there are no error. */
void fx_remove_db(const char *path);

/* Whom a context acts as: what fx_as_system returns and fx_restore puts back. */
struct fx_actor {
    const struct ah_person *actor;
    bool system;
};

/* From now on f->cx acts as p, signed in (NULL: nobody signed in). */
void fx_as(struct fx *f, const struct ah_person *p);
/* From now on f->cx acts as the system: the command line. Returns whom it
 * acted as until now, for fx_restore. */
struct fx_actor fx_as_system(struct fx *f);
/* From now on f->cx acts as was (from fx_as_system) again. */
void fx_restore(struct fx *f, struct fx_actor was);
/* A person made by the command line with the given role and password (NULL:
 * none), whoever cx acts as, which is kept. Fails the test if refused. */
struct ah_person fx_person(struct fx *f, const char *email, const char *name, enum ah_role role,
                           const char *password);

/* A string of n copies of c, in f's arena. */
/* Writes the default policy with a new ticket's tier set to tier: the
 * tests that predate tiers have members work the tickets they create. */
void fx_default_tier(struct fx *f, int tier);
struct ah_str fx_repeat(struct fx *f, char c, size_t n);
/* Ticket id as the store has it now, read straight from the store. */
struct ah_ticket fx_reload(struct fx *f, int64_t id);
/* How many rows the audit log holds (up to 1000), read straight from the store. */
size_t fx_count_audit(struct fx *f);

/* A cmocka group setup for the tests that hash passwords or make secrets:
 * ah_crypto_init. -1, with the reason printed, when libsodium cannot start. */
int fx_crypto_setup(void **state);

/* For tests without a database: size zeroed bytes that start with a struct
 * ah_arena, initialised. The caller frees the result with fx_arena_free. */
void *fx_arena_new(size_t size);
/* Releases the arena a starts with and frees it (the whole allocation). */
void fx_arena_free(struct ah_arena *a);
/* A cmocka teardown for a fixture from fx_arena_new: fx_arena_free(*state). */
int fx_arena_teardown(void **state);

#endif
