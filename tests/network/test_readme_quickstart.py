"""The README's `sov`-only walkthrough runs as written, on a network of its own.

The shell block of "From nothing to a usable register with `sov` alone" is run with
bash, `sov` on the PATH as the quick start puts it there, from an empty home: network
up, chaincode deployed, governance, investors, accounts, cash, a bill and a bond
issued, a transfer, a DvP trade, a refused check, redemption, coupons, maturity, a
reconciled register and the network down. Its ports are its own, so it can run beside
the session's consortium.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sovereign_network import topology
from sovereign_network.binaries import FabricInstall
from sovereign_network.network import Network
from tests.consortium import SESSION_BASE_PORT

pytestmark = pytest.mark.network

README = Path(__file__).resolve().parents[2] / "README.md"
WALKTHROUGH_BASE_PORT = SESSION_BASE_PORT + 600


def _walkthrough() -> str:
    text = README.read_text()
    section = text[text.index("### From nothing to a usable register with `sov` alone") :]
    match = re.search(r"```sh\n(.*?)```", section, re.S)
    assert match, "the README's walkthrough has no sh block"
    return match.group(1)


def test_the_readme_walkthrough_runs_as_written(fabric: FabricInstall, tmp_path: Path) -> None:
    home, work = tmp_path / "network", tmp_path / "work"
    work.mkdir()
    bin_dir = str(Path(sys.executable).parent)  # `sov` as `export PATH=.venv/bin:...` gives it
    env = {
        **os.environ,
        "SOV_HOME": str(home),
        "SOV_BASE_PORT": str(WALKTHROUGH_BASE_PORT),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    net = Network(home, topology.load(base_port=WALKTHROUGH_BASE_PORT), fabric)
    try:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _walkthrough()],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert run.returncode == 0, f"{run.stdout[-6000:]}\n{run.stderr[-6000:]}"
        assert "NOT_KYC_VERIFIED" in run.stdout
        assert net.supervisor.running() == [], "the walkthrough's `sov network down` left processes"
    finally:
        net.down()
    assert net.supervisor.running() == []
