// The lag-over-time chart of a group: SVG built element by element, no library.

import { svg } from "./dom.js";
import { clock, count } from "./format.js";

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 64, right: 16, top: 12, bottom: 28 };
const X_TICKS = 5;
const Y_TICKS = 4;
// A single sample is drawn in a window this wide, so the chart still has an x axis.
const LONE_SAMPLE_SPAN_MS = 10 * 60 * 1000;
// Beyond this many samples a dot on each would hide the line: only the latest gets one.
const MAX_DOTS = 90;

/** The smallest of 1, 2 or 5 times a power of ten that is at least x (and at least 1): axis
 * ticks at round numbers. */
function niceStep(x) {
  if (x <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

/** The chart of history ([{time_ms, lag}], any order); null when there is nothing to draw. */
export function lagChart(history) {
  const points = (history ?? [])
    .filter((p) => p && Number.isFinite(p.time_ms) && Number.isFinite(p.lag))
    .sort((a, b) => a.time_ms - b.time_ms);
  if (points.length === 0) return null;
  let t0 = points[0].time_ms;
  let t1 = points[points.length - 1].time_ms;
  if (t1 === t0) {
    t0 -= LONE_SAMPLE_SPAN_MS / 2;
    t1 += LONE_SAMPLE_SPAN_MS / 2;
  }
  const step = niceStep(Math.max(1, ...points.map((p) => p.lag)) / Y_TICKS);
  const top = step * Y_TICKS;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * innerW;
  const y = (lag) => PAD.top + innerH - (lag / top) * innerH;

  const grid = [];
  for (let i = 0; i <= Y_TICKS; i += 1) {
    const value = step * i;
    const yy = y(value).toFixed(1);
    grid.push(svg("line", { class: "grid", x1: PAD.left, x2: WIDTH - PAD.right, y1: yy, y2: yy }));
    grid.push(svg("text", { class: "tick", x: PAD.left - 6, y: yy, "text-anchor": "end",
      "dominant-baseline": "middle" }, count(value)));
  }
  for (let i = 0; i <= X_TICKS; i += 1) {
    const t = t0 + ((t1 - t0) * i) / X_TICKS;
    const anchor = i === 0 ? "start" : i === X_TICKS ? "end" : "middle";
    grid.push(svg("text", { class: "tick", x: x(t).toFixed(1), y: HEIGHT - 8,
      "text-anchor": anchor }, clock(t)));
  }
  const line = points.map((p) => `${x(p.time_ms).toFixed(1)},${y(p.lag).toFixed(1)}`);
  const base = (PAD.top + innerH).toFixed(1);
  const first = x(points[0].time_ms).toFixed(1);
  const last = x(points[points.length - 1].time_ms).toFixed(1);
  const dotted = points.length > MAX_DOTS ? points.slice(-1) : points;
  const dots = dotted.map((p) =>
    svg("circle", { class: "dot", cx: x(p.time_ms).toFixed(1), cy: y(p.lag).toFixed(1), r: 2.5 },
      svg("title", {}, `${clock(p.time_ms)} UTC: lag ${count(p.lag)}`)));
  return svg(
    "svg",
    { class: "chart", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img",
      "aria-label": `Total lag over time, ${points.length} samples` },
    grid,
    svg("polygon", { class: "area", points: `${first},${base} ${line.join(" ")} ${last},${base}` }),
    svg("polyline", { class: "line", points: line.join(" ") }),
    dots,
    svg("line", { class: "axis", x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: base }),
    svg("line", { class: "axis", x1: PAD.left, x2: WIDTH - PAD.right, y1: base, y2: base }),
  );
}
