/* svg.c - bar and line charts as SVG 1.1 documents. Owns the layout, the
 * nice ticks, the number formats and the text rules: cleaning to what XML
 * allows, width estimates for Helvetica, cutting with "…". The XML is written
 * by hand; every text goes through put_text. Numbers never go through %f or
 * %g, whose decimal point follows the locale. */
#include "core/svg.h"

#include <assert.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_W 640
#define DEFAULT_H 360
#define PAD 16.0
#define TITLE_PX 16.0
#define LABEL_PX 12.0
#define TICK_PX 11.0
#define LEGEND_ROW 20.0
#define BAR_ROW 24.0    /* a horizontal bar's row when the height is left to us */
#define LABEL_MIN 40.0  /* room under which x labels are thinned out */
#define DESC_ITEMS 30   /* categories listed in a made-up <desc> */
#define NUM_MAX 48      /* a formatted number */
#define ELLIPSIS "\xe2\x80\xa6"

/* dark enough for 3:1 on white (WCAG 1.4.11), apart in hue and in grey */
static const char *const colours[] = {"#1f5fa8", "#c2410c", "#2e7d32", "#7b3fa0", "#4d4d4d"};
#define NCOLOURS (sizeof(colours) / sizeof(colours[0]))
#define NSHAPES 4

/* How tick labels are written: v / div with dec decimals, then suffix. */
struct numfmt {
    double div;
    int dec;
    char suffix[8];
};

struct chart {
    const struct ah_svg_chart *c;
    struct ah_buf *b;   /* the document */
    struct ah_buf text; /* scratch: one cleaned text */
    int w, h;
    double left, right, top, bottom; /* the plot area */
    double head;                     /* below the title (and legend) */
    struct ah_svg_ticks t;
    struct numfmt tf;
    bool empty; /* no value present */
    char id[16];
};

/* ---- numbers ---- */

static bool present(double v)
{
    return isfinite(v) && v >= 0 && v <= AH_SVG_MAX_VALUE;
}

static double value_at(const struct ah_svg_series *s, size_t i)
{
    return s && s->values && i < s->n ? s->values[i] : NAN;
}

/* v rounded to dec (0..9) decimals, '.' for the point, no trailing zeros;
 * |v| * 10^dec stays below 9e18 at every caller. */
static const char *fixed(char out[NUM_MAX], double v, int dec)
{
    int64_t p = 1, q, ip, fp;
    double r;

    for (int i = 0; i < dec; i++)
        p *= 10;
    r = round(fabs(v) * (double)p);
    q = r < 9e18 ? (int64_t)r : INT64_C(9000000000000000000);
    ip = q / p;
    fp = q % p;
    while (dec > 0 && fp % 10 == 0) {
        fp /= 10;
        dec--;
    }
    if (dec)
        snprintf(out, NUM_MAX, "%s%" PRId64 ".%0*" PRId64, v < 0 && q ? "-" : "", ip, dec, fp);
    else
        snprintf(out, NUM_MAX, "%s%" PRId64, v < 0 && q ? "-" : "", ip);
    return out;
}

/* A coordinate or length in pixels. */
static const char *px(char out[NUM_MAX], double v)
{
    return fixed(out, v, 1);
}

/* Decimals that x (> 0) needs, up to 6. */
static int decimals_for(double x)
{
    int d = 0;
    double s = x;

    while (d < 6 && fabs(s - round(s)) > 1e-6 * s) {
        s *= 10;
        d++;
    }
    return d;
}

/* Scales a number of magnitude a (> 0) into f: 1.5e18, 2T, 3.5B, 12M, 25k. */
static void scale_for(double a, double k_from, struct numfmt *f)
{
    static const struct {
        double at;
        const char *suffix;
    } scales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};

    f->div = 1;
    f->suffix[0] = '\0';
    if (a >= 1e15 || (a > 0 && a < 1e-4)) {
        int e = (int)floor(log10(a));

        f->div = pow(10, e);
        snprintf(f->suffix, sizeof(f->suffix), "e%d", e);
        return;
    }
    for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
        if (a >= scales[i].at && a >= k_from) {
            f->div = scales[i].at;
            snprintf(f->suffix, sizeof(f->suffix), "%s", scales[i].suffix);
            return;
        }
}

static const char *format(char out[NUM_MAX], double v, const struct numfmt *f)
{
    size_t n;

    fixed(out, v / f->div, f->dec);
    n = strlen(out);
    if (v != 0)
        snprintf(out + n, NUM_MAX - n, "%s", f->suffix);
    return out;
}

/* A value as a bar label or in a tooltip. */
static const char *format_value(char out[NUM_MAX], double v, bool integer)
{
    struct numfmt f;
    double a = fabs(v);

    scale_for(a, 1e6, &f);
    if (f.div != 1)
        f.dec = a >= 1e15 ? 2 : 1;
    else if (integer || a >= 100 || a == 0)
        f.dec = 0;
    else if (a >= 1)
        f.dec = 1;
    else
        f.dec = (int)fmin(6, 1 - floor(log10(a)));
    return format(out, v, &f);
}

void ah_svg_nice_ticks(double max, bool integer, struct ah_svg_ticks *out)
{
    static const double steps[] = {1, 2, 2.5, 5};
    double mag;

    out->step = 1;
    out->n = 2;
    if (!(max > 0) || max > AH_SVG_MAX_VALUE)
        return;
    mag = pow(10, floor(log10(max / 4)));
    if (!(mag > 0))
        mag = DBL_MIN;
    if (integer && mag < 1)
        mag = 1;
    /* the first step that covers max in 4 intervals; the one before it needed
     * more than 4 and is at most 2.5 times smaller, so this needs at least 2 */
    for (int k = 0; k < 3; k++, mag *= 10)
        for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
            double s = steps[i] * mag;

            if (integer && steps[i] == 2.5 && mag < 10)
                continue;
            if (max <= 4 * s * (1 + 1e-9)) {
                out->step = s;
                out->n = (int)fmax(2, ceil(max / s * (1 - 1e-9)));
                return;
            }
        }
}

/* ---- text ---- */

static bool continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The code point at p[0..n) (n > 0) and its length in *len: U+FFFD and 1
 * for bytes that are not well-formed UTF-8. */
static uint32_t decode(const unsigned char *p, size_t n, size_t *len)
{
    static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    uint32_t c = p[0];
    size_t k = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;

    *len = 1;
    if (c < 0x80)
        return c;
    if (!k || k >= n)
        return 0xFFFD;
    c &= 0x3Fu >> k;
    for (size_t i = 1; i <= k; i++) {
        if (!continuation(p[i]))
            return 0xFFFD;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    if (c < min[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0xFFFD;
    *len = k + 1;
    return c;
}

static void put_cp(struct ah_buf *b, uint32_t c)
{
    unsigned char u[4];
    size_t n;

    if (c < 0x80) {
        u[0] = (unsigned char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (unsigned char)(0xC0 | c >> 6);
        u[1] = (unsigned char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (unsigned char)(0xE0 | c >> 12);
        u[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        u[2] = (unsigned char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | c >> 18);
        u[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
        u[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        u[3] = (unsigned char)(0x80 | (c & 0x3F));
        n = 4;
    }
    ah_buf_append(b, u, n, NULL);
}

/* s into b (emptied first) as text XML 1.0 takes: well-formed UTF-8, control
 * characters as spaces, no U+FFFE or U+FFFF; at most AH_SVG_MAX_TEXT bytes of
 * s are read, ending on a character boundary. */
static void clean(const char *s, struct ah_buf *b)
{
    size_t n = s ? strnlen(s, AH_SVG_MAX_TEXT + 1) : 0, len;

    if (n > AH_SVG_MAX_TEXT)
        for (n = AH_SVG_MAX_TEXT; n > 0 && continuation((unsigned char)s[n]);)
            n--;
    ah_buf_reset(b);
    ah_buf_append(b, "", 0, NULL); /* "" rather than NULL when s is empty */
    for (size_t i = 0; i < n; i += len) {
        uint32_t c = decode((const unsigned char *)s + i, n - i, &len);

        if (c < 0x20 || (c >= 0x7F && c < 0xA0))
            c = ' ';
        else if (c == 0xFFFE || c == 0xFFFF)
            c = 0xFFFD;
        put_cp(b, c);
    }
}

static bool wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || c >= 0x20000;
}

/* The advance of c in Helvetica, in em, rounded up a little: a label is
 * better cut early than spilling onto the next. */
static double em_of(uint32_t c)
{
    if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F))
        return 0;
    if (wide(c))
        return 1.0;
    if (c >= 0x80)
        return 0.62;
    if (strchr(" ilj.,:;'|!", (int)c))
        return 0.28;
    if (strchr("frtI()[]-/", (int)c))
        return 0.36;
    if (strchr("mwMW@", (int)c))
        return 0.86;
    if (c >= 'A' && c <= 'Z')
        return 0.7;
    return 0.57;
}

/* The width of clean text s at px pixels to the em. */
static double width_of(const char *s, double size)
{
    size_t n = strlen(s), len;
    double em = 0;

    for (size_t i = 0; i < n; i += len)
        em += em_of(decode((const unsigned char *)s + i, n - i, &len));
    return em * size;
}

/* Appends clean text s[0..n) escaped for XML text and attribute values. */
static void put_esc(struct ah_buf *b, const char *s, size_t n)
{
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&'   ? "&amp;"
                          : s[i] == '<' ? "&lt;"
                          : s[i] == '>' ? "&gt;"
                          : s[i] == '"' ? "&quot;"
                          : s[i] == '\'' ? "&#39;"
                                         : NULL;

        if (!rep)
            continue;
        ah_buf_append(b, s + run, i - run, NULL);
        ah_buf_appends(b, rep, NULL);
        run = i + 1;
    }
    ah_buf_append(b, s + run, n - run, NULL);
}

void ah_svg_escape(struct ah_buf *out, const char *s)
{
    struct ah_buf clear;

    ah_buf_init(&clear, 4 * AH_SVG_MAX_TEXT + 16);
    clean(s, &clear);
    put_esc(out, ah_buf_str(&clear).p, ah_buf_str(&clear).len);
    ah_buf_release(&clear);
}

/* Appends clean text s escaped, cut to at most room pixels wide at size:
 * whole characters (with their combining marks) then "…". */
static void put_fit(struct ah_buf *b, const char *s, double size, double room)
{
    size_t n = strlen(s), len, cut = 0;
    double em = 0, max = room / size - em_of(0x2026);

    if (width_of(s, size) <= room) {
        put_esc(b, s, n);
        return;
    }
    for (size_t i = 0; i < n; i += len) {
        em += em_of(decode((const unsigned char *)s + i, n - i, &len));
        if (em > max)
            break;
        cut = i + len;
    }
    while (cut > 0 && s[cut - 1] == ' ')
        cut--;
    put_esc(b, s, cut);
    ah_buf_appends(b, ELLIPSIS, NULL);
}

/* Appends raw (any bytes, NULL as "") cleaned and escaped, cut to room. */
static void put_text(struct chart *ch, const char *raw, double size, double room)
{
    clean(raw, &ch->text);
    put_fit(ch->b, ah_buf_cstr(&ch->text), size, room);
}

/* The width raw would take at size, once cleaned. */
static double text_width(struct chart *ch, const char *raw, double size)
{
    clean(raw, &ch->text);
    return width_of(ah_buf_cstr(&ch->text), size);
}

/* <text> at x, y with the given anchor ("" for the start), size (bold at the
 * title's) and colour, holding raw cut to room pixels. */
static void put_label(struct chart *ch, double x, double y, const char *anchor, double size,
                      const char *fill, const char *raw, double room)
{
    char sx[NUM_MAX], sy[NUM_MAX], ss[NUM_MAX];

    ah_buf_appendf(ch->b, NULL, "<text x=\"%s\" y=\"%s\" font-size=\"%s\" fill=\"%s\"%s%s%s%s>",
                   px(sx, x), px(sy, y), px(ss, size), fill, *anchor ? " text-anchor=\"" : "",
                   anchor, *anchor ? "\"" : "", size >= TITLE_PX ? " font-weight=\"bold\"" : "");
    put_text(ch, raw, size, room);
    ah_buf_appends(ch->b, "</text>\n", NULL);
}

/* <title>label: value unit</title>, the tooltip of a bar or point. */
static void put_tip(struct chart *ch, const char *series, const char *label, double v)
{
    char num[NUM_MAX];
    const char *unit = ch->c->unit && *ch->c->unit ? ch->c->unit : NULL;

    ah_buf_appends(ch->b, "<title>", NULL);
    if (series && *series) {
        put_text(ch, series, 1, AH_SVG_MAX_TEXT);
        ah_buf_appends(ch->b, ", ", NULL);
    }
    put_text(ch, label, 1, AH_SVG_MAX_TEXT);
    ah_buf_appendf(ch->b, NULL, ": %s",
                   present(v) ? format_value(num, v, ch->c->integer) : "no data");
    if (unit) {
        ah_buf_appends(ch->b, " ", NULL);
        put_text(ch, unit, 1, AH_SVG_MAX_TEXT);
    }
    ah_buf_appends(ch->b, "</title>", NULL);
}

/* ---- the document ---- */

static const char *label_at(const struct ah_svg_chart *c, size_t i)
{
    return c->labels[i] ? c->labels[i] : "";
}

/* An id for the title and desc, from what the chart shows, so that two
 * charts inlined in one HTML page rarely share one. */
static void make_id(struct chart *ch)
{
    uint32_t h = 2166136261u;
    const char *s = ch->c->title ? ch->c->title : "";

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    for (size_t i = 0; i < ch->c->nlabels; i++)
        for (s = label_at(ch->c, i); *s; s++)
            h = (h ^ (unsigned char)*s) * 16777619u;
    snprintf(ch->id, sizeof(ch->id), "ahc%08" PRIx32, h);
}

/* The made-up <desc>: each category and its first series' value. */
static void put_summary(struct chart *ch, const char *kind)
{
    const struct ah_svg_chart *c = ch->c;
    char num[NUM_MAX];

    ah_buf_appendf(ch->b, NULL, "%s chart", kind);
    if (ch->empty) {
        ah_buf_appends(ch->b, ": no data.", NULL);
        return;
    }
    for (size_t s = 0; s < c->nseries; s++) {
        ah_buf_appends(ch->b, ". ", NULL);
        if (c->series[s].name && *c->series[s].name) {
            put_text(ch, c->series[s].name, 1, 40);
            ah_buf_appends(ch->b, ": ", NULL);
        }
        for (size_t i = 0; i < c->nlabels && i < DESC_ITEMS; i++) {
            double v = value_at(&c->series[s], i);

            ah_buf_appends(ch->b, i ? "; " : "", NULL);
            put_text(ch, label_at(c, i), 1, 40);
            ah_buf_appendf(ch->b, NULL, " %s",
                           present(v) ? format_value(num, v, c->integer) : "missing");
        }
        if (c->nlabels > DESC_ITEMS)
            ah_buf_appendf(ch->b, NULL, "; and %zu more", c->nlabels - DESC_ITEMS);
    }
    ah_buf_appends(ch->b, ".", NULL);
}

static void begin(struct chart *ch, const char *kind)
{
    make_id(ch);
    ah_buf_appendf(ch->b, NULL,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
                   "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
                   "font-family=\"Helvetica, Arial, sans-serif\">\n<title id=\"%s-t\">",
                   ch->w, ch->h, ch->w, ch->h, ch->id, ch->id, ch->id);
    put_text(ch, ch->c->title, 1, AH_SVG_MAX_TEXT);
    ah_buf_appendf(ch->b, NULL, "</title>\n<desc id=\"%s-d\">", ch->id);
    if (ch->c->desc)
        put_text(ch, ch->c->desc, 1, AH_SVG_MAX_TEXT);
    else
        put_summary(ch, kind);
    ah_buf_appendf(ch->b, NULL,
                   "</desc>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", ch->w, ch->h);
    put_label(ch, PAD, PAD + TITLE_PX - 2, "", TITLE_PX, "#111111", ch->c->title,
              ch->w - 2 * PAD);
}

/* ---- axes ---- */

/* The ticks for the largest value present in any series, and how their
 * labels are written. */
static void scale_values(struct chart *ch)
{
    const struct ah_svg_chart *c = ch->c;
    double max = 0, top;

    ch->empty = true;
    for (size_t s = 0; s < c->nseries; s++)
        for (size_t i = 0; i < c->nlabels; i++) {
            double v = value_at(&c->series[s], i);

            if (present(v)) {
                ch->empty = false;
                max = fmax(max, v);
            }
        }
    ah_svg_nice_ticks(max, c->integer, &ch->t);
    top = ch->t.step * ch->t.n;
    scale_for(top, 1e4, &ch->tf);
    ch->tf.dec = decimals_for(ch->t.step / ch->tf.div);
}

static double tick_value(const struct chart *ch, int i)
{
    return ch->t.step * i;
}

/* The widest tick label, in pixels. */
static double tick_width(struct chart *ch)
{
    char num[NUM_MAX];
    double w = 0;

    for (int i = 0; i <= ch->t.n; i++)
        w = fmax(w, text_width(ch, format(num, tick_value(ch, i), &ch->tf), TICK_PX));
    return w;
}

/* The unit over the value axis, and the space it takes above the plot. */
static void put_unit(struct chart *ch)
{
    if (ch->c->unit && *ch->c->unit)
        put_label(ch, PAD, ch->top - 10, "", TICK_PX, "#555555", ch->c->unit,
                  ch->w - 2 * PAD);
}

static double unit_room(const struct chart *ch)
{
    return ch->c->unit && *ch->c->unit ? 24 : 12;
}

/* Grid lines across the plot at each tick of a vertical value axis, their
 * labels at the left, and the axis lines. */
static void put_y_axis(struct chart *ch)
{
    char num[NUM_MAX], s1[NUM_MAX], s2[NUM_MAX], s3[NUM_MAX], s4[NUM_MAX];
    double span = ch->bottom - ch->top;

    ah_buf_appends(ch->b, "<g stroke=\"#dddddd\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n",
                   NULL);
    for (int i = 1; i <= ch->t.n; i++) {
        double y = round(ch->bottom - span * i / ch->t.n) + 0.5;

        ah_buf_appendf(ch->b, NULL, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
                       px(s1, ch->left), px(s2, y), px(s3, ch->right), px(s4, y));
    }
    ah_buf_appends(ch->b, "</g>\n", NULL);
    for (int i = 0; i <= ch->t.n; i++)
        put_label(ch, ch->left - 6, ch->bottom - span * i / ch->t.n + 4, "end", TICK_PX,
                  "#555555", format(num, tick_value(ch, i), &ch->tf), ch->left);
}

/* The same for a horizontal value axis along the bottom. */
static void put_x_axis(struct chart *ch)
{
    char num[NUM_MAX], s1[NUM_MAX], s2[NUM_MAX], s3[NUM_MAX], s4[NUM_MAX];
    double span = ch->right - ch->left;

    ah_buf_appends(ch->b, "<g stroke=\"#dddddd\" stroke-width=\"1\" shape-rendering=\"crispEdges\">\n",
                   NULL);
    for (int i = 1; i <= ch->t.n; i++) {
        double x = round(ch->left + span * i / ch->t.n) + 0.5;

        ah_buf_appendf(ch->b, NULL, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"/>\n",
                       px(s1, x), px(s2, ch->top), px(s3, x), px(s4, ch->bottom));
    }
    ah_buf_appends(ch->b, "</g>\n", NULL);
    for (int i = 0; i <= ch->t.n; i++)
        put_label(ch, ch->left + span * i / ch->t.n, ch->bottom + 15, "middle", TICK_PX,
                  "#555555", format(num, tick_value(ch, i), &ch->tf), span / ch->t.n);
}

/* The axis lines at the plot's left and bottom, drawn over the bars. */
static void put_axis_lines(struct chart *ch)
{
    char s1[NUM_MAX], s2[NUM_MAX], s3[NUM_MAX], s4[NUM_MAX];
    double x = round(ch->left) + 0.5, y = round(ch->bottom) + 0.5;

    ah_buf_appendf(ch->b, NULL,
                   "<path d=\"M%s %sV%sH%s\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\" "
                   "shape-rendering=\"crispEdges\"/>\n",
                   px(s1, x), px(s2, ch->top), px(s3, y), px(s4, ch->right));
}

/* Every stride-th label under n slots across the plot: as many as fit. */
static void put_x_labels(struct chart *ch, size_t n)
{
    double slot = (ch->right - ch->left) / (double)n;
    size_t stride = (size_t)ceil(LABEL_MIN / slot);

    if (stride < 1)
        stride = 1;
    for (size_t i = 0; i < n; i += stride)
        put_label(ch, ch->left + slot * ((double)i + 0.5), ch->bottom + 16, "middle", LABEL_PX,
                  "#333333", label_at(ch->c, i), slot * (double)stride - 4);
}

static void put_no_data(struct chart *ch)
{
    /* over the middle grid line rather than struck through by it */
    put_label(ch, (ch->left + ch->right) / 2, (ch->top + ch->bottom) / 2 - 8, "middle", 14,
              "#555555", "No data", ch->right - ch->left);
}

/* Where value v lies along a value axis of length span. */
static double along(const struct chart *ch, double v, double span)
{
    return present(v) ? fmin(span, v / (ch->t.step * ch->t.n) * span) : 0;
}

/* ---- checks and the end ---- */

static enum ah_err check(const struct ah_svg_chart *c, size_t max_series, struct ah_error *err)
{
    assert(c->labels || !c->nlabels);
    assert(c->series || !c->nseries);
    if (c->width && (c->width < AH_SVG_MIN_SIZE || c->width > AH_SVG_MAX_SIZE))
        return ah_error_set(err, AH_E_INVALID, "chart width %d is not within %d..%d", c->width,
                            AH_SVG_MIN_SIZE, AH_SVG_MAX_SIZE);
    if (c->height && (c->height < AH_SVG_MIN_SIZE || c->height > AH_SVG_MAX_SIZE))
        return ah_error_set(err, AH_E_INVALID, "chart height %d is not within %d..%d", c->height,
                            AH_SVG_MIN_SIZE, AH_SVG_MAX_SIZE);
    if (c->nlabels > AH_SVG_MAX_POINTS)
        return ah_error_set(err, AH_E_TOO_LARGE, "chart of %zu labels, more than %d", c->nlabels,
                            AH_SVG_MAX_POINTS);
    if (c->nseries > max_series)
        return ah_error_set(err, max_series == 1 ? AH_E_INVALID : AH_E_TOO_LARGE,
                            "chart of %zu series, more than %zu", c->nseries, max_series);
    return AH_OK;
}

static void chart_init(struct chart *ch, const struct ah_svg_chart *c, struct ah_buf *doc,
                       const struct ah_buf *out)
{
    memset(ch, 0, sizeof(*ch));
    ch->c = c;
    ch->b = doc;
    ch->w = c->width ? c->width : DEFAULT_W;
    ch->h = c->height ? c->height : DEFAULT_H;
    ch->head = PAD + TITLE_PX + 8;
    ah_buf_init(doc, out->max - out->len);
    ah_buf_init(&ch->text, AH_SVG_MAX_TEXT * 4 + 16);
    scale_values(ch);
}

/* Closes the document and appends it to out: all of it, or nothing. */
static enum ah_err finish(struct chart *ch, struct ah_buf *out, struct ah_error *err)
{
    enum ah_err rc;

    ah_buf_appends(ch->b, "</svg>\n", NULL);
    if (ch->b->full)
        rc = ah_error_set(err, AH_E_TOO_LARGE, "chart longer than the %zu bytes left",
                          ch->b->max);
    else
        rc = ah_buf_append(out, ch->b->p, ch->b->len, err);
    ah_buf_release(ch->b);
    ah_buf_release(&ch->text);
    return rc;
}

/* ---- bar charts ---- */

static void put_bar(struct chart *ch, size_t i, double x, double y, double w, double h)
{
    char s1[NUM_MAX], s2[NUM_MAX], s3[NUM_MAX], s4[NUM_MAX];

    ah_buf_appendf(ch->b, NULL, "<rect class=\"bar\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\">",
                   px(s1, x), px(s2, y), px(s3, w), px(s4, h));
    put_tip(ch, NULL, label_at(ch->c, i), value_at(ch->c->series, i));
    ah_buf_appends(ch->b, "</rect>\n", NULL);
}

static void vertical_bars(struct chart *ch)
{
    const struct ah_svg_chart *c = ch->c;
    char num[NUM_MAX];
    double slot = (ch->right - ch->left) / (double)c->nlabels, span = ch->bottom - ch->top;
    double bw = fmax(1, slot * 0.7);

    ah_buf_appendf(ch->b, NULL, "<g fill=\"%s\">\n", colours[0]);
    for (size_t i = 0; i < c->nlabels; i++) {
        double h = along(ch, value_at(c->series, i), span);

        put_bar(ch, i, ch->left + slot * (double)i + (slot - bw) / 2, ch->bottom - h, bw, h);
    }
    ah_buf_appends(ch->b, "</g>\n", NULL);
    for (size_t i = 0; c->value_labels && i < c->nlabels; i++) {
        double v = value_at(c->series, i);

        if (present(v) && width_of(format_value(num, v, c->integer), TICK_PX) <= slot)
            put_label(ch, ch->left + slot * ((double)i + 0.5), ch->bottom - along(ch, v, span) - 4,
                      "middle", TICK_PX, "#222222", num, slot);
    }
    put_x_labels(ch, c->nlabels);
}

static void layout_vertical(struct chart *ch)
{
    ch->top = ch->head + unit_room(ch);
    ch->bottom = ch->h - PAD - 20;
    ch->left = PAD + tick_width(ch) + 8;
    ch->right = ch->w - PAD;
}

/* The widest category label, and the widest value label when shown. */
static void label_widths(struct chart *ch, double *labels, double *values)
{
    char num[NUM_MAX];

    *labels = *values = 0;
    for (size_t i = 0; i < ch->c->nlabels; i++) {
        double v = value_at(ch->c->series, i);

        *labels = fmax(*labels, text_width(ch, label_at(ch->c, i), LABEL_PX));
        if (ch->c->value_labels && present(v))
            *values = fmax(*values, width_of(format_value(num, v, ch->c->integer), TICK_PX));
    }
}

static void layout_horizontal(struct chart *ch)
{
    double labels, values;

    label_widths(ch, &labels, &values);
    if (!ch->c->height)
        ch->h = (int)fmin(AH_SVG_MAX_SIZE,
                          fmax(AH_SVG_MIN_SIZE, ch->head + unit_room(ch) +
                                                    BAR_ROW * (double)ch->c->nlabels + PAD + 18));
    ch->top = ch->head + unit_room(ch);
    ch->bottom = ch->h - PAD - 18;
    ch->left = PAD + fmin(labels, 0.5 * (ch->w - 2 * PAD)) + 8;
    ch->right = ch->w - PAD - fmax(values + 6, tick_width(ch) / 2);
}

static void horizontal_bars(struct chart *ch)
{
    const struct ah_svg_chart *c = ch->c;
    char num[NUM_MAX];
    double row = (ch->bottom - ch->top) / (double)c->nlabels, span = ch->right - ch->left;
    double bh = fmax(1, row * 0.7);
    size_t stride = (size_t)fmax(1, ceil(LABEL_PX / row));

    ah_buf_appendf(ch->b, NULL, "<g fill=\"%s\">\n", colours[0]);
    for (size_t i = 0; i < c->nlabels; i++)
        put_bar(ch, i, ch->left, ch->top + row * (double)i + (row - bh) / 2,
                along(ch, value_at(c->series, i), span), bh);
    ah_buf_appends(ch->b, "</g>\n", NULL);
    for (size_t i = 0; i < c->nlabels; i += stride)
        put_label(ch, ch->left - 8, ch->top + row * ((double)i + 0.5) + 4, "end", LABEL_PX,
                  "#333333", label_at(c, i), ch->left - 8 - PAD);
    for (size_t i = 0; c->value_labels && i < c->nlabels && row >= TICK_PX; i++) {
        double v = value_at(c->series, i);

        if (present(v))
            put_label(ch, ch->left + along(ch, v, span) + 4, ch->top + row * ((double)i + 0.5) + 4,
                      "", TICK_PX, "#222222", format_value(num, v, c->integer), ch->w);
    }
}

enum ah_err ah_svg_bar(const struct ah_svg_chart *c, struct ah_buf *out, struct ah_error *err)
{
    struct chart ch;
    struct ah_buf doc;
    enum ah_err rc = check(c, 1, err);

    if (rc)
        return rc;
    chart_init(&ch, c, &doc, out);
    if (c->horizontal && c->nlabels) {
        layout_horizontal(&ch);
        begin(&ch, "Bar");
        put_unit(&ch);
        put_x_axis(&ch);
        horizontal_bars(&ch);
    } else {
        layout_vertical(&ch);
        begin(&ch, "Bar");
        put_unit(&ch);
        put_y_axis(&ch);
        if (c->nlabels)
            vertical_bars(&ch);
    }
    put_axis_lines(&ch);
    if (ch.empty)
        put_no_data(&ch);
    return finish(&ch, out, err);
}

/* ---- line charts ---- */

/* The marker of series s at x, y: circle, square, triangle, diamond. */
static void put_marker(struct chart *ch, size_t s, double x, double y)
{
    char s1[NUM_MAX], s2[NUM_MAX];

    switch (s % NSHAPES) {
    case 0:
        ah_buf_appendf(ch->b, NULL, "<circle cx=\"%s\" cy=\"%s\" r=\"3.5\">", px(s1, x), px(s2, y));
        break;
    case 1:
        ah_buf_appendf(ch->b, NULL, "<path d=\"M%s %sh7v7h-7z\">", px(s1, x - 3.5), px(s2, y - 3.5));
        break;
    case 2:
        ah_buf_appendf(ch->b, NULL, "<path d=\"M%s %sl4.5 8h-9z\">", px(s1, x), px(s2, y - 4.5));
        break;
    default:
        ah_buf_appendf(ch->b, NULL, "<path d=\"M%s %sl4.5 4.5l-4.5 4.5l-4.5 -4.5z\">", px(s1, x),
                       px(s2, y - 4.5));
        break;
    }
}

static double point_x(const struct chart *ch, size_t i)
{
    return ch->left + (ch->right - ch->left) / (double)ch->c->nlabels * ((double)i + 0.5);
}

/* True when series s has two points present side by side: a line to draw. */
static bool has_segment(const struct chart *ch, const struct ah_svg_series *se)
{
    for (size_t i = 1; i < ch->c->nlabels; i++)
        if (present(value_at(se, i - 1)) && present(value_at(se, i)))
            return true;
    return false;
}

/* Series s's line, broken where a value is missing. */
static void put_line(struct chart *ch, size_t s)
{
    const struct ah_svg_series *se = &ch->c->series[s];
    char s1[NUM_MAX], s2[NUM_MAX];
    double span = ch->bottom - ch->top;

    if (!has_segment(ch, se))
        return;
    ah_buf_appendf(ch->b, NULL,
                   "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\" "
                   "stroke-linecap=\"round\" d=\"",
                   colours[s % NCOLOURS]);
    for (size_t i = 0; i < ch->c->nlabels; i++) {
        double v = value_at(se, i);

        if (present(v))
            ah_buf_appendf(ch->b, NULL, "%s%s %s", i && present(value_at(se, i - 1)) ? "L" : "M",
                           px(s1, point_x(ch, i)), px(s2, ch->bottom - along(ch, v, span)));
    }
    ah_buf_appends(ch->b, "\"/>\n", NULL);
}

/* Series s's markers, each with its tooltip. */
static void put_points(struct chart *ch, size_t s)
{
    const struct ah_svg_series *se = &ch->c->series[s];
    double span = ch->bottom - ch->top;

    ah_buf_appendf(ch->b, NULL, "<g fill=\"%s\">\n", colours[s % NCOLOURS]);
    for (size_t i = 0; i < ch->c->nlabels; i++) {
        double v = value_at(se, i);

        if (!present(v))
            continue;
        put_marker(ch, s, point_x(ch, i), ch->bottom - along(ch, v, span));
        put_tip(ch, se->name, label_at(ch->c, i), v);
        ah_buf_appends(ch->b, s % NSHAPES ? "</path>\n" : "</circle>\n", NULL);
    }
    ah_buf_appends(ch->b, "</g>\n", NULL);
}

/* One legend entry at x, baseline y: a stroke with the marker, the name. */
static void put_key(struct chart *ch, size_t s, double x, double y, double room)
{
    char s1[NUM_MAX], s2[NUM_MAX];

    ah_buf_appendf(ch->b, NULL,
                   "<path d=\"M%s %sh20\" stroke=\"%s\" stroke-width=\"2\"/>\n<g fill=\"%s\">",
                   px(s1, x), px(s2, y - 4), colours[s % NCOLOURS], colours[s % NCOLOURS]);
    put_marker(ch, s, x + 10, y - 4);
    ah_buf_appends(ch->b, s % NSHAPES ? "</path></g>\n" : "</circle></g>\n", NULL);
    put_label(ch, x + 26, y, "", LABEL_PX, "#333333", ch->c->series[s].name, room);
}

/* The legend under the title, wrapped to the width; writes it when draw,
 * and returns the height it takes. */
static double legend(struct chart *ch, bool draw)
{
    double x = PAD, y = ch->head + LABEL_PX, max = ch->w - 2 * PAD;

    if (ch->c->nseries < 2)
        return 0;
    for (size_t s = 0; s < ch->c->nseries; s++) {
        double need = 26 + fmin(text_width(ch, ch->c->series[s].name, LABEL_PX), max / 2) + 16;

        if (x > PAD && x + need > PAD + max) {
            x = PAD;
            y += LEGEND_ROW;
        }
        if (draw)
            put_key(ch, s, x, y, need - 42);
        x += need;
    }
    return y - ch->head + 8;
}

enum ah_err ah_svg_line(const struct ah_svg_chart *c, struct ah_buf *out, struct ah_error *err)
{
    struct chart ch;
    struct ah_buf doc;
    enum ah_err rc = check(c, AH_SVG_MAX_SERIES, err);

    if (rc)
        return rc;
    chart_init(&ch, c, &doc, out);
    layout_vertical(&ch);
    begin(&ch, "Line");
    ch.top += legend(&ch, true);
    put_unit(&ch);
    put_y_axis(&ch);
    if (c->nlabels) {
        for (size_t s = 0; s < c->nseries; s++)
            put_line(&ch, s);
        for (size_t s = 0; s < c->nseries; s++)
            put_points(&ch, s);
        put_x_labels(&ch, c->nlabels);
    }
    put_axis_lines(&ch);
    if (ch.empty)
        put_no_data(&ch);
    return finish(&ch, out, err);
}
