#!/usr/bin/env bash
# Schemathesis (property-based API tests from an OpenAPI document) from PyPI, in a virtual environment under
# .cache/schemathesis-<version>, linked as .cache/bin/schemathesis; the services' schemathesis.int.test.ts run it.
# Hypothesis is pinned with it, so a seed generates the same requests on every machine. Idempotent: a finished
# install leaves a marker file, an interrupted one is started again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

venv="$REGUA_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -f "$venv/.installed" ]; then
  need python3 "Python 3.11 or later runs schemathesis"
  say "installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian and Ubuntu need the python3-venv package)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "hypothesis==$HYPOTHESIS_VERSION" \
    || die "pip could not install schemathesis==$SCHEMATHESIS_VERSION (is PyPI reachable?)"
  touch "$venv/.installed"
fi
mkdir -p "$REGUA_CACHE/bin"
ln -sfn "$venv/bin/schemathesis" "$REGUA_CACHE/bin/schemathesis"
