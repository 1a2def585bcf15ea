/* ical.c - the iCalendar feed writer. Owns the one use of libical: builds the
 * VCALENDAR with its property setters (which escape TEXT per RFC 5545 3.3.11),
 * then folds the lines itself (see refold). */
#include "core/ical.h"

#include <inttypes.h>
#include <libical/ical.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/mem.h"
#include "core/str.h"

#define PRODID "-//allhands//allhands//EN"
#define LINE_OCTETS 75 /* RFC 5545 3.1, without the CRLF */
#define ONE_HOUR 3600

static pthread_once_t utc_once = PTHREAD_ONCE_INIT;
static icaltimezone *utc;

/* libical sets up its UTC zone on first use without a lock; do it once here,
 * before any two threads can race to it. */
static void utc_init(void)
{
    utc = icaltimezone_get_utc_timezone();
}

/* Why s cannot go in the feed, or NULL. Multi-line text may hold tab, CR and
 * LF; no text may hold another control character (RFC 5545 3.3.11). */
static const char *text_problem(const char *s, bool multiline)
{
    size_t n = strnlen(s, (size_t)AH_MAX_MESSAGE_BODY + 1);

    if (n > AH_MAX_MESSAGE_BODY)
        return "is longer than AH_MAX_MESSAGE_BODY";
    if (!ah_utf8_valid(s, n))
        return "is not valid UTF-8";
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];

        if ((c < 0x20 || c == 0x7f) && !(multiline && (c == '\t' || c == '\r' || c == '\n')))
            return "holds a control character";
    }
    return NULL;
}

static bool in_range(int64_t ms)
{
    return ms >= 0 && ms <= AH_ICAL_MAX_MS;
}

static enum ah_err check_event(size_t i, const struct ah_ical_event *e, struct ah_error *err)
{
    const struct {
        const char *field, *s;
        bool multiline;
    } text[] = {{"uid", e->uid, false},
                {"summary", e->summary, true},
                {"description", e->description, true},
                {"url", e->url, false}};

    if (!e->uid || !*e->uid)
        return ah_error_set(err, AH_E_INVALID, "event %zu has no uid", i);
    if (!e->summary)
        return ah_error_set(err, AH_E_INVALID, "event %zu has no summary", i);
    if (e->url && !*e->url)
        return ah_error_set(err, AH_E_INVALID, "event %zu: url is empty", i);
    if (!in_range(e->start_ms) || !in_range(e->end_ms) || !in_range(e->stamp_ms))
        return ah_error_set(err, AH_E_INVALID, "event %zu: a time is outside 1970 to 3000", i);
    if (e->end_ms <= e->start_ms)
        return ah_error_set(err, AH_E_INVALID, "event %zu ends at %" PRId64 ", not after its start",
                            i, e->end_ms);
    if (e->sequence < 0 || e->sequence > INT32_MAX)
        return ah_error_set(err, AH_E_INVALID, "event %zu: sequence %" PRId64 " is out of range",
                            i, e->sequence);
    for (size_t k = 0; k < sizeof(text) / sizeof(text[0]); k++) {
        const char *why = text[k].s ? text_problem(text[k].s, text[k].multiline) : NULL;

        if (why)
            return ah_error_set(err, AH_E_INVALID, "event %zu: %s %s", i, text[k].field, why);
    }
    return AH_OK;
}

static enum ah_err check_all(const char *name, const struct ah_ical_event *ev, size_t n,
                             struct ah_error *err)
{
    const char *why;
    enum ah_err rc = AH_OK;

    if (n > AH_ICAL_MAX_EVENTS)
        return ah_error_set(err, AH_E_TOO_LARGE, "%zu events are more than %d", n,
                            AH_ICAL_MAX_EVENTS);
    if (!name || !name[strspn(name, " \t")])
        return ah_error_set(err, AH_E_INVALID, "calendar has no name");
    why = text_problem(name, false);
    if (why)
        return ah_error_set(err, AH_E_INVALID, "calendar name %s", why);
    for (size_t i = 0; !rc && i < n; i++)
        rc = check_event(i, &ev[i], err);
    return rc;
}

static struct icaltimetype utc_time(int64_t s)
{
    return icaltime_from_timet_with_zone((time_t)s, 0, utc);
}

/* Adds p to c; false when libical could not make p. */
static bool add(icalcomponent *c, icalproperty *p)
{
    if (!p)
        return false;
    icalcomponent_add_property(c, p);
    return true;
}

/* s without leading and trailing spaces and tabs, copied (free it): libical's
 * parser drops them, so readers built on it (Evolution) would lose them. */
static char *trimmed(const char *s)
{
    size_t n = strlen(s);

    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    return ah_xstrndup(s, n);
}

/* Adds a TEXT property, trimmed, unless nothing is left: libical would write
 * "SUMMARY:", which RFC 5545 allows but libical's parser drops as an error. */
static bool add_text(icalcomponent *c, icalproperty *(*make)(const char *), const char *text)
{
    char *t = text ? trimmed(text) : NULL;
    bool ok = !t || !*t || add(c, make(t));

    free(t);
    return ok;
}

static icalproperty *xprop(const char *xname, const char *value)
{
    icalproperty *p = icalproperty_new_x(value);

    if (p)
        icalproperty_set_x_name(p, xname);
    return p;
}

static bool add_event(icalcomponent *cal, const struct ah_ical_event *e)
{
    icalcomponent *v = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    struct icaltimetype stamp = utc_time(e->stamp_ms / 1000);
    bool ok;

    if (!v)
        return false;
    /* added first so that freeing cal frees v however far this gets */
    icalcomponent_add_component(cal, v);
    ok = add(v, icalproperty_new_uid(e->uid)) && add(v, icalproperty_new_dtstamp(stamp)) &&
         add(v, icalproperty_new_dtstart(utc_time(e->start_ms / 1000))) &&
         add(v, icalproperty_new_dtend(utc_time((e->end_ms + 999) / 1000))) &&
         add_text(v, icalproperty_new_summary, e->summary) &&
         add_text(v, icalproperty_new_description, e->description) &&
         (!e->url || add(v, icalproperty_new_url(e->url))) &&
         add(v, icalproperty_new_sequence((int)e->sequence)) &&
         add(v, icalproperty_new_lastmodified(stamp)) &&
         add(v, icalproperty_new_status(ICAL_STATUS_CONFIRMED)) &&
         add(v, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
    return ok;
}

/* The calendar in *cal (icalcomponent_free it), or AH_E_INTERNAL. libical
 * reports a failed allocation through icalerrno (and a NULL object), so both
 * are checked. */
static enum ah_err build(const char *name, const struct ah_ical_event *ev, size_t n,
                         icalcomponent **cal, struct ah_error *err)
{
    char *cal_name = trimmed(name);
    icalcomponent *c;
    bool ok;

    icalerror_clear_errno();
    c = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    /* libical writes REFRESH-INTERVAL's VALUE=DURATION itself (RFC 7986 wants it) */
    ok = c && add(c, icalproperty_new_prodid(PRODID)) && add(c, icalproperty_new_version("2.0")) &&
         add(c, icalproperty_new_calscale("GREGORIAN")) &&
         add(c, icalproperty_new_method(ICAL_METHOD_PUBLISH)) &&
         add(c, xprop("X-WR-CALNAME", cal_name)) &&
         add(c, icalproperty_new_refreshinterval(icaldurationtype_from_int(ONE_HOUR))) &&
         add(c, xprop("X-PUBLISHED-TTL", "PT1H"));
    free(cal_name);
    for (size_t i = 0; ok && i < n; i++)
        ok = add_event(c, &ev[i]);
    if (!ok || icalerrno != ICAL_NO_ERROR) {
        if (c)
            icalcomponent_free(c);
        return ah_error_set(err, AH_E_INTERNAL, "libical could not build the feed: %s",
                            icalerror_strerror(icalerrno));
    }
    *cal = c;
    return AH_OK;
}

/* Appends one content line (no CRLF) folded at 75 octets: a continuation line
 * spends one on its leading space, and a cut backs up to a character start. */
static enum ah_err fold_line(const char *p, size_t n, struct ah_buf *out, struct ah_error *err)
{
    size_t room = LINE_OCTETS;
    enum ah_err rc = AH_OK;

    while (!rc && n > room) {
        size_t cut = room;

        while (((unsigned char)p[cut] & 0xc0) == 0x80) /* valid UTF-8: at most 3 steps */
            cut--;
        rc = ah_buf_append(out, p, cut, err);
        if (!rc)
            rc = ah_buf_append(out, "\r\n ", 3, err);
        p += cut;
        n -= cut;
        room = LINE_OCTETS - 1;
    }
    if (!rc)
        rc = ah_buf_append(out, p, n, err);
    return rc ? rc : ah_buf_append(out, "\r\n", 2, err);
}

/* Removes every fold (CRLF then a space) in place; returns the new length.
 * No content line starts with a space, and libical escapes LF and drops CR
 * in values, so each such triple is a fold. */
static size_t unfold(char *s, size_t n)
{
    size_t w = 0;

    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\r' && n - r > 2 && s[r + 1] == '\n' && s[r + 2] == ' ') {
            r += 2;
            continue;
        }
        s[w++] = s[r];
    }
    return w;
}

/* libical 3.0.16 writes CRLF and folds each property at 75 octets on
 * character starts, but it folds the property text with its closing CRLF
 * still attached, so a fold can land between that CR and LF: "...\r\r\n \n",
 * a bare CR and a bare LF. DESCRIPTION of 73 ASCII letters does it every
 * time; so did 1 in 160 properties of random UTF-8. So undo its folds and
 * fold again here, line by line. */
static enum ah_err refold(char *text, struct ah_buf *out, struct ah_error *err)
{
    const char *line = text;
    const char *end = text + unfold(text, strlen(text));
    enum ah_err rc = AH_OK;

    while (!rc && line < end) {
        const char *lf = memchr(line, '\n', (size_t)(end - line));

        if (!lf || lf == line || lf[-1] != '\r' || memchr(line, '\r', (size_t)(lf - 1 - line)))
            return ah_error_set(err, AH_E_INTERNAL, "libical wrote a bare CR or LF after byte %td",
                                line - text);
        rc = fold_line(line, (size_t)(lf - 1 - line), out, err);
        line = lf + 1;
    }
    return rc;
}

enum ah_err ah_ical_write(const char *name, const struct ah_ical_event *ev, size_t n,
                          struct ah_buf *out, struct ah_error *err)
{
    icalcomponent *cal = NULL;
    char *text = NULL;
    struct ah_buf feed;
    enum ah_err rc = check_all(name, ev, n, err);

    if (rc)
        return rc; /* nothing held */
    pthread_once(&utc_once, utc_init);
    /* built aside, so that a failure part way leaves out as it was */
    ah_buf_init(&feed, out->max);
    rc = build(name, ev, n, &cal, err);
    if (rc)
        goto cleanup;
    icalerror_clear_errno();
    text = icalcomponent_as_ical_string_r(cal);
    if (!text || icalerrno != ICAL_NO_ERROR) {
        rc = ah_error_set(err, AH_E_INTERNAL, "libical could not write the feed: %s",
                          icalerror_strerror(icalerrno));
        goto cleanup;
    }
    rc = refold(text, &feed, err);
    if (!rc)
        rc = ah_buf_append(out, feed.p, feed.len, err);
cleanup:
    if (text)
        icalmemory_free_buffer(text);
    if (cal)
        icalcomponent_free(cal);
    ah_buf_release(&feed);
    return rc;
}

bool ah_ical_parse_check(const char *text, size_t len, size_t *nevents)
{
    char *copy;
    icalcomponent *c;
    bool ok;
    int count = 0;

    if (memchr(text, '\0', len))
        return false;
    copy = ah_xmalloc(ah_size_add(len, 1));
    memcpy(copy, text, len);
    copy[len] = '\0';
    c = icalparser_parse_string(copy);
    ok = c && icalcomponent_isa(c) == ICAL_VCALENDAR_COMPONENT &&
         icalcomponent_count_errors(c) == 0;
    if (ok)
        count = icalcomponent_count_components(c, ICAL_VEVENT_COMPONENT);
    if (c)
        icalcomponent_free(c);
    free(copy);
    if (ok && nevents)
        *nevents = (size_t)(count > 0 ? count : 0);
    return ok;
}
