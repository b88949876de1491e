{{/* The A/B (or smoke) pod spec, for the helm test Pod and the optional Job: checks every
enabled router's /health and /v1/models, then, with both routers, generates the demo workload and
runs bench/ab.sh between them, printing the report. */}}
{{- define "fleetlb.benchPodSpec" -}}
{{- $routers := include "fleetlb.routers" . | fromJsonArray -}}
{{- $scheme := ternary "https" "http" .Values.router.tls.enabled -}}
{{- $base := printf "%s://%s-%%s:%d" $scheme (include "fleetlb.fullname" .) (int .Values.router.port) -}}
restartPolicy: Never
activeDeadlineSeconds: {{ .Values.bench.timeoutSeconds }}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
containers:
  - name: ab
    image: {{ include "fleetlb.image" (list . .Values.images.bench) }}
    imagePullPolicy: {{ .Values.images.pullPolicy }}
    env:
      {{- if .Values.bench.apiKeySecret.name }}
      - name: FLEETLB_API_KEY
        valueFrom:
          secretKeyRef:
            name: {{ .Values.bench.apiKeySecret.name }}
            key: {{ .Values.bench.apiKeySecret.key }}
      {{- end }}
      {{- range $routers }}
      - name: ROUTER_{{ .key | upper }}
        value: {{ printf $base .name | quote }}
      {{- end }}
    command: [bash, -ec]
    args:
      - |
        auth=(); [ -n "${FLEETLB_API_KEY:-}" ] && auth=(-H "Authorization: Bearer $FLEETLB_API_KEY")
        curl_k=(); [ "{{ $scheme }}" = https ] && curl_k=(-k)
        for url in {{ range $routers }}"$ROUTER_{{ .key | upper }}" {{ end }}; do
          echo "== $url"
          curl -fsS "${curl_k[@]}" --retry 30 --retry-delay 5 --retry-all-errors "$url/health"
          echo; curl -fsS "${curl_k[@]}" "${auth[@]}" "$url/v1/models"; echo
        done
        {{- if eq (len $routers) 2 }}
        cd /app
        java -jar bench/target/bench.jar workload --spec bench/demo-workload.yaml \
          --num-prompts {{ .Values.bench.numPrompts }} --request-rate {{ .Values.bench.requestRate }} \
          -o /tmp/workload.jsonl
        extra=(); [ -n "${FLEETLB_API_KEY:-}" ] && extra=(--bench-arg --header \
          --bench-arg "Authorization=Bearer $FLEETLB_API_KEY")
        bench/ab.sh --baseline "$ROUTER_ROUNDROBIN" --managed "$ROUTER_QUEUEAWARE" \
          --workload /tmp/workload.jsonl --out /tmp/ab --repetitions {{ .Values.bench.repetitions }} \
          --baseline-label lb-roundrobin --managed-label lb-queue-aware "${extra[@]}"
        cat /tmp/ab/report.md
        {{- end }}
    volumeMounts:
      - { name: tmp, mountPath: /tmp }
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}
