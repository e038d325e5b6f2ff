#!/usr/bin/env python3
"""Draws a BenchmarkDotNet CSV report (BenchmarkDotNet.Artifacts/results/*-report.csv) as an SVG bar chart.

Standard library only (no matplotlib): the SVG is written by hand. One group of horizontal bars per category (the Categories
column), one bar per method, on a logarithmic time axis; each bar is labelled with its mean and the allocated bytes.

    python3 benchmarks/chart/chart.py REPORT.csv OUT.svg [--title TEXT] [--categories SUBSTRING ...] [--methods SUBSTRING ...]

--categories / --methods keep only the rows whose category / method contains one of the given substrings. --stat picks the
column drawn (default Median, else Mean). Each label also gives the ratio to the category's baseline row (the method whose name
contains "baseline"), computed from the statistic drawn.
"""
import argparse
import csv
import html
import math
import sys

UNITS = {"ps": 1e-3, "ns": 1.0, "us": 1e3, "μs": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}
PALETTE = ["#4c566a", "#2e7d32", "#66bb6a", "#a5d6a7", "#1565c0", "#c62828", "#ef6c00", "#ffa726", "#6a1b9a", "#8d6e63",
           "#00838f", "#ad1457", "#9e9d24", "#5d4037"]


def parse_time(text):
    """'3,724.613 ns' -> 3724.613 (nanoseconds); None for NA or empty."""
    text = text.strip().replace(",", "")
    if not text or text in ("NA", "?", "-"):
        return None
    value, _, unit = text.partition(" ")
    return float(value) * UNITS[unit or "ns"]


def read_rows(path, categories, methods, stat):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        method = row["Method"].strip("'")
        category = row.get("Categories") or ", ".join(f"{k}={row[k]}" for k in ("Handlers",) if k in row) or "all"
        if categories and not any(c in category for c in categories):
            continue
        if methods and not any(m in method for m in methods):
            continue
        mean = parse_time(row[stat] if stat in row else row["Mean"])
        if mean is None:
            continue
        out.append([category, method, mean, row.get("Allocated", "").strip(), ""])
    for row in out:  # ratio to the category's baseline, from the statistic drawn
        base = next((r[2] for r in out if r[0] == row[0] and "baseline" in r[1].lower()), None)
        row[4] = f"{row[2] / base:.2f}" if base else ""
    return out


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def draw(rows, title, subtitle):
    methods = list(dict.fromkeys(r[1] for r in rows))
    categories = list(dict.fromkeys(r[0] for r in rows))
    color = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(methods)}
    lo = 10 ** math.floor(math.log10(min(r[2] for r in rows)))
    hi = 10 ** math.ceil(math.log10(max(r[2] for r in rows)))
    bar, gap, label_w, plot_w, value_w = 14, 18, 330, 560, 170
    top = 70
    y = top
    body = []

    def x_of(ns):
        return label_w + plot_w * (math.log10(ns) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    for category in categories:
        body.append(f'<text x="10" y="{y + 11}" class="cat">{html.escape(category)}</text>')
        y += 18
        for cat, method, mean, allocated, ratio in (r for r in rows if r[0] == category):
            w = max(1.0, x_of(mean) - label_w)
            body.append(f'<text x="{label_w - 6}" y="{y + bar - 3}" class="lbl" text-anchor="end">{html.escape(method)}</text>')
            body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color[method]}"><title>'
                        f'{html.escape(method)}: {fmt_time(mean)}, {html.escape(allocated)}</title></rect>')
            note = fmt_time(mean) + (f" · {allocated}" if allocated and allocated not in ("-", "0 B") else " · 0 B")
            if ratio and ratio not in ("?", "NA"):
                note += f" · ×{ratio}"
            body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar - 3}" class="val">{html.escape(note)}</text>')
            y += bar + 3
        y += gap
    height = y + 30
    width = label_w + plot_w + value_w + 20
    axis = []
    decade = lo
    while decade <= hi * 1.0001:
        x = x_of(decade)
        axis.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{y - gap}" class="grid"/>')
        axis.append(f'<text x="{x:.1f}" y="{top - 10}" class="axis" text-anchor="middle">{fmt_time(decade)}</text>')
        decade *= 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'font-family="DejaVu Sans, Arial, sans-serif">\n'
            '<style>.cat{font-size:13px;font-weight:bold}.lbl{font-size:11px}.val{font-size:10px;fill:#333}'
            '.axis{font-size:10px;fill:#555}.grid{stroke:#ddd;stroke-width:1}</style>\n'
            f'<rect width="100%" height="100%" fill="white"/>\n'
            f'<text x="10" y="22" font-size="15" font-weight="bold">{html.escape(title)}</text>\n'
            f'<text x="10" y="40" font-size="11" fill="#555">{html.escape(subtitle)}</text>\n'
            + "\n".join(axis) + "\n" + "\n".join(body) + "\n</svg>\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report")
    parser.add_argument("out")
    parser.add_argument("--title", default="BenchmarkDotNet results")
    parser.add_argument("--stat", default="Median")
    parser.add_argument("--subtitle", default="")
    parser.add_argument("--categories", nargs="*", default=[])
    parser.add_argument("--methods", nargs="*", default=[])
    args = parser.parse_args(argv)
    rows = read_rows(args.report, args.categories, args.methods, args.stat)
    subtitle = args.subtitle or f"{args.stat} per operation, log scale (shorter is faster); label: {args.stat.lower()} · allocated · ×ratio to the category's baseline"
    if not rows:
        sys.exit(f"{args.report}: no rows left to draw")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(draw(rows, args.title, subtitle))
    print(f"{args.out}: {len(rows)} bars")


if __name__ == "__main__":
    main(sys.argv[1:])
