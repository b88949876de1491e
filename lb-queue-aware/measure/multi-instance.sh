#!/usr/bin/env bash
# Several lb-queue-aware instances in front of one fleet, in real time (issue 11): the simulated
# reference fleet (vllm-sim/fleet-6.yaml's six replicas), 1, 2 and 4 instances of lb-queue-aware,
# each with its own scraper and its own in-flight counts, as the pods of a Kubernetes Deployment.
# Clients reach the instances through a spreader (an lb-roundrobin whose "replicas" are the
# instances, one entry per model: a Service spreading requests), also in front of the single
# instance, so every arm has the same extra hop. bench/ab.sh then compares, interleaved, one
# instance (baseline) with N instances (managed) on the demo workload, for each N.
# Needs: JDK 17+, python3, curl. Takes about 8 minutes per N with 3 repetitions.
# Usage: lb-queue-aware/measure/multi-instance.sh [OUT_DIR] [N...]      (default N: 2 4)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="${1:-$(mktemp -d /tmp/multi-instance.XXXXXX)}"
shift || true
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(2 4)
REPS="${REPS:-3}"
mkdir -p "$OUT/bin" "$OUT/logs"
echo "building vllm-sim, lb-roundrobin, lb-queue-aware, bench and analysis..." >&2
./mvnw -B -q -pl vllm-sim,lb-roundrobin,lb-queue-aware,bench,analysis -am package -DskipTests
# Run the routers and the fleet from copies: another build in this tree must not replace a jar
# under a running process.
cp vllm-sim/target/vllm-sim.jar lb-roundrobin/target/lb-roundrobin.jar \
  lb-queue-aware/target/lb-queue-aware.jar "$OUT/bin/"
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

IDS=(llama8b-1 llama8b-2 qwen7b-1 qwen7b-2 llama70b-1 llama70b-2)
MODELS=(meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-8B-Instruct Qwen/Qwen2.5-7B-Instruct
  Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.3-70B-Instruct meta-llama/Llama-3.3-70B-Instruct)
PROFILES=(llama-3.1-8b-h100 llama-3.1-8b-h100 qwen2.5-7b-h100 qwen2.5-7b-h100
  llama-3.3-70b-awq-h100 llama-3.3-70b-awq-h100)
SIM_BASE=18500     # replicas on 18501-18506
QA_BASE=18510      # instance k of group g on QA_BASE + 10 * g + k, admin + 100
SPREAD_BASE=18570  # the spreader of group g on SPREAD_BASE + g, admin + 100

{ echo "defaults: { host: 127.0.0.1, seed: 1000 }"
  echo "replicas:"
  for i in 0 1 2 3 4 5; do
    echo "  - { id: ${IDS[$i]}, model: ${MODELS[$i]}, profile: ${PROFILES[$i]}, port: $((SIM_BASE + i + 1)) }"
  done; } > "$OUT/fleet.yaml"
java -XX:+UseParallelGC -jar "$OUT/bin/vllm-sim.jar" --fleet "$OUT/fleet.yaml" >"$OUT/logs/vllm-sim.log" 2>&1 &
PIDS+=($!)
for i in 1 2 3 4 5 6; do wait_for "http://127.0.0.1:$((SIM_BASE + i))/health" 60; done

# start_group G N: N lb-queue-aware instances (the demo's configuration) behind spreader G.
start_group() {
  local g="$1" n="$2" k port spread="$((SPREAD_BASE + $1))"
  for k in $(seq 1 "$n"); do
    port=$((QA_BASE + 10 * g + k))
    { echo "listen: { host: 127.0.0.1, port: $port }"
      echo "admin:  { host: 127.0.0.1, port: $((port + 100)) }"
      echo "replicas:"
      for i in 0 1 2 3 4 5; do
        echo "  - { id: ${IDS[$i]}, url: \"http://127.0.0.1:$((SIM_BASE + i + 1))\", model: \"${MODELS[$i]}\" }"
      done
      echo "access_log: { enabled: false }"
      echo "scrape: { interval: 250ms }"; } > "$OUT/qa-$g-$k.yaml"
    java -Xmx512m -jar "$OUT/bin/lb-queue-aware.jar" --config "$OUT/qa-$g-$k.yaml" \
      >"$OUT/logs/qa-$g-$k.log" 2>&1 &
    PIDS+=($!)
  done
  { echo "listen: { host: 127.0.0.1, port: $spread }"
    echo "admin:  { host: 127.0.0.1, port: $((spread + 100)) }"
    echo "replicas:"
    for k in $(seq 1 "$n"); do
      port=$((QA_BASE + 10 * g + k))
      for m in meta-llama/Llama-3.1-8B-Instruct Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.3-70B-Instruct; do
        echo "  - { id: \"instance-$k-${m##*/}\", url: \"http://127.0.0.1:$port\", model: \"$m\" }"
      done
    done
    echo "access_log: { enabled: false }"; } > "$OUT/spreader-$g.yaml"
  java -Xmx512m -jar "$OUT/bin/lb-roundrobin.jar" --config "$OUT/spreader-$g.yaml" \
    >"$OUT/logs/spreader-$g.log" 2>&1 &
  PIDS+=($!)
  for k in $(seq 1 "$n"); do wait_for "http://127.0.0.1:$((QA_BASE + 10 * g + k))/health" 60; done
  wait_for "http://127.0.0.1:$spread/health" 60
}

start_group 0 1

demo_setting() { sed -n "s/^# demo: $1 //p" bench/demo-workload.yaml | head -n 1; }
java -jar bench/target/bench.jar workload -o "$OUT/workload.jsonl" --spec bench/demo-workload.yaml \
  --num-prompts "$(demo_setting num-prompts)" >/dev/null
read -r -a goodput <<<"$(demo_setting goodput)"
metrics=()
for i in 0 1 2 3 4 5; do metrics+=("${IDS[$i]}=http://127.0.0.1:$((SIM_BASE + i + 1))/metrics"); done

rc=0
for n in "${COUNTS[@]}"; do
  echo "1 instance vs $n instances..." >&2
  first=${#PIDS[@]}
  start_group "$n" "$n"
  bench/ab.sh --baseline "http://127.0.0.1:$SPREAD_BASE" --managed "http://127.0.0.1:$((SPREAD_BASE + n))" \
    --workload "$OUT/workload.jsonl" --out "$OUT/x$n" --repetitions "$REPS" \
    --server-metrics "${metrics[@]}" --goodput "${goodput[@]}" \
    --bench-arg "--max-schedule-lag-ms=$(demo_setting max-schedule-lag-ms)" \
    --baseline-label "lb-queue-aware x1" --managed-label "lb-queue-aware x$n" \
    >"$OUT/x$n.log" 2>&1 || rc=$?
  # Stop this group: idle instances would still scrape the fleet during the next comparison.
  for p in "${PIDS[@]:$first}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:$first}"; do wait "$p" 2>/dev/null || true; done
  PIDS=("${PIDS[@]:0:$first}")
  sed -n '1,/^$/p' "$OUT/x$n/report.md" 2>/dev/null | head -n 20 || true
done
exit $rc
