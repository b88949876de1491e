#!/usr/bin/env bash
# Overload benchmark (issue 10): 200 concurrent long Llama-3.3-70B streams (1,000 prompt + 2,000
# output tokens each, about 3x what the two simulated replicas' KV caches hold) sent at once
# through lb-roundrobin, twice:
#   open      admission as vLLM's own limit (max_in_flight_per_replica 256, the default): every
#             request goes to a replica and queues inside vLLM
#   admission max_in_flight_per_replica LIMIT (what the KV cache holds), queue max_wait WAIT:
#             the rest wait in the router and are refused with 503 + Retry-After when the wait
#             would be too long
# For each arm: requests served and refused, TTFT and TPOT of the served ones, how soon the
# refused ones were told, output throughput. The fleet is restarted between arms.
# Needs: JDK 17+, python3. Takes about 5 minutes (the streams run in real time).
# Usage: lb-roundrobin/measure/overload.sh [OUT_DIR] [LIMIT] [WAIT] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-$(mktemp -d /tmp/overload.XXXXXX)}"
LIMIT="${2:-34}"
WAIT="${3:-10s}"
REQUESTS="${4:-200}"
MODEL=meta-llama/Llama-3.3-70B-Instruct
SIM_PORTS=(18201 18202)
ROUTER_PORT=18280
ADMIN_PORT=18290
mkdir -p "$OUT/bin"
echo "building vllm-sim, lb-roundrobin and bench..." >&2
./mvnw -B -q -pl vllm-sim,lb-roundrobin,bench -am package -DskipTests
# Run from copies: another build in this tree must not replace a jar under a running process.
cp vllm-sim/target/vllm-sim.jar lb-roundrobin/target/lb-roundrobin.jar bench/target/bench.jar \
  "$OUT/bin/"
echo "results in $OUT" >&2

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for() { # URL SECONDS
  for _ in $(seq 1 $(( $2 * 5 ))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "error: $1 did not answer within $2 s" >&2
  return 1
}

cat > "$OUT/fleet.yaml" <<EOF
defaults: { host: 127.0.0.1, metrics-version: v1, time-scale: 1.0, seed: 1000 }
replicas:
  - { id: llama70b-1, model: $MODEL, profile: llama-3.3-70b-awq-h100, port: ${SIM_PORTS[0]} }
  - { id: llama70b-2, model: $MODEL, profile: llama-3.3-70b-awq-h100, port: ${SIM_PORTS[1]} }
EOF

java -jar "$OUT/bin/bench.jar" workload --num-prompts "$REQUESTS" --request-rate inf \
  --model "$MODEL" --random-input-len 1000 --random-output-len 2000 --seed 7 \
  -o "$OUT/workload.jsonl" >/dev/null

run_arm() { # NAME ADMISSION_YAML
  local name="$1" dir="$OUT/$1"
  mkdir -p "$dir"
  cat > "$dir/router.yaml" <<EOF
listen: { host: 127.0.0.1, port: $ROUTER_PORT }
admin: { host: 127.0.0.1, port: $ADMIN_PORT }
replicas:
  - { id: llama70b-1, url: "http://127.0.0.1:${SIM_PORTS[0]}", model: $MODEL }
  - { id: llama70b-2, url: "http://127.0.0.1:${SIM_PORTS[1]}", model: $MODEL }
timeouts: { first_byte: 600s }
$2
EOF
  java -jar "$OUT/bin/vllm-sim.jar" --fleet "$OUT/fleet.yaml" >"$dir/sim.log" 2>&1 &
  PIDS+=($!)
  local sim=$!
  java -Xmx1g -jar "$OUT/bin/lb-roundrobin.jar" --config "$dir/router.yaml" >"$dir/router.log" 2>&1 &
  PIDS+=($!)
  local router=$!
  wait_for "http://127.0.0.1:${SIM_PORTS[0]}/health" 60
  wait_for "http://127.0.0.1:${SIM_PORTS[1]}/health" 60
  wait_for "http://127.0.0.1:$ROUTER_PORT/health" 60
  echo "$name: $REQUESTS streams at once..." >&2
  java -jar "$OUT/bin/bench.jar" run --url "http://127.0.0.1:$ROUTER_PORT" \
    -w "$OUT/workload.jsonl" -o "$dir/result.json" --label "$name" --no-progress \
    --request-timeout 900s >"$dir/bench.log" 2>&1 || true
  curl -fsS "http://127.0.0.1:$ADMIN_PORT/metrics" >"$dir/router-metrics.txt" || true
  kill "$router" "$sim" 2>/dev/null || true
  wait "$router" "$sim" 2>/dev/null || true
}

run_arm open "admission: { max_in_flight_per_replica: 256 }"
run_arm admission "admission: { max_in_flight_per_replica: $LIMIT, queue: { max_wait: $WAIT } }"

python3 - "$OUT" "$LIMIT" "$WAIT" <<'EOF'
import glob, json, os, sys
out, limit, wait = sys.argv[1:4]

def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)

rows = []
for arm in ("open", "admission"):
    d = os.path.join(out, arm)
    result = json.load(open(os.path.join(d, "result.json")))
    reqs = []
    with open(os.path.join(d, "result.requests.jsonl")) as fh:
        reqs = [json.loads(line) for line in fh if line.strip()]
    ok = [r for r in reqs if r["success"]]
    refused = [r for r in reqs if not r["success"] and r.get("status") in (429, 503)]
    other = [r for r in reqs if not r["success"] and r.get("status") not in (429, 503)]
    # how long a refused client waited for its answer, from when it was due
    told = [(r["done_ns"] - r["scheduled_ns"]) / 1e9 for r in refused if r["done_ns"] >= 0]
    ttft = [r["ttft_ms"] / 1000 for r in ok]
    tpot = [r["tpot_ms"] for r in ok if r.get("tpot_ms") is not None]
    rows.append((arm, len(reqs), len(ok), len(refused), len(other), pct(ttft, 50), pct(ttft, 90),
                 pct(ttft, 99), pct(tpot, 50), pct(tpot, 90),
                 result.get("output_throughput", float("nan")), pct(told, 50), pct(told, 100)))
    json.dump({"arm": arm, "requests": len(reqs), "served": len(ok), "refused": len(refused),
               "other_failures": len(other)}, open(os.path.join(d, "summary.json"), "w"))
print(f"| arm | requests | served | refused 503/429 | other failures | TTFT p50 / p90 / p99 (s) "
      f"| TPOT p50 / p90 (ms) | output tok/s | refused after p50 / max (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.1f} / {r[6]:.1f} / {r[7]:.1f} "
          f"| {r[8]:.1f} / {r[9]:.1f} | {r[10]:.0f} | {r[11]:.1f} / {r[12]:.1f} |")
print(f"(admission: max_in_flight_per_replica {limit}, queue max_wait {wait})")
EOF
