/* api.h - the handlers of /api/v1 and the operational endpoints, one file per
 * resource (api_<resource>.c), and the helpers they share. */
#ifndef AH_HTTP_API_H
#define AH_HTTP_API_H

#include "core/buf.h"
#include "http/json.h"
#include "http/reply.h"
#include "http/req.h"

void ah_api_session_create(struct ah_req *r);
void ah_api_session_get(struct ah_req *r);
void ah_api_session_delete(struct ah_req *r);
void ah_api_tokens_create(struct ah_req *r);
void ah_api_tokens_list(struct ah_req *r);
void ah_api_tokens_delete(struct ah_req *r);
void ah_api_people_list(struct ah_req *r);
void ah_api_people_get(struct ah_req *r);
void ah_api_people_create(struct ah_req *r);
void ah_api_people_update(struct ah_req *r);
void ah_api_tickets_create(struct ah_req *r);
void ah_api_tickets_list(struct ah_req *r);
void ah_api_tickets_get(struct ah_req *r);
void ah_api_tickets_update(struct ah_req *r);
void ah_api_tickets_write(struct ah_req *r);
void ah_api_queue_list(struct ah_req *r);
void ah_api_queue_next(struct ah_req *r);
void ah_api_queue_release(struct ah_req *r);
void ah_api_queue_skip(struct ah_req *r);
void ah_api_audit_list(struct ah_req *r);
void ah_api_policy_get(struct ah_req *r);
void ah_api_policy_update(struct ah_req *r);
void ah_api_exemptions_list(struct ah_req *r);
void ah_api_exemptions_create(struct ah_req *r);
void ah_api_exemptions_end(struct ah_req *r);
void ah_api_clock_get(struct ah_req *r);
void ah_api_clock_in(struct ah_req *r);
void ah_api_clock_out(struct ah_req *r);
void ah_api_clock_heartbeat(struct ah_req *r);
void ah_api_ledger(struct ah_req *r);
void ah_api_work_list(struct ah_req *r);
void ah_api_work_add(struct ah_req *r);
void ah_api_work_correct(struct ah_req *r);
void ah_api_blocks_list(struct ah_req *r);
void ah_api_blocks_create(struct ah_req *r);
void ah_api_blocks_update(struct ah_req *r);
void ah_api_blocks_delete(struct ah_req *r);
void ah_api_calendar_rotate(struct ah_req *r);
void ah_api_calendar_feed(struct ah_req *r);
void ah_api_test_clock(struct ah_req *r);
void ah_api_report_compliance(struct ah_req *r);
void ah_api_support_weeks_list(struct ah_req *r);
void ah_api_support_weeks_book(struct ah_req *r);
void ah_api_support_weeks_cancel(struct ah_req *r);
void ah_api_coverage(struct ah_req *r);
void ah_api_notifications_list(struct ah_req *r);
void ah_api_notifications_read(struct ah_req *r);
void ah_api_webhooks_create(struct ah_req *r);
void ah_api_webhooks_list(struct ah_req *r);
void ah_api_webhooks_delete(struct ah_req *r);
void ah_api_people_training(struct ah_req *r);
void ah_api_level_suggestions(struct ah_req *r);
void ah_api_tickets_escalate(struct ah_req *r);
void ah_api_attachments_get(struct ah_req *r);
void ah_api_route_rules_list(struct ah_req *r);
void ah_api_route_rules_create(struct ah_req *r);
void ah_api_route_rules_order(struct ah_req *r);
void ah_api_route_rules_test(struct ah_req *r);
void ah_api_route_rules_update(struct ah_req *r);
void ah_api_route_rules_delete(struct ah_req *r);
void ah_api_style_rules_list(struct ah_req *r);
void ah_api_style_rules_create(struct ah_req *r);
void ah_api_style_rules_starter(struct ah_req *r);
void ah_api_style_rules_update(struct ah_req *r);
void ah_api_style_rules_delete(struct ah_req *r);
void ah_api_lint(struct ah_req *r);
void ah_api_style_hits(struct ah_req *r);
void ah_api_reviews_list(struct ah_req *r);
void ah_api_reviews_get(struct ah_req *r);
void ah_api_reviews_approve(struct ah_req *r);
void ah_api_reviews_return(struct ah_req *r);
void ah_api_modules_list(struct ah_req *r);
void ah_api_modules_create(struct ah_req *r);
void ah_api_modules_update(struct ah_req *r);
void ah_api_modules_delete(struct ah_req *r);
void ah_api_modules_complete(struct ah_req *r);
void ah_api_pairings_create(struct ah_req *r);
void ah_api_pairings_list(struct ah_req *r);
void ah_api_macros_list(struct ah_req *r);
void ah_api_macros_create(struct ah_req *r);
void ah_api_macros_update(struct ah_req *r);
void ah_api_macros_delete(struct ah_req *r);
void ah_api_macros_render(struct ah_req *r);
void ah_api_groups_list(struct ah_req *r);
void ah_api_groups_get(struct ah_req *r);
void ah_api_groups_update(struct ah_req *r);
void ah_api_groups_tickets(struct ah_req *r);
void ah_api_groups_merge(struct ah_req *r);
void ah_api_groups_fix_link(struct ah_req *r);
void ah_api_groups_fix_unlink(struct ah_req *r);
void ah_api_tickets_similar(struct ah_req *r);
void ah_api_tickets_move_group(struct ah_req *r);
void ah_api_fixes_list(struct ah_req *r);
void ah_api_fixes_get(struct ah_req *r);
void ah_api_fixes_update(struct ah_req *r);
void ah_api_escalations_create(struct ah_req *r);
void ah_api_escalations_list(struct ah_req *r);
void ah_api_escalations_get(struct ah_req *r);
void ah_api_report_escalations(struct ah_req *r);
void ah_api_route_backs_create(struct ah_req *r);
void ah_api_route_backs_list(struct ah_req *r);
void ah_api_report_route_backs(struct ah_req *r);
void ah_api_launches_create(struct ah_req *r);
void ah_api_launches_list(struct ah_req *r);
void ah_api_launches_get(struct ah_req *r);
void ah_api_launches_update(struct ah_req *r);
void ah_api_tickets_launches(struct ah_req *r);
void ah_api_kudos_create(struct ah_req *r);
void ah_api_kudos_list(struct ah_req *r);
void ah_api_digest_get(struct ah_req *r);
void ah_api_digest_chart(struct ah_req *r);
void ah_api_digest_subscription_get(struct ah_req *r);
void ah_api_digest_subscription_put(struct ah_req *r);
void ah_api_ops_health(struct ah_req *r);
void ah_api_ops_metrics(struct ah_req *r);

/* The request shapes; the fuzzer decodes against these same tables. Each is
 * the field list its handler decodes the body against, with its length; the
 * handler reads the values by positions kept in its own file. */
extern const struct ah_json_field ah_api_tickets_create_fields[];
extern const size_t ah_api_tickets_create_nfields;
extern const struct ah_json_field ah_api_tickets_update_fields[];
extern const size_t ah_api_tickets_update_nfields;
extern const struct ah_json_field ah_api_tickets_write_fields[];
extern const size_t ah_api_tickets_write_nfields;
extern const struct ah_json_field ah_api_people_create_fields[];
extern const size_t ah_api_people_create_nfields;
extern const struct ah_json_field ah_api_session_create_fields[];
extern const size_t ah_api_session_create_nfields;
extern const struct ah_json_field ah_api_queue_skip_fields[];
extern const size_t ah_api_queue_skip_nfields;
extern const struct ah_json_field ah_api_policy_fields[];
extern const size_t ah_api_policy_nfields;
extern const struct ah_json_field ah_api_exemption_fields[];
extern const size_t ah_api_exemption_nfields;
extern const struct ah_json_field ah_api_work_fields[];
extern const size_t ah_api_work_nfields;
extern const struct ah_json_field ah_api_block_fields[];
extern const size_t ah_api_block_nfields;
extern const struct ah_json_field ah_api_support_week_fields[];
extern const size_t ah_api_support_week_nfields;
extern const struct ah_json_field ah_api_webhook_fields[];
extern const size_t ah_api_webhook_nfields;
extern const struct ah_json_field ah_api_test_clock_fields[];
extern const size_t ah_api_test_clock_nfields;
extern const struct ah_json_field ah_api_tickets_escalate_fields[];
extern const size_t ah_api_tickets_escalate_nfields;
extern const struct ah_json_field ah_api_route_rule_fields[];
extern const size_t ah_api_route_rule_nfields;
extern const struct ah_json_field ah_api_route_order_fields[];
extern const size_t ah_api_route_order_nfields;
extern const struct ah_json_field ah_api_route_test_fields[];
extern const size_t ah_api_route_test_nfields;
extern const struct ah_json_field ah_api_style_rule_fields[];
extern const size_t ah_api_style_rule_nfields;
extern const struct ah_json_field ah_api_lint_fields[];
extern const size_t ah_api_lint_nfields;
extern const struct ah_json_field ah_api_review_approve_fields[];
extern const size_t ah_api_review_approve_nfields;
extern const struct ah_json_field ah_api_review_return_fields[];
extern const size_t ah_api_review_return_nfields;
extern const struct ah_json_field ah_api_module_fields[];
extern const size_t ah_api_module_nfields;
extern const struct ah_json_field ah_api_module_complete_fields[];
extern const size_t ah_api_module_complete_nfields;
extern const struct ah_json_field ah_api_pairing_fields[];
extern const size_t ah_api_pairing_nfields;
extern const struct ah_json_field ah_api_macro_fields[];
extern const size_t ah_api_macro_nfields;
extern const struct ah_json_field ah_api_macro_render_fields[];
extern const size_t ah_api_macro_render_nfields;

extern const struct ah_json_field ah_api_group_fields[];
extern const size_t ah_api_group_nfields;
extern const struct ah_json_field ah_api_group_merge_fields[];
extern const size_t ah_api_group_merge_nfields;
extern const struct ah_json_field ah_api_group_fix_fields[];
extern const size_t ah_api_group_fix_nfields;
extern const struct ah_json_field ah_api_ticket_group_fields[];
extern const size_t ah_api_ticket_group_nfields;
extern const struct ah_json_field ah_api_fix_fields[];
extern const size_t ah_api_fix_nfields;
extern const struct ah_json_field ah_api_escalation_fields[];
extern const size_t ah_api_escalation_nfields;
extern const struct ah_json_field ah_api_route_back_fields[];
extern const size_t ah_api_route_back_nfields;
extern const struct ah_json_field ah_api_launch_fields[];
extern const size_t ah_api_launch_nfields;
extern const struct ah_json_field ah_api_kudos_fields[];
extern const size_t ah_api_kudos_nfields;
extern const struct ah_json_field ah_api_digest_subscription_fields[];
extern const size_t ah_api_digest_subscription_nfields;
/* Decodes r's body against fields into out; on failure replies and returns false. */
bool ah_api_body(struct ah_req *r, const struct ah_json_field *fields, size_t n,
                 struct ah_json_value *out);
/* ?limit= (1..AH_MAX_PAGE, default AH_DEFAULT_PAGE) and ?cursor= as an id;
 * on failure replies 400 and returns false. */
bool ah_api_page(struct ah_req *r, int *limit, int64_t *cursor);
/* Reads an integer query parameter (absent: dflt); replies 400 and returns false on junk. */
bool ah_api_query_int(struct ah_req *r, const char *key, int64_t min, int64_t max, int64_t dflt,
                      int64_t *out);
/* Reads ?name= as an ISO week "2026-W48" (absent: year and week 0); replies
 * 400 and returns false on junk. */
bool ah_api_query_week(struct ah_req *r, const char *name, int *year, int *week);
/* Reads ?name= as a day "YYYY-MM-DD" (absent: dflt); replies 400 and returns false on junk. */
bool ah_api_query_day(struct ah_req *r, const char *name, int64_t dflt, int64_t *day);
/* Replies status with ticket t and its thread m, with the thread's mail
 * details (attachments, delivery, participants). */
void ah_api_reply_thread(struct ah_req *r, int status, const struct ah_ticket *t,
                         const struct ah_message *m, size_t n);
/* Replies with err (from a domain call) and counts what the metrics track. */
void ah_api_fail(struct ah_req *r, const struct ah_error *err);

#endif
