/* copy.c - a whole company from one database into another through the
 * store interface (see copy.h), and the tables that make a company: the one
 * description both backends build their copy statements from. */
#include "store/copy.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/mem.h"

#define COLS(c) c, (int)(sizeof(c) / sizeof(c[0]))

static const struct ah_store_column people_cols[] = {
    {"id", true}, {"email", false}, {"name", false}, {"department", false},
    {"manager_id", true}, {"role", true}, {"leader", true}, {"timezone", false},
    {"active", true}, {"password_hash", false}, {"created_at", true}, {"updated_at", true},
    {"start_day", true}, {"level", true},
};
static const struct ah_store_column credentials_cols[] = {
    {"id", true}, {"person_id", true}, {"kind", true}, {"hash", false}, {"name", false},
    {"created_at", true}, {"last_used_at", true}, {"expires_at", true},
};
static const struct ah_store_column customers_cols[] = {
    {"id", true}, {"email", false}, {"name", false}, {"created_at", true},
};
static const struct ah_store_column tickets_cols[] = {
    {"id", true}, {"subject", false}, {"requester_id", true}, {"status", true},
    {"priority", true}, {"tier", true}, {"tags", false}, {"source", false},
    {"assignee_id", true}, {"claim_until", true}, {"due_at", true}, {"resolve_due_at", true},
    {"first_response_at", true}, {"created_at", true}, {"updated_at", true},
    {"last_message_id", true}, {"message_count", true}, {"solved_at", true},
};
static const struct ah_store_column ticket_tags_cols[] = {
    {"ticket_id", true}, {"tag", false},
};
static const struct ah_store_column messages_cols[] = {
    {"id", true}, {"ticket_id", true}, {"kind", true}, {"author_id", true}, {"body", false},
    {"created_at", true},
};
static const struct ah_store_column skips_cols[] = {
    {"person_id", true}, {"ticket_id", true}, {"reason", false}, {"created_at", true},
};
static const struct ah_store_column audit_cols[] = {
    {"id", true}, {"at", true}, {"actor_id", true}, {"action", false}, {"target", false},
    {"before", false}, {"after", false},
};
static const struct ah_store_column policy_cols[] = {
    {"id", true}, {"cadence", true}, {"weekly_minutes", true}, {"weeks_per_year", true},
    {"onboarding_week", true}, {"timezone", false}, {"week_start", true},
    {"idle_timeout_s", true}, {"ladder_remind", true}, {"ladder_manager", true},
    {"ladder_report", true}, {"max_exemption_weeks", true}, {"updated_at", true},
    {"updated_by", true}, {"default_tier", true}, {"reserve_on", true},
    {"reserve_age_s", true}, {"review_first", true}, {"review_rate", true},
    {"promote_approved", true}, {"promote_clean_days", true}, {"business_days", true},
    {"business_start", true}, {"business_end", true},
};
static const struct ah_store_column exemptions_cols[] = {
    {"id", true}, {"person_id", true}, {"granted_by", true}, {"reason", false},
    {"starts_on", true}, {"ends_on", true}, {"created_at", true}, {"ended_at", true},
    {"ended_by", true},
};
static const struct ah_store_column work_sessions_cols[] = {
    {"id", true}, {"person_id", true}, {"started_at", true}, {"last_active_at", true},
    {"ended_at", true}, {"source", false}, {"note", false},
};
static const struct ah_store_column blocks_cols[] = {
    {"id", true}, {"person_id", true}, {"start_at", true}, {"end_at", true},
    {"created_at", true}, {"updated_at", true}, {"sequence", true},
};
static const struct ah_store_column support_weeks_cols[] = {
    {"person_id", true}, {"week_day", true}, {"created_at", true},
};
static const struct ah_store_column compliance_weeks_cols[] = {
    {"week_day", true}, {"person_id", true}, {"status", true}, {"required_min", true},
    {"worked_ms", true}, {"streak", true},
};
static const struct ah_store_column ladder_runs_cols[] = {
    {"week_day", true}, {"ran_at", true},
};
static const struct ah_store_column notifications_cols[] = {
    {"id", true}, {"person_id", true}, {"kind", false}, {"subject_id", true},
    {"week_day", true}, {"body", false}, {"created_at", true}, {"read_at", true},
    {"ref_id", true},
};
static const struct ah_store_column webhooks_cols[] = {
    {"id", true}, {"url", false}, {"secret", false}, {"active", true}, {"created_at", true},
    {"created_by", true},
};
static const struct ah_store_column outbox_cols[] = {
    {"id", true}, {"webhook_id", true}, {"event", false}, {"body", false},
    {"created_at", true}, {"attempts", true}, {"next_at", true}, {"delivered_at", true},
    {"last_error", false},
};
static const struct ah_store_column login_failures_cols[] = {
    {"client", false}, {"at", true},
};
static const struct ah_store_column rule_versions_cols[] = {
    {"name", false}, {"version", true},
};
static const struct ah_store_column routing_rules_cols[] = {
    {"id", true}, {"position", true}, {"name", false}, {"match_kind", true},
    {"pattern", false}, {"match_in", true}, {"if_tag", false}, {"if_source", false},
    {"if_domain", false}, {"if_priority", true}, {"set_tier", true}, {"set_priority", true},
    {"add_tags", false}, {"stop", true}, {"enabled", true}, {"created_at", true},
    {"updated_at", true}, {"updated_by", true},
};
static const struct ah_store_column style_rules_cols[] = {
    {"id", true}, {"name", false}, {"kind", true}, {"pattern", false}, {"severity", true},
    {"why", false}, {"better", false}, {"levels", false}, {"roles", false}, {"tags", false},
    {"lifted_tags", false}, {"enabled", true}, {"created_at", true}, {"updated_at", true},
    {"updated_by", true}, {"deleted_at", true},
};
static const struct ah_store_column style_hits_cols[] = {
    {"day", true}, {"rule_id", true}, {"person_id", true}, {"hits", true},
    {"overrides", true},
};
static const struct ah_store_column reviews_cols[] = {
    {"id", true}, {"ticket_id", true}, {"author_id", true}, {"body", false},
    {"status", true}, {"reviewer_id", true}, {"final_body", false}, {"comment", false},
    {"message_id", true}, {"created_at", true}, {"decided_at", true},
};
static const struct ah_store_column escalations_cols[] = {
    {"id", true}, {"ticket_id", true}, {"person_id", true}, {"note", false},
    {"created_at", true},
};
static const struct ah_store_column modules_cols[] = {
    {"id", true}, {"title", false}, {"body", false}, {"position", true}, {"level", true},
    {"created_at", true}, {"updated_at", true}, {"retired_at", true},
};
static const struct ah_store_column completions_cols[] = {
    {"person_id", true}, {"module_id", true}, {"completed_at", true},
};
static const struct ah_store_column pairings_cols[] = {
    {"id", true}, {"pro_id", true}, {"member_id", true}, {"started_at", true},
    {"minutes", true}, {"notes", false}, {"work_session_id", true}, {"created_at", true},
};
static const struct ah_store_column macros_cols[] = {
    {"id", true}, {"owner_id", true}, {"name", false}, {"body", false},
    {"created_at", true}, {"updated_at", true},
};
static const struct ah_store_column mail_ids_cols[] = {
    {"msgid", false}, {"ticket_id", true}, {"message_id", true}, {"sent", true},
    {"created_at", true},
};
static const struct ah_store_column mail_in_cols[] = {
    {"message_id", true}, {"msgid", false}, {"sender", false}, {"sender_name", false},
    {"quoted", false}, {"new_ticket", true}, {"created_at", true},
};
static const struct ah_store_column participants_cols[] = {
    {"ticket_id", true}, {"email", false}, {"name", false}, {"added_at", true},
};
static const struct ah_store_column attachments_cols[] = {
    {"id", true}, {"message_id", true}, {"sha256", false}, {"name", false}, {"type", false},
    {"size", true}, {"content_id", false}, {"is_inline", true}, {"created_at", true},
};
static const struct ah_store_column mail_out_cols[] = {
    {"id", true}, {"ticket_id", true}, {"message_id", true}, {"kind", true},
    {"msgid", false}, {"mail_from", false}, {"rcpt", false}, {"data", false},
    {"created_at", true}, {"attempts", true}, {"next_at", true}, {"sent_at", true},
    {"failed_at", true}, {"last_error", false},
};
static const struct ah_store_column fixes_cols[] = {
    {"id", true}, {"title", false}, {"url", false}, {"owner_id", true}, {"state", true},
    {"shipped_at", true}, {"created_by", true}, {"created_at", true}, {"updated_at", true},
};
static const struct ah_store_column question_groups_cols[] = {
    {"id", true}, {"name", false}, {"named", true}, {"status", true},
    {"merged_into", true}, {"fix_id", true}, {"size", true}, {"after_fix", true},
    {"centroid", false}, {"first_at", true}, {"last_at", true}, {"created_at", true},
    {"updated_at", true},
};
/* weight and score are doubles: not integers, so they travel as text (the
 * shortest that reads back as the same double: see store_sqlite.c) */
static const struct ah_store_column group_terms_cols[] = {
    {"term", true}, {"group_id", true}, {"weight", false},
};
static const struct ah_store_column group_tickets_cols[] = {
    {"ticket_id", true}, {"group_id", true}, {"score", false}, {"after_fix", true},
    {"joined_at", true}, {"moved_by", true},
};
static const struct ah_store_column group_weeks_cols[] = {
    {"group_id", true}, {"week_day", true}, {"n", true},
};
static const struct ah_store_column terms_cols[] = {
    {"term", true}, {"df", true}, {"word", false},
};
static const struct ah_store_column group_state_cols[] = {
    {"id", true}, {"upto", true}, {"docs", true},
};
static const struct ah_store_column intakes_cols[] = {
    {"id", true}, {"ticket_id", true}, {"filer_id", true}, {"channel", false},
    {"why", false}, {"created_at", true}, {"told_at", true},
};
static const struct ah_store_column route_backs_cols[] = {
    {"id", true}, {"ticket_id", true}, {"person_id", true}, {"cause", true},
    {"reason", false}, {"marked_by", true}, {"created_at", true},
};
static const struct ah_store_column launches_cols[] = {
    {"id", true}, {"title", false}, {"launch_day", true}, {"changes", false},
    {"impact", false}, {"tags", false}, {"created_by", true}, {"readiness", true},
    {"missing", false}, {"readiness_note", false}, {"judged_by", true}, {"judged_at", true},
    {"created_at", true}, {"updated_at", true},
};
static const struct ah_store_column kudos_cols[] = {
    {"id", true}, {"message_id", true}, {"ticket_id", true}, {"person_id", true},
    {"giver_id", true}, {"from_customer", true}, {"text", false}, {"quote", false},
    {"created_at", true},
};
static const struct ah_store_column digest_subscriptions_cols[] = {
    {"person_id", true}, {"subscribed", true}, {"updated_at", true},
};
static const struct ah_store_column digest_runs_cols[] = {
    {"week_day", true}, {"ran_at", true}, {"recipients", true},
};

const struct ah_store_table ah_store_tables[] = {
    {"people", COLS(people_cols), 1, true, true, 4},
    {"credentials", COLS(credentials_cols), 1, true, true, -1},
    {"customers", COLS(customers_cols), 1, true, true, -1},
    {"tickets", COLS(tickets_cols), 1, true, true, -1},
    {"ticket_tags", COLS(ticket_tags_cols), 2, true, false, -1},
    {"messages", COLS(messages_cols), 1, true, true, -1},
    {"skips", COLS(skips_cols), 2, true, false, -1},
    {"audit", COLS(audit_cols), 1, true, true, -1},
    {"policy", COLS(policy_cols), 1, true, false, -1},
    {"exemptions", COLS(exemptions_cols), 1, true, true, -1},
    {"work_sessions", COLS(work_sessions_cols), 1, true, true, -1},
    {"blocks", COLS(blocks_cols), 1, true, true, -1},
    {"support_weeks", COLS(support_weeks_cols), 2, true, false, -1},
    {"compliance_weeks", COLS(compliance_weeks_cols), 2, true, false, -1},
    {"ladder_runs", COLS(ladder_runs_cols), 1, true, false, -1},
    {"notifications", COLS(notifications_cols), 1, true, true, -1},
    {"webhooks", COLS(webhooks_cols), 1, true, true, -1},
    {"outbox", COLS(outbox_cols), 1, true, true, -1},
    /* no key: two failures of one client in one millisecond are two rows */
    {"login_failures", COLS(login_failures_cols), 2, false, false, -1},
    /* the migration fills it: see migration_filled */
    {"rule_versions", COLS(rule_versions_cols), 1, true, false, -1},
    {"routing_rules", COLS(routing_rules_cols), 1, true, true, -1},
    {"style_rules", COLS(style_rules_cols), 1, true, true, -1},
    {"style_hits", COLS(style_hits_cols), 3, true, false, -1},
    {"reviews", COLS(reviews_cols), 1, true, true, -1},
    {"escalations", COLS(escalations_cols), 1, true, true, -1},
    {"modules", COLS(modules_cols), 1, true, true, -1},
    {"completions", COLS(completions_cols), 2, true, false, -1},
    {"pairings", COLS(pairings_cols), 1, true, true, -1},
    {"macros", COLS(macros_cols), 1, true, true, -1},
    /* keyed by the Message-ID: text, ordered bytewise as rule_versions */
    {"mail_ids", COLS(mail_ids_cols), 1, true, false, -1},
    /* keyed by its message's id, given, not numbered */
    {"mail_in", COLS(mail_in_cols), 1, true, false, -1},
    {"participants", COLS(participants_cols), 2, true, false, -1},
    {"attachments", COLS(attachments_cols), 1, true, true, -1},
    {"mail_out", COLS(mail_out_cols), 1, true, true, -1},
    {"fixes", COLS(fixes_cols), 1, true, true, -1},
    /* merged_into names another group: linked once all are in */
    {"question_groups", COLS(question_groups_cols), 1, true, true, 4},
    {"group_terms", COLS(group_terms_cols), 2, true, false, -1},
    {"group_tickets", COLS(group_tickets_cols), 1, true, false, -1},
    {"group_weeks", COLS(group_weeks_cols), 2, true, false, -1},
    /* keyed by the term, a hash of its word: given, not numbered */
    {"terms", COLS(terms_cols), 1, true, false, -1},
    /* one row, id 1, that the migration makes: see migration_filled */
    {"group_state", COLS(group_state_cols), 1, true, false, -1},
    {"intakes", COLS(intakes_cols), 1, true, true, -1},
    {"route_backs", COLS(route_backs_cols), 1, true, true, -1},
    {"launches", COLS(launches_cols), 1, true, true, -1},
    {"kudos", COLS(kudos_cols), 1, true, true, -1},
    /* keyed by the person, given, not numbered */
    {"digest_subscriptions", COLS(digest_subscriptions_cols), 1, true, false, -1},
    {"digest_runs", COLS(digest_runs_cols), 1, true, false, -1},
};
const size_t ah_store_ntables = sizeof(ah_store_tables) / sizeof(ah_store_tables[0]);

/* Reads t in batches: call next until *n is 0. */
struct reader {
    struct ah_store *s;
    const struct ah_store_table *t;
    struct ah_arena arena[2]; /* the last batch stays alive while the next is read */
    int cur;
    const char *const *after;
    int64_t offset;
};

static void reader_init(struct reader *r, struct ah_store *s, const struct ah_store_table *t)
{
    memset(r, 0, sizeof(*r));
    r->s = s;
    r->t = t;
    ah_arena_init(&r->arena[0]);
    ah_arena_init(&r->arena[1]);
}

static void reader_release(struct reader *r)
{
    ah_arena_release(&r->arena[0]);
    ah_arena_release(&r->arena[1]);
}

static enum ah_err reader_next(struct reader *r, const char ***rows, size_t *n,
                               struct ah_error *err)
{
    struct ah_arena *a = &r->arena[r->cur];
    enum ah_err rc;

    ah_arena_release(a);
    ah_arena_init(a);
    rc = ah_store_table_read(r->s, r->t, r->after, r->offset, AH_COPY_BATCH, a, rows, n, err);
    if (rc)
        return rc;
    if (*n) {
        r->after = *rows + (*n - 1) * (size_t)r->t->ncols; /* its key comes first */
        r->offset += (int64_t)*n;
    }
    r->cur ^= 1;
    return AH_OK;
}

static enum ah_err check_source(struct ah_store *src, struct ah_error *err)
{
    int v = 0;
    enum ah_err rc = ah_store_get_schema_version(src, &v, err);

    if (rc)
        return rc;
    if (v != ah_store_schema_version())
        return ah_error_set(err, AH_E_INVALID,
                            "the source is at schema version %d, this allhands at %d: %s", v,
                            ah_store_schema_version(),
                            v < ah_store_schema_version()
                                ? "run allhands migrate on it first"
                                : "copy it with the newer allhands that wrote it");
    return AH_OK;
}

/* Two tables are filled by the migration that makes them, so a new
 * destination counts as empty with those rows in it, and the copy does not
 * insert over them (table_write refuses a taken key) but brings each row to
 * the source's through a store operation:
 * - rule_versions holds no company data, only a number per rule set that
 *   moves with each change to it (every set starts at version 1): each is
 *   raised to the source's version with rules_bump, as a version only grows;
 * - group_state is the grouper's place, one row (id 1, nothing grouped): it
 *   becomes the source's with group_turn_end, in a turn of the grouper's. */
static bool migration_filled(const struct ah_store_table *t)
{
    return strcmp(t->name, "rule_versions") == 0 || strcmp(t->name, "group_state") == 0;
}

/* The schema version that made each table past the foundation's (1): a
 * destination at an older version has none of them to count before it is
 * migrated. */
static const struct {
    const char *table;
    int version;
} made_in[] = {
    {"policy", 2}, {"exemptions", 2}, {"work_sessions", 2}, {"blocks", 2},
    {"support_weeks", 2}, {"compliance_weeks", 2}, {"ladder_runs", 2},
    {"notifications", 2}, {"webhooks", 2}, {"outbox", 2},
    {"rule_versions", 3}, {"routing_rules", 3}, {"style_rules", 3}, {"style_hits", 3},
    {"reviews", 3}, {"escalations", 3}, {"modules", 3}, {"completions", 3},
    {"pairings", 3}, {"macros", 3},
    {"mail_ids", 4}, {"mail_in", 4}, {"participants", 4}, {"attachments", 4},
    {"mail_out", 4},
    {"fixes", 5}, {"question_groups", 5}, {"group_terms", 5}, {"group_tickets", 5},
    {"group_weeks", 5}, {"terms", 5}, {"group_state", 5}, {"intakes", 5},
    {"route_backs", 5}, {"launches", 5}, {"kudos", 5},
    {"digest_subscriptions", 6}, {"digest_runs", 6},
};

static int table_version(const struct ah_store_table *t)
{
    for (size_t i = 0; i < sizeof(made_in) / sizeof(made_in[0]); i++)
        if (strcmp(made_in[i].table, t->name) == 0)
            return made_in[i].version;
    return 1;
}

/* AH_OK when dst, at schema version v, holds no row of a company: a table
 * a later migration makes is not there yet to count. */
static enum ah_err check_empty(struct ah_store *dst, int v, struct ah_error *err)
{
    for (size_t i = 0; i < ah_store_ntables; i++) {
        int64_t n = 0;
        enum ah_err rc;

        if (migration_filled(&ah_store_tables[i]) || table_version(&ah_store_tables[i]) > v)
            continue;
        rc = ah_store_table_count(dst, &ah_store_tables[i], &n, err);
        if (rc)
            return rc;
        if (n)
            return ah_error_set(err, AH_E_CONFLICT,
                                "the destination is not empty: %s holds %" PRId64
                                " rows; copy only into a new database",
                                ah_store_tables[i].name, n);
    }
    return AH_OK;
}

/* Readies dst: at this schema version and empty. A database at version 0
 * is new and gets migrated; one at another version is refused before
 * anything is written. */
static enum ah_err prepare_destination(struct ah_store *dst, struct ah_error *err)
{
    int v = 0, from = 0, to = 0;
    enum ah_err rc = ah_store_get_schema_version(dst, &v, err);

    if (rc)
        return rc;
    if (v > ah_store_schema_version())
        return ah_error_set(err, AH_E_INVALID,
                            "the destination is at schema version %d, newer than this "
                            "allhands (%d)",
                            v, ah_store_schema_version());
    if (v > 0) {
        rc = check_empty(dst, v, err);
        if (rc)
            return rc;
    }
    rc = ah_store_migrate(dst, &from, &to, err);
    if (rc)
        return rc;
    return check_empty(dst, to, err);
}

/* The self-references of a batch, held until the whole table is written. */
struct links {
    struct ah_arena arena;
    const char **pairs;
    size_t n, cap;
};

static void links_add(struct links *l, const char *id, const char *ref)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->pairs = ah_xrealloc(l->pairs, l->cap * 2 * sizeof(*l->pairs));
    }
    l->pairs[2 * l->n] = ah_arena_strdup(&l->arena, id);
    l->pairs[2 * l->n + 1] = ah_arena_strdup(&l->arena, ref);
    l->n++;
}

static enum ah_err write_batch(struct ah_store *dst, const struct ah_store_table *t,
                               const char **rows, size_t n, struct links *l,
                               struct ah_error *err)
{
    enum ah_err rc;

    if (t->self_ref >= 0) {
        for (size_t i = 0; i < n; i++) {
            const char **row = rows + i * (size_t)t->ncols;

            if (row[t->self_ref]) {
                links_add(l, row[0], row[t->self_ref]);
                row[t->self_ref] = NULL;
            }
        }
    }
    rc = ah_store_begin(dst, err);
    if (rc)
        return rc;
    rc = ah_store_table_write(dst, t, rows, n, err);
    return ah_store_end(dst, rc, err);
}

static enum ah_err write_links(struct ah_store *dst, const struct ah_store_table *t,
                               struct links *l, struct ah_error *err)
{
    enum ah_err rc = AH_OK;

    for (size_t i = 0; !rc && i < l->n; i += AH_COPY_BATCH) {
        size_t k = l->n - i < AH_COPY_BATCH ? l->n - i : AH_COPY_BATCH;

        rc = ah_store_begin(dst, err);
        if (rc)
            return rc;
        rc = ah_store_table_link(dst, t, l->pairs + 2 * i, k, err);
        rc = ah_store_end(dst, rc, err);
    }
    return rc;
}

/* Brings one row (name, version) of rule_versions into dst, inside a
 * transaction: see migration_filled. */
static enum ah_err raise_version(struct ah_store *dst, const struct ah_store_table *t,
                                 const char *const *row, struct ah_error *err)
{
    int64_t want = 0, have = 0;
    enum ah_err rc = ah_parse_i64(ah_str_c(row[1]), 0, INT64_MAX, &want, err);

    if (rc)
        return rc;
    rc = ah_store_rules_version(dst, row[0], &have, err);
    if (rc == AH_E_NOT_FOUND)
        return ah_store_table_write(dst, t, row, 1, err);
    if (!rc && have > want)
        return ah_error_set(err, AH_E_CONFLICT,
                            "the destination's %s rules are at version %" PRId64
                            ", past the source's %" PRId64, row[0], have, want);
    for (; !rc && have < want; have++)
        rc = ah_store_rules_bump(dst, row[0], err);
    return rc;
}

static enum ah_err copy_versions(struct ah_store *src, struct ah_store *dst,
                                 const struct ah_store_table *t, struct ah_error *err)
{
    struct reader r;
    enum ah_err rc;

    reader_init(&r, src, t);
    for (;;) {
        const char **rows;
        size_t n;

        rc = reader_next(&r, &rows, &n, err);
        if (rc || n == 0)
            break;
        rc = ah_store_begin(dst, err);
        if (rc)
            break;
        for (size_t i = 0; !rc && i < n; i++)
            rc = raise_version(dst, t, rows + i * (size_t)t->ncols, err);
        rc = ah_store_end(dst, rc, err);
        if (rc)
            break;
    }
    reader_release(&r);
    return rc;
}

/* Makes dst's group_state row (id, upto, docs) the source's: see
 * migration_filled. */
static enum ah_err copy_group_state(struct ah_store *src, struct ah_store *dst,
                                    const struct ah_store_table *t, struct ah_error *err)
{
    struct reader r;
    const char **rows;
    size_t n = 0;
    int64_t upto = 0, docs = 0, had_upto, had_docs;
    bool got = false;
    enum ah_err rc;

    reader_init(&r, src, t);
    rc = reader_next(&r, &rows, &n, err);
    if (!rc && n)
        rc = ah_parse_i64(ah_str_c(rows[1]), 0, INT64_MAX, &upto, err);
    if (!rc && n)
        rc = ah_parse_i64(ah_str_c(rows[2]), 0, INT64_MAX, &docs, err);
    reader_release(&r);
    if (rc || n == 0)
        return rc;
    rc = ah_store_begin(dst, err);
    if (rc)
        return rc;
    rc = ah_store_group_turn(dst, true, &got, &had_upto, &had_docs, err);
    if (!rc && !got)
        rc = ah_error_set(err, AH_E_CONFLICT, "the destination is grouping tickets: copy only "
                                              "into a new database");
    if (!rc)
        rc = ah_store_group_turn_end(dst, upto, docs, err);
    return ah_store_end(dst, rc, err);
}

static enum ah_err copy_table(struct ah_store *src, struct ah_store *dst,
                              const struct ah_store_table *t,
                              void (*progress)(void *, const char *, int64_t, int64_t),
                              void *arg, struct ah_error *err)
{
    struct reader r;
    struct links l = {0};
    int64_t total = 0, done = 0;
    enum ah_err rc = ah_store_table_count(src, t, &total, err);

    if (rc)
        return rc;
    if (migration_filled(t)) {
        if (strcmp(t->name, "group_state") == 0)
            rc = copy_group_state(src, dst, t, err);
        else
            rc = copy_versions(src, dst, t, err);
        if (!rc && progress)
            progress(arg, t->name, total, total);
        return rc;
    }
    reader_init(&r, src, t);
    ah_arena_init(&l.arena);
    for (;;) {
        const char **rows;
        size_t n;

        rc = reader_next(&r, &rows, &n, err);
        if (rc || n == 0)
            break;
        rc = write_batch(dst, t, rows, n, &l, err);
        if (rc)
            break;
        done += (int64_t)n;
        if (progress)
            progress(arg, t->name, done, total);
    }
    if (!rc)
        rc = write_links(dst, t, &l, err);
    if (!rc && t->identity)
        rc = ah_store_table_sync_ids(dst, t, err);
    if (!rc && progress && done == 0)
        progress(arg, t->name, 0, total);
    free(l.pairs);
    ah_arena_release(&l.arena);
    reader_release(&r);
    return rc;
}

enum ah_err ah_copy_run(struct ah_store *src, struct ah_store *dst,
                        void (*progress)(void *arg, const char *table, int64_t done,
                                         int64_t total),
                        void *arg, struct ah_error *err)
{
    bool more = true;
    enum ah_err rc = check_source(src, err);

    if (!rc)
        rc = prepare_destination(dst, err);
    for (size_t i = 0; !rc && i < ah_store_ntables; i++)
        rc = copy_table(src, dst, &ah_store_tables[i], progress, arg, err);
    /* SQLite: index the copied text now rather than in the first server's
     * upkeep (PostgreSQL indexes as it writes: nothing to do) */
    while (!rc && more)
        rc = ah_store_text_index(dst, 5000, &more, err);
    return rc;
}

/* A row's canonical text, fed to h: each value as its length, ':' and its
 * bytes, NULL as '~' (distinct from "", "0:"), values ended by ',' and the
 * row by '\n'. */
static void hash_row(struct ah_sha256 *h, const char *const *row, int ncols)
{
    for (int c = 0; c < ncols; c++) {
        char len[24];
        int k;

        if (!row[c]) {
            ah_crypto_sha256_update(h, "~,", 2);
            continue;
        }
        k = snprintf(len, sizeof(len), "%zu:", strlen(row[c]));
        ah_crypto_sha256_update(h, len, (size_t)k);
        ah_crypto_sha256_update(h, row[c], strlen(row[c]));
        ah_crypto_sha256_update(h, ",", 1);
    }
    ah_crypto_sha256_update(h, "\n", 1);
}

enum ah_err ah_copy_checksum(struct ah_store *s, const struct ah_store_table *t, int64_t *rows,
                             char sum[AH_HASH_HEX], struct ah_error *err)
{
    struct reader r;
    struct ah_sha256 h;
    int64_t count = 0;
    enum ah_err rc;

    ah_crypto_sha256_init(&h);
    reader_init(&r, s, t);
    for (;;) {
        const char **batch;
        size_t n;

        rc = reader_next(&r, &batch, &n, err);
        if (rc || n == 0)
            break;
        for (size_t i = 0; i < n; i++)
            hash_row(&h, batch + i * (size_t)t->ncols, t->ncols);
        count += (int64_t)n;
    }
    reader_release(&r);
    if (rc)
        return rc;
    ah_crypto_sha256_final(&h, sum);
    *rows = count;
    return AH_OK;
}

enum ah_err ah_copy_verify(struct ah_store *a, struct ah_store *b, struct ah_copy_check *checks,
                           bool *all_ok, struct ah_error *err)
{
    bool ok = true;

    for (size_t i = 0; i < ah_store_ntables; i++) {
        const struct ah_store_table *t = &ah_store_tables[i];
        struct ah_copy_check *c = &checks[i];
        enum ah_err rc;

        memset(c, 0, sizeof(*c));
        c->table = t->name;
        rc = ah_copy_checksum(a, t, &c->src_rows, c->src_sum, err);
        if (!rc)
            rc = ah_copy_checksum(b, t, &c->dst_rows, c->dst_sum, err);
        if (rc)
            return rc;
        c->ok = c->src_rows == c->dst_rows && strcmp(c->src_sum, c->dst_sum) == 0;
        ok &= c->ok;
    }
    *all_ok = ok;
    return AH_OK;
}
