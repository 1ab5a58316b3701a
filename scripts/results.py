#!/usr/bin/env python3
"""Writes docs/results.md from what `make reproduce` wrote under docs/results/<experiment>/.

Every number in the page is read from those files (summary.csv, metrics.csv, run.txt); the
sentences that read the numbers are chosen by comparing them, never typed per result. An
experiment that has not been run yet gets a section saying so and the command that runs it.

    scripts/results.py [--results docs/results] [--suffix -quick] [--out docs/results.md]
"""
import argparse
import csv
import math
import os
import re
import sys

EXPERIMENTS = [
    ("learning-efficiency", "Figure 1: learning efficiency (mlp backbone, Fashion-MNIST)"),
    ("clustering-table", "Table 1: under- and over-clustering (mlp backbone, fmnist-20k)"),
    ("truncation-ablation", "Truncation ablation (triplet, mlp backbone, fmnist-20k)"),
    ("convnet", "Learning efficiency with the convnet backbone (fmnist-20k)"),
]
SELF_SUPERVISED = ["simclr", "moco", "byol"]


def number(text):
    """A CSV cell as a float (None when empty or not finite)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_run_txt(path):
    fields = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    return fields


class Experiment:
    """One experiment's exported files."""

    def __init__(self, folder):
        self.folder = folder
        self.summary = read_csv(os.path.join(folder, "summary.csv"))
        self.metrics = read_csv(os.path.join(folder, "metrics.csv"))
        self.run_txt = read_run_txt(os.path.join(folder, "run.txt"))
        self.references = {row["run"]: (number(row["knn_top1"]), number(row["linear_top1"]))
                           for row in self.metrics if row["method"] == "reference"}
        self.rows = [row for row in self.metrics if row["method"] != "reference"]

    def group(self, name):
        """The summary row of a seed group, as the export grouped it (runs of one configuration, by run.json)."""
        return next((row for row in self.summary if row["run"] == name), None)

    def groups(self, method):
        return [row for row in self.summary if row["method"] == method]

    def compute_hours(self):
        """Training plus evaluation time of every epoch of every run, as the runs measured it."""
        seconds = sum((number(row.get("train_s")) or 0) + (number(row.get("eval_s")) or 0) for row in self.rows)
        return seconds / 3600

    def epochs(self):
        values = [int(row["epoch"]) for row in self.rows if row["epoch"].isdigit()]
        return max(values) if values else 0

    def figure(self, stem):
        path = os.path.join(self.folder, stem + ".png")
        return path if os.path.exists(path) else None


def mean_std(row, column, digits=2):
    """'mean ± std' of a summary cell (just the mean for one seed), or '—'."""
    if row is None:
        return "—"
    mean = number(row.get(column))
    if mean is None:
        return "—"
    spread = number(row.get(column + "_std"))
    text = f"{mean:.{digits}f}"
    return text + (f" ± {spread:.{digits}f}" if spread is not None else "")


def value(row, column):
    return None if row is None else number(row.get(column))


def spread(row, column):
    return (None if row is None else number(row.get(column + "_std"))) or 0.0


def verdict(difference, spread_sum, *rows):
    """How a difference in the claimed direction (positive) reads against the seed spread
    (the sum of the two groups' standard deviations)."""
    if difference is None:
        return "cannot be judged (missing numbers)"
    single = any(row is not None and (number(row.get("seeds")) or 1) < 2 for row in rows)
    caveat = " (one seed: no spread to judge it against)" if single else ""
    if difference > spread_sum and difference > 0:
        return "holds" + caveat
    if difference > 0:
        return "holds only within the seed-to-seed spread"
    if -difference > spread_sum:
        return "does not hold" + caveat
    return "does not hold, within the seed-to-seed spread"


def as_gain(reading):
    """A verdict on a non-negative difference (the best setting against another), said as a gain."""
    if reading.startswith("holds only within"):
        return "within the seed-to-seed spread"
    if reading.startswith("holds"):
        return "beyond the seed-to-seed spread" + reading[len("holds"):]
    return reading


def compare(claimed, other, column):
    """claimed − other on a summary column (positive: the claim's direction) and its verdict;
    (None, ...) when either number is missing."""
    a, b = value(claimed, column), value(other, column)
    if a is None or b is None:
        return None, verdict(None, 0)
    return a - b, verdict(a - b, spread(claimed, column) + spread(other, column), claimed, other)


def relative(path, out):
    return os.path.relpath(path, os.path.dirname(os.path.abspath(out)))


def provenance(experiment, name, suffix, lines):
    run = experiment.run_txt
    if "command" in run:
        lines.append(f"Command: `{run['command']}`, then `{run.get('export', 'workbench export')}`.  ")
    else:
        lines.append("Command: not recorded (no run.txt beside the export; `make reproduce` writes one).  ")
    lines.append(f"Compute: {experiment.compute_hours():.2f} h of training and evaluation summed over the runs "
                 f"(metrics.csv `train_s` + `eval_s`, wall-clock time per epoch, so time the machine gave to other "
                 f"work meanwhile counts too); the last invocation took {run.get('seconds', '?').split(' ')[0]} s "
                 f"of wall time. Machine: {run.get('machine', '?')}; finished {run.get('date', '?')}.")
    lines.append("")


def figures(experiment, stems, out, lines):
    for stem, caption in stems:
        path = experiment.figure(stem)
        if path:
            lines.append(f"![{caption}]({relative(path, out)})")
            lines.append("")


def baselines(experiment, lines):
    lines.append("Plain baselines, measured the same way (kNN k = 200 and the linear probe, on the same "
                 "train/test split):")
    lines.append("")
    lines.append("| baseline | kNN % | linear % |")
    lines.append("|---|---:|---:|")
    for name, (knn, linear) in sorted(experiment.references.items()):
        lines.append(f"| {name} | {knn:.2f} | {linear:.2f} |" if knn is not None and linear is not None
                     else f"| {name} | {knn if knn is not None else '—'} | {linear if linear is not None else '—'} |")
    lines.append("")


def beats(experiment, rows, lines):
    """Which methods beat the raw pixels and the random-init network, on kNN and linear."""
    for reference in ("raw pixels", "random init"):
        if reference not in experiment.references:
            continue
        knn, linear = experiment.references[reference]
        above_knn = [r["run"] for r in rows if (value(r, "final_knn") or 0) > (knn or 1e9)]
        below_knn = [r["run"] for r in rows if r["run"] not in above_knn]
        above_linear = [r["run"] for r in rows if (value(r, "final_linear") or 0) > (linear or 1e9)]
        below_linear = [r["run"] for r in rows if r["run"] not in above_linear]
        lines.append(f"- Against **{reference}** (kNN {knn:.2f} %, linear {linear:.2f} %): on kNN "
                     f"{listing(above_knn, below_knn)}; on the linear probe {listing(above_linear, below_linear)}.")


def counts(experiment, rows, label, lines):
    """How many settings beat each baseline, naming those that do not (for long tables)."""
    for reference in ("raw pixels", "random init"):
        if reference not in experiment.references:
            continue
        knn, linear = experiment.references[reference]
        parts = []
        for measure, column, baseline in (("kNN", "final_knn", knn), ("the linear probe", "final_linear", linear)):
            if baseline is None:
                continue
            below = [label(r) for r in rows if (value(r, column) or 0) <= baseline]
            parts.append(f"on {measure} {len(rows) - len(below)} of {len(rows)} settings beat it"
                         + (f" (not: {', '.join(below)})" if below else ""))
        lines.append(f"- Against **{reference}** (kNN {knn:.2f} %, linear {linear:.2f} %): {'; '.join(parts)}.")


def listing(above, below):
    """'a, b beat it; c does not' with the verbs agreeing."""
    if not above:
        return "none beats it"
    text = ", ".join(above) + (" beat it" if len(above) > 1 else " beats it")
    if below:
        text += "; " + ", ".join(below) + (" do not" if len(below) > 1 else " does not")
    return text


def overview(experiment, rows, unit, stems, out, lines):
    """How many run groups over how many epochs and seeds, then the experiment's figures."""
    lines.append(f"{len(rows)} {unit}s, {experiment.epochs()} epochs, seeds per {unit}: "
                 f"{', '.join(sorted({row['seeds'] for row in rows}))}.")
    lines.append("")
    figures(experiment, stems, out, lines)


def half_gap(row):
    """The mean epoch at which a run group closed half of the gap to the goal line, in words."""
    epoch = value(row, "epochs_to_50pct_gap")
    return f"at epoch {epoch:.1f}" if epoch is not None else "not within the budget (for some seed)"


def learning_efficiency(experiment, name, suffix, out, lines):
    rows = [row for row in experiment.summary if row["method"] != "reference"]
    goal = experiment.references.get("supervised goal", (None, None))[0]
    overview(experiment, rows, "run group", [("accuracy-knn", "kNN accuracy against epochs"),
                                             ("accuracy-linear", "linear-probe accuracy against epochs")], out, lines)
    lines.append("| run | seeds | final kNN % | final linear % | kNN AUC % | epochs to 25 / 50 / 75 % of the gap |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for row in rows:
        reach = " / ".join(row.get(f"epochs_to_{p}pct_gap") or "—" for p in (25, 50, 75))
        lines.append(f"| {row['run']} | {row['seeds']} | {mean_std(row, 'final_knn')} | {mean_std(row, 'final_linear')} | "
                     f"{mean_std(row, 'knn_auc')} | {reach} |")
    lines.append("")
    if goal is not None:
        lines.append(f"Goal line: the supervised runs' final kNN accuracy, {goal:.2f} %. kNN AUC is the mean kNN "
                     "accuracy over the epochs. The gap runs from a run's epoch-0 accuracy (its network at random "
                     "initialisation) to the goal line; \"epochs to 50 %\" is the first epoch at which the run has "
                     "closed half of it (— : not within the budget, for some seed). Cells are mean ± sample standard "
                     "deviation over the seeds.")
        lines.append("")
    baselines(experiment, lines)
    lines.append("Reading:")
    lines.append("")
    triplet = next(iter(experiment.groups("triplet")), None)
    if triplet:
        for other in SELF_SUPERVISED:
            row = next(iter(experiment.groups(other)), None)
            if row is None:
                continue
            difference, reading = compare(triplet, row, "knn_auc")
            lines.append(f"- Claim: truncated triplet learns faster than {other}. kNN AUC {mean_std(triplet, 'knn_auc')} "
                         f"against {mean_std(row, 'knn_auc')} ({difference:+.2f} points): **{reading}**."
                         if difference is not None else f"- Against {other}: missing numbers.")
            final, reading = compare(triplet, row, "final_knn")
            if final is not None:
                lines.append(f"  Final kNN {mean_std(triplet, 'final_knn')} against {mean_std(row, 'final_knn')} "
                             f"({final:+.2f} points); higher final kNN: {reading}.")
            lines.append(f"  Half of the gap to the goal closed: triplet {half_gap(triplet)}, {other} {half_gap(row)}.")
    beats(experiment, rows, lines)
    lines.append("")


def clustering_table(experiment, name, suffix, out, lines):
    byol = next(iter(experiment.groups("byol")), None)
    moco = next(iter(experiment.groups("moco")), None)
    triplets = experiment.groups("triplet")
    lines.append(f"{experiment.epochs()} epochs; final-epoch values, mean ± std over the seeds.")
    lines.append("")
    lines.append("| run | seeds | class divergence | Pr(ω\\|A) analytic | Pr(ω\\|A) measured | final kNN % |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for row in experiment.summary:
        lines.append(f"| {row['run']} | {row['seeds']} | {mean_std(row, 'class_divergence', 3)} | "
                     f"{mean_std(row, 'pr_omega_analytic', 4)} | {mean_std(row, 'pr_omega_measured', 4)} | "
                     f"{mean_std(row, 'final_knn')} |")
    lines.append("")
    lines.append("Class divergence: mean distance between class centres after equalising the within-class "
                 "variance (larger: classes further apart). Measured Pr(ω|A): for the triplet runs the fraction of "
                 "selected deputies that share the anchor's class; for SimCLR and MoCo the share of the softmax "
                 "repulsion weight that falls on same-class negatives; analytic: the binomial bound for the "
                 "method's own setting (reference workloads).")
    lines.append("")
    figures(experiment, [("class-divergence", "class divergence against epochs"),
                         ("pr-omega", "Pr(ω|A) against epochs")], out, lines)
    baselines(experiment, lines)
    lines.append("Reading (the paper's Table 1: triplet clusters classes apart more than BYOL, and its "
                 "deputies share the anchor's class less often than MoCo's negatives):")
    lines.append("")
    for triplet in triplets:
        if byol:
            d, reading = compare(triplet, byol, "class_divergence")
            lines.append(f"- Claim: {triplet['run']} separates classes more than BYOL (under-clustering). Class divergence "
                         f"{mean_std(triplet, 'class_divergence', 3)} against {mean_std(byol, 'class_divergence', 3)}"
                         + (f" ({d:+.3f}): **{reading}**." if d is not None else ": missing numbers."))
        if moco:
            # Lower is the claim here, so the difference is MoCo's minus the triplet's.
            p, reading = compare(moco, triplet, "pr_omega_measured")
            lines.append(f"- Claim: {triplet['run']} pushes away fewer same-class samples than MoCo (over-clustering). "
                         f"Measured Pr(ω|A) {mean_std(triplet, 'pr_omega_measured', 4)} against "
                         f"{mean_std(moco, 'pr_omega_measured', 4)} (analytic {mean_std(triplet, 'pr_omega_analytic', 4)} "
                         f"against {mean_std(moco, 'pr_omega_analytic', 4)})"
                         + (f", {-p:+.4f}: **{reading}**." if p is not None else ": missing numbers."))
    beats(experiment, [row for row in experiment.summary if row["method"] != "reference"], lines)
    lines.append("")


def truncation_ablation(experiment, name, suffix, out, lines):
    def setting(row):
        match = re.search(r"skip(\d+)-dep(\d+)", row["run"])
        return (int(match.group(1)), int(match.group(2))) if match else (None, None)

    rows = sorted((row for row in experiment.summary if row["method"] == "triplet"), key=lambda r: (setting(r)[1], setting(r)[0]))
    overview(experiment, rows, "setting", [("ablation-skip", "final kNN accuracy against the truncation threshold"),
                                           ("ablation-pr-omega", "measured Pr(ω|A) against the truncation threshold")], out, lines)
    lines.append("| skip | deputies | final kNN % | final linear % | Pr(ω\\|A) measured | Pr(ω\\|A) analytic |")
    lines.append("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        skip, deputies = setting(row)
        lines.append(f"| {skip} | {deputies} | {mean_std(row, 'final_knn')} | {mean_std(row, 'final_linear')} | "
                     f"{mean_std(row, 'pr_omega_measured', 4)} | {mean_std(row, 'pr_omega_analytic', 4)} |")
    lines.append("")
    baselines(experiment, lines)
    lines.append("Reading:")
    lines.append("")
    for deputies in sorted({setting(row)[1] for row in rows if setting(row)[1] is not None}):
        group = [row for row in rows if setting(row)[1] == deputies and value(row, "final_knn") is not None]
        if not group:
            continue
        best = max(group, key=lambda r: value(r, "final_knn"))
        first = next((row for row in group if setting(row)[0] == 1), None)
        none = next((row for row in group if setting(row)[0] == 0), None)
        text = (f"- {deputies} {'deputy' if deputies == 1 else 'deputies'}: the best threshold is skip {setting(best)[0]} "
                f"({mean_std(best, 'final_knn')} % kNN{', that is, no truncation' if setting(best)[0] == 0 else ''})")
        if first is not None and first is not best:
            gain, reading = compare(best, first, "final_knn")
            text += (f", {gain:+.2f} points over the paper's skip 1 ({mean_std(first, 'final_knn')}), "
                     f"{as_gain(reading)}")
        if none is not None and none is not best:
            gain, reading = compare(best, none, "final_knn")
            text += (f"; {gain:+.2f} points over no truncation (skip 0, {mean_std(none, 'final_knn')}), "
                     f"{as_gain(reading)}")
        lines.append(text + ".")
        measured = [(setting(row)[0], value(row, "pr_omega_measured")) for row in group if value(row, "pr_omega_measured") is not None]
        if len(measured) > 1:
            lowest, highest = measured[0], measured[-1]
            lines.append(f"  Measured Pr(ω|A) goes from {lowest[1]:.4f} at skip {lowest[0]} to {highest[1]:.4f} at skip {highest[0]}.")
    counts(experiment, rows, lambda row: "skip {} · {} dep".format(*setting(row)), lines)
    lines.append("")


SECTIONS = {
    "learning-efficiency": learning_efficiency,
    "clustering-table": clustering_table,
    "truncation-ablation": truncation_ablation,
    "convnet": learning_efficiency,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="docs/results")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--out", default="docs/results.md")
    args = parser.parse_args()
    lines = ["# Results", "",
             "Generated by `scripts/results.py` from the files `make reproduce` wrote under "
             f"`{args.results}/`; every number below is read from those files. Regenerate with "
             "`make results`; do not edit by hand.", ""]
    for name, title in EXPERIMENTS:
        folder = os.path.join(args.results, name + args.suffix)
        lines.append(f"## {title}")
        lines.append("")
        if not os.path.exists(os.path.join(folder, "summary.csv")):
            setting = f" REPRODUCE_SUFFIX={args.suffix}" if args.suffix else ""
            lines.append(f"Not run yet. `make reproduce REPRODUCE={name}{setting}` runs `examples/{name}{args.suffix}.json` "
                         f"(it resumes where a killed run stopped).")
            lines.append("")
            continue
        try:
            experiment = Experiment(folder)
        except (OSError, KeyError, csv.Error) as error:
            print(f"results: {folder}: {error}", file=sys.stderr)
            return 1
        provenance(experiment, name, args.suffix, lines)
        SECTIONS[name](experiment, name, args.suffix, args.out, lines)
    text = "\n".join(lines).rstrip() + "\n"
    temporary = f"{args.out}.tmp-{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, args.out)
    print(f"results: wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
