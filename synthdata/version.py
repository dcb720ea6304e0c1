"""The version of synthdata, in one place.

A module of its own so that library modules can read it without importing
`synthdata/__init__.py`, and so that the build reads it without importing torch.
"""

__version__ = "0.1.0"
