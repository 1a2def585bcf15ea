/* kudos.h - praise tied to one reply on one ticket: from a colleague, or a
 * customer's thanks a pro turns into kudos. The person and their manager
 * see it; the weekly digest quotes it. */
#ifndef AH_DOMAIN_KUDOS_H
#define AH_DOMAIN_KUDOS_H

#include "domain/ctx.h"

#define AH_KUDOS_TEXT_MAX 500
#define AH_KUDOS_QUOTE_MAX 300 /* characters of the reply kept with it */

struct ah_kudos_input {
    int64_t ticket_id;
    int64_t message_id;          /* the reply praised, on that ticket */
    struct ah_str text;          /* may be empty with customer_message_id */
    int64_t customer_message_id; /* a customer's thanks on the same ticket (pros and leads) */
};

/* Anyone signed in, for a reply someone else wrote on a ticket they can see;
 * the reply's author and their manager are told. CONFLICT a second time. */
enum ah_err ah_kudos_give(struct ah_ctx *cx, const struct ah_kudos_input *in,
                          struct ah_kudos *out, struct ah_error *err);
/* Kudos received by person_id: themselves, their manager, pros, leads and
 * leaders; 0: everyone's (pros, leads and leaders). to 0: no end. */
enum ah_err ah_kudos_list(struct ah_ctx *cx, int64_t person_id, int64_t from, int64_t to,
                          int64_t before_id, int limit, struct ah_kudos **items, size_t *n,
                          struct ah_error *err);

#endif
