"""Whole databases: every table and the foreign keys between them, learned and generated together.

A single-table model knows nothing of the rows other tables point at. Here a child
table is learned along its parent (how many children each parent has, and what they
look like given the parent), keys are made afresh, and every reference points at a
generated parent, so a seeded test database passes its own foreign key checks.
"""

from synthdata.relational.synthesizer import DatabaseSynthesizer

__all__ = ["DatabaseSynthesizer"]
