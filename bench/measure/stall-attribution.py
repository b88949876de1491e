#!/usr/bin/env python3
"""Lines up calibrate's worst schedule lags with the JVM's own events on the JVM-uptime axis.

Usage: stall-attribution.py CALIBRATION.json GC.log [JIT.log]

CALIBRATION.json: `bench.jar calibrate -o` output (each step lists its worst lags with the JVM
uptime at which they were due). GC.log: the same JVM's `-Xlog:gc*,safepoint:file=GC.log:uptime`.
For each worst lag, prints the safepoints (GC pauses are safepoints too) that overlap the window
[due - 1 ms, due + lag] and how much of the lag they cover (the rest is the machine or the
generator itself, not a JVM-wide stop), and the concurrent GC cycles running then (they stop no
thread, but on a 2-core machine their worker takes a core from the event loops).
JIT.log (optional): the same JVM's `-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation
-XX:LogFile=JIT.log`; then each lag also names the C2-compiled methods thrown away ("made not
entrant") from 5 ms before it was due to its end, with the reasons of the uncommon traps that did
it: a burst of them means the event loops ran interpreted code for a while (a deoptimization
storm, e.g. the first connection close after a warm-up that never closed one).
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


def deopts(path):
    """(stamp_s, reason) of every C2 method made not entrant, with the uncommon trap before it."""
    out = []
    traps = {}  # compile_id -> reason of its latest uncommon trap (threads' lines interleave)
    trap_pat = re.compile(r"<uncommon_trap thread='\d+' reason='(\w+)'[^>]*compile_id='(\d+)'")
    mne_pat = re.compile(
        r"<make_not_entrant thread='\d+' compile_id='(\d+)'[^>]*level='4'[^>]*stamp='([\d.]+)'")
    for line in open(path, encoding="utf-8", errors="replace"):
        m = trap_pat.search(line)
        if m:
            traps[m.group(2)] = m.group(1)
            continue
        m = mne_pat.search(line)
        if m:
            out.append((float(m.group(2)), traps.pop(m.group(1), "dependency or unloading")))
    return out


def main():
    cal = json.load(open(sys.argv[1]))
    sps = safepoints(sys.argv[2])
    cycles = gc_cycles(sys.argv[2])
    jit = deopts(sys.argv[3]) if len(sys.argv) > 3 else None
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
            jit_note = ""
            if jit is not None:
                thrown = [r for t, r in jit if due - 0.005 <= t <= hi]
                reasons = sorted({r: thrown.count(r) for r in thrown}.items(), key=lambda x: -x[1])
                jit_note = (f"; {len(thrown)} C2 methods deoptimized ("
                            + ", ".join(f"{r} {n}" for r, n in reasons[:3]) + ")"
                            if thrown else "; no C2 method deoptimized")
            print(f"  lag {lag * 1e3:8.2f} ms due at {due:9.3f} s (pacer late "
                  f"{w['pacer_late_ms']:.2f} ms): JVM safepoints cover {covered * 1e3:.2f} ms"
                  + ("; " + "; ".join(hits) if hits else "")
                  + ("; during " + ", ".join(during) if during else "; no GC cycle running")
                  + jit_note)


if __name__ == "__main__":
    main()
