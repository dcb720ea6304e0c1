"""Fidelity, detection, utility and privacy metrics, and the report."""

from synthdata.evaluate.evaluation import evaluate
from synthdata.evaluate.report import Report

__all__ = ["Report", "evaluate"]
