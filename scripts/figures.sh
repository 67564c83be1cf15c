#!/usr/bin/env bash
# Regenerates every image in docs/images from the release binary, with the commands the README
# and docs/PERFORMANCE.md name for each, and prints how long each step and the whole took:
#
#   customers.png         cocreate run scenarios/two_firms.toml              (charts/customers.png)
#   policy_map.png        cocreate sweep scenarios/policy_map.toml           (charts/policy_map.png)
#   screening_morris.png  cocreate sweep scenarios/screening.toml            (charts/morris.png)
#   sobol_indices.png     cocreate sweep scenarios/sobol.toml                (charts/sobol.png)
#   hysteresis.png,       cocreate validate (full battery)                   (charts/hysteresis.png,
#   recovery_paradox.png                                                      charts/recovery_paradox.png)
#   scaling.png           examples/scaling (sizes 10^4 to 3x10^6, 1 and 2 threads)
#
# Usage: bash scripts/figures.sh [STEP...]   STEP: customers policy_map screening sobol
#        validation scaling (default: all). The full outputs (sensitivity.csv, validation.md,
#        the scaling table, ...) stay in $FIGURES_WORK (default: a new temporary directory) for
#        updating the README's numbers; the script prints where.
#
# The README's interpretation text (policy map, screening, Sobol, validation table) and the
# scaling table in docs/PERFORMANCE.md are written from those outputs by hand: the script says
# which files to read. The scaling figure measures this machine: run it on an idle one (on a
# shared one it shows the contention, not the program). About 15 minutes on 2 idle cores.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/cocreate
IMAGES=$ROOT/docs/images
WORK=${FIGURES_WORK:-$(mktemp -d /tmp/cocreate-figures.XXXXXX)}
mkdir -p "$WORK"

STEPS=("$@")
if [ ${#STEPS[@]} -eq 0 ]; then
    STEPS=(customers policy_map screening sobol validation scaling)
fi
for step in "${STEPS[@]}"; do
    case $step in
        customers | policy_map | screening | sobol | validation | scaling) ;;
        *)
            echo "figures.sh: unknown step '$step' (customers policy_map screening sobol validation scaling)" >&2
            exit 2
            ;;
    esac
done

started=$(date +%s)
echo "building the release binary and the scaling example"
cargo build --release --quiet --bin cocreate --example scaling
echo "outputs in $WORK"

TIMES=()
# step NAME COMMAND...: runs COMMAND, records its wall time.
step() {
    local name=$1
    shift
    local t0
    t0=$(date +%s)
    echo
    echo "== $name: $*"
    "$@"
    TIMES+=("$(printf '%-12s %5d s' "$name" $(($(date +%s) - t0)))")
}
# copy FROM TO: one produced chart into docs/images, refusing a missing or empty file.
copy() {
    if [ ! -s "$1" ]; then
        echo "figures.sh: $1 was not written" >&2
        exit 1
    fi
    cp "$1" "$IMAGES/$2"
    echo "   -> docs/images/$2"
}

VALIDATION_STATUS=0
for name in "${STEPS[@]}"; do
    out=$WORK/$name
    rm -rf "$out"
    case $name in
        customers)
            step "$name" "$BIN" run scenarios/two_firms.toml --out "$out" --quiet
            copy "$out/charts/customers.png" customers.png
            ;;
        policy_map)
            step "$name" "$BIN" sweep scenarios/policy_map.toml --out "$out" --quiet
            copy "$out/charts/policy_map.png" policy_map.png
            ;;
        screening)
            step "$name" "$BIN" sweep scenarios/screening.toml --out "$out" --quiet
            copy "$out/charts/morris.png" screening_morris.png
            ;;
        sobol)
            step "$name" "$BIN" sweep scenarios/sobol.toml --out "$out" --quiet
            copy "$out/charts/sobol.png" sobol_indices.png
            ;;
        validation)
            # Exit 1 means a pattern failed: the charts are written all the same, and the
            # verdict is reported at the end rather than stopping the other figures.
            set +e
            step "$name" "$BIN" validate --out "$out" --quiet
            VALIDATION_STATUS=$?
            set -e
            if [ "$VALIDATION_STATUS" -gt 1 ]; then
                echo "figures.sh: cocreate validate failed (exit $VALIDATION_STATUS)" >&2
                exit 1
            fi
            copy "$out/charts/hysteresis.png" hysteresis.png
            copy "$out/charts/recovery_paradox.png" recovery_paradox.png
            ;;
        scaling)
            mkdir -p "$out"
            step "$name" "$TARGET/release/examples/scaling" --out "$out" >"$out/table.md"
            cat "$out/table.md"
            copy "$out/scaling.png" scaling.png
            ;;
    esac
done

echo
echo "step times (wall):"
printf '  %s\n' "${TIMES[@]}"
echo "total: $(($(date +%s) - started)) s (including the build)"
echo
echo "numbers for the text: $WORK/policy_map/points.csv (README, policy map)," \
    "$WORK/screening/sensitivity.csv and $WORK/sobol/sensitivity.csv (README, sensitivity" \
    "analysis), $WORK/validation/validation.md (README, validation table)," \
    "$WORK/scaling/table.md (docs/PERFORMANCE.md)"
if [ "$VALIDATION_STATUS" -eq 1 ]; then
    echo "figures.sh: WARNING: cocreate validate reported a failing pattern (see $WORK/validation/validation.md)" >&2
    exit 1
fi
