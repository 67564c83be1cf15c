#!/usr/bin/env bash
# Side-by-side speed of cocreate and its two Python reference versions (NumPy and Mesa 3), the
# table of docs/PERFORMANCE.md. The reference versions live outside the repository, in
# $PEERS_DIR, or /work/shared/peers, or ../shared/peers next to the repository; without them
# the script says so and exits 0.
#
#     bash scripts/bench-peers.sh                      # 10,000 and 100,000 customers, 52 ticks
#     SIZES=100000 MESA_SIZES=10000 bash scripts/bench-peers.sh
#
# What it does:
# 1. a Python virtual environment in target/peers-venv with numpy, mesa 3 and networkx (pip;
#    created once, reused afterwards);
# 2. builds cocreate (release) and, for the like-for-like comparison, cocreate at OLD_REV
#    (default 514f573, the model the reference versions implement) in a git worktree under
#    target/peers-old (its own target directory; first build takes a few minutes). OLD_REV=none
#    skips it;
# 3. for each N: the baseline with N slots all filled (capacity = initial = N), one
#    replication, TICKS ticks, single-threaded, no spin-up (the current model's 104-week
#    spin-up is set to 0, as the reference versions have none), timed as a whole process
#    (/usr/bin/time, CPU seconds), and the ticks alone: the peers time their own loop; for
#    cocreate the marginal cost per tick from a second run LONG_FACTOR times longer;
# 4. prints the table (customer-ticks per CPU second; ratios of cocreate's rate to each peer's).
#
# Environment: SIZES ("10000 100000"), MESA_SIZES (default SIZES), TICKS (52), LONG_FACTOR (10),
# MESA_TIMEOUT (seconds, 300), COCREATE (an already built binary instead of building this tree),
# OLD_REV (514f573 | none), OLD_BIN (an already built cocreate of
# OLD_REV instead of building it), PEERS_DIR, PEERS_VENV, PYTHON (python3,
# used to create the venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZES="${SIZES:-10000 100000}"
MESA_SIZES="${MESA_SIZES:-$SIZES}"
TICKS="${TICKS:-52}"
LONG_FACTOR="${LONG_FACTOR:-10}"
MESA_TIMEOUT="${MESA_TIMEOUT:-300}"
OLD_REV="${OLD_REV:-514f573}"
PYTHON="${PYTHON:-python3}"
PEERS_VENV="${PEERS_VENV:-$ROOT/target/peers-venv}"

PEERS=""
for dir in "${PEERS_DIR:-}" /work/shared/peers "$ROOT/../shared/peers"; do
    if [ -n "$dir" ] && [ -f "$dir/numpy_cocreate.py" ] && [ -f "$dir/mesa_cocreate.py" ]; then
        PEERS="$(cd "$dir" && pwd)"
        break
    fi
done
if [ -z "$PEERS" ]; then
    echo "bench-peers: reference versions not found (PEERS_DIR, /work/shared/peers, ../shared/peers); nothing to compare"
    exit 0
fi

# 1. Python dependencies of the reference versions.
PY="$PEERS_VENV/bin/python"
if ! "$PY" -c 'import numpy, mesa, networkx' 2>/dev/null; then
    echo "bench-peers: creating $PEERS_VENV (numpy, mesa 3, networkx)" >&2
    "$PYTHON" -m venv "$PEERS_VENV"
    "$PEERS_VENV/bin/pip" install --quiet --upgrade pip
    "$PEERS_VENV/bin/pip" install --quiet numpy 'mesa>=3,<4' networkx
fi

# 2. The binaries.
if [ -z "${COCREATE:-}" ]; then
    cargo build --release --quiet --bin cocreate
    COCREATE="$ROOT/target/release/cocreate"
fi
PROGRAMS=("cocreate=$COCREATE")
if [ -n "${OLD_BIN:-}" ]; then
    PROGRAMS+=("cocreate@$OLD_REV=$OLD_BIN")
elif [ "$OLD_REV" != none ]; then
    OLD="$ROOT/target/peers-old"
    if [ ! -d "$OLD" ]; then
        git worktree add --detach "$OLD" "$OLD_REV" >&2
    fi
    git -C "$OLD" checkout --quiet --detach "$OLD_REV"
    (cd "$OLD" && CARGO_TARGET_DIR="$ROOT/target/peers-old-target" \
        cargo build --release --quiet --bin cocreate)
    PROGRAMS+=("cocreate@$OLD_REV=$ROOT/target/peers-old-target/release/cocreate")
fi

export RAYON_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results"
: > "$RESULTS"

# timed LABEL N TICKS CMD...: appends "label n ticks cpu wall outfile" to the results.
timed() {
    local label="$1" n="$2" ticks="$3"; shift 3
    local out="$WORK/out.$label.$n.$ticks"
    if ! /usr/bin/time -f "%U %S %e" -o "$WORK/time" "$@" > "$out" 2> "$WORK/err"; then
        echo "bench-peers: $label N=$n failed:" >&2
        tail -5 "$WORK/err" >&2
        return 0
    fi
    local user sys wall
    read -r user sys wall < <(tail -1 "$WORK/time")
    echo "$label $n $ticks $(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}') $wall $out" >> "$RESULTS"
    printf '  %-22s N=%-8s ticks %-5s cpu %8.2f s\n' "$label" "$n" "$ticks" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" >&2
}

echo "bench-peers: $(date -u +%FT%TZ), $(getconf _NPROCESSORS_ONLN) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in $SIZES; do
    for entry in "${PROGRAMS[@]}"; do
        label="${entry%%=*}" bin="${entry#*=}"
        sets=(--set "population.capacity=$n" --set "population.initial=$n")
        # The current model has a spin-up; the reference versions have none.
        if "$bin" check scenarios/baseline.toml --set population.spinup=0 > /dev/null 2>&1; then
            sets+=(--set population.spinup=0)
        fi
        for ticks in "$TICKS" "$((TICKS * LONG_FACTOR))"; do
            timed "$label" "$n" "$ticks" "$bin" run scenarios/baseline.toml --replications 1 \
                --ticks "$ticks" "${sets[@]}" --out "$WORK/run" --quiet
            rm -rf "$WORK/run"
        done
    done
    timed numpy "$n" "$TICKS" "$PY" "$PEERS/numpy_cocreate.py" --customers "$n" --initial "$n" \
        --ticks "$TICKS" --scenario baseline --seed 1
    if [[ " $MESA_SIZES " == *" $n "* ]]; then
        timed mesa "$n" "$TICKS" timeout "$((MESA_TIMEOUT + 180))" "$PY" "$PEERS/mesa_cocreate.py" \
            --customers "$n" --initial "$n" --ticks "$TICKS" --scenario baseline --seed 1 \
            --max-seconds "$MESA_TIMEOUT"
    fi
done
echo "bench-peers: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$PY" - "$RESULTS" "$TICKS" <<'PY'
import json, sys
rows = [line.split() for line in open(sys.argv[1])]
short = int(sys.argv[2])
runs = {}
for label, n, ticks, cpu, wall, out in rows:
    runs[(label, int(n), int(ticks))] = (float(cpu), out)
sizes = sorted({k[1] for k in runs})
ours = sorted({k[0] for k in runs if k[0].startswith("cocreate")}, key=lambda s: (len(s), s))

def whole(label, n):
    """Customer-ticks per CPU second of the whole process, and of the ticks alone."""
    if label.startswith("cocreate"):
        a = runs.get((label, n, short))
        b = [v for k, v in runs.items() if k[0] == label and k[1] == n and k[2] > short]
        if not a:
            return None, None
        rate = n * short / a[0]
        tick = None
        if b:
            long_ticks = max(k[2] for k in runs if k[0] == label and k[1] == n)
            extra = runs[(label, n, long_ticks)][0] - a[0]
            tick = n * (long_ticks - short) / extra if extra > 0 else None
        return rate, tick
    r = runs.get((label, n, short))
    if not r:
        return None, None
    d = json.load(open(r[1]))
    done = d["ticks_completed"]
    return n * done / r[0], n * done / max(d["step_cpu_seconds"], 1e-9)

fmt = lambda x: "" if x is None else f"{x / 1e6:,.2f} M"
ratio = lambda a, b: "" if a is None or b is None else f"{a / b:,.1f}x"
head = ["N", "program", "whole process", "ticks only"]
for o in ours:
    head += [f"{o} / program (whole)", f"{o} / program (ticks)"]
print("Customer-ticks per CPU second, baseline, one replication, one thread, no spin-up, "
      f"{short} ticks (ticks only: cocreate's marginal cost per tick; the peers' own loop)\n")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for n in sizes:
    rates = {p: whole(p, n) for p in ours + ["numpy", "mesa"]}
    for p in ours + ["numpy", "mesa"]:
        w, t = rates[p]
        if w is None:
            continue
        cells = [f"{n:,}", p, fmt(w), fmt(t)]
        for o in ours:
            ow, ot = rates[o]
            cells += [ratio(ow, w), ratio(ot, t)]
        print("| " + " | ".join(cells) + " |")
PY
