#!/usr/bin/env bash
# Tests `cocreate slurm` against a real Slurm: brings up a single-node Slurm on loopback
# (scripts/slurm-local.sh), submits a sweep as a job array plus its merge, waits, and checks that
# the merged outputs equal those of a local unsharded sweep. Then it plays a failed task: one
# shard loses a run record, the merge must refuse naming that shard, and rerunning that array
# task alone (`sbatch --array=K`) followed by the merge must give the same outputs again.
#
# Run as root on Debian 12 (Slurm is installed from Debian's packages if needed). Uses the
# release binary that `cargo test --release` built (builds it if missing). Slurm is always
# stopped at the end, even when a check fails. Ends with `slurm: N passed, N failed`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/cocreate
WAIT_SECONDS=${SLURM_TEST_TIMEOUT:-180}
TASKS=3

passed=0
failed=0
pass() {
    printf 'PASS: %s\n' "$*"
    passed=$((passed + 1))
}
fail() {
    printf 'FAIL: %s\n' "$*"
    failed=$((failed + 1))
}
check() { # check DESCRIPTION COMMAND...: PASS if the command succeeds
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

TMP=""
STARTED=0
# Always: show logs if something failed, stop Slurm, remove the temporary files, print the total.
finish() {
    local rc=$?
    set +e
    if ((failed > 0 || rc != 0)) && [[ -n $TMP ]]; then
        echo "--- job logs"
        for log in "$TMP"/cluster/slurm/logs/*; do
            [[ -e $log ]] && {
                echo "## $log"
                cat "$log"
            }
        done
        local dir
        dir=$(sed -n 's/^DIR=//p' "${SLURM_LOCAL_STATE:-/run/slurm-local.state}" 2>/dev/null)
        if [[ -n $dir ]]; then
            echo "--- slurmctld.log (end)"
            tail -n 30 "$dir/slurmctld.log" 2>/dev/null
            echo "--- slurmd.log (end)"
            tail -n 30 "$dir/slurmd.log" 2>/dev/null
        fi
    fi
    if ((STARTED)); then
        bash "$ROOT/scripts/slurm-local.sh" stop || {
            echo "FAIL: stopping Slurm"
            failed=$((failed + 1))
        }
    fi
    [[ -n $TMP ]] && rm -rf "$TMP"
    if ((rc != 0 && failed == 0)); then
        echo "FAIL: the test script stopped early (exit $rc)"
        failed=1
    fi
    echo "slurm: $passed passed, $failed failed"
    if ((failed > 0)); then exit 1; fi
    exit 0
}
trap finish EXIT
# Interrupted or terminated: exit, which runs finish.
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -x $BIN ]]; then
    echo "==> $BIN missing: cargo build --release"
    cargo build --release
fi

TMP=$(mktemp -d /tmp/cocreate-slurm-test.XXXXXX)
CLUSTER=$TMP/cluster
LOCAL=$TMP/local

STARTED=1
t0=$SECONDS
bash scripts/slurm-local.sh start
echo "==> Slurm up in $((SECONDS - t0)) s"

# A Morris screening of two factors: 2 trajectories x 3 points x 2 replications, small and
# short (a sensitivity design, so that sensitivity.csv is compared too; the shards and the merge
# do not depend on the design).
SCENARIO=$TMP/small_sweep.toml
cat >"$SCENARIO" <<'EOF'
name = "slurm_test"
ticks = 30
seed = 7
replications = 2

[population]
capacity = 800
initial = 600

[experiment]
design = "morris"
trajectories = 2

[[experiment.factors]]
key = "firms.0.policy.service_recovery"
range = [0.1, 0.9]

[[experiment.factors]]
key = "firms.0.staff.rudeness"
range = [0.02, 0.25]
EOF

# Waits until none of the given jobs is in the queue (pending or running) any more.
wait_jobs() {
    local ids=$1 deadline=$((SECONDS + WAIT_SECONDS)) out
    while :; do
        # Once the controller has forgotten a finished job, squeue fails with "Invalid job id".
        out=$(squeue -h -j "$ids" 2>/dev/null) || out=""
        [[ -z $out ]] && return 0
        if grep -q DependencyNeverSatisfied <<<"$out"; then
            echo "a job waits for a dependency that failed:"
            echo "$out"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "still queued after ${WAIT_SECONDS}s:"
            echo "$out"
            return 1
        fi
        sleep 1
    done
}

# Every record of the given job (each array task has its own) ended COMPLETED with exit 0:0;
# records the controller has already purged count as unknown (not as failures).
jobs_succeeded() {
    local id=$1 records
    records=$(scontrol -o show job "$id" 2>/dev/null) || {
        echo "(no record of job $id left; judging by the files)"
        return 0
    }
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobState|ExitCode)=/) printf "%s ", $i; print "" }' <<<"$records"
    ! grep -v 'JobState=COMPLETED' <<<"$records" | grep -q . &&
        ! grep -v 'ExitCode=0:0' <<<"$records" | grep -q .
}

has_all_markers() {
    local k
    for k in $(seq 1 "$TASKS"); do
        [[ -f $CLUSTER/runs/shard-$k-of-$TASKS.done ]] || return 1
    done
    grep -q '"completed": true' "$CLUSTER/manifest.json"
}

same_results() {
    local ok=0 name
    for name in runs.csv points.csv bands.csv sensitivity.csv; do
        if cmp "$LOCAL/$name" "$CLUSTER/$name"; then
            pass "$1: $name identical to the local sweep's"
        else
            fail "$1: $name differs from the local sweep's"
            ok=1
        fi
    done
    return $ok
}

echo "==> local unsharded sweep"
"$BIN" sweep "$SCENARIO" --out "$LOCAL" --quiet

echo "==> cocreate slurm --submit"
# One core per task, so that the three tasks run side by side into the shared directory.
t0=$SECONDS
submitted=$("$BIN" slurm "$SCENARIO" --tasks "$TASKS" --cpus-per-task 1 --out "$CLUSTER" --submit)
echo "$submitted"
ARRAY_ID=$(sed -n 's/^submitted: array job \([0-9]*\) .*/\1/p' <<<"$submitted")
MERGE_ID=$(sed -n 's/.*, merge job \([0-9]*\) .*/\1/p' <<<"$submitted")
check "submitted an array job ($ARRAY_ID) and a merge job ($MERGE_ID)" test -n "$ARRAY_ID" -a -n "$MERGE_ID"
check "the array has --array=1-$TASKS" grep -qx "#SBATCH --array=1-$TASKS" "$CLUSTER/slurm/sweep.sbatch"

echo "==> waiting for jobs $ARRAY_ID,$MERGE_ID"
check "array and merge finished within ${WAIT_SECONDS}s" wait_jobs "$ARRAY_ID,$MERGE_ID"
echo "==> jobs done in $((SECONDS - t0)) s"
check "every array task completed with exit code 0" jobs_succeeded "$ARRAY_ID"
check "the merge job completed with exit code 0" jobs_succeeded "$MERGE_ID"
check "all $TASKS shard markers and a completed manifest" has_all_markers
check "one log per task and one for the merge" \
    test "$(find "$CLUSTER/slurm/logs" -name 'sweep-*.out' | wc -l)" = "$TASKS" -a -f "$CLUSTER/slurm/logs/merge-$MERGE_ID.out"
same_results "submitted sweep" || true

echo "==> a failed task: shard 2 loses one of its runs"
# Shard 2 of 3 owns runs 1 and 4; run 1 is lost (as if the task had been preempted after run 4).
rm -f "$CLUSTER/runs/0000001.json" "$CLUSTER"/{runs,points,bands,sensitivity}.csv "$CLUSTER/manifest.json"
kept_before=$(stat -c %i "$CLUSTER/runs/0000004.json") # a rewrite is a new file (new inode)
set +e
refusal=$("$BIN" merge "$CLUSTER" 2>&1)
code=$?
set -e
echo "$refusal"
check "merge of the incomplete sweep exits 1" test "$code" = 1
check "merge names the shard to rerun (2/$TASKS)" grep -q "incomplete shards of $TASKS: 2/$TASKS;" <<<"$refusal"
check "the refused merge wrote no results" test ! -e "$CLUSTER/runs.csv"

echo "==> rerun task 2 alone, then the merge"
t0=$SECONDS
RERUN_ID=$(sbatch --parsable --array=2 "$CLUSTER/slurm/sweep.sbatch")
RERUN_ID=${RERUN_ID%%;*}
MERGE2_ID=$(sbatch --parsable --dependency="afterok:$RERUN_ID" "$CLUSTER/slurm/merge.sbatch")
MERGE2_ID=${MERGE2_ID%%;*}
echo "rerun job $RERUN_ID, merge job $MERGE2_ID"
check "rerun and merge finished within ${WAIT_SECONDS}s" wait_jobs "$RERUN_ID,$MERGE2_ID"
echo "==> rerun and merge done in $((SECONDS - t0)) s"
check "the rerun task completed with exit code 0" jobs_succeeded "$RERUN_ID"
check "the second merge completed with exit code 0" jobs_succeeded "$MERGE2_ID"
check "the rerun ran only task 2" test -f "$CLUSTER/slurm/logs/sweep-${RERUN_ID}_2.out" -a \
    "$(find "$CLUSTER/slurm/logs" -name "sweep-${RERUN_ID}_*.out" | wc -l)" = 1
check "the rerun restored the lost run" test -f "$CLUSTER/runs/0000001.json"
check "--resume kept the run that was already saved" \
    test "$(stat -c %i "$CLUSTER/runs/0000004.json")" = "$kept_before"
same_results "after the rerun" || true
