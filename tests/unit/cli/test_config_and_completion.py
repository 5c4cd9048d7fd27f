"""Profiles supply defaults for the global options; completion scripts are printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sovereign_cli.config import load_profile
from sovereign_cli.main import ExitCode, cli


def test_a_profile_supplies_home_and_signer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.treasury]\nhome = "/srv/sov"\nas = "Treasury/debtoffice"\nbase_port = 9000\n'
    )
    monkeypatch.setenv("SOV_CONFIG", str(config))
    profile = load_profile("treasury")
    assert profile.home == Path("/srv/sov")
    assert profile.as_user == "Treasury/debtoffice"
    assert profile.base_port == 9000
    assert load_profile(None).home is None  # no [profiles.default]


def test_an_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.exchange]\nas = "Exchange/operator"\n')
    result = CliRunner().invoke(
        cli,
        ["--profile", "centralbank", "network", "status"],
        env={"SOV_CONFIG": str(config)},
    )
    assert result.exit_code == ExitCode.USAGE
    assert "no profile 'centralbank' (known: exchange)" in result.output


def test_a_profile_with_unknown_keys_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.default]\nhost = "x"\n')
    monkeypatch.setenv("SOV_CONFIG", str(config))
    with pytest.raises(ValueError, match="unknown keys host"):
        load_profile(None)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_the_program(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_SOV_COMPLETE" in result.output
