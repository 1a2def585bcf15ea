/* test_access.c - src/domain/access.c on a fresh SQLite file per test:
 * password sessions, their idle expiry and renewal, deactivation, API
 * tokens, and the CSRF token derived from a session. */
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/limits.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/ctx.h"
#include "domain/people.h"
#include "domain/queue.h"
#include "domain/ticket.h"
#include "fixture.h"

#define PASSWORD "correct horse battery"

static int setup(void **state)
{
    if (fx_setup(state, sizeof(struct fx), "access"))
        return -1;
    fx_default_tier(*state, 1);
    return 0;
}

/* A person made by the command line, with password pw (NULL: none). */
static struct ah_person make(struct fx *f, const char *email, enum ah_role role, const char *pw)
{
    return fx_person(f, email, "Someone", role, pw);
}

static void login(struct fx *f, const char *email, const char *pw, char token[AH_SECRET_MAX])
{
    struct ah_error err = {0};
    struct ah_person who;

    assert_ok(ah_access_login(&f->cx, ah_str_c(email), ah_str_c(pw), token, &who, &err));
}

static void deactivate(struct fx *f, int64_t id)
{
    struct ah_error err = {0};
    struct ah_person_input in;
    struct ah_person out;
    struct fx_actor was = fx_as_system(f);

    ah_person_input_init(&in);
    in.active = 0;
    assert_ok(ah_people_update(&f->cx, id, &in, &out, &err));
    fx_restore(f, was);
}

/* ---- login ---- */

static void test_access_login_right_password(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    char token[AH_SECRET_MAX];
    struct ah_person who, resolved;
    struct ah_credential cred;

    fx_as(f, NULL);
    assert_ok(ah_access_login(&f->cx, AH_STR_LIT("ann@example.com"), AH_STR_LIT(PASSWORD), token,
                              &who, &err));
    assert_int_equal(who.id, ann.id);
    assert_string_equal(who.email, "ann@example.com");
    assert_memory_equal(token, "ahs_", 4);
    assert_int_equal(strlen(token), 4 + AH_TOKEN_CHARS);
    for (size_t i = 4; token[i]; i++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", token[i]));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(token), AH_CRED_SESSION, &resolved, &cred, &err));
    assert_int_equal(resolved.id, ann.id);
    assert_int_equal(cred.person_id, ann.id);
    assert_int_equal(cred.kind, AH_CRED_SESSION);
    assert_true(cred.expires_at == T0 + f->settings.session_idle_ms);
}

static void test_access_login_email_case_insensitive(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "Ann@Example.com", AH_ROLE_MEMBER, PASSWORD);
    char token[AH_SECRET_MAX];
    struct ah_person who;

    assert_ok(ah_access_login(&f->cx, AH_STR_LIT("ANN@example.COM"), AH_STR_LIT(PASSWORD), token,
                              &who, &err));
    assert_int_equal(who.id, ann.id);
}

static void test_access_login_two_sessions_differ(void **state)
{
    struct fx *f = *state;
    char a[AH_SECRET_MAX], b[AH_SECRET_MAX];

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, a);
    login(f, "ann@example.com", PASSWORD, b);
    assert_string_not_equal(a, b);
}

static void test_access_login_refusals_look_alike(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person gone = make(f, "gone@example.com", AH_ROLE_MEMBER, PASSWORD);
    char token[AH_SECRET_MAX], msg[AH_ERROR_MSG_MAX];
    struct ah_person who;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    make(f, "nopw@example.com", AH_ROLE_MEMBER, NULL);
    deactivate(f, gone.id);
    memset(token, 'X', sizeof(token));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_login(&f->cx, AH_STR_LIT("ann@example.com"), AH_STR_LIT("wrong password"),
                                token, &who, &err));
    snprintf(msg, sizeof(msg), "%s", err.msg);
    assert_true(msg[0] != '\0');
    /* an unknown email, no password set, a deactivated person, a near miss:
     * the same code and message, so a caller learns nothing */
    assert_code(AH_E_UNAUTHENTICATED, ah_access_login(&f->cx, AH_STR_LIT("nobody@example.com"),
                                                      AH_STR_LIT(PASSWORD), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_code(AH_E_UNAUTHENTICATED, ah_access_login(&f->cx, AH_STR_LIT("nopw@example.com"),
                                                      AH_STR_LIT(PASSWORD), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_code(AH_E_UNAUTHENTICATED, ah_access_login(&f->cx, AH_STR_LIT("gone@example.com"),
                                                      AH_STR_LIT(PASSWORD), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_code(AH_E_UNAUTHENTICATED, ah_access_login(&f->cx, AH_STR_LIT("ann@example.com"),
                                                      AH_STR_LIT(PASSWORD " "), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_code(AH_E_UNAUTHENTICATED, ah_access_login(&f->cx, AH_STR_LIT("ann@example.com"),
                                                      AH_STR_LIT(""), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_login(&f->cx, AH_STR_LIT(""), AH_STR_LIT(PASSWORD), token, &who, &err));
    assert_string_equal(err.msg, msg);
    assert_int_equal(token[0], 'X'); /* nothing written */
}

static void test_access_login_caps(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char pw[AH_MAX_PASSWORD + 2], email[AH_MAX_EMAIL + 2], token[AH_SECRET_MAX];
    struct ah_person who;
    size_t local;

    memset(pw, 'p', sizeof(pw));
    pw[AH_MAX_PASSWORD] = '\0';
    local = AH_MAX_EMAIL - strlen("@example.com");
    memset(email, 'e', local);
    memcpy(email + local, "@example.com", sizeof("@example.com"));
    make(f, email, AH_ROLE_MEMBER, pw);
    assert_int_equal(strlen(email), AH_MAX_EMAIL);
    /* at both caps */
    assert_ok(ah_access_login(&f->cx, ah_str_c(email), ah_str_c(pw), token, &who, &err));
    /* one past the password cap: refused before any lookup */
    pw[AH_MAX_PASSWORD] = 'p';
    pw[AH_MAX_PASSWORD + 1] = '\0';
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_login(&f->cx, ah_str_c(email), ah_str_c(pw), token, &who, &err));
    pw[AH_MAX_PASSWORD] = '\0';
    /* one past the email cap (a longer spelling of no one) */
    memmove(email + 1, email, AH_MAX_EMAIL + 1);
    assert_int_equal(strlen(email), AH_MAX_EMAIL + 1);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_login(&f->cx, ah_str_c(email), ah_str_c(pw), token, &who, &err));
}

/* ---- sessions ---- */

static void test_access_session_expires_after_idle(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char a[AH_SECRET_MAX], b[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, a);
    login(f, "ann@example.com", PASSWORD, b);
    /* the last millisecond of the session, then the first after it */
    f->cx.now = T0 + f->settings.session_idle_ms - 1;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    f->cx.now = T0 + f->settings.session_idle_ms;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(b), AH_CRED_SESSION, &who, &cred, &err));
    assert_non_null(strstr(err.msg, "expired"));
    f->cx.now = T0 + 10 * f->settings.session_idle_ms;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(b), AH_CRED_SESSION, &who, &cred, &err));
}

static void test_access_activity_extends_session(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char a[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;
    int64_t idle = f->settings.session_idle_ms;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, a);
    f->cx.now = T0 + 2 * MINUTE;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    /* used two minutes in: the session now ends idle after that use */
    f->cx.now = T0 + idle + MINUTE;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    assert_true(cred.expires_at == T0 + 2 * MINUTE + idle);
    f->cx.now = T0 + 2 * idle + 2 * MINUTE;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
}

static void test_access_reads_within_a_minute_do_not_write(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char a[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, a);
    f->cx.now = T0 + MINUTE - 1;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    /* not renewed: it still ends idle after the login */
    f->cx.now = T0 + f->settings.session_idle_ms;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
}

static void test_access_purge_drops_expired_sessions(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    char old[AH_SECRET_MAX], fresh[AH_SECRET_MAX], tok[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;
    int64_t idle = f->settings.session_idle_ms;

    login(f, "ann@example.com", PASSWORD, old);
    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("ci"), tok, &cred, &err));
    f->cx.now = T0 + idle / 2;
    login(f, "ann@example.com", PASSWORD, fresh);
    f->cx.now = T0 + idle + 1;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(old), AH_CRED_SESSION, &who, &cred, &err));
    assert_non_null(strstr(err.msg, "expired"));
    assert_ok(ah_access_purge(&f->cx, &err));
    /* gone, not merely expired; the live session and the token stay */
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(old), AH_CRED_SESSION, &who, &cred, &err));
    assert_null(strstr(err.msg, "expired"));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(fresh), AH_CRED_SESSION, &who, &cred, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &cred, &err));
}

static void test_access_deactivated_person_refused(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    char session[AH_SECRET_MAX], token[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;

    login(f, "ann@example.com", PASSWORD, session);
    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("ci"), token, &cred, &err));
    deactivate(f, ann.id);
    /* at once, not when the session would end */
    f->cx.now = T0 + 1;
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(session), AH_CRED_SESSION, &who, &cred, &err));
    assert_non_null(strstr(err.msg, "deactivated"));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(token), AH_CRED_TOKEN, &who, &cred, &err));
}

static void test_access_resolve_refuses_garbage(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char good[AH_SECRET_MAX], bad[AH_SECRET_MAX + 8];
    struct ah_person who;
    struct ah_credential cred;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, good);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, AH_STR_NULL, AH_CRED_SESSION, &who, &cred, &err));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, AH_STR_LIT("ahs_"), AH_CRED_SESSION, &who, &cred, &err));
    /* one character short, one too many, another prefix, one character changed */
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, (struct ah_str){good, strlen(good) - 1}, AH_CRED_SESSION,
                                  &who, &cred, &err));
    snprintf(bad, sizeof(bad), "%sA", good);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(bad), AH_CRED_SESSION, &who, &cred, &err));
    snprintf(bad, sizeof(bad), "%s", good);
    memcpy(bad, "ahx_", 4);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(bad), AH_CRED_SESSION, &who, &cred, &err));
    memcpy(bad, "aht_", 4); /* a session secret is not a token */
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(bad), AH_CRED_SESSION, &who, &cred, &err));
    snprintf(bad, sizeof(bad), "%s", good);
    bad[10] = bad[10] == 'A' ? 'B' : 'A';
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(bad), AH_CRED_SESSION, &who, &cred, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(good), AH_CRED_SESSION, &who, &cred, &err));
}

static void test_access_resolve_wants_the_right_kind(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    char session[AH_SECRET_MAX], tok[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;

    login(f, "ann@example.com", PASSWORD, session);
    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("ci"), tok, &cred, &err));
    /* a session secret is no API token (it must come as a cookie, where the
     * CSRF check applies), and a token is no session */
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(session), AH_CRED_TOKEN, &who, &cred, &err));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_SESSION, &who, &cred, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(session), AH_CRED_SESSION, &who, &cred, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &cred, &err));
}

static void test_access_logout_ends_session(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    char a[AH_SECRET_MAX], b[AH_SECRET_MAX], tok[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred, tcred;

    make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "ann@example.com", PASSWORD, a);
    login(f, "ann@example.com", PASSWORD, b);
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    fx_as(f, &who);
    assert_ok(ah_access_logout(&f->cx, &cred, &err));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(a), AH_CRED_SESSION, &who, &cred, &err));
    /* the other session lives on */
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(b), AH_CRED_SESSION, &who, &cred, &err));
    /* a token is revoked, not logged out */
    fx_as(f, &who);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("t"), tok, &tcred, &err));
    assert_code(AH_E_BAD_REQUEST, ah_access_logout(&f->cx, &tcred, &err));
}

/* ---- API tokens ---- */

static void test_access_token_create_list_revoke(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    char tok[AH_SECRET_MAX], session[AH_SECRET_MAX];
    struct ah_credential c, *items;
    struct ah_person who;
    struct ah_audit_entry *audit;
    size_t n, naudit;

    login(f, "ann@example.com", PASSWORD, session);
    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("  deploy bot  "), tok, &c, &err));
    assert_memory_equal(tok, "aht_", 4);
    assert_int_equal(strlen(tok), 4 + AH_TOKEN_CHARS);
    assert_string_equal(c.name, "deploy bot");
    assert_int_equal(c.kind, AH_CRED_TOKEN);
    assert_int_equal(c.person_id, ann.id);
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    assert_int_equal(who.id, ann.id);
    assert_int_equal(c.kind, AH_CRED_TOKEN);
    assert_int_equal(c.expires_at, 0);
    /* tokens do not expire with idleness */
    f->cx.now = T0 + 3650LL * 24 * 60 * MINUTE;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    fx_as(f, &ann);
    /* the list shows tokens only, not sessions */
    assert_ok(ah_access_token_list(&f->cx, &items, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, c.id);
    assert_string_equal(items[0].name, "deploy bot");
    assert_ok(ah_access_token_revoke(&f->cx, c.id, &err));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    fx_as(f, &ann);
    assert_ok(ah_access_token_list(&f->cx, &items, &n, &err));
    assert_int_equal(n, 0);
    assert_code(AH_E_NOT_FOUND, ah_access_token_revoke(&f->cx, c.id, &err));
    /* both changes are in the audit log */
    fx_as_system(f);
    assert_ok(ah_audit_list(&f->cx, 0, 10, &audit, &naudit, &err));
    assert_true(naudit >= 2);
    assert_string_equal(audit[0].action, "token.revoke");
    assert_string_equal(audit[1].action, "token.create");
    assert_int_equal(audit[0].actor_id, ann.id);
}

static void test_access_token_revoke_only_own(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, NULL);
    struct ah_person bob = make(f, "bob@example.com", AH_ROLE_LEAD, NULL);
    char tok[AH_SECRET_MAX], session[AH_SECRET_MAX];
    struct ah_credential c, *items;
    struct ah_person who;
    size_t n;

    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("mine"), tok, &c, &err));
    fx_as(f, &bob); /* even a lead */
    assert_code(AH_E_NOT_FOUND, ah_access_token_revoke(&f->cx, c.id, &err));
    assert_ok(ah_access_token_list(&f->cx, &items, &n, &err));
    assert_int_equal(n, 0);
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    assert_int_equal(who.id, ann.id);
    /* nor can a session id be revoked as a token */
    make(f, "cy@example.com", AH_ROLE_MEMBER, PASSWORD);
    login(f, "cy@example.com", PASSWORD, session);
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(session), AH_CRED_SESSION, &who, &c, &err));
    fx_as(f, &who);
    assert_code(AH_E_NOT_FOUND, ah_access_token_revoke(&f->cx, c.id, &err));
}

static void test_access_token_name_caps(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, NULL);
    char tok[AH_SECRET_MAX], name[AH_MAX_NAME + 2];
    struct ah_credential c;

    memset(name, 'n', sizeof(name));
    name[AH_MAX_NAME] = '\0';
    fx_as(f, &ann);
    assert_ok(ah_access_token_create(&f->cx, 0, ah_str_c(name), tok, &c, &err));
    assert_int_equal(strlen(c.name), AH_MAX_NAME);
    name[AH_MAX_NAME] = 'n';
    name[AH_MAX_NAME + 1] = '\0';
    assert_code(AH_E_INVALID, ah_access_token_create(&f->cx, 0, ah_str_c(name), tok, &c, &err));
    assert_code(AH_E_INVALID, ah_access_token_create(&f->cx, 0, AH_STR_LIT(""), tok, &c, &err));
    assert_code(AH_E_INVALID, ah_access_token_create(&f->cx, 0, AH_STR_LIT(" \t "), tok, &c, &err));
    fx_as(f, NULL);
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_token_create(&f->cx, 0, AH_STR_LIT("x"), tok, &c, &err));
}

static void test_access_token_by_command_line(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, NULL);
    struct ah_person mo = make(f, "mo@example.com", AH_ROLE_MEMBER, NULL);
    char tok[AH_SECRET_MAX];
    struct ah_credential c;
    struct ah_person who;

    fx_as_system(f);
    assert_ok(ah_access_token_create(&f->cx, ann.id, AH_STR_LIT("ops"), tok, &c, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    assert_int_equal(who.id, ann.id);
    /* a person cannot make a token for someone else: person_id is ignored */
    fx_as(f, &mo);
    assert_ok(ah_access_token_create(&f->cx, ann.id, AH_STR_LIT("sneaky"), tok, &c, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    assert_int_equal(who.id, mo.id);
}

static void test_access_token_cap_and_newest_revocable(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, NULL);
    char tok[AH_SECRET_MAX];
    struct ah_credential c, *items;
    struct ah_person who;
    size_t n;
    int64_t newest;

    /* at the cap every token is listed (and so revocable); one past is refused */
    fx_as(f, &ann);
    for (int i = 0; i < AH_MAX_TOKENS; i++)
        assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("bulk"), tok, &c, &err));
    newest = c.id;
    assert_code(AH_E_INVALID,
                ah_access_token_create(&f->cx, 0, AH_STR_LIT("bulk"), tok, &c, &err));
    assert_ok(ah_access_token_list(&f->cx, &items, &n, &err));
    assert_int_equal(n, AH_MAX_TOKENS);
    assert_int_equal(items[n - 1].id, newest);
    assert_ok(ah_access_token_revoke(&f->cx, newest, &err));
    assert_ok(ah_access_token_create(&f->cx, 0, AH_STR_LIT("again"), tok, &c, &err));
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
    assert_ok(ah_access_token_revoke(&f->cx, c.id, &err));
    assert_code(AH_E_UNAUTHENTICATED,
                ah_access_resolve(&f->cx, ah_str_c(tok), AH_CRED_TOKEN, &who, &c, &err));
}

/* ---- the login limit ---- */

static void test_access_login_limit_counts_failures_per_address(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};

    for (int i = 0; i < AH_LOGIN_BURST; i++) {
        assert_ok(ah_access_login_allowed(&f->cx, "192.0.2.1", &err));
        ah_access_login_failed(&f->cx, "192.0.2.1");
    }
    /* at the limit: refused; another address is not */
    assert_code(AH_E_RATE_LIMITED, ah_access_login_allowed(&f->cx, "192.0.2.1", &err));
    assert_ok(ah_access_login_allowed(&f->cx, "192.0.2.2", &err));
    /* a minute later the address may try again, and old failures are purged */
    f->cx.now += 60001;
    assert_ok(ah_access_login_allowed(&f->cx, "192.0.2.1", &err));
    f->cx.now += 3600000;
    assert_ok(ah_access_purge(&f->cx, &err));
}

/* ---- the rest ---- */

static void test_access_csrf_deterministic(void **state)
{
    char a1[AH_HASH_HEX], a2[AH_HASH_HEX], b[AH_HASH_HEX], h[AH_HASH_HEX];
    char s1[AH_SECRET_MAX], s2[AH_SECRET_MAX];

    (void)state;
    ah_crypto_token("ahs_", s1, sizeof(s1));
    ah_crypto_token("ahs_", s2, sizeof(s2));
    ah_access_csrf(ah_str_c(s1), a1);
    ah_access_csrf(ah_str_c(s1), a2);
    ah_access_csrf(ah_str_c(s2), b);
    assert_string_equal(a1, a2);
    assert_string_not_equal(a1, b);
    assert_int_equal(strlen(a1), 64);
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", a1[i]));
    /* keyed: not the same as the hash the store keeps of the session */
    ah_crypto_token_hash(ah_str_c(s1), h);
    assert_string_not_equal(a1, h);
    /* and it does not contain the secret */
    assert_null(strstr(a1, s1 + 4));
}

static void test_access_resolve_renews_lease(void **state)
{
    struct fx *f = *state;
    struct ah_error err = {0};
    struct ah_person ann = make(f, "ann@example.com", AH_ROLE_MEMBER, PASSWORD);
    struct ah_person bob = make(f, "bob@example.com", AH_ROLE_MEMBER, NULL);
    struct ah_ticket_input in;
    struct ah_ticket t, got;
    struct ah_message *msgs;
    size_t nmsgs;
    bool found = false;
    char session[AH_SECRET_MAX];
    struct ah_person who;
    struct ah_credential cred;
    int64_t lease = f->settings.lease_ms;

    ah_ticket_input_init(&in);
    in.subject = AH_STR_LIT("Help");
    in.body = AH_STR_LIT("Please");
    in.requester_email = AH_STR_LIT("cust@example.com");
    assert_ok(ah_ticket_create(&f->cx, &in, &t, NULL, &err));
    login(f, "ann@example.com", PASSWORD, session);
    fx_as(f, &ann);
    assert_ok(ah_queue_next(&f->cx, 0, &got, &msgs, &nmsgs, &found, &err));
    assert_true(found);
    assert_true(got.claim_until == T0 + lease);
    /* activity just before the lease ends keeps the claim */
    f->cx.now = T0 + lease - MINUTE;
    assert_ok(ah_access_resolve(&f->cx, ah_str_c(session), AH_CRED_SESSION, &who, &cred, &err));
    f->cx.now = T0 + lease + MINUTE;
    fx_as(f, &bob);
    assert_ok(ah_queue_next(&f->cx, 0, &got, &msgs, &nmsgs, &found, &err));
    assert_false(found);
    fx_as_system(f);
    assert_ok(ah_ticket_get(&f->cx, t.id, &got, &msgs, &nmsgs, &err));
    assert_int_equal(got.assignee_id, ann.id);
    assert_true(got.claim_until == T0 + 2 * lease - MINUTE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_access_login_right_password),
        T(test_access_login_email_case_insensitive),
        T(test_access_login_two_sessions_differ),
        T(test_access_login_refusals_look_alike),
        T(test_access_login_caps),
        T(test_access_session_expires_after_idle),
        T(test_access_activity_extends_session),
        T(test_access_reads_within_a_minute_do_not_write),
        T(test_access_purge_drops_expired_sessions),
        T(test_access_deactivated_person_refused),
        T(test_access_resolve_refuses_garbage),
        T(test_access_resolve_wants_the_right_kind),
        T(test_access_logout_ends_session),
        T(test_access_token_create_list_revoke),
        T(test_access_token_revoke_only_own),
        T(test_access_token_name_caps),
        T(test_access_token_by_command_line),
        T(test_access_token_cap_and_newest_revocable),
        T(test_access_csrf_deterministic),
        T(test_access_login_limit_counts_failures_per_address),
        T(test_access_resolve_renews_lease),
    };

    return cmocka_run_group_tests_name("access", tests, fx_crypto_setup, NULL);
}
