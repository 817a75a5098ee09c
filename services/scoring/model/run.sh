#!/usr/bin/env bash
# Training side of the scoring model: a Python virtual environment with requirements.txt, cached under
# .cache/scoring-model-<hash of requirements.txt> (a new pin makes a new one), then regua_model.train.
#   run.sh train --version pd-YYYY.MM.DD-N   train, write artifacts/<version>/ and REPORT.md
#   run.sh report                             retrain the current version and compare with the committed files
# Idempotent: a finished install leaves a marker file, an interrupted one is started again.
source "$(dirname "${BASH_SOURCE[0]}")/../../../infra/scripts/lib.sh"

here="$REGUA_ROOT/services/scoring/model"
hash=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="$REGUA_CACHE/scoring-model-$hash"
if [ ! -f "$venv/.installed" ]; then
  need python3 "Python 3.11 or later trains the scoring model"
  say "installing the scoring model's Python requirements from PyPI into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian and Ubuntu need the python3-venv package)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt" \
    || die "pip could not install services/scoring/model/requirements.txt (is PyPI reachable?)"
  touch "$venv/.installed"
fi

cmd="${1:-}"; shift || true
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
case "$cmd" in
  train) exec "$venv/bin/python" -m regua_model.train "$@" ;;
  report) exec "$venv/bin/python" -m regua_model.train --check "$@" ;;
  *) die "usage: run.sh train --version pd-YYYY.MM.DD-N | run.sh report" ;;
esac
