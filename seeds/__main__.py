"""`python -m seeds [--demo]`: the same as `stocktaking seed [--demo]`."""

import sys

from app.cli import cli

if __name__ == "__main__":
    cli(["seed", *sys.argv[1:]])
