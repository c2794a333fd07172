# Sourced by run.sh and test.sh: a virtual environment in .venv with the pinned packages.
# Re-installs only when a requirements file changed since the last install.
set -euo pipefail
REQS=${1:-requirements.txt}
PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "» creating the virtual environment in .venv"
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements*.txt | sha1sum | cut -c1-12)-$(basename "$REQS" .txt)"
if [[ ! -f "$stamp" ]]; then
  echo "» installing $REQS into .venv"
  .venv/bin/python -m pip install --disable-pip-version-check -q -r "$REQS"
  touch "$stamp"
fi
