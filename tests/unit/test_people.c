/* test_people.c - src/domain/people.c (and the audit log it writes) on a
 * fresh SQLite file per test: who may create and change people, input
 * checks and their caps, and the audit trail with before and after. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"
#include "core/limits.h"
#include "domain/audit.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "fixture.h"

static int setup(void **state)
{
    return fx_setup(state, sizeof(struct fx), "people");
}

static struct ah_person_input input(const char *email, const char *name)
{
    struct ah_person_input in;

    ah_person_input_init(&in);
    in.email = ah_str_c(email);
    in.name = ah_str_c(name);
    return in;
}

static int64_t count_people(struct fx *f)
{
    struct ah_error err = {0};
    int64_t n = -1;

    assert_ok(ah_store_person_count(f->store, &n, &err));
    return n;
}

/* An email address of exactly n bytes. */
static struct ah_str email_of_len(struct fx *f, size_t n)
{
    static const char domain[] = "@example.com";
    size_t local = n - (sizeof(domain) - 1);
    char *p = ah_arena_alloc(&f->arena, n + 1);

    memset(p, 'a', local);
    memcpy(p + local, domain, sizeof(domain));
    return (struct ah_str){p, n};
}

/* ---- create ---- */

static void test_people_create_by_lead(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee Lead", AH_ROLE_LEAD, NULL);
    struct ah_person_input in = input("Mia@Example.com", "  Mia Member  ");
    struct ah_person out, got;

    in.department = AH_STR_LIT("Support");
    fx_as(f, &lead);
    f->cx.now = T0 + 5000;
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_true(out.id > 0);
    assert_string_equal(out.email, "Mia@Example.com");
    assert_string_equal(out.name, "Mia Member"); /* trimmed */
    assert_string_equal(out.department, "Support");
    assert_string_equal(out.timezone, "UTC");
    assert_int_equal(out.role, AH_ROLE_MEMBER);
    assert_true(out.active);
    assert_false(out.leader);
    assert_int_equal(out.manager_id, 0);
    assert_true(out.created_at == T0 + 5000);
    assert_ok(ah_people_get(&f->cx, out.id, &got, &err));
    assert_string_equal(got.name, "Mia Member");
    assert_int_equal(got.role, AH_ROLE_MEMBER);
}

static void test_people_create_by_member_forbidden(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person member = fx_person(f, "m@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person pro = fx_person(f, "p@example.com", "Pia", AH_ROLE_PRO, NULL);
    struct ah_person_input in = input("new@example.com", "New");
    struct ah_person out;
    int64_t people = count_people(f);
    size_t audit = fx_count_audit(f);

    fx_as(f, &member);
    assert_code(AH_E_FORBIDDEN, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "manage people"));
    fx_as(f, &pro);
    assert_code(AH_E_FORBIDDEN, ah_people_create(&f->cx, &in, &out, &err));
    assert_int_equal(count_people(f), people);
    assert_int_equal(fx_count_audit(f), audit);
}

static void test_people_create_signed_out_unauthenticated(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person_input in = input("new@example.com", "New");
    struct ah_person out;

    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_people_create(&f->cx, &in, &out, &err));
    lead.active = false; /* a deactivated lead acts as nobody */
    fx_as(f, &lead);
    assert_code(AH_E_UNAUTHENTICATED, ah_people_create(&f->cx, &in, &out, &err));
}

static void test_people_create_admin_only_by_admin(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person admin = fx_person(f, "admin@example.com", "Ada", AH_ROLE_ADMIN, NULL);
    struct ah_person_input in = input("root@example.com", "Root");
    struct ah_person out;

    in.role = AH_ROLE_ADMIN;
    fx_as(f, &lead);
    assert_code(AH_E_FORBIDDEN, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "admin"));
    in.role = AH_ROLE_LEAD; /* a lead may make leads */
    in.email = AH_STR_LIT("lead2@example.com");
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    in.role = AH_ROLE_ADMIN;
    in.email = AH_STR_LIT("root@example.com");
    fx_as(f, &admin);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_int_equal(out.role, AH_ROLE_ADMIN);
}

static void test_people_create_bad_email_invalid(void **state)
{
    static const char *const bad[] = {"",
                                      "no-at-sign",
                                      "@example.com",
                                      "a@examplecom",
                                      "a@@example.com",
                                      "a@b@example.com",
                                      "a b@example.com",
                                      "a@example.com ",
                                      "<a@example.com>",
                                      "a,b@example.com",
                                      "a\"b@example.com",
                                      "a\n@example.com",
                                      "a\x7f@example.com"};
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    int64_t people = count_people(f);

    fx_as(f, &lead);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ah_person_input in = input(bad[i], "Name");

        if (ah_people_create(&f->cx, &in, &out, &err) != AH_E_INVALID)
            fail_msg("email '%s' was accepted", bad[i]);
        assert_non_null(strstr(err.msg, "email"));
    }
    {
        struct ah_person_input in = input(NULL, "Name"); /* no email at all */

        assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    }
    assert_int_equal(count_people(f), people);
}

static void test_people_create_empty_name_invalid(void **state)
{
    static const char *const bad[] = {"", "   ", "\t \n", "two\nlines", "tab\there"};
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    struct ah_person_input in = input("n@example.com", NULL);

    fx_as(f, &lead);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "name"));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        in = input("n@example.com", bad[i]);
        if (ah_people_create(&f->cx, &in, &out, &err) != AH_E_INVALID)
            fail_msg("name '%s' was accepted", bad[i]);
    }
}

static void test_people_create_name_cap(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    struct ah_person_input in = input("a@example.com", NULL);

    fx_as(f, &lead);
    in.name = fx_repeat(f, 'n', AH_MAX_NAME);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_int_equal(strlen(out.name), AH_MAX_NAME);
    in.email = AH_STR_LIT("b@example.com");
    in.name = fx_repeat(f, 'n', AH_MAX_NAME + 1);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    in.name = AH_STR_LIT("B");
    in.department = fx_repeat(f, 'd', AH_MAX_NAME);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    in.email = AH_STR_LIT("c@example.com");
    in.department = fx_repeat(f, 'd', AH_MAX_NAME + 1);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
}

static void test_people_create_email_cap(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    struct ah_person_input in = input(NULL, "E");

    fx_as(f, &lead);
    in.email = email_of_len(f, AH_MAX_EMAIL);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_int_equal(strlen(out.email), AH_MAX_EMAIL);
    in.email = email_of_len(f, AH_MAX_EMAIL + 1);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
}

static void test_people_create_password_caps(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    struct ah_person_input in = input("a@example.com", "A");
    const char *hash = NULL;
    struct ah_person got;

    fx_as(f, &lead);
    in.password = fx_repeat(f, 'p', AH_MIN_PASSWORD - 1);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    in.password = fx_repeat(f, 'p', AH_MAX_PASSWORD + 1);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    in.password = fx_repeat(f, 'p', AH_MIN_PASSWORD);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    in.email = AH_STR_LIT("b@example.com");
    in.password = fx_repeat(f, 'q', AH_MAX_PASSWORD);
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    /* the store keeps a hash that verifies, never the password */
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("b@example.com"), &f->arena, &got,
                                           &hash, &err));
    assert_non_null(hash);
    assert_null(strstr(hash, "qqqqqqqqqq"));
    assert_true(ah_crypto_password_verify(hash, in.password));
    assert_false(ah_crypto_password_verify(hash, fx_repeat(f, 'q', AH_MAX_PASSWORD - 1)));
}

static void test_people_create_timezone(void **state)
{
    static const char *const good[] = {"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                                       "Etc/GMT+5"};
    static const char *const bad[] = {
        "", "/etc/passwd", "../x", "Europe/Ber lin", "Europe.Berlin", "Zone\n"};
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    char email[64];

    fx_as(f, &lead);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct ah_person_input in;

        snprintf(email, sizeof(email), "good%zu@example.com", i);
        in = input(email, "TZ");
        in.timezone = ah_str_c(good[i]);
        assert_ok(ah_people_create(&f->cx, &in, &out, &err));
        assert_string_equal(out.timezone, good[i]);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ah_person_input in = input("bad@example.com", "TZ");

        in.timezone = ah_str_c(bad[i]);
        if (ah_people_create(&f->cx, &in, &out, &err) != AH_E_INVALID)
            fail_msg("timezone '%s' was accepted", bad[i]);
    }
}

static void test_people_create_timezone_cap(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;
    struct ah_person_input in = input("cap@example.com", "TZ");
    bool have_tzdb = access("/usr/share/zoneinfo", F_OK) == 0;

    fx_as(f, &lead);
    /* 64 bytes has the right shape, so only the tz database can refuse it */
    in.timezone = fx_repeat(f, 'Z', 64);
    if (have_tzdb) {
        assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
        assert_non_null(strstr(err.msg, "time zone database"));
    } else {
        assert_ok(ah_people_create(&f->cx, &in, &out, &err));
        in.email = AH_STR_LIT("cap2@example.com");
    }
    in.timezone = fx_repeat(f, 'Z', 65);
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "IANA name"));
    if (have_tzdb) {
        in.timezone = AH_STR_LIT("Mars/Olympus_Mons");
        assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    }
}

static void test_people_create_timezone_only_zones(void **state)
{
    /* files in the tz database directory that are not zones a browser knows
     * (Intl.DateTimeFormat throws RangeError for each) */
    static const char *const bad[] = {"leapseconds", "localtime", "posixrules",
                                      "posix/Europe/Berlin", "right/UTC"};
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person out;

    if (access("/usr/share/zoneinfo/leapseconds", F_OK) != 0)
        skip();
    fx_as(f, &lead);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ah_person_input in = input("tz@example.com", "TZ");

        in.timezone = ah_str_c(bad[i]);
        if (ah_people_create(&f->cx, &in, &out, &err) != AH_E_INVALID)
            fail_msg("timezone '%s' was accepted", bad[i]);
    }
}

static void test_people_create_duplicate_email_conflict(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person_input in = input("LEAD@example.COM", "Copy");
    struct ah_person out;
    size_t audit = fx_count_audit(f);

    fx_as(f, &lead);
    assert_code(AH_E_CONFLICT, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "LEAD@example.COM"));
    /* rolled back: no audit row for a person that does not exist */
    assert_int_equal(fx_count_audit(f), audit);
    assert_int_equal(count_people(f), 1);
}

static void test_people_create_manager(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person_input in = input("r@example.com", "Report");
    struct ah_person out;

    fx_as(f, &lead);
    in.has_manager = true;
    in.manager_id = 4242;
    assert_code(AH_E_INVALID, ah_people_create(&f->cx, &in, &out, &err));
    assert_non_null(strstr(err.msg, "4242"));
    assert_int_equal(count_people(f), 1);
    in.manager_id = lead.id;
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_int_equal(out.manager_id, lead.id);
}

static void test_people_create_is_audited(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person_input in = input("new@example.com", "New \"Quoted\" Person");
    struct ah_person out;
    struct ah_audit_entry *items;
    size_t n;
    json_t *after;
    char target[64];

    in.role = AH_ROLE_PRO;
    fx_as(f, &lead);
    f->cx.now = T0 + 77;
    assert_ok(ah_people_create(&f->cx, &in, &out, &err));
    assert_ok(ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    assert_true(n >= 1);
    snprintf(target, sizeof(target), "person:%lld", (long long)out.id);
    assert_string_equal(items[0].action, "person.create");
    assert_string_equal(items[0].target, target);
    assert_int_equal(items[0].actor_id, lead.id);
    assert_true(items[0].at == T0 + 77);
    assert_null(items[0].before);
    after = json_loads(items[0].after, 0, NULL);
    assert_non_null(after);
    assert_string_equal(json_string_value(json_object_get(after, "email")), "new@example.com");
    assert_string_equal(json_string_value(json_object_get(after, "name")), "New \"Quoted\" Person");
    assert_string_equal(json_string_value(json_object_get(after, "role")), "pro");
    assert_null(json_object_get(after, "password"));
    json_decref(after);
}

/* ---- update ---- */

static void test_people_update_role_audited(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person_input in;
    struct ah_person out, got;
    struct ah_audit_entry *items;
    size_t n;
    json_t *before, *after;
    char target[64];

    ah_person_input_init(&in);
    in.role = AH_ROLE_PRO;
    fx_as(f, &lead);
    f->cx.now = T0 + 1000;
    assert_ok(ah_people_update(&f->cx, mo.id, &in, &out, &err));
    assert_int_equal(out.role, AH_ROLE_PRO);
    assert_true(out.updated_at == T0 + 1000);
    assert_string_equal(out.name, "Mo"); /* fields not given are kept */
    assert_ok(ah_people_get(&f->cx, mo.id, &got, &err));
    assert_int_equal(got.role, AH_ROLE_PRO);

    assert_ok(ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    assert_true(n >= 1);
    snprintf(target, sizeof(target), "person:%lld", (long long)mo.id);
    assert_string_equal(items[0].action, "person.update");
    assert_string_equal(items[0].target, target);
    assert_int_equal(items[0].actor_id, lead.id);
    assert_true(items[0].at == T0 + 1000);
    /* before and after hold what changed, and only that */
    before = json_loads(items[0].before, 0, NULL);
    after = json_loads(items[0].after, 0, NULL);
    assert_non_null(before);
    assert_non_null(after);
    assert_int_equal(json_object_size(before), 1);
    assert_int_equal(json_object_size(after), 1);
    assert_string_equal(json_string_value(json_object_get(before, "role")), "member");
    assert_string_equal(json_string_value(json_object_get(after, "role")), "pro");
    json_decref(before);
    json_decref(after);
}

static void test_people_update_manager_audited_as_id_or_null(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person_input in;
    struct ah_person out;
    struct ah_audit_entry *items;
    size_t n;
    json_t *before, *after;

    ah_person_input_init(&in);
    in.has_manager = true;
    in.manager_id = lead.id;
    in.department = AH_STR_LIT("Billing \"East\"");
    fx_as(f, &lead);
    assert_ok(ah_people_update(&f->cx, mo.id, &in, &out, &err));
    assert_ok(ah_audit_list(&f->cx, 0, 1, &items, &n, &err));
    assert_int_equal(n, 1);
    before = json_loads(items[0].before, 0, NULL);
    after = json_loads(items[0].after, 0, NULL);
    assert_non_null(before);
    assert_non_null(after);
    assert_true(json_is_null(json_object_get(before, "manager_id")));
    assert_int_equal(json_integer_value(json_object_get(after, "manager_id")), lead.id);
    assert_string_equal(json_string_value(json_object_get(before, "department")), "");
    assert_string_equal(json_string_value(json_object_get(after, "department")),
                        "Billing \"East\"");
    assert_null(json_object_get(after, "role"));
    json_decref(before);
    json_decref(after);
}

static void test_people_update_own_role_forbidden(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person admin = fx_person(f, "admin@example.com", "Ada", AH_ROLE_ADMIN, NULL);
    struct ah_person_input in;
    struct ah_person out, got;

    ah_person_input_init(&in);
    in.role = AH_ROLE_MEMBER;
    fx_as(f, &lead);
    assert_code(AH_E_FORBIDDEN, ah_people_update(&f->cx, lead.id, &in, &out, &err));
    fx_as(f, &admin);
    assert_code(AH_E_FORBIDDEN, ah_people_update(&f->cx, admin.id, &in, &out, &err));
    assert_ok(ah_people_get(&f->cx, admin.id, &got, &err));
    assert_int_equal(got.role, AH_ROLE_ADMIN);
    /* another person may */
    assert_ok(ah_people_update(&f->cx, lead.id, &in, &out, &err));
    assert_int_equal(out.role, AH_ROLE_MEMBER);
}

static void test_people_member_cannot_read_audit(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person member = fx_person(f, "m@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person pro = fx_person(f, "p@example.com", "Pia", AH_ROLE_PRO, NULL);
    struct ah_person lead = fx_person(f, "l@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person admin = fx_person(f, "a@example.com", "Ada", AH_ROLE_ADMIN, NULL);
    struct ah_audit_entry *items = NULL;
    size_t n = 99;

    fx_as(f, &member);
    assert_code(AH_E_FORBIDDEN, ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    assert_non_null(strstr(err.msg, "audit"));
    assert_int_equal(n, 99);
    fx_as(f, &pro);
    assert_code(AH_E_FORBIDDEN, ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    fx_as(f, &lead);
    assert_ok(ah_audit_list(&f->cx, 0, 10, &items, &n, &err));
    assert_int_equal(n, 4);
    fx_as(f, &admin);
    assert_ok(ah_audit_list(&f->cx, 0, 2, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_ok(ah_audit_list(&f->cx, items[1].id, 10, &items, &n, &err));
    assert_int_equal(n, 2);
}

static void test_people_update_admin_role_only_by_admin(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person admin = fx_person(f, "admin@example.com", "Ada", AH_ROLE_ADMIN, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person_input in;
    struct ah_person out, got;
    size_t audit = fx_count_audit(f);

    ah_person_input_init(&in);
    in.role = AH_ROLE_ADMIN;
    fx_as(f, &lead);
    assert_code(AH_E_FORBIDDEN, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    in.role = AH_ROLE_MEMBER; /* nor take it away */
    assert_code(AH_E_FORBIDDEN, ah_people_update(&f->cx, admin.id, &in, &out, &err));
    assert_int_equal(fx_count_audit(f), audit);
    assert_ok(ah_people_get(&f->cx, mo.id, &got, &err));
    assert_int_equal(got.role, AH_ROLE_MEMBER);
    assert_ok(ah_people_get(&f->cx, admin.id, &got, &err));
    assert_int_equal(got.role, AH_ROLE_ADMIN);
    /* but a lead may change an admin's other fields */
    ah_person_input_init(&in);
    in.department = AH_STR_LIT("IT");
    assert_ok(ah_people_update(&f->cx, admin.id, &in, &out, &err));
    fx_as(f, &admin);
    in.role = AH_ROLE_ADMIN;
    assert_ok(ah_people_update(&f->cx, mo.id, &in, &out, &err));
    assert_int_equal(out.role, AH_ROLE_ADMIN);
}

static void test_people_update_refusals(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person_input in;
    struct ah_person out;
    size_t audit = fx_count_audit(f);

    fx_as(f, &lead);
    ah_person_input_init(&in);
    in.email = AH_STR_LIT("other@example.com");
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    ah_person_input_init(&in);
    in.password = AH_STR_LIT("a new password");
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    ah_person_input_init(&in);
    in.name = AH_STR_LIT("   ");
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    ah_person_input_init(&in);
    in.active = 0;
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, lead.id, &in, &out, &err));
    assert_non_null(strstr(err.msg, "yourself"));
    ah_person_input_init(&in);
    in.has_manager = true;
    in.manager_id = mo.id;
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    in.manager_id = 999;
    assert_code(AH_E_INVALID, ah_people_update(&f->cx, mo.id, &in, &out, &err));
    ah_person_input_init(&in);
    in.department = AH_STR_LIT("x");
    assert_code(AH_E_NOT_FOUND, ah_people_update(&f->cx, 999, &in, &out, &err));
    assert_int_equal(fx_count_audit(f), audit);
    fx_as(f, &mo);
    assert_code(AH_E_FORBIDDEN, ah_people_update(&f->cx, mo.id, &in, &out, &err));
}

static void test_people_update_deactivate(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person_input in;
    struct ah_person out;

    fx_as(f, &lead);
    ah_person_input_init(&in);
    in.active = 0;
    in.has_manager = true;
    in.manager_id = lead.id;
    assert_ok(ah_people_update(&f->cx, mo.id, &in, &out, &err));
    assert_false(out.active);
    assert_int_equal(out.manager_id, lead.id);
    ah_person_input_init(&in);
    in.has_manager = true;
    in.manager_id = 0; /* no manager */
    assert_ok(ah_people_update(&f->cx, mo.id, &in, &out, &err));
    assert_int_equal(out.manager_id, 0);
    assert_false(out.active);
}

/* ---- passwords, lists, names ---- */

static void test_people_set_password_owner_only(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person lead = fx_person(f, "lead@example.com", "Lee", AH_ROLE_LEAD, NULL);
    struct ah_person mo = fx_person(f, "mo@example.com", "Mo", AH_ROLE_MEMBER, NULL);
    struct ah_person got;
    const char *hash = NULL;

    fx_as(f, &lead);
    assert_code(AH_E_FORBIDDEN,
                ah_people_set_password(&f->cx, mo.id, AH_STR_LIT("lead's choice"), &err));
    fx_as(f, &mo);
    assert_code(AH_E_INVALID, ah_people_set_password(&f->cx, mo.id, AH_STR_LIT("short"), &err));
    assert_ok(ah_people_set_password(&f->cx, mo.id, AH_STR_LIT("mo's own secret"), &err));
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("mo@example.com"), &f->arena, &got,
                                           &hash, &err));
    assert_true(ah_crypto_password_verify(hash, AH_STR_LIT("mo's own secret")));
    fx_as_system(f);
    assert_ok(ah_people_set_password(&f->cx, mo.id, AH_STR_LIT("reset by operator"), &err));
    assert_ok(ah_store_person_get_by_email(f->store, AH_STR_LIT("mo@example.com"), &f->arena, &got,
                                           &hash, &err));
    assert_true(ah_crypto_password_verify(hash, AH_STR_LIT("reset by operator")));
    assert_false(ah_crypto_password_verify(hash, AH_STR_LIT("mo's own secret")));
}

static void test_people_list_pages(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person a = fx_person(f, "a@example.com", "A", AH_ROLE_MEMBER, NULL);
    struct ah_person b = fx_person(f, "b@example.com", "B", AH_ROLE_MEMBER, NULL);
    struct ah_person c = fx_person(f, "c@example.com", "C", AH_ROLE_MEMBER, NULL);
    struct ah_person *items;
    size_t n;

    fx_as(f, &a);
    assert_ok(ah_people_list(&f->cx, 0, 2, &items, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, a.id);
    assert_int_equal(items[1].id, b.id);
    assert_ok(ah_people_list(&f->cx, b.id, 2, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, c.id);
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED, ah_people_list(&f->cx, 0, 2, &items, &n, &err));
}

static void test_people_role_names(void **state)
{
    enum ah_role r = AH_ROLE_MEMBER;

    (void)state;
    assert_string_equal(ah_people_role_name(AH_ROLE_MEMBER), "member");
    assert_string_equal(ah_people_role_name(AH_ROLE_PRO), "pro");
    assert_string_equal(ah_people_role_name(AH_ROLE_LEAD), "lead");
    assert_string_equal(ah_people_role_name(AH_ROLE_ADMIN), "admin");
    assert_true(ah_people_role_parse(AH_STR_LIT("lead"), &r));
    assert_int_equal(r, AH_ROLE_LEAD);
    assert_false(ah_people_role_parse(AH_STR_LIT("Lead"), &r));
    assert_false(ah_people_role_parse(AH_STR_LIT("root"), &r));
    assert_false(ah_people_role_parse(AH_STR_LIT(""), &r));
    assert_int_equal(r, AH_ROLE_LEAD);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_people_create_by_lead),
        T(test_people_create_by_member_forbidden),
        T(test_people_create_signed_out_unauthenticated),
        T(test_people_create_admin_only_by_admin),
        T(test_people_create_bad_email_invalid),
        T(test_people_create_empty_name_invalid),
        T(test_people_create_name_cap),
        T(test_people_create_email_cap),
        T(test_people_create_password_caps),
        T(test_people_create_timezone),
        T(test_people_create_timezone_cap),
        T(test_people_create_timezone_only_zones),
        T(test_people_create_duplicate_email_conflict),
        T(test_people_create_manager),
        T(test_people_create_is_audited),
        T(test_people_update_role_audited),
        T(test_people_update_manager_audited_as_id_or_null),
        T(test_people_update_own_role_forbidden),
        T(test_people_member_cannot_read_audit),
        T(test_people_update_admin_role_only_by_admin),
        T(test_people_update_refusals),
        T(test_people_update_deactivate),
        T(test_people_set_password_owner_only),
        T(test_people_list_pages),
        T(test_people_role_names),
    };

    return cmocka_run_group_tests_name("people", tests, fx_crypto_setup, NULL);
}
