/* test_router.c - src/http/router.c and src/http/auth.c: request targets
 * into paths and parameters, routes and their {id}, and finding the secret in
 * a Cookie or Authorization header. Pure functions: no database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/limits.h"
#include "fixture.h"
#include "http/auth.h"
#include "http/router.h"

#define assert_str(view, want)                                                             \
    do {                                                                                   \
        struct ah_str v_ = (view);                                                         \
        const char *w_ = (want);                                                           \
        if (!v_.p || v_.len != strlen(w_) || memcmp(v_.p, w_, v_.len) != 0)                \
            fail_msg("%s is '%.*s' (%s), want '%s'", #view, (int)v_.len, v_.p ? v_.p : "", \
                     v_.p ? "set" : "null", w_);                                           \
    } while (0)

struct target {
    struct ah_arena arena; /* first: fx_arena_new */
    struct ah_str path;
    struct ah_qparam params[AH_MAX_QUERY_PARAMS];
    size_t n;
};

static int target_setup(void **state)
{
    *state = fx_arena_new(sizeof(struct target));
    return 0;
}

static enum ah_err parse(struct target *t, const char *s, struct ah_error *err)
{
    t->n = 999;
    return ah_router_parse_target(ah_str_c(s), &t->arena, &t->path, t->params, &t->n, err);
}

/* ---- ah_router_parse_target ---- */

static void test_router_parse_plain(void **state)
{
    struct target *t = *state;
    struct ah_error err = {0};

    assert_ok(parse(t, "/api/v1/tickets", &err));
    assert_str(t->path, "/api/v1/tickets");
    assert_int_equal(t->n, 0);
    assert_int_equal(t->path.p[t->path.len], '\0');
    assert_ok(parse(t, "/", &err));
    assert_str(t->path, "/");
    assert_ok(parse(t, "/?", &err));
    assert_str(t->path, "/");
    assert_int_equal(t->n, 0);
}

static void test_router_parse_percent_decoding(void **state)
{
    struct target *t = *state;
    struct ah_error err = {0};

    assert_ok(parse(t, "/a%20b/%7euser/caf%C3%A9/%2b", &err));
    assert_str(t->path, "/a b/~user/caf\xC3\xA9/+");
    /* '+' is a plus in the path, a space only in the query */
    assert_ok(parse(t, "/a+b?q=a+b%2Bc&x%20y=1", &err));
    assert_str(t->path, "/a+b");
    assert_int_equal(t->n, 2);
    assert_str(t->params[0].key, "q");
    assert_str(t->params[0].value, "a b+c");
    assert_str(t->params[1].key, "x y");
    assert_str(t->params[1].value, "1");
    /* a decoded '?' or '&' is data, not syntax */
    assert_ok(parse(t, "/x%3Fy?k=%26%3D", &err));
    assert_str(t->path, "/x?y");
    assert_int_equal(t->n, 1);
    assert_str(t->params[0].value, "&=");
}

static void test_router_parse_query_shapes(void **state)
{
    struct target *t = *state;
    struct ah_error err = {0};

    assert_ok(parse(t, "/p?&&a=1&&b&=v&c=&", &err));
    assert_int_equal(t->n, 4);
    assert_str(t->params[0].key, "a");
    assert_str(t->params[0].value, "1");
    assert_str(t->params[1].key, "b");
    assert_str(t->params[1].value, "");
    assert_str(t->params[2].key, "");
    assert_str(t->params[2].value, "v");
    assert_str(t->params[3].key, "c");
    assert_str(t->params[3].value, "");
    assert_ok(parse(t, "/p?a=1=2", &err));
    assert_str(t->params[0].value, "1=2");
    assert_str(ah_router_query(t->params, t->n, "a"), "1=2");
    assert_null(ah_router_query(t->params, t->n, "b").p);
    assert_ok(parse(t, "/p?dup=first&dup=second", &err));
    assert_str(ah_router_query(t->params, t->n, "dup"), "first");
}

static void test_router_parse_bad_escapes(void **state)
{
    static const char *const bad[] = {"/a%G1", "/a%4",   "/a%",      "/%%",   "/a%-1",
                                      "/a%1G", "/?x=%4", "/?x=%zz",  "/?%=1", "/?x=1%",
                                      "/% 1",  "/a%0",   "/?q=100%", "/%+1"};
    struct target *t = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(t, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(t->n, 999); /* out-params only on success */
        assert_non_null(strstr(err.msg, "escape"));
    }
}

static void test_router_parse_invalid_utf8(void **state)
{
    static const char *const bad[] = {"/%C3%28",    "/?q=%C3%28",    "/?%C3=1", "/%C0%AF",
                                      "/%ED%A0%80", "/%F4%90%80%80", "/%FF",    "/%E2%82",
                                      "/caf\xC3",   "/\xC3\x28",     "/?q=\xFF"};
    struct target *t = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(t, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(strstr(err.msg, "UTF-8"));
    }
    assert_ok(parse(t, "/\xE2\x82\xAC?q=%E2%82%AC", &err));
    assert_str(t->params[0].value, "\xE2\x82\xAC");
}

static void test_router_parse_nul(void **state)
{
    static const char *const bad[] = {"/%00", "/a%00b", "/?a=%00", "/?%00=a", "/?a=x%00"};
    struct target *t = *state;
    struct ah_error err = {0};
    struct ah_str raw = {"/a\0b", 4};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (parse(t, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("'%s' was accepted", bad[i]);
    /* a raw NUL byte in the view, too */
    assert_code(AH_E_BAD_REQUEST,
                ah_router_parse_target(raw, &t->arena, &t->path, t->params, &t->n, &err));
}

static void test_router_parse_url_cap(void **state)
{
    struct target *t = *state;
    struct ah_error err = {0};
    char *url = malloc(AH_MAX_URL + 2);

    url[0] = '/';
    memset(url + 1, 'u', AH_MAX_URL);
    url[AH_MAX_URL] = '\0'; /* AH_MAX_URL bytes */
    assert_ok(parse(t, url, &err));
    assert_int_equal(t->path.len, AH_MAX_URL);
    url[AH_MAX_URL] = 'u';
    url[AH_MAX_URL + 1] = '\0';
    assert_code(AH_E_BAD_REQUEST, parse(t, url, &err));
    assert_non_null(strstr(err.msg, "longer"));
    free(url);
}

static void test_router_parse_param_cap(void **state)
{
    struct target *t = *state;
    struct ah_error err = {0};
    char url[256];
    size_t len = 0;

    len += (size_t)snprintf(url + len, sizeof(url) - len, "/p?");
    for (int i = 0; i < AH_MAX_QUERY_PARAMS; i++)
        len += (size_t)snprintf(url + len, sizeof(url) - len, "k%d=%d&", i, i);
    assert_ok(parse(t, url, &err));
    assert_int_equal(t->n, AH_MAX_QUERY_PARAMS);
    assert_str(t->params[AH_MAX_QUERY_PARAMS - 1].key, "k15");
    /* empty parts do not count */
    snprintf(url + len, sizeof(url) - len, "&&&");
    assert_ok(parse(t, url, &err));
    assert_int_equal(t->n, AH_MAX_QUERY_PARAMS);
    snprintf(url + len, sizeof(url) - len, "one=more");
    assert_code(AH_E_BAD_REQUEST, parse(t, url, &err));
    assert_int_equal(t->n, 999);
    snprintf(url + len, sizeof(url) - len, "flag");
    assert_code(AH_E_BAD_REQUEST, parse(t, url, &err));
}

static void test_router_parse_needs_leading_slash(void **state)
{
    static const char *const bad[] = {"",    "api/v1/tickets", "?x=1", "http://host/x", "*", " /x",
                                      "%2Fx"};
    struct target *t = *state;
    struct ah_error err = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (parse(t, bad[i], &err) != AH_E_BAD_REQUEST)
            fail_msg("'%s' was accepted", bad[i]);
    assert_code(AH_E_BAD_REQUEST,
                ah_router_parse_target(AH_STR_NULL, &t->arena, &t->path, t->params, &t->n, &err));
}

/* ---- ah_router_match ---- */

static void handler_a(struct ah_req *r)
{
    (void)r;
}

static void handler_b(struct ah_req *r)
{
    (void)r;
}

static const struct ah_route routes[] = {
    {"GET", "/api/v1/tickets", handler_a, 0},
    {"POST", "/api/v1/tickets", handler_b, 0},
    {"GET", "/api/v1/tickets/{id}", handler_a, 0},
    {"PATCH", "/api/v1/tickets/{id}", handler_b, 0},
    {"POST", "/api/v1/tickets/{id}/messages", handler_a, 0},
    {"GET", "/api/v1/health", handler_b, AH_ROUTE_PUBLIC},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static enum ah_err match(const char *method, const char *path, const struct ah_route **r,
                         int64_t *id, struct ah_error *err)
{
    *r = NULL;
    *id = -7;
    return ah_router_match(routes, NROUTES, method, ah_str_c(path), r, id, err);
}

static void test_router_match_routes(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;

    (void)state;
    assert_ok(match("GET", "/api/v1/tickets", &r, &id, &err));
    assert_ptr_equal(r, &routes[0]);
    assert_int_equal(id, 0);
    assert_ok(match("POST", "/api/v1/tickets", &r, &id, &err));
    assert_ptr_equal(r, &routes[1]);
    assert_ok(match("GET", "/api/v1/tickets/42", &r, &id, &err));
    assert_ptr_equal(r, &routes[2]);
    assert_int_equal(id, 42);
    assert_ok(match("PATCH", "/api/v1/tickets/7", &r, &id, &err));
    assert_ptr_equal(r, &routes[3]);
    assert_int_equal(id, 7);
    assert_ok(match("POST", "/api/v1/tickets/9/messages", &r, &id, &err));
    assert_ptr_equal(r, &routes[4]);
    assert_int_equal(id, 9);
    assert_ok(match("GET", "/api/v1/health", &r, &id, &err));
    assert_int_equal(r->flags, AH_ROUTE_PUBLIC);
}

static void test_router_match_id_digits(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;

    (void)state;
    assert_ok(match("GET", "/api/v1/tickets/1", &r, &id, &err));
    assert_int_equal(id, 1);
    /* 18 digits is the cap */
    assert_ok(match("GET", "/api/v1/tickets/999999999999999999", &r, &id, &err));
    assert_true(id == 999999999999999999LL);
    assert_ok(match("GET", "/api/v1/tickets/100000000000000000", &r, &id, &err));
    assert_true(id == 100000000000000000LL);
    assert_code(AH_E_NOT_FOUND, match("GET", "/api/v1/tickets/1000000000000000000", &r, &id, &err));
    assert_null(r);
    assert_int_equal(id, -7);
}

static void test_router_match_id_overflow(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;

    (void)state;
    /* 19 and more digits past INT64_MAX: refused without arithmetic overflow
     * (run under -fsanitize=undefined to see it) */
    assert_code(AH_E_NOT_FOUND, match("GET", "/api/v1/tickets/9999999999999999999", &r, &id, &err));
    assert_code(AH_E_NOT_FOUND,
                match("GET", "/api/v1/tickets/99999999999999999999999999", &r, &id, &err));
    assert_code(AH_E_NOT_FOUND,
                match("POST", "/api/v1/tickets/9999999999999999999/messages", &r, &id, &err));
}

static void test_router_match_id_rejects(void **state)
{
    static const char *const bad[] = {
        "/api/v1/tickets/0",   "/api/v1/tickets/00",      "/api/v1/tickets/01",
        "/api/v1/tickets/007", "/api/v1/tickets/-1",      "/api/v1/tickets/+1",
        "/api/v1/tickets/1a",  "/api/v1/tickets/a1",      "/api/v1/tickets/abc",
        "/api/v1/tickets/",    "/api/v1/tickets/1/",      "/api/v1/tickets/ 1",
        "/api/v1/tickets/1.0", "/api/v1/tickets/0x10",    "/api/v1/tickets/1e3",
        "/api/v1/tickets//1",  "/api/v1/tickets/\xD9\xA3"};
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (match("GET", bad[i], &r, &id, &err) != AH_E_NOT_FOUND)
            fail_msg("'%s' matched with id %lld", bad[i], (long long)id);
        assert_null(r);
    }
}

static void test_router_match_wrong_method(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;

    (void)state;
    assert_code(AH_E_NOT_FOUND, match("DELETE", "/api/v1/tickets/5", &r, &id, &err));
    assert_non_null(strstr(err.msg, "DELETE"));
    assert_non_null(strstr(err.msg, "not allowed"));
    assert_code(AH_E_NOT_FOUND, match("get", "/api/v1/tickets", &r, &id, &err));
    assert_non_null(strstr(err.msg, "get"));
    assert_code(AH_E_NOT_FOUND, match("GET", "/api/v1/tickets/5/messages", &r, &id, &err));
    assert_non_null(strstr(err.msg, "GET"));
    /* an unknown path says so, and names no method */
    assert_code(AH_E_NOT_FOUND, match("DELETE", "/api/v1/nothing", &r, &id, &err));
    assert_non_null(strstr(err.msg, "no such resource"));
    assert_null(strstr(err.msg, "DELETE"));
    assert_code(AH_E_NOT_FOUND, match("GET", "/API/v1/tickets", &r, &id, &err));
    assert_code(AH_E_NOT_FOUND, match("GET", "/api/v1/tickets/", &r, &id, &err));
    assert_code(AH_E_NOT_FOUND, match("GET", "/api/v1/tickets?x", &r, &id, &err));
}

static void test_router_match_uses_view_length(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r;
    int64_t id;
    /* a view into a longer buffer, as a path cut from a request line is */
    const char line[] = "/api/v1/ticketsXYZ /api/v1/nothing/and/more HTTP/1.1";
    struct ah_str path = {line, 15};
    struct ah_str other = {line + 19, 15}; /* "/api/v1/nothing" */

    (void)state;
    assert_ok(ah_router_match(routes, NROUTES, "GET", path, &r, &id, &err));
    assert_ptr_equal(r, &routes[0]);
    assert_code(AH_E_NOT_FOUND, ah_router_match(routes, NROUTES, "GET", other, &r, &id, &err));
    /* the message names the path it was given, not what follows it in memory */
    assert_non_null(strstr(err.msg, "/api/v1/nothing"));
    if (strstr(err.msg, "/and/more") || strstr(err.msg, "HTTP/1.1"))
        fail_msg("message reads past the path: %s", err.msg);
}

static void test_router_match_empty_table(void **state)
{
    struct ah_error err = {0};
    const struct ah_route *r = NULL;
    int64_t id = -7;

    (void)state;
    assert_code(AH_E_NOT_FOUND,
                ah_router_match(routes, 0, "GET", AH_STR_LIT("/api/v1/tickets"), &r, &id, &err));
    assert_null(r);
}

/* ---- ah_auth_cookie ---- */

static void test_router_auth_cookie_found(void **state)
{
    (void)state;
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=abc"), "ah_session"), "abc");
    assert_str(ah_auth_cookie(AH_STR_LIT("a=1; ah_session=xyz; b=2"), "ah_session"), "xyz");
    assert_str(ah_auth_cookie(AH_STR_LIT("a=1;ah_session=xyz"), "ah_session"), "xyz");
    assert_str(ah_auth_cookie(AH_STR_LIT("  ah_session=v  ;x=y"), "ah_session"), "v");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=\"quoted\""), "ah_session"), "quoted");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=\"\""), "ah_session"), "");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=\""), "ah_session"), "\"");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=a=b"), "ah_session"), "a=b");
    /* the first of two wins */
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session=one; ah_session=two"), "ah_session"), "one");
    /* present but empty is not absent */
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session="), "ah_session"), "");
}

static void test_router_auth_cookie_similar_names(void **state)
{
    (void)state;
    assert_str(ah_auth_cookie(AH_STR_LIT("xah_session=bad; ah_session=good"), "ah_session"),
               "good");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_session2=bad; ah_session=good"), "ah_session"),
               "good");
    assert_str(ah_auth_cookie(AH_STR_LIT("ah_sessio=bad;ah_session=good"), "ah_session"), "good");
    assert_null(ah_auth_cookie(AH_STR_LIT("xah_session=bad"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT("ah_session_x=bad"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT("AH_SESSION=bad"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT("a=ah_session=bad"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT("ah_session"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT("ah_session; b=1"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT(""), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_LIT(";;; ;"), "ah_session").p);
    assert_null(ah_auth_cookie(AH_STR_NULL, "ah_session").p);
}

static void test_router_auth_cookie_header_cap(void **state)
{
    char *h = malloc(AH_MAX_HEADER + 2);
    size_t pad = AH_MAX_HEADER - strlen("; ah_session=tok");

    (void)state;
    memset(h, 'x', pad);
    h[0] = 'p';
    h[1] = '=';
    memcpy(h + pad, "; ah_session=tok", strlen("; ah_session=tok") + 1);
    assert_int_equal(strlen(h), AH_MAX_HEADER);
    assert_str(ah_auth_cookie(ah_str_c(h), "ah_session"), "tok");
    memmove(h + 1, h, AH_MAX_HEADER + 1);
    assert_int_equal(strlen(h), AH_MAX_HEADER + 1);
    assert_null(ah_auth_cookie(ah_str_c(h), "ah_session").p);
    free(h);
}

/* ---- ah_auth_bearer ---- */

static void test_router_auth_bearer(void **state)
{
    (void)state;
    assert_str(ah_auth_bearer(AH_STR_LIT("Bearer aht_abc")), "aht_abc");
    assert_str(ah_auth_bearer(AH_STR_LIT("bearer aht_abc")), "aht_abc");
    assert_str(ah_auth_bearer(AH_STR_LIT("BEARER aht_abc")), "aht_abc");
    assert_str(ah_auth_bearer(AH_STR_LIT("bEaReR x")), "x");
    assert_str(ah_auth_bearer(AH_STR_LIT("Bearer   aht_abc  ")), "aht_abc");
}

static void test_router_auth_bearer_refusals(void **state)
{
    static const char *const bad[] = {"",
                                      "Bearer",
                                      "Bearer ",
                                      "Bearer     ",
                                      "Bearer a b",
                                      "Bearer a\tb",
                                      "Bearer\taht_abc",
                                      "Bearerabc",
                                      "Basic dXNlcjpwYXNz",
                                      " Bearer abc",
                                      "Bearer: abc",
                                      "Token abc",
                                      "Bearer aht_abc, Bearer other"};

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ah_str v = ah_auth_bearer(ah_str_c(bad[i]));

        if (v.p)
            fail_msg("'%s' gave '%.*s'", bad[i], (int)v.len, v.p);
    }
    assert_null(ah_auth_bearer(AH_STR_NULL).p);
}

static void test_router_auth_bearer_header_cap(void **state)
{
    char *h = malloc(AH_MAX_HEADER + 2);

    (void)state;
    memcpy(h, "Bearer ", 7);
    memset(h + 7, 't', AH_MAX_HEADER - 7);
    h[AH_MAX_HEADER] = '\0';
    assert_int_equal(ah_auth_bearer(ah_str_c(h)).len, AH_MAX_HEADER - 7);
    h[AH_MAX_HEADER] = 't';
    h[AH_MAX_HEADER + 1] = '\0';
    assert_null(ah_auth_bearer(ah_str_c(h)).p);
    free(h);
}

#define P(name) cmocka_unit_test_setup_teardown(name, target_setup, fx_arena_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        P(test_router_parse_plain),
        P(test_router_parse_percent_decoding),
        P(test_router_parse_query_shapes),
        P(test_router_parse_bad_escapes),
        P(test_router_parse_invalid_utf8),
        P(test_router_parse_nul),
        P(test_router_parse_url_cap),
        P(test_router_parse_param_cap),
        P(test_router_parse_needs_leading_slash),
        cmocka_unit_test(test_router_match_routes),
        cmocka_unit_test(test_router_match_id_digits),
        cmocka_unit_test(test_router_match_id_overflow),
        cmocka_unit_test(test_router_match_id_rejects),
        cmocka_unit_test(test_router_match_wrong_method),
        cmocka_unit_test(test_router_match_uses_view_length),
        cmocka_unit_test(test_router_match_empty_table),
        cmocka_unit_test(test_router_auth_cookie_found),
        cmocka_unit_test(test_router_auth_cookie_similar_names),
        cmocka_unit_test(test_router_auth_cookie_header_cap),
        cmocka_unit_test(test_router_auth_bearer),
        cmocka_unit_test(test_router_auth_bearer_refusals),
        cmocka_unit_test(test_router_auth_bearer_header_cap),
    };

    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
