#!/bin/bash
# The soak test (`make soak`): a long 4-method session in the real workbench, inside tmux,
# with a storm of window resizes and key presses the whole time. Samples the process's
# resident memory (VmRSS) every epoch and checks it stays flat after the first epoch.
#
#   SOAK_EPOCHS (100)  SOAK_METHODS (simclr,moco,byol,triplet)  SOAK_DATA (synthetic)
#   SOAK_TRAIN_SIZE (all)  SOAK_OUT (.build-soak)  SOAK_TOLERANCE (5, percent)
#
# Writes $SOAK_OUT/rss.csv (epoch, rss_mib, elapsed_s) and prints a summary; exits non-zero
# when the memory grows beyond the tolerance, the workbench dies, or a run does not finish.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs="${SOAK_EPOCHS:-100}"
methods="${SOAK_METHODS:-simclr,moco,byol,triplet}"
data="${SOAK_DATA:-synthetic}"
out="${SOAK_OUT:-.build-soak}"
tolerance="${SOAK_TOLERANCE:-5}"
size_flag=()
[ -n "${SOAK_TRAIN_SIZE:-}" ] && size_flag=(--train-size "$SOAK_TRAIN_SIZE")

source scripts/lib/tmux-session.sh
tmux_session soak "$out"

IFS=, read -ra runs <<<"$methods"
folders=()
for m in "${runs[@]}"; do [ "$m" = triplet ] && folders+=("triplet-skip1-dep9") || folders+=("$m"); done

tmux_ new-session -d -s soak -x 160 -y 50 \
    "LANG=C.UTF-8 LC_ALL=C.UTF-8 exec '$binary' --data $data --methods $methods --epochs $epochs ${size_flag[*]} --out '$out/session'"
sleep 1
pid="$(tmux_ list-panes -t soak -F '#{pane_pid}')"
echo "soak: workbench pid $pid, $methods × $epochs epochs on $data, output in $out"

# The slowest run's finished epoch: the rows of its metrics.csv minus header and epoch 0.
slowest_epoch() {
    local least=999999 rows
    for f in "${folders[@]}"; do
        rows=$(grep -c ",ok," "$out/session/$f/metrics.csv" 2>/dev/null) || rows=0
        (( rows < least )) && least=$rows
    done
    echo $((least - 1))
}

sizes=("100 30" "160 50" "240 70" "120 36" "80 24" "200 60" "101 31")
keys=(Tab BTab Up Down j k m "?" Escape + - ">" "<" "]" "[")
echo "epoch,rss_mib,elapsed_s" >"$out/rss.csv"
start=$SECONDS resizes=0 presses=0 last_epoch=-1 tick=0
while kill -0 "$pid" 2>/dev/null; do
    epoch=$(slowest_epoch)
    if (( epoch > last_epoch )); then
        rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
        echo "$epoch,$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}'),$((SECONDS - start))" >>"$out/rss.csv"
        last_epoch=$epoch
    fi
    (( epoch >= epochs )) && break
    # The storm: a resize and a few keys every half second, an export now and then,
    # and a pause/resume pair of the selected run.
    read -r w h <<<"${sizes[RANDOM % ${#sizes[@]}]}"
    tmux_ resize-window -t soak -x "$w" -y "$h" && resizes=$((resizes + 1))
    for _ in 1 2 3; do tmux_ send-keys -t soak "${keys[RANDOM % ${#keys[@]}]}"; presses=$((presses + 1)); done
    tick=$((tick + 1))
    (( tick % 60 == 0 )) && { tmux_ send-keys -t soak e; presses=$((presses + 1)); }
    # Escape first: with the help open, a Space would only close it and the next one pause.
    (( tick % 45 == 0 )) && { tmux_ send-keys -t soak Escape Space Space; presses=$((presses + 3)); }
    sleep 0.5
done

alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
tmux_ resize-window -t soak -x 160 -y 50
sleep 1
tmux_ capture-pane -t soak -p >"$out/final-screen.txt" || true
tmux_ send-keys -t soak q
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done

python3 - "$out/rss.csv" "$tolerance" "$epochs" "$alive" "$resizes" "$presses" <<'EOF'
import csv, statistics, sys
path, tolerance, epochs, alive, resizes, presses = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
rows = [(int(r["epoch"]), float(r["rss_mib"]), int(r["elapsed_s"])) for r in csv.DictReader(open(path))]
after = [r for r in rows if r[0] >= 1]
ok = alive == "yes" and bool(after) and after[-1][0] >= epochs
if after:
    base = after[0][1]
    values = [r[1] for r in after]
    peak, median = max(values), statistics.median(values)
    tail = statistics.median(values[-10:])
    spikes = sum(1 for v in values if v > base * (1 + tolerance / 100))
    growth = 100 * (tail - base) / base
    print(f"soak: {after[-1][0]} epochs in {after[-1][2]} s; RSS at epoch 1 {base:.1f} MiB; median after it {median:.1f} MiB; "
          f"median of the last 10 epochs {tail:.1f} MiB ({growth:+.1f} %); peak {peak:.1f} MiB "
          f"({100 * (peak - base) / base:+.1f} %; {spikes} of {len(values)} samples above +{tolerance:g} %); "
          f"{resizes} resizes, {presses} keys; workbench alive: {alive}")
    # Flat: the typical and the final resident memory stay within the tolerance of epoch 1.
    ok = ok and abs(growth) <= tolerance and abs(100 * (median - base) / base) <= tolerance
print("soak: PASS" if ok else "soak: FAIL")
sys.exit(0 if ok else 1)
EOF
