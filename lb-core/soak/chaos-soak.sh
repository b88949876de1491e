#!/usr/bin/env bash
# Chaos soak (issue 10): lb-roundrobin and lb-queue-aware side by side in front of one simulated
# 6-replica fleet (one vllm-sim process per replica) under steady open-loop streaming traffic,
# while a fault schedule runs: kill -9 and restart a replica, SIGSTOP/SIGCONT one, stall one
# mid-stream, 500s at 50%, one 3x slower, overload bursts past the admission limits, clients
# leaving mid-stream and while queued, missing and wrong keys, a rate-limited key, a key limited to
# one model. Reports per router: requests sent, succeeded, refused as expected, failed (unavoidable
# or not), duplicates sent upstream, time to eject and re-admit, gauges at the end, RSS and fds.
# Exits 1 when a must-be-zero check fails, 2 on bad usage or busy ports.
#
# Usage: lb-core/soak/chaos-soak.sh [MINUTES] [--quick] [--out DIR] [--rate R] [--seed S] [--no-build]
#   MINUTES   traffic duration, default 10 (at least 5; --quick: 2 minutes, denser schedule)
#   --rate R  steady requests per second to each router (default 3)
# Ports: replicas 18001-18006, lb-roundrobin 18080 (admin 19090), lb-queue-aware 18081 (admin 19091).
# Needs: JDK 17+ (the driver is Java). Everything started is stopped on exit, Ctrl-C or
# failure, and checked with pgrep.
set -euo pipefail
cd "$(dirname "$0")/../.."

MINUTES=10
QUICK=()
OUT=""
EXTRA=()
BUILD=1
COMMAND="lb-core/soak/chaos-soak.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=(--quick); MINUTES=2 ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    --rate|--seed) EXTRA+=("$1" "${2:?$1 needs a value}"); shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) MINUTES="$1" ;;
    *) echo "chaos-soak: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
OUT="${OUT:-$(mktemp -d /tmp/chaos-soak.XXXXXX)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
command -v java >/dev/null || { echo "chaos-soak: java is not installed" >&2; exit 2; }

busy=()
for port in 18001 18002 18003 18004 18005 18006 18080 18081 19090 19091; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy+=("$port"); fi
done
if [ ${#busy[@]} -gt 0 ]; then
  echo "chaos-soak: ports in use: ${busy[*]} (another soak running?)" >&2
  exit 2
fi

if [ "$BUILD" = 1 ]; then
  echo "chaos-soak: building vllm-sim, lb-core (with the soak driver) and both routers..." >&2
  ./mvnw -B -q -pl vllm-sim,lb-roundrobin,lb-queue-aware -am package -DskipTests
fi
# Run from copies: another build in this tree must not replace a jar under a running process.
mkdir -p "$OUT/bin"
cp vllm-sim/target/vllm-sim.jar lb-roundrobin/target/lb-roundrobin.jar \
  lb-queue-aware/target/lb-queue-aware.jar "$OUT/bin/"
rm -rf "$OUT/bin/soak-classes" && cp -r lb-core/target/test-classes "$OUT/bin/soak-classes"

DRIVER=""
cleanup() {
  local status=$?
  # A second Ctrl-C (or a signal sent to the whole process group) must not cut the cleanup short.
  trap - EXIT
  trap '' INT TERM
  if [ -n "$DRIVER" ] && kill -0 "$DRIVER" 2>/dev/null; then
    kill -TERM "$DRIVER" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$DRIVER" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$DRIVER" 2>/dev/null || true
  fi
  # The driver removes a child's pid file once it has exited; what is left may still run: wake
  # (a frozen replica cannot exit) and stop them all, then kill whatever is still there after 15 s.
  pids=()
  for f in "$OUT"/pids/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    rm -f "$f"
    kill -0 "$pid" 2>/dev/null || continue
    pids+=("$pid")
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 75); do
    alive=0
    for pid in ${pids[@]+"${pids[@]}"}; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || break
    sleep 0.2
  done
  for pid in ${pids[@]+"${pids[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done
  # Every process of this run has this run's bin folder on its command line.
  left="$(pgrep -f -- "$OUT/bin/" || true)"
  if [ -n "$left" ]; then
    echo "chaos-soak: processes still running after cleanup: $(echo "$left" | tr '\n' ' ')" >&2
    for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
    [ "$status" -ne 0 ] || status=1
  else
    echo "chaos-soak: nothing left running (pgrep -f $OUT/bin/)" >&2
  fi
  echo "chaos-soak: results in $OUT" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'echo "chaos-soak: interrupted" >&2; exit 130' INT TERM

java -Xms256m -Xmx1g -cp "$OUT/bin/soak-classes:$OUT/bin/lb-roundrobin.jar" \
  io.fleetlb.lb.soak.ChaosSoak --bin "$OUT/bin" --out "$OUT" --minutes "$MINUTES" \
  ${QUICK[@]+"${QUICK[@]}"} ${EXTRA[@]+"${EXTRA[@]}"} --command "$COMMAND" &
DRIVER=$!
status=0
wait "$DRIVER" || status=$?
DRIVER=""
exit "$status"
