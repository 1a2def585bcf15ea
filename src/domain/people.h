/* people.h - the roster: everyone in the company, their role and manager. */
#ifndef AH_DOMAIN_PEOPLE_H
#define AH_DOMAIN_PEOPLE_H

#include <stdbool.h>

#include "domain/ctx.h"

/* Fields to create or change; a null str or a negative int means "not given". */
struct ah_person_input {
    struct ah_str email;
    struct ah_str name;
    struct ah_str department;
    struct ah_str timezone;
    struct ah_str password; /* create only; null: the person cannot log in yet */
    bool has_manager;
    int64_t manager_id; /* 0: none */
    int role;           /* enum ah_role, -1: not given */
    int leader;         /* 0/1, -1: not given */
    int active;         /* 0/1, -1: not given */
    int64_t start_day;  /* first day in the program (days since 1970-01-01);
                           INT64_MIN: not given (a new person starts today) */
    int level;          /* enum ah_level, -1: not given (a new person is a trainee) */
};

/* Fills in as "nothing given". */
void ah_person_input_init(struct ah_person_input *in);

/* Creates a person (leads and admins; only admins create admins). Audited.
 * AH_E_INVALID for a bad email, name, time zone or password; AH_E_CONFLICT
 * when the email is taken. out's strings live in cx->arena. */
enum ah_err ah_people_create(struct ah_ctx *cx, const struct ah_person_input *in,
                             struct ah_person *out, struct ah_error *err);
/* Changes the given fields of person id. Audited with before and after. A
 * level is changed by pros and leads (the other fields by leads and admins);
 * moving a member up past a level takes that level's modules done:
 * AH_E_INVALID otherwise, with their ids in *missing (when not NULL). */
enum ah_err ah_people_update_ex(struct ah_ctx *cx, int64_t id,
                                const struct ah_person_input *in, struct ah_person *out,
                                int64_t **missing, size_t *nmissing, struct ah_error *err);
static inline enum ah_err ah_people_update(struct ah_ctx *cx, int64_t id,
                                           const struct ah_person_input *in,
                                           struct ah_person *out, struct ah_error *err)
{
    return ah_people_update_ex(cx, id, in, out, NULL, NULL, err);
}
enum ah_err ah_people_get(struct ah_ctx *cx, int64_t id, struct ah_person *out,
                          struct ah_error *err);
/* A page of people by id, after after_id. */
enum ah_err ah_people_list(struct ah_ctx *cx, int64_t after_id, int limit,
                           struct ah_person **items, size_t *n, struct ah_error *err);
/* Sets the password of person id (the person themself, or the command line). */
enum ah_err ah_people_set_password(struct ah_ctx *cx, int64_t id, struct ah_str password,
                                   struct ah_error *err);

const char *ah_people_role_name(enum ah_role r);
/* false when s names no role */
bool ah_people_role_parse(struct ah_str s, enum ah_role *out);
/* AH_E_INVALID unless s looks like an email address (one @, a dot after it, no spaces). */
enum ah_err ah_people_check_email(struct ah_str s, struct ah_error *err);

#endif
