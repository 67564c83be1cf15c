#!/usr/bin/env bash
# A single-node Slurm on loopback, from Debian's packages, for testing `cocreate slurm` for real.
#
# Usage (as root, on Debian 12; systemd is not needed):
#   scripts/slurm-local.sh start   install Slurm and munge if needed, start munged, slurmctld and
#                                  slurmd, and wait until the node is idle
#   scripts/slurm-local.sh stop    cancel any jobs, shut Slurm down, stop munged, remove the files
#
# The controller and the node are this machine (NodeAddr=127.0.0.1), with all its cores. Spool,
# state and log files live in a temporary directory recorded in the state file, so `stop` finds
# them; /etc/slurm/slurm.conf is written (and removed by `stop`) only if it is absent or was
# written by this script. Nothing is left running after `stop`: the daemons are ended by PID,
# never by name.
set -euo pipefail

STATE_FILE=${SLURM_LOCAL_STATE:-/run/slurm-local.state}
CONF=/etc/slurm/slurm.conf
MARKER="# Written by cocreate scripts/slurm-local.sh"
PACKAGES=(slurmctld slurmd slurm-client munge)
PARTITION=local
START_TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}

say() { printf 'slurm-local: %s\n' "$*"; }
die() {
    printf 'slurm-local: error: %s\n' "$*" >&2
    exit 1
}

# Whether process PID is alive.
alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# Waits up to $2 seconds for process $1 to end; returns 1 if it is still there.
wait_gone() {
    local pid=$1 deadline=$((SECONDS + $2))
    while alive "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Ends process $1 (if alive): TERM, then KILL after 10 s.
end_pid() {
    local pid=$1 what=$2
    alive "$pid" || return 0
    kill "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" 10; then
        say "$what (PID $pid) did not stop; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 5 || die "$what (PID $pid) survived SIGKILL"
    fi
}

installed() {
    local package status
    for package in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        [[ $status == "install ok installed" ]] || return 1
    done
}

# Installs the packages without letting their install scripts start daemons: a temporary
# /usr/sbin/policy-rc.d that exits 101 tells invoke-rc.d to start nothing. An existing
# policy-rc.d is put back afterwards, whether the install worked or not.
install_packages() {
    if installed; then
        say "packages already installed: ${PACKAGES[*]}"
        return
    fi
    local policy=/usr/sbin/policy-rc.d backup="" rc=0
    if [[ -e $policy ]]; then
        backup=$(mktemp /usr/sbin/.policy-rc.d.XXXXXX)
        cp -p "$policy" "$backup"
    fi
    printf '#!/bin/sh\n# Temporary, from slurm-local.sh: start no daemon during the install.\nexit 101\n' \
        >"$policy"
    chmod 755 "$policy"
    say "installing ${PACKAGES[*]}"
    apt_install || rc=$?
    if [[ -n $backup ]]; then
        mv -f "$backup" "$policy"
    else
        rm -f "$policy"
    fi
    ((rc == 0)) || die "could not install ${PACKAGES[*]}"
}

# apt-get install; if that fails (package lists missing or stale), apt-get update once and retry.
apt_install() {
    local apt=(apt-get install -y -q --no-install-recommends "${PACKAGES[@]}")
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" && return 0
    say "install failed; running apt-get update and retrying"
    apt-get update -q || return 1
    DEBIAN_FRONTEND=noninteractive "${apt[@]}"
}

start_munge() {
    local key=/etc/munge/munge.key
    if [[ ! -s $key ]]; then
        say "creating the munge key"
        mkdir -p /etc/munge
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile="$key" --force
        else
            dd if=/dev/urandom bs=1 count=1024 of="$key" status=none
        fi
    fi
    chown munge:munge "$key"
    chmod 0400 "$key"
    mkdir -p /run/munge /var/lib/munge /var/log/munge
    chown munge:munge /run/munge /var/lib/munge /var/log/munge
    chmod 0755 /run/munge
    local pidfile=/run/munge/munged.pid
    if [[ -s $pidfile ]] && alive "$(cat "$pidfile")"; then
        die "munged is already running (PID $(cat "$pidfile")), not started by this script; stop it first"
    fi
    rm -f "$pidfile"
    runuser -u munge -- /usr/sbin/munged
    local deadline=$((SECONDS + 10))
    until [[ -s $pidfile ]] && munge -n </dev/null | unmunge >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "munged did not come up"
        sleep 0.2
    done
    MUNGE_PID=$(cat "$pidfile")
}

write_conf() {
    local dir=$1 host cpus memory
    host=$(hostname -s)
    cpus=$(nproc)
    # A bit below the machine's memory: slurmd drains a node that has less than configured.
    memory=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.95) }' /proc/meminfo)
    if [[ -e $CONF ]] && ! grep -qxF "$MARKER" "$CONF"; then
        die "$CONF exists and was not written by this script; move it away first"
    fi
    mkdir -p /etc/slurm
    cat >"$CONF" <<EOF
$MARKER
# (removed by its stop).
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
# The cgroup plugins load here but every job fails: track processes by parent PID instead.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
# Allocate cores, so that array tasks run side by side.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# Start jobs at once instead of batching scheduling decisions.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    NODE=$host
}

start() {
    [[ $(id -u) == 0 ]] || die "must run as root"
    if [[ -s $STATE_FILE ]]; then
        # shellcheck disable=SC1090
        source "$STATE_FILE"
        if alive "${SLURMCTLD_PID:-}"; then
            say "already running (state in $STATE_FILE)"
            return
        fi
        die "stale state file $STATE_FILE (Slurm is not running): run '$0 stop' first"
    fi
    install_packages
    local dir
    dir=$(mktemp -d /tmp/slurm-local.XXXXXX)
    mkdir -p "$dir/state" "$dir/spool"
    # Record what stop needs before anything starts, and again once the PIDs are known.
    printf 'DIR=%q\n' "$dir" >"$STATE_FILE"
    start_munge
    printf 'DIR=%q\nMUNGE_PID=%q\n' "$dir" "$MUNGE_PID" >"$STATE_FILE"
    write_conf "$dir"
    slurmctld
    slurmd
    local deadline=$((SECONDS + START_TIMEOUT))
    until [[ -s $dir/slurmctld.pid && -s $dir/slurmd.pid ]]; do
        ((SECONDS < deadline)) || die "the daemons did not start; see $dir/*.log"
        sleep 0.2
    done
    printf 'DIR=%q\nMUNGE_PID=%q\nSLURMCTLD_PID=%q\nSLURMD_PID=%q\n' "$dir" "$MUNGE_PID" \
        "$(cat "$dir/slurmctld.pid")" "$(cat "$dir/slurmd.pid")" >"$STATE_FILE"
    local state=""
    until [[ $state == idle ]]; do
        if ((SECONDS >= deadline)); then
            sinfo >&2 || true
            tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
            die "node $NODE not idle after ${START_TIMEOUT}s (state: ${state:-none})"
        fi
        sleep 0.5
        state=$(sinfo -h -n "$NODE" -o '%T' 2>/dev/null || true)
    done
    say "up: node $NODE idle in partition $PARTITION ($(nproc) CPUs); files in $dir"
}

stop() {
    if [[ ! -s $STATE_FILE ]]; then
        say "not running (no $STATE_FILE)"
        return
    fi
    local DIR="" MUNGE_PID="" SLURMCTLD_PID="" SLURMD_PID=""
    # shellcheck disable=SC1090
    source "$STATE_FILE"
    # A start that failed half-way may not have recorded the daemons' PIDs: read their files.
    [[ -n $SLURMCTLD_PID || ! -s $DIR/slurmctld.pid ]] || SLURMCTLD_PID=$(cat "$DIR/slurmctld.pid")
    [[ -n $SLURMD_PID || ! -s $DIR/slurmd.pid ]] || SLURMD_PID=$(cat "$DIR/slurmd.pid")
    if alive "$SLURMCTLD_PID"; then
        # Cancel what is still queued or running (this cluster is ours alone), then shut down
        # the controller and the node daemon.
        scancel --partition="$PARTITION" 2>/dev/null || true
        local deadline=$((SECONDS + 15))
        while [[ -n $(squeue -h -o '%i' 2>/dev/null) ]] && ((SECONDS < deadline)); do
            sleep 0.5
        done
        scontrol shutdown || say "scontrol shutdown failed; ending the daemons by PID"
    fi
    local pid
    for pid in "$SLURMD_PID" "$SLURMCTLD_PID"; do
        if alive "$pid" && ! wait_gone "$pid" 20; then
            end_pid "$pid" "Slurm daemon"
        fi
    done
    end_pid "$MUNGE_PID" munged
    if [[ -e $CONF ]] && grep -qxF "$MARKER" "$CONF"; then
        rm -f "$CONF"
    fi
    if [[ $DIR == /tmp/slurm-local.* ]]; then
        rm -rf "$DIR"
    fi
    rm -f "$STATE_FILE"
    say "stopped"
}

case ${1:-} in
start)
    # If the start fails half-way, stop what it started.
    set +e
    (
        set -e
        start
    )
    rc=$?
    set -e
    if ((rc != 0)); then
        say "start failed; cleaning up"
        stop
        exit "$rc"
    fi
    ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
