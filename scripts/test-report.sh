#!/usr/bin/env bash
# Loads the report.html of each kind of output directory (run, sweep of variants, grid sweep,
# validate --quick, survey, compare) in headless Chromium and checks that the page ran its
# script without an error (window.onerror and the console), that every chart of charts/ and
# every expected table is in the DOM, that hovering over a line shows its values and clicking a
# legend entry hides its series (the page's #selftest), and takes a screenshot of each (left in
# $REPORT_SHOTS, default target/report-shots).
#
# Installs Debian's chromium when it is missing and we are root. Without chromium the test is
# skipped with a message locally, but fails under CI (CI=true). Usage: scripts/test-report.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "report test: chromium is missing and could not be installed" >&2
        exit 1
    fi
    echo "report test: SKIPPED (chromium is not installed; apt-get install chromium)" >&2
    exit 0
fi

cargo build --release --quiet
bin=$PWD/target/release/cocreate
work=$(mktemp -d)
shots=${REPORT_SHOTS:-$PWD/target/report-shots}
mkdir -p "$shots"
trap 'rm -rf "$work"' EXIT

small="--set population.capacity=1500 --set population.initial=1200"
"$bin" run --out "$work/run" --replications 3 --ticks 60 $small -q
"$bin" run --out "$work/rude" --replications 3 --ticks 60 $small \
    --set firms.0.policy.incentive=0.9 --set firms.0.staff.rudeness=0.25 -q
"$bin" compare "$work/run" "$work/rude" --out "$work/compare" -q
"$bin" survey --out "$work/survey" --respondents 100 --tick 30 -q
"$bin" sweep scenarios/policy_variants.toml --out "$work/variants" \
    --set replications=3 --set ticks=60 $small -q
cat > "$work/grid.toml" <<'TOML'
name = "grid"
ticks = 60
seed = 3
replications = 3
[population]
capacity = 1500
initial = 1200
[experiment]
design = "grid"
[[experiment.factors]]
key = "firms.0.staff.rudeness"
values = [0.0, 0.15, 0.3]
[[experiment.factors]]
key = "firms.0.policy.tech_reliability"
values = [0.8, 0.9, 1.0]
TOML
"$bin" sweep "$work/grid.toml" --out "$work/grid" -q
"$bin" validate --quick --out "$work/validate" -q || true
test -f "$work/validate/report.html"

status=0
check() {
    local name=$1 dir=$2 min_charts=$3 interactive=$4
    shift 4
    local profile
    profile=$(mktemp -d)
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$profile" --enable-logging=stderr --v=0)
    timeout 120 chromium "${flags[@]}" --virtual-time-budget=3000 --dump-dom \
        "file://$dir/report.html#selftest" >"$work/$name.dom" 2>"$work/$name.log" || true
    rm -rf "$profile"
    profile=$(mktemp -d)
    flags[8]=--user-data-dir="$profile"
    timeout 120 chromium "${flags[@]}" --window-size=1280,2400 \
        --screenshot="$shots/$name.png" "file://$dir/report.html" >/dev/null 2>&1 || true
    rm -rf "$profile"
    local problems=()
    grep -q 'data-ready="1"' "$work/$name.dom" || problems+=("the page script did not finish")
    grep -q 'data-errors=' "$work/$name.dom" && problems+=("window.onerror recorded errors")
    if grep -E 'Uncaught|CONSOLE' "$work/$name.log" >/dev/null; then
        problems+=("console messages: $(grep -E 'Uncaught|CONSOLE' "$work/$name.log" | head -3)")
    fi
    local svgs figures
    svgs=$({ find "$dir/charts" -name '*.svg' 2>/dev/null || true; } | wc -l)
    figures=$({ grep -o '<figure class="chart"' "$work/$name.dom" || true; } | wc -l)
    local inline
    inline=$({ grep -o '<svg' "$work/$name.dom" || true; } | wc -l)
    [ "$svgs" -ge "$min_charts" ] && [ "$figures" -eq "$svgs" ] && [ "$inline" -eq "$svgs" ] \
        || problems+=("$figures figures ($inline with an inline svg) for $svgs charts")
    for table in run-info "$@"; do
        grep -q "id=\"$table\"" "$work/$name.dom" || problems+=("table $table missing")
    done
    [ -s "$shots/$name.png" ] || problems+=("no screenshot")
    # The page's self-test hovered over a line of the first chart and clicked its first legend
    # entry: the tooltip must show values and the click must hide elements of that series.
    if [ "$interactive" = yes ]; then
        grep -q 'data-hover="[^"]*y = ' "$work/$name.dom" || problems+=("hover shows no value")
        grep -q 'data-legend-hidden="[1-9]' "$work/$name.dom" \
            || problems+=("clicking a legend entry hid nothing")
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        echo "report $name: ok ($svgs charts, screenshot $shots/$name.png)"
    else
        local IFS=';'
        echo "report $name: FAILED: ${problems[*]}" >&2
        status=1
    fi
}

check run "$work/run" 6 yes summary-table regime-table
check compare "$work/compare" 2 yes compare-table regime-table diff-table
check survey "$work/survey" 0 no alpha-table codebook-table
check variants "$work/variants" 3 yes points-table contrasts-table
check grid "$work/grid" 1 no points-table
check validate "$work/validate" 3 yes validation-table
exit $status
