#!/usr/bin/env bash
# Interleaved comparison of the bench client's JVM flags at a low rate: the bench's own mock
# upstream (TTFT 50 ms, 16 tokens 10 ms apart) on PORT, one frozen workload (REQUESTS requests,
# Poisson at RATE req/s), then ROUNDS rounds of one `bench run` per arm, the arms in turn, so a
# busy machine spoils every arm alike. Arms: g1 (java -jar bench.jar: the JVM's defaults),
# shenandoah (java -XX:+UseShenandoahGC -jar bench.jar), wrapper (bench/bench: the shipped flags).
# One line per run (p50/p99/max schedule lag) and a min/median/max table per arm at the end.
# Usage: bench/measure/jvm-flags-ab.sh [OUT_DIR] [ROUNDS=4] [RATE=40] [REQUESTS=200] [PORT=25100]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}; ROUNDS=${2:-4}; RATE=${3:-40}; REQUESTS=${4:-200}; PORT=${5:-25100}
mkdir -p "$OUT"
[ -f bench/target/bench.jar ] || ./mvnw -B -q -pl bench -am package -DskipTests
JAR=bench/target/bench.jar
java -XX:+UseShenandoahGC -jar $JAR mock-server --port "$PORT" --model m > "$OUT/mock.log" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break; sleep 0.2; done
java -jar $JAR workload --model m --num-prompts "$REQUESTS" --request-rate "$RATE" \
  --random-input-len 512 --random-output-len 16 --seed 1 -o "$OUT/workload.jsonl" 2>/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); output: $OUT"
arm() {  # arm NAME: the command line that starts the client
  case $1 in
    g1) echo "java -jar $JAR" ;;
    shenandoah) echo "java -XX:+UseShenandoahGC -jar $JAR" ;;
    wrapper) echo "bench/bench" ;;
  esac
}
for r in $(seq 1 "$ROUNDS"); do
  for a in g1 shenandoah wrapper; do
    # shellcheck disable=SC2046
    $(arm $a) run --url "http://127.0.0.1:$PORT" -w "$OUT/workload.jsonl" \
      -o "$OUT/$a-$r.json" --no-progress > "$OUT/$a-$r.out" 2>&1 || true
    python3 - "$OUT/$a-$r.json" "$a" "$r" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = lambda k: d[k]
print(f"round {sys.argv[3]} {sys.argv[2]:10} lag p50 {g('median_schedule_lag_ms'):6.3f} "
      f"p99 {g('p99_schedule_lag_ms'):7.3f} max {g('max_schedule_lag_ms'):7.3f} ms")
PY
  done
done | tee "$OUT/runs.txt"
python3 - "$OUT/runs.txt" <<'PY'
import statistics, sys
arms = {}
for line in open(sys.argv[1]):
    f = line.split()
    arms.setdefault(f[2], []).append((float(f[7]), float(f[9])))
print("arm         p99 lag min / median / max ms     max lag min / median / max ms")
for a, v in arms.items():
    p99 = sorted(x[0] for x in v); mx = sorted(x[1] for x in v)
    print(f"{a:10}  {p99[0]:6.3f} / {statistics.median(p99):6.3f} / {p99[-1]:6.3f}"
          f"          {mx[0]:6.3f} / {statistics.median(mx):6.3f} / {mx[-1]:6.3f}")
PY
