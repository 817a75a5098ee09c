{{/* The name of a service's objects: <release>-<service>, at most 63 characters. */}}
{{- define "regua.name" -}}
{{- printf "%s-%s" .root.Release.Name .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "regua.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: regua
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "regua.selectorLabels" . }}
{{- end -}}

{{- define "regua.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* A service's settings: the chart's defaults with its own entry merged over them. */}}
{{- define "regua.settings" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy .service)) -}}
{{- end -}}

{{- define "regua.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .name (.root.Values.image.tag | toString) -}}
{{- end -}}

{{/* Variables every service gets, not secret. */}}
{{- define "regua.commonEnv" -}}
KAFKA_BROKERS: {{ required "kafka.brokers is required" .Values.kafka.brokers | quote }}
KAFKA_NAMESPACE: {{ .Values.kafka.namespace | quote }}
HTTP_HOST: "0.0.0.0"
HTTP_PORT: {{ .Values.containerPort | quote }}
{{- with .Values.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- range $key, $value := .Values.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The Secret with the shared secret variables (MONGO_URL among them unless mongo.existingSecret names one). */}}
{{- define "regua.sharedSecretName" -}}
{{- printf "%s-shared" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
