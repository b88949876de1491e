#!/usr/bin/env bash
# Router overhead benchmark (issues 3, 14): a fast upstream called directly, through nginx
# (round-robin reverse proxy) and through three lb-roundrobin configurations (no access log; as
# shipped; API keys + admission limit and queue), side by side in one run:
#   - open-loop latency at a fixed rate (default 2000 req/s), from the scheduled send time
#   - maximum throughput and p99 at saturation with wrk (closed loop), and the ratios to nginx
#   - 10,000 concurrent SSE streams through the router (router heap and RSS)
#   - client disconnect -> upstream reset delay
# Needs: JDK 17+, nginx and wrk on PATH (Debian packages nginx, wrk). Takes about 5.5 minutes.
# Usage: lb-roundrobin/measure/router-overhead.sh [OUT_DIR] [RATE] [SECONDS_PER_ROUND] [STREAMS] [PHASES]
#   PHASES: comma list of latency,throughput,streams (default: all three)
#   ROUTER_JVM (env): the routers' JVM flags instead of "-Xms256m -Xmx1g -XX:+UseG1GC"
#   ROUTER_TRANSPORT (env): the routers' listen.transport (auto, io_uring, epoll, nio; default auto)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-$(mktemp -d /tmp/router-overhead.XXXXXX)}"
RATE="${2:-2000}"
SECONDS_PER_ROUND="${3:-10}"
STREAMS="${4:-10000}"
PHASES="${5:-latency,throughput,streams}"
for tool in nginx wrk java; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done
# The router holds one upstream socket per stream; the streams' clients share 100 HTTP/2
# connections, so 10,000 streams need about 10,300 file descriptors per process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "building lb-roundrobin (jar and benchmark classes)..." >&2
./mvnw -B -q -pl lb-roundrobin -am package -DskipTests
# Run from copies: another build in this tree must not replace the jar under a running router.
mkdir -p "$OUT/bin"
cp lb-roundrobin/target/lb-roundrobin.jar "$OUT/bin/"
cp lb-core/target/lb-core-*-tests.jar "$OUT/bin/lb-core-tests.jar"
rm -rf "$OUT/bin/test-classes" && cp -r lb-roundrobin/target/test-classes "$OUT/bin/test-classes"
echo "results in $OUT" >&2
# The generator's JVM gets the flags the bench's launcher ships (bench/bench, docs/benchmarks.md
# "Bench generator fidelity"): Shenandoah, a fixed pre-touched heap (a heap growing during the run
# stalls the event loop that touches its new regions), no hsperfdata file, no periodic safepoint.
GEN_JVM=(-Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+PerfDisableSharedMem
  -XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0)
if java -XX:+UseShenandoahGC -version >/dev/null 2>&1; then
  GEN_JVM=(-XX:+UseShenandoahGC "${GEN_JVM[@]}")
fi
exec timeout --signal=TERM --kill-after=20 480 java "${GEN_JVM[@]}" \
  -cp "$OUT/bin/test-classes:$OUT/bin/lb-core-tests.jar:$OUT/bin/lb-roundrobin.jar" \
  io.fleetlb.lb.roundrobin.overhead.RouterOverheadBench \
  "$OUT/bin/lb-roundrobin.jar" "$OUT" "$RATE" "$SECONDS_PER_ROUND" "$STREAMS" "$PHASES"
