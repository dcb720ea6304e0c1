"""Fidelity, detection, utility and privacy metrics, and the report."""
