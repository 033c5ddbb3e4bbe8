"""`python -m leaflet`: the same as the `leaflet` console script."""

from leaflet.cli import cli

if __name__ == "__main__":
    cli()
