"""Fit one system and time it, inside a process of its own: `python benchmarks/systems.py SPEC.json`.

Each system (synthdata's TabularGAN, ctgan.CTGAN, SDV's GaussianCopulaSynthesizer,
MOSTLY AI's TabularARGN) runs in a fresh interpreter that imports only what that
system needs, so its peak memory is its own and no system inherits another's warm
caches. In order, the child times the system's data transformer alone (fit +
transform of the training rows), fits the model (per-epoch times where there are
epochs), times sampling each of the requested row counts, then draws the rows that
will be scored and writes them, with its timings, where the spec says. The parent
(lineup.py) does the scoring, so the metric libraries never weigh on a system's memory.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import torch
from ctgan_frame import CtganFrame
from data_split import dates_as_text, in_dtype, sdv_metadata
from machine import peak_rss_mb

from synthdata import Schema, TabularGAN
from synthdata.transform.table import DataTransformer


class SynthdataSystem:
    """synthdata's TabularGAN with the options in `settings` (its defaults for the rest)."""

    def __init__(self, settings: dict, *, schema: Schema, device: str, seed: int) -> None:
        self.options = {**settings, "device": device, "seed": seed, "verbose": False}
        self.schema = schema

    def time_transformer(self, train: pd.DataFrame) -> float:
        """DataTransformer fit + transform on the modelled columns, as TabularGAN.fit prepares them."""
        self.schema.fit_constraints(train)
        reshaped = self.schema.transform(train)
        modelled = [column for column in self.schema.columns_after_transform() if column.is_modelled]
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        DataTransformer().fit(reshaped, modelled, rng=rng).transform(reshaped, rng=rng)
        return time.perf_counter() - start

    def fit(self, train: pd.DataFrame) -> dict:
        self.model = TabularGAN(**self.options).fit(train)
        return {"epoch_seconds": [epoch.seconds for epoch in self.model.history_]}

    def sample(self, rows: int) -> pd.DataFrame:
        return self.model.sample(rows)

    def readable(self, sampled: pd.DataFrame) -> pd.DataFrame:
        return sampled


class CtganSystem:
    """ctgan.CTGAN on the modelled columns (see ctgan_frame.py for what it is given)."""

    def __init__(self, settings: dict, *, schema: Schema, device: str, seed: int) -> None:
        self.settings = settings
        self.device = device
        self.seed = seed
        modelled = [name for name, column in schema.columns.items() if column.is_modelled]
        self.frame = CtganFrame(schema, modelled)

    def time_transformer(self, train: pd.DataFrame) -> float:
        from ctgan.data_transformer import DataTransformer as CtganTransformer

        encoded, discrete = self.frame.encode(train)
        start = time.perf_counter()
        transformer = CtganTransformer()
        transformer.fit(encoded, discrete)
        transformer.transform(encoded)
        return time.perf_counter() - start

    def fit(self, train: pd.DataFrame) -> dict:
        from ctgan import CTGAN

        encoded, discrete = self.frame.encode(train)
        settings = self.settings
        self.model = CTGAN(
            epochs=settings["epochs"],
            batch_size=settings["batch_size"],
            embedding_dim=settings["embedding_dim"],
            generator_dim=tuple(settings["generator_dims"]),
            discriminator_dim=tuple(settings["critic_dims"]),
            pac=settings["pac"],
            enable_gpu=self.device != "cpu",
            verbose=False,
        )
        self.model.set_random_state(self.seed)
        with ctgan_epoch_clock() as stamps:
            self.model.fit(encoded, discrete)
        return {
            "epoch_seconds": np.diff(stamps[1:]).tolist(),
            "seconds_before_first_epoch": stamps[1] - stamps[0],
        }

    def sample(self, rows: int) -> pd.DataFrame:
        return self.model.sample(rows)

    def readable(self, sampled: pd.DataFrame) -> pd.DataFrame:
        return self.frame.decode(sampled)


class GaussianCopulaSystem:
    """SDV's GaussianCopulaSynthesizer on the modelled columns, told their kinds and date formats."""

    table = "table"

    def __init__(self, settings: dict, *, schema: Schema, device: str, seed: int) -> None:
        self.columns = [name for name, column in schema.columns.items() if column.is_modelled]
        self.metadata = sdv_metadata(schema, self.columns)

    def _synthesizer(self):
        from sdv.metadata import Metadata
        from sdv.single_table import GaussianCopulaSynthesizer

        metadata = Metadata.load_from_dict(self.metadata, single_table_name=self.table)
        return GaussianCopulaSynthesizer(metadata)

    def time_transformer(self, train: pd.DataFrame) -> float:
        synthesizer = self._synthesizer()
        start = time.perf_counter()
        synthesizer.preprocess({self.table: train[self.columns]})
        return time.perf_counter() - start

    def fit(self, train: pd.DataFrame) -> dict:
        self.model = self._synthesizer()
        self.model.fit_processed_data(self.model.preprocess({self.table: train[self.columns]}))
        return {}

    def sample(self, rows: int) -> pd.DataFrame:
        sampled = self.model.sample(rows)
        return sampled[self.table] if isinstance(sampled, dict) else sampled

    def readable(self, sampled: pd.DataFrame) -> pd.DataFrame:
        return sampled


class MostlyAISystem:
    """MOSTLY AI's open engine (TabularARGN, autoregressive) on the modelled columns, with its defaults.

    Like GaussianCopula it is told each column's kind (a numeric code such as a
    medication's CODE is a category, not a number); dates are handed over as
    datetimes and written back in the real table's text format, and every column
    gets the training rows' dtype back."""

    ENCODINGS: ClassVar[dict[str, str]] = {
        "categorical": "TABULAR_CATEGORICAL",
        "boolean": "TABULAR_CATEGORICAL",
        "numerical": "TABULAR_NUMERIC_AUTO",
        "integer": "TABULAR_NUMERIC_AUTO",
        "datetime": "TABULAR_DATETIME",
    }

    def __init__(self, settings: dict, *, schema: Schema, device: str, seed: int) -> None:
        self.columns = [name for name, column in schema.columns.items() if column.is_modelled]
        self.kinds = {name: schema.columns[name].type for name in self.columns}
        self.date_formats = {
            name: schema.columns[name].format for name in self.columns if self.kinds[name] == "datetime"
        }
        self.settings = settings
        self.device = device
        self.seed = seed

    def _frame(self, train: pd.DataFrame) -> pd.DataFrame:
        frame = train[self.columns].copy()
        for name, date_format in self.date_formats.items():
            frame[name] = pd.to_datetime(frame[name], format=date_format, errors="coerce")
        return frame

    def time_transformer(self, train: pd.DataFrame) -> float | None:
        """Not separable: the engine's analysis and encoding are part of its fit (None:
        a null in the result file, where NaN would not be JSON)."""
        return None

    def fit(self, train: pd.DataFrame) -> dict:
        from mostlyai.engine import TabularARGN
        from mostlyai.engine.domain import DifferentialPrivacyConfig

        self.dtypes = train[self.columns].dtypes
        encodings = {name: self.ENCODINGS[kind] for name, kind in self.kinds.items()}
        settings = dict(self.settings)
        if "differential_privacy" in settings:  # the engine's analysis step reads its fields, which a dict lacks
            settings["differential_privacy"] = DifferentialPrivacyConfig(**settings["differential_privacy"])
        self.model = TabularARGN(
            **settings, tgt_encoding_types=encodings, device=self.device, random_state=self.seed, verbose=0
        )
        self.model.fit(self._frame(train))
        return self._training_record()

    def _training_record(self) -> dict:
        """Epochs and, under differential privacy, the epsilon and delta of the weights kept.

        The engine keeps the checkpoint with the best validation loss whose epsilon
        (training plus value protection) is within max_epsilon; its progress
        messages are the only place it says what that checkpoint spent."""
        progress = Path(self.model.workspace_path_, "ModelStore", "model-data", "progress-messages.csv")
        if not progress.exists():
            return {}
        messages = pd.read_csv(progress)
        kept = messages.loc[messages["is_checkpoint"] == 1].iloc[-1]
        return {
            "epochs": float(kept["epoch"]),
            "privacy": (
                {"epsilon": float(kept["dp_eps"]), "delta": float(kept["dp_delta"])}
                if pd.notna(kept.get("dp_eps"))
                else None
            ),
        }

    def sample(self, rows: int) -> pd.DataFrame:
        return self.model.sample(n_samples=rows)

    def readable(self, sampled: pd.DataFrame) -> pd.DataFrame:
        sampled = sampled[self.columns].copy()
        for name in self.columns:
            if name in self.date_formats:
                sampled[name] = dates_as_text(pd.to_datetime(sampled[name], errors="coerce"), self.date_formats[name])
            elif pd.api.types.is_numeric_dtype(self.dtypes[name]):
                sampled[name] = in_dtype(sampled[name], self.dtypes[name])
        return sampled


SYSTEMS = {
    "synthdata": SynthdataSystem,
    "ctgan": CtganSystem,
    "gaussian_copula": GaussianCopulaSystem,
    "mostlyai": MostlyAISystem,
}


@contextmanager
def ctgan_epoch_clock() -> Iterator[list[float]]:
    """Time stamps of the fit's start and of each of ctgan's epoch boundaries.

    ctgan loops over `tqdm(range(epochs))` and logs no times; swapping that tqdm for an
    iterator that notes the time as each epoch begins (and once after the last) gives
    exact epoch times and the preprocessing it does before the first epoch.
    """
    import ctgan.synthesizers.ctgan as ctgan_module

    stamps = [time.perf_counter()]

    def timed(iterable: Iterable, **_: object) -> Iterator:
        for item in iterable:
            stamps.append(time.perf_counter())
            yield item
        stamps.append(time.perf_counter())

    original = ctgan_module.tqdm
    ctgan_module.tqdm = timed
    try:
        yield stamps
    finally:
        ctgan_module.tqdm = original


def run(spec: dict) -> dict:
    """Time, fit and sample one system as `spec` says; writes the scored rows to spec['sample_path']."""
    train = pd.read_pickle(spec["train_path"])
    schema = Schema.infer(train)
    system = SYSTEMS[spec["system"]](spec["settings"], schema=schema, device=spec["device"], seed=spec["seed"])
    transformer_seconds = system.time_transformer(train)
    start = time.perf_counter()
    details = system.fit(train)
    fit_seconds = time.perf_counter() - start
    peak_after_fit = peak_rss_mb()
    sample_seconds = {}
    for rows in spec["timed_sample_rows"]:
        start = time.perf_counter()
        system.sample(rows)
        sample_seconds[str(rows)] = time.perf_counter() - start
    system.readable(system.sample(spec["scored_rows"])).to_pickle(spec["sample_path"])
    return {
        "transformer_seconds": transformer_seconds,
        "fit_seconds": fit_seconds,
        "sample_seconds": sample_seconds,
        "peak_rss_after_fit_mb": peak_after_fit,
        "peak_rss_mb": peak_rss_mb(),
        "peak_gpu_memory_mb": (
            round(torch.cuda.max_memory_allocated() / 2**20, 1) if spec["device"].startswith("cuda") else None
        ),
        "torch_threads": torch.get_num_threads(),
        **details,
    }


if __name__ == "__main__":
    warnings.simplefilter("ignore", FutureWarning)
    spec_path = Path(sys.argv[1])
    spec = json.loads(spec_path.read_text())
    Path(spec["result_path"]).write_text(json.dumps(run(spec)))
