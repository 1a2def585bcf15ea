/* time.c - clocks and ISO 8601 UTC timestamps. */
#include "core/time.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int64_t ah_time_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0: the wall clock; else the test clock's time. One atomic word, so any
 * thread reads a whole value. */
static _Atomic int64_t test_now;

int64_t ah_clock_now(void)
{
    int64_t t = atomic_load(&test_now);

    return t ? t : ah_time_now_ms();
}

void ah_clock_test_enable(int64_t start_ms)
{
    atomic_store(&test_now, start_ms > 0 ? start_ms : 1);
}

bool ah_clock_is_test(void)
{
    return atomic_load(&test_now) != 0;
}

bool ah_clock_set(int64_t ms)
{
    if (!atomic_load(&test_now))
        return false;
    atomic_store(&test_now, ms > 0 ? ms : 1);
    return true;
}

int64_t ah_time_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* days since 1970-01-01 -> civil date (Howard Hinnant's algorithm) */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t era, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = (z - era * 146097) - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static char *digits_out(char *p, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* by hand, not snprintf: every ticket in every list carries five of these */
void ah_time_format(int64_t ms, char out[40])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y;
    unsigned m, d;
    char *p = out;

    civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, 40, "%04d-%02u-%02uT00:00:00.000Z", y, m, d);
        return;
    }
    p = digits_out(p, (unsigned)y, 4);
    *p++ = '-';
    p = digits_out(p, m, 2);
    *p++ = '-';
    p = digits_out(p, d, 2);
    *p++ = 'T';
    p = digits_out(p, (unsigned)(rem / 3600), 2);
    *p++ = ':';
    p = digits_out(p, (unsigned)(rem / 60 % 60), 2);
    *p++ = ':';
    p = digits_out(p, (unsigned)(rem % 60), 2);
    *p++ = '.';
    p = digits_out(p, (unsigned)(ms - secs * 1000), 3);
    *p++ = 'Z';
    *p = '\0';
}

static bool digits(const char *p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

bool ah_time_parse(struct ah_str s, int64_t *ms)
{
    int y, mo, d, h, mi, se, frac = 0;
    const char *p = s.p;

    if (s.len != 20 && s.len != 24)
        return false;
    if (!digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) || p[7] != '-' ||
        !digits(p + 8, 2, &d) || p[10] != 'T' || !digits(p + 11, 2, &h) || p[13] != ':' ||
        !digits(p + 14, 2, &mi) || p[16] != ':' || !digits(p + 17, 2, &se))
        return false;
    if (s.len == 24 && (p[19] != '.' || !digits(p + 20, 3, &frac)))
        return false;
    if (p[s.len - 1] != 'Z')
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
        return false;
    *ms = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se) *
              1000 +
          frac;
    return true;
}

static bool is_tzif(const char *path)
{
    char magic[4];
    FILE *f = fopen(path, "rb");
    bool ok;

    if (!f)
        return false;
    ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    return ok;
}

bool ah_time_zone_known(struct ah_str name)
{
    char path[128];
    struct stat st;

    if (name.len > 64)
        return false;
    if (ah_str_eq_c(name, "UTC"))
        return true;
    if (stat("/usr/share/zoneinfo", &st) != 0)
        return true; /* no tz database here: the name's shape was checked */
    /* the database also holds aliases for other clocks and files that are no zone */
    if ((name.len > 6 && memcmp(name.p, "posix/", 6) == 0) ||
        (name.len > 6 && memcmp(name.p, "right/", 6) == 0) || ah_str_eq_c(name, "localtime") ||
        ah_str_eq_c(name, "posixrules") || ah_str_eq_c(name, "Factory"))
        return false;
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%.*s", (int)name.len, name.p);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && is_tzif(path);
}
