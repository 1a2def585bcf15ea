/* store.h - the one interface to everything allhands persists.
 *
 * A backend fills struct ah_store_ops; the domain calls the ah_store_* inline
 * wrappers below and never sees SQL. One struct ah_store is one connection:
 * each worker thread opens its own. Strings in records that a store function
 * returns are allocated from the arena the caller passes, and die with it.
 * Every function returns enum ah_err and fills err on failure; AH_E_UNAVAILABLE
 * means the database is busy or unreachable (retry later), AH_E_INTERNAL a
 * failure that will not pass by itself. Every write runs between
 * ah_store_begin and ah_store_end (or commit/rollback): the SQLite backend
 * queues writers there, and a write outside would meet the lock unqueued. */
#ifndef AH_STORE_STORE_H
#define AH_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

enum ah_role { AH_ROLE_MEMBER, AH_ROLE_PRO, AH_ROLE_LEAD, AH_ROLE_ADMIN };
enum ah_status { AH_STATUS_NEW, AH_STATUS_OPEN, AH_STATUS_PENDING, AH_STATUS_SOLVED, AH_STATUS_CLOSED };
enum ah_priority { AH_PRIO_URGENT, AH_PRIO_HIGH, AH_PRIO_NORMAL, AH_PRIO_LOW };
enum ah_msg_kind { AH_MSG_CUSTOMER, AH_MSG_REPLY, AH_MSG_NOTE };
enum ah_cred_kind { AH_CRED_SESSION, AH_CRED_TOKEN, AH_CRED_CALENDAR };
/* A member's level: trainee (onboarding, every reply reviewed), junior (a
 * sample reviewed), tier1 (independent on tier-1 tickets). */
enum ah_level { AH_LEVEL_TRAINEE, AH_LEVEL_JUNIOR, AH_LEVEL_TIER1 };

struct ah_person {
    int64_t id;
    const char *email;
    const char *name;
    const char *department;
    int64_t manager_id; /* 0: none */
    enum ah_role role;
    bool leader; /* founders and executives */
    const char *timezone;
    bool active;
    int64_t start_day; /* first day in the program: days since 1970-01-01 */
    enum ah_level level;
    int64_t created_at;
    int64_t updated_at;
};

struct ah_ticket {
    int64_t id;
    const char *subject;
    int64_t requester_id;
    const char *requester_email;
    const char *requester_name;
    enum ah_status status;
    enum ah_priority priority;
    int tier; /* 1: members may work it; 2: pros only */
    const char *tags; /* space-separated, sorted, unique */
    const char *source;
    int64_t assignee_id; /* 0: nobody */
    int64_t claim_until; /* 0: not claimed through "next" */
    int64_t due_at;         /* first response due (SLA) */
    int64_t resolve_due_at; /* resolution due (SLA) */
    int64_t first_response_at;
    int64_t solved_at;       /* when it was last solved (or closed); 0: open */
    int64_t created_at;
    int64_t updated_at;
    int64_t last_message_id;
    int64_t message_count;
    bool in_review; /* a reply on it is held for review: set by ah_ticket_get, not the store */
};

struct ah_message {
    int64_t id;
    int64_t ticket_id;
    enum ah_msg_kind kind;
    int64_t author_id; /* 0: the requester */
    const char *author_name;
    const char *body;
    int64_t created_at;
};

struct ah_credential {
    int64_t id;
    int64_t person_id;
    enum ah_cred_kind kind;
    const char *name;
    int64_t created_at;
    int64_t last_used_at;
    int64_t expires_at; /* 0: never */
    /* filled by cred_lookup: the person's open work session (0: clocked
     * out), its last activity, and the policy's idle timeout in seconds */
    int64_t clock_id;
    int64_t clock_active_at;
    int64_t idle_timeout_s;
};

/* ---- the program (frequency and totality) ---- */

enum ah_cadence { AH_CADENCE_WEEKLY, AH_CADENCE_YEARLY };

/* One per company; leads change it. */
struct ah_policy {
    enum ah_cadence cadence;
    int64_t weekly_minutes;       /* weekly cadence: required per week */
    int64_t weeks_per_year;       /* yearly cadence: support weeks a year */
    bool onboarding_week;         /* yearly: one more in the first month */
    const char *timezone;         /* the organization's: its week boundary */
    int week_start;               /* 0 Sunday .. 6 Saturday */
    int64_t idle_timeout_s;
    int64_t ladder_remind;        /* weeks behind in a row: the person is reminded */
    int64_t ladder_manager;       /* ... their manager is told */
    int64_t ladder_report;        /* ... listed on the leadership report */
    int64_t max_exemption_weeks;
    int default_tier;             /* a new ticket no rule classified */
    bool reserve_on;              /* young tier-1 tickets wait for members */
    int64_t reserve_age_s;        /* ... this long */
    int64_t review_first;         /* a junior's first replies all reviewed */
    int64_t review_rate;          /* then this percentage of them */
    int64_t promote_approved;     /* suggested for tier1: approved replies */
    int64_t promote_clean_days;   /* ... and none returned in this many days */
    int business_days;            /* bit d: weekday d (0 Sunday) is a working day; 0: no
                                   * business hours, times are wall-clock */
    int64_t business_start;       /* minutes after local midnight the working day starts */
    int64_t business_end;         /* ... and ends */
    int64_t updated_at;
    int64_t updated_by;
};

struct ah_exemption {
    int64_t id;
    int64_t person_id;
    int64_t granted_by;
    const char *reason;
    int64_t starts_on; /* days since 1970-01-01, the person's calendar */
    int64_t ends_on;   /* the last exempt day, inclusive */
    int64_t created_at;
    int64_t ended_at;  /* ended early by a lead; 0: not */
    int64_t ended_by;
};

/* Measured queue time: clocked in at started_at; activity moves
 * last_active_at; worked time is last_active_at - started_at. No session is
 * longer than this (the domain starts a new one), so a span's sessions are
 * found by their start. */
#define AH_WORK_SESSION_MAX_MS (24 * 3600 * 1000LL)

struct ah_work_session {
    int64_t id;
    int64_t person_id;
    int64_t started_at;
    int64_t last_active_at;
    int64_t ended_at; /* 0: still clocked in */
    const char *source; /* "clock" or "manual" (added by a lead) */
    const char *note;   /* the lead's reason for adding or correcting it */
};

/* A planned block of queue time. */
struct ah_block {
    int64_t id;
    int64_t person_id;
    int64_t start_at;
    int64_t end_at;
    int64_t created_at;
    int64_t updated_at;
    int64_t sequence; /* bumped on each change: calendar clients update */
};

/* Under the weeks-per-year cadence: a week a person booked as their
 * support week. */
struct ah_support_week {
    int64_t person_id;
    int64_t week_day; /* its first day */
    int64_t created_at;
};

/* A person's result for a week. */
enum ah_week_status { AH_WEEK_NOT_REQUIRED, AH_WEEK_MET, AH_WEEK_BEHIND, AH_WEEK_EXEMPT };

/* A closed week's result, kept by the ladder's run: the streak of the next
 * week builds on it. */
struct ah_compliance_row {
    int64_t person_id;
    int64_t week_day; /* the week's first day */
    enum ah_week_status status;
    int64_t required_min;
    int64_t worked_ms;
    int64_t streak; /* weeks behind in a row, this one included */
};

struct ah_notification {
    int64_t id;
    int64_t person_id;  /* who reads it */
    const char *kind;   /* "ladder.remind", "ladder.manager", "ladder.report" */
    int64_t subject_id; /* whom it is about; 0: nobody */
    int64_t week_day;   /* the week it is about; 0: none */
    int64_t ref_id;     /* the thing it is about (a fix, ...); 0: none */
    const char *body;
    int64_t created_at;
    int64_t read_at; /* 0: unread */
};

struct ah_webhook {
    int64_t id;
    const char *url;
    const char *secret;
    bool active;
    int64_t created_at;
    int64_t created_by;
    int64_t pending; /* events not yet delivered (webhook_list) */
};

/* An event on its way to a webhook, with where it goes. */
struct ah_outbox_item {
    int64_t id;
    int64_t webhook_id;
    const char *url;
    const char *secret;
    const char *event;
    const char *body;
    int64_t created_at;
    int64_t attempts; /* made before this one */
};

/* A message someone of the company wrote (reports). */
struct ah_authored {
    int64_t author_id;
    int64_t ticket_id;
    enum ah_msg_kind kind;
    int64_t created_at;
};

/* What a person did in the queue over a span. */
struct ah_activity {
    int64_t replies;
    int64_t tickets; /* distinct tickets replied to or noted on */
};

/* ---- deference: routing, the style guide, review, training ---- */

enum ah_match_kind { AH_MATCH_NONE, AH_MATCH_PHRASE, AH_MATCH_REGEX };
enum ah_match_in { AH_IN_SUBJECT = 1, AH_IN_BODY = 2, AH_IN_BOTH = 3 };

/* Evaluated in position order on every arriving ticket: when every
 * condition set holds, the actions apply (a later rule overrides an earlier
 * one's tier and priority; tags add up), and stop ends the evaluation. */
struct ah_route_rule {
    int64_t id;
    int64_t position;
    const char *name;
    enum ah_match_kind match_kind; /* NONE: no text condition */
    const char *pattern;
    int match_in;            /* enum ah_match_in */
    const char *if_tag;      /* "": any */
    const char *if_source;   /* "": any */
    const char *if_domain;   /* requester's email domain, lower case; "": any */
    int if_priority;         /* -1: any */
    int set_tier;            /* 0: leave */
    int set_priority;        /* -1: leave */
    const char *add_tags;    /* "a b" */
    bool stop;
    bool enabled;
    int64_t created_at;
    int64_t updated_at;
    int64_t updated_by;
};

enum ah_severity { AH_SEV_BLOCK, AH_SEV_WARN, AH_SEV_TIP };

struct ah_style_rule {
    int64_t id;
    const char *name;        /* unique among live rules: "no-just" */
    enum ah_match_kind kind; /* PHRASE or REGEX */
    const char *pattern;
    enum ah_severity severity;
    const char *why;
    const char *better;
    const char *levels;      /* "trainee junior tier1"; "": every level */
    const char *roles;       /* "member pro lead admin"; "": every role */
    const char *tags;        /* applies only to tickets with one; "": all */
    const char *lifted_tags; /* lifted for tickets with one */
    bool enabled;
    int64_t created_at;
    int64_t updated_at;
    int64_t updated_by;
    int64_t deleted_at; /* 0: live */
};

/* Hits of one rule by one person, summed over a span of days. */
struct ah_style_hit_row {
    int64_t rule_id;
    int64_t person_id;
    int64_t hits;
    int64_t overrides; /* sent anyway by a pro, with a reason */
};

/* A reply of a trainee or junior: held for review, or passed by the sample. */
enum ah_review_status { AH_REVIEW_HELD, AH_REVIEW_APPROVED, AH_REVIEW_RETURNED, AH_REVIEW_PASSED };

struct ah_review {
    int64_t id;
    int64_t ticket_id;
    int64_t author_id;
    const char *body;       /* as the member wrote it */
    enum ah_review_status status;
    int64_t reviewer_id;    /* 0: not decided */
    const char *final_body; /* the reviewer's edit; NULL: sent as written */
    const char *comment;    /* the coaching comment of a return */
    int64_t message_id;     /* the message it became; 0: none yet */
    int64_t created_at;
    int64_t decided_at;
    /* filled by review_list and review_get */
    const char *ticket_subject;
    const char *author_name;
};

struct ah_review_filter {
    int status;          /* -1: any */
    int64_t author_id;   /* 0: anyone */
    int64_t ticket_id;   /* 0: any */
    int64_t before_id;   /* newest first below this; 0: from the newest */
    bool oldest_first;   /* the review queue: oldest held first (before_id unused) */
    int limit;
};

/* What one author's reviewed replies came to, over all time. */
struct ah_review_stats {
    int64_t author_id;
    int64_t total;    /* every reply reviewed or sampled */
    int64_t approved;
    int64_t returned;
    int64_t last_returned_at; /* 0: never */
};

/* Review work over a span: as the reviewer and as the author. */
struct ah_review_counts {
    int64_t given;    /* decided by the person */
    int64_t held;     /* the person's replies held */
    int64_t approved; /* the person's replies approved */
    int64_t returned; /* the person's replies returned */
};

struct ah_escalation {
    int64_t id;
    int64_t ticket_id;
    int64_t person_id;
    const char *note;
    int64_t created_at;
};

/* A person's count of something over a span (escalations). */
struct ah_person_count {
    int64_t person_id;
    int64_t n;
};

struct ah_module {
    int64_t id;
    const char *title;
    const char *body; /* Markdown */
    int64_t position;
    enum ah_level level; /* required while at this level, before promotion */
    int64_t created_at;
    int64_t updated_at;
    int64_t retired_at; /* 0: live */
};

struct ah_completion {
    int64_t person_id;
    int64_t module_id;
    int64_t completed_at;
};

struct ah_pairing {
    int64_t id;
    int64_t pro_id;
    int64_t member_id;
    int64_t started_at;
    int64_t minutes;
    const char *notes;
    int64_t work_session_id;
    int64_t created_at;
};

struct ah_macro {
    int64_t id;
    int64_t owner_id;
    const char *name;
    const char *body;
    int64_t created_at;
    int64_t updated_at;
};

struct ah_audit_entry {
    int64_t id;
    int64_t at;
    int64_t actor_id; /* 0: the system or the command line */
    const char *action; /* "person.create", "ticket.reassign", ... */
    const char *target; /* "person:12", "ticket:40" */
    const char *before; /* JSON or NULL */
    const char *after;  /* JSON or NULL */
};

#define AH_STATUS_MASK(s) (1u << (s))

struct ah_ticket_filter {
    unsigned status_mask;   /* 0: any */
    int max_tier;           /* visibility: 1 for members, 2 for pros */
    int tier;               /* 0: any */
    int64_t assignee_id;    /* 0: any; -1: unassigned */
    struct ah_str tag;      /* null: any */
    struct ah_str query;    /* null: no text search; else an FTS5 query of quoted terms */
    int64_t before_id;      /* cursor: ids below this; 0: from the newest */
    int limit;
};

/* The queue order is (due_at, id): the nearest SLA deadline first. */
struct ah_queue_filter {
    int max_tier;
    int64_t person_id;  /* tickets this person skipped are left out */
    int64_t exclude_id; /* a ticket to pass over this time; 0: none */
    int64_t after_due;  /* cursor for lists: (due, id) after these; id 0: from the top */
    int64_t after_id;
    int64_t young_after; /* the reserve: tier-1 tickets created after this are left out; 0: none */
    int limit;
};

/* ---- email ---- */

/* A customer message that came by mail: who sent it, and what of it was
 * folded away (quoted history, signature). */
struct ah_mail_in_row {
    int64_t message_id;
    int64_t ticket_id;       /* filled by mail_in_list */
    const char *msgid;       /* its Message-ID, without <> */
    const char *sender;      /* the From address, lower case */
    const char *sender_name;
    const char *quoted;      /* "" if nothing was folded */
    bool new_ticket;         /* it opened its ticket */
    int64_t created_at;
};

/* Someone besides the requester on a ticket's mail (a Cc who wrote in). */
struct ah_participant {
    int64_t ticket_id;
    const char *email;       /* lower case */
    const char *name;
    int64_t added_at;
};

/* A file that came with a message; its bytes are on disk under sha256. */
struct ah_attachment {
    int64_t id;
    int64_t message_id;
    int64_t ticket_id;       /* filled by attachment_get and attachment_list */
    const char *sha256;      /* 64 lower-case hex digits */
    const char *name;
    const char *type;
    int64_t size;
    const char *content_id;  /* "" if none */
    bool is_inline;
    int64_t created_at;
};

enum ah_mail_kind { AH_MAIL_REPLY, AH_MAIL_ACK, AH_MAIL_DIGEST };

/* A message on its way out by SMTP: composed when the reply was committed,
 * sent by the background worker. */
struct ah_mail_out {
    int64_t id;
    int64_t ticket_id;       /* 0: about no ticket (the weekly digest) */
    int64_t message_id;      /* the reply it carries; 0 for an acknowledgement */
    enum ah_mail_kind kind;
    const char *msgid;       /* its Message-ID, without <> */
    const char *mail_from;   /* envelope sender */
    const char *rcpt;        /* envelope recipients, space-separated */
    const char *data;        /* the whole message (mail_out_list leaves it "") */
    int64_t created_at;
    int64_t attempts;        /* made so far (claim counts the one it starts) */
    int64_t next_at;
    int64_t sent_at;         /* 0: not sent */
    int64_t failed_at;       /* 0: not given up on */
    const char *last_error;  /* "" if none */
};

/* ---- repeated questions and the fixes linked to them ---- */

enum ah_qgroup_status { AH_QGROUP_OPEN, AH_QGROUP_NOT_PRODUCT, AH_QGROUP_MERGED };
enum ah_fix_state { AH_FIX_OPEN, AH_FIX_SHIPPED };

/* A product fix for one or more groups: an issue in the tracker, its owner. */
struct ah_fix {
    int64_t id;
    const char *title;
    const char *url;        /* "" if none */
    int64_t owner_id;
    const char *owner_name; /* filled by reads */
    enum ah_fix_state state;
    int64_t shipped_at;     /* 0: not shipped */
    int64_t created_by;     /* 0: the system */
    int64_t created_at;
    int64_t updated_at;
};

/* Tickets asking the same question. centroid is the sum of its tickets'
 * weighted term vectors, cut to its heaviest terms, in core/textvec's
 * encoding: the store keeps it as text and never reads it. */
struct ah_qgroup {
    int64_t id;
    const char *name;
    bool named;             /* a person named it: suggestions leave it alone */
    enum ah_qgroup_status status;
    int64_t merged_into;    /* 0: not merged */
    int64_t fix_id;         /* 0: none */
    int64_t size;           /* tickets in it now */
    int64_t after_fix;      /* tickets that joined after its fix shipped */
    const char *centroid;
    int64_t first_at;       /* its first and newest ticket's arrival */
    int64_t last_at;
    int64_t created_at;
    int64_t updated_at;
    struct ah_fix fix;      /* filled by reads from fixes; fix.id 0: none */
};

struct ah_qgroup_filter {
    int status;             /* -1: every group not merged; else that status */
    int64_t owner_id;       /* 0: any; else groups whose fix this person owns */
    int64_t fix_id;         /* 0: any; else groups linked to this fix */
    int limit;
    int offset;
};
/* Lists are biggest first, then oldest id. */

/* A ticket's place in a group. */
struct ah_qgroup_ticket {
    int64_t ticket_id;
    int64_t group_id;
    double score;           /* its similarity to the group when it joined */
    bool after_fix;         /* it joined after the group's fix shipped */
    int64_t joined_at;      /* the ticket's arrival */
    int64_t moved_by;       /* 0: placed by the grouper; else the person who moved it */
};

/* A group's ticket, for lists. */
struct ah_qgroup_member {
    int64_t ticket_id;
    const char *subject;
    enum ah_status status;
    int tier;
    int64_t created_at;
    double score;
    bool after_fix;
};

struct ah_qgroup_member_filter {
    bool open_only;         /* status new, open or pending */
    int max_tier;           /* only tickets of this tier or below */
    int64_t exclude_id;     /* 0: none */
    int64_t before_id;      /* 0: from the newest; lists are newest first */
    int limit;
};

/* A ticket still to group: its subject and its first customer message's
 * body, cut to AH_QGROUP_TEXT_MAX characters. */
#define AH_QGROUP_TEXT_MAX 4000
struct ah_qgroup_input {
    int64_t ticket_id;
    const char *subject;
    const char *body;
    int64_t created_at;
};

/* One entry of the inverted index: term in group's top terms with weight. */
struct ah_qgroup_posting {
    int64_t term;
    int64_t group_id;
    double weight;
};

struct ah_qgroup_week {
    int64_t group_id;
    int64_t week_day;       /* the first day of the organization's week */
    int64_t n;
};

/* Someone of the company who replied on a group's tickets. */
struct ah_qgroup_answerer {
    int64_t person_id;
    const char *name;
    const char *department;
    bool leader;
    int64_t tickets;        /* the group's tickets they replied on */
};

/* ---- internal escalations, route-backs, launch heads-ups, kudos ---- */

/* A ticket in brief, for the lists that point at tickets. */
struct ah_ticket_brief {
    int64_t id;
    const char *subject;
    enum ah_status status;
    enum ah_priority priority;
    int tier;
    int64_t created_at;
};

/* An internal escalation: a customer's message a colleague brought in
 * (a founder's forwarded mail, a DM, a sales "urgent"), now a ticket. */
struct ah_intake {
    int64_t id;
    int64_t ticket_id;
    int64_t filer_id;
    const char *filer_name;   /* filled by reads */
    const char *channel;      /* "email", "chat", "phone", "meeting", "social", "other" */
    const char *why;          /* the filer's note: why it matters; "" if none */
    int64_t created_at;
    int64_t told_at;          /* the filer was told it was solved; 0: not yet */
    struct ah_ticket_brief ticket; /* filled by reads */
};

/* Escalations a filer brought in [from, to), and how many of them support
 * made urgent (the ticket's priority now). */
struct ah_intake_count {
    int64_t filer_id;
    const char *name;
    const char *department;
    int64_t filed;
    int64_t urgent;
};

enum ah_route_cause { AH_CAUSE_PROMISE, AH_CAUSE_CHANGE };

/* A ticket caused by a person's promise or change: they may write the
 * follow-up, which support reviews before it is sent. */
struct ah_route_back {
    int64_t id;
    int64_t ticket_id;
    int64_t person_id;
    const char *person_name;  /* filled by reads */
    const char *department;   /* filled by reads: the person's */
    enum ah_route_cause cause;
    const char *reason;
    int64_t marked_by;
    int64_t created_at;
};

/* Route-backs marked in [from, to) by the routed person's department. */
struct ah_route_back_count {
    const char *department;
    int64_t promises;
    int64_t changes;
};

enum ah_readiness { AH_READY_UNJUDGED, AH_READY_YES, AH_READY_NO };

/* A launch heads-up: a team's upcoming change and what it may cost support. */
struct ah_launch {
    int64_t id;
    const char *title;
    int64_t launch_day;       /* days since 1970-01-01 */
    const char *changes;
    const char *impact;
    const char *tags;         /* space-separated, sorted, unique */
    int64_t created_by;
    const char *creator_name; /* filled by reads */
    enum ah_readiness readiness;
    const char *missing;      /* space-separated: saved_reply help_article training */
    const char *readiness_note;
    int64_t judged_by;        /* 0: not judged */
    int64_t judged_at;
    int64_t created_at;
    int64_t updated_at;
};

/* Praise for one reply: from a colleague, or a customer's thanks a pro
 * turned into kudos (from_customer; giver is the pro). */
struct ah_kudos {
    int64_t id;
    int64_t message_id;
    int64_t ticket_id;
    int64_t person_id;        /* who wrote the reply */
    const char *person_name;  /* filled by reads */
    int64_t giver_id;
    const char *giver_name;   /* filled by reads */
    bool from_customer;
    const char *text;
    const char *quote;        /* the reply, as it was, cut */
    const char *subject;      /* filled by reads: the ticket's */
    int64_t created_at;
};

/* ---- the weekly digest ---- */

/* A ticket first answered, or solved, in a span: response and resolution
 * times, and their deadlines. */
struct ah_digest_timing {
    int64_t ticket_id;
    int tier;
    int64_t created_at;
    int64_t at;             /* its first response (digest_responses), its solution (digest_solved) */
    int64_t due_at;         /* the deadline for that: due_at, resolve_due_at */
    const char *department; /* its assignee's (who answered it holds it); "" none */
};

/* Open tickets (new, open, pending) by tier (1, 2) and age at a moment:
 * under a day, one to three days, three to seven, seven and more. */
#define AH_BACKLOG_AGES 4
struct ah_digest_backlog {
    int64_t tickets[2][AH_BACKLOG_AGES];
};

/* Deadlines that fell in a span, and how many were missed (met late, or
 * still not met at the span's end or now, whichever is first). */
struct ah_digest_breaches {
    int64_t first_due, first_missed;
    int64_t resolve_due, resolve_missed;
};

/* Review decisions in a span: approved as written, approved edited, returned. */
struct ah_review_outcomes {
    int64_t approved, edited, returned;
};

/* Tickets that joined a group after its fix shipped, in a span. */
struct ah_after_fix_count {
    int64_t group_id;
    int64_t tickets;
};

struct ah_digest_subscriber {
    int64_t person_id;
    const char *email;
    const char *name;
};

/* ---- copying a whole company between databases (`allhands copy`) ----
 * Every table a company lives in, described once for both backends: its
 * copied columns (not the derived ones: PostgreSQL's generated tsvectors,
 * SQLite's full-text index), key columns first. Rows move as arrays of
 * ncols nullable NUL-terminated texts, numbers in decimal, so that both
 * backends read and write the same values. */
#define AH_STORE_MAX_COLS 24

struct ah_store_column {
    const char *name;
    bool integer; /* else text */
};

struct ah_store_table {
    const char *name;
    const struct ah_store_column *cols;
    int ncols;
    int nkey;      /* the first nkey columns order the rows: the primary key */
    bool unique;   /* the key is unique (read by key); else read by position */
    bool identity; /* cols[0] is an id numbered by the database */
    int self_ref;  /* a column naming another row of the table by id, or -1 */
};

/* In foreign-key order: a table refers only to those before it. */
extern const struct ah_store_table ah_store_tables[];
extern const size_t ah_store_ntables;

struct ah_store;

struct ah_store_ops {
    const char *name;
    void (*close)(struct ah_store *s);
    enum ah_err (*begin)(struct ah_store *s, struct ah_error *err);
    enum ah_err (*commit)(struct ah_store *s, struct ah_error *err);
    void (*rollback)(struct ah_store *s);
    enum ah_err (*migrate)(struct ah_store *s, int *from, int *to, struct ah_error *err);
    enum ah_err (*ping)(struct ah_store *s, struct ah_error *err);

    enum ah_err (*person_insert)(struct ah_store *s, struct ah_person *p, const char *pwhash,
                                 struct ah_error *err);
    enum ah_err (*person_update)(struct ah_store *s, const struct ah_person *p,
                                 struct ah_error *err);
    enum ah_err (*person_set_password)(struct ah_store *s, int64_t id, const char *pwhash,
                                       struct ah_error *err);
    enum ah_err (*person_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                              struct ah_person *out, struct ah_error *err);
    enum ah_err (*person_get_by_email)(struct ah_store *s, struct ah_str email,
                                       struct ah_arena *a, struct ah_person *out,
                                       const char **pwhash, struct ah_error *err);
    enum ah_err (*person_list)(struct ah_store *s, int64_t after_id, int limit,
                               struct ah_arena *a, struct ah_person **items, size_t *n,
                               struct ah_error *err);
    enum ah_err (*person_count)(struct ah_store *s, int64_t *n, struct ah_error *err);

    enum ah_err (*cred_insert)(struct ah_store *s, struct ah_credential *c, const char *hash,
                               struct ah_error *err);
    enum ah_err (*cred_lookup)(struct ah_store *s, const char *hash, struct ah_arena *a,
                               struct ah_credential *c, struct ah_person *p,
                               struct ah_error *err);
    enum ah_err (*cred_touch)(struct ah_store *s, int64_t id, int64_t now, int64_t expires_at,
                              struct ah_error *err);
    enum ah_err (*cred_delete)(struct ah_store *s, int64_t id, int64_t person_id,
                               struct ah_error *err);
    enum ah_err (*cred_list)(struct ah_store *s, int64_t person_id, enum ah_cred_kind kind,
                             struct ah_arena *a, struct ah_credential **items, size_t *n,
                             struct ah_error *err);
    /* Deletes expired sessions and login failures older than an hour. */
    enum ah_err (*cred_purge)(struct ah_store *s, int64_t now, struct ah_error *err);
    /* Failed logins from client at or after since. */
    enum ah_err (*login_failures)(struct ah_store *s, const char *client, int64_t since,
                                  int64_t *n, struct ah_error *err);
    enum ah_err (*login_failure_add)(struct ah_store *s, const char *client, int64_t now,
                                     struct ah_error *err);

    /* The customer with email, created if new; *name (in a) is the name on
     * record, which a new name does not overwrite. */
    enum ah_err (*customer_upsert)(struct ah_store *s, struct ah_str email, struct ah_str name,
                                   int64_t now, struct ah_arena *a, int64_t *id,
                                   const char **stored_name, struct ah_error *err);

    enum ah_err (*ticket_insert)(struct ah_store *s, struct ah_ticket *t, struct ah_error *err);
    enum ah_err (*ticket_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                              struct ah_ticket *out, struct ah_error *err);
    enum ah_err (*ticket_list)(struct ah_store *s, const struct ah_ticket_filter *f,
                               struct ah_arena *a, struct ah_ticket **items, size_t *n,
                               struct ah_error *err);
    /* Writes status, priority, tier, assignee, claim, due times, first response and
     * updated_at; not the tags. */
    enum ah_err (*ticket_update)(struct ah_store *s, const struct ah_ticket *t,
                                 struct ah_error *err);
    /* Replaces the ticket's tags ("a b c"). */
    enum ah_err (*ticket_set_tags)(struct ah_store *s, int64_t id, const char *tags,
                                   struct ah_error *err);

    /* Inserts m (sets m->id) and counts it on its ticket. */
    enum ah_err (*message_insert)(struct ah_store *s, struct ah_message *m, struct ah_error *err);
    /* Messages of a ticket with id > after_id, oldest first. */
    enum ah_err (*message_list)(struct ah_store *s, int64_t ticket_id, int64_t after_id,
                                int limit, struct ah_arena *a, struct ah_message **items,
                                size_t *n, struct ah_error *err);

    /* Returns every claim whose lease ended before now to the queue. */
    enum ah_err (*queue_expire)(struct ah_store *s, int64_t now, int64_t *returned,
                                struct ah_error *err);
    /* The ticket person holds through "next" (claim_until > now), or NOT_FOUND. */
    enum ah_err (*queue_held)(struct ah_store *s, int64_t person_id, int64_t now, int64_t *id,
                              struct ah_error *err);
    /* Picks the most urgent ticket that f allows and claims it for f->person_id
     * until the given time, atomically: NOT_FOUND when there is none. */
    enum ah_err (*queue_claim_next)(struct ah_store *s, const struct ah_queue_filter *f,
                                    int64_t until, int64_t now, int64_t *id,
                                    struct ah_error *err);
    enum ah_err (*queue_list)(struct ah_store *s, const struct ah_queue_filter *f,
                              struct ah_arena *a, struct ah_ticket **items, size_t *n,
                              struct ah_error *err);
    /* Returns ticket id to the queue: no assignee, no claim. */
    enum ah_err (*queue_unclaim)(struct ah_store *s, int64_t id, int64_t now,
                                 struct ah_error *err);
    /* Extends the lease of what person holds. */
    enum ah_err (*queue_renew)(struct ah_store *s, int64_t person_id, int64_t now,
                               int64_t until, struct ah_error *err);
    enum ah_err (*queue_skip)(struct ah_store *s, int64_t ticket_id, int64_t person_id,
                              struct ah_str reason, int64_t now, struct ah_error *err);

    enum ah_err (*policy_get)(struct ah_store *s, struct ah_arena *a, struct ah_policy *out,
                              struct ah_error *err);
    enum ah_err (*policy_put)(struct ah_store *s, const struct ah_policy *p,
                              struct ah_error *err);

    enum ah_err (*exemption_insert)(struct ah_store *s, struct ah_exemption *e,
                                    struct ah_error *err);
    enum ah_err (*exemption_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                                 struct ah_exemption *out, struct ah_error *err);
    /* Ends exemption id early: its last day becomes ends_on. */
    enum ah_err (*exemption_end)(struct ah_store *s, int64_t id, int64_t ends_on,
                                 int64_t ended_at, int64_t ended_by, struct ah_error *err);
    /* Exemptions of person_id (0: everyone's) with a day in [from_day, to_day],
     * by person then start. */
    enum ah_err (*exemption_list)(struct ah_store *s, int64_t person_id, int64_t from_day,
                                  int64_t to_day, struct ah_arena *a,
                                  struct ah_exemption **items, size_t *n,
                                  struct ah_error *err);

    /* Inserts w (sets w->id). A session with ended_at 0 is the person's open
     * one: AH_E_CONFLICT if they have one already. */
    enum ah_err (*work_insert)(struct ah_store *s, struct ah_work_session *w,
                               struct ah_error *err);
    enum ah_err (*work_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                            struct ah_work_session *out, struct ah_error *err);
    /* The person's open session, or NOT_FOUND. */
    enum ah_err (*work_current)(struct ah_store *s, int64_t person_id, struct ah_arena *a,
                                struct ah_work_session *out, struct ah_error *err);
    /* Writes started_at, last_active_at, ended_at and note. */
    enum ah_err (*work_update)(struct ah_store *s, const struct ah_work_session *w,
                               struct ah_error *err);
    /* Ends every open session idle since before `before` at its last activity. */
    enum ah_err (*work_close_idle)(struct ah_store *s, int64_t before, int64_t *closed,
                                   struct ah_error *err);
    /* Sessions of person_id (0: everyone's) that overlap [from, to), by start. */
    enum ah_err (*work_list)(struct ah_store *s, int64_t person_id, int64_t from, int64_t to,
                             int limit, struct ah_arena *a, struct ah_work_session **items,
                             size_t *n, struct ah_error *err);

    /* Everyone's sessions overlapping [from, to), as person_id, started_at
     * and last_active_at only (the rest left 0), by start: reports. */
    enum ah_err (*work_spans)(struct ah_store *s, int64_t from, int64_t to, int limit,
                              struct ah_arena *a, struct ah_work_session **items, size_t *n,
                              struct ah_error *err);

    enum ah_err (*block_insert)(struct ah_store *s, struct ah_block *b, struct ah_error *err);
    enum ah_err (*block_get)(struct ah_store *s, int64_t id, struct ah_block *out,
                             struct ah_error *err);
    enum ah_err (*block_update)(struct ah_store *s, const struct ah_block *b,
                                struct ah_error *err);
    enum ah_err (*block_delete)(struct ah_store *s, int64_t id, struct ah_error *err);
    /* Blocks of person_id (0: everyone's) that overlap [from, to), by start. */
    enum ah_err (*block_list)(struct ah_store *s, int64_t person_id, int64_t from, int64_t to,
                              int limit, struct ah_arena *a, struct ah_block **items,
                              size_t *n, struct ah_error *err);

    /* AH_E_CONFLICT if booked already. */
    enum ah_err (*support_week_add)(struct ah_store *s, const struct ah_support_week *w,
                                    struct ah_error *err);
    /* NOT_FOUND if it was not booked. */
    enum ah_err (*support_week_remove)(struct ah_store *s, int64_t person_id, int64_t week_day,
                                       struct ah_error *err);
    /* Support weeks of person_id (0: everyone's) starting in [from_day, to_day],
     * by person then week. */
    enum ah_err (*support_week_list)(struct ah_store *s, int64_t person_id, int64_t from_day,
                                     int64_t to_day, struct ah_arena *a,
                                     struct ah_support_week **items, size_t *n,
                                     struct ah_error *err);

    /* Replies and tickets person_id wrote on in [from, to). */
    enum ah_err (*activity)(struct ah_store *s, int64_t person_id, int64_t from, int64_t to,
                            struct ah_activity *out, struct ah_error *err);

    /* Writes (or rewrites) the rows of a closed week. */
    enum ah_err (*compliance_put)(struct ah_store *s, const struct ah_compliance_row *rows,
                                  size_t n, struct ah_error *err);
    enum ah_err (*compliance_get)(struct ah_store *s, int64_t week_day, struct ah_arena *a,
                                  struct ah_compliance_row **items, size_t *n,
                                  struct ah_error *err);
    /* Records that the ladder runs for week_day; *claimed is false when it
     * already has (inside the transaction that does the run). */
    enum ah_err (*ladder_claim)(struct ah_store *s, int64_t week_day, int64_t now,
                                bool *claimed, struct ah_error *err);
    /* Inserts n unless its (person, kind, subject, week) is there already:
     * *inserted says which. */
    enum ah_err (*notification_insert)(struct ah_store *s, struct ah_notification *n,
                                       bool *inserted, struct ah_error *err);
    /* person_id's notifications below before_id (0: the newest), newest first. */
    enum ah_err (*notification_list)(struct ah_store *s, int64_t person_id, int64_t before_id,
                                     int limit, struct ah_arena *a,
                                     struct ah_notification **items, size_t *n,
                                     struct ah_error *err);
    /* Marks notification id of person_id read; NOT_FOUND if it is not theirs. */
    enum ah_err (*notification_read)(struct ah_store *s, int64_t id, int64_t person_id,
                                     int64_t at, struct ah_error *err);
    enum ah_err (*webhook_insert)(struct ah_store *s, struct ah_webhook *w,
                                  struct ah_error *err);
    /* The active webhooks, each with its count of undelivered events. */
    enum ah_err (*webhook_list)(struct ah_store *s, struct ah_arena *a, struct ah_webhook **items,
                                size_t *n, struct ah_error *err);
    /* Stops sending to webhook id (its undelivered events stay, unsent);
     * NOT_FOUND if there is no such active webhook. */
    enum ah_err (*webhook_disable)(struct ah_store *s, int64_t id, struct ah_error *err);
    /* Queues event (JSON body) for every active webhook. */
    enum ah_err (*outbox_add)(struct ah_store *s, const char *event, const char *body,
                              int64_t now, struct ah_error *err);
    /* Takes up to limit events due by now for delivery: each is not due
     * again before until (if its sender dies, another sends it then), and
     * its attempt is counted. Two servers never take the same one at once. */
    enum ah_err (*outbox_claim)(struct ah_store *s, int64_t now, int64_t until, int limit,
                                struct ah_arena *a, struct ah_outbox_item **items, size_t *n,
                                struct ah_error *err);
    /* After an attempt: delivered at delivered_at, or (0) due again at next_at
     * with error. */
    enum ah_err (*outbox_settle)(struct ah_store *s, int64_t id, int64_t delivered_at,
                                 int64_t next_at, const char *error, struct ah_error *err);
    /* Messages people wrote in [from, to). */
    enum ah_err (*authored_list)(struct ah_store *s, int64_t from, int64_t to, int limit,
                                 struct ah_arena *a, struct ah_authored **items, size_t *n,
                                 struct ah_error *err);

    /* ---- deference ---- */
    /* The version of rule set name ("routing", "style"): it moves with
     * every change, so a server knows when to recompile. */
    enum ah_err (*rules_version)(struct ah_store *s, const char *name, int64_t *version,
                                 struct ah_error *err);
    enum ah_err (*rules_bump)(struct ah_store *s, const char *name, struct ah_error *err);

    /* Routing rules by position then id. */
    enum ah_err (*route_rule_list)(struct ah_store *s, struct ah_arena *a,
                                   struct ah_route_rule **items, size_t *n,
                                   struct ah_error *err);
    enum ah_err (*route_rule_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                                  struct ah_route_rule *out, struct ah_error *err);
    /* Inserts r (sets r->id). */
    enum ah_err (*route_rule_insert)(struct ah_store *s, struct ah_route_rule *r,
                                     struct ah_error *err);
    /* Writes every field but id and created_at; NOT_FOUND if there is none. */
    enum ah_err (*route_rule_update)(struct ah_store *s, const struct ah_route_rule *r,
                                     struct ah_error *err);
    enum ah_err (*route_rule_delete)(struct ah_store *s, int64_t id, struct ah_error *err);

    /* Style rules by id; deleted ones only when with_deleted. */
    enum ah_err (*style_rule_list)(struct ah_store *s, bool with_deleted, struct ah_arena *a,
                                   struct ah_style_rule **items, size_t *n,
                                   struct ah_error *err);
    enum ah_err (*style_rule_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                                  struct ah_style_rule *out, struct ah_error *err);
    /* Inserts r (sets r->id); AH_E_CONFLICT when a live rule has its name. */
    enum ah_err (*style_rule_insert)(struct ah_store *s, struct ah_style_rule *r,
                                     struct ah_error *err);
    /* Writes every field but id and created_at (deleted_at too);
     * AH_E_CONFLICT for a name taken, NOT_FOUND for no such rule. */
    enum ah_err (*style_rule_update)(struct ah_store *s, const struct ah_style_rule *r,
                                     struct ah_error *err);
    /* Adds hits and overrides to (rule, person, day). */
    enum ah_err (*style_hits_add)(struct ah_store *s, int64_t rule_id, int64_t person_id,
                                  int64_t day, int64_t hits, int64_t overrides,
                                  struct ah_error *err);
    /* Hits summed per (rule, person) over days [from_day, to_day], by rule then person. */
    enum ah_err (*style_hits_sum)(struct ah_store *s, int64_t from_day, int64_t to_day,
                                  struct ah_arena *a, struct ah_style_hit_row **items,
                                  size_t *n, struct ah_error *err);

    /* Inserts r (sets r->id). */
    enum ah_err (*review_insert)(struct ah_store *s, struct ah_review *r, struct ah_error *err);
    enum ah_err (*review_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                              struct ah_review *out, struct ah_error *err);
    /* Writes status, reviewer, final body, comment, message and decided_at. */
    enum ah_err (*review_update)(struct ah_store *s, const struct ah_review *r,
                                 struct ah_error *err);
    enum ah_err (*review_list)(struct ah_store *s, const struct ah_review_filter *f,
                               struct ah_arena *a, struct ah_review **items, size_t *n,
                               struct ah_error *err);
    /* Per author with at least one review row; author_id 0: every author. */
    enum ah_err (*review_stats)(struct ah_store *s, int64_t author_id, struct ah_arena *a,
                                struct ah_review_stats **items, size_t *n,
                                struct ah_error *err);
    /* person_id's review work in [from, to): decisions given (by decided_at),
     * their replies held (by created_at), approved and returned (by decided_at). */
    enum ah_err (*review_counts)(struct ah_store *s, int64_t person_id, int64_t from,
                                 int64_t to, struct ah_review_counts *out,
                                 struct ah_error *err);

    enum ah_err (*escalation_insert)(struct ah_store *s, struct ah_escalation *e,
                                     struct ah_error *err);
    /* Escalations per person in [from, to), by person; person_id 0: everyone. */
    enum ah_err (*escalation_counts)(struct ah_store *s, int64_t person_id, int64_t from,
                                     int64_t to, struct ah_arena *a,
                                     struct ah_person_count **items, size_t *n,
                                     struct ah_error *err);

    /* Modules by position then id; retired ones only when with_retired. */
    enum ah_err (*module_list)(struct ah_store *s, bool with_retired, struct ah_arena *a,
                               struct ah_module **items, size_t *n, struct ah_error *err);
    enum ah_err (*module_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                              struct ah_module *out, struct ah_error *err);
    enum ah_err (*module_insert)(struct ah_store *s, struct ah_module *m, struct ah_error *err);
    /* Writes title, body, position, level, updated_at and retired_at. */
    enum ah_err (*module_update)(struct ah_store *s, const struct ah_module *m,
                                 struct ah_error *err);
    /* Records that person completed module at; *inserted false when done already. */
    enum ah_err (*completion_add)(struct ah_store *s, const struct ah_completion *c,
                                  bool *inserted, struct ah_error *err);
    /* person_id's completions (0: everyone's), by person then module. */
    enum ah_err (*completion_list)(struct ah_store *s, int64_t person_id, struct ah_arena *a,
                                   struct ah_completion **items, size_t *n,
                                   struct ah_error *err);

    enum ah_err (*pairing_insert)(struct ah_store *s, struct ah_pairing *p,
                                  struct ah_error *err);
    /* Pairings where person_id is the member or the pro (0: all) started in
     * [from, to), by start. */
    enum ah_err (*pairing_list)(struct ah_store *s, int64_t person_id, int64_t from, int64_t to,
                                int limit, struct ah_arena *a, struct ah_pairing **items,
                                size_t *n, struct ah_error *err);

    /* Macros by name then id. */
    enum ah_err (*macro_list)(struct ah_store *s, struct ah_arena *a, struct ah_macro **items,
                              size_t *n, struct ah_error *err);
    enum ah_err (*macro_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                             struct ah_macro *out, struct ah_error *err);
    enum ah_err (*macro_insert)(struct ah_store *s, struct ah_macro *m, struct ah_error *err);
    /* Writes name, body and updated_at. */
    enum ah_err (*macro_update)(struct ah_store *s, const struct ah_macro *m,
                                struct ah_error *err);
    enum ah_err (*macro_delete)(struct ah_store *s, int64_t id, struct ah_error *err);

    /* ---- email ---- */
    /* The ticket and message a Message-ID (without <>) belongs to:
     * received or sent by allhands. NOT_FOUND if unknown. */
    enum ah_err (*mail_id_get)(struct ah_store *s, const char *msgid, int64_t *ticket_id,
                               int64_t *message_id, struct ah_error *err);
    /* Records msgid (message_id 0: none, e.g. an acknowledgement); *inserted
     * false when it is known already (nothing changes then). */
    enum ah_err (*mail_id_insert)(struct ah_store *s, const char *msgid, int64_t ticket_id,
                                  int64_t message_id, bool sent, int64_t now, bool *inserted,
                                  struct ah_error *err);
    /* AH_E_CONFLICT when r->message_id has its row already. */
    enum ah_err (*mail_in_insert)(struct ah_store *s, const struct ah_mail_in_row *r,
                                  struct ah_error *err);
    /* Mail from sender (lower case) received at or after since, and how many
     * of those opened a ticket. */
    enum ah_err (*mail_in_count)(struct ah_store *s, const char *sender, int64_t since,
                                 int64_t *messages, int64_t *new_tickets, struct ah_error *err);
    /* The mail rows of ticket_id's messages, by message. */
    enum ah_err (*mail_in_list)(struct ah_store *s, int64_t ticket_id, struct ah_arena *a,
                                struct ah_mail_in_row **items, size_t *n, struct ah_error *err);
    /* *inserted false when email is on the ticket already. */
    enum ah_err (*participant_add)(struct ah_store *s, const struct ah_participant *p,
                                   bool *inserted, struct ah_error *err);
    /* By added_at then email. */
    enum ah_err (*participant_list)(struct ah_store *s, int64_t ticket_id, struct ah_arena *a,
                                    struct ah_participant **items, size_t *n,
                                    struct ah_error *err);
    /* Inserts a (sets a->id). */
    enum ah_err (*attachment_insert)(struct ah_store *s, struct ah_attachment *a,
                                     struct ah_error *err);
    enum ah_err (*attachment_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                                  struct ah_attachment *out, struct ah_error *err);
    /* The attachments of ticket_id's messages, by message then id. */
    enum ah_err (*attachment_list)(struct ah_store *s, int64_t ticket_id, struct ah_arena *a,
                                   struct ah_attachment **items, size_t *n,
                                   struct ah_error *err);
    /* Inserts m (sets m->id); due at m->next_at. */
    enum ah_err (*mail_out_insert)(struct ah_store *s, struct ah_mail_out *m,
                                   struct ah_error *err);
    /* Takes up to limit messages due by now, neither sent nor failed, oldest
     * due first: each is not due again before until (if its sender dies,
     * another sends it then) and its attempt is counted. Two servers never
     * take the same one at once. */
    enum ah_err (*mail_out_claim)(struct ah_store *s, int64_t now, int64_t until, int limit,
                                  struct ah_arena *a, struct ah_mail_out **items, size_t *n,
                                  struct ah_error *err);
    /* After an attempt: sent at sent_at; or given up at failed_at with error;
     * or (both 0) due again at next_at with error. A message sent or given
     * up on already stays as it is (a late settle never undoes one). */
    enum ah_err (*mail_out_settle)(struct ah_store *s, int64_t id, int64_t sent_at,
                                   int64_t failed_at, int64_t next_at, const char *error,
                                   struct ah_error *err);
    /* ticket_id's outgoing mail without its data, by id. */
    enum ah_err (*mail_out_list)(struct ah_store *s, int64_t ticket_id, struct ah_arena *a,
                                 struct ah_mail_out **items, size_t *n, struct ah_error *err);
    /* Messages still to send, and those given up on. */
    enum ah_err (*mail_out_counts)(struct ah_store *s, int64_t *pending, int64_t *failed,
                                   struct ah_error *err);

    /* ---- repeated questions (one grouper at a time; see ah_groups_run) ---- */
    /* Inside a transaction: *got is true when this connection may change
     * groups now (PostgreSQL: an advisory lock of its own held to the end of
     * the transaction, waited for when wait, else tried; SQLite: always, the
     * write lock serializes); then *upto is the last ticket id grouped and
     * *docs the tickets counted in terms. Every change to groups' centroids
     * (the grouper, merging, moving a ticket) takes this turn first. */
    enum ah_err (*group_turn)(struct ah_store *s, bool wait, bool *got, int64_t *upto,
                              int64_t *docs, struct ah_error *err);
    enum ah_err (*group_turn_end)(struct ah_store *s, int64_t upto, int64_t docs,
                                  struct ah_error *err);
    /* Tickets after after_id not grouped yet, in id order, at most limit. */
    enum ah_err (*group_pending)(struct ah_store *s, int64_t after_id, int limit,
                                 struct ah_arena *a, struct ah_qgroup_input **items, size_t *n,
                                 struct ah_error *err);
    /* df[i]: the document frequency of terms[i], 0 when unknown. */
    enum ah_err (*term_df)(struct ah_store *s, const int64_t *terms, size_t n, int64_t *df,
                           struct ah_error *err);
    /* Adds one to each term's df (terms distinct); words[i] becomes its
     * readable word when not NULL. */
    enum ah_err (*term_add)(struct ah_store *s, const int64_t *terms, const char *const *words,
                            size_t n, struct ah_error *err);
    /* The readable word of each term ("" when unknown). */
    enum ah_err (*term_words)(struct ah_store *s, const int64_t *terms, size_t n,
                              struct ah_arena *a, const char **words, struct ah_error *err);
    /* For each of terms, its per_term heaviest postings. */
    enum ah_err (*group_postings)(struct ah_store *s, const int64_t *terms, size_t n,
                                  int per_term, struct ah_arena *a,
                                  struct ah_qgroup_posting **items, size_t *nitems,
                                  struct ah_error *err);
    /* Replaces group_id's postings with these n. */
    enum ah_err (*group_terms_put)(struct ah_store *s, int64_t group_id, const int64_t *terms,
                                   const double *weights, size_t n, struct ah_error *err);
    /* out[i] is group ids[i] with its fix, out[i].id 0 when there is none. */
    enum ah_err (*group_load)(struct ah_store *s, const int64_t *ids, size_t n,
                              struct ah_arena *a, struct ah_qgroup *out, struct ah_error *err);
    enum ah_err (*group_insert)(struct ah_store *s, struct ah_qgroup *g, struct ah_error *err);
    /* Writes every stored field of g but id and created_at. */
    enum ah_err (*group_update)(struct ah_store *s, const struct ah_qgroup *g,
                                struct ah_error *err);
    enum ah_err (*group_list)(struct ah_store *s, const struct ah_qgroup_filter *f,
                              struct ah_arena *a, struct ah_qgroup **items, size_t *n,
                              struct ah_error *err);
    /* Inserts or replaces the ticket's place. */
    enum ah_err (*group_ticket_put)(struct ah_store *s, const struct ah_qgroup_ticket *t,
                                    struct ah_error *err);
    /* NOT_FOUND when the ticket is not grouped (yet). */
    enum ah_err (*group_ticket_get)(struct ah_store *s, int64_t ticket_id,
                                    struct ah_qgroup_ticket *out, struct ah_error *err);
    enum ah_err (*group_members)(struct ah_store *s, int64_t group_id,
                                 const struct ah_qgroup_member_filter *f, struct ah_arena *a,
                                 struct ah_qgroup_member **items, size_t *n,
                                 struct ah_error *err);
    /* Adds delta (may be negative) to the group's count for the week. */
    enum ah_err (*group_week_add)(struct ah_store *s, int64_t group_id, int64_t week_day,
                                  int64_t delta, struct ah_error *err);
    /* The weekly counts of groups ids in [from_day, to_day), by group then week. */
    enum ah_err (*group_weeks)(struct ah_store *s, const int64_t *ids, size_t n,
                               int64_t from_day, int64_t to_day, struct ah_arena *a,
                               struct ah_qgroup_week **items, size_t *nitems,
                               struct ah_error *err);
    /* Merging: from's tickets and weekly counts move to into; from's
     * postings are deleted. The groups' own rows are the caller's. */
    enum ah_err (*group_move_all)(struct ah_store *s, int64_t from, int64_t into,
                                  struct ah_error *err);
    /* The people who replied on the group's tickets, most tickets first. */
    enum ah_err (*group_answerers)(struct ah_store *s, int64_t group_id, struct ah_arena *a,
                                   struct ah_qgroup_answerer **items, size_t *n,
                                   struct ah_error *err);
    enum ah_err (*fix_insert)(struct ah_store *s, struct ah_fix *f, struct ah_error *err);
    enum ah_err (*fix_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                           struct ah_fix *out, struct ah_error *err);
    /* Writes title, url, owner_id, state, shipped_at, updated_at. */
    enum ah_err (*fix_update)(struct ah_store *s, const struct ah_fix *f, struct ah_error *err);
    /* Fixes of owner_id (0: everyone's), newest first. */
    enum ah_err (*fix_list)(struct ah_store *s, int64_t owner_id, struct ah_arena *a,
                            struct ah_fix **items, size_t *n, struct ah_error *err);

    /* ---- internal escalations, route-backs, launches, kudos ---- */
    enum ah_err (*intake_insert)(struct ah_store *s, struct ah_intake *i, struct ah_error *err);
    /* By id, or by its ticket when id is 0 (NOT_FOUND: none). */
    enum ah_err (*intake_get)(struct ah_store *s, int64_t id, int64_t ticket_id,
                              struct ah_arena *a, struct ah_intake *out, struct ah_error *err);
    /* filer_id's (0: everyone's) below before_id (0: the newest), newest first. */
    enum ah_err (*intake_list)(struct ah_store *s, int64_t filer_id, int64_t before_id, int limit,
                               struct ah_arena *a, struct ah_intake **items, size_t *n,
                               struct ah_error *err);
    /* Sets told_at once; *first true when this call set it. */
    enum ah_err (*intake_told)(struct ah_store *s, int64_t id, int64_t at, bool *first,
                               struct ah_error *err);
    /* Per filer, escalations created in [from, to); most first. */
    enum ah_err (*intake_counts)(struct ah_store *s, int64_t from, int64_t to,
                                 struct ah_arena *a, struct ah_intake_count **items, size_t *n,
                                 struct ah_error *err);
    enum ah_err (*route_back_insert)(struct ah_store *s, struct ah_route_back *r,
                                     struct ah_error *err);
    /* The ticket's route-backs, oldest first. */
    enum ah_err (*route_back_list)(struct ah_store *s, int64_t ticket_id, struct ah_arena *a,
                                   struct ah_route_back **items, size_t *n,
                                   struct ah_error *err);
    /* Per department of the routed person, route-backs created in [from, to). */
    enum ah_err (*route_back_counts)(struct ah_store *s, int64_t from, int64_t to,
                                     struct ah_arena *a, struct ah_route_back_count **items,
                                     size_t *n, struct ah_error *err);
    enum ah_err (*launch_insert)(struct ah_store *s, struct ah_launch *l, struct ah_error *err);
    enum ah_err (*launch_get)(struct ah_store *s, int64_t id, struct ah_arena *a,
                              struct ah_launch *out, struct ah_error *err);
    /* Writes every field but id, created_by and created_at. */
    enum ah_err (*launch_update)(struct ah_store *s, const struct ah_launch *l,
                                 struct ah_error *err);
    /* Launches whose day is in [from_day, to_day), by day then id. */
    enum ah_err (*launch_list)(struct ah_store *s, int64_t from_day, int64_t to_day,
                               struct ah_arena *a, struct ah_launch **items, size_t *n,
                               struct ah_error *err);
    /* Tickets with any of tags created in [from, to): how many, and the
     * newest limit of them. */
    enum ah_err (*tagged_tickets)(struct ah_store *s, const char *const *tags, size_t ntags,
                                  int64_t from, int64_t to, int limit, struct ah_arena *a,
                                  int64_t *total, struct ah_ticket_brief **items, size_t *n,
                                  struct ah_error *err);
    /* CONFLICT when the same giver already gave it for that reply (and source). */
    enum ah_err (*kudos_insert)(struct ah_store *s, struct ah_kudos *k, struct ah_error *err);
    /* person_id's (0: everyone's) created in [from, to) (to 0: no end), below
     * before_id (0: the newest), newest first. */
    enum ah_err (*kudos_list)(struct ah_store *s, int64_t person_id, int64_t from, int64_t to,
                              int64_t before_id, int limit, struct ah_arena *a,
                              struct ah_kudos **items, size_t *n, struct ah_error *err);

    /* ---- the weekly digest ---- */
    /* Tickets first answered in [from, to), by first response. */
    enum ah_err (*digest_responses)(struct ah_store *s, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_digest_timing **items,
                                    size_t *n, struct ah_error *err);
    /* Tickets solved in [from, to) (solved_at), by solution. */
    enum ah_err (*digest_solved)(struct ah_store *s, int64_t from, int64_t to,
                                 struct ah_arena *a, struct ah_digest_timing **items, size_t *n,
                                 struct ah_error *err);
    /* First-response deadlines (due_at) and resolution deadlines
     * (resolve_due_at) in [from, to), and the missed ones as of
     * min(to, now). */
    enum ah_err (*digest_breaches)(struct ah_store *s, int64_t from, int64_t to, int64_t now,
                                   struct ah_digest_breaches *out, struct ah_error *err);
    /* Open tickets by tier and age at now. */
    enum ah_err (*digest_backlog)(struct ah_store *s, int64_t now, struct ah_digest_backlog *out,
                                  struct ah_error *err);
    /* Reviews decided in [from, to): edited when the sent body differs from
     * the one held. */
    enum ah_err (*review_outcomes)(struct ah_store *s, int64_t from, int64_t to,
                                   struct ah_review_outcomes *out, struct ah_error *err);
    /* The groups with most tickets in the week starting week_day (not
     * merged), most first, then by id. */
    enum ah_err (*group_top_week)(struct ah_store *s, int64_t week_day, int limit,
                                  struct ah_arena *a, struct ah_qgroup_week **items, size_t *n,
                                  struct ah_error *err);
    /* Per group, tickets that joined after its fix shipped in [from, to), most first. */
    enum ah_err (*after_fix_counts)(struct ah_store *s, int64_t from, int64_t to,
                                    struct ah_arena *a, struct ah_after_fix_count **items,
                                    size_t *n, struct ah_error *err);
    /* *set false when the person never chose (then the default holds). */
    enum ah_err (*digest_subscription_get)(struct ah_store *s, int64_t person_id, bool *set,
                                           bool *subscribed, struct ah_error *err);
    enum ah_err (*digest_subscription_put)(struct ah_store *s, int64_t person_id,
                                           bool subscribed, int64_t now, struct ah_error *err);
    /* Active people who get the digest: those who subscribed, and leads
     * and leaders who did not say no; by id. */
    enum ah_err (*digest_subscribers)(struct ah_store *s, struct ah_arena *a,
                                      struct ah_digest_subscriber **items, size_t *n,
                                      struct ah_error *err);
    /* Inside a transaction: *first true when this call is the one that
     * sends week_day's digest (a row in digest_runs); recipients is counted
     * by digest_done. */
    enum ah_err (*digest_claim)(struct ah_store *s, int64_t week_day, int64_t now, bool *first,
                                struct ah_error *err);
    enum ah_err (*digest_done)(struct ah_store *s, int64_t week_day, int64_t recipients,
                               struct ah_error *err);

    /* Active members (role member) with an open work session. */
    enum ah_err (*members_clocked_in)(struct ah_store *s, int64_t *n, struct ah_error *err);

    enum ah_err (*audit_insert)(struct ah_store *s, struct ah_audit_entry *e,
                                struct ah_error *err);
    enum ah_err (*audit_list)(struct ah_store *s, int64_t before_id, int limit,
                              struct ah_arena *a, struct ah_audit_entry **items, size_t *n,
                              struct ah_error *err);

    /* Adds up to limit tickets and messages written since the last call to
     * the full-text index, in its own transaction; *more when some are left.
     * Searches see only what is indexed: call this before one. */
    enum ah_err (*text_index)(struct ah_store *s, int limit, bool *more, struct ah_error *err);
    /* Inside a transaction: *leader is true when this connection is the one
     * that does background work now, so that several servers on one database
     * do it exactly once (PostgreSQL: an advisory lock held to the end of
     * the transaction; SQLite: always, one machine serializes it anyway). */
    enum ah_err (*try_lead)(struct ah_store *s, bool *leader, struct ah_error *err);
    /* Moves written pages from the log into the database where the backend
     * has one to move (SQLite's WAL); requests never wait on it. */
    enum ah_err (*checkpoint)(struct ah_store *s, struct ah_error *err);
    /* True when the last transaction failed only because it raced another
     * (a serialization failure or a deadlock) and was rolled back: running
     * the same work again from its start can succeed. */
    bool (*should_retry)(struct ah_store *s);

    /* The schema version the database is at, without migrating: 0 for an
     * empty database. */
    enum ah_err (*schema_version)(struct ah_store *s, int *version, struct ah_error *err);
    /* The rows in table t. */
    enum ah_err (*table_count)(struct ah_store *s, const struct ah_store_table *t, int64_t *n,
                               struct ah_error *err);
    /* Up to limit rows of t in key order (text compared bytewise), as *n rows
     * of t->ncols values each in *rows (in a): when t->unique, those whose key
     * comes after the nkey values in after (NULL: from the first); else from
     * position offset on. */
    enum ah_err (*table_read)(struct ah_store *s, const struct ah_store_table *t,
                              const char *const *after, int64_t offset, int limit,
                              struct ah_arena *a, const char ***rows, size_t *n,
                              struct ah_error *err);
    /* Inserts n rows of t->ncols values each, ids as given; inside a
     * transaction. AH_E_CONFLICT if a key is taken. */
    enum ah_err (*table_write)(struct ah_store *s, const struct ah_store_table *t,
                               const char *const *rows, size_t n, struct ah_error *err);
    /* Sets column t->self_ref of the row with id pairs[2i] to pairs[2i+1],
     * for i below n: references to rows written later are set once both are
     * written (the constraint is checked at once); inside a transaction. */
    enum ah_err (*table_link)(struct ah_store *s, const struct ah_store_table *t,
                              const char *const *pairs, size_t n, struct ah_error *err);
    /* After table_write: numbers the next row of t past its highest id
     * (PostgreSQL's identity sequence; SQLite needs nothing). */
    enum ah_err (*table_sync_ids)(struct ah_store *s, const struct ah_store_table *t,
                                  struct ah_error *err);
};

struct ah_store {
    const struct ah_store_ops *ops;
};

/* Opens the database named by location (a file path: SQLite), creating the
 * file if create is set. Caller frees with ah_store_close. Does not migrate. */
enum ah_err ah_store_open(const char *location, bool create, struct ah_store **out,
                          struct ah_error *err);
/* The schema version this binary writes. */
int ah_store_schema_version(void);

/* A backup file, as ah_store_backup wrote it or ah_store_restore read it. */
struct ah_backup_info {
    int64_t bytes;      /* the file's size */
    int schema_version; /* numbered like ah_store_schema_version() */
    int64_t tickets;
    int64_t people;
};

/* Backup and restore work on the database at location as a whole, not on a
 * connection: a backend that keeps its backups with its own tools answers
 * without one. Such a backend returns AH_E_BAD_REQUEST whose message says
 * what to run instead (PostgreSQL: pg_dump, pg_restore). */

/* Copies the database at location, as it was at one moment, into the new file
 * to while servers go on reading and writing it. The copy is written beside
 * to and renamed to it only once it passed an integrity check and has the
 * database's schema version; *info describes it. AH_E_CONFLICT if to exists
 * (the message suggests a free name), AH_E_NOT_FOUND if no database is at
 * location, AH_E_INVALID if it is not an allhands database, AH_E_UNAVAILABLE
 * if it stayed locked, AH_E_INTERNAL if the copy failed or did not verify.
 * On failure no file is left at to. */
enum ah_err ah_store_backup(const char *location, const char *to, struct ah_backup_info *info,
                            struct ah_error *err);
/* Replaces the database at location (created if missing) with the backup in
 * the file from, through the database's own locking, so servers using it see
 * the restored data at their next transaction. from must pass an integrity
 * check and have a schema version from 1 to ah_store_schema_version(); the
 * database is left at that version, for the caller to migrate with
 * ah_store_migrate. *info describes from. AH_E_NOT_FOUND if from is missing,
 * AH_E_INVALID if it is not such a backup or is the database itself,
 * AH_E_CONFLICT if a database exists at location and force is not set,
 * AH_E_UNAVAILABLE if the database stayed locked: in each case nothing changed. */
enum ah_err ah_store_restore(const char *location, const char *from, bool force,
                             struct ah_backup_info *info, struct ah_error *err);

static inline void ah_store_close(struct ah_store *s)
{
    if (s)
        s->ops->close(s);
}

#define AH_STORE_CALL(name, ...) return s->ops->name(s, __VA_ARGS__)

/* The wrappers the domain calls: one per operation, same arguments. */
static inline enum ah_err ah_store_begin(struct ah_store *s, struct ah_error *err) { AH_STORE_CALL(begin, err); }
static inline enum ah_err ah_store_commit(struct ah_store *s, struct ah_error *err) { AH_STORE_CALL(commit, err); }
static inline void ah_store_rollback(struct ah_store *s) { s->ops->rollback(s); }
static inline enum ah_err ah_store_migrate(struct ah_store *s, int *from, int *to, struct ah_error *err) { AH_STORE_CALL(migrate, from, to, err); }
static inline enum ah_err ah_store_ping(struct ah_store *s, struct ah_error *err) { AH_STORE_CALL(ping, err); }
static inline enum ah_err ah_store_person_insert(struct ah_store *s, struct ah_person *p, const char *pwhash, struct ah_error *err) { AH_STORE_CALL(person_insert, p, pwhash, err); }
static inline enum ah_err ah_store_person_update(struct ah_store *s, const struct ah_person *p, struct ah_error *err) { AH_STORE_CALL(person_update, p, err); }
static inline enum ah_err ah_store_person_set_password(struct ah_store *s, int64_t id, const char *pwhash, struct ah_error *err) { AH_STORE_CALL(person_set_password, id, pwhash, err); }
static inline enum ah_err ah_store_person_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_person *out, struct ah_error *err) { AH_STORE_CALL(person_get, id, a, out, err); }
static inline enum ah_err ah_store_person_get_by_email(struct ah_store *s, struct ah_str email, struct ah_arena *a, struct ah_person *out, const char **pwhash, struct ah_error *err) { AH_STORE_CALL(person_get_by_email, email, a, out, pwhash, err); }
static inline enum ah_err ah_store_person_list(struct ah_store *s, int64_t after_id, int limit, struct ah_arena *a, struct ah_person **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(person_list, after_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_person_count(struct ah_store *s, int64_t *n, struct ah_error *err) { AH_STORE_CALL(person_count, n, err); }
static inline enum ah_err ah_store_cred_insert(struct ah_store *s, struct ah_credential *c, const char *hash, struct ah_error *err) { AH_STORE_CALL(cred_insert, c, hash, err); }
static inline enum ah_err ah_store_cred_lookup(struct ah_store *s, const char *hash, struct ah_arena *a, struct ah_credential *c, struct ah_person *p, struct ah_error *err) { AH_STORE_CALL(cred_lookup, hash, a, c, p, err); }
static inline enum ah_err ah_store_cred_touch(struct ah_store *s, int64_t id, int64_t now, int64_t expires_at, struct ah_error *err) { AH_STORE_CALL(cred_touch, id, now, expires_at, err); }
static inline enum ah_err ah_store_cred_delete(struct ah_store *s, int64_t id, int64_t person_id, struct ah_error *err) { AH_STORE_CALL(cred_delete, id, person_id, err); }
static inline enum ah_err ah_store_cred_list(struct ah_store *s, int64_t person_id, enum ah_cred_kind kind, struct ah_arena *a, struct ah_credential **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(cred_list, person_id, kind, a, items, n, err); }
static inline enum ah_err ah_store_cred_purge(struct ah_store *s, int64_t now, struct ah_error *err) { AH_STORE_CALL(cred_purge, now, err); }
static inline enum ah_err ah_store_login_failures(struct ah_store *s, const char *client, int64_t since, int64_t *n, struct ah_error *err) { AH_STORE_CALL(login_failures, client, since, n, err); }
static inline enum ah_err ah_store_login_failure_add(struct ah_store *s, const char *client, int64_t now, struct ah_error *err) { AH_STORE_CALL(login_failure_add, client, now, err); }
static inline enum ah_err ah_store_customer_upsert(struct ah_store *s, struct ah_str email, struct ah_str name, int64_t now, struct ah_arena *a, int64_t *id, const char **stored_name, struct ah_error *err) { AH_STORE_CALL(customer_upsert, email, name, now, a, id, stored_name, err); }
static inline enum ah_err ah_store_ticket_insert(struct ah_store *s, struct ah_ticket *t, struct ah_error *err) { AH_STORE_CALL(ticket_insert, t, err); }
static inline enum ah_err ah_store_ticket_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_ticket *out, struct ah_error *err) { AH_STORE_CALL(ticket_get, id, a, out, err); }
static inline enum ah_err ah_store_ticket_list(struct ah_store *s, const struct ah_ticket_filter *f, struct ah_arena *a, struct ah_ticket **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(ticket_list, f, a, items, n, err); }
static inline enum ah_err ah_store_ticket_update(struct ah_store *s, const struct ah_ticket *t, struct ah_error *err) { AH_STORE_CALL(ticket_update, t, err); }
static inline enum ah_err ah_store_ticket_set_tags(struct ah_store *s, int64_t id, const char *tags, struct ah_error *err) { AH_STORE_CALL(ticket_set_tags, id, tags, err); }
static inline enum ah_err ah_store_queue_unclaim(struct ah_store *s, int64_t id, int64_t now, struct ah_error *err) { AH_STORE_CALL(queue_unclaim, id, now, err); }
static inline enum ah_err ah_store_message_insert(struct ah_store *s, struct ah_message *m, struct ah_error *err) { AH_STORE_CALL(message_insert, m, err); }
static inline enum ah_err ah_store_message_list(struct ah_store *s, int64_t ticket_id, int64_t after_id, int limit, struct ah_arena *a, struct ah_message **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(message_list, ticket_id, after_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_queue_expire(struct ah_store *s, int64_t now, int64_t *returned, struct ah_error *err) { AH_STORE_CALL(queue_expire, now, returned, err); }
static inline enum ah_err ah_store_queue_held(struct ah_store *s, int64_t person_id, int64_t now, int64_t *id, struct ah_error *err) { AH_STORE_CALL(queue_held, person_id, now, id, err); }
static inline enum ah_err ah_store_queue_claim_next(struct ah_store *s, const struct ah_queue_filter *f, int64_t until, int64_t now, int64_t *id, struct ah_error *err) { AH_STORE_CALL(queue_claim_next, f, until, now, id, err); }
static inline enum ah_err ah_store_queue_list(struct ah_store *s, const struct ah_queue_filter *f, struct ah_arena *a, struct ah_ticket **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(queue_list, f, a, items, n, err); }
static inline enum ah_err ah_store_queue_renew(struct ah_store *s, int64_t person_id, int64_t now, int64_t until, struct ah_error *err) { AH_STORE_CALL(queue_renew, person_id, now, until, err); }
static inline enum ah_err ah_store_queue_skip(struct ah_store *s, int64_t ticket_id, int64_t person_id, struct ah_str reason, int64_t now, struct ah_error *err) { AH_STORE_CALL(queue_skip, ticket_id, person_id, reason, now, err); }
static inline enum ah_err ah_store_policy_get(struct ah_store *s, struct ah_arena *a, struct ah_policy *out, struct ah_error *err) { AH_STORE_CALL(policy_get, a, out, err); }
static inline enum ah_err ah_store_policy_put(struct ah_store *s, const struct ah_policy *p, struct ah_error *err) { AH_STORE_CALL(policy_put, p, err); }
static inline enum ah_err ah_store_exemption_insert(struct ah_store *s, struct ah_exemption *e, struct ah_error *err) { AH_STORE_CALL(exemption_insert, e, err); }
static inline enum ah_err ah_store_exemption_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_exemption *out, struct ah_error *err) { AH_STORE_CALL(exemption_get, id, a, out, err); }
static inline enum ah_err ah_store_exemption_end(struct ah_store *s, int64_t id, int64_t ends_on, int64_t ended_at, int64_t ended_by, struct ah_error *err) { AH_STORE_CALL(exemption_end, id, ends_on, ended_at, ended_by, err); }
static inline enum ah_err ah_store_exemption_list(struct ah_store *s, int64_t person_id, int64_t from_day, int64_t to_day, struct ah_arena *a, struct ah_exemption **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(exemption_list, person_id, from_day, to_day, a, items, n, err); }
static inline enum ah_err ah_store_work_insert(struct ah_store *s, struct ah_work_session *w, struct ah_error *err) { AH_STORE_CALL(work_insert, w, err); }
static inline enum ah_err ah_store_work_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_work_session *out, struct ah_error *err) { AH_STORE_CALL(work_get, id, a, out, err); }
static inline enum ah_err ah_store_work_current(struct ah_store *s, int64_t person_id, struct ah_arena *a, struct ah_work_session *out, struct ah_error *err) { AH_STORE_CALL(work_current, person_id, a, out, err); }
static inline enum ah_err ah_store_work_update(struct ah_store *s, const struct ah_work_session *w, struct ah_error *err) { AH_STORE_CALL(work_update, w, err); }
static inline enum ah_err ah_store_work_close_idle(struct ah_store *s, int64_t before, int64_t *closed, struct ah_error *err) { AH_STORE_CALL(work_close_idle, before, closed, err); }
static inline enum ah_err ah_store_work_list(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, int limit, struct ah_arena *a, struct ah_work_session **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(work_list, person_id, from, to, limit, a, items, n, err); }
static inline enum ah_err ah_store_work_spans(struct ah_store *s, int64_t from, int64_t to, int limit, struct ah_arena *a, struct ah_work_session **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(work_spans, from, to, limit, a, items, n, err); }
static inline enum ah_err ah_store_block_insert(struct ah_store *s, struct ah_block *b, struct ah_error *err) { AH_STORE_CALL(block_insert, b, err); }
static inline enum ah_err ah_store_block_get(struct ah_store *s, int64_t id, struct ah_block *out, struct ah_error *err) { AH_STORE_CALL(block_get, id, out, err); }
static inline enum ah_err ah_store_block_update(struct ah_store *s, const struct ah_block *b, struct ah_error *err) { AH_STORE_CALL(block_update, b, err); }
static inline enum ah_err ah_store_block_delete(struct ah_store *s, int64_t id, struct ah_error *err) { AH_STORE_CALL(block_delete, id, err); }
static inline enum ah_err ah_store_block_list(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, int limit, struct ah_arena *a, struct ah_block **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(block_list, person_id, from, to, limit, a, items, n, err); }
static inline enum ah_err ah_store_support_week_add(struct ah_store *s, const struct ah_support_week *w, struct ah_error *err) { AH_STORE_CALL(support_week_add, w, err); }
static inline enum ah_err ah_store_support_week_remove(struct ah_store *s, int64_t person_id, int64_t week_day, struct ah_error *err) { AH_STORE_CALL(support_week_remove, person_id, week_day, err); }
static inline enum ah_err ah_store_support_week_list(struct ah_store *s, int64_t person_id, int64_t from_day, int64_t to_day, struct ah_arena *a, struct ah_support_week **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(support_week_list, person_id, from_day, to_day, a, items, n, err); }
static inline enum ah_err ah_store_activity(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, struct ah_activity *out, struct ah_error *err) { AH_STORE_CALL(activity, person_id, from, to, out, err); }
static inline enum ah_err ah_store_compliance_put(struct ah_store *s, const struct ah_compliance_row *rows, size_t n, struct ah_error *err) { AH_STORE_CALL(compliance_put, rows, n, err); }
static inline enum ah_err ah_store_compliance_get(struct ah_store *s, int64_t week_day, struct ah_arena *a, struct ah_compliance_row **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(compliance_get, week_day, a, items, n, err); }
static inline enum ah_err ah_store_ladder_claim(struct ah_store *s, int64_t week_day, int64_t now, bool *claimed, struct ah_error *err) { AH_STORE_CALL(ladder_claim, week_day, now, claimed, err); }
static inline enum ah_err ah_store_notification_insert(struct ah_store *s, struct ah_notification *n, bool *inserted, struct ah_error *err) { AH_STORE_CALL(notification_insert, n, inserted, err); }
static inline enum ah_err ah_store_notification_list(struct ah_store *s, int64_t person_id, int64_t before_id, int limit, struct ah_arena *a, struct ah_notification **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(notification_list, person_id, before_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_notification_read(struct ah_store *s, int64_t id, int64_t person_id, int64_t at, struct ah_error *err) { AH_STORE_CALL(notification_read, id, person_id, at, err); }
static inline enum ah_err ah_store_webhook_insert(struct ah_store *s, struct ah_webhook *w, struct ah_error *err) { AH_STORE_CALL(webhook_insert, w, err); }
static inline enum ah_err ah_store_webhook_list(struct ah_store *s, struct ah_arena *a, struct ah_webhook **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(webhook_list, a, items, n, err); }
static inline enum ah_err ah_store_webhook_disable(struct ah_store *s, int64_t id, struct ah_error *err) { AH_STORE_CALL(webhook_disable, id, err); }
static inline enum ah_err ah_store_outbox_add(struct ah_store *s, const char *event, const char *body, int64_t now, struct ah_error *err) { AH_STORE_CALL(outbox_add, event, body, now, err); }
static inline enum ah_err ah_store_outbox_claim(struct ah_store *s, int64_t now, int64_t until, int limit, struct ah_arena *a, struct ah_outbox_item **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(outbox_claim, now, until, limit, a, items, n, err); }
static inline enum ah_err ah_store_outbox_settle(struct ah_store *s, int64_t id, int64_t delivered_at, int64_t next_at, const char *error, struct ah_error *err) { AH_STORE_CALL(outbox_settle, id, delivered_at, next_at, error, err); }
static inline enum ah_err ah_store_authored_list(struct ah_store *s, int64_t from, int64_t to, int limit, struct ah_arena *a, struct ah_authored **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(authored_list, from, to, limit, a, items, n, err); }
static inline enum ah_err ah_store_rules_version(struct ah_store *s, const char *name, int64_t *version, struct ah_error *err) { AH_STORE_CALL(rules_version, name, version, err); }
static inline enum ah_err ah_store_rules_bump(struct ah_store *s, const char *name, struct ah_error *err) { AH_STORE_CALL(rules_bump, name, err); }
static inline enum ah_err ah_store_route_rule_list(struct ah_store *s, struct ah_arena *a, struct ah_route_rule **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(route_rule_list, a, items, n, err); }
static inline enum ah_err ah_store_route_rule_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_route_rule *out, struct ah_error *err) { AH_STORE_CALL(route_rule_get, id, a, out, err); }
static inline enum ah_err ah_store_route_rule_insert(struct ah_store *s, struct ah_route_rule *r, struct ah_error *err) { AH_STORE_CALL(route_rule_insert, r, err); }
static inline enum ah_err ah_store_route_rule_update(struct ah_store *s, const struct ah_route_rule *r, struct ah_error *err) { AH_STORE_CALL(route_rule_update, r, err); }
static inline enum ah_err ah_store_route_rule_delete(struct ah_store *s, int64_t id, struct ah_error *err) { AH_STORE_CALL(route_rule_delete, id, err); }
static inline enum ah_err ah_store_style_rule_list(struct ah_store *s, bool with_deleted, struct ah_arena *a, struct ah_style_rule **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(style_rule_list, with_deleted, a, items, n, err); }
static inline enum ah_err ah_store_style_rule_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_style_rule *out, struct ah_error *err) { AH_STORE_CALL(style_rule_get, id, a, out, err); }
static inline enum ah_err ah_store_style_rule_insert(struct ah_store *s, struct ah_style_rule *r, struct ah_error *err) { AH_STORE_CALL(style_rule_insert, r, err); }
static inline enum ah_err ah_store_style_rule_update(struct ah_store *s, const struct ah_style_rule *r, struct ah_error *err) { AH_STORE_CALL(style_rule_update, r, err); }
static inline enum ah_err ah_store_style_hits_add(struct ah_store *s, int64_t rule_id, int64_t person_id, int64_t day, int64_t hits, int64_t overrides, struct ah_error *err) { AH_STORE_CALL(style_hits_add, rule_id, person_id, day, hits, overrides, err); }
static inline enum ah_err ah_store_style_hits_sum(struct ah_store *s, int64_t from_day, int64_t to_day, struct ah_arena *a, struct ah_style_hit_row **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(style_hits_sum, from_day, to_day, a, items, n, err); }
static inline enum ah_err ah_store_review_insert(struct ah_store *s, struct ah_review *r, struct ah_error *err) { AH_STORE_CALL(review_insert, r, err); }
static inline enum ah_err ah_store_review_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_review *out, struct ah_error *err) { AH_STORE_CALL(review_get, id, a, out, err); }
static inline enum ah_err ah_store_review_update(struct ah_store *s, const struct ah_review *r, struct ah_error *err) { AH_STORE_CALL(review_update, r, err); }
static inline enum ah_err ah_store_review_list(struct ah_store *s, const struct ah_review_filter *f, struct ah_arena *a, struct ah_review **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(review_list, f, a, items, n, err); }
static inline enum ah_err ah_store_review_stats(struct ah_store *s, int64_t author_id, struct ah_arena *a, struct ah_review_stats **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(review_stats, author_id, a, items, n, err); }
static inline enum ah_err ah_store_review_counts(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, struct ah_review_counts *out, struct ah_error *err) { AH_STORE_CALL(review_counts, person_id, from, to, out, err); }
static inline enum ah_err ah_store_escalation_insert(struct ah_store *s, struct ah_escalation *e, struct ah_error *err) { AH_STORE_CALL(escalation_insert, e, err); }
static inline enum ah_err ah_store_escalation_counts(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, struct ah_arena *a, struct ah_person_count **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(escalation_counts, person_id, from, to, a, items, n, err); }
static inline enum ah_err ah_store_module_list(struct ah_store *s, bool with_retired, struct ah_arena *a, struct ah_module **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(module_list, with_retired, a, items, n, err); }
static inline enum ah_err ah_store_module_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_module *out, struct ah_error *err) { AH_STORE_CALL(module_get, id, a, out, err); }
static inline enum ah_err ah_store_module_insert(struct ah_store *s, struct ah_module *m, struct ah_error *err) { AH_STORE_CALL(module_insert, m, err); }
static inline enum ah_err ah_store_module_update(struct ah_store *s, const struct ah_module *m, struct ah_error *err) { AH_STORE_CALL(module_update, m, err); }
static inline enum ah_err ah_store_completion_add(struct ah_store *s, const struct ah_completion *c, bool *inserted, struct ah_error *err) { AH_STORE_CALL(completion_add, c, inserted, err); }
static inline enum ah_err ah_store_completion_list(struct ah_store *s, int64_t person_id, struct ah_arena *a, struct ah_completion **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(completion_list, person_id, a, items, n, err); }
static inline enum ah_err ah_store_pairing_insert(struct ah_store *s, struct ah_pairing *p, struct ah_error *err) { AH_STORE_CALL(pairing_insert, p, err); }
static inline enum ah_err ah_store_pairing_list(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, int limit, struct ah_arena *a, struct ah_pairing **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(pairing_list, person_id, from, to, limit, a, items, n, err); }
static inline enum ah_err ah_store_macro_list(struct ah_store *s, struct ah_arena *a, struct ah_macro **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(macro_list, a, items, n, err); }
static inline enum ah_err ah_store_macro_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_macro *out, struct ah_error *err) { AH_STORE_CALL(macro_get, id, a, out, err); }
static inline enum ah_err ah_store_macro_insert(struct ah_store *s, struct ah_macro *m, struct ah_error *err) { AH_STORE_CALL(macro_insert, m, err); }
static inline enum ah_err ah_store_macro_update(struct ah_store *s, const struct ah_macro *m, struct ah_error *err) { AH_STORE_CALL(macro_update, m, err); }
static inline enum ah_err ah_store_macro_delete(struct ah_store *s, int64_t id, struct ah_error *err) { AH_STORE_CALL(macro_delete, id, err); }
static inline enum ah_err ah_store_mail_id_get(struct ah_store *s, const char *msgid, int64_t *ticket_id, int64_t *message_id, struct ah_error *err) { AH_STORE_CALL(mail_id_get, msgid, ticket_id, message_id, err); }
static inline enum ah_err ah_store_mail_id_insert(struct ah_store *s, const char *msgid, int64_t ticket_id, int64_t message_id, bool sent, int64_t now, bool *inserted, struct ah_error *err) { AH_STORE_CALL(mail_id_insert, msgid, ticket_id, message_id, sent, now, inserted, err); }
static inline enum ah_err ah_store_mail_in_insert(struct ah_store *s, const struct ah_mail_in_row *r, struct ah_error *err) { AH_STORE_CALL(mail_in_insert, r, err); }
static inline enum ah_err ah_store_mail_in_count(struct ah_store *s, const char *sender, int64_t since, int64_t *messages, int64_t *new_tickets, struct ah_error *err) { AH_STORE_CALL(mail_in_count, sender, since, messages, new_tickets, err); }
static inline enum ah_err ah_store_mail_in_list(struct ah_store *s, int64_t ticket_id, struct ah_arena *a, struct ah_mail_in_row **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(mail_in_list, ticket_id, a, items, n, err); }
static inline enum ah_err ah_store_participant_add(struct ah_store *s, const struct ah_participant *p, bool *inserted, struct ah_error *err) { AH_STORE_CALL(participant_add, p, inserted, err); }
static inline enum ah_err ah_store_participant_list(struct ah_store *s, int64_t ticket_id, struct ah_arena *a, struct ah_participant **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(participant_list, ticket_id, a, items, n, err); }
static inline enum ah_err ah_store_attachment_insert(struct ah_store *s, struct ah_attachment *a, struct ah_error *err) { AH_STORE_CALL(attachment_insert, a, err); }
static inline enum ah_err ah_store_attachment_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_attachment *out, struct ah_error *err) { AH_STORE_CALL(attachment_get, id, a, out, err); }
static inline enum ah_err ah_store_attachment_list(struct ah_store *s, int64_t ticket_id, struct ah_arena *a, struct ah_attachment **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(attachment_list, ticket_id, a, items, n, err); }
static inline enum ah_err ah_store_mail_out_insert(struct ah_store *s, struct ah_mail_out *m, struct ah_error *err) { AH_STORE_CALL(mail_out_insert, m, err); }
static inline enum ah_err ah_store_mail_out_claim(struct ah_store *s, int64_t now, int64_t until, int limit, struct ah_arena *a, struct ah_mail_out **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(mail_out_claim, now, until, limit, a, items, n, err); }
static inline enum ah_err ah_store_mail_out_settle(struct ah_store *s, int64_t id, int64_t sent_at, int64_t failed_at, int64_t next_at, const char *error, struct ah_error *err) { AH_STORE_CALL(mail_out_settle, id, sent_at, failed_at, next_at, error, err); }
static inline enum ah_err ah_store_mail_out_list(struct ah_store *s, int64_t ticket_id, struct ah_arena *a, struct ah_mail_out **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(mail_out_list, ticket_id, a, items, n, err); }
static inline enum ah_err ah_store_mail_out_counts(struct ah_store *s, int64_t *pending, int64_t *failed, struct ah_error *err) { AH_STORE_CALL(mail_out_counts, pending, failed, err); }
static inline enum ah_err ah_store_group_turn(struct ah_store *s, bool wait, bool *got, int64_t *upto, int64_t *docs, struct ah_error *err) { AH_STORE_CALL(group_turn, wait, got, upto, docs, err); }
static inline enum ah_err ah_store_group_turn_end(struct ah_store *s, int64_t upto, int64_t docs, struct ah_error *err) { AH_STORE_CALL(group_turn_end, upto, docs, err); }
static inline enum ah_err ah_store_group_pending(struct ah_store *s, int64_t after_id, int limit, struct ah_arena *a, struct ah_qgroup_input **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(group_pending, after_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_term_df(struct ah_store *s, const int64_t *terms, size_t n, int64_t *df, struct ah_error *err) { AH_STORE_CALL(term_df, terms, n, df, err); }
static inline enum ah_err ah_store_term_add(struct ah_store *s, const int64_t *terms, const char *const *words, size_t n, struct ah_error *err) { AH_STORE_CALL(term_add, terms, words, n, err); }
static inline enum ah_err ah_store_term_words(struct ah_store *s, const int64_t *terms, size_t n, struct ah_arena *a, const char **words, struct ah_error *err) { AH_STORE_CALL(term_words, terms, n, a, words, err); }
static inline enum ah_err ah_store_group_postings(struct ah_store *s, const int64_t *terms, size_t n, int per_term, struct ah_arena *a, struct ah_qgroup_posting **items, size_t *nitems, struct ah_error *err) { AH_STORE_CALL(group_postings, terms, n, per_term, a, items, nitems, err); }
static inline enum ah_err ah_store_group_terms_put(struct ah_store *s, int64_t group_id, const int64_t *terms, const double *weights, size_t n, struct ah_error *err) { AH_STORE_CALL(group_terms_put, group_id, terms, weights, n, err); }
static inline enum ah_err ah_store_group_load(struct ah_store *s, const int64_t *ids, size_t n, struct ah_arena *a, struct ah_qgroup *out, struct ah_error *err) { AH_STORE_CALL(group_load, ids, n, a, out, err); }
static inline enum ah_err ah_store_group_insert(struct ah_store *s, struct ah_qgroup *g, struct ah_error *err) { AH_STORE_CALL(group_insert, g, err); }
static inline enum ah_err ah_store_group_update(struct ah_store *s, const struct ah_qgroup *g, struct ah_error *err) { AH_STORE_CALL(group_update, g, err); }
static inline enum ah_err ah_store_group_list(struct ah_store *s, const struct ah_qgroup_filter *f, struct ah_arena *a, struct ah_qgroup **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(group_list, f, a, items, n, err); }
static inline enum ah_err ah_store_group_ticket_put(struct ah_store *s, const struct ah_qgroup_ticket *t, struct ah_error *err) { AH_STORE_CALL(group_ticket_put, t, err); }
static inline enum ah_err ah_store_group_ticket_get(struct ah_store *s, int64_t ticket_id, struct ah_qgroup_ticket *out, struct ah_error *err) { AH_STORE_CALL(group_ticket_get, ticket_id, out, err); }
static inline enum ah_err ah_store_group_members(struct ah_store *s, int64_t group_id, const struct ah_qgroup_member_filter *f, struct ah_arena *a, struct ah_qgroup_member **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(group_members, group_id, f, a, items, n, err); }
static inline enum ah_err ah_store_group_week_add(struct ah_store *s, int64_t group_id, int64_t week_day, int64_t delta, struct ah_error *err) { AH_STORE_CALL(group_week_add, group_id, week_day, delta, err); }
static inline enum ah_err ah_store_group_weeks(struct ah_store *s, const int64_t *ids, size_t n, int64_t from_day, int64_t to_day, struct ah_arena *a, struct ah_qgroup_week **items, size_t *nitems, struct ah_error *err) { AH_STORE_CALL(group_weeks, ids, n, from_day, to_day, a, items, nitems, err); }
static inline enum ah_err ah_store_group_move_all(struct ah_store *s, int64_t from, int64_t into, struct ah_error *err) { AH_STORE_CALL(group_move_all, from, into, err); }
static inline enum ah_err ah_store_group_answerers(struct ah_store *s, int64_t group_id, struct ah_arena *a, struct ah_qgroup_answerer **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(group_answerers, group_id, a, items, n, err); }
static inline enum ah_err ah_store_fix_insert(struct ah_store *s, struct ah_fix *f, struct ah_error *err) { AH_STORE_CALL(fix_insert, f, err); }
static inline enum ah_err ah_store_fix_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_fix *out, struct ah_error *err) { AH_STORE_CALL(fix_get, id, a, out, err); }
static inline enum ah_err ah_store_fix_update(struct ah_store *s, const struct ah_fix *f, struct ah_error *err) { AH_STORE_CALL(fix_update, f, err); }
static inline enum ah_err ah_store_fix_list(struct ah_store *s, int64_t owner_id, struct ah_arena *a, struct ah_fix **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(fix_list, owner_id, a, items, n, err); }
static inline enum ah_err ah_store_intake_insert(struct ah_store *s, struct ah_intake *i, struct ah_error *err) { AH_STORE_CALL(intake_insert, i, err); }
static inline enum ah_err ah_store_intake_get(struct ah_store *s, int64_t id, int64_t ticket_id, struct ah_arena *a, struct ah_intake *out, struct ah_error *err) { AH_STORE_CALL(intake_get, id, ticket_id, a, out, err); }
static inline enum ah_err ah_store_intake_list(struct ah_store *s, int64_t filer_id, int64_t before_id, int limit, struct ah_arena *a, struct ah_intake **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(intake_list, filer_id, before_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_intake_told(struct ah_store *s, int64_t id, int64_t at, bool *first, struct ah_error *err) { AH_STORE_CALL(intake_told, id, at, first, err); }
static inline enum ah_err ah_store_intake_counts(struct ah_store *s, int64_t from, int64_t to, struct ah_arena *a, struct ah_intake_count **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(intake_counts, from, to, a, items, n, err); }
static inline enum ah_err ah_store_route_back_insert(struct ah_store *s, struct ah_route_back *r, struct ah_error *err) { AH_STORE_CALL(route_back_insert, r, err); }
static inline enum ah_err ah_store_route_back_list(struct ah_store *s, int64_t ticket_id, struct ah_arena *a, struct ah_route_back **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(route_back_list, ticket_id, a, items, n, err); }
static inline enum ah_err ah_store_route_back_counts(struct ah_store *s, int64_t from, int64_t to, struct ah_arena *a, struct ah_route_back_count **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(route_back_counts, from, to, a, items, n, err); }
static inline enum ah_err ah_store_launch_insert(struct ah_store *s, struct ah_launch *l, struct ah_error *err) { AH_STORE_CALL(launch_insert, l, err); }
static inline enum ah_err ah_store_launch_get(struct ah_store *s, int64_t id, struct ah_arena *a, struct ah_launch *out, struct ah_error *err) { AH_STORE_CALL(launch_get, id, a, out, err); }
static inline enum ah_err ah_store_launch_update(struct ah_store *s, const struct ah_launch *l, struct ah_error *err) { AH_STORE_CALL(launch_update, l, err); }
static inline enum ah_err ah_store_launch_list(struct ah_store *s, int64_t from_day, int64_t to_day, struct ah_arena *a, struct ah_launch **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(launch_list, from_day, to_day, a, items, n, err); }
static inline enum ah_err ah_store_tagged_tickets(struct ah_store *s, const char *const *tags, size_t ntags, int64_t from, int64_t to, int limit, struct ah_arena *a, int64_t *total, struct ah_ticket_brief **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(tagged_tickets, tags, ntags, from, to, limit, a, total, items, n, err); }
static inline enum ah_err ah_store_kudos_insert(struct ah_store *s, struct ah_kudos *k, struct ah_error *err) { AH_STORE_CALL(kudos_insert, k, err); }
static inline enum ah_err ah_store_kudos_list(struct ah_store *s, int64_t person_id, int64_t from, int64_t to, int64_t before_id, int limit, struct ah_arena *a, struct ah_kudos **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(kudos_list, person_id, from, to, before_id, limit, a, items, n, err); }
static inline enum ah_err ah_store_digest_responses(struct ah_store *s, int64_t from, int64_t to, struct ah_arena *a, struct ah_digest_timing **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(digest_responses, from, to, a, items, n, err); }
static inline enum ah_err ah_store_digest_solved(struct ah_store *s, int64_t from, int64_t to, struct ah_arena *a, struct ah_digest_timing **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(digest_solved, from, to, a, items, n, err); }
static inline enum ah_err ah_store_digest_breaches(struct ah_store *s, int64_t from, int64_t to, int64_t now, struct ah_digest_breaches *out, struct ah_error *err) { AH_STORE_CALL(digest_breaches, from, to, now, out, err); }
static inline enum ah_err ah_store_digest_backlog(struct ah_store *s, int64_t now, struct ah_digest_backlog *out, struct ah_error *err) { AH_STORE_CALL(digest_backlog, now, out, err); }
static inline enum ah_err ah_store_review_outcomes(struct ah_store *s, int64_t from, int64_t to, struct ah_review_outcomes *out, struct ah_error *err) { AH_STORE_CALL(review_outcomes, from, to, out, err); }
static inline enum ah_err ah_store_group_top_week(struct ah_store *s, int64_t week_day, int limit, struct ah_arena *a, struct ah_qgroup_week **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(group_top_week, week_day, limit, a, items, n, err); }
static inline enum ah_err ah_store_after_fix_counts(struct ah_store *s, int64_t from, int64_t to, struct ah_arena *a, struct ah_after_fix_count **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(after_fix_counts, from, to, a, items, n, err); }
static inline enum ah_err ah_store_digest_subscription_get(struct ah_store *s, int64_t person_id, bool *set, bool *subscribed, struct ah_error *err) { AH_STORE_CALL(digest_subscription_get, person_id, set, subscribed, err); }
static inline enum ah_err ah_store_digest_subscription_put(struct ah_store *s, int64_t person_id, bool subscribed, int64_t now, struct ah_error *err) { AH_STORE_CALL(digest_subscription_put, person_id, subscribed, now, err); }
static inline enum ah_err ah_store_digest_subscribers(struct ah_store *s, struct ah_arena *a, struct ah_digest_subscriber **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(digest_subscribers, a, items, n, err); }
static inline enum ah_err ah_store_digest_claim(struct ah_store *s, int64_t week_day, int64_t now, bool *first, struct ah_error *err) { AH_STORE_CALL(digest_claim, week_day, now, first, err); }
static inline enum ah_err ah_store_digest_done(struct ah_store *s, int64_t week_day, int64_t recipients, struct ah_error *err) { AH_STORE_CALL(digest_done, week_day, recipients, err); }
static inline enum ah_err ah_store_members_clocked_in(struct ah_store *s, int64_t *n, struct ah_error *err) { AH_STORE_CALL(members_clocked_in, n, err); }
static inline enum ah_err ah_store_audit_insert(struct ah_store *s, struct ah_audit_entry *e, struct ah_error *err) { AH_STORE_CALL(audit_insert, e, err); }
static inline enum ah_err ah_store_audit_list(struct ah_store *s, int64_t before_id, int limit, struct ah_arena *a, struct ah_audit_entry **items, size_t *n, struct ah_error *err) { AH_STORE_CALL(audit_list, before_id, limit, a, items, n, err); }

static inline enum ah_err ah_store_text_index(struct ah_store *s, int limit, bool *more, struct ah_error *err) { AH_STORE_CALL(text_index, limit, more, err); }
static inline enum ah_err ah_store_try_lead(struct ah_store *s, bool *leader, struct ah_error *err) { AH_STORE_CALL(try_lead, leader, err); }
static inline bool ah_store_should_retry(struct ah_store *s) { return s->ops->should_retry(s); }
static inline enum ah_err ah_store_checkpoint(struct ah_store *s, struct ah_error *err) { AH_STORE_CALL(checkpoint, err); }

static inline enum ah_err ah_store_get_schema_version(struct ah_store *s, int *version, struct ah_error *err) { AH_STORE_CALL(schema_version, version, err); }
static inline enum ah_err ah_store_table_count(struct ah_store *s, const struct ah_store_table *t, int64_t *n, struct ah_error *err) { AH_STORE_CALL(table_count, t, n, err); }
static inline enum ah_err ah_store_table_read(struct ah_store *s, const struct ah_store_table *t, const char *const *after, int64_t offset, int limit, struct ah_arena *a, const char ***rows, size_t *n, struct ah_error *err) { AH_STORE_CALL(table_read, t, after, offset, limit, a, rows, n, err); }
static inline enum ah_err ah_store_table_write(struct ah_store *s, const struct ah_store_table *t, const char *const *rows, size_t n, struct ah_error *err) { AH_STORE_CALL(table_write, t, rows, n, err); }
static inline enum ah_err ah_store_table_link(struct ah_store *s, const struct ah_store_table *t, const char *const *pairs, size_t n, struct ah_error *err) { AH_STORE_CALL(table_link, t, pairs, n, err); }
static inline enum ah_err ah_store_table_sync_ids(struct ah_store *s, const struct ah_store_table *t, struct ah_error *err) { AH_STORE_CALL(table_sync_ids, t, err); }

#undef AH_STORE_CALL

/* Ends the transaction ah_store_begin opened: commits when rc is AH_OK (and
 * returns the commit's result), rolls back and returns rc otherwise. */
static inline enum ah_err ah_store_end(struct ah_store *s, enum ah_err rc, struct ah_error *err)
{
    if (rc) {
        ah_store_rollback(s);
        return rc;
    }
    return ah_store_commit(s, err);
}

#endif
