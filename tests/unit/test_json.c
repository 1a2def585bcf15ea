/* test_json.c - src/http/json.c: strict request decoding against a field
 * list, and the API objects the encoders write. No database. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/limits.h"
#include "fixture.h"
#include "http/json.h"

enum { F_SUBJECT, F_COUNT, F_ASSIGNEE, F_URGENT, F_TAGS, NFIELDS };

static const struct ah_json_field fields[NFIELDS] = {
    [F_SUBJECT] = {"subject", AH_JSON_STRING, true, 10},
    [F_COUNT] = {"count", AH_JSON_INT, false, 0},
    [F_ASSIGNEE] = {"assignee_id", AH_JSON_INT_OR_NULL, false, 0},
    [F_URGENT] = {"urgent", AH_JSON_BOOL, false, 0},
    [F_TAGS] = {"tags", AH_JSON_STRINGS, false, 3},
};

struct dec {
    struct ah_arena arena; /* first: fx_arena_new */
    struct ah_json_value v[NFIELDS];
};

static int dec_setup(void **state)
{
    *state = fx_arena_new(sizeof(struct dec));
    return 0;
}

static enum ah_err decode(struct dec *d, const char *body, struct ah_error *err)
{
    return ah_json_decode(ah_str_c(body), fields, NFIELDS, d->v, &d->arena, err);
}

static enum ah_err decode_n(struct dec *d, const char *body, size_t n, struct ah_error *err)
{
    return ah_json_decode((struct ah_str){body, n}, fields, NFIELDS, d->v, &d->arena, err);
}

/* ---- decoding ---- */

static void test_json_decode_all_types(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_ok(decode(d,
                     "{\"subject\":\"Hi \\u00e9\\n\",\"count\":-9223372036854775808,"
                     "\"assignee_id\":42,\"urgent\":true,\"tags\":[\"a\",\"b\"]}",
                     &err));
    assert_true(d->v[F_SUBJECT].present);
    assert_int_equal(d->v[F_SUBJECT].s.len, 6);
    assert_string_equal(d->v[F_SUBJECT].s.p, "Hi \xC3\xA9\n");
    assert_true(d->v[F_COUNT].i == INT64_MIN);
    assert_true(d->v[F_ASSIGNEE].present);
    assert_false(d->v[F_ASSIGNEE].is_null);
    assert_int_equal(d->v[F_ASSIGNEE].i, 42);
    assert_true(d->v[F_URGENT].b);
    assert_int_equal(d->v[F_TAGS].n, 2);
    assert_string_equal(d->v[F_TAGS].items[0].p, "a");
    assert_string_equal(d->v[F_TAGS].items[1].p, "b");
    /* what is not given is not present */
    assert_ok(decode(d, "{\"subject\":\"x\"}", &err));
    assert_false(d->v[F_COUNT].present);
    assert_false(d->v[F_TAGS].present);
    assert_false(d->v[F_URGENT].b);
}

static void test_json_decode_null_only_where_allowed(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_ok(decode(d, "{\"subject\":\"x\",\"assignee_id\":null}", &err));
    assert_true(d->v[F_ASSIGNEE].present);
    assert_true(d->v[F_ASSIGNEE].is_null);
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":null}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"count\":null}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"urgent\":null}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"tags\":null}", &err));
}

static void test_json_decode_unknown_field(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"subjet\":\"typo\"}", &err));
    assert_non_null(strstr(err.msg, "unknown field 'subjet'"));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"Subject\":\"y\"}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"\":1}", &err));
}

static void test_json_decode_duplicate_key(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"a\",\"subject\":\"b\"}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"a\",\"count\":1,\"count\":1}", &err));
    /* the same key spelled with an escape is the same key */
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"a\",\"subj\\u0065ct\":\"b\"}", &err));
}

static void test_json_decode_wrong_types(void **state)
{
    static const char *const bad[] = {
        "{\"subject\":5}",
        "{\"subject\":[\"x\"]}",
        "{\"subject\":{}}",
        "{\"subject\":true}",
        "{\"subject\":\"x\",\"count\":\"5\"}",
        "{\"subject\":\"x\",\"count\":5.0}",
        "{\"subject\":\"x\",\"count\":5e2}",
        "{\"subject\":\"x\",\"count\":true}",
        "{\"subject\":\"x\",\"assignee_id\":\"7\"}",
        "{\"subject\":\"x\",\"assignee_id\":1.5}",
        "{\"subject\":\"x\",\"urgent\":1}",
        "{\"subject\":\"x\",\"urgent\":\"true\"}",
        "{\"subject\":\"x\",\"tags\":\"a\"}",
        "{\"subject\":\"x\",\"tags\":[1]}",
        "{\"subject\":\"x\",\"tags\":[\"a\",null]}",
        "{\"subject\":\"x\",\"tags\":[[\"a\"]]}",
        "{\"subject\":\"x\",\"tags\":{\"a\":1}}",
    };
    struct dec *d = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (decode(d, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("%s was accepted", bad[i]);
        assert_non_null(strstr(err.msg, " must be "));
    }
}

static void test_json_decode_big_integers(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_ok(decode(d, "{\"subject\":\"x\",\"count\":9223372036854775807}", &err));
    assert_true(d->v[F_COUNT].i == INT64_MAX);
    assert_code(AH_E_BAD_REQUEST,
                decode(d, "{\"subject\":\"x\",\"count\":9223372036854775808}", &err));
    assert_code(AH_E_BAD_REQUEST,
                decode(d, "{\"subject\":\"x\",\"count\":-9223372036854775809}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"count\":1e400}", &err));
}

static void test_json_decode_missing_required(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"count\":1}", &err));
    assert_non_null(strstr(err.msg, "subject is required"));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{}", &err));
}

static void test_json_decode_string_cap(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    /* the cap counts bytes, after unescaping */
    assert_ok(decode(d, "{\"subject\":\"0123456789\"}", &err));
    assert_int_equal(d->v[F_SUBJECT].s.len, 10);
    assert_code(AH_E_INVALID, decode(d, "{\"subject\":\"0123456789A\"}", &err));
    assert_non_null(strstr(err.msg, "subject is longer than 10 bytes"));
    assert_ok(decode(d, "{\"subject\":\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"}", &err));
    assert_code(AH_E_INVALID,
                decode(d, "{\"subject\":\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9x\"}", &err));
    assert_ok(decode(d, "{\"subject\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}", &err));
    assert_code(AH_E_INVALID,
                decode(d, "{\"subject\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\n\"}", &err));
}

static void test_json_decode_array_cap(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};

    assert_ok(decode(d, "{\"subject\":\"x\",\"tags\":[\"a\",\"b\",\"c\"]}", &err));
    assert_int_equal(d->v[F_TAGS].n, 3);
    assert_code(AH_E_INVALID,
                decode(d, "{\"subject\":\"x\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", &err));
    assert_non_null(strstr(err.msg, "more than 3 items"));
    assert_ok(decode(d, "{\"subject\":\"x\",\"tags\":[]}", &err));
    assert_true(d->v[F_TAGS].present);
    assert_int_equal(d->v[F_TAGS].n, 0);
}

static void test_json_decode_invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "{\"subject\":\"\xC3\x28\"}",     "{\"subject\":\"\xC0\xAF\"}",
        "{\"subject\":\"\xED\xA0\x80\"}", "{\"subject\":\"\xF4\x90\x80\x80\"}",
        "{\"subject\":\"\xFF\"}",         "{\"subject\":\"\xE2\x82\"}",
        "{\"subj\xFF\":\"x\"}",           "{\"subject\":\"x\",\"tags\":[\"\xC3\"]}",
        "{\"subject\":\"\\ud800\"}",      "{\"subject\":\"\\udc00\\ud800\"}",
    };
    struct dec *d = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (decode(d, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("%s was accepted", bad[i]);
    /* an escaped pair is one code point */
    assert_ok(decode(d, "{\"subject\":\"\\ud83d\\ude00\"}", &err));
    assert_string_equal(d->v[F_SUBJECT].s.p, "\xF0\x9F\x98\x80");
}

static void test_json_decode_nul(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};
    const char raw[] = "{\"subject\":\"a\0b\"}";

    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"a\\u0000b\"}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"\\u0000\"}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"subject\":\"x\",\"tags\":[\"\\u0000\"]}", &err));
    assert_code(AH_E_BAD_REQUEST, decode(d, "{\"sub\\u0000ject\":\"x\"}", &err));
    /* a raw NUL byte inside the body */
    assert_code(AH_E_BAD_REQUEST, decode_n(d, raw, sizeof(raw) - 1, &err));
}

/* {"subject":"x","a":{"a":...{"a":1}...}}, levels objects in all: the 1 is
 * levels values below the root */
static char *nested(int levels)
{
    struct ah_buf b;
    struct ah_error err = {0};

    ah_buf_init(&b, 1 << 20);
    for (int i = 0; i < levels; i++)
        assert_ok(ah_buf_appends(&b, i ? "{\"a\":" : "{\"subject\":\"x\",\"a\":", &err));
    assert_ok(ah_buf_appends(&b, "1", &err));
    for (int i = 0; i < levels; i++)
        assert_ok(ah_buf_appends(&b, "}", &err));
    return ah_buf_take(&b, NULL);
}

static void test_json_decode_depth(void **state)
{
    struct dec *d = *state;
    struct ah_error err = {0};
    char *body;

    /* depth counts values below the root: at AH_MAX_JSON_DEPTH the body
     * passes the depth check (and fails on the unknown field "a") */
    body = nested(AH_MAX_JSON_DEPTH);
    assert_code(AH_E_BAD_REQUEST, decode(d, body, &err));
    assert_non_null(strstr(err.msg, "unknown field 'a'"));
    free(body);
    body = nested(AH_MAX_JSON_DEPTH + 1);
    assert_code(AH_E_BAD_REQUEST, decode(d, body, &err));
    assert_non_null(strstr(err.msg, "nested too deeply"));
    free(body);
    /* arrays count the same */
    assert_code(AH_E_BAD_REQUEST,
                decode(d, "{\"subject\":\"x\",\"tags\":[[[[[[[[[\"a\"]]]]]]]]]}", &err));
    assert_non_null(strstr(err.msg, "nested too deeply"));
    assert_code(AH_E_BAD_REQUEST,
                decode(d, "{\"subject\":\"x\",\"tags\":[[[[[[[\"a\"]]]]]]]}", &err));
    assert_non_null(strstr(err.msg, "tags must be"));
    /* far deeper than anything: an error, not a stack overflow */
    body = nested(100000);
    assert_code(AH_E_BAD_REQUEST, decode(d, body, &err));
    free(body);
}

static void test_json_decode_empty_body_is_empty_object(void **state)
{
    static const struct ah_json_field optional[] = {{"note", AH_JSON_STRING, false, 10}};
    struct dec *d = *state;
    struct ah_error err = {0};
    struct ah_json_value v[1];

    assert_ok(ah_json_decode(AH_STR_LIT(""), optional, 1, v, &d->arena, &err));
    assert_false(v[0].present);
    assert_ok(ah_json_decode(AH_STR_NULL, optional, 1, v, &d->arena, &err));
    assert_ok(ah_json_decode(AH_STR_LIT(" \r\n\t"), optional, 1, v, &d->arena, &err));
    assert_ok(ah_json_decode(AH_STR_LIT("{}"), optional, 1, v, &d->arena, &err));
    /* with a required field, an empty body lacks it */
    assert_code(AH_E_BAD_REQUEST, decode(d, "", &err));
    assert_non_null(strstr(err.msg, "subject is required"));
}

static void test_json_decode_not_an_object(void **state)
{
    static const char *const bad[] = {"[]",
                                      "1",
                                      "\"s\"",
                                      "null",
                                      "true",
                                      "{",
                                      "{\"subject\":}",
                                      "{\"subject\":\"x\"} x",
                                      "{} {}",
                                      "{'a':1}",
                                      "{subject:\"x\"}",
                                      "{\"subject\":\"x\",}",
                                      "\xEF\xBB\xBF{}"};
    struct dec *d = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (decode(d, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("%s was accepted", bad[i]);
}

/* ---- encoding ---- */

static struct ah_ticket sample_ticket(void)
{
    struct ah_ticket t = {
        .id = 40,
        .subject = "Printer \"on\" fire \xE2\x82\xAC",
        .requester_id = 7,
        .requester_email = "cora@customer.example",
        .requester_name = "Cora",
        .status = AH_STATUS_PENDING,
        .priority = AH_PRIO_HIGH,
        .tier = 2,
        .tags = "billing vip",
        .source = "email",
        .assignee_id = 0,
        .claim_until = 0,
        .due_at = T0 + 1000,
        .resolve_due_at = T0 + 2000,
        .first_response_at = 0,
        .created_at = T0,
        .updated_at = T0 + 500,
        .last_message_id = 311,
        .message_count = 3,
    };

    return t;
}

/* The writers append text; reading it back with jansson checks both that it
 * is valid JSON and what it says. */
static json_t *load(struct ah_buf *b)
{
    json_error_t e;
    json_t *v;

    assert_false(b->full);
    v = json_loadb(b->p, b->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("invalid JSON (%s): %s", e.text, ah_buf_cstr(b));
    ah_buf_release(b);
    return v;
}

#define ENCODER(name, type, call)                                                          \
    static json_t *name(type x)                                                            \
    {                                                                                      \
        struct ah_buf b;                                                                   \
                                                                                           \
        ah_buf_init(&b, 1 << 20);                                                          \
        call;                                                                              \
        return load(&b);                                                                   \
    }

ENCODER(enc_ticket, const struct ah_ticket *, ah_json_put_ticket(&b, x, false, NULL, 0))
ENCODER(enc_person, const struct ah_person *, ah_json_put_person(&b, x))
ENCODER(enc_message, const struct ah_message *, ah_json_put_message(&b, x))
ENCODER(enc_credential, const struct ah_credential *, ah_json_put_credential(&b, x, NULL))
ENCODER(enc_audit, const struct ah_audit_entry *, ah_json_put_audit(&b, x))
ENCODER(enc_time, int64_t, ah_json_put_time(&b, x))

static json_t *enc_messages(const struct ah_message *m, size_t n)
{
    struct ah_buf b;

    ah_buf_init(&b, 1 << 20);
    ah_json_put_messages(&b, m, n);
    return load(&b);
}

static void test_json_strings_round_trip(void **state)
{
    static const char *const cases[] = {
        "", "plain", "quote \" and backslash \\", "tab\there\nnew line\r",
        "\x01\x02\x1f\x7f controls", "</script><img src=x onerror=alert(1)>",
        "\xE2\x82\xAC euro, \xF0\x9F\x98\x80 emoji, \xE2\x80\xA8 line separator",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ah_buf b;
        json_t *v;

        ah_buf_init(&b, 4096);
        ah_json_put_str(&b, cases[i]);
        v = load(&b);
        assert_true(json_is_string(v));
        assert_string_equal(json_string_value(v), cases[i]);
        json_decref(v);
    }
}

static void test_json_writer_cap_is_sticky(void **state)
{
    struct ah_ticket t = sample_ticket();
    struct ah_buf b;

    (void)state;
    ah_buf_init(&b, 100); /* a ticket is longer than this */
    ah_json_put_ticket(&b, &t, false, NULL, 0);
    assert_true(b.full);
    ah_buf_release(&b);
}

static void test_json_ticket_keys(void **state)
{
    struct ah_ticket t = sample_ticket();
    json_t *o = enc_ticket(&t), *req, *tags;
    char *text;
    json_t *back;

    (void)state;
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), 40);
    assert_string_equal(json_string_value(json_object_get(o, "subject")),
                        "Printer \"on\" fire \xE2\x82\xAC");
    req = json_object_get(o, "requester");
    assert_true(json_is_object(req));
    assert_int_equal(json_object_size(req), 3);
    assert_int_equal(json_integer_value(json_object_get(req, "id")), 7);
    assert_string_equal(json_string_value(json_object_get(req, "email")), "cora@customer.example");
    assert_string_equal(json_string_value(json_object_get(req, "name")), "Cora");
    assert_string_equal(json_string_value(json_object_get(o, "status")), "pending");
    assert_string_equal(json_string_value(json_object_get(o, "priority")), "high");
    assert_int_equal(json_integer_value(json_object_get(o, "tier")), 2);
    tags = json_object_get(o, "tags");
    assert_true(json_is_array(tags));
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_array_get(tags, 0)), "billing");
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "vip");
    assert_string_equal(json_string_value(json_object_get(o, "source")), "email");
    assert_true(json_is_null(json_object_get(o, "assignee_id")));
    assert_true(json_is_null(json_object_get(o, "claimed_until")));
    assert_true(json_is_null(json_object_get(o, "first_response_at")));
    assert_string_equal(json_string_value(json_object_get(o, "due_at")),
                        "2026-01-01T00:00:01.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "resolve_due_at")),
                        "2026-01-01T00:00:02.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "created_at")),
                        "2026-01-01T00:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "updated_at")),
                        "2026-01-01T00:00:00.500Z");
    assert_int_equal(json_integer_value(json_object_get(o, "last_message_id")), 311);
    assert_int_equal(json_integer_value(json_object_get(o, "message_count")), 3);
    /* it serializes and reads back */
    text = json_dumps(o, JSON_COMPACT);
    assert_non_null(text);
    back = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    assert_true(json_equal(o, back));
    json_decref(back);
    free(text);
    json_decref(o);
}

static void test_json_ticket_set_fields_and_empty_tags(void **state)
{
    struct ah_ticket t = sample_ticket();
    json_t *o;

    (void)state;
    t.tags = "";
    t.assignee_id = 12;
    t.claim_until = T0 + 900000;
    t.first_response_at = T0 + 60000;
    t.status = AH_STATUS_NEW;
    t.priority = AH_PRIO_URGENT;
    o = enc_ticket(&t);
    assert_non_null(o);
    assert_int_equal(json_array_size(json_object_get(o, "tags")), 0);
    assert_true(json_is_array(json_object_get(o, "tags")));
    assert_int_equal(json_integer_value(json_object_get(o, "assignee_id")), 12);
    assert_string_equal(json_string_value(json_object_get(o, "claimed_until")),
                        "2026-01-01T00:15:00.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "first_response_at")),
                        "2026-01-01T00:01:00.000Z");
    assert_string_equal(json_string_value(json_object_get(o, "status")), "new");
    assert_string_equal(json_string_value(json_object_get(o, "priority")), "urgent");
    json_decref(o);
}

static void test_json_person_keys(void **state)
{
    struct ah_person p = {.id = 3,
                          .email = "lee@example.com",
                          .name = "Lee",
                          .department = "Support",
                          .manager_id = 0,
                          .role = AH_ROLE_LEAD,
                          .leader = true,
                          .timezone = "Europe/Berlin",
                          .active = true,
                          .start_day = 20415, /* 2025-11-23 */
                          .created_at = T0,
                          .updated_at = T0};
    json_t *o = enc_person(&p);
    static const char *const keys[] = {"id",         "email",      "name",      "department",
                                       "manager_id", "role",       "leader",    "timezone",
                                       "active",     "start_date", "level",     "created_at",
                                       "updated_at"};

    (void)state;
    assert_non_null(o);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!json_object_get(o, keys[i]))
            fail_msg("no %s", keys[i]);
    assert_int_equal(json_object_size(o), sizeof(keys) / sizeof(keys[0]));
    assert_string_equal(json_string_value(json_object_get(o, "role")), "lead");
    assert_string_equal(json_string_value(json_object_get(o, "level")), "trainee");
    assert_true(json_is_null(json_object_get(o, "manager_id")));
    assert_true(json_is_true(json_object_get(o, "leader")));
    assert_true(json_is_true(json_object_get(o, "active")));
    assert_string_equal(json_string_value(json_object_get(o, "start_date")), "2025-11-23");
    json_decref(o);
    p.manager_id = 9;
    p.active = false;
    o = enc_person(&p);
    assert_int_equal(json_integer_value(json_object_get(o, "manager_id")), 9);
    assert_true(json_is_false(json_object_get(o, "active")));
    json_decref(o);
}

static void test_json_message_and_credential(void **state)
{
    struct ah_message m = {.id = 5,
                           .ticket_id = 40,
                           .kind = AH_MSG_CUSTOMER,
                           .author_id = 0,
                           .author_name = "Cora",
                           .body = "line\nnext",
                           .created_at = T0};
    struct ah_credential c = {.id = 8, .name = "ci", .created_at = T0, .last_used_at = 0};
    json_t *o, *arr;

    (void)state;
    o = enc_message(&m);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "customer");
    assert_true(json_is_null(json_object_get(o, "author_id")));
    assert_string_equal(json_string_value(json_object_get(o, "body")), "line\nnext");
    assert_int_equal(json_integer_value(json_object_get(o, "ticket_id")), 40);
    json_decref(o);
    m.kind = AH_MSG_NOTE;
    m.author_id = 3;
    arr = enc_messages(&m, 1);
    assert_int_equal(json_array_size(arr), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "kind")), "note");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 0), "author_id")), 3);
    json_decref(arr);
    arr = enc_messages(NULL, 0);
    assert_int_equal(json_array_size(arr), 0);
    json_decref(arr);

    o = enc_credential(&c);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "id")), 8);
    assert_string_equal(json_string_value(json_object_get(o, "name")), "ci");
    assert_true(json_is_null(json_object_get(o, "last_used_at"))); /* never used */
    assert_null(json_object_get(o, "hash"));
    json_decref(o);
}

static void test_json_audit(void **state)
{
    struct ah_audit_entry e = {.id = 1,
                               .at = T0,
                               .actor_id = 0,
                               .action = "person.update",
                               .target = "person:3",
                               .before = "{\"role\":\"member\"}",
                               .after = NULL};
    json_t *o;

    (void)state;
    o = enc_audit(&e);
    assert_non_null(o);
    assert_true(json_is_null(json_object_get(o, "actor_id")));
    assert_string_equal(json_string_value(json_object_get(o, "at")), "2026-01-01T00:00:00.000Z");
    /* stored JSON is embedded as JSON, not as a string */
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "before"), "role")),
                        "member");
    assert_true(json_is_null(json_object_get(o, "after")));
    json_decref(o);
    e.actor_id = 2;
    o = enc_audit(&e);
    assert_int_equal(json_integer_value(json_object_get(o, "actor_id")), 2);
    json_decref(o);
}

static void test_json_time(void **state)
{
    json_t *v;

    (void)state;
    v = enc_time(0);
    assert_true(json_is_null(v));
    json_decref(v);
    v = enc_time(T0 + 123);
    assert_string_equal(json_string_value(v), "2026-01-01T00:00:00.123Z");
    json_decref(v);
}

#define D(name) cmocka_unit_test_setup_teardown(name, dec_setup, fx_arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        D(test_json_decode_all_types),
        cmocka_unit_test(test_json_strings_round_trip),
        cmocka_unit_test(test_json_writer_cap_is_sticky),
        D(test_json_decode_null_only_where_allowed),
        D(test_json_decode_unknown_field),
        D(test_json_decode_duplicate_key),
        D(test_json_decode_wrong_types),
        D(test_json_decode_big_integers),
        D(test_json_decode_missing_required),
        D(test_json_decode_string_cap),
        D(test_json_decode_array_cap),
        D(test_json_decode_invalid_utf8),
        D(test_json_decode_nul),
        D(test_json_decode_depth),
        D(test_json_decode_empty_body_is_empty_object),
        D(test_json_decode_not_an_object),
        cmocka_unit_test(test_json_ticket_keys),
        cmocka_unit_test(test_json_ticket_set_fields_and_empty_tags),
        cmocka_unit_test(test_json_person_keys),
        cmocka_unit_test(test_json_message_and_credential),
        cmocka_unit_test(test_json_audit),
        cmocka_unit_test(test_json_time),
    };

    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
