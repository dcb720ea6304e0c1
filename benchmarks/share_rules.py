"""Before and after a change to the rules inference: one table fitted by two commits, the rows each sampled
scored alike, with the share of rows holding each rule the newer code finds.

    # once per commit, one after the other (PYTHONPATH picks the library)
    PYTHONPATH=<checkout> .venv/bin/python benchmarks/share_rules.py fit --data loans.csv --max-rows 5000 \\
        --epochs 40 --out runs/main
    # then, with the newer code
    .venv/bin/python benchmarks/share_rules.py report --data loans.csv --max-rows 5000 \\
        --run main=runs/main --run branch=runs/branch --name loans-share-sums

`fit` uses the split of data_split.load_split (no target), TabularGAN(epochs, seed=0) on the CPU, samples as
many rows as the training rows and writes them with their scores (scoring.score_synthetic) and the fit seconds
under `--out`. `report` scores the real hold-out, takes the rules the current code finds in the training rows
and writes benchmarks/results/<date>-<machine>-<name>.json and .md: detection AUC (train / hold-out),
SDMetrics quality, and per rule the share of rows holding it in the hold-out and in each run's rows.
A rule one commit did not find is still measured on its rows (rules only an older commit found, as its
model fitted them): the point is how far each is from the real share.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
from data_split import load_split
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from rules_held import found_rules, rules_markdown, rules_payload, share_holding
from scoring import score_holdout, score_synthetic

from synthdata import TabularGAN
from synthdata.schema.constraints import RareValues, constraint_from_dict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["fit", "report"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--max-rows", type=int)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--out", type=Path, help="fit: where the sampled rows and scores go")
    parser.add_argument("--run", action="append", default=[], help="report: label=folder of a fit, in order")
    parser.add_argument("--name", default="share-rules", help="report: the result files' name")
    arguments = parser.parse_args()
    split = load_split(arguments.data, target=None, max_rows=arguments.max_rows)
    if arguments.step == "fit":
        fit(split, arguments.epochs, arguments.out)
    else:
        report(split, dict(run.split("=", 1) for run in arguments.run), arguments.name)


def fit(split, epochs: int, out: Path) -> None:
    machine = describe_machine("cpu")
    start = time.perf_counter()
    model = TabularGAN(epochs=epochs, seed=0, device="cpu", verbose=False).fit(split.train)
    seconds = time.perf_counter() - start
    sampled = model.sample(len(split.train))
    out.mkdir(parents=True, exist_ok=True)
    sampled.to_pickle(out / "sample.pkl")
    result = {"epochs": epochs, "fit_seconds": seconds, "machine": finish(machine)}
    result["scores"] = score_synthetic(split, sampled)
    result["constraints"] = [constraint.to_dict() for constraint in model.schema_.constraints]
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps({key: result[key] for key in ("fit_seconds", "scores")}, indent=2, default=str))


def report(split, runs: dict[str, str], name: str) -> None:
    machine = describe_machine("cpu")
    results = {label: json.loads((Path(folder) / "result.json").read_text()) for label, folder in runs.items()}
    samples = {label: pd.read_pickle(Path(folder) / "sample.pkl") for label, folder in runs.items()}
    ceiling = score_holdout(split)
    rules = found_rules(split)
    known = {rule.describe() for rule in rules}
    for result in results.values():
        # fitted afresh: an older commit's learned state need not be the current one's
        older = [
            constraint_from_dict({key: value for key, value in data.items() if key != "fitted"})
            for data in result["constraints"]
        ]
        older = [rule.fit(split.train, columns=split.schema.columns) for rule in older]
        rules += [rule for rule in older if rule.describe() not in known and not isinstance(rule, RareValues)]
        known |= {rule.describe() for rule in rules}
    shares = {"real 20% hold-out": [share_holding(rule, split.holdout) for rule in rules]}
    shares |= {label: [share_holding(rule, rows) for rule in rules] for label, rows in samples.items()}
    header = ["rows", "detection AUC (train)", "detection AUC (hold-out)", "SDMetrics quality", "shapes", "trends"]
    lines = [_score_line("real 20% hold-out", ceiling)]
    lines += [
        _score_line(f"{label} ({result['fit_seconds']:.0f} s fit)", result["scores"])
        for label, result in results.items()
    ]
    markdown = "\n\n".join(
        [
            f"# Rules before and after on {split.name}",
            f"{split.sentence()}; TabularGAN(epochs={next(iter(results.values()))['epochs']}, seed=0, device='cpu'), "
            f"as many rows sampled as the training rows.",
            machine_markdown(finish(machine)),
            markdown_table(header, lines),
            "Share of rows holding each rule found in the training rows (by the current code, then by the others):",
            rules_markdown(rules, shares),
        ]
    )
    payload = {
        "benchmark": name,
        "split": split.summary(),
        "machine": finish(machine),
        "real_holdout": ceiling,
        "runs": results,
        "rules": rules_payload(rules, shares),
    }
    for path in write_results(name, payload, markdown):
        print(path)
    print(markdown)


def _score_line(label: str, scores: dict) -> list[str]:
    sdmetrics = scores["sdmetrics"]
    return [
        label,
        number(scores["synthdata_evaluate"]["detection_auc"]),
        number(scores.get("detection_auc_holdout")),
        number(sdmetrics["quality"]),
        number(sdmetrics["column_shapes"]),
        number(sdmetrics["column_pair_trends"]),
    ]


if __name__ == "__main__":
    main()
