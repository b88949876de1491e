#!/usr/bin/env bash
# bench/ab.sh: replay one frozen workload through a baseline and a managed router, interleaved
# (A B A B ...), then compare them with analysis/compare.sh.
#
#   bench/ab.sh --baseline URL --managed URL --workload FILE --out DIR [options]
#   bench/ab.sh --demo [--quick] [--out DIR] [--sweep RATES]
#
# Run `bench/ab.sh --help` for every option. Exit status: 0 valid comparison, 3 comparison written
# but invalid (a run fell behind its schedule or failed requests), 2 usage error, 1 other failure.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_JAR="$ROOT/bench/target/bench.jar"
JAVA_OPTS=(${JAVA_OPTS:-})

usage() {
  cat <<'EOF'
Usage:
  bench/ab.sh --baseline URL --managed URL --workload FILE --out DIR [options]
  bench/ab.sh --demo [--quick] [--out DIR] [--sweep RATES] [options]

A/B against running routers:
  --baseline URL          base URL of the baseline router (e.g. http://host:8080)
  --managed URL           base URL of the managed router (e.g. http://host:8081)
  --workload FILE         frozen workload from `bench.jar workload`
  --out DIR               where results, comparison.json and report.html go (created)
  --repetitions N         repetitions per arm, interleaved A B A B ... (default 3)
  --server-metrics ID=URL...
                          replicas' vLLM /metrics (one or more values, repeatable): telemetry,
                          and the cool-down waits until every listed replica is idle before each run
  --gpu-metrics ID=URL... DCGM-format GPU endpoints (dcgm-exporter or vllm-sim; one or more values)
  --goodput KEY:MS...     goodput SLOs, vLLM's syntax: --goodput ttft:2000 tpot:100 (milliseconds;
                          recorded in every result, so the report uses them)
  --warmup-requests N     requests replayed through each arm before measuring, not recorded
                          (default 60; 0 = none)
  --cooldown-timeout S    longest wait for idle replicas before a run (default 180)
  --sweep RATES           also run both arms once at each of these request rates (comma list,
                          req/s) and report each arm's capacity under the SLO; needs --spec
  --spec FILE             the workload's generator spec (`bench.jar workload --spec`), used to
                          generate the same traffic at each sweep rate
  --bench-arg ARG         extra argument for every `bench.jar run` (repeatable), e.g.
                          --bench-arg --max-schedule-lag-ms=5
  --baseline-label NAME, --managed-label NAME
                          the arms' names, recorded in every result (bench run --label) so the
                          report uses them (default baseline, managed; the demo: lb-roundrobin,
                          lb-queue-aware)

Demo (builds what is missing, starts the simulated 6-replica fleet and both routers on free
ports, runs the default multi-model workload, stops everything it started, prints the report):
  --demo                  run the demo
  --quick                 a shorter demo (CI): fewer requests, 2 repetitions
  --keep                  leave the fleet and routers running at the end (prints their URLs)
  --slow-replica ID=F     run that simulated replica F times slower (vllm-sim --slowdown: a
                          degraded GPU), e.g. llama70b-2=1.5 (repeatable)

  -h, --help              this help

While it runs, ab.sh shows the runs done of all, the time spent and an estimate of the time left,
and the current run's progress; Ctrl-C stops it and says what it stopped (the interrupted run
leaves no result; finished runs stay in --out).
EOF
}

die() { echo "ab.sh: $1" >&2; exit "${2:-1}"; }
log() { echo "ab.sh: $*" >&2; }

BASELINE="" MANAGED="" WORKLOAD="" OUT="" REPS="" DEMO=0 QUICK=0 KEEP=0 SWEEP="" SLOW=()
GOODPUT=() WARMUP_REQUESTS=60 COOLDOWN_TIMEOUT=180 SWEEP_SPEC=""
SERVER_METRICS=() GPU_METRICS=() BENCH_ARGS=() BASELINE_LABEL="" MANAGED_LABEL=""

# values FLAG ARGS...: the values after FLAG up to the next option (at least one); sets TAKEN.
values() {
  local flag="$1"; shift
  VALUES=()
  while [ $# -gt 0 ] && [[ "$1" != -* ]]; do VALUES+=("$1"); shift; done
  [ ${#VALUES[@]} -gt 0 ] || { echo "ab.sh: $flag needs a value; see --help" >&2; exit 2; }
  TAKEN=$((${#VALUES[@]} + 1))
}

while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) BASELINE="${2:?--baseline needs a URL}"; shift 2 ;;
    --managed) MANAGED="${2:?--managed needs a URL}"; shift 2 ;;
    --workload) WORKLOAD="${2:?--workload needs a file}"; shift 2 ;;
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --repetitions) REPS="${2:?--repetitions needs a number}"; shift 2 ;;
    --server-metrics) values "$@"; SERVER_METRICS+=("${VALUES[@]}"); shift "$TAKEN" ;;
    --gpu-metrics) values "$@"; GPU_METRICS+=("${VALUES[@]}"); shift "$TAKEN" ;;
    --goodput)
      values "$@"; shift "$TAKEN"
      for v in "${VALUES[@]}"; do
        if [[ "$v" == *[\ ,]* ]]; then
          GOODPUT+=(${v//,/ })
          echo "ab.sh: warning: --goodput \"$v\" is deprecated: write --goodput ${v//,/ } (one KEY:MS per argument, as vllm bench serve takes them)" >&2
        else
          GOODPUT+=("$v")
        fi
      done ;;
    --warmup-requests) WARMUP_REQUESTS="${2:?--warmup-requests needs a number}"; shift 2 ;;
    --cooldown-timeout) COOLDOWN_TIMEOUT="${2:?--cooldown-timeout needs seconds}"; shift 2 ;;
    --sweep) SWEEP="${2:?--sweep needs rates, e.g. 2,4,6}"; shift 2 ;;
    --spec) SWEEP_SPEC="${2:?--spec needs a file}"; shift 2 ;;
    --baseline-label) BASELINE_LABEL="${2:?--baseline-label needs a name}"; shift 2 ;;
    --managed-label) MANAGED_LABEL="${2:?--managed-label needs a name}"; shift 2 ;;
    --slow-replica)
      [[ "${2:-}" =~ ^[a-z0-9-]+=[0-9]+(\.[0-9]+)?$ ]] || die "--slow-replica needs ID=FACTOR, e.g. llama70b-2=1.5" 2
      SLOW+=("$2"); shift 2 ;;
    --bench-arg) BENCH_ARGS+=("${2:?--bench-arg needs a value}"); shift 2 ;;
    --demo) DEMO=1; shift ;;
    --quick) QUICK=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" 2 ;;
  esac
done

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }
[ -z "$REPS" ] || is_uint "$REPS" && [ "${REPS:-1}" -ge 1 ] || die "--repetitions must be a positive integer, got '$REPS'" 2
is_uint "$WARMUP_REQUESTS" || die "--warmup-requests must be a non-negative integer, got '$WARMUP_REQUESTS'" 2
is_uint "$COOLDOWN_TIMEOUT" || die "--cooldown-timeout must be seconds, got '$COOLDOWN_TIMEOUT'" 2
if [ -n "$SWEEP" ] && ! [[ "$SWEEP" =~ ^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$ ]]; then
  die "--sweep must be a comma list of rates, e.g. 2,4,6; got '$SWEEP'" 2
fi
command -v java >/dev/null || die "java is not on the PATH (Java 17+ is required)"
command -v curl >/dev/null || die "curl is required"

# ---------------------------------------------------------------------------------------------
# Helpers

# Shenandoah keeps GC pauses out of the generator's schedule (docs/bench.md, "JVM").
GC_OPTS=() GC_CHECKED=0
gc_opts() {
  [ "$GC_CHECKED" = 0 ] || return 0
  GC_CHECKED=1
  if java -XX:+UseShenandoahGC -version >/dev/null 2>&1; then GC_OPTS=(-XX:+UseShenandoahGC); fi
}
bench_java() {
  gc_opts
  java "${GC_OPTS[@]}" "${JAVA_OPTS[@]}" -jar "$BENCH_JAR" "$@"
}

# Sum of running + waiting requests over the --server-metrics replicas ("" if none answered).
busy_requests() {
  local total=0 seen=0 entry url body
  for entry in "${SERVER_METRICS[@]}"; do
    url="${entry#*=}"
    body=$(curl -sf --max-time 2 "$url" 2>/dev/null) || continue
    seen=1
    total=$(awk -v t="$total" '/^vllm:num_requests_(running|waiting|swapped)[{ ]/ { t += $NF } END { printf "%d", t }' <<<"$body")
  done
  [ "$seen" = 1 ] && echo "$total" || echo ""
}

# Waits until every listed replica reports no running or waiting request (vLLM /metrics).
cooldown() {
  [ ${#SERVER_METRICS[@]} -gt 0 ] || { sleep 2; return 0; }
  local deadline=$((SECONDS + COOLDOWN_TIMEOUT)) busy
  while :; do
    busy=$(busy_requests)
    if [ "$busy" = "0" ]; then return 0; fi
    if [ $SECONDS -ge $deadline ]; then
      log "warning: replicas still busy ($busy requests) after ${COOLDOWN_TIMEOUT}s; running anyway"
      return 0
    fi
    sleep 1
  done
}

telemetry_args() {
  local a=() e
  for e in "${SERVER_METRICS[@]}"; do a+=(--server-metrics "$e"); done
  for e in "${GPU_METRICS[@]}"; do a+=(--gpu-metrics "$e"); done
  [ ${#a[@]} -eq 0 ] || printf '%s\n' "${a[@]}"
}

# label ARM: the name an arm's runs record (--baseline-label / --managed-label, else the arm).
label() {
  if [ "$1" = baseline ]; then echo "${BASELINE_LABEL:-baseline}"; else echo "${MANAGED_LABEL:-managed}"; fi
}

# run_arm ARM URL WORKLOAD RESULT ARGS...: one measured run, its progress shown while it runs; a
# run marked invalid is kept.
run_arm() {
  local arm="$1" url="$2" workload="$3" result="$4"; shift 4
  local progress="${result%.json}.progress"
  local args=(run --url "$url" -w "$workload" -o "$result" --label "$(label "$arm")" --no-progress
    --progress-file "$progress" --metadata "arm=$arm" "$@")
  mapfile -t tele < <(telemetry_args)
  args+=("${tele[@]}")
  [ ${#GOODPUT[@]} -eq 0 ] || args+=(--goodput "${GOODPUT[@]}")
  args+=("${BENCH_ARGS[@]}")
  mkdir -p "$(dirname "$result")"
  local rc=0
  gc_opts
  # exec: $! is then bench's own process, which an interrupt can stop
  ( exec java "${GC_OPTS[@]}" "${JAVA_OPTS[@]}" -jar "$BENCH_JAR" "${args[@]}" ) > "${result%.json}.console.txt" 2>&1 &
  BENCH_PID=$!
  watch_progress "$BENCH_PID" "$progress"
  wait "$BENCH_PID" || rc=$?
  BENCH_PID=""
  rm -f "$progress"
  RUNS_DONE=$((RUNS_DONE + 1))
  if [ ! -f "$result" ]; then
    tail -n 20 "${result%.json}.console.txt" >&2
    die "the $arm run produced no result (see ${result%.json}.console.txt)"
  fi
  [ $rc -eq 0 ] || log "warning: the $arm run at $result is marked invalid (see its console.txt)"
}

# warmup ARM URL: short requests for the workload's models through the arm (JIT, connections,
# first scrapes), not recorded.
warmup() {
  [ "$WARMUP_REQUESTS" -gt 0 ] || return 0
  local arm="$1" url="$2" dir="$OUT/warmup"
  mkdir -p "$dir"
  if [ ! -f "$dir/workload.jsonl" ]; then
    local models=() m
    mapfile -t models < <(head -n 1 "$OUT/workload.jsonl" | grep -o '"models":\[[^]]*\]' | head -n 1 \
      | sed 's/^"models":\[//; s/\]$//' | tr ',' '\n' | sed 's/^"//; s/"$//')
    local flags=()
    for m in "${models[@]}"; do [ -n "$m" ] && flags+=(--model "$m"); done
    [ ${#flags[@]} -gt 0 ] || die "cannot read the models of $OUT/workload.jsonl"
    bench_java workload -o "$dir/workload.jsonl" "${flags[@]}" --num-prompts "$WARMUP_REQUESTS" \
      --request-rate 10 --random-input-len 256 --random-output-len 32 --seed 99 >/dev/null
  fi
  log "warming up $arm ($WARMUP_REQUESTS requests)"
  bench_java run --url "$url" -w "$dir/workload.jsonl" -o "$dir/$arm.json" --label "warmup-$arm" \
    --no-progress --max-schedule-lag-ms 1000 --min-achieved-ratio 0 >/dev/null 2>&1 || true
}

# ab_runs WORKLOAD DIR REPS: interleaved repetitions into DIR/{baseline,managed}/repK/result.json
ab_runs() {
  local workload="$1" dir="$2" reps="$3" k
  for k in $(seq 1 "$reps"); do
    for arm in baseline managed; do
      RUN_AT=$SECONDS
      FIRST_RUN_AT="${FIRST_RUN_AT:-$SECONDS}"
      cooldown
      local url="$BASELINE"; [ "$arm" = managed ] && url="$MANAGED"
      CURRENT="$arm ($(label "$arm")) repetition $k/$reps"
      log "run $((RUNS_DONE + 1))/$RUNS_TOTAL: $CURRENT at $url; $(overall)"
      run_arm "$arm" "$url" "$workload" "$dir/$arm/rep$k/result.json" --metadata "repetition=$k"
    done
  done
  CURRENT=""
}

# ---------------------------------------------------------------------------------------------
# Progress

RUNS_DONE=0 RUNS_TOTAL=0 RUN_SPAN_S=0 STARTED=$SECONDS CURRENT="" BENCH_PID="" DEMO_STARTED=""
FIRST_RUN_AT="" RUN_AT=$SECONDS

mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

# overall: "elapsed M:SS, about M:SS left": the runs still to do at the mean pace of those done,
# cool-downs included (before the first one is done: the workload's span plus 20 s each for the
# drain and the cool-down, about what the demo takes), less what the current run has taken.
overall() {
  local elapsed=$((SECONDS - STARTED)) per left
  if [ "$RUNS_DONE" -gt 0 ]; then per=$(((RUN_AT - FIRST_RUN_AT) / RUNS_DONE)); else per=$((RUN_SPAN_S + 20)); fi
  left=$(((RUNS_TOTAL - RUNS_DONE) * per - (SECONDS - RUN_AT)))
  [ "$left" -ge 0 ] || left=0
  echo "elapsed $(mmss "$elapsed"), about $(mmss "$left") left"
}

# watch_progress PID FILE: until PID exits, the current run's bar from bench's --progress-file:
# redrawn in place on a terminal, a line every 30 s otherwise (CI logs).
watch_progress() {
  local pid="$1" file="$2" last=$SECONDS line done sent total width=30 filled
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    read -r done sent total 2>/dev/null < "$file" || continue
    [ "${total:-0}" -gt 0 ] || continue
    filled=$((done * width / total))
    line="  [$(printf '%*s' "$filled" '' | tr ' ' '#')$(printf '%*s' $((width - filled)) '' | tr ' ' '.')] $done/$total done, $sent sent; run $((RUNS_DONE + 1))/$RUNS_TOTAL, $(overall)"
    if [ -t 2 ]; then
      printf '\r\033[K%s' "$line" >&2
    elif [ $((SECONDS - last)) -ge 30 ]; then
      echo "ab.sh:${line# }" >&2
      last=$SECONDS
    fi
  done
  [ -t 2 ] && printf '\r\033[K' >&2
  return 0
}

# plan REPS SWEEP_POINTS: how many runs there are, and how long one takes at least (the span).
plan() {
  RUNS_TOTAL=$((2 * $1 + 2 * $2))
  RUN_SPAN_S=$(head -n 1 "$OUT/workload.jsonl" | grep -o '"span_s":[0-9.]*' | cut -d: -f2 | cut -d. -f1)
  RUN_SPAN_S="${RUN_SPAN_S:-0}"
}

# On Ctrl-C or TERM: say what was stopped, then let the EXIT trap clean up.
interrupted() {
  trap - INT TERM
  [ -t 2 ] && printf '\r\033[K' >&2
  if [ -n "$BENCH_PID" ]; then kill -TERM "$BENCH_PID" 2>/dev/null || true; fi
  local what="${CURRENT:-the set-up}"
  log "interrupted during $what after $(mmss $((SECONDS - STARTED))): $RUNS_DONE of $RUNS_TOTAL runs finished"
  local stopped="the bench run in flight (it leaves no result)"
  [ -z "$DEMO_STARTED" ] || stopped+=", and the simulated fleet and both routers the demo started"
  [ -n "$DEMO_STARTED" ] || stopped+="; the routers under test were not started by ab.sh and keep running"
  log "stopped: $stopped"
  [ "$RUNS_DONE" -eq 0 ] || log "finished runs are kept under ${OUT:-the output folder} (compare them with analysis/compare.sh)"
  exit 130
}
trap interrupted INT TERM

check_url() {
  [[ "$2" =~ ^https?://[^/]+/?$ ]] || die "--$1 must be a base URL such as http://host:8080, got '$2'" 2
}

# ---------------------------------------------------------------------------------------------
# A/B

ab_main() {
  [ -n "$BASELINE" ] || die "--baseline URL is required (or --demo); see --help" 2
  [ -n "$MANAGED" ] || die "--managed URL is required (or --demo); see --help" 2
  [ -n "$WORKLOAD" ] || die "--workload FILE is required (or --demo); see --help" 2
  [ -n "$OUT" ] || die "--out DIR is required (or --demo); see --help" 2
  check_url baseline "$BASELINE"; check_url managed "$MANAGED"
  [ -r "$WORKLOAD" ] || die "cannot read workload '$WORKLOAD'" 2
  ensure_built bench analysis
  bench_java verify "$WORKLOAD" >/dev/null || die "'$WORKLOAD' is not a valid workload (bench.jar verify $WORKLOAD)"
  REPS="${REPS:-3}"
  mkdir -p "$OUT"
  cp "$WORKLOAD" "$OUT/workload.jsonl" 2>/dev/null || true
  local points=0
  [ -z "$SWEEP" ] || points=$(tr ',' '\n' <<<"$SWEEP" | wc -l)
  plan "$REPS" "$points"
  CURRENT="the warm-up"
  warmup baseline "$BASELINE"
  warmup managed "$MANAGED"
  ab_runs "$OUT/workload.jsonl" "$OUT" "$REPS"
  # the runs record their labels, SLO and gates: compare.sh needs no option to reproduce this report
  local compare=("$ROOT/analysis/compare.sh" "$OUT/baseline" "$OUT/managed" --out "$OUT")
  if [ -n "$SWEEP" ]; then
    sweep_runs
    compare+=(--sweep "$OUT/sweep")
  fi
  CURRENT="the comparison"
  local rc=0
  "${compare[@]}" || rc=$?
  CURRENT=""
  log "results and report in $OUT (report.html, report.md, comparison.json); $RUNS_DONE runs in $(mmss $((SECONDS - STARTED)))"
  log "to reproduce the report from these results: analysis/compare.sh ${compare[*]:1}"
  return $rc
}

# Re-times the workload at each sweep rate (same bodies and model mix) and runs both arms once.
sweep_runs() {
  local rate n
  n=$(head -n 1 "$OUT/workload.jsonl" | grep -o '"num_requests":[0-9]*' | cut -d: -f2)
  for rate in ${SWEEP//,/ }; do
    local dir="$OUT/sweep/rate-$rate"
    mkdir -p "$dir"
    bench_java workload -o "$dir/workload.jsonl" --spec "$SWEEP_SPEC" --request-rate "$rate" \
      --num-prompts "$n" >/dev/null
    ab_runs "$dir/workload.jsonl" "$dir" 1
  done
}

# ---------------------------------------------------------------------------------------------
# Build and demo

ensure_built() {
  local missing=() m
  for m in "$@"; do [ -f "$ROOT/$m/target/$m.jar" ] || missing+=("$m"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "building ${missing[*]} (first run only)"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests package -pl "$(IFS=,; echo "${missing[*]}")" -am) \
    || die "the build failed; run ./mvnw -B verify to see why"
}

PIDS=()
cleanup() {
  local rc=$?
  if [ "$KEEP" = 1 ] && [ $rc -eq 0 ]; then return; fi
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
  done
}

# start NAME LOG CMD...: starts CMD in its own process group so cleanup takes its children too.
start() {
  local name="$1" logf="$2"; shift 2
  setsid "$@" > "$logf" 2>&1 < /dev/null &
  PIDS+=($!)
  log "started $name (pid $!, log $logf)"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_ports N: N distinct free loopback ports in a random high range.
free_ports() {
  local want="$1" found=() p=$((20000 + RANDOM % 30000))
  while [ ${#found[@]} -lt "$want" ]; do
    p=$((p + 1)); [ $p -lt 65000 ] || p=20000
    port_free "$p" && found+=("$p")
  done
  echo "${found[@]}"
}

wait_healthy() {
  local name="$1" url="$2" pid="$3" deadline=$((SECONDS + 120))
  until curl -sf --max-time 2 "$url" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up (see its log in $OUT/logs)"
    [ $SECONDS -lt $deadline ] || die "$name did not become healthy at $url within 120 s"
    sleep 0.3
  done
}

demo_main() {
  [ -z "$BASELINE$MANAGED$WORKLOAD" ] || die "--demo starts its own routers and workload: drop --baseline/--managed/--workload" 2
  OUT="${OUT:-$ROOT/results/demo-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT/logs"
  trap cleanup EXIT
  DEMO_STARTED=1
  ensure_built vllm-sim lb-roundrobin lb-queue-aware bench analysis

  read -r -a ports <<<"$(free_ports 10)"
  local sim_ports=("${ports[@]:0:6}") rr_port="${ports[6]}" rr_admin="${ports[7]}" qa_port="${ports[8]}" qa_admin="${ports[9]}"
  local ids=(llama8b-1 llama8b-2 qwen7b-1 qwen7b-2 llama70b-1 llama70b-2)
  local models=(meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-8B-Instruct Qwen/Qwen2.5-7B-Instruct
    Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.3-70B-Instruct meta-llama/Llama-3.3-70B-Instruct)
  local profiles=(llama-3.1-8b-h100 llama-3.1-8b-h100 qwen2.5-7b-h100 qwen2.5-7b-h100
    llama-3.3-70b-awq-h100 llama-3.3-70b-awq-h100)

  local fleet="$OUT/fleet.yaml" i s extra
  for s in "${SLOW[@]}"; do
    [[ " ${ids[*]} " == *" ${s%%=*} "* ]] || die "--slow-replica ${s%%=*}: no such replica (one of ${ids[*]})" 2
  done
  { echo "# the reference fleet of vllm-sim/fleet-6.yaml on free ports (written by bench/ab.sh --demo)"
    echo "defaults: { host: 127.0.0.1, seed: 1000 }"
    echo "replicas:"
    for i in 0 1 2 3 4 5; do
      extra=""
      for s in "${SLOW[@]}"; do if [ "${s%%=*}" = "${ids[$i]}" ]; then extra=", slowdown: ${s#*=}"; fi; done
      echo "  - { id: ${ids[$i]}, model: ${models[$i]}, profile: ${profiles[$i]}, port: ${sim_ports[$i]}$extra }"
    done; } > "$fleet"
  [ ${#SLOW[@]} -eq 0 ] || log "degraded replicas: ${SLOW[*]}"
  for arm in roundrobin queue-aware; do
    local lp="$rr_port" ap="$rr_admin"; [ "$arm" = queue-aware ] && lp="$qa_port" ap="$qa_admin"
    { echo "# lb-$arm in front of the demo fleet (written by bench/ab.sh --demo)"
      echo "listen: { host: 127.0.0.1, port: $lp }"
      echo "admin:  { host: 127.0.0.1, port: $ap }"
      echo "replicas:"
      for i in 0 1 2 3 4 5; do
        echo "  - { id: ${ids[$i]}, url: \"http://127.0.0.1:${sim_ports[$i]}\", model: \"${models[$i]}\" }"
      done
      echo "access_log: { enabled: false }"
      echo "scrape: { interval: 250ms }"; } > "$OUT/$arm.yaml"
  done

  start vllm-sim "$OUT/logs/vllm-sim.log" java -XX:+UseParallelGC -jar "$ROOT/vllm-sim/target/vllm-sim.jar" --fleet "$fleet"
  local sim_pid="${PIDS[-1]}"
  start lb-roundrobin "$OUT/logs/lb-roundrobin.log" java -jar "$ROOT/lb-roundrobin/target/lb-roundrobin.jar" --config "$OUT/roundrobin.yaml"
  local rr_pid="${PIDS[-1]}"
  start lb-queue-aware "$OUT/logs/lb-queue-aware.log" java -jar "$ROOT/lb-queue-aware/target/lb-queue-aware.jar" --config "$OUT/queue-aware.yaml"
  local qa_pid="${PIDS[-1]}"
  for i in 0 1 2 3 4 5; do wait_healthy "vllm-sim ${ids[$i]}" "http://127.0.0.1:${sim_ports[$i]}/health" "$sim_pid"; done
  wait_healthy lb-roundrobin "http://127.0.0.1:$rr_port/health" "$rr_pid"
  wait_healthy lb-queue-aware "http://127.0.0.1:$qa_port/health" "$qa_pid"

  BASELINE="http://127.0.0.1:$rr_port"
  MANAGED="http://127.0.0.1:$qa_port"
  for i in 0 1 2 3 4 5; do
    SERVER_METRICS+=("${ids[$i]}=http://127.0.0.1:${sim_ports[$i]}/metrics")
    GPU_METRICS+=("${ids[$i]}=http://127.0.0.1:${sim_ports[$i]}/gpu/metrics")
  done

  local spec="$ROOT/bench/demo-workload.yaml" n
  SWEEP_SPEC="${SWEEP_SPEC:-$spec}"
  if [ "$QUICK" = 1 ]; then n=$(demo_setting quick-num-prompts); REPS="${REPS:-2}"; WARMUP_REQUESTS=30
  else n=$(demo_setting num-prompts); REPS="${REPS:-3}"; fi
  [ ${#GOODPUT[@]} -gt 0 ] || read -r -a GOODPUT <<<"$(demo_setting goodput)"
  # The demo's fleet, both routers and the client share this machine's cores: the client's
  # schedule-lag gate is the spec's (a few ms against TTFTs of 100s of ms), not bench's default
  # 1 ms for a client with a machine of its own. A gate given with --bench-arg wins.
  local lag
  lag=$(demo_setting max-schedule-lag-ms)
  if [ -n "$lag" ] && [[ " ${BENCH_ARGS[*]} " != *" --max-schedule-lag-ms"* ]]; then
    BENCH_ARGS+=(--max-schedule-lag-ms "$lag")
  fi
  BASELINE_LABEL="${BASELINE_LABEL:-lb-roundrobin}"
  MANAGED_LABEL="${MANAGED_LABEL:-lb-queue-aware}"
  WORKLOAD="$OUT/workload.jsonl"
  bench_java workload -o "$WORKLOAD" --spec "$spec" --num-prompts "$n" >/dev/null
  log "workload: $(bench_java verify "$WORKLOAD" | head -n 3 | tr '\n' ' ')"

  local rc=0
  ab_main || rc=$?
  if [ "$KEEP" = 1 ]; then
    log "still running: baseline $BASELINE, managed $MANAGED, fleet $fleet (stop with: kill ${PIDS[*]})"
  fi
  return $rc
}

# Reads a `# demo: KEY VALUE` line from the demo workload spec.
demo_setting() {
  sed -n "s/^# demo: $1 //p" "$ROOT/bench/demo-workload.yaml" | head -n 1
}

if [ "$DEMO" = 1 ]; then
  demo_main
else
  [ "$QUICK" = 0 ] && [ "$KEEP" = 0 ] && [ ${#SLOW[@]} -eq 0 ] || die "--quick, --keep and --slow-replica apply to --demo only" 2
  if [ -n "$SWEEP" ] && [ -z "$SWEEP_SPEC" ]; then
    die "--sweep needs --spec FILE (the workload's generator spec) to generate each rate's traffic" 2
  fi
  [ -z "$SWEEP_SPEC" ] || [ -r "$SWEEP_SPEC" ] || die "cannot read spec '$SWEEP_SPEC'" 2
  ab_main
fi
