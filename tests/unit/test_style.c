/* test_style.c - src/domain/style.c, style_starter.c and routing.c: the
 * compiled style guide (which rules apply to whom, what a hit reports), the
 * starter guide on replies a help desk would send, and routing rules run
 * over arriving tickets (order, stop, domains, tags, priorities). No
 * database: both compile from plain rule arrays. */
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "domain/routing.h"
#include "domain/style.h"
#include "fixture.h"

/* ---- style: helpers ---- */

/* A live, enabled phrase rule that applies to everyone. */
static struct ah_style_rule style_rule(int64_t id, const char *name, const char *phrase)
{
    return (struct ah_style_rule){.id = id,
                                  .name = name,
                                  .kind = AH_MATCH_PHRASE,
                                  .pattern = phrase,
                                  .severity = AH_SEV_WARN,
                                  .why = "why",
                                  .better = "better",
                                  .levels = "",
                                  .roles = "",
                                  .tags = "",
                                  .lifted_tags = "",
                                  .enabled = true};
}

static struct ah_style_guide *guide(const struct ah_style_rule *rules, size_t n)
{
    struct ah_error err = {0};
    struct ah_style_guide *g = NULL;

    assert_ok(ah_style_compile(rules, n, &g, &err));
    return g;
}

/* The names of the rules that hit text, in hit order, joined by spaces, in a. */
static const char *hit_names(const struct ah_style_guide *g, const char *text, enum ah_role role,
                             enum ah_level level, const char *tags, struct ah_arena *a)
{
    struct ah_error err = {0};
    struct ah_style_hit *h;
    size_t n;
    char *out = ah_arena_alloc(a, 1000);
    size_t o = 0;

    assert_ok(ah_style_check(g, text, strlen(text), role, level, tags, a, &h, &n, &err));
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(h[i].rule);

        assert_true(o + len + 2 < 1000);
        if (i)
            out[o++] = ' ';
        memcpy(out + o, h[i].rule, len);
        o += len;
    }
    out[o] = '\0';
    return out;
}

/* ---- style ---- */

static void test_style_hit_reports_the_rule(void **state)
{
    char *name = strdup("no-just"), *why = strdup("It belittles"), *better = strdup("Drop it");
    struct ah_style_rule r = style_rule(42, name, "just");
    struct ah_style_guide *g;
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_style_hit *h;
    size_t n;
    const char *t = "😀 Just click Export.";

    (void)state;
    r.why = why;
    r.better = better;
    r.severity = AH_SEV_BLOCK;
    g = guide(&r, 1);
    /* the guide keeps its own copies */
    free(name);
    free(why);
    free(better);
    ah_arena_init(&a);
    assert_ok(ah_style_check(g, t, strlen(t), AH_ROLE_MEMBER, AH_LEVEL_TRAINEE, NULL, &a, &h, &n,
                             &err));
    assert_int_equal(n, 1);
    assert_int_equal(h[0].rule_id, 42);
    assert_string_equal(h[0].rule, "no-just");
    assert_string_equal(h[0].why, "It belittles");
    assert_string_equal(h[0].better, "Drop it");
    assert_int_equal(h[0].severity, AH_SEV_BLOCK);
    assert_int_equal(h[0].byte_start, 5);
    assert_int_equal(h[0].byte_end, 9);
    assert_int_equal(h[0].u16_start, 3);
    assert_int_equal(h[0].u16_end, 7);
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_levels_apply_to_members_only(void **state)
{
    struct ah_style_rule r[2] = {style_rule(1, "trainee-only", "just"),
                                 style_rule(2, "juniors-up", "simply")};
    struct ah_style_guide *g;
    struct ah_arena a;
    const char *t = "just simply";

    (void)state;
    r[0].levels = "trainee";
    r[1].levels = "junior tier1";
    g = guide(r, 2);
    ah_arena_init(&a);
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TRAINEE, "", &a), "trainee-only");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_JUNIOR, "", &a), "juniors-up");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "", &a), "juniors-up");
    /* a pro, lead or admin has no level: level lists do not restrict them */
    assert_string_equal(hit_names(g, t, AH_ROLE_PRO, AH_LEVEL_TRAINEE, "", &a),
                        "trainee-only juniors-up");
    assert_string_equal(hit_names(g, t, AH_ROLE_LEAD, AH_LEVEL_TIER1, "", &a),
                        "trainee-only juniors-up");
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_roles(void **state)
{
    struct ah_style_rule r[2] = {style_rule(1, "members", "just"), style_rule(2, "all", "simply")};
    struct ah_style_guide *g;
    struct ah_arena a;

    (void)state;
    r[0].roles = "member pro";
    g = guide(r, 2);
    ah_arena_init(&a);
    assert_string_equal(hit_names(g, "just simply", AH_ROLE_MEMBER, AH_LEVEL_TIER1, "", &a),
                        "members all");
    assert_string_equal(hit_names(g, "just simply", AH_ROLE_PRO, AH_LEVEL_TIER1, "", &a),
                        "members all");
    assert_string_equal(hit_names(g, "just simply", AH_ROLE_LEAD, AH_LEVEL_TIER1, "", &a), "all");
    assert_string_equal(hit_names(g, "just simply", AH_ROLE_ADMIN, AH_LEVEL_TIER1, "", &a), "all");
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_tags_and_lifted_tags(void **state)
{
    struct ah_style_rule r[3] = {style_rule(1, "data-loss-only", "our fault"),
                                 style_rule(2, "not-for-vip", "just"),
                                 style_rule(3, "billing-or-refund", "invoice")};
    struct ah_style_guide *g;
    struct ah_arena a;
    const char *t = "It was our fault; just resend the invoice.";

    (void)state;
    r[0].tags = "data-loss";
    r[1].lifted_tags = "vip internal";
    r[2].tags = "billing refund";
    g = guide(r, 3);
    ah_arena_init(&a);
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, NULL, &a), "not-for-vip");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "", &a), "not-for-vip");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "data-loss", &a),
                        "data-loss-only not-for-vip");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "urgent internal", &a),
                        "");
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "refund data-loss vip", &a),
                        "data-loss-only billing-or-refund");
    /* a tag matches whole, not as a prefix */
    assert_string_equal(hit_names(g, t, AH_ROLE_MEMBER, AH_LEVEL_TIER1, "data-loss-2 vips", &a),
                        "not-for-vip");
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_leaves_out_disabled_and_deleted(void **state)
{
    struct ah_style_rule r[3] = {style_rule(1, "off", "just"), style_rule(2, "gone", "simply"),
                                 style_rule(3, "on", "easy")};
    struct ah_style_guide *g;
    struct ah_arena a;

    (void)state;
    r[0].enabled = false;
    r[1].deleted_at = T0;
    r[1].pattern = "(((broken"; /* left out, so not even compiled */
    r[1].kind = AH_MATCH_REGEX;
    g = guide(r, 3);
    ah_arena_init(&a);
    assert_string_equal(hit_names(g, "just simply easy", AH_ROLE_MEMBER, AH_LEVEL_TIER1, "", &a),
                        "on");
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_compile_refusals_name_the_rule(void **state)
{
    struct ah_style_rule r[2] = {style_rule(1, "fine", "just"), style_rule(2, "bad-regex", "(ab")};
    struct ah_style_guide *g = NULL;
    struct ah_error err = {0};

    (void)state;
    r[1].kind = AH_MATCH_REGEX;
    assert_code(AH_E_INVALID, ah_style_compile(r, 2, &g, &err));
    assert_null(g);
    assert_string_equal(err.msg,
                        "style rule 'bad-regex': PCRE2 error at offset 3: missing closing parenthesis");
    r[1] = style_rule(2, "no-word", "...");
    assert_code(AH_E_INVALID, ah_style_compile(r, 2, &g, &err));
    assert_non_null(strstr(err.msg, "'no-word'"));
    r[1] = style_rule(2, "bad-level", "simply");
    r[1].levels = "junior senior";
    assert_code(AH_E_INVALID, ah_style_compile(r, 2, &g, &err));
    assert_string_equal(err.msg, "style rule 'bad-level': no level 'senior'");
    r[1].levels = "";
    r[1].roles = "member boss";
    assert_code(AH_E_INVALID, ah_style_compile(r, 2, &g, &err));
    assert_string_equal(err.msg, "style rule 'bad-level': no role 'boss'");
    assert_ok(ah_style_compile(r, 0, &g, &err)); /* no rules: a guide that finds nothing */
    ah_style_free(g);
}

static void test_style_hits_capped(void **state)
{
    struct ah_style_rule r = style_rule(1, "no-just", "just");
    struct ah_style_guide *g = guide(&r, 1);
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_style_hit *h;
    size_t n, len = 0;
    char *t = malloc(5 * (AH_STYLE_MAX_HITS + 1) + 1);

    (void)state;
    assert_non_null(t);
    ah_arena_init(&a);
    for (int i = 0; i < AH_STYLE_MAX_HITS; i++, len += 5)
        memcpy(t + len, "just ", 5);
    assert_ok(ah_style_check(g, t, len, AH_ROLE_MEMBER, AH_LEVEL_TIER1, NULL, &a, &h, &n, &err));
    assert_int_equal(n, AH_STYLE_MAX_HITS);
    memcpy(t + len, "just ", 5);
    len += 5;
    assert_ok(ah_style_check(g, t, len, AH_ROLE_MEMBER, AH_LEVEL_TIER1, NULL, &a, &h, &n, &err));
    assert_int_equal(n, AH_STYLE_MAX_HITS); /* the first ones */
    assert_int_equal(h[n - 1].byte_start, 5 * (AH_STYLE_MAX_HITS - 1));
    ah_arena_release(&a);
    ah_style_free(g);
    free(t);
}

static void test_style_check_refuses_bad_utf8(void **state)
{
    struct ah_style_rule r = style_rule(1, "no-just", "just");
    struct ah_style_guide *g = guide(&r, 1);
    struct ah_error err = {0};
    struct ah_arena a;
    struct ah_style_hit *h;
    size_t n;

    (void)state;
    ah_arena_init(&a);
    assert_code(AH_E_INVALID, ah_style_check(g, "just \xc3", 6, AH_ROLE_MEMBER, AH_LEVEL_TIER1,
                                             NULL, &a, &h, &n, &err));
    ah_arena_release(&a);
    ah_style_free(g);
}

static void test_style_level_and_severity_names(void **state)
{
    enum ah_level l;
    enum ah_severity s;

    (void)state;
    for (int i = AH_LEVEL_TRAINEE; i <= AH_LEVEL_TIER1; i++) {
        const char *name = ah_level_name((enum ah_level)i);

        assert_true(ah_level_parse(name, strlen(name), &l));
        assert_int_equal(l, i);
    }
    for (int i = AH_SEV_BLOCK; i <= AH_SEV_TIP; i++) {
        const char *name = ah_severity_name((enum ah_severity)i);

        assert_true(ah_severity_parse(name, strlen(name), &s));
        assert_int_equal(s, i);
    }
    assert_string_equal(ah_level_name(AH_LEVEL_TIER1), "tier1");
    assert_string_equal(ah_severity_name(AH_SEV_TIP), "tip");
    assert_true(ah_level_parse("junior-x", 6, &l));
    assert_int_equal(l, AH_LEVEL_JUNIOR);
    assert_false(ah_level_parse("Junior", 6, &l));
    assert_false(ah_level_parse("tier", 4, &l));
    assert_false(ah_severity_parse("warning", 7, &s));
    assert_false(ah_severity_parse("", 0, &s));
}

/* ---- the starter guide ---- */

static void test_style_starter_guide_is_complete(void **state)
{
    struct ah_style_guide *g;

    (void)state;
    assert_true(ah_style_nstarter >= 10 && ah_style_nstarter <= 14);
    for (size_t i = 0; i < ah_style_nstarter; i++) {
        const struct ah_style_rule *r = &ah_style_starter[i];
        struct ah_error err = {0};
        struct ah_style_guide *one = NULL;

        assert_non_null(r->name);
        assert_true(strlen(r->name) > 0 && strlen(r->why) > 20 && strlen(r->better) > 5);
        assert_true(r->kind == AH_MATCH_PHRASE || r->kind == AH_MATCH_REGEX);
        assert_true(r->enabled);
        assert_int_equal(r->id, 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(r->name, ah_style_starter[j].name);
        if (ah_style_compile(r, 1, &one, &err))
            fail_msg("starter rule %s: %s", r->name, err.msg);
        ah_style_free(one);
    }
    g = guide(ah_style_starter, ah_style_nstarter);
    ah_style_free(g);
}

static void test_style_starter_guide_on_replies(void **state)
{
    static const struct {
        const char *text;
        const char *tags;
        const char *hits;
    } cases[] = {
        {"Hi Sam, thanks for the details. I've restored the report from last night's backup "
         "and checked the totals with you on the call. Let me know if anything looks off.",
         "data-loss", ""},
        {"That was our fault, we lost your data.", "data-loss",
         "no-fault-data-loss no-fault-data-loss"},
        {"That was our fault, we lost your data.", "billing", ""},
        {"Dark mode is coming soon, probably next month.", "", "no-promised-dates no-promised-dates"},
        {"We will ship it by December.", "", "no-promised-dates no-promised-dates"},
        {"You should have saved first; you didn\u2019t.", "", "no-blaming-customer no-blaming-customer"},
        {"Sorry for the inconvenience.", "", "no-sorry-for-inconvenience sorry-be-specific"},
        {"Sorry, I read it wrong.", "", "sorry-be-specific"},
        {"I escalated your ticket to tier 2; it is in the queue.", "",
         "no-internal-jargon no-internal-jargon no-internal-jargon no-internal-jargon"},
        {"Just click Export. Simply pick CSV; obviously it's easy.", "",
         "no-just no-simply no-obviously no-easy"},
        {"As per my last email, per our policy we keep backups. Dear customer,", "",
         "no-as-per no-per-policy no-dear-customer"},
        /* near misses */
        {"Adjust the justified column; it eases things. Next, we will review it.", "", ""},
    };
    struct ah_style_guide *g = guide(ah_style_starter, ah_style_nstarter);
    struct ah_arena a;

    (void)state;
    ah_arena_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = hit_names(g, cases[i].text, AH_ROLE_MEMBER, AH_LEVEL_TRAINEE,
                                    cases[i].tags, &a);

        if (strcmp(got, cases[i].hits) != 0)
            fail_msg("\"%s\": want [%s], got [%s]", cases[i].text, cases[i].hits, got);
    }
    ah_arena_release(&a);
    ah_style_free(g);
}

/* ---- routing: helpers ---- */

/* An enabled rule with no condition and no action. */
static struct ah_route_rule route_rule(int64_t id)
{
    return (struct ah_route_rule){.id = id,
                                  .position = id,
                                  .name = "rule",
                                  .match_kind = AH_MATCH_NONE,
                                  .pattern = "",
                                  .match_in = AH_IN_BOTH,
                                  .if_tag = "",
                                  .if_source = "",
                                  .if_domain = "",
                                  .if_priority = -1,
                                  .set_tier = 0,
                                  .set_priority = -1,
                                  .add_tags = "",
                                  .enabled = true};
}

static struct ah_route_rule text_rule(int64_t id, enum ah_match_kind kind, const char *pattern,
                                      int in)
{
    struct ah_route_rule r = route_rule(id);

    r.match_kind = kind;
    r.pattern = pattern;
    r.match_in = in;
    return r;
}

static struct ah_route_input ticket(const char *subject, const char *body)
{
    return (struct ah_route_input){.subject = subject,
                                   .subject_len = strlen(subject),
                                   .body = body,
                                   .body_len = strlen(body),
                                   .source = "email",
                                   .requester_email = "sam@customer.example",
                                   .priority = AH_PRIO_NORMAL,
                                   .tags = ""};
}

static struct ah_route_result route(const struct ah_route_rule *rules, size_t n,
                                    const struct ah_route_input *in, struct ah_arena *a)
{
    struct ah_error err = {0};
    struct ah_router *r = NULL;
    struct ah_route_result out;

    memset(&out, 0xAB, sizeof(out));
    assert_ok(ah_router_compile(rules, n, &r, &err));
    assert_ok(ah_router_apply(r, in, a, &out, &err));
    ah_router_free(r);
    return out;
}

/* ---- routing ---- */

static void test_routing_rule_sets_tier_and_tags(void **state)
{
    struct ah_route_rule r[2] = {text_rule(7, AH_MATCH_PHRASE, "refund", AH_IN_BOTH),
                                 text_rule(8, AH_MATCH_REGEX, "\\bsso\\b", AH_IN_SUBJECT)};
    struct ah_route_input in = ticket("Question about my invoice", "I would like a Refund, please.");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    r[0].set_tier = 2;
    r[0].add_tags = "billing refund";
    r[1].set_tier = 3;
    r[1].add_tags = "auth";
    in.tags = "vip billing";
    ah_arena_init(&a);
    out = route(r, 2, &in, &a);
    assert_int_equal(out.tier, 2);
    assert_int_equal(out.priority, AH_PRIO_NORMAL);
    assert_string_equal(out.tags, "billing refund vip"); /* sorted, unique */
    assert_int_equal(out.nmatched, 1);
    assert_int_equal(out.matched[0], 7);
    /* nothing applies: the input's tier 0, priority and tags */
    in = ticket("Hello", "Thanks!");
    out = route(r, 2, &in, &a);
    assert_int_equal(out.tier, 0);
    assert_string_equal(out.tags, "");
    assert_int_equal(out.nmatched, 0);
    ah_arena_release(&a);
}

static void test_routing_order_matters(void **state)
{
    struct ah_route_rule r[2] = {text_rule(1, AH_MATCH_PHRASE, "outage", AH_IN_BOTH),
                                 text_rule(2, AH_MATCH_PHRASE, "billing", AH_IN_BOTH)};
    struct ah_route_rule swapped[2];
    struct ah_route_input in = ticket("Outage on the billing page", "");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    r[0].set_tier = 3;
    r[0].set_priority = AH_PRIO_URGENT;
    r[1].set_tier = 2;
    swapped[0] = r[1];
    swapped[1] = r[0];
    ah_arena_init(&a);
    out = route(r, 2, &in, &a);
    assert_int_equal(out.tier, 2); /* the later rule wins */
    assert_int_equal(out.priority, AH_PRIO_URGENT); /* it left priority alone */
    assert_int_equal(out.nmatched, 2);
    assert_int_equal(out.matched[0], 1);
    assert_int_equal(out.matched[1], 2);
    out = route(swapped, 2, &in, &a);
    assert_int_equal(out.tier, 3);
    assert_int_equal(out.matched[0], 2);
    assert_int_equal(out.matched[1], 1);
    ah_arena_release(&a);
}

static void test_routing_stop(void **state)
{
    struct ah_route_rule r[3] = {route_rule(1), text_rule(2, AH_MATCH_PHRASE, "security", AH_IN_BOTH),
                                 route_rule(3)};
    struct ah_route_input in = ticket("Security question", "");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    r[0].add_tags = "seen";
    r[1].set_tier = 3;
    r[1].add_tags = "security";
    r[1].stop = true;
    r[2].set_tier = 1;
    r[2].add_tags = "general";
    ah_arena_init(&a);
    out = route(r, 3, &in, &a);
    assert_int_equal(out.tier, 3);
    assert_string_equal(out.tags, "security seen");
    assert_int_equal(out.nmatched, 2);
    /* a stop rule that does not apply stops nothing */
    in = ticket("Billing question", "");
    out = route(r, 3, &in, &a);
    assert_int_equal(out.tier, 1);
    assert_string_equal(out.tags, "general seen");
    ah_arena_release(&a);
}

static void test_routing_domain_with_subdomains_and_case(void **state)
{
    struct ah_route_rule r = route_rule(1);
    static const struct {
        const char *email;
        int tier;
    } cases[] = {
        {"ceo@bigcorp.com", 3},        {"it@EU.BigCorp.COM", 3}, {"Ann@Mail.eu.bigcorp.com", 3},
        {"x@notbigcorp.com", 0},       {"x@bigcorp.com.evil", 0}, {"bigcorp.com", 0},
        {"x@bigcorp.co", 0},           {NULL, 0},
    };
    struct ah_arena a;

    (void)state;
    r.if_domain = "bigcorp.com";
    r.set_tier = 3;
    ah_arena_init(&a);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ah_route_input in = ticket("Hi", "");
        struct ah_route_result out;

        in.requester_email = cases[i].email;
        out = route(&r, 1, &in, &a);
        if (out.tier != cases[i].tier)
            fail_msg("%s: want tier %d, got %d", cases[i].email ? cases[i].email : "(none)",
                     cases[i].tier, out.tier);
    }
    ah_arena_release(&a);
}

static void test_routing_if_tag_sees_earlier_rules_tags(void **state)
{
    struct ah_route_rule r[4] = {route_rule(1), text_rule(2, AH_MATCH_PHRASE, "chargeback", AH_IN_BODY),
                                 route_rule(3), route_rule(4)};
    struct ah_route_input in = ticket("Payment", "We filed a chargeback.");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    /* rule 1 wants a tag only rule 2 adds: it ran before, so it does not apply */
    r[0].if_tag = "billing";
    r[0].add_tags = "too-early";
    r[1].add_tags = "billing dispute";
    r[2].if_tag = "billing";
    r[2].set_tier = 2;
    r[3].if_tag = "dispute";
    r[3].add_tags = "finance";
    ah_arena_init(&a);
    out = route(r, 4, &in, &a);
    assert_int_equal(out.tier, 2);
    assert_string_equal(out.tags, "billing dispute finance");
    assert_int_equal(out.nmatched, 3);
    /* the input's own tags count too */
    in = ticket("Payment", "no match here");
    in.tags = "billing";
    out = route(r, 4, &in, &a);
    assert_string_equal(out.tags, "billing too-early");
    assert_int_equal(out.tier, 2);
    ah_arena_release(&a);
}

static void test_routing_priority_conditions(void **state)
{
    struct ah_route_rule r[3] = {route_rule(1), text_rule(2, AH_MATCH_REGEX, "\\bdown\\b", AH_IN_SUBJECT),
                                 route_rule(3)};
    struct ah_route_input in = ticket("Site is DOWN", "");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    r[0].if_priority = AH_PRIO_URGENT; /* not yet urgent when it runs */
    r[0].add_tags = "early";
    r[1].set_priority = AH_PRIO_URGENT;
    r[2].if_priority = AH_PRIO_URGENT; /* urgent by now */
    r[2].set_tier = 3;
    r[2].add_tags = "page-oncall";
    ah_arena_init(&a);
    out = route(r, 3, &in, &a);
    assert_int_equal(out.priority, AH_PRIO_URGENT);
    assert_int_equal(out.tier, 3);
    assert_string_equal(out.tags, "page-oncall");
    /* an urgent input meets rule 1's condition from the start */
    in.priority = AH_PRIO_URGENT;
    out = route(r, 3, &in, &a);
    assert_string_equal(out.tags, "early page-oncall");
    /* a low ticket not down stays low */
    in = ticket("Slow page", "it's down-ish");
    in.priority = AH_PRIO_LOW;
    out = route(r, 3, &in, &a);
    assert_int_equal(out.priority, AH_PRIO_LOW);
    assert_int_equal(out.tier, 0);
    ah_arena_release(&a);
}

static void test_routing_text_where_and_source(void **state)
{
    struct ah_route_rule r[3] = {text_rule(1, AH_MATCH_PHRASE, "invoice", AH_IN_SUBJECT),
                                 text_rule(2, AH_MATCH_PHRASE, "invoice", AH_IN_BODY),
                                 text_rule(3, AH_MATCH_PHRASE, "invoice", AH_IN_BOTH)};
    struct ah_route_input in = ticket("Your INVOICE", "see subject");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    ah_arena_init(&a);
    out = route(r, 3, &in, &a);
    assert_int_equal(out.nmatched, 2);
    assert_int_equal(out.matched[0], 1);
    assert_int_equal(out.matched[1], 3);
    in = ticket("Question", "about an invoice");
    out = route(r, 3, &in, &a);
    assert_int_equal(out.nmatched, 2);
    assert_int_equal(out.matched[0], 2);
    assert_int_equal(out.matched[1], 3);
    /* source conditions: rule 3 only for the web form */
    r[2].if_source = "web";
    out = route(r, 3, &in, &a);
    assert_int_equal(out.nmatched, 1);
    in.source = "web";
    out = route(r, 3, &in, &a);
    assert_int_equal(out.nmatched, 2);
    /* a disabled rule is left out */
    r[1].enabled = false;
    out = route(r, 3, &in, &a);
    assert_int_equal(out.nmatched, 1);
    assert_int_equal(out.matched[0], 3);
    ah_arena_release(&a);
}

static void test_routing_matched_capped(void **state)
{
    struct ah_route_rule r[AH_ROUTE_MAX_MATCHED + 1];
    struct ah_route_input in = ticket("Hi", "");
    struct ah_route_result out;
    struct ah_arena a;

    (void)state;
    for (size_t i = 0; i <= AH_ROUTE_MAX_MATCHED; i++)
        r[i] = route_rule((int64_t)i + 1);
    r[AH_ROUTE_MAX_MATCHED].set_tier = 2;
    ah_arena_init(&a);
    out = route(r, AH_ROUTE_MAX_MATCHED, &in, &a);
    assert_int_equal(out.nmatched, AH_ROUTE_MAX_MATCHED);
    assert_int_equal(out.tier, 0);
    out = route(r, AH_ROUTE_MAX_MATCHED + 1, &in, &a);
    assert_int_equal(out.nmatched, AH_ROUTE_MAX_MATCHED);
    assert_int_equal(out.matched[AH_ROUTE_MAX_MATCHED - 1], AH_ROUTE_MAX_MATCHED);
    assert_int_equal(out.tier, 2); /* the 65th rule still applied */
    ah_arena_release(&a);
}

static void test_routing_refusals(void **state)
{
    struct ah_route_rule r[2] = {text_rule(1, AH_MATCH_PHRASE, "invoice", AH_IN_BOTH),
                                 text_rule(2, AH_MATCH_REGEX, "[a-", AH_IN_BOTH)};
    struct ah_route_input in = ticket("Invoice", "bad \xe2\x28\xa1");
    struct ah_route_result out = {.tier = 99};
    struct ah_router *ro = NULL;
    struct ah_error err = {0};
    struct ah_arena a;

    (void)state;
    r[1].name = "broken";
    assert_code(AH_E_INVALID, ah_router_compile(r, 2, &ro, &err));
    assert_null(ro);
    assert_non_null(strstr(err.msg, "routing rule 'broken': PCRE2 error at offset"));
    r[1].pattern = "b.d";
    assert_ok(ah_router_compile(r, 2, &ro, &err));
    ah_arena_init(&a);
    /* the subject is enough for rule 1, the body is read for rule 2: refused */
    assert_code(AH_E_INVALID, ah_router_apply(ro, &in, &a, &out, &err));
    assert_int_equal(out.tier, 99);
    ah_arena_release(&a);
    ah_router_free(ro);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_style_hit_reports_the_rule),
        cmocka_unit_test(test_style_levels_apply_to_members_only),
        cmocka_unit_test(test_style_roles),
        cmocka_unit_test(test_style_tags_and_lifted_tags),
        cmocka_unit_test(test_style_leaves_out_disabled_and_deleted),
        cmocka_unit_test(test_style_compile_refusals_name_the_rule),
        cmocka_unit_test(test_style_hits_capped),
        cmocka_unit_test(test_style_check_refuses_bad_utf8),
        cmocka_unit_test(test_style_level_and_severity_names),
        cmocka_unit_test(test_style_starter_guide_is_complete),
        cmocka_unit_test(test_style_starter_guide_on_replies),
        cmocka_unit_test(test_routing_rule_sets_tier_and_tags),
        cmocka_unit_test(test_routing_order_matters),
        cmocka_unit_test(test_routing_stop),
        cmocka_unit_test(test_routing_domain_with_subdomains_and_case),
        cmocka_unit_test(test_routing_if_tag_sees_earlier_rules_tags),
        cmocka_unit_test(test_routing_priority_conditions),
        cmocka_unit_test(test_routing_text_where_and_source),
        cmocka_unit_test(test_routing_matched_capped),
        cmocka_unit_test(test_routing_refusals),
    };

    return cmocka_run_group_tests_name("style", tests, NULL, NULL);
}
