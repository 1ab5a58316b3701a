#!/usr/bin/env python3
"""`make bench-compare`: the workbench's training step against PyTorch's, side by side.

For every method × backbone of the reference workloads it runs `workbench bench-step` and
`Benchmarks/torch_reference.py` alternately (PAIRS pairs, so that the machine's drift hits
both alike), takes the median images/s of each, and prints a Markdown table with their ratio
and the median of the pairs' own ratios.

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
STEPS = {"mlp": 20, "convnet": 6}


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
    for backbone in args.backbones.split(","):
        for method in args.methods.split(","):
            ours, theirs = [], []
            for pair in range(args.pairs):
                value, text = images_per_second(
                    [args.workbench, "bench-step", "--method", method, "--backbone", backbone,
                     "--steps", str(STEPS[backbone])], r"\((\d+) images/s")
                ours.append(value)
                library = re.search(r"(\d+) (\w+) threads \(([^)]*)\)", text)
                if library:
                    blas = f"workbench on {library.group(2)} ({library.group(3)} kernels)"
                value, text = images_per_second(
                    [args.python, torch_script, "--method", method, "--backbone", backbone,
                     "--steps", str(STEPS[backbone]), "--threads", str(args.threads)], r"\((\d+) images/s")
                theirs.append(value)
                versions = text.strip().split(", ")[-1].rstrip(")")
                print(f"{method} {backbone} pair {pair + 1}: workbench {ours[-1]:.0f}, torch {theirs[-1]:.0f} images/s",
                      file=sys.stderr, flush=True)
            a, b = statistics.median(ours), statistics.median(theirs)
            # Each pair ran back to back, so its ratio is what the machine's slow spells
            # (which last about a minute) disturb least.
            paired = statistics.median(x / y for x, y in zip(ours, theirs))
            rows.append((method, backbone, a, b, a / b, paired, min(ours), max(ours), min(theirs), max(theirs)))
    lines = [f"| method | backbone | workbench images/s | PyTorch images/s | ratio | ratio of pairs |",
             "|---|---|---:|---:|---:|---:|"]
    for method, backbone, a, b, ratio, paired, a0, a1, b0, b1 in rows:
        lines.append(f"| {method} | {backbone} | {a:.0f} ({a0:.0f}–{a1:.0f}) | {b:.0f} ({b0:.0f}–{b1:.0f}) "
                     f"| {ratio:.2f} | {paired:.2f} |")
    lines.append("")
    lines.append(f"Medians of {args.pairs} alternating pairs (range in brackets), batch 256 (512 views), "
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
