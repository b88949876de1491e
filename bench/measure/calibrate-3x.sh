#!/usr/bin/env bash
# The bench generator's fidelity figures as docs/benchmarks.md reports them ("Bench generator
# fidelity"): `bench/bench calibrate` three times in a row (each bounded by --max-time 140s), then
# one `bench/bench run` at 40 req/s (600 requests, about 15 s) against the bench's own mock
# upstream, and a min/median/max table over the three calibrations: ceiling, p99/p99.9/max lag at
# 2,000 req/s, TTFT error p99, the machine's own timing floor; and the 40 req/s run's lag.
# Each calibration also writes its GC/safepoint log and the stall attribution of its worst lags;
# with JIT_LOG=1 also its compilation log (-XX:+LogCompilation, ~50 MB each), and the attribution
# then names the C2-compiled methods thrown away under each lag (a deoptimization storm).
# Takes about 6-8 minutes. Run it on a quiet machine (nothing else running).
# Usage: [JIT_LOG=1] bench/measure/calibrate-3x.sh [OUT_DIR] [PORT=25200]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}; PORT=${2:-25200}
mkdir -p "$OUT"
[ -f bench/target/bench.jar ] || ./mvnw -B -q -pl bench -am package -DskipTests
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); output: $OUT"
for i in 1 2 3; do
  echo "calibration $i of 3, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  JIT_FLAGS=""; JIT_FILE=()
  if [ "${JIT_LOG:-0}" = 1 ]; then
    JIT_FLAGS=" -XX:+LogCompilation -XX:LogFile=$OUT/jit-$i.log"; JIT_FILE=("$OUT/jit-$i.log")
  fi
  BENCH_JVM="-Xlog:gc*,safepoint:file=$OUT/gc-$i.log:uptime,level,tags$JIT_FLAGS" \
    bench/bench calibrate --max-time 140s -o "$OUT/calibration-$i.json" > "$OUT/calibration-$i.out" 2>&1
  grep -E "^(verdict|client ceiling|  [12] thread)" "$OUT/calibration-$i.out" || true
  python3 bench/measure/stall-attribution.py "$OUT/calibration-$i.json" "$OUT/gc-$i.log" \
    ${JIT_FILE[@]+"${JIT_FILE[@]}"} > "$OUT/attribution-$i.txt"
done
bench/bench mock-server --port "$PORT" --model m > "$OUT/mock.log" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break; sleep 0.2; done
bench/bench workload --model m --num-prompts 600 --request-rate 40 --random-input-len 512 \
  --random-output-len 16 --seed 1 -o "$OUT/workload-40.jsonl" 2>/dev/null
bench/bench run --url "http://127.0.0.1:$PORT" -w "$OUT/workload-40.jsonl" -o "$OUT/run-40.json" \
  --no-progress > "$OUT/run-40.out" 2>&1 || true
python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
cals = [json.load(open(f"{out}/calibration-{i}.json")) for i in (1, 2, 3)]
def row(name, vals, fmt="{:.3f}"):
    v = sorted(vals)
    print(f"| {name} | " + " | ".join(fmt.format(x) for x in (v[0], statistics.median(v), v[-1]))
          + " | " + ", ".join(fmt.format(x) for x in vals) + " |")
print("\n| figure (3 calibrations) | min | median | max | runs 1, 2, 3 |\n|---|---|---|---|---|")
row("ceiling, req/s", [c["ceiling_rps"] for c in cals], "{:.0f}")
for k in ("p50", "p99", "p99.9", "max"):
    row(f"{k} schedule lag at 2,000 req/s, ms", [c["fidelity"][f"{k}_schedule_lag_ms"] for c in cals])
row("p99 TTFT error at 2,000 req/s, ms", [c["fidelity"]["p99_ttft_error_ms"] for c in cals])
row("p99 pacer wake-up late, ms", [c["fidelity"]["p99_pacer_late_ms"] for c in cals])
row("floor, 1 thread: largest gap, ms", [c["machine_floor"]["one_thread"]["max_gap_ms"] for c in cals])
row("floor, 1 thread: p99.9 gap, ms", [c["machine_floor"]["one_thread"]["p999_gap_ms"] for c in cals], "{:.4f}")
row("floor, all cores: largest gap, ms", [c["machine_floor"]["all_cores"]["max_gap_ms"] for c in cals])
row("floor, all cores: p99.9 gap, ms", [c["machine_floor"]["all_cores"]["p999_gap_ms"] for c in cals], "{:.4f}")
row("floor, all cores: p99 floor lag, ms", [c["machine_floor"]["all_cores"]["p99_floor_lag_ms"] for c in cals])
print("\nverdicts on the 1 ms target (fidelity run):",
      ", ".join("within" if c["fidelity_within_target"] else "OVER" for c in cals),
      "; isolated misses:", [c.get("isolated_misses", []) for c in cals],
      "; load average at the starts:", [c["load_average_start"] for c in cals])
r = json.load(open(f"{out}/run-40.json"))
print(f"\n40 req/s bench run (600 requests, mock upstream): schedule lag p50 "
      f"{r['median_schedule_lag_ms']:.3f} p99 {r['p99_schedule_lag_ms']:.3f} "
      f"p99.9 {r['p99.9_schedule_lag_ms']:.3f} max {r['max_schedule_lag_ms']:.3f} ms")
PY
