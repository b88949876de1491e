#!/usr/bin/env python3
"""Writes the import fixtures: one simulated run (60 chat requests to one model, 3 of them failed)
saved in each tool's own format, following the writers in the tools' sources:

- vllm-bench-serve.json: `vllm bench serve --save-result --save-detailed` (vllm/benchmarks/serve.py:
  result_json keys in its order, per-request arrays in seconds, statistics from numpy exactly as
  calculate_metrics / process_one_metric compute them, errors as tracebacks' text, zeros for
  failures).
- genai-perf/profile_export.json: GenAI-Perf's perf_analyzer export (service_kind openai,
  experiments[].requests[] with ns timestamps, request_inputs.payload and the raw SSE text of
  each response in response_outputs).
- aiperf/profile_export.jsonl + aiperf/profile_export_aiperf.json: AIPerf's per-request records
  (metadata, metrics as {value, unit}, error) and its summary (records.<tag>.{avg, p99, ...},
  input_config, start_time).

Run from this directory: python3 generate.py (numpy required). The same seed writes the same files.
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20260105)
N = 60
MODEL = "meta-llama/Llama-3.1-8B-Instruct"
T0_PERF = 81234.567891  # perf_counter seconds of the first start (vLLM start_times are absolute)
T0_NS = 1_767_600_000_000_000_000  # epoch ns of the first request (GenAI-Perf, AIPerf)

reqs = []
t = 0.0
for i in range(N):
    t += rng.exponential(1 / 8.0)  # ~8 req/s Poisson arrivals
    failed = i in (7, 31, 52)
    prompt = int(rng.integers(200, 900))
    out = int(rng.integers(4, 24))
    ttft = float(rng.lognormal(np.log(0.12), 0.5))
    gaps = [float(g) for g in rng.lognormal(np.log(0.012), 0.25, size=out - 1)]
    reqs.append(dict(start=t, failed=failed, prompt=prompt, out=0 if failed else out,
                     ttft=0.0 if failed else ttft, gaps=[] if failed else gaps))
duration = max(r["start"] + r["ttft"] + sum(r["gaps"]) for r in reqs) + 0.002


def vllm():
    ok = [r for r in reqs if not r["failed"]]
    ttfts = [r["ttft"] for r in ok]
    lat = [r["ttft"] + sum(r["gaps"]) for r in ok]
    tpots = [(l - r["ttft"]) / (r["out"] - 1) for r, l in zip(ok, lat) if r["out"] > 1]
    itls = [g for r in ok for g in r["gaps"]]
    res = {
        "date": "20260105-101500", "endpoint_type": "openai-chat", "backend": "openai-chat",
        "label": "vllm-direct", "model_id": MODEL, "tokenizer_id": MODEL, "num_prompts": N,
        "request_rate": 8.0, "burstiness": 1.0, "max_concurrency": None,
        "duration": duration, "completed": len(ok), "failed": N - len(ok),
        "total_input_tokens": sum(r["prompt"] for r in ok), "total_output_tokens": sum(r["out"] for r in ok),
        "request_throughput": len(ok) / duration, "request_goodput": None,
        "output_throughput": sum(r["out"] for r in ok) / duration,
        "total_token_throughput": sum(r["prompt"] + r["out"] for r in ok) / duration,
        "input_lens": [r["prompt"] for r in reqs],
        "output_lens": [r["out"] for r in reqs],
        "ttfts": [r["ttft"] for r in reqs],
        "itls": [r["gaps"] for r in reqs],
        "latencies": [0.0 if r["failed"] else r["ttft"] + sum(r["gaps"]) for r in reqs],
        "start_times": [T0_PERF + r["start"] for r in reqs],
        "queue_times": [0.0 for _ in reqs],
        "generated_texts": ["" if r["failed"] else " ".join(["tok"] * r["out"]) for r in reqs],
        "errors": [("Traceback (most recent call last):\n  File \"endpoint_request_func.py\", line 412, in "
                    "async_request_openai_chat_completions\naiohttp.client_exceptions.ServerDisconnectedError: "
                    "Server disconnected") if r["failed"] else "" for r in reqs],
        "max_output_tokens_per_s": 123.0, "max_concurrent_requests": 4, "rtfx": 0.0,
    }
    for name, vals in (("ttft", ttfts), ("tpot", tpots), ("itl", itls), ("e2el", lat)):
        res[f"mean_{name}_ms"] = float(np.mean(vals or 0) * 1000)
        res[f"median_{name}_ms"] = float(np.median(vals or 0) * 1000)
        res[f"std_{name}_ms"] = float(np.std(vals or 0) * 1000)
        for p in (50.0, 90.0, 99.0, 99.9):
            word = str(int(p)) if int(p) == p else str(p)
            res[f"p{word}_{name}_ms"] = float(np.percentile(vals or 0, p) * 1000)
    with open("vllm-bench-serve.json", "w") as f:
        json.dump(res, f, indent=4)


def chunk(i, delta, finish=None):
    return ('data: {"id":"chatcmpl-%d","object":"chat.completion.chunk","created":1767600000,"model":"%s",'
            '"choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]}\n\n'
            % (i, MODEL, json.dumps(delta, separators=(",", ":")), json.dumps(finish)))


def genai_perf():
    out = []
    for i, r in enumerate(reqs):
        start = T0_NS + int(round(r["start"] * 1e9))
        payload = json.dumps({"messages": [{"role": "user", "content": "prompt %d" % i}], "model": MODEL,
                              "stream": True, "stream_options": {"include_usage": True},
                              "max_completion_tokens": r["out"] or 16}, separators=(",", ":"))
        if r["failed"]:
            out.append({"timestamp": start, "request_inputs": {"payload": payload},
                        "response_timestamps": [start + 3_000_000],
                        "response_outputs": [{"response": 'data: {"error":{"message":"The model is overloaded",'
                                                          '"type":"ServiceUnavailableError","param":null,"code":503}}'
                                                          '\n\n'}]})
            continue
        times, outputs = [], []
        first = start + int(round(r["ttft"] * 1e9))
        # vLLM's first chunk carries the role and no text; the tokens follow one per chunk
        times.append(first)
        outputs.append({"response": chunk(i, {"role": "assistant", "content": ""})})
        t = first
        for k, g in enumerate([0.0004] + r["gaps"]):
            t += int(round(g * 1e9))
            last = k == r["out"] - 1
            times.append(t)
            text = chunk(i, {"content": " tok"}, "length" if last else None)
            if last:  # the usage chunk and [DONE] arrive in the same network read as the last token
                text += ('data: {"id":"chatcmpl-%d","object":"chat.completion.chunk","created":1767600000,"model":"%s",'
                         '"choices":[],"usage":{"prompt_tokens":%d,"total_tokens":%d,"completion_tokens":%d}}\n\n'
                         'data: [DONE]\n\n' % (i, MODEL, r["prompt"], r["prompt"] + r["out"], r["out"]))
            outputs.append({"response": text})
        out.append({"timestamp": start, "request_inputs": {"payload": payload},
                    "response_timestamps": times, "response_outputs": outputs})
    doc = {"experiments": [{"experiment": {"mode": "request_rate", "value": 8.0}, "requests": out,
                            "window_boundaries": [T0_NS, T0_NS + int(duration * 1e9)]}],
           "version": "", "service_kind": "openai", "endpoint": "v1/chat/completions"}
    os.makedirs("genai-perf", exist_ok=True)
    with open("genai-perf/profile_export.json", "w") as f:
        json.dump(doc, f, separators=(",", ":"))


def aiperf():
    os.makedirs("aiperf", exist_ok=True)
    order = list(range(N))
    rng.shuffle(order)  # records arrive as requests finish, not in start order
    ttft, lat, icl, osl, isl = [], [], [], [], []
    with open("aiperf/profile_export.jsonl", "w") as f:
        warm = {"metadata": {"x_request_id": "warmup-0", "conversation_id": "c-w", "turn_index": 0,
                             "timestamp_ns": T0_NS - 5_000_000_000, "worker_id": "worker_0",
                             "record_processor_id": "record_processor_0", "credit_phase": "warmup"},
                "metrics": {"request_latency": {"value": 120.0, "unit": "ms"}}, "error": None}
        f.write(json.dumps(warm, separators=(",", ":")) + "\n")
        for i in order:
            r = reqs[i]
            meta = {"x_request_id": "req-%04d" % i, "x_correlation_id": "corr-%04d" % i,
                    "conversation_id": "conv-%04d" % i, "turn_index": 0,
                    "timestamp_ns": T0_NS + int(round(r["start"] * 1e9)), "worker_id": "worker_%d" % (i % 4),
                    "record_processor_id": "record_processor_%d" % (i % 2), "credit_phase": "profiling"}
            if r["failed"]:
                rec = {"metadata": meta, "metrics": {"error_request_count": {"value": 1, "unit": "requests"}},
                       "error": {"code": 503, "type": "ServiceUnavailableError", "message": "The model is overloaded"}}
            else:
                l = r["ttft"] + sum(r["gaps"])
                m = {"input_sequence_length": {"value": r["prompt"], "unit": "tokens"},
                     "ttft": {"value": r["ttft"] * 1000, "unit": "ms"},
                     "request_count": {"value": 1, "unit": "requests"},
                     "request_latency": {"value": l * 1000, "unit": "ms"},
                     "min_request_timestamp": {"value": meta["timestamp_ns"], "unit": "ns"},
                     "output_token_count": {"value": r["out"], "unit": "tokens"},
                     "inter_chunk_latency": {"value": [g * 1000 for g in r["gaps"]], "unit": "ms"},
                     "output_sequence_length": {"value": r["out"], "unit": "tokens"},
                     "max_response_timestamp": {"value": meta["timestamp_ns"] + int(round(l * 1e9)), "unit": "ns"},
                     "inter_token_latency": {"value": (l - r["ttft"]) * 1000 / (r["out"] - 1), "unit": "ms"}}
                rec = {"metadata": meta, "metrics": m, "error": None}
                ttft.append(r["ttft"] * 1000); lat.append(l * 1000); icl.extend(g * 1000 for g in r["gaps"])
                osl.append(r["out"]); isl.append(r["prompt"])
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")

    def block(tag, unit, header, vals):
        b = {"tag": tag, "unit": unit, "header": header, "avg": float(np.mean(vals)), "min": float(np.min(vals)),
             "max": float(np.max(vals))}
        for p in (1, 5, 25, 50, 75, 90, 95, 99):
            b["p%d" % p] = float(np.percentile(vals, p))
        b["std"] = float(np.std(vals))
        b["count"] = len(vals)
        return b

    def scalar(tag, unit, header, v):
        b = {"tag": tag, "unit": unit, "header": header, "avg": v, "min": None, "max": None}
        for p in (1, 5, 25, 50, 75, 90, 95, 99):
            b["p%d" % p] = None
        b["std"] = None
        b["count"] = 1
        return b

    summary = {"records": {
        "error_request_count": scalar("error_request_count", "requests", "Error Request Count", 3.0),
        "input_sequence_length": block("input_sequence_length", "tokens", "Input Sequence Length", isl),
        "ttft": block("ttft", "ms", "Time to First Token", ttft),
        "request_count": scalar("request_count", "requests", "Request Count", float(N - 3)),
        "request_latency": block("request_latency", "ms", "Request Latency", lat),
        "inter_chunk_latency": block("inter_chunk_latency", "ms", "Inter Chunk Latency", icl),
        "output_sequence_length": block("output_sequence_length", "tokens", "Output Sequence Length", osl),
        "benchmark_duration": scalar("benchmark_duration", "sec", "Benchmark Duration", duration),
        "request_throughput": scalar("request_throughput", "requests/sec", "Request Throughput", (N - 3) / duration),
        "output_token_throughput": scalar("output_token_throughput", "tokens/sec", "Output Token Throughput",
                                          sum(osl) / duration)},
        "input_config": {"endpoint": {"model_names": [MODEL], "type": "chat", "streaming": True,
                                      "url": "localhost:8000"},
                         "loadgen": {"request_rate": 8.0, "request_count": N},
                         "cli_command": "aiperf profile -m %s --url localhost:8000 --streaming --endpoint-type chat "
                                        "--request-rate 8 --request-count %d" % (MODEL, N)},
        "was_cancelled": False,
        "error_summary": [{"error_details": {"code": 503, "type": "ServiceUnavailableError",
                                             "message": "The model is overloaded"}, "count": 3}],
        "start_time": "2026-01-05T10:15:00.000000", "end_time": "2026-01-05T10:15:08.000000"}
    with open("aiperf/profile_export_aiperf.json", "w") as f:
        json.dump(summary, f, indent=2)


vllm()
genai_perf()
aiperf()
