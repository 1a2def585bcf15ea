/* tz.c - time zones read from TZif files (RFC 8536) and their POSIX TZ
 * footers, the process-wide cache of them, and civil-calendar arithmetic.
 * Owns the rules for local times skipped or repeated by a change of offset.
 * Calendar algorithms: Howard Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms". */
#include "core/tz.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "core/str.h"

#define TZ_DIR "/usr/share/zoneinfo/"
/* tzcode's own limits (TZ_MAX_TIMES, TZ_MAX_TYPES; chars doubled): zic writes
 * no more, and tzdata 2025b peaks at 310 transitions, 18 types, 40 chars */
#define MAX_TIMES 2000
#define MAX_TYPES 256
#define MAX_CHARS 100
/* the longest footer in tzdata is 39 bytes */
#define MAX_FOOTER 128
/* RFC 8536 asks for offsets within -89999..93599 (about a day either way);
 * local_to_utc searches this far each side of a wall time */
#define MAX_UTOFF 93599
/* changes of offset looked at around one wall time: real zones have two at most */
#define MAX_SPANS 16

/* A day of the POSIX rule: Jn (1..365, 29 February not counted), n (0..365)
 * or Mm.w.d (day d of week w of month m, week 5 the last); at time seconds
 * after local midnight, up to 167 hours either way (RFC 8536 3.3.1). */
struct rule_date {
    char kind; /* 'J', 'n' or 'M' */
    int n, m, w, d;
    int32_t time;
};

/* The footer: standard offset and, when has_dst, the daylight one with its
 * start (reckoned in standard time) and end (in daylight time). */
struct rule {
    int32_t std, dst;
    bool has_dst;
    struct rule_date start, end;
};

struct trans {
    int64_t at; /* seconds since the epoch */
    int32_t utoff;
};

struct ah_tz {
    struct ah_tz *next; /* in the cache */
    char name[AH_TZ_NAME_MAX + 1];
    int32_t utoff0; /* before the first transition: type 0 */
    bool has_rule;  /* the footer governs from the last transition on */
    struct rule rule;
    size_t ntrans;
    struct trans trans[]; /* strictly ascending */
};

/* [begin, end) in seconds with one offset; an end of INT64_MAX is open */
struct span {
    int64_t begin, end;
    int32_t utoff;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ah_tz *cache;

/* ---- calendar ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

int64_t ah_days_from_civil(int y, int m, int d)
{
    int64_t carry = floor_div((int64_t)m - 1, 12);
    int64_t mm = m - 12 * carry, yy = y + carry - (mm <= 2);
    int64_t era = floor_div(yy, 400), yoe = yy - era * 400;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + (153 * ((mm + 9) % 12) + 2) / 5 + d - 1;

    return era * 146097 + doe - 719468;
}

void ah_civil_from_days(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;

    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int ah_weekday_from_days(int64_t days)
{
    return (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
}

/* ---- ISO weeks ---- */

void ah_iso_week_of_days(int64_t days, int *year, int *week)
{
    /* a week belongs to the year holding its Thursday */
    int64_t thu = days - (ah_weekday_from_days(days) + 6) % 7 + 3;
    int y, m, d;

    ah_civil_from_days(thu, &y, &m, &d);
    *year = y;
    *week = (int)((thu - ah_days_from_civil(y, 1, 1)) / 7 + 1);
}

int64_t ah_iso_week_monday(int year, int week)
{
    int64_t jan4 = ah_days_from_civil(year, 1, 4); /* always in week 1 */

    return jan4 - (ah_weekday_from_days(jan4) + 6) % 7 + 7 * ((int64_t)week - 1);
}

int ah_iso_weeks_in_year(int year)
{
    int y, w;

    ah_iso_week_of_days(ah_days_from_civil(year, 12, 28), &y, &w);
    return w;
}

bool ah_iso_week_parse(const char *s, size_t len, int *year, int *week)
{
    int64_t y, w;

    if (len != 8 || s[4] != '-' || s[5] != 'W' ||
        ah_parse_i64((struct ah_str){s, 4}, 1, 9999, &y, NULL) ||
        ah_parse_i64((struct ah_str){s + 6, 2}, 1, 53, &w, NULL) ||
        w > ah_iso_weeks_in_year((int)y))
        return false;
    *year = (int)y;
    *week = (int)w;
    return true;
}

void ah_iso_week_format(int year, int week, char out[16])
{
    snprintf(out, 16, "%04d-W%02d", year, week);
}

/* ---- the POSIX TZ footer ---- */

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "CET" or "<+0545>": three or more letters, or quoted letters, digits and signs */
static const char *parse_abbr(const char *p)
{
    const char *b = p;

    if (*p != '<') {
        while (is_alpha(*p))
            p++;
        return p - b >= 3 ? p : NULL;
    }
    for (p++; is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-'; p++)
        ;
    return *p == '>' && p - b > 3 ? p + 1 : NULL;
}

static const char *parse_num(const char *p, int min, int max, int *out)
{
    int v = 0, k = 0;

    for (; is_digit(p[k]); k++) {
        if (k == 3)
            return NULL;
        v = v * 10 + (p[k] - '0');
    }
    if (k == 0 || v < min || v > max)
        return NULL;
    *out = v;
    return p + k;
}

/* [+-]h[:mm[:ss]] in seconds, h at most max_h */
static const char *parse_hms(const char *p, int max_h, int32_t *out)
{
    int sign = *p == '-' ? -1 : 1, h, m = 0, s = 0;

    if (*p == '+' || *p == '-')
        p++;
    if (!(p = parse_num(p, 0, max_h, &h)))
        return NULL;
    if (*p == ':' && !(p = parse_num(p + 1, 0, 59, &m)))
        return NULL;
    if (*p == ':' && !(p = parse_num(p + 1, 0, 59, &s)))
        return NULL;
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_date(const char *p, struct rule_date *rd)
{
    rd->kind = *p == 'M' || *p == 'J' ? *p++ : 'n';
    if (rd->kind == 'M') {
        if (!(p = parse_num(p, 1, 12, &rd->m)) || *p != '.' ||
            !(p = parse_num(p + 1, 1, 5, &rd->w)) || *p != '.' ||
            !(p = parse_num(p + 1, 0, 6, &rd->d)))
            return NULL;
    } else if (!(p = parse_num(p, rd->kind == 'J', 365, &rd->n))) {
        return NULL;
    }
    rd->time = 2 * 3600;
    return *p == '/' ? parse_hms(p + 1, 167, &rd->time) : p;
}

/* std offset [dst [offset] ,start[/time],end[/time]]; POSIX offsets count
 * west, ours east. zic always writes the rule when there is a dst name. */
static bool parse_rule(const char *p, struct rule *r)
{
    int32_t off;

    if (!(p = parse_abbr(p)) || !(p = parse_hms(p, 24, &off)))
        return false;
    r->std = -off;
    r->dst = r->std + 3600;
    r->has_dst = *p != '\0';
    if (!r->has_dst)
        return true;
    if (!(p = parse_abbr(p)))
        return false;
    if (*p != ',') {
        if (!(p = parse_hms(p, 24, &off)))
            return false;
        r->dst = -off;
    }
    if (*p != ',' || !(p = parse_date(p + 1, &r->start)) || *p != ',' ||
        !(p = parse_date(p + 1, &r->end)))
        return false;
    return *p == '\0';
}

static int64_t rule_day(const struct rule_date *rd, int y)
{
    int64_t first, day, len;

    if (rd->kind == 'J') /* J60 is 1 March, leap year or not */
        return rd->n < 60 ? ah_days_from_civil(y, 1, rd->n) : ah_days_from_civil(y, 3, rd->n - 59);
    if (rd->kind == 'n')
        return ah_days_from_civil(y, 1, 1) + rd->n;
    first = ah_days_from_civil(y, rd->m, 1);
    len = ah_days_from_civil(y, rd->m + 1, 1) - first;
    day = first + (rd->d - ah_weekday_from_days(first) + 7) % 7 + 7 * (rd->w - 1);
    return day - first >= len ? day - 7 : day;
}

/* The rule's change at rd in year y, as an instant; utoff is the offset
 * in effect before it, in which rd's time of day is reckoned. */
static int64_t rule_at(const struct rule_date *rd, int y, int32_t utoff)
{
    return rule_day(rd, y) * 86400 + rd->time - utoff;
}

/* Folds one change (at, to dst or not) into the span around t; later calls
 * win a tie, so a year's end that meets the next year's start is no change. */
static void fold(int64_t t, int64_t at, bool to_dst, struct span *sp, bool *dst)
{
    if (at <= t && at >= sp->begin) {
        sp->begin = at;
        *dst = to_dst;
    } else if (at > t && at < sp->end) {
        sp->end = at;
    }
}

static void rule_span(const struct ah_tz *z, int64_t t, struct span *sp)
{
    const struct rule *r = &z->rule;
    int64_t from = z->ntrans ? z->trans[z->ntrans - 1].at : INT64_MIN;
    bool dst = false;
    int y, m, d;

    sp->begin = INT64_MIN;
    sp->end = INT64_MAX;
    ah_civil_from_days(floor_div(t, 86400), &y, &m, &d);
    /* a change reckoned up to 167 hours off its day may fall in the next or
     * previous year, so three years' changes, in order */
    for (int yy = y - 1; r->has_dst && yy <= y + 1; yy++) {
        int64_t on = rule_at(&r->start, yy, r->std), off = rule_at(&r->end, yy, r->dst);

        fold(t, on < off ? on : off, on < off, sp, &dst);
        fold(t, on < off ? off : on, on >= off, sp, &dst);
    }
    if (sp->begin < from)
        sp->begin = from;
    sp->utoff = dst ? r->dst : r->std;
}

static void span_at(const struct ah_tz *z, int64_t t, struct span *sp)
{
    size_t lo = 0, hi = z->ntrans;

    while (lo < hi) { /* lo: how many transitions are at or before t */
        size_t mid = lo + (hi - lo) / 2;

        if (z->trans[mid].at <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == z->ntrans && z->has_rule) {
        rule_span(z, t, sp);
        return;
    }
    sp->begin = lo ? z->trans[lo - 1].at : INT64_MIN;
    sp->end = lo < z->ntrans ? z->trans[lo].at : INT64_MAX;
    sp->utoff = lo ? z->trans[lo - 1].utoff : z->utoff0;
}

/* ---- TZif ---- */

struct hdr {
    bool v2; /* 64-bit data and a footer follow the version 1 block */
    uint32_t isut, isstd, leap, time, type, chars;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static const char *read_hdr(const unsigned char *p, size_t n, struct hdr *h)
{
    if (n < 44)
        return "truncated header";
    /* like tzcode, take any later version for a version 2 layout */
    if (memcmp(p, "TZif", 4) != 0 || (p[4] != 0 && (p[4] < '2' || p[4] > '9')))
        return "not a TZif file";
    h->v2 = p[4] != 0;
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chars = be32(p + 40);
    if (h->leap) /* right/ zones count TAI seconds; our instants are POSIX */
        return "leap-second zones are not supported";
    if (h->time > MAX_TIMES || h->type == 0 || h->type > MAX_TYPES || h->chars == 0 ||
        h->chars > MAX_CHARS || (h->isut && h->isut != h->type) ||
        (h->isstd && h->isstd != h->type))
        return "count out of range";
    return NULL;
}

static size_t block_len(const struct hdr *h, size_t tsize)
{
    return h->time * (tsize + 1) + h->type * 6 + h->chars + h->isstd + h->isut;
}

/* The footer: "\n" TZ string "\n", an empty string meaning none. */
static const char *read_footer(const unsigned char *p, size_t n, struct ah_tz *z)
{
    char s[MAX_FOOTER + 1];
    const unsigned char *nl = NULL;
    size_t len;

    if (n >= 2 && p[0] == '\n')
        nl = memchr(p + 1, '\n', n - 1 < MAX_FOOTER + 1 ? n - 1 : MAX_FOOTER + 1);
    if (!nl)
        return "missing, unterminated or long footer";
    len = (size_t)(nl - p - 1);
    memcpy(s, p + 1, len);
    s[len] = '\0';
    z->has_rule = len > 0;
    if (strlen(s) != len || (z->has_rule && !parse_rule(s, &z->rule)))
        return "bad TZ string in footer";
    return NULL;
}

static const char *read_block(const unsigned char *p, size_t n, const struct hdr *h,
                              struct ah_tz *z)
{
    size_t tsize = h->v2 ? 8 : 4;
    const unsigned char *idx, *types;
    int32_t utoff[MAX_TYPES];

    if (n < block_len(h, tsize))
        return "truncated data";
    idx = p + h->time * tsize;
    types = idx + h->time;
    for (uint32_t i = 0; i < h->type; i++) {
        const unsigned char *ty = types + 6 * i;

        utoff[i] = (int32_t)be32(ty);
        if (utoff[i] < -MAX_UTOFF || utoff[i] > MAX_UTOFF || ty[4] > 1 || ty[5] >= h->chars)
            return "bad local time type";
    }
    z->utoff0 = utoff[0];
    z->ntrans = h->time;
    for (uint32_t i = 0; i < h->time; i++) {
        int64_t at = h->v2 ? be64(p + 8 * i) : (int32_t)be32(p + 4 * i);

        if ((i && at <= z->trans[i - 1].at) || idx[i] >= h->type)
            return "bad transition";
        z->trans[i].at = at;
        z->trans[i].utoff = utoff[idx[i]];
    }
    if (!h->v2)
        return NULL;
    return read_footer(p + block_len(h, tsize), n - block_len(h, tsize), z);
}

/* Parses a whole file; NULL and *out on success, else what is wrong. */
static const char *parse_tzif(const unsigned char *p, size_t n, struct ah_tz **out)
{
    struct hdr h;
    struct ah_tz *z;
    const char *why = read_hdr(p, n, &h);
    size_t skip;

    if (why)
        return why;
    if (h.v2) { /* skip the 32-bit data to the second header */
        skip = 44 + block_len(&h, 4);
        if (skip > n)
            return "truncated data";
        if ((why = read_hdr(p + skip, n - skip, &h)))
            return why;
        if (!h.v2)
            return "second header is version 1";
        p += skip;
        n -= skip;
    }
    z = ah_xcalloc(1, sizeof(*z) + h.time * sizeof(z->trans[0]));
    why = read_block(p + 44, n - 44, &h, z);
    if (why)
        free(z);
    else
        *out = z;
    return why;
}

enum ah_err ah_tz_load_file(const char *path, const char *name, struct ah_tz **out,
                            struct ah_error *err)
{
    struct stat st;
    unsigned char *buf;
    struct ah_tz *z = NULL;
    enum ah_err rc = AH_OK;
    const char *why;
    size_t n;
    FILE *f;

    /* a directory or a FIFO (which would block fopen) under the name is no zone */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return ah_error_set(err, AH_E_INVALID, "time zone \"%s\" is unknown", name);
    f = fopen(path, "rbe");
    if (!f)
        return ah_error_set(err, AH_E_UNAVAILABLE, "time zone \"%s\": open failed (errno %d)", name,
                            errno);
    buf = ah_xmalloc(AH_TZ_MAX_FILE + 1); /* one more byte shows a file too large */
    n = fread(buf, 1, AH_TZ_MAX_FILE + 1, f);
    if (ferror(f))
        rc = ah_error_set(err, AH_E_UNAVAILABLE, "time zone \"%s\": read failed", name);
    else if (n > AH_TZ_MAX_FILE)
        rc = ah_error_set(err, AH_E_TOO_LARGE, "time zone \"%s\": file over %d bytes", name,
                          AH_TZ_MAX_FILE);
    else if ((why = parse_tzif(buf, n, &z)))
        rc = ah_error_set(err, AH_E_INVALID, "time zone \"%s\": %s", name, why);
    fclose(f);
    free(buf);
    if (!rc) {
        snprintf(z->name, sizeof(z->name), "%s", name);
        *out = z;
    }
    return rc;
}

void ah_tz_free(struct ah_tz *z)
{
    free(z);
}

const char *ah_tz_name(const struct ah_tz *z)
{
    return z->name;
}

/* ---- the cache ---- */

bool ah_tz_valid_name(const char *name, size_t len)
{
    if (!name || len == 0 || len > AH_TZ_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];

        if (c == '/' && (i == 0 || i + 1 == len || name[i - 1] == '/'))
            return false;
        if (!is_alpha(c) && !is_digit(c) && (c == '\0' || !strchr("_+-/", c)))
            return false;
    }
    return true;
}

static enum ah_err load_named(const char *name, struct ah_tz **out, struct ah_error *err)
{
    char path[sizeof(TZ_DIR) + AH_TZ_NAME_MAX];

    if (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0) {
        *out = ah_xcalloc(1, sizeof(**out)); /* offset 0 for ever, file or not */
        snprintf((*out)->name, sizeof((*out)->name), "%s", name);
        return AH_OK;
    }
    snprintf(path, sizeof(path), "%s%s", TZ_DIR, name);
    return ah_tz_load_file(path, name, out, err);
}

const struct ah_tz *ah_tz_get(const char *name, struct ah_error *err)
{
    struct ah_tz *z;

    if (!name || !ah_tz_valid_name(name, strnlen(name, AH_TZ_NAME_MAX + 1))) {
        ah_error_set(err, AH_E_INVALID,
                     "time zone name is not 1..64 of A-Z a-z 0-9 _ + - / in parts");
        return NULL;
    }
    /* loading under the lock: a zone is read once, and only on first use */
    pthread_mutex_lock(&cache_lock);
    for (z = cache; z && strcmp(z->name, name) != 0; z = z->next)
        ;
    if (!z && load_named(name, &z, err) == AH_OK) {
        z->next = cache;
        cache = z;
    }
    pthread_mutex_unlock(&cache_lock);
    return z;
}

void ah_tz_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    while (cache) {
        struct ah_tz *next = cache->next;

        free(cache);
        cache = next;
    }
    pthread_mutex_unlock(&cache_lock);
}

/* ---- queries ---- */

int32_t ah_tz_offset(const struct ah_tz *z, int64_t utc_ms)
{
    struct span sp;

    span_at(z, floor_div(utc_ms, 1000), &sp);
    return sp.utoff;
}

void ah_tz_to_local(const struct ah_tz *z, int64_t utc_ms, struct ah_civil *out)
{
    int32_t off = ah_tz_offset(z, utc_ms);
    int64_t local = floor_div(utc_ms, 1000) + off, days = floor_div(local, 86400);
    int64_t rem = local - days * 86400;

    ah_civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(rem / 3600);
    out->minute = (int)(rem / 60 % 60);
    out->second = (int)(rem % 60);
    out->wday = ah_weekday_from_days(days);
    out->yday = (int)(days - ah_days_from_civil(out->year, 1, 1));
    out->utoff = off;
}

/* The instant at which z's clocks show wall (seconds as if UTC): the earliest
 * if they show it twice. If they skip it, the instant read with the offset
 * before the change, and *first is the change itself (the first instant
 * shown later than wall); otherwise *first is the result. */
static int64_t resolve(const struct ah_tz *z, int64_t wall, int64_t *first)
{
    struct span sp;
    int64_t t, skipped = 0, prev = 0;
    bool past = false, gap = false;

    /* spans in order from one wholly before any candidate instant */
    span_at(z, wall - MAX_UTOFF - 1, &sp);
    for (int i = 0; i < MAX_SPANS; i++) {
        t = wall - sp.utoff;
        if (t >= sp.begin && t < sp.end) {
            *first = t;
            return t;
        }
        if (past && t < sp.begin && !gap) { /* after the last span, before this one */
            gap = true;
            skipped = prev;
            *first = sp.begin;
        }
        past = t >= sp.end;
        prev = t;
        if (sp.end > wall + MAX_UTOFF)
            break;
        span_at(z, sp.end, &sp);
    }
    if (gap)
        return skipped;
    span_at(z, wall, &sp); /* only a file with absurdly many changes gets here */
    *first = wall - sp.utoff;
    return *first;
}

int64_t ah_tz_local_to_utc(const struct ah_tz *z, int y, int mon, int d, int h, int mi, int s)
{
    int64_t first;

    assert(y >= 1 && y <= 9999);
    return resolve(z,
                   ah_days_from_civil(y, mon, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s,
                   &first) *
           1000;
}

static int64_t local_day(const struct ah_tz *z, int64_t utc_ms)
{
    return floor_div(floor_div(utc_ms, 1000) + ah_tz_offset(z, utc_ms), 86400);
}

static int64_t first_instant(const struct ah_tz *z, int64_t days)
{
    int64_t first;

    resolve(z, days * 86400, &first);
    return first * 1000;
}

int64_t ah_tz_day_start(const struct ah_tz *z, int64_t utc_ms)
{
    return first_instant(z, local_day(z, utc_ms));
}

static int64_t week_first_day(const struct ah_tz *z, int64_t utc_ms, int dow)
{
    int64_t days = local_day(z, utc_ms);

    assert(dow >= 0 && dow <= 6);
    return days - (ah_weekday_from_days(days) - dow + 7) % 7;
}

int64_t ah_tz_week_start(const struct ah_tz *z, int64_t utc_ms, int week_start_dow)
{
    return first_instant(z, week_first_day(z, utc_ms, week_start_dow));
}

int64_t ah_tz_week_end(const struct ah_tz *z, int64_t utc_ms, int week_start_dow)
{
    return first_instant(z, week_first_day(z, utc_ms, week_start_dow) + 7);
}
