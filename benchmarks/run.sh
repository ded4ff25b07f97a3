#!/usr/bin/env bash
# All benchmarks of docs/benchmarks.md, in one go.
#
#   benchmarks/run.sh [WORK_DIR]
#
# WORK_DIR keeps the downloaded sdists, the peers' venv and the generated monoliths between
# runs (default: a new temporary folder). Environment:
#   REFACTORKIT   console script to time (default /tmp/venv/bin/refactorkit)
#   PYTHON        Python running the scripts and the peers' venv (default python3)
#   RUNS          timed runs per tool on real code (default 5)
#   SCALING_RUNS  timed runs per size of synthetic monolith (default 3)
# Results are printed and written to WORK_DIR/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d -t refactorkit-bench-XXXXXX)}"
python="${PYTHON:-python3}"
refactorkit="${REFACTORKIT:-/tmp/venv/bin/refactorkit}"
mkdir -p "$work"
"$python" "$here/compare_peers.py" --work "$work" --runs "${RUNS:-5}" --refactorkit "$refactorkit"
"$python" "$here/scaling.py" --work "$work" --runs "${SCALING_RUNS:-3}" --refactorkit "$refactorkit"
echo "work directory: $work" >&2
