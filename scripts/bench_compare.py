#!/usr/bin/env python3
"""`make bench-compare`: the workbench's training step against PyTorch's, side by side.

For every method × backbone of the reference workloads it runs `workbench bench-step` and
`Benchmarks/torch_reference.py` back to back (a pair), PAIRS pairs each, takes the median
images/s of each side, and prints a Markdown table with their ratio and the median of the
pairs' own ratios. The machine has slow spells of a minute or so, so the pairs are taken in
rounds (round k runs pair k of every method × backbone: a spell costs one pair of several
rows, not several pairs of one row), and the side that runs first alternates from pair to
pair.

    scripts/bench_compare.py [--workbench PATH] [--python PYTHON] [--pairs 5] [--out FILE]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

METHODS = ["simclr", "moco", "byol", "triplet", "supervised"]
BACKBONES = ["mlp", "convnet"]
STEPS = {"mlp": 40, "convnet": 8}


def images_per_second(command, pattern):
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()[-500:]}")
    match = re.search(pattern, result.stdout)
    if not match:
        raise RuntimeError(f"{' '.join(command)}: no images/s in {result.stdout!r}")
    return float(match.group(1)), result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbench", default=".build/release/workbench")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--backbones", default=",".join(BACKBONES))
    parser.add_argument("--out")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    torch_script = os.path.join(here, "..", "Benchmarks", "torch_reference.py")
    rows, versions, blas = [], "", ""
    configurations = [(method, backbone) for backbone in args.backbones.split(",")
                      for method in args.methods.split(",")]
    ours = {c: [] for c in configurations}
    theirs = {c: [] for c in configurations}

    def run_ours(method, backbone):
        nonlocal blas
        value, text = images_per_second(
            [args.workbench, "bench-step", "--method", method, "--backbone", backbone,
             "--steps", str(STEPS[backbone])], r"\((\d+) images/s")
        library = re.search(r"(\d+) (\w+) threads \(([^)]*)\)", text)
        if library:
            blas = f"workbench on {library.group(2)} ({library.group(3)} kernels)"
        ours[(method, backbone)].append(value)

    def run_theirs(method, backbone):
        nonlocal versions
        value, text = images_per_second(
            [args.python, torch_script, "--method", method, "--backbone", backbone,
             "--steps", str(STEPS[backbone]), "--threads", str(args.threads)], r"\((\d+) images/s")
        versions = text.strip().split(", ")[-1].rstrip(")")
        theirs[(method, backbone)].append(value)

    for pair in range(args.pairs):
        for method, backbone in configurations:
            sides = [run_ours, run_theirs] if pair % 2 == 0 else [run_theirs, run_ours]
            for side in sides:
                side(method, backbone)
            print(f"{method} {backbone} pair {pair + 1}: workbench {ours[(method, backbone)][-1]:.0f}, "
                  f"torch {theirs[(method, backbone)][-1]:.0f} images/s", file=sys.stderr, flush=True)
    for method, backbone in configurations:
        mine, others = ours[(method, backbone)], theirs[(method, backbone)]
        a, b = statistics.median(mine), statistics.median(others)
        # Each pair ran back to back, so its ratio is what the machine's slow spells
        # disturb least.
        paired = statistics.median(x / y for x, y in zip(mine, others))
        rows.append((method, backbone, a, b, a / b, paired, min(mine), max(mine), min(others), max(others)))
    lines = [f"| method | backbone | workbench images/s | PyTorch images/s | ratio | ratio of pairs |",
             "|---|---|---:|---:|---:|---:|"]
    for method, backbone, a, b, ratio, paired, a0, a1, b0, b1 in rows:
        lines.append(f"| {method} | {backbone} | {a:.0f} ({a0:.0f}–{a1:.0f}) | {b:.0f} ({b0:.0f}–{b1:.0f}) "
                     f"| {ratio:.2f} | {paired:.2f} |")
    lines.append("")
    lines.append(f"Medians of {args.pairs} pairs taken in rounds, first side alternating (range in brackets), "
                 f"batch 256 (512 views), {STEPS['mlp']} mlp / {STEPS['convnet']} convnet steps per run, "
                 f"{args.threads} threads each; ratio = median ours ÷ median PyTorch's, ratio of pairs = "
                 f"median of the {args.pairs} pairs' own ratios; {blas}, {versions}.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
