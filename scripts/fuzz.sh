#!/usr/bin/env bash
# Fuzzes the four input surfaces of issue 12 (item 11) with the mutation driver
# `examples/fuzz.rs`, built with LLVM source-based coverage, and reports executions per surface
# and the line and region coverage of the modules each surface targets.
#
# Usage: bash scripts/fuzz.sh [SECONDS_PER_SURFACE] [SEED] [SURFACES...]
#   defaults: 480 seconds, seed 1, surfaces `scenario design record set`, run one after another
#   (JOBS=4 runs them side by side). Needs rustup's llvm-tools (`rustup component add
#   llvm-tools`) for llvm-profdata and llvm-cov matching rustc's LLVM.
# Output: target/cov/fuzz/SURFACE.log (the driver's summary line), SURFACE.txt (the coverage
# report of its modules) and all.txt (every surface merged). Crashes are saved by the driver
# to fuzz/crashes-SURFACE/; keep each one as a regression input under
# fuzz/regressions-SURFACE/ (replayed by `cargo test --test it -- fuzz_regressions::`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-480}
seed=${2:-1}
shift $(( $# > 2 ? 2 : $# ))
surfaces=("$@")
[ ${#surfaces[@]} -gt 0 ] || surfaces=(scenario design record set)
jobs=${JOBS:-1}

tools="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
if [ ! -x "$tools/llvm-profdata" ] || [ ! -x "$tools/llvm-cov" ]; then
    echo "fuzz.sh: no llvm-profdata/llvm-cov in $tools; run: rustup component add llvm-tools" >&2
    exit 2
fi

export CARGO_TARGET_DIR=target/cov
# Build scripts and proc macros are instrumented too: their profiles go under target/cov.
LLVM_PROFILE_FILE="$PWD/target/cov/build-%p-%m.profraw" RUSTFLAGS="-C instrument-coverage" \
    cargo build --release --example fuzz
bin=target/cov/release/examples/fuzz
out=target/cov/fuzz
rm -rf "$out"
mkdir -p "$out/profiles"

# The modules each surface is aimed at (coverage is reported over these files).
modules() {
    case "$1" in
        scenario) echo src/scenario/mod.rs src/scenario/diagnostics.rs src/scenario/overrides.rs \
            src/scenario/events.rs src/scenario/survey.rs src/model/config.rs ;;
        design) echo src/scenario/design.rs src/scenario/design/gsa.rs src/experiment/sweep.rs ;;
        record) echo src/experiment/sweep.rs ;;
        set) echo src/scenario/overrides.rs src/scenario/mod.rs src/scenario/diagnostics.rs ;;
    esac
}

run() {
    LLVM_PROFILE_FILE="$out/profiles/$1-%p.profraw" \
        nice -n 19 "$bin" "$1" "$seconds" "$seed" >"$out/$1.log" 2>"$out/$1.err"
}

running=0
for surface in "${surfaces[@]}"; do
    run "$surface" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

for surface in "${surfaces[@]}"; do
    "$tools/llvm-profdata" merge -sparse "$out/profiles/$surface"-*.profraw -o "$out/$surface.profdata"
    # shellcheck disable=SC2046
    "$tools/llvm-cov" report "$bin" -instr-profile="$out/$surface.profdata" $(modules "$surface") \
        >"$out/$surface.txt"
    echo "== $surface: $(cat "$out/$surface.log")"
    tail -n 1 "$out/$surface.txt" | awk '{print "   TOTAL regions " $4 " covered, lines " $10 " covered (of the modules above)"}'
done
"$tools/llvm-profdata" merge -sparse "$out"/*.profdata -o "$out/all.profdata"
# shellcheck disable=SC2046
"$tools/llvm-cov" report "$bin" -instr-profile="$out/all.profdata" \
    $(for s in scenario design record set; do modules "$s"; done | tr ' ' '\n' | sort -u) \
    >"$out/all.txt"
echo "== all surfaces merged:"
cat "$out/all.txt"
