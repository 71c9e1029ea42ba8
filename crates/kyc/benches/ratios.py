#!/usr/bin/env python3
"""Prints the adapter/baseline ratio of every benchmark pair criterion measured.

Reads target/criterion/<group>/{baseline,adapter}[/<input>]/new/estimates.json (the mean and
median point estimates and the 95 % confidence interval of the mean) and prints a Markdown
table. Usage: python3 crates/kyc/benches/ratios.py [target/criterion]
"""
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "target", "criterion")


def estimates(path):
    with open(os.path.join(path, "new", "estimates.json")) as f:
        e = json.load(f)
    return e["mean"]["point_estimate"], e["median"]["point_estimate"], (
        e["mean"]["confidence_interval"]["lower_bound"],
        e["mean"]["confidence_interval"]["upper_bound"])


def fmt(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


rows = []
for group in sorted(os.listdir(root)):
    gdir = os.path.join(root, group)
    base, adapter = os.path.join(gdir, "baseline"), os.path.join(gdir, "adapter")
    if not (os.path.isdir(base) and os.path.isdir(adapter)):
        continue
    if os.path.isdir(os.path.join(base, "new")):
        pairs = [("", base, adapter)]
    else:
        pairs = [(i, os.path.join(base, i), os.path.join(adapter, i))
                 for i in sorted(os.listdir(base)) if i != "report"
                 and os.path.isdir(os.path.join(adapter, i, "new"))]
    for label, b, a in pairs:
        bm, bmed, _ = estimates(b)
        am, amed, (alo, ahi) = estimates(a)
        rows.append((group + ("/" + label if label else ""), bm, am, am / bm, amed / bmed))

print("| benchmark | baseline (mean) | adapter (mean) | ratio (mean) | ratio (median) |")
print("|---|---:|---:|---:|---:|")
for name, bm, am, r, rmed in rows:
    print(f"| {name} | {fmt(bm)} | {fmt(am)} | {r:.2f} | {rmed:.2f} |")
