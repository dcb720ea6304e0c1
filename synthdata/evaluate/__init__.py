"""Fidelity, detection, utility and privacy metrics, and the report."""

from synthdata.evaluate.database import DatabaseReport, evaluate_database
from synthdata.evaluate.entities import EntityRealism, entity_realism
from synthdata.evaluate.evaluation import evaluate
from synthdata.evaluate.report import Report

__all__ = ["DatabaseReport", "EntityRealism", "Report", "entity_realism", "evaluate", "evaluate_database"]
