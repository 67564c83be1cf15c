#!/usr/bin/env bash
# Where the step's time goes, by phase of the week: `perf record` of a run at 100,000 slots
# (80,000 active, no spin-up, one thread), each sample resolved with `addr2line -i` to the
# innermost function of src/ it was inlined from, grouped into the phases of
# docs/PERFORMANCE.md ("Where the time goes now"), and printed as shares of the tick loop and
# ns per customer-tick at the step rate STEP_MS (ms per tick, from criterion's step/1t/100000).
#
#   STEP_MS=5.48 scripts/perf-phases.sh [BIN]      # default target/release/cocreate
#
# Needs perf, binutils (addr2line, readelf) and python3; takes about a minute.
set -euo pipefail
BIN=$(realpath "${1:-target/release/cocreate}")
STEP_MS=${STEP_MS:-5.48}
TICKS=${TICKS:-300}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
RAYON_NUM_THREADS=1 perf record -q -e cpu-clock -F 2000 -o "$dir/perf.data" "$BIN" run \
    --set population.capacity=100000 --set population.initial=80000 \
    --set population.spinup=0 --replications 1 --ticks "$TICKS" \
    --no-customers --out "$dir/out" --quiet >/dev/null 2>&1
python3 - "$BIN" "$dir/perf.data" "$STEP_MS" <<'PY'
import collections, re, subprocess, sys

binary, data, step_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])

def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout

# Where the binary's executable segment was mapped, to turn sample addresses into its own.
mmap = re.search(r"\[(0x[0-9a-f]+)\(0x[0-9a-f]+\) @ (0x[0-9a-f]+) [^]]*\]: r-xp " + re.escape(binary),
                 run("perf", "script", "-i", data, "--show-mmap-events"))
start, file_offset = int(mmap.group(1), 16), int(mmap.group(2), 16)
segment = next(l.split() for l in run("readelf", "-lW", binary).splitlines()
               if l.split()[:1] == ["LOAD"] and re.search(r" R E ", l))
vaddr_minus_offset = int(segment[2], 16) - int(segment[1], 16)

samples = [l.split() for l in run("perf", "script", "-i", data, "-G", "-F", "ip,sym,dso").splitlines()]
samples = [s for s in samples if len(s) >= 2]
total = len(samples)
ours = [int(s[0], 16) - start + file_offset + vaddr_minus_offset for s in samples if binary in s[-1]]
# glibc's variants of one function (`__expf_fma`, `__expf`, `expf`) counted as one.
libm = collections.Counter(re.sub(r"^_+|_fma$", "", s[1]) for s in samples if "libm.so" in s[-1])

chains, current = {}, None
lines = run("addr2line", "-a", "-i", "-f", "-C", "-e", binary, *map(hex, sorted(set(ours)))).splitlines()
i = 0
while i < len(lines):
    if lines[i].startswith("0x"):
        current = int(lines[i], 16); chains[current] = []; i += 1
    else:
        chains[current].append((lines[i], lines[i + 1] if i + 1 < len(lines) else "")); i += 2

def innermost(address):
    for function, location in chains.get(address, []):
        if "/src/" in location and "/.cargo/" not in location and "/rustc/" not in location:
            path = location.split("/src/")[-1].split(":")[0]
            return path + " " + re.sub(r"<.*?>", "", function).split("::")[-1]
    return "other " + (chains[address][-1][0] if chains.get(address) else "?")

PHASES = [
    ("initialisation and outputs", r"^other |beta|seed_from|agents.rs sample|TraitSampler|network|births?|initial|output/"),
    ("observe and publish (tallies, public record)", r"observe|publish|tally|passes.rs update_block$|of_parts"),
    ("lists, record gathers and prefetches (the columns week)", r"passes.rs selected|columns.rs|prefetch_lines|passes.rs week$|Lanes|keep$"),
    ("slot draws (SplitMix64 at counters)", r"rng.rs"),
    ("exp and pow four lanes at a time (glibc's expf and powf, vectorised)", r"lane_math.rs|week_start_use_value|moved_use_value|experienced_values"),
    ("participation: drivers, engagement chance, contribution success, active test", r"engagement_rate|participation|engagement_chance|contribution_success|is_active|agents.rs of$"),
    ("conversations, word of mouth, revenge", r"conversation|word_of_mouth|talk|revenge|wom_|hear_wom|prefetch_partners|listener"),
    ("encounters: serve, conduct, work pressure, prospect and experienced value", r"encounter|serve|conduct|performance|prospect_value|experienced_value|staff_event|work_pressure|complain|recovery"),
    ("product engagement", r"product"),
    ("employee and firm phases, sequential", r"employee|firm_phase|advance"),
]
groups = collections.Counter()
for address in ours:
    label = innermost(address)
    groups[next((name for name, rx in PHASES if re.search(rx, label)), "state updates: toward, drift, loyalty, satisfaction, bookkeeping, selects")] += 1
for function in ("expf", "powf"):
    groups["glibc " + function] = libm[function]
tick_loop = sum(v for k, v in groups.items() if k != "initialisation and outputs")
ns = step_ms * 1e6 / 100000
print(f"{total} samples; the tick loop {100 * tick_loop / total:.0f}%, scaled to {ns:.1f} ns per customer-tick")
print("| phase | share of the tick loop | ns per customer-tick |\n|---|---:|---:|")
for name, count in groups.most_common():
    if name != "initialisation and outputs":
        print(f"| {name} | {100 * count / tick_loop:.0f}% | {ns * count / tick_loop:.1f} |")
PY
