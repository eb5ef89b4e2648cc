#!/usr/bin/env python3
"""Draw the memory/time fronts of gc's rematerialization solvers as SVG.

Reads the sweep CSV written by gc-remat-bench (columns model, layers,
budget_bytes, solver, feasible, peak_bytes, recompute_s, step_s, overhead,
solve_s, optimality_gap) and writes one SVG per model, ``pareto-<model>.svg``:
x is the plan's peak memory in GiB, y the estimated recompute time as a
percentage of the step. Each solver is one polyline through its feasible
plans, sorted by peak; a lower and further-left curve is better. Vertical
lines mark the peak without rematerialization and any reference budget given
with ``--mark`` (by default 75 GiB for bert-large).

Only the Python standard library is used, so the plot needs nothing
installed beyond the interpreter.
"""

import argparse
import csv
import math
import os
import sys
from collections import OrderedDict
from xml.sax.saxutils import escape

GIB = 1024.0 ** 3

# Okabe-Ito: distinguishable with the common forms of colour blindness.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
          "#000000", "#F0E442"]
MARKERS = ["circle", "square", "triangle", "diamond", "down", "cross",
           "plus", "circle"]

WIDTH, HEIGHT = 960, 560
# The legend sits in the right margin, clear of the curves and the lines.
LEFT, RIGHT, TOP, BOTTOM = 80, 190, 70, 70


def read_sweep(path):
    """Returns {model: {"layers": int, "rows": [dict, ...]}} in file order."""
    models = OrderedDict()
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            entry = models.setdefault(row["model"],
                                      {"layers": int(row["layers"]),
                                       "rows": []})
            entry["rows"].append(row)
    return models


def solver_series(rows):
    """Feasible (peak GiB, overhead %) points per solver, sorted by peak.

    Several budgets often yield the same plan; duplicates are dropped so
    that markers are not drawn on top of each other by the same solver.
    """
    series = OrderedDict()
    for row in rows:
        points = series.setdefault(row["solver"], set())
        if row["feasible"] == "1":
            points.add((int(row["peak_bytes"]) / GIB,
                        100.0 * float(row["overhead"])))
    return OrderedDict((name, sorted(points))
                       for name, points in series.items())


def no_remat_peak(rows):
    """The peak of the keep-all plan: `none`'s peak, or the largest budget."""
    peaks = [int(row["peak_bytes"]) for row in rows if row["solver"] == "none"]
    if peaks:
        return max(peaks) / GIB
    return max(int(row["budget_bytes"]) for row in rows) / GIB


def nice_step(span, target_ticks):
    """A 1, 2 or 5 times a power of ten step giving about target_ticks."""
    if span <= 0:
        return 1.0
    raw = span / target_ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def ticks(low, high, target_ticks):
    """Tick positions covering [low, high] and the (low, high) they span."""
    step = nice_step(high - low, target_ticks)
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    count = int(round((end - start) / step))
    return [start + i * step for i in range(count + 1)], start, end


def tick_label(value, step):
    """A tick label with as many decimals as the step needs."""
    decimals = max(0, -int(math.floor(math.log10(step)))) if step < 1 else 0
    return "%.*f" % (decimals, value)


def marker_svg(kind, x, y, color, size=5.0):
    """One marker centred on (x, y), drawn in `color`."""
    s = size
    style = 'fill="%s" stroke="white" stroke-width="1"' % color
    if kind == "circle":
        return '<circle cx="%.1f" cy="%.1f" r="%.1f" %s/>' % (x, y, s, style)
    if kind == "square":
        return ('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" %s/>'
                % (x - s, y - s, 2 * s, 2 * s, style))
    if kind in ("triangle", "down"):
        d = 1 if kind == "triangle" else -1
        points = [(x, y - d * s * 1.2), (x - s * 1.1, y + d * s * 0.8),
                  (x + s * 1.1, y + d * s * 0.8)]
    elif kind == "diamond":
        points = [(x, y - s * 1.3), (x + s, y), (x, y + s * 1.3), (x - s, y)]
    else:
        # cross and plus are strokes, so they stay visible on top of fills.
        if kind == "cross":
            lines = [(x - s, y - s, x + s, y + s), (x - s, y + s, x + s, y - s)]
        else:
            lines = [(x - s, y, x + s, y), (x, y - s, x, y + s)]
        return "".join('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" '
                       'stroke="%s" stroke-width="2.2"/>' % (l + (color,))
                       for l in lines)
    path = " ".join("%.1f,%.1f" % p for p in points)
    return '<polygon points="%s" %s/>' % (path, style)


class Frame:
    """Maps data coordinates onto the plot area of the SVG."""

    def __init__(self, x_range, y_range):
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        self.width = WIDTH - LEFT - RIGHT
        self.height = HEIGHT - TOP - BOTTOM

    def x(self, value):
        """The SVG x of data x `value`."""
        return LEFT + (value - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, value):
        """The SVG y of data y `value`."""
        return TOP + (1 - (value - self.y0) / (self.y1 - self.y0)) * self.height


def axes_svg(frame, x_ticks, y_ticks):
    """Grid, tick labels, the frame and the axis titles."""
    parts = []
    x_step = x_ticks[1] - x_ticks[0]
    y_step = y_ticks[1] - y_ticks[0]
    for value in x_ticks:
        x = frame.x(value)
        parts.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" '
                     'class="grid"/>' % (x, TOP, x, HEIGHT - BOTTOM))
        parts.append('<text x="%.1f" y="%d" class="tick" '
                     'text-anchor="middle">%s</text>'
                     % (x, HEIGHT - BOTTOM + 18, tick_label(value, x_step)))
    for value in y_ticks:
        y = frame.y(value)
        parts.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" '
                     'class="grid"/>' % (LEFT, y, WIDTH - RIGHT, y))
        parts.append('<text x="%d" y="%.1f" class="tick" text-anchor="end">'
                     '%s</text>' % (LEFT - 8, y + 4, tick_label(value, y_step)))
    parts.append('<rect x="%d" y="%d" width="%d" height="%d" class="frame"/>'
                 % (LEFT, TOP, frame.width, frame.height))
    parts.append('<text x="%.1f" y="%d" class="label" text-anchor="middle">'
                 'peak memory of the plan (GiB)</text>'
                 % (LEFT + frame.width / 2, HEIGHT - 22))
    parts.append('<text transform="translate(%d,%.1f) rotate(-90)" '
                 'class="label" text-anchor="middle">recompute overhead '
                 '(%% of the step)</text>' % (24, TOP + frame.height / 2))
    return parts


def vline_svg(frame, x_value, text, color, dash):
    """A labelled vertical reference line at data x `x_value`."""
    x = frame.x(x_value)
    return ['<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" '
            'stroke-width="1.5" stroke-dasharray="%s"/>'
            % (x, TOP, x, HEIGHT - BOTTOM, color, dash),
            '<text x="%.1f" y="%d" class="note" fill="%s" '
            'text-anchor="end">%s</text>'
            % (x - 5, TOP + 16, color, escape(text))]


def series_svg(frame, series):
    """One polyline with markers per solver; returns (svg parts, legend)."""
    parts, legend = [], []
    count = max(len(series) - 1, 1)
    for index, (name, points) in enumerate(series.items()):
        color = COLORS[index % len(COLORS)]
        marker = MARKERS[index % len(MARKERS)]
        legend.append((name, color, marker, len(points)))
        if not points:
            continue
        # Solvers often find the same plans: later series are drawn thinner
        # and smaller so that the ones beneath still show at their edges.
        shrink = index / count
        width = 4.0 - 2.4 * shrink
        size = 7.0 - 3.0 * shrink
        coords = " ".join("%.1f,%.1f" % (frame.x(px), frame.y(py))
                          for px, py in points)
        parts.append('<polyline points="%s" fill="none" stroke="%s" '
                     'stroke-width="%.1f" stroke-linejoin="round"/>'
                     % (coords, color, width))
        parts.extend(marker_svg(marker, frame.x(px), frame.y(py), color,
                                size)
                     for px, py in points)
    return parts, legend


def identical_series(series):
    """{solver: the first other solver with exactly the same points}.

    Curves that coincide hide each other; the legend says so instead.
    """
    same_as = {}
    for name, points in series.items():
        for other, other_points in series.items():
            if other != name and points and points == other_points:
                same_as[name] = other
                break
    return same_as


def legend_svg(legend, same_as):
    """The legend box in the right margin, level with the plot's top."""
    row = 20
    width = RIGHT - 24
    x = WIDTH - RIGHT + 14
    y = TOP
    parts = ['<rect x="%d" y="%d" width="%d" height="%d" class="legend"/>'
             % (x, y, width, row * len(legend) + 12)]
    for i, (name, color, marker, count) in enumerate(legend):
        cy = y + 16 + i * row
        parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" '
                     'stroke-width="2"/>' % (x + 10, cy, x + 38, cy, color))
        parts.append(marker_svg(marker, x + 24, cy, color))
        label = name if count else name + " (never fits)"
        if same_as.get(name):
            label += " (= %s)" % same_as[name]
        parts.append('<text x="%d" y="%d" class="tick">%s</text>'
                     % (x + 48, cy + 4, escape(label)))
    return parts


def plot_model(model, layers, rows, marks):
    """The SVG document of one model's sweep."""
    series = solver_series(rows)
    natural = no_remat_peak(rows)
    lines = [(natural, "no remat %.1f GiB" % natural, "#555555", "6,4")]
    if model in marks:
        lines.append((marks[model], "budget %g GiB" % marks[model], "#B00020",
                      "2,3"))

    xs = [p[0] for points in series.values() for p in points]
    xs += [value for value, _, _, _ in lines]
    ys = [p[1] for points in series.values() for p in points] or [0.0]
    x_span = max(xs) - min(xs) or 1.0
    x_ticks, x_lo, x_hi = ticks(min(xs) - 0.04 * x_span,
                                max(xs) + 0.04 * x_span, 8)
    y_ticks, y_lo, y_hi = ticks(0.0, max(max(ys) * 1.08, 1.0), 6)
    frame = Frame((x_lo, x_hi), (y_lo, y_hi))

    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, '
             'Arial, sans-serif">' % (WIDTH, HEIGHT, WIDTH, HEIGHT),
             '<style>.grid{stroke:#e4e4e4;stroke-width:1}'
             '.frame{fill:none;stroke:#333;stroke-width:1}'
             '.tick{font-size:12px;fill:#333}'
             '.label{font-size:14px;fill:#222}'
             '.note{font-size:12px}'
             '.title{font-size:17px;font-weight:bold;fill:#111}'
             '.subtitle{font-size:12px;fill:#555}'
             '.legend{fill:white;fill-opacity:0.9;stroke:#bbb}</style>',
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="%d" y="28" class="title">%s (%d layers): recompute '
             'overhead against peak memory</text>'
             % (LEFT, escape(model), layers),
             '<text x="%d" y="48" class="subtitle">feasible plans of each '
             'solver across the budget sweep; lower and further left is '
             'better</text>' % LEFT]
    parts += axes_svg(frame, x_ticks, y_ticks)
    for value, text, color, dash in lines:
        parts += vline_svg(frame, value, text, color, dash)
    plotted, legend = series_svg(frame, series)
    parts += plotted
    parts += legend_svg(legend, identical_series(series))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def parse_marks(values):
    """{model: GiB} from MODEL=GIB arguments."""
    marks = {}
    for value in values:
        model, _, gib = value.partition("=")
        try:
            marks[model] = float(gib)
        except ValueError:
            sys.exit("plot-pareto.py: --mark expects MODEL=GIB, got '%s'"
                     % value)
    return marks


def main():
    """Parses the arguments and writes one SVG per model of the CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="sweep CSV written by gc-remat-bench")
    parser.add_argument("--out", help="output directory (default: the "
                        "CSV's directory)")
    parser.add_argument("--mark", action="append", default=None,
                        metavar="MODEL=GIB",
                        help="a reference budget line for one model "
                        "(default: bert-large=75)")
    args = parser.parse_args()
    marks = parse_marks(args.mark if args.mark is not None
                        else ["bert-large=75"])
    out_dir = args.out or os.path.dirname(os.path.abspath(args.csv))
    os.makedirs(out_dir, exist_ok=True)

    models = read_sweep(args.csv)
    if not models:
        sys.exit("plot-pareto.py: %s has no rows" % args.csv)
    for model, entry in models.items():
        path = os.path.join(out_dir, "pareto-%s.svg" % model)
        with open(path, "w") as handle:
            handle.write(plot_model(model, entry["layers"], entry["rows"],
                                    marks))
        print(path)


if __name__ == "__main__":
    main()
