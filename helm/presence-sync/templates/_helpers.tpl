{{/* The chart name, shortened to the 63 characters a label allows. */}}
{{- define "presence-sync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: the prefix of every object it creates. */}}
{{- define "presence-sync.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "presence-sync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "presence-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "presence-sync.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "presence-sync.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: presence-sync
{{- end }}

{{- define "presence-sync.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "presence-sync.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "presence-sync.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The management port: the application's own setting (config.management.port), 8080 by default.
An ${ENV} reference there is the application's to replace, out of the chart's sight: refused.
*/}}
{{- define "presence-sync.managementPort" -}}
{{- $management := .Values.config.management | default dict }}
{{- $port := $management.port | default 8080 }}
{{- if contains "${" (toString $port) }}
{{- fail (printf "config.management.port: %s comes from the environment, which the chart cannot see when it renders, but the container port, the probes and the Service need the number: write the port itself" $port) }}
{{- end }}
{{- $port | int }}
{{- end }}

{{/*
The container's command: java with jvm.maxRAMPercentage, exit on OutOfMemoryError, the options of
jvm.extraOptions (a list, or a string split at white space; empty parts dropped), then the jar.
*/}}
{{- define "presence-sync.javaCommand" -}}
{{- $extra := .Values.jvm.extraOptions | default list }}
{{- if kindIs "string" $extra }}
{{- $extra = regexSplit "\\s+" (trim $extra) -1 | compact }}
{{- end }}
{{- $jvm := list "java" (printf "-XX:MaxRAMPercentage=%v" .Values.jvm.maxRAMPercentage) "-XX:+ExitOnOutOfMemoryError" }}
{{- concat $jvm $extra (list "-jar" "/app/presence-sync.jar") | toYaml }}
{{- end }}

{{/* Clustered mode: Quartz on PostgreSQL. */}}
{{- define "presence-sync.clustered" -}}
{{- $cluster := .Values.config.cluster | default dict }}
{{- if $cluster.jdbcUrl }}true{{ end }}
{{- end }}

{{/* The Secret mounted at credentials.mountPath: an existing one, the chart's own, or none. */}}
{{- define "presence-sync.secretName" -}}
{{- if .Values.credentials.existingSecret }}
{{- .Values.credentials.existingSecret }}
{{- else if .Values.credentials.files }}
{{- printf "%s-credentials" (include "presence-sync.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Every file the configuration references under credentials.mountPath (any key ending in "File" of a
tenant's credential, of cluster or of a publisher), one base name a line.
*/}}
{{- define "presence-sync.referencedFiles" -}}
{{- $dir := printf "%s/" (trimSuffix "/" .Values.credentials.mountPath) }}
{{- $sections := list }}
{{- range (.Values.config.tenants | default list) }}
{{- $sections = append $sections (.credential | default dict) }}
{{- end }}
{{- $sections = append $sections (.Values.config.cluster | default dict) }}
{{- range (.Values.config.publishers | default list) }}
{{- $sections = append $sections . }}
{{- end }}
{{- range $section := $sections }}
{{- range $key, $value := $section }}
{{- if and (hasSuffix "File" $key) (kindIs "string" $value) (hasPrefix $dir $value) }}
{{ trimPrefix $dir $value }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The TCP port of a URL such as redis://host:6379, https://host or jdbc:postgresql://host:5432/db;
the scheme's usual port when the URL names none. Empty when an ${ENV} reference may hold the
scheme or the port (the whole URL is one, or the host-and-port part ends with one): the
application replaces it when it starts, out of the chart's sight. An ${ENV} host with a written
port (redis://${REDIS_HOST}:6379) is fine.
*/}}
{{- define "presence-sync.urlPort" -}}
{{- $url := trimPrefix "jdbc:" . }}
{{- $scheme := regexFind "^[A-Za-z][A-Za-z0-9+.-]*://" $url | trimSuffix "://" }}
{{- $authority := regexFind "^[^/?#]*" (trimPrefix (printf "%s://" $scheme) $url) }}
{{- $port := regexFind ":[0-9]+$" $authority | trimPrefix ":" }}
{{- if not $scheme }}
{{- else if $port }}{{ $port }}
{{- else if hasSuffix "}" $authority }}
{{- else if eq $scheme "postgresql" }}5432
{{- else if hasPrefix "redis" $scheme }}6379
{{- else if eq $scheme "http" }}80
{{- else }}443
{{- end }}
{{- end }}

{{/* The API port: config.api.port, 8081 by default; an ${ENV} reference there is refused as for the management port. */}}
{{- define "presence-sync.apiPort" -}}
{{- $api := .Values.config.api | default dict }}
{{- $port := $api.port | default 8081 }}
{{- if contains "${" (toString $port) }}
{{- fail (printf "config.api.port: %s comes from the environment, which the chart cannot see when it renders, but the container port and the Service need the number: write the port itself" $port) }}
{{- end }}
{{- $port | int }}
{{- end }}
