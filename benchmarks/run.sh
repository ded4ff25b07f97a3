#!/usr/bin/env bash
# All benchmarks of docs/benchmarks.md, in one go (the cross-check with hyperfine and GNU
# time only where hyperfine is installed: Debian's package `hyperfine`).
#
#   benchmarks/run.sh [WORK_DIR]
#
# WORK_DIR keeps the downloaded sdists, the peers' venv and the generated monoliths between
# runs (default: a new temporary folder). Environment:
#   REFACTORKIT   console script to time (default: this checkout, installed as a user
#                 would install it, not editable, into WORK_DIR/refactorkit-venv)
#   PYTHON        Python running the scripts and the peers' venv (default python3)
#   RUNS          timed runs per tool on real code (default 5)
#   SCALING_RUNS  timed runs per size of synthetic monolith (default 3)
# Results are printed and written to WORK_DIR/results/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${1:-$(mktemp -d -t refactorkit-bench-XXXXXX)}"
python="${PYTHON:-python3}"
mkdir -p "$work"
refactorkit="${REFACTORKIT:-}"
if [ -z "$refactorkit" ]; then
    # Installed afresh each run: the timed code is this checkout's, and an editable install
    # would add its import hook to every start.
    rm -rf "$work/refactorkit-venv"
    "$python" -m venv "$work/refactorkit-venv"
    "$work/refactorkit-venv/bin/pip" install -q "$here/.."
    refactorkit="$work/refactorkit-venv/bin/refactorkit"
    head="$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
    dirty="$(git -C "$here/.." status --porcelain 2>/dev/null | head -1)"
    export REFACTORKIT_SOURCE="the checkout at commit $head${dirty:+, with uncommitted changes}"
fi
"$python" "$here/compare_peers.py" --work "$work" --runs "${RUNS:-5}" --refactorkit "$refactorkit"
if command -v hyperfine >/dev/null; then
    "$here/crosscheck.sh" "$work" "$refactorkit" "${RUNS:-5}"
else
    echo "hyperfine not found: the cross-check with plain tools is skipped" >&2
fi
"$python" "$here/scaling.py" --work "$work" --runs "${SCALING_RUNS:-3}" --refactorkit "$refactorkit"
echo "work directory: $work" >&2
