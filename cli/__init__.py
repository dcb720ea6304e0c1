"""The `synthdata` command line: parses options and calls the public API."""
