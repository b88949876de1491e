#!/usr/bin/env bash
# Interleaved A/B of router builds (issue 14): several router jars/configurations run at once
# against one nginx upstream (two ports), and wrk rounds go A, B, C, A, B, C, ... so that outside
# load lands on every variant alike. Per round it prints requests/s and, from /proc, the router's
# CPU time per request (event-loop user and system, access-log thread, other threads): on a busy
# machine requests/s mostly measures the neighbours, CPU per request measures the router.
# Needs: nginx, wrk, python3, a JDK 17. Takes about (variants x (WARM + ROUNDS x SECONDS)) s.
# Usage: lb-roundrobin/measure/router-ab.sh ROUNDS SECONDS NAME JAR on|off|auth [NAME JAR MODE ...]
#   on|off: the variant's access log (to a file under OUT); auth: access log on plus an API key
#   (rate-limited) and admission control as router-overhead.sh's "+auth+admission" variant, wrk
#   sending the key. Env: OUT (work dir), PORT_BASE
#   (default 24000: nginx on +1..+3, routers on +10, +20, ...), WARM (warm-up seconds, 20),
#   JVM_<NAME> (that variant's JVM flags instead of -Xms256m -Xmx1g -XX:+UseG1GC; characters of
#   NAME other than letters, digits and _ become _ there: JVM_lb_rr for lb-rr), TRANSPORT_<NAME>
#   (that variant's listen.transport: auto, io_uring, epoll or nio; unset: the jar's default).
set -euo pipefail
ROUNDS="$1"; SECS="$2"; shift 2
OUT="${OUT:-$(mktemp -d /tmp/router-ab.XXXXXX)}"
BASE="${PORT_BASE:-24000}"
WARM="${WARM:-20}"
# shellcheck source=wrk-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/wrk-common.sh"
need_tools nginx wrk java python3
mkdir -p "$OUT"
write_post_lua "$OUT/post.lua"
cat > "$OUT/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $OUT/body;
  proxy_temp_path $OUT/proxy;
  fastcgi_temp_path $OUT/fastcgi;
  uwsgi_temp_path $OUT/uwsgi;
  scgi_temp_path $OUT/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$((BASE + 1)) reuseport;
    listen 127.0.0.1:$((BASE + 2)) reuseport;
    location = /health { return 200; }
    location / { default_type application/json; return 200 '$ANSWER'; }
  }
}
NGINX
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
nginx -p "$OUT" -e "$OUT/nginx-error.log" -c "$OUT/nginx.conf" &
PIDS+=($!)
NAMES=(); PORTS=(); RPIDS=(); MODES=()
KEY=sk-bench-router-ab
i=1
while [ $# -ge 3 ]; do
  name="$1"; jar="$2"; log="$3"; shift 3
  case "$log" in on|off|auth) ;; *) echo "error: variant $name: mode must be on, off or auth (got $log)" >&2; exit 2 ;; esac
  port=$((BASE + 10 * i)); admin=$((port + 1))
  [ "$log" = off ] && enabled=false || enabled=true
  extra=""
  if [ "$log" = auth ]; then
    extra="auth:
  keys:
    - { id: bench, key_sha256: \"$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)\", requests_per_minute: 100000000, tokens_per_minute: 1000000000 }
admission: { max_in_flight_per_replica: 48, queue: { max_per_model: 1000, max_wait: 30s } }"
  fi
  tvar="TRANSPORT_${name//[^A-Za-z0-9_]/_}"
  transport="${!tvar:+, transport: ${!tvar}}"
  cat > "$OUT/$name.yaml" <<YAML
listen: { host: 127.0.0.1, port: $port, event_loops: 2$transport }
admin: { host: 127.0.0.1, port: $admin }
replicas:
  - { id: fast-1, url: "http://127.0.0.1:$((BASE + 1))", model: bench }
  - { id: fast-2, url: "http://127.0.0.1:$((BASE + 2))", model: bench }
upstream: { max_connections_per_replica: 12000, max_wait_queue: 1024 }
access_log: { enabled: $enabled, path: "$OUT/$name-access.log" }
$extra
YAML
  cp "$jar" "$OUT/$name.jar"
  jvm="JVM_${name//[^A-Za-z0-9_]/_}"
  read -r -a flags <<< "${!jvm:--Xms256m -Xmx1g -XX:+UseG1GC}"
  java "${flags[@]}" -jar "$OUT/$name.jar" --config "$OUT/$name.yaml" \
    > "$OUT/$name.out" 2> "$OUT/$name.err" &
  PIDS+=($!); RPIDS+=($!); NAMES+=("$name"); PORTS+=("$port"); MODES+=("$log")
  i=$((i + 1))
done
for k in "${!NAMES[@]}"; do
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:${PORTS[$k]}/health" && break
    sleep 0.2
  done
done
cpu() { # per thread group: eventloop user sys, access-log, other (clock ticks)
  python3 - "$1" <<'PY'
import os, sys
pid = sys.argv[1]; g = {"loop_user": 0, "loop_sys": 0, "log": 0, "other": 0}
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        s = open(f"/proc/{pid}/task/{t}/stat").read()
    except OSError:
        continue
    name = s[s.index("(") + 1:s.rindex(")")]; f = s[s.rindex(")") + 2:].split()
    u, k = int(f[11]), int(f[12])
    if "eventloo" in name:
        g["loop_user"] += u; g["loop_sys"] += k
    elif "access-l" in name:
        g["log"] += u + k
    else:
        g["other"] += u + k
print(" ".join(str(g[x]) for x in ("loop_user", "loop_sys", "log", "other")))
PY
}
# wrk_at K ARGS...: wrk against variant K (sending the API key if K has auth on)
wrk_at() {
  local k="$1" key=(); shift
  [ "${MODES[$k]}" = auth ] && key=(-H "Authorization: Bearer $KEY")
  wrk -t1 -c64 ${key[@]+"${key[@]}"} -s "$OUT/post.lua" "$@" "http://127.0.0.1:${PORTS[$k]}/v1/chat/completions"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))
for k in "${!NAMES[@]}"; do
  wrk_at "$k" -d"${WARM}s" > /dev/null
done
echo "| round | variant | req/s | CPU us/req | loops user | loops sys | log thread | other |"
echo "|---|---|---|---|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  for k in "${!NAMES[@]}"; do
    read -r a0 b0 c0 d0 < <(cpu "${RPIDS[$k]}")
    o=$(wrk_at "$k" -d"${SECS}s")
    read -r a1 b1 c1 d1 < <(cpu "${RPIDS[$k]}")
    n=$(echo "$o" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
    rps=$(echo "$o" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')
    if grep -q -e Non-2xx -e 'Socket errors' <<< "$o"; then
      echo "$o" >&2
      # a refused key would measure the router's 401 path: not what this variant is about
      if [ "${MODES[$k]}" = auth ] && grep -q Non-2xx <<< "$o"; then exit 1; fi
    fi
    awk -v r="$r" -v v="${NAMES[$k]}" -v n="$n" -v rps="$rps" -v t="$TICK_US" \
      -v a="$((a1 - a0))" -v b="$((b1 - b0))" -v c="$((c1 - c0))" -v d="$((d1 - d0))" \
      'BEGIN { printf "| %d | %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", r, v, rps,
        (a+b+c+d)*t/n, a*t/n, b*t/n, c*t/n, d*t/n }'
  done
done
echo "work dir: $OUT" >&2
