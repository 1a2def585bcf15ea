/* svg.h - charts drawn by the server as standalone SVG 1.1 documents, for
 * reports that must read in a mail client and print well: no script, no
 * external font or style sheet (presentation attributes only, Helvetica or
 * Arial or any sans-serif), black and grey text on white, thin grid lines,
 * each series one solid colour with at least 3:1 contrast on white and, in a
 * line chart, its own marker shape, so that a grey printout still tells them
 * apart. The document names itself for screen readers (role="img",
 * aria-labelledby its <title> and <desc>) and each bar or point carries a
 * <title> with its full label and value, as a tooltip.
 *
 * Text is UTF-8: invalid bytes become U+FFFD, control characters spaces, and
 * markup characters are escaped. A label too long for its room is cut on a
 * character boundary and ends in "…". Numbers are written with '.' whatever
 * the locale; large ones as 12k, 3.5M, 2B, 1T or 1.5e18. */
#ifndef AH_CORE_SVG_H
#define AH_CORE_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Categories or points on the x axis: a year of days, with room to spare. */
#define AH_SVG_MAX_POINTS 1000
/* Series in a line chart: past five or so a chart stops being readable. */
#define AH_SVG_MAX_SERIES 8
/* Pixels each way: a chart is between a thumbnail and a poster. */
#define AH_SVG_MIN_SIZE 160
#define AH_SVG_MAX_SIZE 4096
/* Bytes of any one text read (title, desc, label, name, unit); the rest is
 * dropped, so that a runaway label cannot bloat the document. */
#define AH_SVG_MAX_TEXT 2000
/* A value larger than this is drawn as missing: it leaves the axis
 * arithmetic room below DBL_MAX. */
#define AH_SVG_MAX_VALUE 1e300

/* One line of a line chart, or the bars of a bar chart. values[i] belongs to
 * labels[i]; a NaN, infinite, negative or too large value, and any index past
 * n, is missing: no bar or point, and no value label. */
struct ah_svg_series {
    const char *name; /* for the legend and tooltips; NULL: "" */
    const double *values;
    size_t n;
};

struct ah_svg_chart {
    const char *title; /* drawn on top and the document's <title>; NULL: "" */
    const char *desc;  /* the <desc> for screen readers; NULL: a summary made from the data */
    const char *const *labels; /* nlabels category or x labels; a NULL label is "" */
    size_t nlabels;            /* 0: an empty chart saying "No data" */
    const struct ah_svg_series *series;
    size_t nseries;   /* bar: 0 or 1; line: 0..AH_SVG_MAX_SERIES */
    const char *unit; /* over the value axis and in tooltips ("tickets", "h"); NULL: none */
    int width, height; /* pixels, AH_SVG_MIN_SIZE..AH_SVG_MAX_SIZE; 0: 640 by 360,
                          and a horizontal bar chart's height grows with its bars */
    bool integer;      /* the values are counts: ticks and labels are whole numbers */
    bool value_labels; /* bar: each bar's value printed at its end */
    bool horizontal;   /* bar: bars run left to right, labels in a column at the left
                          (long labels, such as questions, read better) */
};

/* The value axis: ticks at 0, step, 2 * step .. n * step, where step is 1, 2,
 * 2.5 or 5 times a power of ten and n is 2..4 (3 to 5 ticks) with
 * n * step >= max. integer: step is a whole number (no 2.5), at least 1. A max
 * that is not above 0, or is above AH_SVG_MAX_VALUE, gives step 1, n 2. */
struct ah_svg_ticks {
    double step;
    int n;
};
void ah_svg_nice_ticks(double max, bool integer, struct ah_svg_ticks *out);

/* Appends to out a bar chart of series[0] over the labels: bars up from a
 * value axis starting at 0 (or rightwards when horizontal), with grid lines at
 * the ticks and one <rect class="bar"> per label (height 0 when the value is
 * missing or 0). Labels too many for their room are shown every second, third
 * ... bar, the rest left to the tooltips. AH_E_INVALID names the field for a
 * size out of range or more than one series; AH_E_TOO_LARGE for more than
 * AH_SVG_MAX_POINTS labels or when out's cap is reached. out is unchanged on
 * any error. */
enum ah_err ah_svg_bar(const struct ah_svg_chart *c, struct ah_buf *out, struct ah_error *err);

/* Appends to out a line chart of each series over the labels: lines between
 * points present (broken where one is missing), a marker at each point, a
 * value axis from 0 and a legend when there is more than one series. Errors
 * as for ah_svg_bar; more than AH_SVG_MAX_SERIES series is AH_E_TOO_LARGE.
 * horizontal and value_labels are ignored. */
enum ah_err ah_svg_line(const struct ah_svg_chart *c, struct ah_buf *out, struct ah_error *err);

/* Appends text s as XML (and HTML) text or attribute value takes it: made
 * valid UTF-8, control characters as spaces, markup escaped; at most
 * AH_SVG_MAX_TEXT bytes of s are read. For the pages that carry these charts. */
void ah_svg_escape(struct ah_buf *out, const char *s);

#endif
