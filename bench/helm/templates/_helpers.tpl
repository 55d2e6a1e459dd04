{{- define "bench.labels" -}}
app.kubernetes.io/instance: {{ .name }}
app.kubernetes.io/managed-by: cdk8s-secure
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: {{ .ns }}
app.kubernetes.io/version: {{ .version | quote }}
{{- end }}

{{- define "bench.selector" -}}
matchLabels:
  app.kubernetes.io/instance: {{ . }}
{{- end }}

{{- define "bench.dnsEgress" -}}
ports:
  - port: 53
    protocol: UDP
  - port: 53
    protocol: TCP
to:
  - namespaceSelector:
      matchLabels:
        kubernetes.io/metadata.name: kube-system
    podSelector:
      matchLabels:
        k8s-app: kube-dns
{{- end }}

{{- define "bench.resources" -}}
cpu: 500m
ephemeral-storage: 256Mi
memory: 256Mi
{{- end }}

{{- define "bench.requests" -}}
cpu: 100m
ephemeral-storage: 64Mi
memory: 128Mi
{{- end }}
