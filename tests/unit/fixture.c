/* fixture.c - the test fixtures of fixture.h: owns the temporary directory and
 * database each test gets, and the context and people tests act through. */
#include "fixture.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/mem.h"
#include "domain/people.h"
#include "domain/program.h"

/* Closes f's store, releases its arena, removes the database files and the
 * directory, and frees f: the whole allocation. */
static void release(struct fx *f)
{
    ah_store_close(f->store);
    ah_arena_release(&f->arena);
    fx_remove_db(f->path);
    rmdir(f->dir);
    free(f);
}

int fx_setup(void **state, size_t size, const char *name)
{
    struct fx *f;
    const char *tmp = getenv("TMPDIR");
    struct ah_error err = {0};
    int from, to;

    assert(size >= sizeof(*f));
    *state = NULL;
    f = ah_xcalloc(1, size);
    snprintf(f->dir, sizeof(f->dir), "%s/ah_%s_XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    if (!mkdtemp(f->dir)) {
        print_error("setup: mkdtemp %s: %s\n", f->dir, strerror(errno));
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/allhands.db", f->dir);
    ah_arena_init(&f->arena);
    ah_settings_default(&f->settings);
    if (ah_store_open(f->path, true, &f->store, &err) ||
        ah_store_migrate(f->store, &from, &to, &err)) {
        print_error("setup: %s\n", err.msg);
        release(f);
        return -1;
    }
    f->cx = (struct ah_ctx){
        .store = f->store, .arena = &f->arena, .system = true, .now = T0, .settings = &f->settings};
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    if (*state)
        release(*state);
    return 0;
}

void fx_remove_db(const char *path)
{
    static const char *const beside[] = {"-wal", "-shm", "-journal"};
    char p[320];

    unlink(path);
    for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", path, beside[i]);
        unlink(p);
    }
}

void fx_as(struct fx *f, const struct ah_person *p)
{
    f->cx.actor = p;
    f->cx.system = false;
}

struct fx_actor fx_as_system(struct fx *f)
{
    struct fx_actor was = {f->cx.actor, f->cx.system};

    f->cx.actor = NULL;
    f->cx.system = true;
    return was;
}

void fx_restore(struct fx *f, struct fx_actor was)
{
    f->cx.actor = was.actor;
    f->cx.system = was.system;
}

struct ah_person fx_person(struct fx *f, const char *email, const char *name, enum ah_role role,
                           const char *password)
{
    struct ah_error err = {0};
    struct ah_person_input in;
    struct ah_person out = {0};
    struct fx_actor was = fx_as_system(f);

    ah_person_input_init(&in);
    in.email = ah_str_c(email);
    in.name = ah_str_c(name);
    in.role = (int)role;
    /* the tests that predate levels work as independent members */
    in.level = AH_LEVEL_TIER1;
    in.password = ah_str_c(password);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    fx_restore(f, was);
    return out;
}

void fx_default_tier(struct fx *f, int tier)
{
    struct ah_error err = {0};
    struct ah_policy p;

    ah_policy_default(&p);
    p.default_tier = tier;
    assert_ok(ah_store_begin(f->store, &err));
    assert_ok(ah_store_policy_put(f->store, &p, &err));
    assert_ok(ah_store_commit(f->store, &err));
}

struct ah_str fx_repeat(struct fx *f, char c, size_t n)
{
    char *p = ah_arena_alloc(&f->arena, n + 1);

    memset(p, c, n);
    p[n] = '\0';
    return (struct ah_str){p, n};
}

struct ah_ticket fx_reload(struct fx *f, int64_t id)
{
    struct ah_error err = {0};
    struct ah_ticket t = {0};

    assert_ok(ah_store_ticket_get(f->store, id, &f->arena, &t, &err));
    return t;
}

size_t fx_count_audit(struct fx *f)
{
    struct ah_error err = {0};
    struct ah_audit_entry *items;
    size_t n = 0;

    assert_ok(ah_store_audit_list(f->store, 0, 1000, &f->arena, &items, &n, &err));
    return n;
}

int fx_crypto_setup(void **state)
{
    struct ah_error err = {0};

    (void)state;
    if (ah_crypto_init(&err)) {
        print_error("%s\n", err.msg);
        return -1;
    }
    return 0;
}

void *fx_arena_new(size_t size)
{
    struct ah_arena *a;

    assert(size >= sizeof(*a));
    a = ah_xcalloc(1, size);
    ah_arena_init(a);
    return a;
}

void fx_arena_free(struct ah_arena *a)
{
    if (!a)
        return;
    ah_arena_release(a);
    free(a);
}

int fx_arena_teardown(void **state)
{
    fx_arena_free(*state);
    return 0;
}
