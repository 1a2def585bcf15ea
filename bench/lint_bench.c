/* lint_bench.c - the style check and the router on 200 rules each, timed
 * call by call with no server around them: (1) ah_style_check of a 2 KB
 * support reply against the starter guide plus generated rules (about 85%
 * phrases, 15% regular expressions), (2) ah_router_apply of a ticket
 * (subject and a 1 KB body) against 200 routing rules of the same mix, some
 * with cheap conditions. Prints one line per figure, key=value, for
 * bench/bench.sh:
 *   LINT rules=200 phrases=170 regexes=30 bytes=2048 runs=20000 hits=9 median_us=.. p99_us=..
 *   ROUTE rules=200 phrases=170 regexes=30 bytes=1100 runs=20000 matched=6 median_us=.. p99_us=..
 * usage: lint_bench [runs] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "domain/routing.h"
#include "domain/style.h"

#define NRULES 200
#define NREGEX 30 /* 15% */
#define DEFAULT_RUNS 20000

/* Phrases a help desk lead might add to a guide; generated ones add more. */
static const char *const phrases[] = {
    "unfortunately", "to be honest", "no problem", "calm down", "as i said",
    "please be advised", "at your earliest convenience", "we regret to inform you",
    "it's not a bug", "works as designed", "that's not possible", "not our problem",
    "per the documentation", "read the manual", "kindly", "needless to say", "as you know",
    "i understand your frustration", "bear with us", "rest assured", "going forward",
    "touch base", "circle back", "reach out", "low-hanging fruit", "at the end of the day",
    "it is what it is", "hope this helps", "let me know if you have any questions",
    "don't hesitate to contact us", "we apologize for any confusion", "thank you for your patience",
    "please note", "for your information", "as mentioned", "i'm afraid", "impossible",
    "never", "always", "literally", "basically", "actually", "honestly", "frankly",
    "whatever", "cheers", "no worries", "my bad", "oops", "nope", "yep", "gonna", "wanna",
    "kinda", "sorta", "ya", "u", "pls", "thx", "asap",
};

static const char *const verbs[] = {"reset", "clear", "reinstall", "restart", "update",
                                    "check", "delete", "re-enter"};
static const char *const nouns[] = {"cache", "browser", "password", "account", "settings",
                                    "app", "cookies", "router"};
static const char *const teams[] = {"engineering", "dev", "billing", "product", "qa", "legal",
                                    "ops", "security", "sales", "success"};
static const char *const team_words[] = {"team", "lead", "manager", "on call", "backlog",
                                         "queue", "channel", "folks", "people", "desk"};
static const char *const regexes[] = {
    "\\b(refund|chargeback)s?\\b", "\\b\\d{3}-\\d{4}\\b", "\\bhttps?://\\S+",
    "\\b(mon|tues|wednes|thurs|fri)day\\b", "\\b[a-z]{2,}-\\d+\\b", "\\bv?\\d+\\.\\d+(\\.\\d+)?\\b",
    "\\b(password|passcode)\\s+is\\b", "\\b[\\w.]+@\\w+\\.\\w+\\b", "\\bcredit\\s+card\\b",
    "\\b(lol|omg|btw|fyi|imo)\\b", "!{2,}", "\\?{2,}", "\\b(guys|dude|buddy|mate)\\b",
    "\\bcan'?t\\s+help\\b", "\\bnot\\s+(my|our)\\s+(problem|job)\\b", "\\bi\\s+think\\b",
    "\\b(maybe|perhaps)\\b", "\\b(probably|possibly)\\b", "\\bworks?\\s+for\\s+me\\b",
    "\\bclear\\s+(your\\s+)?cache\\b", "\\b(\\w+)\\s+\\1\\b", "\\bkind\\s+regards\\b",
    "\\b(free|discount|coupon)\\b", "\\b\\d+\\s*(%|percent)\\b", "\\bin\\s+\\d+\\s+(hours|days)\\b",
    "\\b(ssn|social\\s+security)\\b", "\\biban\\b", "\\b(stupid|dumb|idiot)\\w*\\b",
    "\\bapi\\s+key\\b", "\\b(sla|uptime)\\b",
};

/* A 2 KB reply from a support agent, with accents and an emoji. */
static const char reply[] =
    "Hi Zoë,\n\n"
    "Thanks for writing in, and for the detailed steps — they made this much quicker to "
    "track down. I'm sorry the export to your café's accounting tool failed twice this week; "
    "I know the month-end close is on Friday and that's the worst time for it.\n\n"
    "Here is what happened: when an invoice has a line item with a note longer than 255 "
    "characters, the CSV export stops at that row instead of wrapping the text. Your March "
    "invoices had two of those (the catering order for the résumé workshop and the naïve "
    "art exhibition). Our team has reproduced it and a fix is being tested now.\n\n"
    "In the meantime, you can get a complete export this way:\n"
    "1. Open Reports and choose Invoices.\n"
    "2. Set the date range to March 1 - March 31.\n"
    "3. Under Format, pick \"Excel (.xlsx)\" instead of CSV. The Excel export isn't affected.\n"
    "4. If your accounting tool only takes CSV, open the file in Excel or Numbers and save "
    "it as CSV from there; the long notes are kept.\n\n"
    "I've also checked your account settings: automatic backups are on, the last one ran "
    "last night at 02:00, and nothing in your data was lost or changed. The two failed "
    "exports didn't write anything to your accounting tool either, so there is nothing to "
    "clean up on that side.\n\n"
    "Once the fix is released I'll write to you again so you can go back to the CSV export "
    "if you prefer it. If the Excel route gives you any trouble before then, reply here with "
    "a screenshot and I'll walk through it with you on a call — whatever time suits you "
    "best. Just tell me which day works.\n\n"
    "One more thing: I noticed your team has three people sharing a single login. You can "
    "add them as separate users at no extra cost on your plan, which also means each of "
    "them gets their own export history. It takes about two minutes under Settings → Team.\n\n"
    "P.S. The error 500 on the export history page is the same bug: the page tries to show "
    "the failed exports. It will work again with the fix; nothing is missing from it.\n\n"
    "Have a good rest of your week 🙂\n\n"
    "Best,\nMaría\nCustomer Support";

static const char subject[] = "Export to accounting fails since Monday, invoices missing";

/* A ticket body of about 1 KB from a customer. */
static const char body[] =
    "Hello,\n\n"
    "since Monday every export of our invoices to Xero stops halfway. We tried three times "
    "yesterday and twice this morning, on Chrome and on Firefox, with the same result: the "
    "file has 41 rows and we have 112 invoices for March. Our accountant needs the complete "
    "file by Friday for the month-end close, so this is getting urgent for us.\n\n"
    "We did not change anything in our settings. The only new thing is that we started "
    "adding longer notes to the catering orders (some are a full paragraph). Could that be "
    "it? We also can't find the export history anymore; the page shows an error 500 when we "
    "open it. Our plan is the Business plan, account ID 88213, and I am the admin.\n\n"
    "Is there a workaround we can use today? And will we need to re-import anything into "
    "Xero afterwards? We would rather not touch the 41 invoices that already went through, "
    "since our accountant has already reconciled them.\n\n"
    "Thanks a lot,\nJonas Weber\nFinance, Brasserie Müller GmbH\n+49 30 1234567";

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Ends a figure's line with the median and 99th percentile of t[0..runs). */
static void report(double *t, size_t runs)
{
    qsort(t, runs, sizeof(*t), cmp_double);
    printf(" median_us=%.2f p99_us=%.2f\n", t[runs / 2], t[runs * 99 / 100]);
}

/* Pattern i of the 200 (beyond the starter guide's): a phrase or a regex
 * from the lists and their combinations, as text owned by names. */
static const char *gen_pattern(size_t i, bool regex, char *buf, size_t cap)
{
    size_t np = sizeof(phrases) / sizeof(phrases[0]);
    size_t nv = sizeof(verbs) / sizeof(verbs[0]), nn = sizeof(nouns) / sizeof(nouns[0]);
    size_t nt = sizeof(teams) / sizeof(teams[0]);
    size_t nw = sizeof(team_words) / sizeof(team_words[0]);

    if (regex)
        return regexes[i % (sizeof(regexes) / sizeof(regexes[0]))];
    if (i < np)
        return phrases[i];
    i -= np;
    if (i < nv * nn) {
        snprintf(buf, cap, "%s your %s", verbs[i % nv], nouns[i / nv]);
        return buf;
    }
    i -= nv * nn;
    snprintf(buf, cap, "our %s %s", teams[i % nt], team_words[(i / nt) % nw]);
    return buf;
}

static int bench_lint(size_t runs)
{
    struct ah_style_rule rules[NRULES];
    static char text[NRULES][80], names[NRULES][32];
    size_t nregex = 0, ngen = 0, nhits = 0;
    struct ah_style_guide *g;
    struct ah_error err = {0};
    double *t = calloc(runs, sizeof(*t));

    if (!t)
        return 1;
    for (size_t i = 0; i < ah_style_nstarter; i++) {
        rules[i] = ah_style_starter[i];
        nregex += rules[i].kind == AH_MATCH_REGEX;
    }
    for (size_t i = ah_style_nstarter; i < NRULES; i++) {
        bool regex = nregex < NREGEX && (i % 6 == 0 || NRULES - i <= NREGEX - nregex);
        struct ah_style_rule *r = &rules[i];

        snprintf(names[i], sizeof(names[i]), "gen-%zu", i);
        *r = ah_style_starter[0];
        r->name = names[i];
        r->kind = regex ? AH_MATCH_REGEX : AH_MATCH_PHRASE;
        r->pattern = gen_pattern(regex ? nregex : ngen, regex, text[i], sizeof(text[i]));
        r->severity = (enum ah_severity)(i % 3);
        r->tags = i % 10 == 0 ? "billing" : "";
        r->levels = i % 7 == 0 ? "trainee junior" : "";
        r->roles = i % 11 == 0 ? "member" : "";
        r->lifted_tags = i % 13 == 0 ? "vip" : "";
        nregex += regex;
        ngen += !regex;
    }
    if (ah_style_compile(rules, NRULES, &g, &err)) {
        fprintf(stderr, "lint_bench: %s\n", err.msg);
        free(t);
        return 1;
    }
    for (size_t i = 0; i < runs + runs / 10; i++) { /* the first tenth warms up */
        struct ah_arena a;
        struct ah_style_hit *h;
        size_t n;
        double t0;

        ah_arena_init(&a);
        t0 = now_us();
        if (ah_style_check(g, reply, sizeof(reply) - 1, AH_ROLE_MEMBER, AH_LEVEL_JUNIOR,
                           "billing export", &a, &h, &n, &err)) {
            fprintf(stderr, "lint_bench: %s\n", err.msg);
            return 1;
        }
        if (i >= runs / 10)
            t[i - runs / 10] = now_us() - t0;
        nhits = n;
        ah_arena_release(&a);
    }
    printf("LINT rules=%d phrases=%zu regexes=%zu bytes=%zu runs=%zu hits=%zu", NRULES,
           NRULES - nregex, nregex, sizeof(reply) - 1, runs, nhits);
    report(t, runs);
    ah_style_free(g);
    free(t);
    return 0;
}

static int bench_route(size_t runs)
{
    static const char *const sources[] = {"email", "web", "api"};
    static const char *const domains[] = {"bigcorp.com", "example.org", "muller.de", "acme.io"};
    static const char *const tags[] = {"billing", "export", "urgent", "vip", "integration"};
    struct ah_route_rule rules[NRULES];
    static char text[NRULES][80];
    size_t nregex = 0, nmatched = 0;
    struct ah_router *r;
    struct ah_error err = {0};
    struct ah_route_input in = {.subject = subject,
                                .subject_len = sizeof(subject) - 1,
                                .body = body,
                                .body_len = sizeof(body) - 1,
                                .source = "email",
                                .requester_email = "jonas.weber@mail.muller.de",
                                .priority = AH_PRIO_NORMAL,
                                .tags = "new"};
    double *t = calloc(runs, sizeof(*t));

    if (!t)
        return 1;
    for (size_t i = 0; i < NRULES; i++) {
        bool regex = i % 7 == 3 && nregex < NREGEX;
        struct ah_route_rule *x = &rules[i];

        *x = (struct ah_route_rule){.id = (int64_t)i + 1, .position = (int64_t)i, .name = "r",
                                    .match_kind = regex ? AH_MATCH_REGEX : AH_MATCH_PHRASE,
                                    .match_in = 1 + (int)(i % 3), .if_tag = "",
                                    .if_source = "", .if_domain = "", .if_priority = -1,
                                    .set_priority = -1, .add_tags = "", .enabled = true};
        x->pattern = gen_pattern(regex ? nregex : i, regex, text[i], sizeof(text[i]));
        if (i % 5 == 1)
            x->if_source = sources[i % 3];
        if (i % 9 == 2)
            x->if_domain = domains[i % 4];
        if (i % 8 == 5)
            x->if_priority = (int)(i % 4);
        if (i % 12 == 7)
            x->if_tag = tags[i % 5];
        x->set_tier = (int)(i % 4);
        x->add_tags = tags[(i / 3) % 5];
        nregex += regex;
    }
    if (ah_router_compile(rules, NRULES, &r, &err)) {
        fprintf(stderr, "lint_bench: %s\n", err.msg);
        free(t);
        return 1;
    }
    for (size_t i = 0; i < runs + runs / 10; i++) {
        struct ah_arena a;
        struct ah_route_result out;
        double t0;

        ah_arena_init(&a);
        t0 = now_us();
        if (ah_router_apply(r, &in, &a, &out, &err)) {
            fprintf(stderr, "lint_bench: %s\n", err.msg);
            return 1;
        }
        if (i >= runs / 10)
            t[i - runs / 10] = now_us() - t0;
        nmatched = out.nmatched;
        ah_arena_release(&a);
    }
    printf("ROUTE rules=%d phrases=%zu regexes=%zu bytes=%zu runs=%zu matched=%zu", NRULES,
           NRULES - nregex, nregex, sizeof(subject) + sizeof(body) - 2, runs, nmatched);
    report(t, runs);
    ah_router_free(r);
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    size_t runs = DEFAULT_RUNS;
    struct ah_error err = {0};

    if (argc > 1) {
        int64_t v;

        if (ah_parse_i64(ah_str_c(argv[1]), 100, 10000000, &v, &err)) {
            fprintf(stderr, "lint_bench: %s\n", err.msg);
            return 2;
        }
        runs = (size_t)v;
    }
    return bench_lint(runs) || bench_route(runs);
}
