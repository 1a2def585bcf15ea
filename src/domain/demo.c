/* demo.c - the demo company. Deterministic for a seed, so a screenshot or a
 * benchmark can be reproduced. Writes through the store in large
 * transactions: this is the bulk path, not the per-request one. */
#include "domain/demo.h"
#include "domain/groups.h"
#include "domain/rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/mem.h"
#include "domain/ticket.h"

#define BATCH 5000

static const char *const first_names[] = {
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
    "Kemi", "Liam", "Maya", "Noor", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
    "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno", "Carmen", "Dmitri",
};
static const char *const last_names[] = {
    "Okafor", "Lindqvist", "Moreau", "Patel", "Nakamura", "Garcia", "Kowalski", "Haddad",
    "Schmidt", "O'Brien", "Silva", "Nguyen", "Andersen", "Rossi", "Mensah", "Dubois",
    "Yamamoto", "Fischer", "Costa", "Ivanova",
};
static const char *const departments[] = {
    "Engineering", "Engineering", "Engineering", "Sales", "Marketing",
    "Product", "Design", "Finance", "Operations", "Support",
};
static const char *const zones[] = {
    "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Europe/London",
    "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Africa/Lagos",
};
static const char *const domains[] = {
    "example.com", "acme.test", "globex.test", "initech.test", "umbrella.test",
    "hooli.test", "stark.test", "wayne.test",
};

struct question {
    const char *subject;
    const char *body;
    const char *tags;
    int tier;
};

/* the first few are asked again and again: repeated questions to be found */
static const struct question questions[] = {
    {"Can't log in after resetting my password",
     "Hi, I reset my password this morning and now the login page just says \"invalid "
     "credentials\". I tried twice. Can you help?", "login account", 1},
    {"How do I export my data to CSV?",
     "We need to send last quarter's numbers to our accountant. Is there a way to export "
     "everything as a CSV file?", "export how-to", 1},
    {"Charged twice this month",
     "Our card statement shows two charges of $49 on the 3rd. We only have one workspace. "
     "Please refund the duplicate.", "billing refund", 2},
    {"Invite emails never arrive",
     "I invited three colleagues yesterday but none of them got the email, not even in spam.",
     "email invites", 1},
    {"Sync stopped working since the update",
     "Since your update on Tuesday our calendar sync shows 'pending' forever. Nothing new "
     "comes through.", "sync bug", 2},
    {"Where can I change the language?",
     "My team in Lyon would like the interface in French. Where is that setting?",
     "settings how-to", 1},
    {"API returns 429 Too Many Requests",
     "Our nightly import hits the API with about 20 requests a second and gets 429 after a "
     "minute. What are the limits?", "api limits", 2},
    {"Request for an invoice with our VAT number",
     "Could you send the invoices for this year again with our VAT number DE123456789 on "
     "them?", "billing invoice", 1},
    {"Data missing after import",
     "We imported 4,000 contacts from our old tool and about 300 are missing. The file "
     "looked fine.", "import data-loss", 2},
    {"How do I add a second admin?",
     "Our only admin is going on leave. How can I make my colleague an admin too?",
     "account how-to", 1},
    {"Mobile app crashes on startup",
     "The Android app closes right after the splash screen since yesterday. Pixel 7, latest "
     "version.", "mobile bug", 2},
    {"Can we get a discount for a nonprofit?",
     "We are a registered charity with 12 staff. Do you offer nonprofit pricing?",
     "billing sales", 1},
    {"Two-factor codes not accepted",
     "The six-digit code from my authenticator app is rejected every time. My phone's clock "
     "is right.", "login 2fa", 2},
    {"Feature request: dark mode",
     "Would love a dark mode for late shifts. Is it on the roadmap?", "feature-request", 1},
    {"Cancel our subscription",
     "We are moving to another tool. Please cancel at the end of the billing period.",
     "billing cancel", 1},
};

/* the long tail: one ticket in twenty asks something of its own, made of
 * these words, so that the repeated questions stand among many singletons */
static const char *const tail_words[] = {
    "account", "address", "admin", "alert", "android", "archive", "audit", "avatar", "backup",
    "badge", "banner", "billing", "board", "bookmark", "browser", "budget", "calendar", "camera",
    "campaign", "card", "chart", "chat", "checkout", "column", "comment", "contract", "cookie",
    "coupon", "dashboard", "database", "deadline", "delivery", "desktop", "domain", "draft",
    "editor", "email", "emoji", "export", "feed", "field", "filter", "folder", "font", "form",
    "gallery", "graph", "group", "history", "holiday", "icon", "import", "inbox", "invoice",
    "keyboard", "label", "language", "layout", "license", "link", "list", "locale", "logo",
    "map", "margin", "menu", "merge", "message", "meeting", "mobile", "module", "network",
    "note", "order", "page", "password", "payment", "permission", "phone", "photo", "plan",
    "plugin", "policy", "portal", "preview", "price", "printer", "profile", "project", "quota",
    "receipt", "reminder", "report", "role", "schedule", "screen", "search", "seat", "server",
    "session", "sheet", "signature", "sidebar", "sound", "storage", "survey", "tab", "table",
    "task", "team", "template", "theme", "ticket", "timeline", "timezone", "token", "upload",
    "user", "video", "view", "voucher", "wallet", "webhook", "widget", "window", "workspace",
};
static const char *const tail_verbs[] = {
    "is missing from", "keeps breaking", "shows the wrong", "cannot open the", "wants a new",
    "lost the", "duplicates the", "hides the", "slows down the", "resets the",
};

static const char *const replies[] = {
    "Thanks for writing in! I've looked into this and here is what I found.",
    "Sorry for the trouble. Could you tell me which browser and version you use?",
    "I've passed this to our engineers with the details you sent; I'll update you here.",
    "That should be fixed now. Could you try again and let me know if it works?",
    "Good question: you'll find it under Settings, then Workspace. Screenshot attached.",
};

static const char *const customer_followups[] = {
    "Thanks, that worked!",
    "Still the same problem, I'm afraid. Anything else I can try?",
    "I'm using Firefox 128 on Windows 11.",
    "Any update on this? It's blocking our team.",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    /* xorshift64*: fast, deterministic, good enough for made-up data */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

static size_t pick(struct rng *r, size_t n)
{
    return (size_t)(next(r) % n);
}

static const char *fmt(struct ah_ctx *cx, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *fmt(struct ah_ctx *cx, const char *f, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, f);
    vsnprintf(buf, sizeof(buf), f, ap);
    va_end(ap);
    return ah_arena_strdup(cx->arena, buf);
}

struct seat {
    const char *email;
    const char *name;
    const char *dept;
    enum ah_role role;
    bool leader;
    bool login;
};

/* the people everyone meets first: founders, support, and the demo logins */
static const struct seat seats[] = {
    {"founder@demo.allhands.test", "Farah Founder", "Leadership", AH_ROLE_MEMBER, true, false},
    {"cofounder@demo.allhands.test", "Colin Cofounder", "Leadership", AH_ROLE_MEMBER, true, false},
    {"lead@demo.allhands.test", "Lena Lead", "Support", AH_ROLE_LEAD, false, true},
    {"pro@demo.allhands.test", "Paolo Pro", "Support", AH_ROLE_PRO, false, true},
    {"member@demo.allhands.test", "Mina Member", "Engineering", AH_ROLE_MEMBER, false, true},
    {"admin@demo.allhands.test", "Arne Admin", "Operations", AH_ROLE_ADMIN, false, true},
    {"pro2@demo.allhands.test", "Sofia Support", "Support", AH_ROLE_PRO, false, false},
    {"cto@demo.allhands.test", "Theo CTO", "Engineering", AH_ROLE_MEMBER, true, false},
};

static enum ah_err add_people(struct ah_ctx *cx, struct rng *r, const struct ah_demo_options *o,
                              int64_t *ids, struct ah_error *err)
{
    char hash[AH_PWHASH_MAX];
    enum ah_err rc = ah_crypto_password_hash(AH_STR_LIT(AH_DEMO_PASSWORD), hash, err);

    for (int64_t i = 0; !rc && i < o->people; i++) {
        struct ah_person p = {0};
        bool login = false;

        if ((size_t)i < N(seats)) {
            p.email = seats[i].email;
            p.name = seats[i].name;
            p.department = seats[i].dept;
            p.role = seats[i].role;
            p.leader = seats[i].leader;
            login = seats[i].login;
            p.manager_id = i >= 2 && !p.leader ? ids[0] : 0;
        } else {
            const char *fn = first_names[pick(r, N(first_names))];
            const char *ln = last_names[pick(r, N(last_names))];

            p.name = fmt(cx, "%s %s", fn, ln);
            p.email = fmt(cx, "person%" PRId64 "@demo.allhands.test", i);
            p.department = departments[pick(r, N(departments))];
            p.role = strcmp(p.department, "Support") == 0 && pick(r, 3) == 0 ? AH_ROLE_PRO
                                                                               : AH_ROLE_MEMBER;
            /* managers are the first people of the roster */
            p.manager_id = ids[(size_t)N(seats) + pick(r, (size_t)(i - (int64_t)N(seats)) / 8 + 1) - 1];
            if (i == (int64_t)N(seats))
                p.manager_id = ids[7];
        }
        /* most have done their onboarding; a few are still in it (by index,
         * not the generator: the rest of the company stays as it was) */
        p.level = AH_LEVEL_TIER1;
        if ((size_t)i >= N(seats) && p.role == AH_ROLE_MEMBER)
            p.level = i % 20 == 0 ? AH_LEVEL_TRAINEE : i % 20 < 3 ? AH_LEVEL_JUNIOR : AH_LEVEL_TIER1;
        p.timezone = zones[pick(r, N(zones))];
        p.active = true;
        p.created_at = p.updated_at = cx->now - (int64_t)pick(r, 700) * 86400000LL;
        p.start_day = p.created_at / 86400000LL;
        rc = ah_store_person_insert(cx->store, &p, login ? hash : NULL, err);
        ids[i] = p.id;
    }
    ah_crypto_wipe(hash, sizeof(hash));
    return rc;
}

static enum ah_err add_thread(struct ah_ctx *cx, struct rng *r, struct ah_ticket *t,
                              const struct question *q, int64_t nmsg, int64_t worker,
                              struct ah_error *err)
{
    struct ah_message m = {.ticket_id = t->id, .created_at = t->created_at};
    enum ah_err rc = AH_OK;

    for (int64_t k = 0; !rc && k < nmsg; k++) {
        m.created_at += (int64_t)(1 + pick(r, 180)) * 60000;
        if (m.created_at > cx->now)
            m.created_at = cx->now;
        if (k == 0) {
            m.kind = AH_MSG_CUSTOMER;
            m.author_id = 0;
            m.body = q->body;
        } else if (k % 2 == 1) {
            m.kind = pick(r, 6) == 0 ? AH_MSG_NOTE : AH_MSG_REPLY;
            m.author_id = worker;
            m.body = m.kind == AH_MSG_NOTE ? "Internal: checked the logs, nothing unusual."
                                           : replies[pick(r, N(replies))];
            if (m.kind == AH_MSG_REPLY && !t->first_response_at)
                t->first_response_at = m.created_at;
        } else {
            m.kind = AH_MSG_CUSTOMER;
            m.author_id = 0;
            m.body = customer_followups[pick(r, N(customer_followups))];
        }
        m.id = 0;
        rc = ah_store_message_insert(cx->store, &m, err);
    }
    return rc;
}

static enum ah_status pick_status(struct rng *r, bool big)
{
    size_t x = pick(r, 100);

    if (big) /* a company a few years in: most tickets are done */
        return x < 20 ? AH_STATUS_NEW : x < 30 ? AH_STATUS_OPEN : x < 40 ? AH_STATUS_PENDING
               : x < 85 ? AH_STATUS_SOLVED : AH_STATUS_CLOSED;
    return x < 45 ? AH_STATUS_NEW : x < 60 ? AH_STATUS_OPEN : x < 75 ? AH_STATUS_PENDING
           : x < 92 ? AH_STATUS_SOLVED : AH_STATUS_CLOSED;
}

static enum ah_err add_ticket(struct ah_ctx *cx, struct rng *r, const struct ah_demo_options *o,
                              int64_t i, const int64_t *ids, struct ah_error *err)
{
    /* the first five questions come back far more often than the rest */
    size_t qi = pick(r, 3) ? pick(r, 5) : pick(r, N(questions));
    const struct question *q = &questions[qi];
    struct question tail;
    struct ah_ticket t = {0};
    int64_t span = o->tickets > 1000 ? 180 : 14; /* days of history */
    int64_t nmsg, worker = ids[2 + pick(r, 5)];
    int64_t customers = o->tickets / 3 + 1;
    int64_t cust = (int64_t)pick(r, (size_t)customers);
    const char *fn = first_names[cust % (int64_t)N(first_names)];
    enum ah_err rc = ah_store_customer_upsert(
        cx->store,
        ah_str_c(fmt(cx, "%s.%" PRId64 "@%s", fn, cust, domains[cust % (int64_t)N(domains)])),
        ah_str_c(fmt(cx, "%s %s", fn, last_names[cust % (int64_t)N(last_names)])), cx->now,
        cx->arena, &t.requester_id, &t.requester_name, err);

    if (rc)
        return rc;
    if (pick(r, 20) == 0) {
        static const char *const syl[] = {"ka", "lo", "mi", "ren", "ta", "vo", "zu", "bri",
                                          "dex", "fal", "gor", "hin", "jup", "kel", "mor",
                                          "nex", "pra", "quo", "sil", "tro"};
        const char *a = tail_words[pick(r, N(tail_words))], *b = tail_words[pick(r, N(tail_words))];
        /* a made-up product or error name: what makes a one-off question one */
        const char *name = fmt(cx, "%s%s%s", syl[pick(r, N(syl))], syl[pick(r, N(syl))],
                               syl[pick(r, N(syl))]);

        tail = *q;
        tail.subject = fmt(cx, "The %s %s %s %s", name, a, tail_verbs[pick(r, N(tail_verbs))], b);
        tail.body = fmt(cx, "Hello, our %s %s %s %s since %s.", name, a,
                        tail_verbs[pick(r, N(tail_verbs))], b,
                        tail_words[pick(r, N(tail_words))]);
        q = &tail;
    }
    t.subject = q->subject;
    t.status = pick_status(r, o->tickets > 1000);
    t.priority = (enum ah_priority)(pick(r, 10) == 0 ? 0 : pick(r, 4) == 0 ? 1 : 2 + pick(r, 2));
    t.tier = q->tier;
    t.tags = q->tags;
    t.source = pick(r, 3) ? "email" : "web";
    /* spread creation over the span, newest last, so ids follow time */
    t.created_at = cx->now - span * 86400000LL + (span * 86400000LL / o->tickets) * i;
    t.updated_at = t.created_at;
    t.due_at = t.created_at + cx->settings->sla_first_ms[t.priority];
    t.resolve_due_at = t.created_at + cx->settings->sla_resolve_ms[t.priority];
    if (t.status == AH_STATUS_NEW)
        nmsg = 1;
    else
        nmsg = 1 + (int64_t)pick(r, (size_t)(2 * o->avg_messages - 1));
    if (t.status != AH_STATUS_NEW)
        t.assignee_id = t.tier == 2 ? ids[2 + pick(r, 2)] : worker;
    if (t.tier == 2)
        worker = t.assignee_id ? t.assignee_id : ids[3];
    rc = ah_store_ticket_insert(cx->store, &t, err);
    if (!rc)
        rc = add_thread(cx, r, &t, q, nmsg, t.assignee_id ? t.assignee_id : worker, err);
    if (!rc && t.first_response_at)
        rc = ah_store_ticket_update(cx->store, &t, err);
    return rc;
}

/* ---- the program: queue time, exemptions, plans ---- */

#define DAY (86400000LL)

/* n sessions adding up to about minutes on the weekdays of the week at
 * week_ms (a Monday, 00:00 UTC) */
static enum ah_err add_week(struct ah_ctx *cx, struct rng *r, int64_t person, int64_t week_ms,
                            int64_t minutes, struct ah_error *err)
{
    enum ah_err rc = AH_OK;
    int64_t left = minutes;

    while (!rc && left > 0) {
        int64_t len = 20 + (int64_t)pick(r, 70), day = (int64_t)pick(r, 5);
        int64_t start = week_ms + day * DAY + (7 + (int64_t)pick(r, 9)) * 3600000LL +
                        (int64_t)pick(r, 4) * 15 * 60000LL;
        struct ah_work_session w = {.person_id = person, .started_at = start,
                                    .source = "clock"};

        if (len > left)
            len = left;
        w.last_active_at = w.ended_at = start + len * 60000LL;
        if (w.ended_at > cx->now)
            break;
        rc = ah_store_work_insert(cx->store, &w, err);
        left -= len;
    }
    return rc;
}

static enum ah_err add_program(struct ah_ctx *cx, struct rng *r, const struct ah_demo_options *o,
                               const int64_t *ids, struct ah_error *err)
{
    /* this week's Monday, 00:00 UTC (1970-01-01 was a Thursday) */
    int64_t today = cx->now / DAY, monday = today - (today + 3) % 7;
    enum ah_err rc = AH_OK;

    for (int64_t i = 0; !rc && i < o->people; i++) {
        size_t kind = pick(r, 10); /* 0: never shows up; 1-2: falls behind; else meets it */
        int64_t start_day = cx->now / DAY - (int64_t)pick(r, 700);

        if (i % 500 == 0)
            rc = ah_store_begin(cx->store, err);
        for (int64_t w = o->weeks; !rc && w >= 1 && kind != 0; w--) {
            int64_t week_day = monday - 7 * w;

            if (week_day >= start_day - 7)
                rc = add_week(cx, r, ids[i], week_day * DAY,
                              kind <= 2 ? 60 + (int64_t)pick(r, 300)
                                        : 480 + (int64_t)pick(r, 60),
                              err);
        }
        /* a few are exempt now; most plan this week and next, a day apart */
        if (!rc && i != 2 && pick(r, 60) == 0) {
            struct ah_exemption e = {.person_id = ids[i], .granted_by = ids[2],
                                     .reason = pick(r, 2) ? "parental leave" : "conference week",
                                     .starts_on = today - (int64_t)pick(r, 10),
                                     .created_at = cx->now};

            e.ends_on = e.starts_on + 7 + (int64_t)pick(r, 50);
            rc = ah_store_exemption_insert(cx->store, &e, err);
        }
        for (int64_t k = 0; !rc && kind > 2 && k < 4; k++) {
            int64_t day = monday + 7 * (k / 2) + (k % 2) * 2 + (int64_t)pick(r, 2);
            struct ah_block b = {.person_id = ids[i], .created_at = cx->now,
                                 .updated_at = cx->now};

            b.start_at = day * DAY + (8 + (int64_t)pick(r, 8)) * 3600000LL;
            b.end_at = b.start_at + (60 + (int64_t)pick(r, 4) * 30) * 60000LL;
            rc = ah_store_block_insert(cx->store, &b, err);
        }
        if (rc || i % 500 == 499 || i == o->people - 1)
            rc = ah_store_end(cx->store, rc, err);
        ah_arena_release(cx->arena);
    }
    return rc;
}

static enum ah_err add_tickets(struct ah_ctx *cx, struct rng *r, const struct ah_demo_options *o,
                               const int64_t *ids, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    for (int64_t i = 0; !rc && i < o->tickets; i += BATCH) {
        int64_t end = i + BATCH < o->tickets ? i + BATCH : o->tickets;

        rc = ah_store_begin(cx->store, err);
        if (rc)
            break;
        for (int64_t j = i; !rc && j < end; j++)
            rc = add_ticket(cx, r, o, j, ids, err);
        rc = ah_store_end(cx->store, rc, err);
        if (!rc)
            rc = ah_store_checkpoint(cx->store, err);
        if (!rc && o->progress)
            o->progress(o->arg, end, o->tickets);
        /* the arena would otherwise hold every generated string at once */
        ah_arena_release(cx->arena);
    }
    return rc;
}

enum ah_err ah_demo_generate(struct ah_ctx *cx, const struct ah_demo_options *o,
                             struct ah_error *err)
{
    struct rng r = {o->seed ? o->seed : 0x9E3779B97F4A7C15ULL};
    int64_t count = 0, *ids;
    enum ah_err rc;

    if (o->people < (int64_t)N(seats) || o->people > 1000000)
        return ah_error_set(err, AH_E_INVALID, "people must be from %zu to 1000000", N(seats));
    if (o->tickets < 0 || o->tickets > 100000000 || o->avg_messages < 1 || o->avg_messages > 20 ||
        o->weeks < 0 || o->weeks > 260)
        return ah_error_set(err, AH_E_INVALID, "tickets or messages out of range");
    rc = ah_store_person_count(cx->store, &count, err);
    if (rc)
        return rc;
    if (count)
        return ah_error_set(err, AH_E_CONFLICT,
                            "the database already has %" PRId64 " people: demo fills a new one",
                            count);
    ids = ah_arena_alloc(cx->arena, sizeof(*ids) * (size_t)o->people);
    rc = ah_store_begin(cx->store, err);
    if (rc)
        return rc;
    rc = add_people(cx, &r, o, ids, err);
    rc = ah_store_end(cx->store, rc, err);
    if (rc)
        return rc;
    {
        /* ids outlive the arena releases between ticket batches */
        size_t sz = sizeof(*ids) * (size_t)o->people;
        int64_t *keep = ah_xmalloc(sz);

        memcpy(keep, ids, sz);
        ah_arena_release(cx->arena);
        rc = add_tickets(cx, &r, o, keep, err);
        if (!rc && o->weeks > 0)
            rc = add_program(cx, &r, o, keep, err);
        free(keep);
    }
    if (!rc) {
        int64_t added;

        rc = ah_style_load_starter(cx, &added, err);
    }
    if (!rc)
        rc = ah_ticket_index_text(cx, err);
    /* the repeated questions, as the server would have grouped them */
    while (!rc) {
        int64_t done = 0;

        rc = ah_groups_run(cx, 100000, &done, NULL, err);
        ah_arena_release(cx->arena);
        if (!done)
            break;
    }
    if (!rc)
        rc = ah_store_checkpoint(cx->store, err);
    return rc;
}
