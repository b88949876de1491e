#!/usr/bin/env bash
# Where the router's throughput gap to nginx comes from (issue 14): wrk rounds interleaved over
# nginx as a round-robin proxy, the least proxy written on Netty (NettyFloorProxy, on epoll and on
# io_uring), the least proxy
# written on Vert.x the way the router is (VertxFloorProxy), the same with its own keep-alive cache
# of Vert.x client connections (VertxCacheFloorProxy), Vert.x's server with the upstream side on
# Netty's codec (HybridFloorProxy, the router's upstream design) and lb-roundrobin (its default
# transport: io_uring where it loads) with its access
# log, all in front of one nginx upstream on two ports. Netty/nginx is what a Java proxy can reach
# on this machine, Vert.x/Netty what Vert.x's HTTP layer costs, hybrid/Vert.x how much of that is
# its client, router/hybrid what the router's own work costs. Each target sits idle while the
# others run, so every proxy keeps its idle upstream connections for 300 s (nginx:
# keepalive_timeout 300s; the router: upstream.keep_alive_timeout) and no round starts by
# reconnecting. Prints each round's requests/s, p99 and each JVM's CPU time per request (user and
# system, from /proc), then the median ratio to nginx over the rounds.
# Needs: nginx, wrk, python3, a JDK 17. Takes about 7 x (WARM + ROUNDS x SECONDS) s after the build.
# Usage: lb-roundrobin/measure/proxy-floor.sh [ROUNDS=4] [SECONDS=8]   (env: OUT, PORT_BASE=26000,
#   WARM=30, JVM="-Xms1g -Xmx1g -XX:+UseG1GC" for the six JVMs)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
ROUNDS="${1:-4}"; SECS="${2:-8}"
OUT="${OUT:-$(mktemp -d /tmp/proxy-floor.XXXXXX)}"
BASE="${PORT_BASE:-26000}"; WARM="${WARM:-30}"
read -r -a JVM <<< "${JVM:--Xms1g -Xmx1g -XX:+UseG1GC}"
# shellcheck source=wrk-common.sh
. "$HERE/wrk-common.sh"
need_tools nginx wrk java python3
mkdir -p "$OUT/tmp" "$OUT/bin"
echo "building lb-roundrobin (jar and benchmark classes)..." >&2
./mvnw -B -q -pl lb-roundrobin -am package -DskipTests
# run from copies: another build in this tree must not replace the classes under a running JVM
cp lb-roundrobin/target/lb-roundrobin.jar "$OUT/bin/"
rm -rf "$OUT/bin/test-classes" && cp -r lb-roundrobin/target/test-classes "$OUT/bin/test-classes"
U1=$((BASE + 1)); U2=$((BASE + 2)); NGINX=$((BASE + 3)); NETTY=$((BASE + 4)); VERTX=$((BASE + 5))
ROUTER=$((BASE + 6)); HYBRID=$((BASE + 8)); VCACHE=$((BASE + 9)); URING=$((BASE + 10))
write_post_lua "$OUT/post.lua"
cat > "$OUT/nginx.conf" <<NGINX
daemon off;
worker_processes 2;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 16384; }
http {
  access_log $OUT/nginx-access.log;
  client_body_temp_path $OUT/tmp;
  proxy_temp_path $OUT/tmp;
  fastcgi_temp_path $OUT/tmp;
  uwsgi_temp_path $OUT/tmp;
  scgi_temp_path $OUT/tmp;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  upstream fleet {
    server 127.0.0.1:$U1;
    server 127.0.0.1:$U2;
    keepalive 256;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$U1 reuseport;
    listen 127.0.0.1:$U2 reuseport;
    access_log off;
    location / { default_type application/json; return 200 '$ANSWER'; }
  }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://fleet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
cat > "$OUT/router.yaml" <<YAML
listen: { host: 127.0.0.1, port: $ROUTER, event_loops: 2 }
admin: { host: 127.0.0.1, port: $((BASE + 7)) }
replicas:
  - { id: fast-1, url: "http://127.0.0.1:$U1", model: bench }
  - { id: fast-2, url: "http://127.0.0.1:$U2", model: bench }
upstream: { max_connections_per_replica: 12000, max_wait_queue: 1024, keep_alive_timeout: 300s }
access_log: { enabled: true, path: "$OUT/router-access.log" }
YAML
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
nginx -p "$OUT" -e "$OUT/nginx-error.log" -c "$OUT/nginx.conf" & PIDS+=($!)
CP="$OUT/bin/test-classes:$OUT/bin/lb-roundrobin.jar"
java "${JVM[@]}" -cp "$CP" io.fleetlb.lb.roundrobin.overhead.NettyFloorProxy "$NETTY" "$U1" "$U2" \
  > "$OUT/netty.out" 2>&1 & PIDS+=($!); P_NETTY=$!
java "${JVM[@]}" -Dfloor.uring=true -cp "$CP" io.fleetlb.lb.roundrobin.overhead.NettyFloorProxy \
  "$URING" "$U1" "$U2" > "$OUT/uring.out" 2>&1 & PIDS+=($!); P_URING=$!
java "${JVM[@]}" -cp "$CP" io.fleetlb.lb.roundrobin.overhead.VertxFloorProxy "$VERTX" "$U1" "$U2" \
  > "$OUT/vertx.out" 2>&1 & PIDS+=($!); P_VERTX=$!
java "${JVM[@]}" -cp "$CP" io.fleetlb.lb.roundrobin.overhead.HybridFloorProxy "$HYBRID" "$U1" "$U2" \
  > "$OUT/hybrid.out" 2>&1 & PIDS+=($!); P_HYBRID=$!
java "${JVM[@]}" -cp "$CP" io.fleetlb.lb.roundrobin.overhead.VertxCacheFloorProxy "$VCACHE" "$U1" "$U2" \
  > "$OUT/vcache.out" 2>&1 & PIDS+=($!); P_VCACHE=$!
java "${JVM[@]}" -jar "$OUT/bin/lb-roundrobin.jar" --config "$OUT/router.yaml" \
  > "$OUT/router.out" 2>&1 & PIDS+=($!); P_ROUTER=$!
NAMES=(nginx netty-floor uring-floor vertx-floor vcache-floor hybrid-floor lb-roundrobin)
PORTS=("$NGINX" "$NETTY" "$URING" "$VERTX" "$VCACHE" "$HYBRID" "$ROUTER")
# the JVMs' pids for their CPU time (nginx serves the upstream too: its share is not told apart)
TPIDS=("" "$P_NETTY" "$P_URING" "$P_VERTX" "$P_VCACHE" "$P_HYBRID" "$P_ROUTER")
TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu() { if [ -n "$1" ]; then awk '{ print $14, $15 }' "/proc/$1/stat"; else echo "0 0"; fi; }
# io_uring may be blocked here (seccomp in containers, kernel.io_uring_disabled): measure without
# the uring-floor target then
for _ in $(seq 50); do
  kill -0 "$P_URING" 2>/dev/null || break
  curl -s -o /dev/null "http://127.0.0.1:$URING/" && break
  sleep 0.2
done
if ! kill -0 "$P_URING" 2>/dev/null; then
  echo "warning: io_uring does not start here ($(tail -1 "$OUT/uring.out")): no uring-floor" >&2
  NAMES=("${NAMES[@]:0:2}" "${NAMES[@]:3}"); PORTS=("${PORTS[@]:0:2}" "${PORTS[@]:3}")
  TPIDS=("${TPIDS[@]:0:2}" "${TPIDS[@]:3}")
fi
for p in "${PORTS[@]}"; do
  for _ in $(seq 150); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
      -d "$BODY" "http://127.0.0.1:$p/v1/chat/completions" || true)
    [ "$code" = 200 ] && break
    sleep 0.2
  done
  [ "$code" = 200 ] || { echo "error: nothing answers 200 on port $p (see $OUT/*.out)" >&2; exit 1; }
done
for p in "${PORTS[@]}"; do
  wrk -t2 -c64 -d"${WARM}s" -s "$OUT/post.lua" "http://127.0.0.1:$p/v1/chat/completions" > /dev/null
done
: > "$OUT/rounds.md"
echo "| round | target | req/s | p99 ms | CPU us/req: user | system |"
echo "|---|---|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  for k in "${!NAMES[@]}"; do
    read -r u0 s0 < <(cpu "${TPIDS[$k]}")
    o=$(wrk -t2 -c64 -d"${SECS}s" --latency -s "$OUT/post.lua" \
      "http://127.0.0.1:${PORTS[$k]}/v1/chat/completions")
    read -r u1 s1 < <(cpu "${TPIDS[$k]}")
    n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<< "$o")
    if grep -q -e Non-2xx -e 'Socket errors' <<< "$o"; then echo "$o" >&2; fi
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<< "$o")
    [ -n "$rps" ] || { echo "error: wrk gave no result for ${NAMES[$k]}:" >&2; echo "$o" >&2; exit 1; }
    p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
      print (u == "us" ? v / 1000 : (u == "s" ? v * 1000 : v)) }' <<< "$o")
    if [ -n "${TPIDS[$k]}" ] && [ "${n:-0}" -gt 0 ]; then
      us=$(awk -v a=$((u1 - u0)) -v b=$((s1 - s0)) -v t="$TICK_US" -v n="$n" \
        'BEGIN { printf "%.1f | %.1f", a * t / n, b * t / n }')
    else
      us="- | -"
    fi
    echo "| $r | ${NAMES[$k]} | ${rps%.*} | $p99 | $us |" | tee -a "$OUT/rounds.md"
  done
done
python3 - "$OUT/rounds.md" <<'PY'
import statistics, sys
rows = [l.strip("|\n ").split(" | ") for l in open(sys.argv[1])]
by = {}
for r, name, rps, p99, user, system in rows:
    by.setdefault(int(r), {})[name] = (float(rps), float(p99), user, system)
print("\nmedian over the rounds of each round's ratio to nginx (requests/s; p99), and of the CPU"
      " time per request (user + system, microseconds):")
for name in ("netty-floor", "uring-floor", "vertx-floor", "vcache-floor", "hybrid-floor",
             "lb-roundrobin"):
    if name not in by[1]:
        continue
    q = [by[r][name][0] / by[r]["nginx"][0] for r in by]
    p = [by[r][name][1] / by[r]["nginx"][1] for r in by]
    u = statistics.median(float(by[r][name][2]) for r in by)
    k = statistics.median(float(by[r][name][3]) for r in by)
    print(f"  {name:14s} {statistics.median(q):.2f}x  (rounds: {', '.join(f'{x:.2f}' for x in q)});"
          f" p99 {statistics.median(p):.2f}x; CPU {u:.1f} + {k:.1f} us")
PY
echo "work dir: $OUT" >&2
