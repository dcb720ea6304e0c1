"""Differential privacy for a single-table fit: budget, accountant, noisy statistics, DP-SGD."""
