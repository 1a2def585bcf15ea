/* groups.h - repeated questions: every arriving ticket joins the group of
 * tickets that ask the same question (or starts one), online, in arrival
 * order; pros and leads rename, merge and split groups; a group can be
 * linked to a product fix, and tickets that still arrive after the fix
 * shipped are flagged and reported to its owner. */
#ifndef AH_DOMAIN_GROUPS_H
#define AH_DOMAIN_GROUPS_H

#include "domain/ctx.h"

#define AH_GROUP_TREND_WEEKS 8   /* weeks in a group's trend, this one last */
#define AH_GROUP_NAME_MAX 120
#define AH_FIX_TITLE_MAX 200
#define AH_FIX_URL_MAX 2000

/* How close a question must be to a group's centroid (cosine) to join it,
 * when settings say nothing. */
#define AH_GROUP_THRESHOLD_DEFAULT 0.25

/* Groups up to limit tickets not grouped yet, in arrival order, in
 * transactions of a few hundred. Only one grouper runs at a time across
 * servers: when another has the turn, *done is 0 and nothing is wrong.
 * per_ticket_us (NULL: not wanted) receives each ticket's assignment time
 * in microseconds; it must hold limit entries. */
enum ah_err ah_groups_run(struct ah_ctx *cx, int limit, int64_t *done, double *per_ticket_us,
                          struct ah_error *err);

/* A group as the screens show it: its trend is counts per week, oldest
 * first, the last being the current week (trend_from the first week's first
 * day). */
struct ah_group_view {
    struct ah_qgroup g;
    int64_t trend[AH_GROUP_TREND_WEEKS];
    int64_t trend_from;
};

/* Who met a group's question: by department, and how many distinct
 * engineers, salespeople and founders (leaders). */
struct ah_group_department {
    const char *department;
    int64_t people;
    int64_t tickets;
};

struct ah_group_detail {
    struct ah_group_view v;
    struct ah_qgroup_answerer *answerers;
    size_t nanswerers;
    struct ah_group_department *departments;
    size_t ndepartments;
    int64_t engineers, sales, founders;
};

enum ah_err ah_groups_list(struct ah_ctx *cx, const struct ah_qgroup_filter *f,
                           struct ah_group_view **items, size_t *n, struct ah_error *err);
enum ah_err ah_groups_get(struct ah_ctx *cx, int64_t id, struct ah_group_detail *out,
                          struct ah_error *err);
/* The group's tickets the actor may see, newest first. */
enum ah_err ah_groups_members(struct ah_ctx *cx, int64_t id, int64_t before_id, int limit,
                              struct ah_qgroup_member **items, size_t *n, struct ah_error *err);

struct ah_group_patch {
    struct ah_str name;      /* p NULL: unchanged */
    int status;              /* -1: unchanged; AH_QGROUP_OPEN or AH_QGROUP_NOT_PRODUCT */
};
void ah_group_patch_init(struct ah_group_patch *p);
/* Pros and leads. */
enum ah_err ah_groups_update(struct ah_ctx *cx, int64_t id, const struct ah_group_patch *p,
                             struct ah_group_view *out, struct ah_error *err);
/* Moves every ticket of from into into; from is kept, merged. */
enum ah_err ah_groups_merge(struct ah_ctx *cx, int64_t into, int64_t from,
                            struct ah_group_view *out, struct ah_error *err);
/* Moves a ticket out of its group: into group to, or a new group of its
 * own when to is 0. out: the group it is in now. */
enum ah_err ah_groups_move_ticket(struct ah_ctx *cx, int64_t ticket_id, int64_t to,
                                  struct ah_group_view *out, struct ah_error *err);

/* What is shown beside a ticket: its group and the others who asked. */
struct ah_group_similar {
    bool grouped;                   /* false: not grouped yet (or no words) */
    struct ah_qgroup_ticket place;
    struct ah_group_view v;
    int64_t others_this_week;       /* tickets of the group this week, not this one */
    int64_t others;                 /* tickets of the group, not this one */
    struct ah_qgroup_member *open;  /* open tickets of the group the actor may see */
    size_t nopen;
};
enum ah_err ah_groups_similar(struct ah_ctx *cx, int64_t ticket_id,
                              struct ah_group_similar *out, struct ah_error *err);

/* ---- fixes ---- */

struct ah_fix_input {
    int64_t fix_id;          /* link this existing fix; 0: create one from the rest */
    struct ah_str title;
    struct ah_str url;
    int64_t owner_id;
};
/* Links group_id to a fix (pros and leads); out: the fix. */
enum ah_err ah_fix_link(struct ah_ctx *cx, int64_t group_id, const struct ah_fix_input *in,
                        struct ah_fix *out, struct ah_error *err);
enum ah_err ah_fix_unlink(struct ah_ctx *cx, int64_t group_id, struct ah_error *err);

struct ah_fix_patch {
    struct ah_str title;     /* p NULL: unchanged */
    struct ah_str url;
    int64_t owner_id;        /* 0: unchanged */
    int state;               /* -1: unchanged */
    int64_t shipped_at;      /* 0: now, when state becomes shipped */
};
void ah_fix_patch_init(struct ah_fix_patch *p);
/* Pros, leads and the fix's owner. */
enum ah_err ah_fix_update(struct ah_ctx *cx, int64_t id, const struct ah_fix_patch *p,
                          struct ah_fix *out, struct ah_error *err);
/* A fix and its groups. */
enum ah_err ah_fix_get(struct ah_ctx *cx, int64_t id, struct ah_fix *out,
                       struct ah_group_view **groups, size_t *ngroups, struct ah_error *err);
/* Fixes of owner_id (0: all), newest first, each with its groups (groups[i]
 * belongs to fixes[owner_of[i]]). */
enum ah_err ah_fix_list(struct ah_ctx *cx, int64_t owner_id, struct ah_fix **fixes, size_t *n,
                        struct ah_group_view **groups, size_t **owner_of, size_t *ngroups,
                        struct ah_error *err);

const char *ah_group_status_name(enum ah_qgroup_status s);
bool ah_group_status_parse(struct ah_str s, int *out);
const char *ah_fix_state_name(enum ah_fix_state s);
bool ah_fix_state_parse(struct ah_str s, int *out);

#endif
