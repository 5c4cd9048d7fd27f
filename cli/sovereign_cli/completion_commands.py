"""``sov completion SHELL``: print the shell completion script."""

from __future__ import annotations

import os
import subprocess
import sys

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the shell completion script (use: eval "$(sov completion bash)")."""
    # click generates the script when the program runs with _SOV_COMPLETE set.
    env = {**os.environ, "_SOV_COMPLETE": f"{shell}_source"}
    script = subprocess.run(
        [sys.executable, "-c", "from sovereign_cli.main import main; main()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    click.echo(script, nl=False)
