/* test_svg.c - src/core/svg.c: charts as SVG documents. Every document is
 * parsed by libxml2 (no network) and must be well-formed, in the SVG
 * namespace, named for screen readers and free of script, style sheets and
 * external references: normal, empty, all-zero, huge, negative and missing
 * values; labels with markup characters, multibyte and invalid UTF-8, cut
 * with "…"; nice ticks; bars per category; line charts with legends and
 * broken lines; the caps and errors, out unchanged; numbers under a German
 * locale; and xmllint on a sample when it is installed. No database. */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/svg.h"
#include "fixture.h"

#define NS "http://www.w3.org/2000/svg"
#define ELLIPSIS "\xe2\x80\xa6"

/* ---- helpers ---- */

static char *render(bool line, const struct ah_svg_chart *c)
{
    struct ah_error err = {0};
    struct ah_buf out;

    ah_buf_init(&out, 4 << 20);
    if (line)
        assert_ok(ah_svg_line(c, &out, &err));
    else
        assert_ok(ah_svg_bar(c, &out, &err));
    return ah_buf_take(&out, NULL);
}

/* A parsed chart: the document and an XPath context with "s" for SVG. */
struct svg {
    char *text;
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
};

/* text parsed with no network access; fails the test unless it is
 * well-formed, namespace-well-formed and parsed without a single error. */
static struct svg parse(char *text)
{
    struct svg s = {text, NULL, NULL};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

    assert_non_null(ctxt);
    s.doc = xmlCtxtReadMemory(ctxt, text, (int)strlen(text), "chart.svg", NULL,
                              XML_PARSE_NONET);
    if (!s.doc || !ctxt->wellFormed || !ctxt->nsWellFormed || ctxt->errNo)
        fail_msg("not well-formed (error %d):\n%s", ctxt->errNo, text);
    xmlFreeParserCtxt(ctxt);
    s.xp = xmlXPathNewContext(s.doc);
    assert_non_null(s.xp);
    assert_int_equal(xmlXPathRegisterNs(s.xp, BAD_CAST "s", BAD_CAST NS), 0);
    return s;
}

static void release(struct svg *s)
{
    xmlXPathFreeContext(s->xp);
    xmlFreeDoc(s->doc);
    free(s->text);
}

static struct svg draw(bool line, const struct ah_svg_chart *c)
{
    return parse(render(line, c));
}

static size_t count(const struct svg *s, const char *xpath)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, s->xp);
    size_t n;

    assert_non_null(o);
    n = o->nodesetval ? (size_t)o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The text of the first node xpath selects, malloc'd ("" for none). */
static char *text_of(const struct svg *s, const char *xpath)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, s->xp);
    char *t = NULL;

    assert_non_null(o);
    if (o->nodesetval && o->nodesetval->nodeNr > 0) {
        xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

        t = strdup((const char *)c);
        xmlFree(c);
    }
    xmlXPathFreeObject(o);
    return t ? t : strdup("");
}

/* True when some <text> element's content is exactly want. */
static bool has_text(const struct svg *s, const char *want)
{
    char xpath[512];

    snprintf(xpath, sizeof(xpath), "//s:text[. = '%s']", want);
    return count(s, xpath) > 0;
}

static void assert_text_eq(const struct svg *s, const char *xpath, const char *want)
{
    char *got = text_of(s, xpath);

    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", xpath, got, want);
    free(got);
}

/* What every chart must be: an SVG root with size, viewBox, role and
 * aria-labelledby naming its title and desc, one font-family, and nothing
 * a mail client would block or a printer lose. */
static void assert_house_shape(const struct svg *s)
{
    static const char *const banned[] = {"<script", "<style", "style=", "href", "url(",
                                         "@import", "<foreignObject", "<image", "nan", "inf",
                                         "NaN", "Inf", "javascript"};
    char *ids;

    assert_int_equal(count(s, "/s:svg[@width and @height and @viewBox and @role='img']"), 1);
    assert_int_equal(count(s, "/s:svg[@font-family='Helvetica, Arial, sans-serif']"), 1);
    assert_int_equal(count(s, "/s:svg/s:title"), 1);
    assert_int_equal(count(s, "/s:svg/s:desc"), 1);
    ids = text_of(s, "/s:svg/@aria-labelledby");
    {
        char t[64], d[64], xpath[160];

        assert_int_equal(sscanf(ids, "%63s %63s", t, d), 2);
        snprintf(xpath, sizeof(xpath), "/s:svg/s:title[@id='%s']", t);
        assert_int_equal(count(s, xpath), 1);
        snprintf(xpath, sizeof(xpath), "/s:svg/s:desc[@id='%s']", d);
        assert_int_equal(count(s, xpath), 1);
    }
    free(ids);
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
        if (strstr(s->text, banned[i]))
            fail_msg("chart holds %s:\n%s", banned[i], s->text);
    /* a white page under everything */
    assert_int_equal(count(s, "/s:svg/s:rect[1][@fill='#ffffff']"), 1);
}

/* The heights (or widths, horizontal) of the bars, in order. */
static void bar_lengths(const struct svg *s, const char *attr, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char xpath[128], *v;

        snprintf(xpath, sizeof(xpath), "(//s:rect[@class='bar'])[%zu]/@%s", i + 1, attr);
        v = text_of(s, xpath);
        out[i] = strtod(v, NULL);
        free(v);
    }
}

static const char *const weeks[] = {"Oct 5", "Oct 12", "Oct 19", "Oct 26", "Nov 2", "Nov 9"};

/* ---- ticks ---- */

static bool nice_step(double step, bool integer)
{
    double mag = pow(10, floor(log10(step))), f = step / mag;

    if (integer && (step < 1 || step != floor(step)))
        return false;
    return fabs(f - 1) < 1e-9 || fabs(f - 2) < 1e-9 || fabs(f - 2.5) < 1e-9 ||
           fabs(f - 5) < 1e-9;
}

static void test_svg_ticks_known_values(void **state)
{
    static const struct {
        double max;
        bool integer;
        double step;
        int n;
    } cases[] = {
        {0, true, 1, 2},     {1, true, 1, 2},      {3, true, 1, 3},     {4, true, 1, 4},
        {5, true, 2, 3},     {10, true, 5, 2},     {10, false, 2.5, 4}, {47, true, 20, 3},
        {100, true, 25, 4},  {0.3, false, 0.1, 3}, {0.3, true, 1, 2},   {7.5, false, 2, 4},
        {1234, true, 500, 3}, {-5, false, 1, 2},   {NAN, false, 1, 2},  {INFINITY, true, 1, 2},
        {DBL_MAX, false, 1, 2},
    };
    struct ah_svg_ticks t;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ah_svg_nice_ticks(cases[i].max, cases[i].integer, &t);
        if (fabs(t.step - cases[i].step) > 1e-12 || t.n != cases[i].n)
            fail_msg("max %g%s: step %g n %d, want step %g n %d", cases[i].max,
                     cases[i].integer ? " (integer)" : "", t.step, t.n, cases[i].step,
                     cases[i].n);
    }
}

/* For maxima across 600 orders of magnitude: 3 to 5 ticks, the top one at or
 * over max and the one below it under, a step of 1, 2, 2.5 or 5 times a power
 * of ten, whole for counts. */
static void test_svg_ticks_always_nice(void **state)
{
    struct ah_svg_ticks t;

    (void)state;
    for (int integer = 0; integer < 2; integer++)
        for (double max = 1e-300; max < 1e300; max *= 1.37) {
            ah_svg_nice_ticks(max, integer, &t);
            if (t.n < 2 || t.n > 4 || !nice_step(t.step, integer) ||
                t.step * t.n < max * (1 - 1e-9) || (t.n > 2 && t.step * (t.n - 1) >= max))
                fail_msg("max %g%s: step %g n %d", max, integer ? " (integer)" : "", t.step,
                         t.n);
        }
}

/* ---- bar charts ---- */

static void test_svg_bar_normal(void **state)
{
    static const double v[] = {12, 30, 7, 0, 19, 25};
    struct ah_svg_series se = {"Tickets", v, 6};
    struct ah_svg_chart c = {.title = "New tickets per week", .labels = weeks, .nlabels = 6,
                             .series = &se, .nseries = 1, .unit = "tickets", .integer = true,
                             .value_labels = true};
    struct svg s = draw(false, &c);
    double h[6];

    (void)state;
    assert_house_shape(&s);
    assert_text_eq(&s, "/s:svg/s:title", "New tickets per week");
    assert_true(has_text(&s, "New tickets per week"));
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 6);
    assert_int_equal(count(&s, "//s:rect[@class='bar']/s:title"), 6);
    assert_text_eq(&s, "(//s:rect[@class='bar'])[2]/s:title", "Oct 12: 30 tickets");
    /* ticks 0, 10, 20, 30 and the labels under and on the bars */
    for (size_t i = 0; i < 4; i++) {
        char num[8];

        snprintf(num, sizeof(num), "%zu", i * 10);
        assert_true(has_text(&s, num));
    }
    assert_int_equal(count(&s, "//s:g[@stroke='#dddddd']/s:line"), 3);
    assert_true(has_text(&s, "Nov 9"));
    assert_true(has_text(&s, "19"));
    assert_true(has_text(&s, "tickets"));
    /* heights in proportion, the tallest reaching the top tick */
    bar_lengths(&s, "height", h, 6);
    assert_true(h[1] > h[5] && h[5] > h[4] && h[4] > h[0] && h[0] > h[2] && h[3] == 0);
    assert_true(fabs(h[0] / h[1] - 12.0 / 30) < 0.01);
    /* the made-up description lists the data */
    assert_non_null(strstr(s.text, "Oct 5 12; Oct 12 30"));
    release(&s);
}

static void test_svg_bar_empty_says_no_data(void **state)
{
    struct ah_svg_chart c = {.title = "Nothing yet", .integer = true};
    struct ah_svg_series none = {"x", NULL, 0};
    struct svg s = draw(false, &c);

    (void)state;
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 0);
    assert_true(has_text(&s, "No data"));
    assert_true(has_text(&s, "0") && has_text(&s, "2"));
    assert_int_equal(count(&s, "//s:path[@stroke='#333333']"), 1); /* the axes */
    assert_non_null(strstr(s.text, "Bar chart: no data."));
    release(&s);
    /* labels but no values: a zero bar each, and no data */
    c.labels = weeks;
    c.nlabels = 6;
    s = draw(false, &c);
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 6);
    assert_int_equal(count(&s, "//s:rect[@class='bar' and @height='0']"), 6);
    assert_true(has_text(&s, "No data"));
    release(&s);
    c.series = &none;
    c.nseries = 1;
    c.horizontal = true;
    s = draw(false, &c);
    assert_int_equal(count(&s, "//s:rect[@class='bar' and @width='0']"), 6);
    assert_true(has_text(&s, "No data"));
    release(&s);
    /* an empty line chart */
    c.nlabels = 0;
    s = draw(true, &c);
    assert_house_shape(&s);
    assert_true(has_text(&s, "No data"));
    release(&s);
}

static void test_svg_bar_all_zero(void **state)
{
    static const double v[] = {0, 0, 0, 0, 0, 0};
    struct ah_svg_series se = {NULL, v, 6};
    struct ah_svg_chart c = {.title = "Quiet", .labels = weeks, .nlabels = 6, .series = &se,
                             .nseries = 1, .integer = true, .value_labels = true};
    struct svg s = draw(false, &c);

    (void)state;
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:rect[@class='bar' and @height='0']"), 6);
    assert_false(has_text(&s, "No data"));
    assert_true(has_text(&s, "1") && has_text(&s, "2"));
    release(&s);
}

static void test_svg_bar_huge_values(void **state)
{
    static const double v[] = {1e300, 9.2e18, DBL_MAX, 1e15, 1, 0};
    static const double counts[] = {9223372036854775807.0, 4e18, 1e9, 12345678, 999, 0};
    struct ah_svg_series se = {NULL, v, 6};
    struct ah_svg_chart c = {.title = "Huge", .labels = weeks, .nlabels = 6, .series = &se,
                             .nseries = 1, .value_labels = true};
    struct svg s = draw(false, &c);
    double h[6];

    (void)state;
    assert_house_shape(&s);
    bar_lengths(&s, "height", h, 6);
    assert_true(h[0] > 0 && h[2] == 0); /* DBL_MAX is past AH_SVG_MAX_VALUE: missing */
    assert_true(has_text(&s, "1e300"));
    release(&s);
    se.values = counts;
    c.integer = true;
    s = draw(false, &c);
    assert_house_shape(&s);
    bar_lengths(&s, "height", h, 6);
    assert_true(h[0] > h[1] && h[1] > 0 && h[5] == 0);
    assert_true(has_text(&s, "9.22e18"));
    assert_true(has_text(&s, "12.3M"));
    assert_true(has_text(&s, "999"));
    release(&s);
}

static void test_svg_bar_negative_and_missing(void **state)
{
    static const double v[] = {-5, NAN, INFINITY, 3, -INFINITY};
    struct ah_svg_series se = {NULL, v, 5};
    struct ah_svg_chart c = {.title = "Odd", .labels = weeks, .nlabels = 6, .series = &se,
                             .nseries = 1, .value_labels = true};
    struct svg s = draw(false, &c);
    double h[6];

    (void)state;
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 6); /* n 5: the sixth is missing */
    bar_lengths(&s, "height", h, 6);
    assert_true(h[0] == 0 && h[1] == 0 && h[2] == 0 && h[3] > 0 && h[4] == 0 && h[5] == 0);
    assert_text_eq(&s, "(//s:rect[@class='bar'])[1]/s:title", "Oct 5: no data");
    assert_true(has_text(&s, "3"));
    assert_false(has_text(&s, "-5"));
    release(&s);
}

static void test_svg_text_escaped_and_cleaned(void **state)
{
    static const char *const labels[] = {"<b>&amp;\"'</b>", "Größe ÄÖÜ", "日本語のラベル",
                                         "bad \xff\xfe bytes", "cut \xe2\x82", "ctl\x01\x1f\x7f"};
    static const double v[] = {1, 2, 3, 4, 5, 6};
    struct ah_svg_series se = {"a <series> & 'more'", v, 6};
    struct ah_svg_chart c = {.title = "Tom & Jerry's <\"quotes\">", .labels = labels,
                             .nlabels = 6, .series = &se, .nseries = 1,
                             .unit = "<unit>", .width = 1200};
    struct svg s = draw(false, &c);

    (void)state;
    assert_house_shape(&s);
    assert_text_eq(&s, "/s:svg/s:title", "Tom & Jerry's <\"quotes\">");
    assert_true(has_text(&s, "Größe ÄÖÜ"));
    assert_true(has_text(&s, "日本語のラベル"));
    assert_true(has_text(&s, "bad \xef\xbf\xbd\xef\xbf\xbd bytes"));
    assert_true(has_text(&s, "cut \xef\xbf\xbd\xef\xbf\xbd")); /* each byte */
    assert_true(has_text(&s, "ctl   "));
    assert_true(has_text(&s, "<unit>"));
    assert_text_eq(&s, "(//s:rect[@class='bar'])[1]/s:title", "<b>&amp;\"'</b>: 1 <unit>");
    assert_null(strstr(s.text, "<b>"));
    release(&s);
    /* the same texts in a line chart's legend and tooltips */
    c.nseries = 1;
    c.title = "\xc3";
    s = draw(true, &c);
    assert_house_shape(&s);
    assert_text_eq(&s, "/s:svg/s:title", "\xef\xbf\xbd");
    assert_text_eq(&s, "(//s:circle[s:title])[1]/s:title", "a <series> & 'more', <b>&amp;\"'</b>: 1 <unit>");
    release(&s);
}

/* True when s ends with "…" and has at most max characters before it
 * (combining marks, U+0300..U+036F, not counted). */
static bool cut_to(const char *s, size_t max)
{
    size_t n = strlen(s), cps = 0;

    if (n < 3 || strcmp(s + n - 3, ELLIPSIS) != 0)
        return false;
    for (size_t i = 0; i < n - 3; i++)
        cps += ((unsigned char)s[i] & 0xC0) != 0x80 && (unsigned char)s[i] != 0xCC &&
               (unsigned char)s[i] != 0xCD;
    return cps <= max;
}

static void test_svg_long_labels_cut_on_characters(void **state)
{
    char ascii[301], umlauts[401], combining[601];
    const char *labels[6];
    static const double v[] = {1, 2, 3, 4, 5, 6};
    struct ah_svg_series se = {NULL, v, 6};
    struct ah_svg_chart c = {.title = "Cut", .labels = labels, .nlabels = 6, .series = &se,
                             .nseries = 1};
    struct svg s;
    char *t;

    (void)state;
    memset(ascii, 'x', 300);
    ascii[300] = '\0';
    for (int i = 0; i < 200; i++)
        memcpy(umlauts + 2 * i, "\xc3\xa4", 2);
    umlauts[400] = '\0';
    for (int i = 0; i < 200; i++) /* e and a combining acute: never split */
        memcpy(combining + 3 * i, "e\xcc\x81", 3);
    combining[600] = '\0';
    labels[0] = ascii;
    labels[1] = umlauts;
    labels[2] = combining;
    labels[3] = "short";
    labels[4] = "日本語日本語日本語日本語日本語日本語日本語日本語";
    labels[5] = "How do I reset my password when the reset mail never arrives?";
    s = draw(false, &c);
    for (size_t i = 1; i <= 6; i++) {
        char xpath[64];

        snprintf(xpath, sizeof(xpath), "(//s:text[@font-size='12'])[%zu]", i);
        t = text_of(&s, xpath);
        if (i == 4)
            assert_string_equal(t, "short");
        else if (!cut_to(t, 20))
            fail_msg("label %zu not cut: %s", i, t);
        if (i == 3)
            assert_int_equal((strlen(t) - 3) % 3, 0);
        free(t);
    }
    /* the tooltips keep the whole label */
    assert_text_eq(&s, "(//s:rect[@class='bar'])[6]/s:title",
                   "How do I reset my password when the reset mail never arrives?: 6");
    release(&s);
    /* horizontal: half the width is the label column, where the question fits */
    c.horizontal = true;
    c.width = 900;
    s = draw(false, &c);
    assert_house_shape(&s);
    assert_true(has_text(&s, "How do I reset my password when the reset mail never arrives?"));
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 6);
    release(&s);
}

static void test_svg_horizontal_bars(void **state)
{
    static const char *const q[] = {"Password reset", "VPN drops every hour", "Printer offline",
                                    "New laptop request"};
    static const double v[] = {42, 17, 9, 3};
    struct ah_svg_series se = {NULL, v, 4};
    struct ah_svg_chart c = {.title = "Top questions", .labels = q, .nlabels = 4, .series = &se,
                             .nseries = 1, .integer = true, .value_labels = true,
                             .horizontal = true};
    struct svg s = draw(false, &c);
    double w[4];
    char *height;

    (void)state;
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 4);
    bar_lengths(&s, "width", w, 4);
    assert_true(w[0] > w[1] && w[1] > w[2] && w[2] > w[3] && w[3] > 0);
    assert_true(has_text(&s, "VPN drops every hour") && has_text(&s, "42"));
    assert_int_equal(count(&s, "//s:text[@text-anchor='end' and . = 'Printer offline']"), 1);
    height = text_of(&s, "/s:svg/@height");
    assert_string_equal(height, "182"); /* grown to fit 4 rows of 24 */
    free(height);
    release(&s);
}

/* Many bars: one each, labels thinned so they do not collide. */
static void test_svg_bar_many_categories(void **state)
{
    static char names[365][16];
    static const char *labels[365];
    static double v[365];
    struct ah_svg_series se = {NULL, v, 365};
    struct ah_svg_chart c = {.title = "A year of days", .labels = labels, .nlabels = 365,
                             .series = &se, .nseries = 1, .integer = true,
                             .value_labels = true};
    struct svg s;

    (void)state;
    for (int i = 0; i < 365; i++) {
        snprintf(names[i], sizeof(names[i]), "Day %d", i + 1);
        labels[i] = names[i];
        v[i] = i % 17;
    }
    s = draw(false, &c);
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:rect[@class='bar']"), 365);
    assert_true(count(&s, "//s:text[@font-size='12']") < 365 / 5);
    assert_true(has_text(&s, "Day 1"));
    release(&s);
}

/* ---- line charts ---- */

static void test_svg_line_series_legend_and_gaps(void **state)
{
    static const double a[] = {3.5, 4.25, NAN, 2, 2.5, 1.75};
    static const double b[] = {8, 7, 6.5, -1, 5, 4};
    static const double one[] = {1};
    struct ah_svg_series se[] = {{"First response (h)", a, 6}, {"Resolution (h)", b, 6},
                                 {"Lonely", one, 1}};
    struct ah_svg_chart c = {.title = "Hours to respond", .labels = weeks, .nlabels = 6,
                             .series = se, .nseries = 3, .unit = "h"};
    struct svg s = draw(true, &c);
    char *d;

    (void)state;
    assert_house_shape(&s);
    assert_true(has_text(&s, "First response (h)") && has_text(&s, "Resolution (h)"));
    assert_true(has_text(&s, "Lonely"));
    /* markers: 5 circles, 5 squares, 1 triangle, each with a tooltip; the
     * legend has one marker per series more */
    assert_int_equal(count(&s, "//s:circle"), 5 + 1);
    assert_int_equal(count(&s, "//s:circle/s:title"), 5);
    assert_int_equal(count(&s, "//s:path[s:title]"), 5 + 1);
    assert_text_eq(&s, "(//s:circle[s:title])[2]/s:title", "First response (h), Oct 12: 4.3 h");
    /* lines broken at the gaps; a single point draws no line */
    assert_int_equal(count(&s, "//s:path[@fill='none' and @stroke-width='2']"), 2);
    d = text_of(&s, "(//s:path[@fill='none' and @stroke-width='2'])[1]/@d");
    assert_int_equal(d[0], 'M');
    assert_non_null(strchr(d + 1, 'M'));
    free(d);
    assert_true(has_text(&s, "0") && has_text(&s, "4") && has_text(&s, "8"));
    release(&s);
    /* one series: no legend */
    c.nseries = 1;
    s = draw(true, &c);
    assert_false(has_text(&s, "First response (h)"));
    assert_int_equal(count(&s, "//s:circle"), 5);
    release(&s);
}

static void test_svg_line_a_year_of_weeks(void **state)
{
    static char names[53][16];
    static const char *labels[53];
    static double v[8][53];
    struct ah_svg_series se[8];
    struct ah_svg_chart c = {.title = "Weekly", .labels = labels, .nlabels = 53, .series = se,
                             .nseries = 8, .integer = true, .width = 900, .height = 400};
    struct svg s;

    (void)state;
    for (int i = 0; i < 53; i++) {
        snprintf(names[i], sizeof(names[i]), "W%02d", i + 1);
        labels[i] = names[i];
        for (int k = 0; k < 8; k++)
            v[k][i] = (i * (k + 3)) % 41;
    }
    for (int k = 0; k < 8; k++)
        se[k] = (struct ah_svg_series){"A series with a rather long name", v[k], 53};
    s = draw(true, &c);
    assert_house_shape(&s);
    assert_int_equal(count(&s, "//s:path[@fill='none' and @stroke-width='2']"), 8);
    release(&s);
}

/* ---- caps and errors ---- */

static void test_svg_errors_leave_out_unchanged(void **state)
{
    static const double v[] = {1, 2};
    static const char *labels[AH_SVG_MAX_POINTS + 1];
    struct ah_svg_series se[AH_SVG_MAX_SERIES + 1];
    struct ah_svg_chart c = {.title = "T", .labels = weeks, .nlabels = 2, .series = se,
                             .nseries = 1};
    struct ah_error err = {0};
    struct ah_buf out;

    (void)state;
    for (size_t i = 0; i <= AH_SVG_MAX_SERIES; i++)
        se[i] = (struct ah_svg_series){"s", v, 2};
    for (size_t i = 0; i <= AH_SVG_MAX_POINTS; i++)
        labels[i] = "x";
    ah_buf_init(&out, 1 << 20);
    assert_ok(ah_buf_appends(&out, "before", &err));

    c.width = AH_SVG_MIN_SIZE - 1;
    assert_code(AH_E_INVALID, ah_svg_bar(&c, &out, &err));
    assert_non_null(strstr(err.msg, "width 159"));
    c.width = AH_SVG_MAX_SIZE + 1;
    assert_code(AH_E_INVALID, ah_svg_line(&c, &out, &err));
    c.width = AH_SVG_MAX_SIZE;
    c.height = AH_SVG_MIN_SIZE - 1;
    assert_code(AH_E_INVALID, ah_svg_bar(&c, &out, &err));
    c.height = AH_SVG_MIN_SIZE;
    c.nseries = 2;
    assert_code(AH_E_INVALID, ah_svg_bar(&c, &out, &err));
    c.nseries = AH_SVG_MAX_SERIES + 1;
    assert_code(AH_E_TOO_LARGE, ah_svg_line(&c, &out, &err));
    c.nseries = 1;
    c.labels = labels;
    c.nlabels = AH_SVG_MAX_POINTS + 1;
    assert_code(AH_E_TOO_LARGE, ah_svg_bar(&c, &out, &err));
    assert_code(AH_E_TOO_LARGE, ah_svg_line(&c, &out, &err));
    assert_string_equal(ah_buf_cstr(&out), "before");

    /* at the caps: fine, and appended after what out held */
    c.nlabels = AH_SVG_MAX_POINTS;
    c.nseries = AH_SVG_MAX_SERIES;
    assert_ok(ah_svg_line(&c, &out, &err));
    assert_int_equal(strncmp(ah_buf_cstr(&out), "before<?xml", 11), 0);
    c.nseries = 1;
    assert_ok(ah_svg_bar(&c, &out, &err));
    ah_buf_release(&out);

    /* a buffer too small for the document */
    ah_buf_init(&out, 500);
    c.nlabels = 2;
    assert_code(AH_E_TOO_LARGE, ah_svg_bar(&c, &out, &err));
    assert_int_equal(out.len, 0);
    assert_false(out.full);
    ah_buf_release(&out);
}

/* ---- numbers and xmllint ---- */

static void test_svg_numbers_ignore_the_locale(void **state)
{
    static const double v[] = {2.5, 0.125, 1234.5, 0.75};
    struct ah_svg_series se = {NULL, v, 4};
    struct ah_svg_chart c = {.title = "Decimals", .labels = weeks, .nlabels = 4, .series = &se,
                             .nseries = 1, .value_labels = true};
    const char *locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"};
    struct svg s;

    (void)state;
    for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++)
        if (setlocale(LC_NUMERIC, locales[i]))
            break;
    s = draw(false, &c);
    setlocale(LC_NUMERIC, "C");
    assert_house_shape(&s);
    assert_true(has_text(&s, "2.5"));
    assert_true(has_text(&s, "0.13"));
    assert_true(has_text(&s, "1235"));
    assert_true(has_text(&s, "0.75"));
    assert_true(has_text(&s, "500") && has_text(&s, "1500"));
    assert_null(strstr(s.text, ",5"));
    release(&s);
    /* k for thousands on the axis */
    se.values = (const double[]){12000, 48000, 30500, 5};
    s = draw(false, &c);
    assert_true(has_text(&s, "20k") && has_text(&s, "40k"));
    release(&s);
}

static void test_svg_xmllint_accepts_a_sample(void **state)
{
    static const char *const labels[] = {"<&>", "Größe", "日本"};
    static const double v[] = {1, 2, 3};
    struct ah_svg_series se[] = {{"one", v, 3}, {"two & 'three'", v, 2}};
    struct ah_svg_chart c = {.title = "lint \"me\"", .labels = labels, .nlabels = 3,
                             .series = se, .nseries = 1, .value_labels = true};
    char path[] = "/tmp/ah_svg_XXXXXX";
    char cmd[256];
    int fd;

    (void)state;
    if (system("command -v xmllint >/dev/null 2>&1") != 0)
        skip();
    for (int kind = 0; kind < 2; kind++) {
        char *text;
        FILE *f;

        c.nseries = kind ? 2 : 1;
        text = render(kind, &c);
        fd = mkstemp(path);
        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "xmllint --noout --nonet '%s'", path);
        assert_int_equal(system(cmd), 0);
        unlink(path);
        memcpy(path + strlen(path) - 6, "XXXXXX", 6);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svg_ticks_known_values),
        cmocka_unit_test(test_svg_ticks_always_nice),
        cmocka_unit_test(test_svg_bar_normal),
        cmocka_unit_test(test_svg_bar_empty_says_no_data),
        cmocka_unit_test(test_svg_bar_all_zero),
        cmocka_unit_test(test_svg_bar_huge_values),
        cmocka_unit_test(test_svg_bar_negative_and_missing),
        cmocka_unit_test(test_svg_text_escaped_and_cleaned),
        cmocka_unit_test(test_svg_long_labels_cut_on_characters),
        cmocka_unit_test(test_svg_horizontal_bars),
        cmocka_unit_test(test_svg_bar_many_categories),
        cmocka_unit_test(test_svg_line_series_legend_and_gaps),
        cmocka_unit_test(test_svg_line_a_year_of_weeks),
        cmocka_unit_test(test_svg_errors_leave_out_unchanged),
        cmocka_unit_test(test_svg_numbers_ignore_the_locale),
        cmocka_unit_test(test_svg_xmllint_accepts_a_sample),
    };
    int rc = cmocka_run_group_tests_name("svg", tests, NULL, NULL);

    xmlCleanupParser();
    return rc;
}
