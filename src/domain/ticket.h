/* ticket.h - tickets and their threads: create, read, list, change, write. */
#ifndef AH_DOMAIN_TICKET_H
#define AH_DOMAIN_TICKET_H

#include <stdbool.h>

#include "core/limits.h"
#include "domain/ctx.h"
#include "domain/style.h"

struct ah_ticket_input {
    struct ah_str subject;
    struct ah_str body;
    struct ah_str requester_email; /* null: the creator is the requester */
    struct ah_str requester_name;
    struct ah_str source; /* null: "api" */
    bool intake;          /* filed as an internal escalation (domain/intake.c) */
    int priority;         /* enum ah_priority; -1: normal */
    int tier;             /* 0: the default tier */
    bool has_tags;
    size_t ntags;
    struct ah_str tags[AH_MAX_TAGS];
};

/* A change to a ticket; -1 / false means "leave as is". */
struct ah_ticket_patch {
    int status;
    int priority;
    int tier;
    bool has_assignee;
    int64_t assignee_id; /* 0: nobody */
    bool has_tags;
    size_t ntags;
    struct ah_str tags[AH_MAX_TAGS];
};

#define AH_MAX_ESCALATION_NOTE 10000

struct ah_write_outcome;

struct ah_message_input {
    enum ah_msg_kind kind; /* AH_MSG_REPLY or AH_MSG_NOTE */
    struct ah_str body;
    bool has_seen;
    int64_t seen_message_id;
    int status; /* set with the message; -1: a reply makes it pending */
    struct ah_str override_reason; /* a pro sending past a style rule's block */
    struct ah_write_outcome *outcome; /* where a reply's outcome goes; may be NULL */
};

/* What became of a reply besides its message. */
struct ah_write_outcome {
    bool held;               /* held for review: no message; review is it */
    struct ah_review review;
    struct ah_style_hit *hits; /* the style guide's hits in it (in cx->arena) */
    size_t nhits;
    const char *blocked_by;  /* the rule that refused it (AH_E_INVALID), or NULL */
};

void ah_ticket_input_init(struct ah_ticket_input *in);
void ah_ticket_patch_init(struct ah_ticket_patch *p);

/* Opens a ticket with its first message (the customer's), which goes to
 * *first when first is not NULL. Only pros and leads may set a tier. out and
 * *first live in cx->arena. */
enum ah_err ah_ticket_create(struct ah_ctx *cx, const struct ah_ticket_input *in,
                             struct ah_ticket *out, struct ah_message *first,
                             struct ah_error *err);
/* ah_ticket_create inside the caller's transaction (mail opens a ticket
 * with more rows in the same one). */
enum ah_err ah_ticket_open(struct ah_ctx *cx, const struct ah_ticket_input *in,
                           struct ah_ticket *out, struct ah_message *first,
                           struct ah_error *err);
/* Inside the caller's transaction: the requester (or someone on the
 * ticket's mail) wrote to ticket t again. A pending or solved ticket opens
 * again; t is updated. */
enum ah_err ah_ticket_add_customer(struct ah_ctx *cx, struct ah_ticket *t, struct ah_str body,
                                   struct ah_message *out, struct ah_error *err);
/* A ticket cx's actor may see, with its thread (oldest first, at most 1000). AH_E_NOT_FOUND also for a ticket above the actor's tier. */
enum ah_err ah_ticket_get(struct ah_ctx *cx, int64_t id, struct ah_ticket *out,
                          struct ah_message **msgs, size_t *nmsgs, struct ah_error *err);
/* Ticket id without its thread, if cx's actor may see it. */
enum ah_err ah_ticket_peek(struct ah_ctx *cx, int64_t id, struct ah_ticket *out,
                           struct ah_error *err);
/* A page of tickets; f->max_tier is set here from the actor's role. */
enum ah_err ah_ticket_list(struct ah_ctx *cx, struct ah_ticket_filter *f,
                           struct ah_ticket **items, size_t *n, struct ah_error *err);
/* Applies p. Reassigning to someone else and changing the tier are for pros
 * and leads, and audited. */
enum ah_err ah_ticket_update(struct ah_ctx *cx, int64_t id, const struct ah_ticket_patch *p,
                             struct ah_ticket *out, struct ah_error *err);
/* Adds a reply or note. The send check: when someone else wrote to the thread
 * after in->seen_message_id, nothing is stored and AH_E_CONFLICT comes back
 * with the newer messages in *newer. A reply is checked against the style
 * guide: a block hit refuses it (AH_E_INVALID naming the rule) unless a pro
 * gives override_reason (audited). A trainee's reply, and a sampled one of a
 * junior's, is held for review instead of sent (see review.h): then out is
 * untouched and in->outcome says so. */
enum ah_err ah_ticket_write(struct ah_ctx *cx, int64_t id, const struct ah_message_input *in,
                            struct ah_message *out, struct ah_message **newer, size_t *nnewer,
                            struct ah_error *err);

/* A member hands ticket id to the pros with a note: tier 2, unassigned, back
 * in the queue; the note joins the thread as an internal note, and the
 * escalation is counted for the actor. AH_E_CONFLICT when it is tier 2. */
enum ah_err ah_ticket_escalate(struct ah_ctx *cx, int64_t id, struct ah_str note,
                               struct ah_ticket *out, struct ah_error *err);

/* Brings the full-text index up to date with every ticket and message
 * written so far (background upkeep calls it; so does a search first). */
enum ah_err ah_ticket_index_text(struct ah_ctx *cx, struct ah_error *err);

/* Normalizes tags into "a b c" (lower case, sorted, unique) in cx->arena.
 * AH_E_INVALID for a tag with other than [a-z0-9_.:-] or too long. */
enum ah_err ah_ticket_tags_join(struct ah_ctx *cx, const struct ah_str *tags, size_t n,
                                const char **out, struct ah_error *err);

const char *ah_ticket_status_name(enum ah_status s);
bool ah_ticket_status_parse(struct ah_str s, enum ah_status *out);
const char *ah_ticket_priority_name(enum ah_priority p);
bool ah_ticket_priority_parse(struct ah_str s, enum ah_priority *out);
const char *ah_ticket_kind_name(enum ah_msg_kind k);
bool ah_ticket_source_valid(struct ah_str s);
/* Turns free text into an FTS query of quoted terms ("a" "b"), in cx->arena;
 * AH_E_INVALID when it holds no term. */
enum ah_err ah_ticket_search_query(struct ah_ctx *cx, struct ah_str text, struct ah_str *out,
                                   struct ah_error *err);

#endif
