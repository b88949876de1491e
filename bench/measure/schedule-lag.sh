#!/usr/bin/env bash
# How bench's schedule-lag gate judges plain runs on this machine: one simulated vLLM replica
# (Llama-3.1-8B profile) on a free port, one frozen workload (REQUESTS random requests, 512 prompt
# and 128 output tokens, Poisson at RATE req/s), RUNS `bench run`s of it with the default gates.
# One line per run: exit status, load average, p99 lag, the gate's percentile and lag, the median
# TTFT, the gate's limit, its verdict, and what the old rule (p99 lag <= 1 ms) would have said.
# Usage: bench/measure/schedule-lag.sh [OUT_DIR] [RUNS=8] [RATE=40] [REQUESTS=200]
#        BENCH_JVM=-XX:+UseShenandoahGC bench/measure/schedule-lag.sh ...   (the client's JVM flags)
#        BENCH_LAUNCHER=bench/bench bench/measure/schedule-lag.sh ...       (the shipped launcher)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}; RUNS=${2:-8}; RATE=${3:-40}; REQUESTS=${4:-200}
MODEL=meta-llama/Llama-3.1-8B-Instruct
mkdir -p "$OUT"
[ -f bench/target/bench.jar ] && [ -f vllm-sim/target/vllm-sim.jar ] \
  || ./mvnw -B -q -pl bench,vllm-sim -am package -DskipTests
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -jar vllm-sim/target/vllm-sim.jar --model "$MODEL" --port "$PORT" > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
java -jar bench/target/bench.jar workload --model "$MODEL" --num-prompts "$REQUESTS" \
  --request-rate "$RATE" --random-input-len 512 --random-output-len 128 --seed 1 \
  -o "$OUT/workload.jsonl" 2>/dev/null
echo "machine: $(nproc) cores; client JVM flags: ${BENCH_JVM:-none}; output: $OUT"
for i in $(seq 1 "$RUNS"); do
  rc=0
  # shellcheck disable=SC2086
  ${BENCH_LAUNCHER:-java ${BENCH_JVM:-} -jar bench/target/bench.jar} run --url "http://127.0.0.1:$PORT" \
    -w "$OUT/workload.jsonl" -o "$OUT/run-$i.json" --no-progress > "$OUT/run-$i.out" 2>&1 || rc=$?
  python3 - "$OUT/run-$i.json" "$rc" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["validity"]
g = v["schedule_lag"]
old = "valid" if v["p99_schedule_lag_ms"] <= 1 else "invalid"
print(f"exit {sys.argv[2]}  load {sys.argv[3]:>5}  p99 lag {v['p99_schedule_lag_ms']:6.2f} ms  "
      f"gate p{g['percentile']:.0f} of {g['samples']}: {g['value_ms']:6.2f} ms  "
      f"median TTFT {g['median_ttft_ms']:6.1f} ms  limit {g['limit_ms']:5.2f} ms  "
      f"{g['verdict']:8}  (p99 <= 1 ms: {old})")
PY
done
