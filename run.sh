#!/usr/bin/env bash
# Sets everything up and starts Usage Radar on the bundled demo data (offline).
#   ./run.sh              → http://localhost:8501
#   PORT=8600 ./run.sh    → another port
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh requirements.txt
export RADAR_DB=${RADAR_DB:-data/radar.duckdb}
if [[ ! -f "$RADAR_DB" ]]; then
  echo "» no database at $RADAR_DB yet: building the synthetic demo (python -m etl demo)"
  .venv/bin/python -m etl demo --db "$RADAR_DB"
fi
if .venv/bin/python -m etl status --db "$RADAR_DB" | grep -q "python -m etl reparse"; then
  echo "» $RADAR_DB was built by an earlier version: bringing it up to date (python -m etl reparse)"
  .venv/bin/python -m etl reparse --db "$RADAR_DB"
fi
PORT=${PORT:-8501}
echo "» Usage Radar: open http://localhost:$PORT"
exec .venv/bin/python -m streamlit run app.py --server.port "$PORT" --server.address "${ADDRESS:-0.0.0.0}"
