#!/bin/bash
# The key storm (second half of `make soak`): every documented key of the workbench pressed at
# random inside tmux, the queueing keys (s, Enter, r, f) included. The session's cap on runs
# must hold, resident memory must stay flat once the runs that can train have trained (each
# run allocates its step and evaluation workspaces the first time), and q must end the
# workbench within seconds however much was queued.
#
#   1. storm:  every key for STORM_SECONDS; the session fills to its cap of 100 runs
#   2. settle: no keys until RSS moves less than 1 % in 30 s (at most 20 minutes)
#   3. steady: every key but Space (pausing would only decide which runs allocate for the
#              first time) for STORM_SECONDS; RSS must stay within STORM_TOLERANCE
#
#   STORM_SECONDS (60)  STORM_OUT (.build-soak/storm)  STORM_TOLERANCE (5, percent)
#
# Writes $STORM_OUT/rss.csv (elapsed_s, rss_mib, runs, phase) and prints a summary; exits
# non-zero when the cap is exceeded, memory grows in the last phase, the workbench dies, or
# q takes more than 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${STORM_SECONDS:-60}"
out="${STORM_OUT:-.build-soak/storm}"
tolerance="${STORM_TOLERANCE:-5}"

source scripts/lib/tmux-session.sh
tmux_session storm "$out"

tmux_ new-session -d -s storm -x 160 -y 50 \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 exec '$binary' --data synthetic --methods simclr,triplet --epochs 1000 --train-size 512 --batch 64 --out '$out/session'"
sleep 1
pid="$(tmux_ list-panes -t storm -F '#{pane_pid}')"
echo "storm: workbench pid $pid, every documented key for $seconds s, output in $out"

# Every key of the help screen except q (quit), which ends the storm.
keys=(Tab BTab Up Down j k m "?" Escape Space x + - = ">" "<" "]" "[" Enter s r f e)
steady_keys=(Tab BTab Up Down j k m "?" Escape x + - = ">" "<" "]" "[" Enter s r f e)
echo "elapsed_s,rss_mib,runs,phase" >"$out/rss.csv"
start=$SECONDS presses=0
rss() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
runs() { find "$out/session" -mindepth 2 -maxdepth 2 -name run.json | wc -l; }
sample() { echo "$((SECONDS - start)),$(rss),$(runs),$1" >>"$out/rss.csv"; }
storm() {  # storm PHASE SECONDS KEY...
    local phase=$1 until=$((SECONDS + $2)) tick=0
    shift 2
    local pool=("$@")
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < until )); do
        for _ in 1 2 3 4 5; do tmux_ send-keys -t storm "${pool[RANDOM % ${#pool[@]}]}"; presses=$((presses + 1)); done
        tick=$((tick + 1))
        (( tick % 10 == 0 )) && sample "$phase"
        sleep 0.1
    done
}

storm storm "$seconds" "${keys[@]}"
tmux_ send-keys -t storm Escape
previous=$(rss) settled=no
for _ in $(seq 1 40); do
    sleep 30
    kill -0 "$pid" 2>/dev/null || break
    sample settle
    now=$(rss)
    if awk -v a="$previous" -v b="$now" 'BEGIN {exit !((b - a) / a < 0.01)}'; then settled=yes; break; fi
    previous=$now
done
storm steady "$seconds" "${steady_keys[@]}"

alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
tmux_ capture-pane -t storm -p >"$out/final-screen.txt" || true
quit_start=$(date +%s.%N)
tmux_ send-keys -t storm Escape q
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
quit_seconds=$(awk -v a="$quit_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
kill -0 "$pid" 2>/dev/null && { echo "storm: q did not end the workbench within 30 s"; kill -9 "$pid"; }

python3 - "$out/rss.csv" "$tolerance" "$alive" "$presses" "$quit_seconds" "$(runs)" "$settled" <<'EOF'
import csv, sys
path, tolerance, alive, presses, quit_seconds, folders, settled = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
rows = [(int(r["elapsed_s"]), float(r["rss_mib"]), int(r["runs"]), r["phase"]) for r in csv.DictReader(open(path))]
cap = 100
steady = [r for r in rows if r[3] == "steady"]
ok = alive == "yes" and folders <= cap and quit_seconds <= 10 and settled == "yes" and len(steady) >= 4
summary = (f"storm: {presses} keys; {folders} run folders (cap {cap}); settled: {settled}; q took {quit_seconds:.1f} s; "
           f"alive: {alive}; RSS peak {max((r[1] for r in rows), default=0):.1f} MiB")
if steady:
    first, last, peak = steady[0][1], steady[-1][1], max(r[1] for r in steady)
    growth = 100 * (last - first) / first
    summary += f"; under the last storm {first:.1f} → {last:.1f} MiB ({growth:+.1f} %, peak {peak:.1f})"
    ok = ok and growth <= tolerance and 100 * (peak - first) / first <= tolerance
print(summary)
print("storm: PASS" if ok else "storm: FAIL")
sys.exit(0 if ok else 1)
EOF
