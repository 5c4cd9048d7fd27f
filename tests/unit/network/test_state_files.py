"""The tooling's own state and run records: JSON read as strictly as every other JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovereign_network import topology
from sovereign_network.network import Network, NetworkError
from sovereign_network.supervisor import ProcessError, Supervisor


def test_state_and_run_records_that_repeat_a_key_are_refused(tmp_path: Path) -> None:
    net = Network(tmp_path, topology.load(), None)
    net.state_file.write_text('{"base_port": 1, "base_port": 2}')
    with pytest.raises(NetworkError, match="repeats a key"):
        net.load_state()
    supervisor = Supervisor(tmp_path / "sup")
    record = supervisor.run_dir / "peer0.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text('{"name": "peer0", "pid": 1, "pid": 2, "start_ticks": 0, "log": "x"}')
    with pytest.raises(ProcessError, match="repeats a key"):
        supervisor.record("peer0")
