#!/usr/bin/env bash
# The deployment artefacts' check, without Docker or a cluster (`pnpm deploy:check`; CI runs it):
#   1. the Helm chart (infra/helm/regua): helm lint, then helm template with the default values and with every
#      option switched on, each manifest validated against the Kubernetes JSON schemas (kubernetes-validate, strict);
#   2. docker-compose.yml against the Compose Specification's JSON schema (scripts/deploy/compose-check.ts).
# Installs what it needs first (helm, kubernetes-validate, the compose schema: cached under .cache/, idempotent).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$REGUA_ROOT/infra/scripts"
chart="$REGUA_ROOT/infra/helm/regua"
export PATH="$REGUA_CACHE/bin:$PATH"

bash "$here/install-helm.sh"
bash "$here/install-kubernetes-validate.sh"
compose_schema="$(bash "$here/install-compose-schema.sh")"
[ -x "$REGUA_CACHE/bin/node" ] || bash "$here/install-node.sh"

# The Kubernetes version the manifests are validated against: the oldest the chart supports that
# kubernetes-validate ships schemas for, and its newest.
KUBE_VERSIONS=("1.29.0" "1.37.0")

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

say "helm lint $chart"
helm lint --strict "$chart" --set topicsJob.enabled=true

render() { # name, then helm template arguments
  local name="$1"; shift
  helm template regua "$chart" --namespace regua --kube-version "${KUBE_VERSIONS[0]}" "$@" > "$out/$name.yaml" || die "helm template ($name) failed"
  # One file per manifest: kubernetes-validate names the file of the one that fails.
  mkdir -p "$out/$name"
  (cd "$out/$name" && awk -v dir="$out/$name" 'BEGIN{n=0} /^---/{n++; next} {print > (dir "/" sprintf("%03d", n) ".yaml")}' "$out/$name.yaml")
  # Drop documents that are only comments or blank (helm leaves them between templates).
  for f in "$out/$name"/*.yaml; do grep -qE '^[a-zA-Z]' "$f" || rm -f "$f"; done
  local count; count="$(ls "$out/$name" | wc -l)"
  [ "$count" -gt 0 ] || die "helm template ($name) rendered nothing"
  for version in "${KUBE_VERSIONS[@]}"; do
    kubernetes-validate --strict --quiet -k "$version" "$out/$name"/*.yaml || die "the $name rendering is not valid Kubernetes $version (manifests in $out/$name)"
  done
  say "helm template ($name): $count manifests valid against Kubernetes ${KUBE_VERSIONS[*]}"
}

render defaults
# Everything optional switched on: secrets from values and from existing Secrets, an OTLP endpoint, a namespace,
# fixed replicas instead of the HPA for one service, a service left out.
render all-options \
  --set otlpEndpoint=http://otel-collector:4318 --set kafka.namespace=prod. \
  --set secretEnv.DLQ_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
  --set mongo.existingSecret=regua-mongo --set existingSecret=regua-shared \
  --set services.ingestion.secretEnv.INGESTION_API_KEYS=bank:0123456789abcdef0123456789abcdef \
  --set services.ingestion.existingSecret=regua-ingestion \
  --set services.scoring.autoscaling.enabled=false --set services.scoring.replicas=3 \
  --set services.dashboard.enabled=false

# KEDA's ScaledObject is a custom resource: no Kubernetes schema knows it, so it is rendered (templates must
# work) and its fields checked here, and the rest validated as above.
helm template regua "$chart" --kube-version "${KUBE_VERSIONS[0]}" --set defaults.keda.enabled=true --set services.ingestion.keda.enabled=false \
  --set services.payment-reconciliation.keda.enabled=false --set services.legal.keda.enabled=false \
  --set services.dashboard.keda.enabled=false --set kafka.namespace=prod. > "$out/keda.yaml" \
  || die "helm template with KEDA failed"
scaled="$(grep -c '^kind: ScaledObject' "$out/keda.yaml" || true)"
[ "$scaled" -eq 3 ] || die "expected 3 ScaledObjects with KEDA on for enrichment, scoring and notification, got $scaled"
grep -q 'consumerGroup: "prod.regua.enrichment"' "$out/keda.yaml" || die "the ScaledObject does not watch the namespaced consumer group"
if grep -q '^kind: HorizontalPodAutoscaler' "$out/keda.yaml" && [ "$(grep -c '^kind: HorizontalPodAutoscaler' "$out/keda.yaml")" -ne 4 ]; then
  die "with KEDA on for three services, the other four keep their CPU HPA"
fi
say "helm template (keda): $scaled ScaledObjects, replacing those services' CPU autoscalers"

say "infra/observability: the Grafana dashboard and provisioning, and Prometheus' configuration, parse"
(cd "$REGUA_ROOT" && node -e '
  const fs = require("node:fs"); const { parse } = require("yaml");
  const dashboard = JSON.parse(fs.readFileSync("infra/observability/grafana/dashboards/regua.json", "utf8"));
  if (!dashboard.uid || !Array.isArray(dashboard.panels) || dashboard.panels.length === 0) throw new Error("the dashboard has no uid or no panels");
  for (const f of ["infra/observability/prometheus.yml", "infra/observability/grafana/provisioning/datasources/datasources.yaml", "infra/observability/grafana/provisioning/dashboards/dashboards.yaml", "infra/otel/collector.yaml"]) parse(fs.readFileSync(f, "utf8"));
') || die "an observability configuration file does not parse"

say "docker-compose.yml against the Compose Specification ($COMPOSE_GO_VERSION)"
(cd "$REGUA_ROOT" && node scripts/deploy/compose-check.ts "$compose_schema" docker-compose.yml) || die "docker-compose.yml is not valid"
say "deploy check passed"
