"""DataFrame <-> model tensor, reversible: mode-specific normalization and one-hot spans."""
