/* ical.h - an iCalendar feed (RFC 5545) of events, written with libical, for
 * calendar clients that subscribe to a URL. Nothing else sees libical. */
#ifndef AH_CORE_ICAL_H
#define AH_CORE_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

/* Events in one feed: a feed spans months of someone's blocks, a few a day,
 * so hundreds; the cap bounds the work one request can cause. */
#define AH_ICAL_MAX_EVENTS 5000
/* The last instant libical accepts: it refuses DATE-TIME values past the
 * year 3000 (3000-12-31T23:59:59Z). The first is the Unix epoch. */
#define AH_ICAL_MAX_MS 32535215999000LL

struct ah_ical_event {
    const char *uid;         /* stable per event, e.g. "block-42@allhands": calendar clients
                                update instead of duplicating */
    int64_t start_ms;        /* UTC, ms since the Unix epoch */
    int64_t end_ms;          /* UTC, > start_ms */
    int64_t stamp_ms;        /* DTSTAMP and LAST-MODIFIED: when the event last changed */
    int64_t sequence;        /* SEQUENCE: bumped on each change */
    const char *summary;     /* UTF-8, may contain commas, semicolons, backslashes, newlines:
                                escape per RFC 5545 3.3.11 (libical does when you use its
                                property setters) */
    const char *description; /* may be NULL */
    const char *url;         /* may be NULL */
};

/* Appends a whole VCALENDAR (PRODID "-//allhands//allhands//EN", VERSION 2.0, CALSCALE
 * GREGORIAN, METHOD PUBLISH, X-WR-CALNAME name, REFRESH-INTERVAL;VALUE=DURATION:PT1H and
 * X-PUBLISHED-TTL:PT1H) holding one VEVENT per event (UID, DTSTAMP, DTSTART and DTEND in UTC
 * form "YYYYMMDDTHHMMSSZ", SUMMARY, DESCRIPTION, URL, SEQUENCE, LAST-MODIFIED, STATUS:CONFIRMED,
 * TRANSP:OPAQUE) to out: CRLF line endings, content lines folded at 75 octets without splitting
 * a UTF-8 character. AH_E_INVALID for an event with end <= start, a NULL uid/summary, or text
 * that is not valid UTF-8.
 *
 * Name, summary and description lose leading and trailing spaces and tabs, and an empty summary
 * or description is left out: libical's parser (so Evolution) drops edge blanks and refuses an
 * empty value, which RFC 5545 allows. Also AH_E_INVALID: a NULL or blank name; an empty uid or
 * url; a time outside [0, AH_ICAL_MAX_MS]; a sequence outside [0, INT32_MAX]; a text longer
 * than AH_MAX_MESSAGE_BODY bytes; a control character in name, uid or url, or one other than
 * tab, CR and LF in summary or description (libical drops CR, so CRLF reads as one line
 * break). Times are whole seconds in iCalendar: start and stamp round down, end rounds up, so
 * the event still covers its span. AH_E_TOO_LARGE for more than AH_ICAL_MAX_EVENTS events or
 * past out's cap; AH_E_INTERNAL when libical fails (out of memory). On any error out is as it
 * was. Safe to call from several threads at once. */
enum ah_err ah_ical_write(const char *name, const struct ah_ical_event *ev, size_t n,
                          struct ah_buf *out, struct ah_error *err);

/* For tests and checks: parses text with libical; counts VEVENTs; true when it is one
 * VCALENDAR. False too when libical reports an error in it (an X-LIC-ERROR) or text holds a NUL
 * byte; *nevents (may be NULL) is written only when true. */
bool ah_ical_parse_check(const char *text, size_t len, size_t *nevents);

#endif
