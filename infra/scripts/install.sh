#!/usr/bin/env bash
# Everything a fresh machine needs: Node 24 + pnpm, workspace packages (PostgreSQL's binaries among them),
# Kafka jars, FerretDB, schemathesis (API tests), Debian's chromium (browser tests), and as root the user PostgreSQL runs as.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$REGUA_ROOT/infra/scripts"

bash "$here/install-node.sh"
bash "$here/install-kafka.sh" &
kafka_pid=$!
bash "$here/install-ferretdb.sh" &
ferret_pid=$!
bash "$here/install-schemathesis.sh" &
schemathesis_pid=$!
# Debian's chromium for the browser tests; a machine where it cannot be installed (no root or sudo, no apt) still
# runs the stack and the demo, and the browser test then fails naming this script.
bash "$here/install-chromium.sh" &
chromium_pid=$!

export PATH="$REGUA_CACHE/bin:$PATH"
if [ ! -f "$REGUA_ROOT/node_modules/.modules.yaml" ] || [ "$REGUA_ROOT/pnpm-lock.yaml" -nt "$REGUA_ROOT/node_modules/.modules.yaml" ]; then
  say "installing workspace packages with pnpm"
  (cd "$REGUA_ROOT" && pnpm install --frozen-lockfile --reporter=append-only) || die "pnpm install failed"
fi

bash "$here/install-postgresql.sh" || die "PostgreSQL set-up failed"

wait "$kafka_pid" || die "Kafka install failed"
wait "$ferret_pid" || die "FerretDB install failed"
wait "$schemathesis_pid" || die "schemathesis install failed"
wait "$chromium_pid" || say "warning: chromium could not be installed (infra/scripts/install-chromium.sh needs root or sudo and apt): the browser tests will fail"
