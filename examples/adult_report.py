"""Write an example evaluation report: a TabularGAN trained on Adult, judged against Adult rows it never saw.

Four fifths of adult.csv train the model; the last fifth is the real hold-out that the
privacy scores compare against and the utility scores test on (predicting `income`).
Training stops at --max-time, so the report comes in a few minutes on a laptop; give
it longer for a better generator. `make report` runs this script.

    .venv/bin/python examples/adult_report.py [--data ../shared/data/adult.csv] [--max-time 3m]
        [--output demo-output/adult_report.html]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from synthdata import TabularGAN, evaluate, read_table

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "adult.csv")
    parser.add_argument("--max-time", default="3m", help="training budget, e.g. 90s, 10m")
    parser.add_argument("--output", type=Path, default=REPO / "demo-output" / "adult_report.html")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()

    adult = read_table(arguments.data)
    rows = np.random.default_rng(arguments.seed).permutation(len(adult))
    cut = len(adult) * 4 // 5
    train, holdout = adult.iloc[rows[:cut]], adult.iloc[rows[cut:]]

    model = TabularGAN(max_time=arguments.max_time, seed=arguments.seed).fit(train)
    synthetic = model.sample(len(train), seed=arguments.seed)
    report = evaluate(train, synthetic, target="income", holdout=holdout, seed=arguments.seed)

    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    print(report)
    print(f"report: {report.to_html(arguments.output)}")
    print(f"scores: {report.to_json(arguments.output.with_suffix('.json'))}")


if __name__ == "__main__":
    main()
