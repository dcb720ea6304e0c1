"""TabularGAN: the estimator users fit, sample, save and load.

It wires the pipeline of DESIGN.md together and owns nothing else: the schema says
what each column is and reparametrizes constrained columns, the DataTransformer
encodes the modelled ones, the AdversarialTrainer learns them, and sampling runs
the same chain backwards before the schema fills in generated columns (ids, Faker
values) that the model never sees. A fit's plan says how each step reads the real
rows: as they are (synthdata.models.plain_fit), or under differential privacy.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from synthdata.device import DeviceName, resolve_device
from synthdata.errors import NotFittedError, SchemaError, SynthDataError
from synthdata.models.checkpoint import fit_fingerprint, read_checkpoint, write_checkpoint
from synthdata.models.ctgan import NetworkConfig, restored_generator
from synthdata.models.duration import parse_duration
from synthdata.models.fit_inputs import check_schema_covers, check_seed, checked_frame, learned_columns
from synthdata.models.pipeline import SamplingPipeline, SamplingStage
from synthdata.models.plain_fit import PlainFit
from synthdata.models.progress import Phase, show_progress, train_with_progress
from synthdata.models.replicas import Replicas
from synthdata.models.sampler import RowSampler
from synthdata.models.saved_model import model_info, restore_fitted_fields, saved_contents
from synthdata.models.stages import STAGE_OPTIONS, STAGES, checked_stage_names, loaded_stages
from synthdata.models.training import training_record
from synthdata.models.user_conditions import ResolvedConditions
from synthdata.persist import FORMAT_VERSION, load_model, prefixed, save_model
from synthdata.privacy.budget import check_epsilon
from synthdata.privacy.request import plan_private_fit
from synthdata.schema import Schema
from synthdata.version import __version__


class TabularGAN:
    """A conditional tabular GAN (the CTGAN design) for one table.

    >>> gan = TabularGAN().fit(df)
    >>> gan.sample(1000, conditions={"GENDER": "F"})

    With `epsilon`, the whole fit is (epsilon, delta)-differentially private for one
    row of the table (see synthdata.privacy and docs/privacy.md); delta defaults to
    min(1e-5, 0.1/n), and `privacy_` records what was spent and what was public.
    Its noise and row sampling come from the operating system, not from `seed`.

    Otherwise, the same seed, data and device give the same model and the same samples.
    Without `epochs`, training runs as many epochs as make 2,500 optimizer steps, and
    sees each row at most 1,100 times (synthdata.models.training.default_epochs).
    """

    def __init__(
        self,
        *,
        epochs: int | None = None,
        batch_size: int = 500,
        embedding_dim: int = 128,
        generator_dims: Sequence[int] = (256, 256),
        critic_dims: Sequence[int] = (256, 256),
        pac: int = 10,
        learning_rate: float = 1e-3,
        calibrate: bool = True,
        refine: bool = True,
        redraw: bool = True,
        max_time: str | float | None = None,
        device: DeviceName = "auto",
        seed: int = 0,
        verbose: bool = True,
        epsilon: float | None = None,
        delta: float | None = None,
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.embedding_dim = embedding_dim
        self.generator_dims = tuple(generator_dims)
        self.critic_dims = tuple(critic_dims)
        self.pac = pac
        self.learning_rate = learning_rate
        self.calibrate = calibrate
        self.refine = refine
        self.redraw = redraw
        self.max_time = max_time
        self.device = device
        self.seed = seed
        self.verbose = verbose
        self.epsilon = epsilon
        self.delta = delta

    # -- fitting -----------------------------------------------------------------

    def fit(
        self,
        data: pd.DataFrame,
        *,
        schema: Schema | None = None,
        checkpoint: str | os.PathLike[str] | None = None,
        checkpoint_every: int = 10,
        resume: bool = False,
        distributed: bool = False,
    ) -> TabularGAN:
        """Learn `data`; the schema is inferred when not given. Returns self.

        With `checkpoint`, the training state is written there every
        `checkpoint_every` epochs; with `resume`, a fit continues from that file
        when it exists (same data and options required).

        With `distributed`, this process is one of a torchrun job: every process
        calls `fit` with the same data and options, trains on its share of each
        batch, and ends with the same model; only the first reports progress and
        writes checkpoints (see `synthdata.models.replicas`).
        """
        self.check_options()
        data = checked_frame(data)
        device = resolve_device(self.device)
        replicas = None
        if distributed:
            replicas, device = Replicas.join(device)
        self.replica_rank_ = replicas.rank if replicas is not None else 0
        verbose = self.verbose and self.replica_rank_ == 0
        rng = np.random.default_rng(self.seed)
        torch_random = torch.Generator(device=device).manual_seed(self.seed)

        private = plan_private_fit(
            data,
            schema,
            epsilon=self.epsilon,
            delta=self.delta,
            batch_size=self.batch_size,
            epochs=self.epochs,
            resumable=distributed or checkpoint is not None,
            redraw=self.redraw,
            pairs=self.refine,
        )
        plan = (
            private
            if private is not None
            else PlainFit.plan(data, schema, epochs=self.epochs, batch_size=self.batch_size)
        )
        self.schema_ = plan.schema
        check_schema_covers(self.schema_, data)
        self.schema_.fit_constraints(data)
        reshaped = self.schema_.transform(data)
        modelled = learned_columns(self.schema_)
        with Phase("Encoding columns", verbose):
            self.transformer_, encoded = plan.encode(reshaped, modelled, rng)
            encoded = encoded.to(device)

        trainer = plan.trainer(
            encoded,
            self.transformer_,
            len(data),
            config=self._network_config(),
            batch_size=plan.batch_size,  # under DP, at most a share of the rows (privacy.request)
            generator=torch_random,
            replicas=replicas,
        )
        self.epochs_ = plan.epochs
        fingerprint = fit_fingerprint(data, self.transformer_.output_dim, self.get_params())
        start_epoch = 0
        if resume and checkpoint is not None and Path(checkpoint).exists():
            start_epoch, meta, tensors = read_checkpoint(checkpoint, fingerprint=fingerprint)
            trainer.restore(meta, tensors)

        def save(epoch: int) -> None:
            if checkpoint is not None:  # without one, save_every is None and this is never called
                write_checkpoint(checkpoint, fingerprint=fingerprint, epoch=epoch, state=trainer.state())

        self.history_ = train_with_progress(
            trainer,
            self.epochs_,
            start_epoch=start_epoch,
            max_seconds=parse_duration(self.max_time) if self.max_time is not None else None,
            verbose=verbose,
            save_every=checkpoint_every if checkpoint is not None and self.replica_rank_ == 0 else None,
            save=save,
        )
        self.training_ = training_record(self.epochs_, self.history_, device)
        self.file_versions_ = (__version__, FORMAT_VERSION)
        self.generator_ = trainer.generator.eval()
        self.category_counts_ = [counts.cpu() for counts in trainer.category_counts]
        self.n_rows_ = len(data)
        self.columns_ = list(data.columns)
        self.device_ = device
        self.pipeline_ = self._raw_pipeline()
        for name in STAGES:
            if not getattr(self, STAGE_OPTIONS[name]):
                continue
            # under DP a stage reads the releases, or the rows through its own budget item
            planned = plan.stage(name, self.transformer_, device, encoded, rng)
            if planned is not None:
                stage, rows = planned
                with Phase(stage.description, verbose):
                    self.pipeline_.fit(stage, rows, self.seed)
        # after the stages: one that declined before reading a row spent nothing
        self.privacy_ = plan.record(len(self.history_) * trainer.steps_per_epoch, self.pipeline_.names)
        return self

    def _raw_pipeline(self, stages: Sequence[SamplingStage] = ()) -> SamplingPipeline:
        return SamplingPipeline(
            self.generator_, self.transformer_, self.category_counts_, self.embedding_dim, self.device_, stages
        )

    @property
    def stages_(self) -> tuple[str, ...]:
        """The names of the fitted sampling stages, in the order sampling runs them
        (a stage whose option is off, or that the table is too small for, is absent)."""
        self._row_sampler()
        return self.pipeline_.names

    def check_options(self) -> None:
        """Raise SynthDataError for a hyper-parameter `fit` cannot use (batch size, epochs,
        seed, time budget, device), before any data is read."""
        if self.epsilon is not None:
            check_epsilon(self.epsilon)
        pac = self._network_config().pac
        if self.batch_size <= 0 or self.batch_size % pac != 0:
            raise SynthDataError(
                f"The batch size ({self.batch_size}) must be a positive multiple of the pack size pac ({pac})."
            )
        if self.epochs is not None and self.epochs <= 0:
            raise SynthDataError(f"epochs must be at least 1, got {self.epochs}.")
        check_seed(self.seed)
        if self.max_time is not None:
            parse_duration(self.max_time)
        resolve_device(self.device)

    def _network_config(self) -> NetworkConfig:
        return NetworkConfig(
            embedding_dim=self.embedding_dim,
            generator_dims=self.generator_dims,
            critic_dims=self.critic_dims,
            # no packing under DP: see synthdata.privacy.dp_sgd
            pac=self.pac if self.epsilon is None else 1,
            learning_rate=self.learning_rate,
        )

    # -- sampling ----------------------------------------------------------------

    def sample(
        self,
        n: int,
        *,
        conditions: Mapping[str, Any] | Sequence[str] | None = None,
        seed: int | None = None,
        dirty: float = 0.0,
        dirty_marker: str | None = None,
        stages: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """`n` synthetic rows with the real table's columns and dtypes.

        `conditions` fixes discrete values (`{"GENDER": "F"}`) or numeric ranges
        (`{"age": (30, 50)}`, or `["age>=30"]`). `seed` defaults to the model's seed,
        so the same call returns the same rows. `dirty` replaces that share of cells
        by edge cases of their kind (see `Schema.make_dirty`), changing nothing else;
        `dirty_marker` names a column that lists the dirtied columns of each row.
        `stages` names the fitted sampling stages to run (default: all of `stages_`;
        `()` samples the generator alone), to measure what each one does.
        """
        chunks = list(
            self.sample_chunks(
                n, conditions=conditions, seed=seed, dirty=dirty, dirty_marker=dirty_marker, stages=stages
            )
        )
        if not chunks:
            return self._row_sampler(stages).empty_frame()
        return pd.concat(chunks, ignore_index=True)

    def sample_chunks(
        self,
        n: int,
        *,
        conditions: Mapping[str, Any] | Sequence[str] | None = None,
        seed: int | None = None,
        chunk_size: int = 100_000,
        shard: tuple[int, int] = (0, 1),
        dirty: float = 0.0,
        dirty_marker: str | None = None,
        dirty_finite: bool = False,
        stages: Sequence[str] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield `n` rows in chunks, so any number of rows streams in bounded memory.

        `dirty_finite` leaves infinities out of the edge cases, for a destination that
        cannot store them (`sink.stores_infinity` is False).

        With `shard=(i, count)` only the i-th of `count` contiguous slices of the `n`
        rows is produced; the slices of all shards, concatenated, equal the rows of
        one unsharded call with the same seed. `stages` is as in `sample`.
        """
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise SynthDataError(f"The number of rows must be a whole number >= 0, got {n!r}.")
        index, count = shard
        if count < 1 or not 0 <= index < count:
            raise SynthDataError(f"Shard {index}/{count} does not exist; use 0 <= I < N.")
        sampler = self._row_sampler(stages)
        resolved = sampler.resolve(conditions)
        base_seed = check_seed(self.seed if seed is None else seed)
        first, last = n * index // count, n * (index + 1) // count
        with tqdm(total=last - first, desc="Sampling", unit="row", disable=not show_progress(self.verbose)) as bar:
            for chunk_index in range(first // chunk_size, -(-last // chunk_size)):
                chunk_first = chunk_index * chunk_size
                size = min(chunk_size, n - chunk_first)
                rows = sampler.rows(size, resolved, seed=(base_seed, chunk_index), row_offset=chunk_first)
                if dirty or dirty_marker is not None:
                    dirt_seed = np.random.SeedSequence([base_seed, chunk_index, 1]).generate_state(1)[0]
                    rows = self.schema_.make_dirty(
                        rows, dirty, seed=int(dirt_seed), marker=dirty_marker, finite=dirty_finite
                    )
                rows = rows.iloc[max(first - chunk_first, 0) : last - chunk_first]
                bar.update(len(rows))
                yield rows.reset_index(drop=True)

    def _row_sampler(self, stages: Sequence[str] | None = None) -> RowSampler:
        if not hasattr(self, "generator_"):
            raise NotFittedError("This TabularGAN is not fitted yet; call fit(data) first.")
        pipeline = self.pipeline_
        if stages is not None:
            pipeline = pipeline.only(checked_stage_names(stages, pipeline.names))
        return RowSampler(pipeline=pipeline, schema=self.schema_, columns=self.columns_)

    # -- persistence -------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted model to a `.synth` file (atomically); returns the path.

        After a distributed fit every process holds the same model and only the
        first one writes (`replica_rank_` 0); the others return the path."""
        self._row_sampler()
        if self.replica_rank_ != 0:
            return Path(path)
        meta, tensors = saved_contents(self)
        return save_model(path, meta, tensors)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, device: DeviceName = "auto") -> TabularGAN:
        """Read a model written by `save`; the file is checked, never unpickled."""
        meta, tensors = load_model(path)
        try:
            model = cls(**{**meta["options"], "device": device})
            restore_fitted_fields(model, meta, tensors)
            model.device_ = resolve_device(device)
            model.replica_rank_ = 0
            model.generator_ = restored_generator(
                model._network_config(), model.transformer_, prefixed(tensors, "generator."), model.device_
            )
            stages = loaded_stages(meta["stages"], prefixed(tensors, "stages."), model.transformer_, model.device_)
            model.pipeline_ = model._raw_pipeline(stages)
            # Decode two rows now: a hand-edited meta.json with values of the wrong type
            # fails here, as one clear error, instead of deep inside a later sample.
            model._row_sampler().rows(2, ResolvedConditions(), seed=(0, 0), row_offset=0)
        except SchemaError as error:  # the schema the file holds: a message that names the file
            message = str(error)
            raise SchemaError(message if str(path) in message else f"{path}: {message}") from None
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError, AttributeError, OverflowError) as error:
            raise SynthDataError(
                f"The model file {path} is inconsistent ({type(error).__name__}: {error}); "
                f"it was damaged or edited. Fit the model again."
            ) from None
        return model

    def info(self) -> dict[str, Any]:
        """What the model is: versions, rows learned, training run, options, column kinds,
        and the constraints and rules its rows keep (as in the schema file)."""
        self._row_sampler()
        return model_info(self)

    def get_params(self) -> dict[str, Any]:
        """The hyper-parameters given to `__init__` (sklearn convention)."""
        return {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "embedding_dim": self.embedding_dim,
            "generator_dims": list(self.generator_dims),
            "critic_dims": list(self.critic_dims),
            "pac": self.pac,
            "learning_rate": self.learning_rate,
            "calibrate": self.calibrate,
            "refine": self.refine,
            "redraw": self.redraw,
            "max_time": self.max_time,
            "device": self.device,
            "seed": self.seed,
            "verbose": self.verbose,
            "epsilon": self.epsilon,
            "delta": self.delta,
        }
