"""Sources and sinks: files, DataFrames and SQL databases."""
