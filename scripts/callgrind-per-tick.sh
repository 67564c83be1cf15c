#!/usr/bin/env bash
# Instructions and estimated cycles per customer-tick of a cocreate binary, by callgrind: the
# marginal cost between a 10-tick and a 40-tick run at 20,000 slots, one thread, so that
# start-up, initialisation and output cancel. Counts do not depend on what else the machine
# runs, unlike wall-clock time (docs/PERFORMANCE.md).
#
#   scripts/callgrind-per-tick.sh [BIN]            # default target/release/cocreate
#   SPINUP=200 scripts/callgrind-per-tick.sh BIN   # steady state: 200 unobserved weeks first
#
# Prints instructions (Ir), mispredicted branches (Bm), L1 and last-level data misses and
# CEst = Ir + 10 Bm + 10 D1m + 100 LLm per customer-tick, and the libm calls per customer-tick.
# Needs valgrind (apt-get install valgrind) and python3; takes one to three minutes.
set -euo pipefail
BIN=${1:-target/release/cocreate}
SPINUP=${SPINUP:-0}
SLOTS=20000
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for ticks in 10 40; do
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes \
        --callgrind-out-file="$dir/cg.$ticks" "$BIN" run \
        --set population.capacity=$SLOTS --set population.initial=$((SLOTS * 4 / 5)) \
        --set population.spinup="$SPINUP" --replications 1 --ticks $ticks \
        --no-customers --out "$dir/out.$ticks" --quiet >"$dir/log.$ticks" 2>&1
done
python3 - "$dir/cg.10" "$dir/cg.40" $((30 * SLOTS)) <<'PY'
import re, sys
from collections import Counter

def read(path):
    events, totals, calls, names, callee = None, None, Counter(), {}, None
    for line in open(path, errors="replace"):
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith(("totals:", "summary:")):
            totals = [int(x) for x in line.split()[1:]]
        elif line.startswith(("fn=", "cfn=")):
            m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.strip())
            if m:
                if m.group(2):
                    names[m.group(1)] = m.group(2)
                callee = names.get(m.group(1)) if line.startswith("cfn=") else None
        elif line.startswith("calls=") and callee:
            calls[callee] += int(line.split()[0][6:])
            callee = None
    return dict(zip(events, totals)), calls

(a, calls_a), (b, calls_b) = read(sys.argv[1]), read(sys.argv[2])
n = int(sys.argv[3])
d = {k: (b[k] - a[k]) / n for k in a}
bm = d.get("Bcm", 0) + d.get("Bim", 0)
d1 = d.get("D1mr", 0) + d.get("D1mw", 0)
ll = d.get("DLmr", 0) + d.get("DLmw", 0)
cest = d["Ir"] + 10 * bm + 10 * d1 + 100 * ll
print(f"per customer-tick: Ir {d['Ir']:.1f}  Bm {bm:.3f}  D1m {d1:.2f}  LLm {ll:.4f}  CEst {cest:.1f}")
for name in sorted(calls_b):
    if any(f in name for f in ("expf", "powf", "__ieee754_exp", "__ieee754_log")):
        per = (calls_b[name] - calls_a.get(name, 0)) / n
        if per > 0.001:
            print(f"  calls of {name}: {per:.3f}")
PY
