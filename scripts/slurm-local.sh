#!/bin/sh
# A one-node Slurm cluster on this machine, for the tests of `workbench submit` and for trying
# it by hand: munged, slurmctld and slurmd from Debian's packages (munge, slurm-wlm), with their
# configuration and state in one folder. Needs root (slurmd starts the jobs).
#
#   scripts/slurm-local.sh start [DIR]   start it (default DIR /tmp/workbench-slurm); prints the
#                                        line to put in the shell: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm-local.sh stop [DIR]    stop the daemons it started (munged too, if it started it)
#   scripts/slurm-local.sh status [DIR]  sinfo of the cluster
#
# One partition, "debug", holding this machine with its CPUs and memory as slurmd reads them;
# CPUs are allocated one by one (cons_tres, CR_CPU_Memory), so two one-CPU tasks run at once on
# two cores. Jobs may be requeued (JobRequeue=1), and a task gets SIGTERM 5 s before SIGKILL
# (KillWait=5), as a preempted or timed-out task on a real cluster does after its grace time.
set -eu

command=${1:-start}
dir=${2:-/tmp/workbench-slurm}
conf=$dir/slurm.conf

missing_packages() {
    for p in munge slurm-wlm; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || printf ' %s' "$p"
    done
}

start() {
    [ "$(id -u)" = 0 ] || { echo "slurm-local: run as root (slurmd starts the jobs as their user)" >&2; exit 1; }
    missing=$(missing_packages)
    if [ -n "$missing" ]; then
        echo "slurm-local: installing$missing" >&2
        env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        # shellcheck disable=SC2086
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
    mkdir -p "$dir/spool" "$dir/state" "$dir/log"
    host=$(hostname -s)
    # What slurmd sees of this machine (CPUs, sockets, memory), less 1 GiB of memory for the system.
    node=$(slurmd -C | head -n 1)
    memory=$(printf '%s\n' "$node" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
    usable=$((memory > 2048 ? memory - 1024 : memory))
    node=$(printf '%s\n' "$node" | sed "s/RealMemory=[0-9]*/RealMemory=$usable/")
    cat >"$conf" <<EOF
ClusterName=workbench
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
JobRequeue=1
KillWait=5
MinJobAge=300
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    if ! munge -n >/dev/null 2>&1; then
        mkdir -p /run/munge
        chown munge:munge /run/munge
        [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
        runuser -u munge -- /usr/sbin/munged
        touch "$dir/munged.started"
    fi
    stop_daemons quiet
    SLURM_CONF=$conf slurmctld -f "$conf"
    SLURM_CONF=$conf slurmd -f "$conf"
    # Ready when the node takes jobs (idle), at most 30 s.
    i=0
    until SLURM_CONF=$conf sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; do
        i=$((i + 1))
        if [ "$i" -gt 60 ]; then
            echo "slurm-local: the node did not come up; see $dir/log/" >&2
            SLURM_CONF=$conf sinfo >&2 || true
            exit 1
        fi
        sleep 0.5
    done
    echo "export SLURM_CONF=$conf"
}

stop_daemons() {
    for daemon in slurmd slurmctld; do
        pidfile=$dir/$daemon.pid
        pid=$(cat "$pidfile" 2>/dev/null || true)
        if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
            i=0
            while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        elif [ "${1:-}" != quiet ]; then
            echo "slurm-local: $daemon was not running" >&2
        fi
        rm -f "$pidfile"
    done
}

stop_munged() {
    # Only the munged this script started: a system's own keeps running.
    [ -e "$dir/munged.started" ] || return 0
    pid=$(cat /run/munge/munged.pid 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    rm -f "$dir/munged.started"
}

case $command in
start) start ;;
stop) stop_daemons; stop_munged ;;
status) SLURM_CONF=$conf sinfo ;;
*) echo "usage: scripts/slurm-local.sh start|stop|status [DIR]" >&2; exit 64 ;;
esac
