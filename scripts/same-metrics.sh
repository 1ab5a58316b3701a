#!/bin/bash
# Checks that a change moved no number: trains a 2-epoch run of every method with two
# workbench binaries (grey mlp on fmnist-20k, colour convnet on colour-10, and a triplet
# fork) and compares every metrics.csv column but the timing ones, and every run.json
# config, file by file. Exits 0 when all agree, 1 (with the differing lines) when not.
#
#   scripts/same-metrics.sh OLD_WORKBENCH NEW_WORKBENCH [WORK_FOLDER]
#
# Timing columns (images_per_s, wall_s, train_s, eval_s) are the only ones left out.
set -euo pipefail
old="${1:?usage: same-metrics.sh OLD_WORKBENCH NEW_WORKBENCH [WORK_FOLDER]}"
new="${2:?usage: same-metrics.sh OLD_WORKBENCH NEW_WORKBENCH [WORK_FOLDER]}"
work="${3:-/tmp/workbench-same-metrics}"
rm -rf "$work"
mkdir -p "$work"

train() { # binary, output folder
    local bin="$1" out="$2"
    WORKBENCH_THREADS=1 "$bin" compare --quiet --data fmnist-20k --train-size 4096 --epochs 2 \
        --methods simclr,moco,byol,triplet,supervised --out "$out/grey"
    WORKBENCH_THREADS=1 "$bin" compare --quiet --data colour-10 --backbone convnet --train-size 2048 --epochs 2 \
        --methods simclr,moco,byol,triplet,supervised --out "$out/colour"
    WORKBENCH_THREADS=1 "$bin" train --quiet --fork "$out/grey/triplet-skip1-dep9" --skip 5 --epochs 3
}

untimed() { # a metrics.csv without its timing columns
    python3 - "$1" <<'EOF'
import csv, sys
timing = {"images_per_s", "wall_s", "train_s", "eval_s"}
for row in csv.DictReader(open(sys.argv[1], newline="")):
    print(",".join(f"{k}={v}" for k, v in row.items() if k not in timing))
EOF
}

config() { # a run.json's config, with the build's own output folder written as <out>
    python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["config"], sort_keys=True, indent=1).replace(sys.argv[2], "<out>"))' "$1" "$2"
}

train "$old" "$work/old"
train "$new" "$work/new"
status=0
count=0
while IFS= read -r file; do
    relative="${file#"$work/old/"}"
    other="$work/new/$relative"
    count=$((count + 1))
    if [ ! -f "$other" ]; then echo "only in the old build: $relative"; status=1; continue; fi
    case "$relative" in
        */metrics.csv) diff <(untimed "$file") <(untimed "$other") >/dev/null || { echo "differs: $relative"; diff <(untimed "$file") <(untimed "$other") | head -6; status=1; } ;;
        */run.json) diff <(config "$file" "$work/old") <(config "$other" "$work/new") >/dev/null || { echo "differs: $relative (config)"; status=1; } ;;
    esac
done < <(find "$work/old" \( -name metrics.csv -o -name run.json \) | sort)
[ "$(find "$work/new" \( -name metrics.csv -o -name run.json \) | wc -l)" -eq "$count" ] || { echo "the new build wrote other files"; status=1; }
[ "$status" -eq 0 ] && echo "same metrics: $count files agree (timing columns aside)"
exit "$status"
