#!/usr/bin/env bash
# lb-queue-aware/measure/ab-sim.sh: queue-aware vs round-robin on the simulated reference fleet, in
# real time. Starts vllm-sim's 6-replica fleet (optionally with llama70b-2 slowed), lb-roundrobin
# and lb-queue-aware on free ports, freezes a workload for the 70B pool, and runs bench/ab.sh
# (interleaved repetitions, warm-up, idle cool-down, analysis/compare.sh) against both routers.
#
#   lb-queue-aware/measure/ab-sim.sh OUT_DIR RATE [SLOWDOWN=1] [SECONDS=300] [REPETITIONS=2] [SEED=1]
#   lb-queue-aware/measure/ab-sim.sh OUT_DIR --sweep RATES [SLOWDOWN=1] [SECONDS=200]
#
# The workload: Llama-3.3-70B-AWQ only (the KV-bound pool), SECONDS x RATE requests, Gamma
# arrivals with burstiness 0.5, prompts log-normal (median 512 tokens, sigma 0.5), outputs
# heavy-tailed (log-normal, median 300, sigma 1.2, at most 2,048; ignore_eos). With --sweep, each
# rate is one round-robin run (the capacity sweep). MAX_LAG_MS (default 50) is the schedule-lag
# validity gate passed to bench. Everything started is stopped at the end; the
# jars run from copies in OUT_DIR/jars, so a rebuild meanwhile cannot change them.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: ab-sim.sh OUT_DIR RATE|--sweep RATES [SLOWDOWN] [SECONDS] [REPETITIONS] [SEED]}"
SWEEP=""
if [ "${2:-}" = "--sweep" ]; then
  SWEEP="${3:?--sweep needs rates, e.g. 3.6,4.2,4.8}"; shift 3; set -- "$OUT" "" "$@"
fi
RATE="${2:-}"
SLOWDOWN="${3:-1}"
SECS="${4:-$([ -n "$SWEEP" ] && echo 200 || echo 300)}"
REPS="${5:-2}"
SEED="${6:-1}"
[ -n "$SWEEP" ] || [[ "$RATE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "ab-sim.sh: RATE must be a number" >&2; exit 2; }
MODEL="meta-llama/Llama-3.3-70B-Instruct"
# bench's default validity gate (p99 schedule lag <= 1 ms) is for a quiet machine; on a shared
# 2-core machine running the fleet, both routers and the client, p99 lag is 5-30 ms (still small
# against TTFTs of hundreds of ms). Both arms get the same gate; the lag is in every result.
MAX_LAG_MS="${MAX_LAG_MS:-50}"

mkdir -p "$OUT/logs" "$OUT/jars"
for m in vllm-sim lb-roundrobin lb-queue-aware bench analysis; do
  [ -f "$ROOT/$m/target/$m.jar" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl "$m" -am)
  cp "$ROOT/$m/target/$m.jar" "$OUT/jars/"
done

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=() p=$((20000 + RANDOM % 30000))
while [ ${#ports[@]} -lt 10 ]; do p=$((p + 1)); port_free "$p" && ports+=("$p"); done
ids=(llama8b-1 llama8b-2 qwen7b-1 qwen7b-2 llama70b-1 llama70b-2)
models=(meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-8B-Instruct Qwen/Qwen2.5-7B-Instruct
  Qwen/Qwen2.5-7B-Instruct "$MODEL" "$MODEL")
profiles=(llama-3.1-8b-h100 llama-3.1-8b-h100 qwen2.5-7b-h100 qwen2.5-7b-h100
  llama-3.3-70b-awq-h100 llama-3.3-70b-awq-h100)
{ echo "defaults: { host: 127.0.0.1, seed: 1000 }"
  echo "replicas:"
  for i in 0 1 2 3 4 5; do
    extra=""; [ "$i" = 5 ] && [ "$SLOWDOWN" != 1 ] && extra=", slowdown: $SLOWDOWN"
    echo "  - { id: ${ids[$i]}, model: ${models[$i]}, profile: ${profiles[$i]}, port: ${ports[$i]}$extra }"
  done; } > "$OUT/fleet.yaml"
for arm in roundrobin queue-aware; do
  lp="${ports[6]}" ap="${ports[7]}"; [ "$arm" = queue-aware ] && lp="${ports[8]}" ap="${ports[9]}"
  { echo "listen: { host: 127.0.0.1, port: $lp }"
    echo "admin:  { host: 127.0.0.1, port: $ap }"
    echo "replicas:"
    for i in 0 1 2 3 4 5; do
      echo "  - { id: ${ids[$i]}, url: \"http://127.0.0.1:${ports[$i]}\", model: \"${models[$i]}\" }"
    done
    echo "access_log: { enabled: false }"
    echo "scrape: { interval: 250ms }"; } > "$OUT/$arm.yaml"
done

start() {
  local name="$1"; shift
  "$@" > "$OUT/logs/$name.log" 2>&1 < /dev/null &
  PIDS+=($!)
}
start vllm-sim java -XX:+UseParallelGC -jar "$OUT/jars/vllm-sim.jar" --fleet "$OUT/fleet.yaml"
start lb-roundrobin java -jar "$OUT/jars/lb-roundrobin.jar" --config "$OUT/roundrobin.yaml"
start lb-queue-aware java -jar "$OUT/jars/lb-queue-aware.jar" --config "$OUT/queue-aware.yaml"
for url in "http://127.0.0.1:${ports[4]}/health" "http://127.0.0.1:${ports[5]}/health" \
    "http://127.0.0.1:${ports[6]}/health" "http://127.0.0.1:${ports[8]}/health"; do
  for _ in $(seq 600); do curl -sf --max-time 2 "$url" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf --max-time 2 "$url" >/dev/null || { echo "ab-sim.sh: $url is not healthy" >&2; exit 1; }
done

spec="$OUT/workload-spec.yaml"
cat > "$spec" <<YAML
models: [{ name: "$MODEL", weight: 1 }]
input-len-dist: "lognormal(512,0.5,max=24000)"
output-len-dist: "lognormal(300,1.2,max=2048)"
burstiness: 0.5
seed: $SEED
YAML
bench() { java -XX:+UseShenandoahGC -jar "$OUT/jars/bench.jar" "$@"; }
metrics=(--server-metrics "llama70b-1=http://127.0.0.1:${ports[4]}/metrics"
  --server-metrics "llama70b-2=http://127.0.0.1:${ports[5]}/metrics")
echo "ab-sim.sh: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/machine.txt"

if [ -n "$SWEEP" ]; then
  for rate in ${SWEEP//,/ }; do
    n=$(awk -v r="$rate" -v s="$SECS" 'BEGIN { printf "%d", r * s }')
    bench workload -o "$OUT/sweep-$rate.jsonl" --spec "$spec" --request-rate "$rate" --num-prompts "$n" >/dev/null
    bench run --url "http://127.0.0.1:${ports[6]}" -w "$OUT/sweep-$rate.jsonl" -o "$OUT/sweep-$rate.json" \
      --label "roundrobin-$rate" --no-progress --max-schedule-lag-ms "$MAX_LAG_MS" "${metrics[@]}" \
      > "$OUT/sweep-$rate.console.txt" 2>&1 || true
    echo "ab-sim.sh: rate $rate done; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
    # Idle between rates: the next run starts on empty replicas.
    for _ in $(seq 600); do
      busy=$(curl -sf "http://127.0.0.1:${ports[4]}/metrics" "http://127.0.0.1:${ports[5]}/metrics" \
        | awk '/^vllm:num_requests_(running|waiting)[{ ]/ { t += $NF } END { printf "%d", t }')
      [ "$busy" = 0 ] && break; sleep 1
    done
  done
  exit 0
fi

n=$(awk -v r="$RATE" -v s="$SECS" 'BEGIN { printf "%d", r * s }')
bench workload -o "$OUT/workload.jsonl" --spec "$spec" --request-rate "$RATE" --num-prompts "$n" >/dev/null
rc=0
"$ROOT/bench/ab.sh" --baseline "http://127.0.0.1:${ports[6]}" --managed "http://127.0.0.1:${ports[8]}" \
  --workload "$OUT/workload.jsonl" --out "$OUT/ab" --repetitions "$REPS" "${metrics[@]}" \
  --bench-arg "--max-schedule-lag-ms=$MAX_LAG_MS" || rc=$?
curl -sf "http://127.0.0.1:${ports[9]}/metrics" > "$OUT/queue-aware-admin-metrics.txt" || true
echo "ab-sim.sh: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
exit $rc
