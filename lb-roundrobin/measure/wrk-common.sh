# Sourced by router-ab.sh and proxy-floor.sh: what their wrk runs share.
# The request every wrk run sends, and the chat completion the nginx upstream answers with.
BODY='{"model":"bench","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}'
ANSWER='{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}'

# need_tools TOOL...: exits 2 naming the first one missing from PATH
need_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
  done
}

# write_post_lua FILE: the wrk script that POSTs $BODY as JSON
write_post_lua() {
  printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' \
    "'$BODY'" > "$1"
}
