// trend.js - a repeated question's weekly trend ([{week, tickets}] x 8,
// oldest first, the last one this week) drawn as inline SVG: a sparkline for
// tables and the ticket screen, and a bar chart with axes for the group's
// page. The numbers are always in words too: the sparkline's label, the
// chart's figure a table screen readers and the curious can read.

import { h, svg } from './dom.js';
import { formatMonthDay, plural } from './format.js';

/** The counts of a trend, oldest first ([] when there is none). */
export function trendCounts(trend) {
  return (Array.isArray(trend) ? trend : []).map((w) => Math.max(0, Number(w && w.tickets) || 0));
}

/** Tickets this week: the trend's last entry. */
export function thisWeek(trend) {
  const c = trendCounts(trend);
  return c.length ? c[c.length - 1] : 0;
}

/** "0, 1, 3, 2, 0, 0, 1, 3 tickets a week over the last 8 weeks; 3 this week." */
export function trendWords(trend) {
  const c = trendCounts(trend);
  if (!c.length) return 'No weekly counts yet.';
  return `${c.join(', ')} tickets a week over the last ${plural(c.length, 'week')}, oldest first; ${c[c.length - 1]} this week.`;
}

/**
 * A small bar sparkline (88 x 24 px): one bar a week, this week's in the
 * accent colour; a zero week is the baseline alone. Labelled in words.
 */
export function sparkline(trend, { id } = {}) {
  const c = trendCounts(trend);
  const W = 88;
  const H = 24;
  const n = Math.max(c.length, 1);
  const gap = 3;
  const bar = (W - gap * (n - 1)) / n;
  const max = Math.max(1, ...c);
  const words = trendWords(trend);
  return svg('svg', { class: 'sparkline', id, width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': words, focusable: 'false' },
    svg('title', { text: words }),
    svg('line', { class: 'spark-base', x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5 }),
    c.map((v, i) => {
      const hgt = v ? Math.max(2, Math.round((v / max) * (H - 2))) : 0;
      return hgt ? svg('rect', {
        class: i === c.length - 1 ? 'spark-bar spark-now' : 'spark-bar',
        x: (i * (bar + gap)).toFixed(1), y: H - hgt, width: bar.toFixed(1), height: hgt, rx: 1,
      }) : null;
    }));
}

/** 0..max in about four "nice" steps: [0, 1, 2, 3] for 3, [0, 2, 4, 6] for 5, [0, 1] for 0 or 1. */
function ticks(max) {
  if (max <= 1) return [0, 1];
  const rough = max / 4;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= rough)); // whole tickets
  const top = Math.ceil(max / step) * step;
  const out = [];
  for (let v = 0; v <= top + 1e-9; v += step) out.push(Math.round(v));
  return out;
}

/**
 * The weekly trend as a bar chart with a y axis (tickets) and an x axis (the
 * weeks' first days, the last "This week"), each bar with its count, width
 * pixels wide at most (it shrinks with its box, never grows). Inside
 * a <figure> whose caption names it; screen readers get the same numbers as
 * a visually hidden table.
 */
export function trendChart(trend, { id = 'trend-chart', caption = 'Tickets a week, the last 8 weeks', width = 560 } = {}) {
  const weeks = Array.isArray(trend) ? trend : [];
  const c = trendCounts(weeks);
  // Drawn at the width it will be shown at, so its words keep their size on a phone.
  const W = Math.round(Math.max(280, Math.min(560, width)));
  const H = 230;
  const left = 40;
  const right = 24; // room for "This week" under the last bar
  const top = 22;
  const bottom = 44;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const marks = ticks(Math.max(0, ...c));
  const yMax = marks[marks.length - 1];
  const slot = plotW / Math.max(c.length, 1);
  const barW = Math.min(44, slot * 0.62);
  const y = (v) => top + plotH - (v / yMax) * plotH;
  const last = c.length - 1;
  const dateEvery = slot < 46 ? 2 : 1; // narrow: every other week's date, counted back from this week

  const grid = marks.map((v) => svg('g', { class: 'chart-tick' },
    svg('line', { class: v ? 'chart-grid' : 'chart-axis', x1: left, x2: W - right, y1: y(v), y2: y(v) }),
    svg('text', { class: 'chart-label', x: left - 8, y: y(v), 'text-anchor': 'end', 'dominant-baseline': 'middle', text: String(v) })));
  const bars = weeks.map((w, i) => {
    const v = c[i];
    const cx = left + slot * i + slot / 2;
    const hgt = Math.max(0, y(0) - y(v));
    return svg('g', { class: i === last ? 'chart-week is-now' : 'chart-week' },
      hgt ? svg('rect', { class: 'chart-bar', x: (cx - barW / 2).toFixed(1), y: y(v).toFixed(1), width: barW.toFixed(1), height: hgt.toFixed(1), rx: 3 }) : null,
      svg('text', { class: 'chart-value', x: cx.toFixed(1), y: (y(v) - 6).toFixed(1), 'text-anchor': 'middle', text: String(v) }),
      (last - i) % dateEvery ? null : svg('text', { class: 'chart-label', x: cx.toFixed(1), y: H - bottom + 18, 'text-anchor': 'middle', text: formatMonthDay(w.week) }),
      i === last ? svg('text', { class: 'chart-label chart-now', x: cx.toFixed(1), y: H - bottom + 35, 'text-anchor': 'middle', text: 'This week' }) : null);
  });

  return h('figure', { class: 'trend-figure', id },
    h('figcaption', { class: 'trend-caption', text: caption }),
    // The picture is for the eye; the table under it says the same to a screen reader.
    svg('svg', { class: 'trend-chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, 'aria-hidden': 'true', focusable: 'false', preserveAspectRatio: 'xMinYMin meet' },
      grid, bars),
    h('table', { class: 'visually-hidden', id: `${id}-table` },
      h('caption', { text: caption }),
      h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'Week of' }), h('th', { scope: 'col', text: 'Tickets' }))),
      h('tbody', null, weeks.map((w, i) => h('tr', null,
        h('th', { scope: 'row', text: i === last ? `${formatMonthDay(w.week)} (this week)` : formatMonthDay(w.week) }),
        h('td', { text: String(c[i]) }))))));
}
