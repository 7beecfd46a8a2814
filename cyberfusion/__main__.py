"""`python -m cyberfusion`: the same as the `cyberfusion` command."""

from cyberfusion.cli.main import run

if __name__ == "__main__":
    run()
