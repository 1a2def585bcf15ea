/* macro.h - saved replies: texts pros and leads keep for answers given
 * often, with placeholders filled from the ticket and the writer. */
#ifndef AH_DOMAIN_MACRO_H
#define AH_DOMAIN_MACRO_H

#include "domain/ctx.h"

#define AH_MAX_MACRO_NAME 100
#define AH_MAX_MACROS 2000

/* Everyone signed in. By name. */
enum ah_err ah_macro_list(struct ah_ctx *cx, struct ah_macro **items, size_t *n,
                          struct ah_error *err);
enum ah_err ah_macro_get(struct ah_ctx *cx, int64_t id, struct ah_macro *out,
                         struct ah_error *err);
/* Creates (m->id 0, owned by the actor) or rewrites macro m: pros and leads;
 * a macro someone else owns, only leads. AH_E_INVALID for an unknown
 * placeholder. */
enum ah_err ah_macro_save(struct ah_ctx *cx, struct ah_macro *m, struct ah_error *err);
enum ah_err ah_macro_delete(struct ah_ctx *cx, int64_t id, struct ah_error *err);
/* Macro id with its placeholders filled for ticket_id (one the actor may
 * see) and the actor: {{customer.name}}, {{customer.email}}, {{ticket.id}},
 * {{ticket.subject}}, {{agent.name}}. In cx->arena. */
enum ah_err ah_macro_render(struct ah_ctx *cx, int64_t id, int64_t ticket_id, const char **out,
                            struct ah_ticket *ticket, struct ah_error *err);

#endif
