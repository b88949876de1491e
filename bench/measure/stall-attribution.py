#!/usr/bin/env python3
"""Lines up calibrate's worst schedule lags with the JVM's own events on the JVM-uptime axis.

Usage: stall-attribution.py CALIBRATION.json GC.log

CALIBRATION.json: `bench.jar calibrate -o` output (each step lists its worst lags with the JVM
uptime at which they were due). GC.log: the same JVM's `-Xlog:gc*,safepoint:file=GC.log:uptime`.
For each worst lag, prints the safepoints (GC pauses are safepoints too) that overlap the window
[due - 1 ms, due + lag] and how much of the lag they cover (the rest is the machine or the
generator itself, not a JVM-wide stop), and the concurrent GC cycles running then (they stop no
thread, but on a 2-core machine their worker takes a core from the event loops).
"""
import json
import re
import sys


def safepoints(path):
    """(start_s, end_s, label) of every safepoint in a unified GC/safepoint log."""
    out = []
    pat = re.compile(
        r"^\[(\d+\.\d+)s\].*Safepoint \"(\w+)\".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns")
    for line in open(path, encoding="utf-8", errors="replace"):
        m = pat.search(line)
        if m:
            end = float(m.group(1))
            total = int(m.group(4)) / 1e9
            label = f"safepoint {m.group(2)} {total * 1e3:.2f} ms " \
                    f"(reaching {int(m.group(3)) / 1e6:.2f})"
            out.append((end - total, end, label))
    return out


def gc_cycles(path):
    """(start_s, end_s, label) of every GC cycle: from its first to its last logged line."""
    spans = {}
    pat = re.compile(r"^\[(\d+\.\d+)s\].*\bGC\((\d+)\)")
    for line in open(path, encoding="utf-8", errors="replace"):
        m = pat.search(line)
        if m:
            t, n = float(m.group(1)), int(m.group(2))
            lo, hi = spans.get(n, (t, t))
            spans[n] = (min(lo, t), max(hi, t))
    return [(lo, hi, f"GC({n}) cycle {(hi - lo) * 1e3:.0f} ms") for n, (lo, hi) in spans.items()]


def main():
    cal = json.load(open(sys.argv[1]))
    sps = safepoints(sys.argv[2])
    cycles = gc_cycles(sys.argv[2])
    steps = [("fidelity", cal["fidelity"])] + [
        (f"ladder {s['rate']:.0f} #{s.get('attempt', 1)}", s) for s in cal.get("ladder", [])]
    for name, step in steps:
        print(f"{name}: p99 lag {step['p99_schedule_lag_ms']:.3f} ms, max "
              f"{step['max_schedule_lag_ms']:.3f} ms, pacer late p99 "
              f"{step.get('p99_pacer_late_ms', float('nan')):.3f} ms")
        for w in step.get("worst_lags", []):
            due, lag = w["due_at_jvm_uptime_s"], w["lag_ms"] / 1e3
            lo, hi = due - 0.001, due + lag
            hits = [lab for s, e, lab in sps if s <= hi and e >= lo]
            covered = sum(min(e, hi) - max(s, lo) for s, e, _ in sps if s <= hi and e >= lo)
            during = [lab for s, e, lab in cycles if s <= hi and e >= lo]
            print(f"  lag {lag * 1e3:8.2f} ms due at {due:9.3f} s (pacer late "
                  f"{w['pacer_late_ms']:.2f} ms): JVM safepoints cover {covered * 1e3:.2f} ms"
                  + ("; " + "; ".join(hits) if hits else "")
                  + ("; during " + ", ".join(during) if during else "; no GC cycle running"))


if __name__ == "__main__":
    main()
