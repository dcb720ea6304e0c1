"""`python -m synthdata_cli`: the same as the `synthdata` command."""

from synthdata_cli.main import main

main()
