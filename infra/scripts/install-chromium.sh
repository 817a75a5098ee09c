#!/usr/bin/env bash
# Debian's chromium, for the browser tests (payment-reconciliation's negotiation-page.int.test.ts drives it with
# playwright-core at /usr/bin/chromium). Idempotent: nothing happens when /usr/bin/chromium is there already; the
# package lists are refreshed only when apt does not know the package yet. Needs root (or sudo) and Debian/Ubuntu apt.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
need apt-get "Debian's package manager installs chromium"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  need sudo "installing a system package needs root"
  as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
say "installing Debian's chromium with apt-get (for the browser tests)"
if ! apt-cache show chromium >/dev/null 2>&1; then
  "${as_root[@]}" apt-get update -qq || die "apt-get update failed"
fi
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium || die "apt-get could not install chromium"
[ -x /usr/bin/chromium ] || die "chromium installed, but /usr/bin/chromium is missing"
