#!/usr/bin/env bash
# Paired timing of two cocreate binaries on a shared, noisy machine (docs/PERFORMANCE.md, seventh
# round). Runs A and B back to back N times, alternating which goes first, and prints the
# median user CPU of each and the median and quartiles of the per-pair ratio B / A. Pairs see
# the same background load, so their ratio is far steadier than either series' median.
#
#   scripts/ab-pairs.sh BIN_A BIN_B                  # 30 pairs, 10,000 slots x 2,000 weeks
#   N=40 CAPACITY=100000 TICKS=200 scripts/ab-pairs.sh BIN_A BIN_B
#
# Each run: one replication, one thread, no spin-up, four fifths of the slots filled, no
# customers.csv, written to a temporary directory. Needs /usr/bin/time and python3.
set -euo pipefail
if [ $# -ne 2 ]; then
    echo "usage: scripts/ab-pairs.sh BIN_A BIN_B" >&2
    exit 2
fi
A=$1
B=$2
N=${N:-30}
CAPACITY=${CAPACITY:-10000}
TICKS=${TICKS:-2000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

user_seconds() {
    RAYON_NUM_THREADS=1 /usr/bin/time -f "%U" -o "$dir/time" "$1" run \
        --set population.capacity="$CAPACITY" --set population.initial=$((CAPACITY * 4 / 5)) \
        --set population.spinup=0 --replications 1 --ticks "$TICKS" --no-customers \
        --out "$dir/out" --force --quiet >/dev/null
    tail -1 "$dir/time"
}

for i in $(seq "$N"); do
    if [ $((i % 2)) -eq 0 ]; then
        a=$(user_seconds "$A")
        b=$(user_seconds "$B")
    else
        b=$(user_seconds "$B")
        a=$(user_seconds "$A")
    fi
    echo "$a $b"
done | python3 -c '
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in sys.stdin]
ratios = sorted(b / a for a, b in pairs)
n = len(ratios)
print("A median %.3f s, B median %.3f s, B/A per pair: median %.3f, quartiles %.3f-%.3f (%d pairs)"
      % (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
         statistics.median(ratios), ratios[n // 4], ratios[(3 * n) // 4], n))
'
