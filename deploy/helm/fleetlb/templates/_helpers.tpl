{{/* The release's name prefix for every object. */}}
{{- define "fleetlb.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "fleetlb.labels" -}}
app.kubernetes.io/part-of: fleetlb
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* An image of the project: registry/name:tag. */}}
{{- define "fleetlb.image" -}}
{{- $ctx := index . 0 -}}{{- $name := index . 1 -}}
{{- if $ctx.Values.images.registry -}}{{ $ctx.Values.images.registry }}/{{- end -}}{{ $name }}:{{ $ctx.Values.images.tag }}
{{- end -}}

{{/* The label selector routers discover replica Services with (and the chart labels them with). */}}
{{- define "fleetlb.replicaSelector" -}}
app.kubernetes.io/part-of=fleetlb,app.kubernetes.io/instance={{ .Release.Name }},fleetlb/role=replica
{{- end -}}

{{/* The enabled routers as a list of dicts: key, name, image, port, extra config. */}}
{{- define "fleetlb.routers" -}}
{{- $out := list -}}
{{- if .Values.routers.roundrobin.enabled -}}
{{- $out = append $out (dict "key" "roundrobin" "name" "lb-roundrobin" "image" .Values.images.roundrobin) -}}
{{- end -}}
{{- if .Values.routers.queueAware.enabled -}}
{{- $out = append $out (dict "key" "queueAware" "name" "lb-queue-aware" "image" .Values.images.queueAware) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
