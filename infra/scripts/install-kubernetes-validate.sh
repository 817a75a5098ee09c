#!/usr/bin/env bash
# kubernetes-validate from PyPI (it ships the Kubernetes JSON schemas, so validation needs no cluster and no
# network), in a virtual environment under .cache/kubernetes-validate-<version>, linked as
# .cache/bin/kubernetes-validate. Idempotent: a finished install leaves a marker file, an interrupted one is started again.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

venv="$REGUA_CACHE/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
if [ ! -f "$venv/.installed" ]; then
  need python3 "Python 3 runs kubernetes-validate"
  say "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian and Ubuntu need the python3-venv package)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
    || die "pip could not install kubernetes-validate==$KUBERNETES_VALIDATE_VERSION (is PyPI reachable?)"
  touch "$venv/.installed"
fi
mkdir -p "$REGUA_CACHE/bin"
ln -sfn "$venv/bin/kubernetes-validate" "$REGUA_CACHE/bin/kubernetes-validate"
