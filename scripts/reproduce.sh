#!/bin/bash
# `make reproduce`: runs the shipped experiments (examples/*.json, not the -quick ones) and
# writes their figures and tables under docs/results/<experiment>/, with the command and
# the time each took in docs/results/<experiment>/run.txt, then docs/results.md from all of
# them (scripts/results.py). Runs go to runs/<experiment> (the files' "out"); a killed
# reproduce continues where it stopped (--resume).
#
#   REPRODUCE (learning-efficiency clustering-table truncation-ablation convnet)
#   REPRODUCE_SUFFIX ("" or "-quick": the quick variants, for a check in minutes)
#   WORKBENCH (a workbench binary to use instead of building one: a copy keeps hours of
#              runs independent of rebuilds while they train)
set -euo pipefail
cd "$(dirname "$0")/.."
experiments="${REPRODUCE:-learning-efficiency clustering-table truncation-ablation convnet}"
suffix="${REPRODUCE_SUFFIX:-}"
if [ -z "${WORKBENCH:-}" ]; then
    swift build -c release --product workbench >/dev/null
    workbench="$(swift build -c release --show-bin-path)/workbench"
else
    workbench="$WORKBENCH"
fi
for name in $experiments; do
    file="examples/$name$suffix.json"
    out="runs/$name$suffix"
    results="docs/results/$name$suffix"
    mkdir -p "$results"
    echo "reproduce: $file → $out, figures and tables → $results"
    start=$SECONDS
    "$workbench" compare --config "$file" --out "$out" --resume
    seconds=$((SECONDS - start))
    "$workbench" export "$out" --out "$results" --format png,svg,csv,md
    {
        echo "command: workbench compare --config $file --out $out --resume"
        echo "export:  workbench export $out --out $results --format png,svg,csv,md"
        echo "seconds: $seconds (this invocation; a resumed experiment counts only what it trained)"
        echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
        echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    } >"$results/run.txt"
done
if [ -z "$suffix" ]; then python3 scripts/results.py; fi
