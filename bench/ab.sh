#!/usr/bin/env bash
# bench/ab.sh: replay one frozen workload through a baseline and a managed router (or N routers),
# interleaved (A B A B ..., A B C A B C ...), then compare them with analysis/compare.sh.
#
#   bench/ab.sh --baseline URL --managed URL --workload FILE --out DIR [options]
#   bench/ab.sh --arm NAME=URL --arm NAME=URL [--arm NAME=URL ...] --workload FILE --out DIR [options]
#   bench/ab.sh --demo [--workload default|prefix] [--oracle | --seed-configs] [--quick] [--out DIR]
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
  bench/ab.sh --arm NAME=URL --arm NAME=URL [--arm NAME=URL ...] --workload FILE --out DIR [options]
  bench/ab.sh --demo [--workload default|prefix] [--oracle | --seed-configs] [--quick] [options]

A/B against running routers:
  --baseline URL          base URL of the baseline router (e.g. http://host:8080)
  --managed URL           base URL of the managed router (e.g. http://host:8081)
  --arm NAME=URL          instead of --baseline/--managed: one arm per router, repeatable, two or
                          more; the first is the baseline every other arm is compared with. NAME
                          (letters, digits, . _ + -; unique) is the arm's label in every result
                          and report, and with three or more arms its folder: OUT/NAME/repK (two
                          arms keep OUT/baseline and OUT/managed)
  --reference NAME        with three or more arms: the report also gives each arm's TTFT, E2E
                          latency and steady output rate as a ratio of this arm's (compare.sh
                          --reference; the demo's --oracle sets --reference oracle)
  --workload FILE         frozen workload from `bench.jar workload`
  --out DIR               where results, comparison.json and report.html go (created)
  --repetitions N         repetitions per arm, interleaved A B A B ... or A B C A B C ... (default 3)
  --server-metrics ID=URL...
                          replicas' vLLM /metrics (one or more values, repeatable): telemetry,
                          and the cool-down waits until every listed replica is idle before each run
  --gpu-metrics ID=URL... DCGM-format GPU endpoints (dcgm-exporter or vllm-sim; one or more values)
  --goodput KEY:MS...     goodput SLOs, vLLM's syntax: --goodput ttft:2000 tpot:100 (milliseconds;
                          recorded in every result, so the report uses them)
  --warmup-requests N     requests replayed through each arm before measuring, not recorded
                          (default 60; 0 = none)
  --cooldown-timeout S    longest wait for idle replicas before a run (default 180)
  --no-reset-prefix-cache do not empty the replicas' prefix caches before each run. By default,
                          after the cool-down, every --server-metrics replica of the arm gets
                          POST <its base URL>/reset_prefix_cache (vLLM serves it with
                          VLLM_SERVER_DEV_MODE=1; vllm-sim always), so no run starts on prefixes
                          cached by the run before it, another arm's; a replica that cannot reset
                          is named in a warning and the results record prefix_cache_reset
  --sweep RATES           also run both arms once at each of these request rates (comma list,
                          req/s) and report each arm's capacity under the SLO; needs --spec;
                          two arms only
  --spec FILE             the workload's generator spec (`bench.jar workload --spec`), used to
                          generate the same traffic at each sweep rate
  --bench-arg ARG         extra argument for every `bench.jar run` (repeatable), e.g.
                          --bench-arg --max-schedule-lag-ms=5
  --baseline-label NAME, --managed-label NAME
                          the arms' names, recorded in every result (bench run --label) so the
                          report uses them (default baseline, managed; the demo: lb-roundrobin,
                          lb-queue-aware)
  --dry-run               check the options, print the arms, the runs and the compare.sh command
                          (the demo also writes its fleet and router configs into --out), and
                          stop: nothing is built, started or measured

Demo (builds what is missing, starts the simulated 6-replica fleet and the routers on free
ports, runs a multi-model workload, stops everything it started, prints the report):
  --demo                  run the demo: lb-roundrobin (baseline) vs lb-queue-aware on the default
                          workload (bench/demo-workload.yaml)
  --workload default|prefix
                          with --demo: the workload. prefix = bench/prefix-workload.yaml (shared
                          system prompts and multi-turn chats) and a third arm,
                          lb-queue-aware+prefix (lb-queue-aware with policy.prefix_weight 1.0)
  --oracle                with --demo: one more arm, oracle (lb-queue-aware with policy.mode
                          oracle: it asks every simulated replica for its exact engine state,
                          POST /sim/estimate, and picks the lowest estimated TTFT), reported
                          against the same baseline: each router's distance to it
  --seed-configs          with --demo: the reference deployment's two arms exactly: baseline =
                          lb-roundrobin in front of a fleet with vLLM prefix caching on (stock
                          vLLM), managed = lb-queue-aware in front of a second fleet with prefix
                          caching off (KVCached runs vLLM with --no-enable-prefix-caching); it
                          measures router and cache setting together, not the router alone
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
ARM_SPECS=() ORACLE=0 SEED_CONFIGS=0 DRY_RUN=0 REFERENCE="" RESET_PREFIX_CACHE=1
# The arms, the baseline first: name (folder with 3+ arms), label, URL, results folder, and the
# --server-metrics / --gpu-metrics of an arm with a fleet of its own (else the global ones).
ARM_NAMES=() ARM_LABELS=() ARM_URLS=() ARM_DIRS=() ARM_SM=() ARM_GM=()

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
    --arm) ARM_SPECS+=("${2:?--arm needs NAME=URL}"); shift 2 ;;
    --reference) REFERENCE="${2:?--reference needs an arm NAME}"; shift 2 ;;
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
    --no-reset-prefix-cache) RESET_PREFIX_CACHE=0; shift ;;
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
    --oracle) ORACLE=1; shift ;;
    --seed-configs) SEED_CONFIGS=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
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

# The JVM flags bench/bench starts the bench with (Shenandoah, a pre-touched heap, no periodic
# safepoint: docs/bench.md, "JVM"), so every arm's generator keeps the same time.
GC_OPTS=() GC_CHECKED=0
gc_opts() {
  [ "$GC_CHECKED" = 0 ] || return 0
  GC_CHECKED=1
  read -r -a GC_OPTS <<< "$("$ROOT/bench/bench" --jvm-flags)"
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

# reset_prefix_caches I: empties the prefix cache of every --server-metrics replica of arm I
# (POST BASE/reset_prefix_cache, BASE = the metrics URL without /metrics), retrying while a replica
# answers {"success":false} (requests still hold KV blocks). Sets RESET_STATE to all (every replica
# reset), partial, none (no replica could) or off (--no-reset-prefix-cache or no --server-metrics).
declare -A RESET_WARNED=()
reset_prefix_caches() {
  RESET_STATE=off
  [ "$RESET_PREFIX_CACHE" = 1 ] || return 0
  local sm=("${SERVER_METRICS[@]}") entry id base code body tries ok=0 failed=0
  if [ -n "${ARM_SM[$1]:-}" ]; then read -r -a sm <<<"${ARM_SM[$1]}"; fi
  [ ${#sm[@]} -gt 0 ] || return 0
  for entry in "${sm[@]}"; do
    id="${entry%%=*}" base="${entry#*=}"
    base="${base%/}"; base="${base%/metrics}"
    for tries in 1 2 3 4 5 6 7 8 9 10; do
      body=$(curl -s --max-time 5 -X POST -o - -w '\n%{http_code}' "$base/reset_prefix_cache" 2>/dev/null) || body=$'\n000'
      code="${body##*$'\n'}" body="${body%$'\n'*}"
      [ "$code" = 200 ] && [[ "$body" == *'"success":false'* || "$body" == *'"success": false'* ]] || break
      sleep 1
    done
    if [ "$code" = 200 ] && [[ "$body" != *'"success":false'* && "$body" != *'"success": false'* ]]; then
      ok=$((ok + 1)); continue
    fi
    failed=$((failed + 1))
    [ -z "${RESET_WARNED[$id]:-}" ] || continue
    RESET_WARNED[$id]=1
    case "$code" in
      404) log "warning: replica $id has no POST $base/reset_prefix_cache (vLLM serves it only with VLLM_SERVER_DEV_MODE=1): its prefix cache carries over from run to run, so a run can find prefixes another arm's run cached (results say prefix_cache_reset)" ;;
      200) log "warning: replica $id refused to reset its prefix cache for 10 s (requests still hold KV blocks); this run may find prefixes cached by the one before" ;;
      *) log "warning: POST $base/reset_prefix_cache of replica $id answered HTTP $code; its prefix cache is not reset between runs" ;;
    esac
  done
  if [ "$failed" = 0 ]; then RESET_STATE=all; elif [ "$ok" = 0 ]; then RESET_STATE=none; else RESET_STATE=partial; fi
}

# telemetry_args I: arm I's telemetry flags, one per line: its own fleet's when it has one.
telemetry_args() {
  local a=() e sm=("${SERVER_METRICS[@]}") gm=("${GPU_METRICS[@]}")
  if [ -n "${ARM_SM[$1]:-}" ]; then read -r -a sm <<<"${ARM_SM[$1]}"; read -r -a gm <<<"${ARM_GM[$1]}"; fi
  for e in "${sm[@]}"; do a+=(--server-metrics "$e"); done
  for e in "${gm[@]}"; do a+=(--gpu-metrics "$e"); done
  [ ${#a[@]} -eq 0 ] || printf '%s\n' "${a[@]}"
}

# add_arm NAME LABEL URL: appends an arm (the first is the baseline).
add_arm() {
  ARM_NAMES+=("$1"); ARM_LABELS+=("$2"); ARM_URLS+=("$3"); ARM_SM+=(""); ARM_GM+=("")
}

# arm_dirs: each arm's results folder: baseline and managed for two arms (the layout compare.sh,
# --sweep and CI know), the arm's name for more.
arm_dirs() {
  ARM_DIRS=()
  if [ ${#ARM_NAMES[@]} -eq 2 ]; then ARM_DIRS=(baseline managed); else ARM_DIRS=("${ARM_NAMES[@]}"); fi
}

# run_arm I WORKLOAD RESULT ARGS...: one measured run of arm I, its progress shown while it runs;
# a run marked invalid is kept.
run_arm() {
  local i="$1" workload="$2" result="$3"; shift 3
  local arm="${ARM_DIRS[$i]}" url="${ARM_URLS[$i]}"
  local progress="${result%.json}.progress"
  local args=(run --url "$url" -w "$workload" -o "$result" --label "${ARM_LABELS[$i]}" --no-progress
    --progress-file "$progress" --metadata "arm=$arm" "$@")
  mapfile -t tele < <(telemetry_args "$i")
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

# ab_runs WORKLOAD DIR REPS: interleaved repetitions (A B A B ..., A B C A B C ...) into
# DIR/ARM_DIR/repK/result.json
ab_runs() {
  local workload="$1" dir="$2" reps="$3" k i
  for k in $(seq 1 "$reps"); do
    for i in "${!ARM_NAMES[@]}"; do
      RUN_AT=$SECONDS
      FIRST_RUN_AT="${FIRST_RUN_AT:-$SECONDS}"
      cooldown
      reset_prefix_caches "$i"
      CURRENT="${ARM_DIRS[$i]} (${ARM_LABELS[$i]}) repetition $k/$reps"
      [ "${ARM_DIRS[$i]}" != "${ARM_LABELS[$i]}" ] || CURRENT="${ARM_DIRS[$i]} repetition $k/$reps"
      log "run $((RUNS_DONE + 1))/$RUNS_TOTAL: $CURRENT at ${ARM_URLS[$i]}; $(overall)"
      run_arm "$i" "$workload" "$dir/${ARM_DIRS[$i]}/rep$k/result.json" --metadata "repetition=$k" \
        --metadata "prefix_cache_reset=$RESET_STATE"
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
  RUNS_TOTAL=$((${#ARM_NAMES[@]} * ($1 + $2)))
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
  [ -z "$DEMO_STARTED" ] || stopped+=", and the simulated fleet and the routers the demo started"
  [ -n "$DEMO_STARTED" ] || stopped+="; the routers under test were not started by ab.sh and keep running"
  log "stopped: $stopped"
  [ "$RUNS_DONE" -eq 0 ] || log "finished runs are kept under ${OUT:-the output folder} (compare them with analysis/compare.sh)"
  exit 130
}
trap interrupted INT TERM

check_url() {
  [[ "$2" =~ ^https?://[^/]+/?$ ]] || die "--$1 must be a base URL such as http://host:8080, got '$2'" 2
}

# arms_from_options: the arms of --arm NAME=URL ..., or of --baseline/--managed.
arms_from_options() {
  local spec name seen=" "
  if [ ${#ARM_SPECS[@]} -eq 0 ]; then
    [ -n "$BASELINE" ] || die "--baseline URL is required (or --arm NAME=URL ..., or --demo); see --help" 2
    [ -n "$MANAGED" ] || die "--managed URL is required (or --arm NAME=URL ..., or --demo); see --help" 2
    check_url baseline "$BASELINE"; check_url managed "$MANAGED"
    add_arm baseline "${BASELINE_LABEL:-baseline}" "$BASELINE"
    add_arm managed "${MANAGED_LABEL:-managed}" "$MANAGED"
    return
  fi
  [ -z "$BASELINE$MANAGED" ] || die "give the arms either as --baseline/--managed or as --arm NAME=URL, not both" 2
  [ -z "$BASELINE_LABEL$MANAGED_LABEL" ] || die "--baseline-label/--managed-label name --baseline/--managed; an --arm is labelled by its NAME" 2
  for spec in "${ARM_SPECS[@]}"; do
    [[ "$spec" == *=* ]] || die "--arm needs NAME=URL, e.g. --arm lb-roundrobin=http://host:8080; got '$spec'" 2
    name="${spec%%=*}"
    [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$ ]] \
      || die "--arm $spec: NAME must be 1-40 letters, digits, '.', '_', '+' or '-', starting with a letter or digit; got '$name'" 2
    case "$name" in warmup|logs|charts|sweep) die "--arm $spec: '$name' is a folder ab.sh writes into OUT; choose another NAME" 2 ;; esac
    [[ "$seen" != *" $name "* ]] || die "--arm $spec: the name '$name' is given twice; arm names must be unique" 2
    seen+="$name "
    check_url "arm $name" "${spec#*=}"
    add_arm "$name" "$name" "${spec#*=}"
  done
  [ ${#ARM_NAMES[@]} -ge 2 ] || die "--arm: give at least two arms (the first is the baseline); got ${#ARM_NAMES[@]}" 2
}

# dry_run: what a run would do, on standard output; then exit.
dry_run() {
  local i n=${#ARM_NAMES[@]} reps="${REPS:-3}" compare=("analysis/compare.sh")
  arm_dirs
  echo "ab.sh: dry run: $n arms, $reps interleaved repetitions each ($((n * reps)) runs), workload ${WORKLOAD:-none}"
  for i in "${!ARM_NAMES[@]}"; do
    echo "arm $((i + 1)): ${ARM_NAMES[$i]}$([ "$i" = 0 ] && echo " (baseline)") label ${ARM_LABELS[$i]} url ${ARM_URLS[$i]} results ${OUT}/${ARM_DIRS[$i]}/repK/result.json${ARM_SM[$i]:+ telemetry ${ARM_SM[$i]}}"
    compare+=("$OUT/${ARM_DIRS[$i]}")
  done
  [ -z "$SWEEP" ] || echo "sweep: rates $SWEEP from spec $SWEEP_SPEC"
  local urls=() e all=("${SERVER_METRICS[@]}")
  for i in "${!ARM_NAMES[@]}"; do [ -z "${ARM_SM[$i]:-}" ] || all+=(${ARM_SM[$i]}); done
  local -A seen_url=()
  for e in "${all[@]}"; do
    e="${e#*=}"; e="${e%/}"; e="${e%/metrics}/reset_prefix_cache"
    [ -n "${seen_url[$e]:-}" ] || urls+=("$e"); seen_url[$e]=1
  done
  if [ "$RESET_PREFIX_CACHE" = 0 ]; then
    echo "prefix caches: not reset between runs (--no-reset-prefix-cache)"
  elif [ ${#urls[@]} -eq 0 ]; then
    echo "prefix caches: not reset between runs (no --server-metrics replicas)"
  else
    echo "prefix caches: emptied before each run: POST ${urls[*]}"
  fi
  echo "compare: ${compare[*]} --out $OUT${SWEEP:+ --sweep $OUT/sweep}${REFERENCE:+ --reference $REFERENCE}"
  exit 0
}

# ---------------------------------------------------------------------------------------------
# A/B

ab_main() {
  [ -n "$WORKLOAD" ] || die "--workload FILE is required (or --demo); see --help" 2
  [ -n "$OUT" ] || die "--out DIR is required (or --demo); see --help" 2
  [ ${#ARM_NAMES[@]} -eq 2 ] || [ -z "$SWEEP" ] || die "--sweep compares two arms; ${#ARM_NAMES[@]} arms given (run one sweep per pair)" 2
  if [ -n "$REFERENCE" ]; then
    [ ${#ARM_NAMES[@]} -gt 2 ] || die "--reference needs three or more arms (two arms are compared with each other directly)" 2
    [[ " ${ARM_LABELS[*]} " == *" $REFERENCE "* ]] || die "--reference $REFERENCE: no arm of that name (one of ${ARM_LABELS[*]})" 2
  fi
  [ "$DRY_RUN" = 1 ] || [ -r "$WORKLOAD" ] || die "cannot read workload '$WORKLOAD'" 2
  [ "$DRY_RUN" = 0 ] || dry_run
  arm_dirs
  ensure_built bench analysis
  bench_java verify "$WORKLOAD" >/dev/null || die "'$WORKLOAD' is not a valid workload (bench.jar verify $WORKLOAD)"
  REPS="${REPS:-3}"
  mkdir -p "$OUT"
  cp "$WORKLOAD" "$OUT/workload.jsonl" 2>/dev/null || true
  local points=0
  [ -z "$SWEEP" ] || points=$(tr ',' '\n' <<<"$SWEEP" | wc -l)
  plan "$REPS" "$points"
  CURRENT="the warm-up"
  local i
  for i in "${!ARM_NAMES[@]}"; do warmup "${ARM_DIRS[$i]}" "${ARM_URLS[$i]}"; done
  ab_runs "$OUT/workload.jsonl" "$OUT" "$REPS"
  # the runs record their labels, SLO and gates: compare.sh needs no option to reproduce this report
  local compare=("$ROOT/analysis/compare.sh")
  for i in "${!ARM_DIRS[@]}"; do compare+=("$OUT/${ARM_DIRS[$i]}"); done
  compare+=(--out "$OUT")
  [ -z "$REFERENCE" ] || compare+=(--reference "$REFERENCE")
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
# free_ports N: N ports free now, below the kernel's ephemeral range (where outgoing connections
# take their local ports, so a port found free there may be taken before a server binds it).
free_ports() {
  local want="$1" found=() lo p tries=0
  lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) || lo=""
  [[ "$lo" =~ ^[0-9]+$ ]] && [ "$lo" -gt 12000 ] || lo=32768
  p=$((10000 + RANDOM % (lo - 10000 - 100)))
  while [ ${#found[@]} -lt "$want" ]; do
    p=$((p + 1)); [ $p -lt "$lo" ] || p=10000
    tries=$((tries + 1)); [ $tries -lt 20000 ] || die "no $want free ports below $lo"
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

# The reference fleet of vllm-sim/fleet-6.yaml: ids, models, profiles.
FLEET_IDS=(llama8b-1 llama8b-2 qwen7b-1 qwen7b-2 llama70b-1 llama70b-2)
FLEET_MODELS=(meta-llama/Llama-3.1-8B-Instruct meta-llama/Llama-3.1-8B-Instruct Qwen/Qwen2.5-7B-Instruct
  Qwen/Qwen2.5-7B-Instruct meta-llama/Llama-3.3-70B-Instruct meta-llama/Llama-3.3-70B-Instruct)
FLEET_PROFILES=(llama-3.1-8b-h100 llama-3.1-8b-h100 qwen2.5-7b-h100 qwen2.5-7b-h100
  llama-3.3-70b-awq-h100 llama-3.3-70b-awq-h100)

# write_fleet FILE CACHING PORTS...: a 6-replica vllm-sim fleet file on PORTS; CACHING is "" (the
# simulator's default), true or false (the fleet key enable-prefix-caching).
write_fleet() {
  local file="$1" caching="$2"; shift 2
  local ports=("$@") i s extra
  { echo "# the reference fleet of vllm-sim/fleet-6.yaml on free ports (written by bench/ab.sh --demo)"
    [ -z "$caching" ] || echo "# vLLM prefix caching $([ "$caching" = true ] && echo "on (stock vLLM, --enable-prefix-caching)" || echo "off (KVCached: --no-enable-prefix-caching)")"
    echo "defaults: { host: 127.0.0.1, seed: 1000 }"
    echo "replicas:"
    for i in 0 1 2 3 4 5; do
      extra=""
      for s in "${SLOW[@]}"; do if [ "${s%%=*}" = "${FLEET_IDS[$i]}" ]; then extra=", slowdown: ${s#*=}"; fi; done
      [ -z "$caching" ] || extra+=", enable-prefix-caching: $caching"
      echo "  - { id: ${FLEET_IDS[$i]}, model: ${FLEET_MODELS[$i]}, profile: ${FLEET_PROFILES[$i]}, port: ${ports[$i]}$extra }"
    done; } > "$file"
}

# write_router FILE ROUTER PORT ADMIN POLICY SIM_PORTS...: a router config in front of the fleet
# on SIM_PORTS; POLICY is "" or the flow map of lb-queue-aware's policy section.
write_router() {
  local file="$1" router="$2" port="$3" admin="$4" policy="$5"; shift 5
  local ports=("$@") i
  { echo "# $router in front of the demo fleet (written by bench/ab.sh --demo)"
    echo "listen: { host: 127.0.0.1, port: $port }"
    echo "admin:  { host: 127.0.0.1, port: $admin }"
    echo "replicas:"
    for i in 0 1 2 3 4 5; do
      echo "  - { id: ${FLEET_IDS[$i]}, url: \"http://127.0.0.1:${ports[$i]}\", model: \"${FLEET_MODELS[$i]}\" }"
    done
    echo "access_log: { enabled: false }"
    echo "scrape: { interval: 250ms }"
    [ -z "$policy" ] || echo "policy: $policy"; } > "$file"
}

# fleet_metrics PORTS...: "ID=URL ..." of the fleet's /metrics, and of its /gpu/metrics in GM.
fleet_metrics() {
  local ports=("$@") i sm="" gm=""
  for i in 0 1 2 3 4 5; do
    sm+="${FLEET_IDS[$i]}=http://127.0.0.1:${ports[$i]}/metrics "
    gm+="${FLEET_IDS[$i]}=http://127.0.0.1:${ports[$i]}/gpu/metrics "
  done
  SM="${sm% }" GM="${gm% }"
}

demo_main() {
  [ -z "$BASELINE$MANAGED" ] || die "--demo starts its own routers: drop --baseline/--managed" 2
  [ ${#ARM_SPECS[@]} -eq 0 ] || die "--arm names routers you run yourself; the demo starts its own (--workload prefix and --oracle add arms to it): drop --arm or --demo" 2
  local variant="${WORKLOAD:-default}" spec
  case "$variant" in
    default) spec="$ROOT/bench/demo-workload.yaml" ;;
    prefix) spec="$ROOT/bench/prefix-workload.yaml" ;;
    *) die "--demo --workload takes default or prefix, got '$variant' (to replay a workload file, run your own routers and drop --demo)" 2 ;;
  esac
  [ "$ORACLE$SEED_CONFIGS" != 11 ] || die "--oracle and --seed-configs cannot be combined: --seed-configs is the reference deployment's two arms exactly" 2
  [ -r "$spec" ] || die "the $variant demo needs its workload spec ${spec#"$ROOT/"}, which is missing"
  DEMO_SPEC="$spec"
  for s in "${SLOW[@]}"; do
    [[ " ${FLEET_IDS[*]} " == *" ${s%%=*} "* ]] || die "--slow-replica ${s%%=*}: no such replica (one of ${FLEET_IDS[*]})" 2
  done

  # The arms: NAME LABEL ROUTER CONFIG POLICY FLEET (fleet 0, or 1 for --seed-configs' managed arm).
  local arms=()
  if [ "$SEED_CONFIGS" = 1 ]; then
    arms+=("lb-roundrobin|${BASELINE_LABEL:-lb-roundrobin (prefix caching on)}|lb-roundrobin|roundrobin.yaml||0")
    arms+=("lb-queue-aware|${MANAGED_LABEL:-lb-queue-aware (prefix caching off)}|lb-queue-aware|queue-aware.yaml||1")
  else
    arms+=("lb-roundrobin|${BASELINE_LABEL:-lb-roundrobin}|lb-roundrobin|roundrobin.yaml||0")
    arms+=("lb-queue-aware|${MANAGED_LABEL:-lb-queue-aware}|lb-queue-aware|queue-aware.yaml||0")
    [ "$variant" != prefix ] || arms+=("lb-queue-aware+prefix|lb-queue-aware+prefix|lb-queue-aware|queue-aware-prefix.yaml|{ prefix_weight: 1.0 }|0")
    [ "$ORACLE" = 0 ] || arms+=("oracle|oracle|lb-queue-aware|oracle.yaml|{ mode: oracle }|0")
    [ "$ORACLE" = 0 ] || REFERENCE="${REFERENCE:-oracle}"
  fi
  if [ ${#arms[@]} -gt 2 ] && [ -n "$BASELINE_LABEL$MANAGED_LABEL" ]; then
    die "--baseline-label/--managed-label name the demo's two arms; with ${#arms[@]} arms each keeps its router's name" 2
  fi
  [ ${#arms[@]} -eq 2 ] || [ -z "$SWEEP" ] || die "--sweep compares two arms; this demo has ${#arms[@]} (drop --sweep, or --oracle / --workload prefix)" 2
  OUT="${OUT:-$ROOT/results/demo-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT/logs"
  [ ${#SLOW[@]} -eq 0 ] || log "degraded replicas: ${SLOW[*]}"
  local fleets=1; [ "$SEED_CONFIGS" = 0 ] || fleets=2
  read -r -a ports <<<"$(free_ports $((6 * fleets + 2 * ${#arms[@]})))"
  local fleet_ports=("${ports[@]:0:6}") managed_ports=("${ports[@]:6:6}") next=$((6 * fleets))
  local fleet_files=() a name label router config policy f port admin sm_all="" gm_all=""
  if [ "$SEED_CONFIGS" = 1 ]; then
    fleet_files=("$OUT/fleet-baseline.yaml" "$OUT/fleet-managed.yaml")
    write_fleet "${fleet_files[0]}" true "${fleet_ports[@]}"
    write_fleet "${fleet_files[1]}" false "${managed_ports[@]}"
  else
    fleet_files=("$OUT/fleet.yaml")
    # prefix caching as stock vLLM V1 (on); every run starts on emptied caches (reset_prefix_caches)
    write_fleet "${fleet_files[0]}" "" "${fleet_ports[@]}"
  fi
  local routers=() configs=()
  for a in "${arms[@]}"; do
    IFS='|' read -r name label router config policy f <<<"$a"
    port="${ports[$next]}" admin="${ports[$((next + 1))]}"; next=$((next + 2))
    local fp=("${fleet_ports[@]}"); [ "$f" = 0 ] || fp=("${managed_ports[@]}")
    write_router "$OUT/$config" "$router" "$port" "$admin" "$policy" "${fp[@]}"
    add_arm "$name" "$label" "http://127.0.0.1:$port"
    routers+=("$router") configs+=("$OUT/$config")
    if [ "$SEED_CONFIGS" = 1 ]; then
      fleet_metrics "${fp[@]}"
      ARM_SM[-1]="$SM" ARM_GM[-1]="$GM"
      sm_all+="$SM " gm_all+="$GM "
    fi
  done
  if [ "$SEED_CONFIGS" = 1 ]; then
    # the cool-down waits for both fleets; each arm's telemetry comes from its own fleet
    read -r -a SERVER_METRICS <<<"$sm_all"
  else
    fleet_metrics "${fleet_ports[@]}"
    read -r -a SERVER_METRICS <<<"$SM"
    read -r -a GPU_METRICS <<<"$GM"
  fi

  local n
  SWEEP_SPEC="${SWEEP_SPEC:-$spec}"
  if [ "$QUICK" = 1 ]; then n=$(demo_setting quick-num-prompts); REPS="${REPS:-2}"; WARMUP_REQUESTS=30
  else n=$(demo_setting num-prompts); REPS="${REPS:-3}"; fi
  [ -n "$n" ] || die "${spec#"$ROOT/"} has no '# demo: $([ "$QUICK" = 1 ] && echo quick-)num-prompts N' line"
  [ ${#GOODPUT[@]} -gt 0 ] || read -r -a GOODPUT <<<"$(demo_setting goodput)"
  # The demo's fleet, the routers and the client share this machine's cores: the client's
  # schedule-lag gate is the spec's (a few ms against TTFTs of 100s of ms), not bench's default
  # 1 ms for a client with a machine of its own. A gate given with --bench-arg wins.
  local lag
  lag=$(demo_setting max-schedule-lag-ms)
  if [ -n "$lag" ] && [[ " ${BENCH_ARGS[*]} " != *" --max-schedule-lag-ms"* ]]; then
    BENCH_ARGS+=(--max-schedule-lag-ms "$lag")
  fi
  WORKLOAD="$OUT/workload.jsonl"
  if [ "$DRY_RUN" = 1 ]; then
    echo "ab.sh: dry run of the $variant demo$([ "$ORACLE" = 1 ] && echo " with the oracle")$([ "$SEED_CONFIGS" = 1 ] && echo " with the seed configurations"): spec ${spec#"$ROOT/"}, $n requests"
    echo "fleets: ${fleet_files[*]}"
    for f in "${!configs[@]}"; do echo "router ${ARM_NAMES[$f]}: ${routers[$f]} --config ${configs[$f]}"; done
    ab_main
  fi

  trap cleanup EXIT
  DEMO_STARTED=1
  ensure_built vllm-sim lb-roundrobin lb-queue-aware bench analysis
  local pids=() i
  for f in "${!fleet_files[@]}"; do
    local sim_name="vllm-sim"; [ ${#fleet_files[@]} -eq 1 ] || sim_name="vllm-sim-$([ "$f" = 0 ] && echo baseline || echo managed)"
    start "$sim_name" "$OUT/logs/$sim_name.log" java -XX:+UseParallelGC -jar "$ROOT/vllm-sim/target/vllm-sim.jar" --fleet "${fleet_files[$f]}"
    pids+=("${PIDS[-1]}")
  done
  local router_pids=()
  for i in "${!configs[@]}"; do
    start "${ARM_NAMES[$i]}" "$OUT/logs/${ARM_NAMES[$i]}.log" java -jar "$ROOT/${routers[$i]}/target/${routers[$i]}.jar" --config "${configs[$i]}"
    router_pids+=("${PIDS[-1]}")
  done
  for i in 0 1 2 3 4 5; do
    wait_healthy "vllm-sim ${FLEET_IDS[$i]}" "http://127.0.0.1:${fleet_ports[$i]}/health" "${pids[0]}"
    [ "$SEED_CONFIGS" = 0 ] || wait_healthy "vllm-sim ${FLEET_IDS[$i]} (managed fleet)" "http://127.0.0.1:${managed_ports[$i]}/health" "${pids[1]}"
  done
  for i in "${!ARM_NAMES[@]}"; do wait_healthy "${ARM_NAMES[$i]}" "${ARM_URLS[$i]}/health" "${router_pids[$i]}"; done

  bench_java workload -o "$WORKLOAD" --spec "$spec" --num-prompts "$n" >/dev/null
  log "workload: $(bench_java verify "$WORKLOAD" | head -n 3 | tr '\n' ' ')"

  local rc=0
  ab_main || rc=$?
  if [ "$KEEP" = 1 ]; then
    local urls=()
    for i in "${!ARM_NAMES[@]}"; do urls+=("${ARM_NAMES[$i]} ${ARM_URLS[$i]}"); done
    log "still running: $(IFS=,; echo "${urls[*]}" | sed 's/,/, /g'), fleet ${fleet_files[*]} (stop with: kill ${PIDS[*]})"
  fi
  return $rc
}

# Reads a `# demo: KEY VALUE` line from the demo's workload spec.
demo_setting() {
  sed -n "s/^# demo: $1 //p" "$DEMO_SPEC" | head -n 1
}

if [ "$DEMO" = 1 ]; then
  demo_main
else
  [ "$QUICK" = 0 ] && [ "$KEEP" = 0 ] && [ ${#SLOW[@]} -eq 0 ] || die "--quick, --keep and --slow-replica apply to --demo only" 2
  [ "$ORACLE" = 0 ] && [ "$SEED_CONFIGS" = 0 ] || die "--oracle and --seed-configs apply to --demo only (they start routers and fleets of their own)" 2
  if [ -n "$SWEEP" ] && [ -z "$SWEEP_SPEC" ]; then
    die "--sweep needs --spec FILE (the workload's generator spec) to generate each rate's traffic" 2
  fi
  [ -z "$SWEEP_SPEC" ] || [ -r "$SWEEP_SPEC" ] || die "cannot read spec '$SWEEP_SPEC'" 2
  arms_from_options
  ab_main
fi
