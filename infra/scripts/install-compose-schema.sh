#!/usr/bin/env bash
# The Compose Specification's JSON schema, as the Go module github.com/compose-spec/compose-go/v2 ships it
# (schema/compose-spec.json), fetched through the Go module proxy (checksummed by the Go checksum database) and
# copied to .cache/compose-spec-<version>/compose-spec.json. Prints that path. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

schema="$REGUA_CACHE/compose-spec-$COMPOSE_GO_VERSION/compose-spec.json"
if [ ! -f "$schema" ]; then
  need go "the Go module proxy serves the Compose Specification's schema"
  say "downloading github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION for its compose-spec.json"
  module_dir="$(cd "$REGUA_CACHE" && GOFLAGS=-mod=mod go mod download -json "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" \
    || die "go mod download of compose-go $COMPOSE_GO_VERSION failed (is the Go module proxy reachable?)"
  [ -f "$module_dir/schema/compose-spec.json" ] || die "compose-go $COMPOSE_GO_VERSION has no schema/compose-spec.json (looked in '$module_dir')"
  mkdir -p "$(dirname "$schema")"
  cp "$module_dir/schema/compose-spec.json" "$schema.partial"
  mv "$schema.partial" "$schema"
fi
printf '%s\n' "$schema"
