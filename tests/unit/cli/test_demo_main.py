"""``python -m sovereign_cli.demo`` (``make demo``): where it runs, what it never deletes,
and the hint it ends with. Nothing here starts a network: a home that already holds one
is refused before Fabric is even looked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sovereign_cli import demo


def _existing_network(home: Path) -> Path:
    home.mkdir(parents=True)
    state = home / "network.json"
    state.write_text(json.dumps({"base_port": 32000}))
    return state


def test_a_network_already_in_the_home_is_refused_not_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "net"
    state = _existing_network(home)
    assert demo.main(["--home", str(home)]) == 2
    said = capsys.readouterr().err
    assert f"a network already exists in {home.resolve()} (stopped)" in said
    assert "--fresh" in said
    assert f"sov --home {home.resolve()} network down --purge" in said
    assert state.is_file()


def test_sov_home_chooses_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "from-env"
    state = _existing_network(home)
    monkeypatch.setenv("SOV_HOME", str(home))
    assert demo.main([]) == 2
    assert f"already exists in {home.resolve()}" in capsys.readouterr().err
    assert state.is_file()


def test_a_bad_base_port_in_the_environment_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOV_BASE_PORT", "lots")
    with pytest.raises(SystemExit) as exited:
        demo.main([])
    assert exited.value.code == 2


def test_the_closing_hint_puts_global_options_before_the_group(tmp_path: Path) -> None:
    default = tmp_path / "default"
    plain = demo.closing_hint(default, default)
    assert "  sov --as CentralBank/registrar instrument list" in plain
    assert "  sov network status" in plain
    elsewhere = demo.closing_hint(tmp_path / "my net", default)
    quoted = f"'{tmp_path / 'my net'}'"
    assert f"  sov --home {quoted} --as CentralBank/registrar instrument list" in elsewhere
    assert any(
        line.startswith(f"Stop it with: sov --home {quoted} network down") for line in elsewhere
    )
    groups = {"network", "instrument", "cash", "report"}
    for line in plain + elsewhere:
        words = line.split()
        if "--as" in words:  # every global option comes before the command group
            assert not groups & set(words[: words.index("--as")]), line


def test_the_closing_hint_reconciles_cash_and_tax_with_the_report_totals(tmp_path: Path) -> None:
    hint = demo.closing_hint(tmp_path, tmp_path, {"minted": 380_000_000_000, "tax": 1_152_000_000})
    expected = "--expect-cash 380000000000 --expect-tax 1152000000"
    assert f"  sov --as CentralBank/registrar report reconcile {expected}" in hint
