"""Fidelity, detection, utility and privacy metrics, and the report."""

from synthdata.evaluate.entities import EntityRealism, evaluate_database
from synthdata.evaluate.evaluation import evaluate
from synthdata.evaluate.report import Report

__all__ = ["EntityRealism", "Report", "evaluate", "evaluate_database"]
