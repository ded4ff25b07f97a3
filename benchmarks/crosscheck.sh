#!/usr/bin/env bash
# The cold comparison of compare_peers.py again, timed by plain tools: hyperfine (Debian's
# package) for wall time, GNU time for the peak memory of the largest process.
#
#   benchmarks/crosscheck.sh WORK_DIR REFACTORKIT [RUNS]
#
# WORK_DIR is a work folder that compare_peers.py has filled (its trees/NAME hold the code,
# the generated tach.toml and .importlinter); REFACTORKIT the console script to time. Prints
# Markdown; also writes WORK_DIR/results/crosscheck-NAME.md.
set -euo pipefail
work="$1"
refactorkit="$2"
runs="${3:-5}"
bin="$work/peers-venv/bin"
command -v hyperfine >/dev/null || { echo "hyperfine not found (Debian: apt-get install hyperfine)" >&2; exit 2; }
mkdir -p "$work/results" "$work/out"
for tree in "$work"/trees/*/; do
    name="$(basename "$tree")"
    [ -f "$tree/tach.toml" ] && [ -f "$tree/.importlinter" ] || continue
    html="$work/out/$name-crosscheck.html"
    echo "## $name"
    echo
    # -i: lint-imports exits 1 on its broken contract, tach on nautobot's two invalid files.
    (cd "$tree" && hyperfine --style none -i --warmup 1 --runs "$runs" \
        --export-markdown "$work/results/crosscheck-$name.md" \
        --prepare "rm -rf .refactorkit .tach .import_linter_cache" \
        -n "refactorkit cold (HTML)" "$refactorkit analyze . --format html -o $html --no-cache -q" \
        -n "tach check" "$bin/tach check" \
        -n "lint-imports (1 contract)" "$bin/lint-imports --no-logo" >/dev/null)
    cat "$work/results/crosscheck-$name.md"
    echo
    for label in refactorkit tach lint-imports; do
        case "$label" in
            refactorkit) cmd=("$refactorkit" analyze . --format html -o "$html" --no-cache -q) ;;
            tach) cmd=("$bin/tach" check) ;;
            lint-imports) cmd=("$bin/lint-imports" --no-logo) ;;
        esac
        # GNU time prints %M (KB) last on stderr, after whatever the tool printed there.
        peak="$(cd "$tree" && rm -rf .refactorkit .tach .import_linter_cache \
            && /usr/bin/time -f "%M" "${cmd[@]}" 2>&1 >/dev/null | tail -1 || true)"
        echo "- $label: largest process peaks at $((peak / 1024)) MB (GNU time, %M)"
    done
    echo
done
