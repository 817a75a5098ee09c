#!/usr/bin/env bash
# Builds FerretDB (MongoDB wire protocol over SQLite or PostgreSQL) through the Go module proxy into
# .cache/bin/regua-ferretdb. infra/ferretdb/main.go embeds FerretDB's public package. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

binary="$REGUA_CACHE/ferretdb-$FERRETDB_VERSION/regua-ferretdb"
if [ -x "$binary" ]; then exit 0; fi

need go "Go builds FerretDB from the Go module proxy"
say "building FerretDB $FERRETDB_VERSION with Go into $binary (first time only, about a minute)"
mkdir -p "$(dirname "$binary")"
(cd "$REGUA_ROOT/infra/ferretdb" && GOFLAGS=-mod=mod go build -trimpath -o "$binary.partial" .) \
  || die "go build of FerretDB failed (is the Go module proxy reachable?)"
mv "$binary.partial" "$binary"
