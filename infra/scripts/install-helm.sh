#!/usr/bin/env bash
# Helm, built through the Go module proxy (`go install helm.sh/helm/v3/cmd/helm@<version>`) into
# .cache/helm-<version>, linked as .cache/bin/helm; `pnpm deploy:check` lints and renders the chart with it.
# Idempotent: a finished build is kept, an interrupted one is started again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$REGUA_CACHE/helm-$HELM_VERSION"
if [ ! -x "$dir/helm" ]; then
  need go "Go builds helm from the Go module proxy"
  say "building helm $HELM_VERSION with Go into $dir (first time only, a few minutes)"
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  GOBIN="$dir.partial" GOFLAGS=-mod=mod go install -trimpath "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" \
    || die "go install of helm $HELM_VERSION failed (is the Go module proxy reachable?)"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
fi
mkdir -p "$REGUA_CACHE/bin"
ln -sfn "$dir/helm" "$REGUA_CACHE/bin/helm"
