#!/usr/bin/env bash
# vllm-sim timing fidelity: six replicas in one process, STREAMS concurrent streams each, driven from a
# second JVM; prints each replica's step lateness and token delivery lag (GET /sim/timing).
# Usage: vllm-sim/measure/timing.sh [STREAMS=128] [WARMUP_S=10] [MEASURE_S=30]
set -euo pipefail
cd "$(dirname "$0")/../.."
STREAMS=${1:-128}; WARMUP=${2:-10}; MEASURE=${3:-30}
PORT_BASE=${PORT_BASE:-18101}
./mvnw -B -q -pl vllm-sim -am package -DskipTests   # builds the fat jar and the test classes
FLEET=$(mktemp --suffix=.yaml)
cat > "$FLEET" <<YAML
defaults: { host: 127.0.0.1 }
replicas:
  - { id: llama8b-1,  model: meta-llama/Llama-3.1-8B-Instruct,  port: $((PORT_BASE)) }
  - { id: llama8b-2,  model: meta-llama/Llama-3.1-8B-Instruct,  port: $((PORT_BASE+1)) }
  - { id: qwen7b-1,   model: Qwen/Qwen2.5-7B-Instruct,          port: $((PORT_BASE+2)) }
  - { id: qwen7b-2,   model: Qwen/Qwen2.5-7B-Instruct,          port: $((PORT_BASE+3)) }
  - { id: llama70b-1, model: meta-llama/Llama-3.3-70B-Instruct, port: $((PORT_BASE+4)) }
  - { id: llama70b-2, model: meta-llama/Llama-3.3-70B-Instruct, port: $((PORT_BASE+5)) }
YAML
java -jar vllm-sim/target/vllm-sim.jar --fleet "$FLEET" > /tmp/vllm-sim-bench.log 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null; rm -f "$FLEET"' EXIT
for i in $(seq 50); do curl -sf "http://127.0.0.1:$((PORT_BASE+5))/health" >/dev/null && break; sleep 0.2; done
echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
PORTS=$(seq -s, $PORT_BASE $((PORT_BASE+5)))
MODELS="meta-llama/Llama-3.1-8B-Instruct,meta-llama/Llama-3.1-8B-Instruct,Qwen/Qwen2.5-7B-Instruct,Qwen/Qwen2.5-7B-Instruct,meta-llama/Llama-3.3-70B-Instruct,meta-llama/Llama-3.3-70B-Instruct"
java -cp "vllm-sim/target/test-classes:vllm-sim/target/vllm-sim.jar" io.fleetlb.sim.load.StreamLoad 127.0.0.1 "$PORTS" "$MODELS" "$STREAMS" "$WARMUP" "$MEASURE"
echo "sim process CPU: $(ps -o cputime= -p $SIM)"
