#!/usr/bin/env python3
"""Checks what `bench/ab.sh --demo --quick --out DIR` left in DIR (CI).

Usage: check-demo.py DIR REPETITIONS
Fails (exit 1, one line per problem) unless the comparison, the reports, the charts and every
run's files are there and agree with each other. Prints the headline and the p99 TTFT verdict.
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

LATENCY = [f"{s}_{m}_ms" for m in ("ttft", "tpot", "itl", "e2el") for s in ("p50", "p90", "p99")]
REQUIRED = LATENCY + ["request_throughput", "output_throughput", "goodput", "failed",
                      "mean_gpu_util_pct", "mean_gpu_power_w"]
CHARTS = ["ttft_cdf.png", "e2el_cdf.png", "percentiles_ttft.png", "throughput_over_time.png",
          "replica_share.png", "gpu_util_over_time.png"]
REPLICAS = ["llama8b-1", "llama8b-2", "qwen7b-1", "qwen7b-2", "llama70b-1", "llama70b-2"]


def main():
    out, reps = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    problems = []

    def check(cond, what):
        if not cond:
            problems.append(what)
        return cond

    comp_file = out / "comparison.json"
    if not check(comp_file.is_file(), f"{comp_file} is missing"):
        return report(problems)
    c = json.loads(comp_file.read_text())
    check(isinstance(c.get("valid"), bool), "comparison.json: 'valid' is not a boolean")
    wh = c.get("workload_hash", "")
    check(re.fullmatch(r"[0-9a-f]{64}", wh or "") is not None,
          f"comparison.json: workload_hash {wh!r} is not a sha256")
    metrics = c.get("metrics", {})
    for name in REQUIRED:
        m = metrics.get(name)
        if not check(isinstance(m, dict), f"comparison.json: metrics.{name} is missing"):
            continue
        for key in ("baseline", "managed"):
            check(isinstance(m.get(key), (int, float)), f"metrics.{name}.{key} is not a number")
        ci = m.get("ci95")
        check(isinstance(ci, list) and len(ci) == 2 and ci[0] <= ci[1],
              f"metrics.{name}.ci95 is not an interval: {ci!r}")
        check(m.get("verdict") in ("better", "worse", "same"),
              f"metrics.{name}.verdict is {m.get('verdict')!r}")
        if name in LATENCY:
            check(len(m.get("baseline_runs", [])) == reps and len(m.get("managed_runs", [])) == reps,
                  f"metrics.{name}: expected {reps} runs per arm")
    if c.get("valid") is False:
        check(len(c.get("reasons", [])) > 0, "an invalid comparison gives no reason")

    for arm in ("baseline", "managed"):
        for k in range(1, reps + 1):
            r = out / arm / f"rep{k}" / "result.json"
            if not check(r.is_file(), f"{r} is missing"):
                continue
            res = json.loads(r.read_text())
            check(res.get("workload_hash") == wh, f"{r}: workload_hash differs from the comparison's")
            check(res.get("completed", 0) > 0, f"{r}: no request completed")
            check(res.get("prefix_cache_reset") == "all",
                  f"{r}: the replicas' prefix caches were not all reset before the run "
                  f"(prefix_cache_reset={res.get('prefix_cache_reset')!r})")
            shares = {p.get("replica", p.get("id")) for p in res.get("per_replica", [])} \
                if isinstance(res.get("per_replica"), list) else set(res.get("per_replica", {}))
            check(set(REPLICAS) <= shares, f"{r}: per-replica figures lack some of {REPLICAS}")
            for extra in ("result.requests.jsonl", "result.telemetry.jsonl"):
                check((r.parent / extra).is_file() and (r.parent / extra).stat().st_size > 0,
                      f"{r.parent / extra} is missing or empty")

    md = (out / "report.md").read_text() if (out / "report.md").is_file() else ""
    check(md != "", "report.md is missing")
    for needle in ("p99 TTFT", "lb-roundrobin", "lb-queue-aware", "95% CI"):
        check(needle in md, f"report.md does not mention {needle!r}")
    html_file = out / "report.html"
    html = html_file.read_text() if html_file.is_file() else ""
    check(html != "", "report.html is missing")
    check(html.count("data:image/png;base64,") >= len(CHARTS),
          "report.html does not embed the charts")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    check(not external, f"report.html loads external resources: {external[:3]}")
    for chart in CHARTS:
        p = out / "charts" / chart
        check(p.is_file() and p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{p} is not a PNG")

    arms = c.get("arms", {})
    check(arms.get("baseline", {}).get("label") == "lb-roundrobin"
          and arms.get("managed", {}).get("label") == "lb-queue-aware",
          "comparison.json: the arms are not labelled lb-roundrobin and lb-queue-aware")
    settings = c.get("settings", {})
    check(settings.get("slo_source") == "runs" and settings.get("slo", {}).get("ttft_ms") == 2000,
          f"comparison.json: the SLO is not the one the runs recorded: {settings.get('slo')} "
          f"from {settings.get('slo_source')}")

    # Re-running compare.sh on the demo's output, as the README suggests, reproduces the report exactly.
    if not problems:
        reports = ("comparison.json", "report.md", "report.html")
        before = {f: (out / f).read_bytes() for f in reports}
        rerun = subprocess.run([str(ROOT / "analysis" / "compare.sh"), str(out / "baseline"), str(out / "managed"),
                                "--out", str(out)], capture_output=True, text=True)
        check(rerun.returncode in (0, 3), f"compare.sh on the demo's output failed ({rerun.returncode}): "
              f"{rerun.stderr.strip()[-300:]}")
        for f in reports:
            check((out / f).read_bytes() == before[f], f"re-running compare.sh changed {f}")

    if not problems:
        t = metrics["p99_ttft_ms"]
        print(f"check-demo: OK ({'valid' if c['valid'] else 'INVALID: ' + '; '.join(c['reasons'])})")
        print(f"check-demo: {c.get('headline', '')}")
        print(f"check-demo: p99 TTFT {t['baseline']:.0f} -> {t['managed']:.0f} ms, "
              f"95% CI of the difference [{t['ci95'][0]:.0f}, {t['ci95'][1]:.0f}] ms: {t['verdict']}")
    return report(problems)


def report(problems):
    for p in problems:
        print(f"check-demo: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
