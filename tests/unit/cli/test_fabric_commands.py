"""`sov fabric install` and `sov fabric which`: what they print, their JSON, exit codes.

The releases are stand-ins laid out like Fabric's archives, whose ``peer version`` and
``fabric-ca-server version`` print what the real commands print (test doubles).
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sovereign_cli.main import ExitCode, cli
from sovereign_network import binaries


def _write(path: Path, text: str, mode: int = 0o755) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)


def _fabric(root: Path, version: str = "3.1.5", commit: str = "86c1172") -> Path:
    for tool in (*binaries.TOOLS, "configtxlator"):
        _write(root / "bin" / tool, "#!/bin/sh\nexit 1\n")
    _write(
        root / "bin" / "peer",
        f"#!/bin/sh\necho 'peer:'\necho ' Version: {version}'\necho ' Commit SHA: {commit}'\n",
    )
    _write(root / "config" / "core.yaml", "peer: {}\n", 0o644)
    for step in ("detect", "build", "release"):
        _write(root / "builders" / "ccaas" / "bin" / step, "#!/bin/sh\n")
    return root


def _ca(root: Path) -> Path:
    for tool in binaries.CA_TOOLS:
        _write(root / "bin" / tool, f"#!/bin/sh\necho '{tool}:'\necho ' Version: 1.5.21'\n")
    return root


def _tar(folder: Path, archive: Path) -> Path:
    with tarfile.open(archive, "w:xz") as tar:
        for child in sorted(folder.iterdir()):
            tar.add(child, arcname=child.name)
    return archive


@pytest.fixture
def runner(tmp_path: Path) -> CliRunner:
    # Nothing from the caller's environment decides which Fabric is found.
    return CliRunner(
        env={
            "SOV_CACHE": str(tmp_path / "cache"),
            "FABRIC_RELEASE": None,
            "FABRIC_BIN": None,
            "FABRIC_CA_RELEASE": None,
            "FABRIC_VERSION": None,
        }
    )


def test_install_an_archive_then_which_finds_it(runner: CliRunner, tmp_path: Path) -> None:
    archive = _tar(_fabric(tmp_path / "release"), tmp_path / "fabric-3.1.5.tar.xz")
    missing = runner.invoke(cli, ["fabric", "which"])
    assert missing.exit_code == ExitCode.FABRIC_MISSING
    assert "sov fabric install" in missing.output

    installed = runner.invoke(cli, ["fabric", "install", str(archive)])
    assert installed.exit_code == 0, installed.output
    assert f"installed Fabric v3.1.5 from {archive}" in installed.output
    cache = tmp_path / "cache" / "fabric" / binaries.RELEASES["3.1"]
    assert str(cache) in installed.output

    which = runner.invoke(cli, ["fabric", "which"])
    assert which.exit_code == 0, which.output
    lines = which.output.splitlines()
    assert lines[0].split() == ["fabric", "v3.1.5", "(commit", "86c1172)"]
    assert "installed" in lines[1]
    assert any(line.split()[0] == "builders" and str(cache) in line for line in lines)
    assert lines[-1].split() == ["fabric-ca", "not", "installed"]


def test_which_json_before_or_after_the_verb(runner: CliRunner, tmp_path: Path) -> None:
    release = _fabric(tmp_path / "release")
    env = {"FABRIC_RELEASE": str(release)}
    for argv in (["--json", "fabric", "which"], ["fabric", "which", "--json"]):
        result = runner.invoke(cli, argv, env=env)
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert report["fabric"] == {
            "kind": "fabric",
            "version": "3.1.5",
            "commit": "86c1172",
            "source_commit": binaries.RELEASES["3.1"],
            "source": "FABRIC_RELEASE",
            "bin_dir": str(release / "bin"),
            "config_dir": str(release / "config"),
            "builders_dir": str(release / "builders" / "ccaas" / "bin"),
        }
        assert report["fabric_ca"] is None


def test_which_asks_fabric_bin_binaries_for_their_commit(runner: CliRunner, tmp_path: Path) -> None:
    release = _fabric(tmp_path / "release")
    result = runner.invoke(
        cli, ["fabric", "which", "--json"], env={"FABRIC_BIN": str(release / "bin")}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["fabric"]["commit"] == "86c1172"


def test_install_fabric_ca_and_which_shows_it(runner: CliRunner, tmp_path: Path) -> None:
    archive = _tar(_ca(tmp_path / "ca"), tmp_path / "fabric-ca.tar.xz")
    result = runner.invoke(cli, ["fabric", "install", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert (record["kind"], record["version"]) == ("fabric-ca", "1.5.21")
    assert record["installed_from"] == str(archive)
    env = {"FABRIC_RELEASE": str(_fabric(tmp_path / "release"))}
    which = runner.invoke(cli, ["fabric", "which"], env=env)
    assert which.exit_code == 0, which.output
    assert "fabric-ca  v1.5.21" in which.output
    assert record["bin_dir"] in which.output


def test_install_of_another_version_says_how_to_select_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    release = _fabric(tmp_path / "release", "2.5.16", "f871cf9")
    result = runner.invoke(cli, ["fabric", "install", str(release)])
    assert result.exit_code == 0, result.output
    assert "installed Fabric v2.5.16" in result.output
    assert "note: used when FABRIC_VERSION=2.5" in result.output


def test_install_refuses_an_unsupported_release(runner: CliRunner, tmp_path: Path) -> None:
    release = _fabric(tmp_path / "release", "2.2.0", "1234567")
    result = runner.invoke(cli, ["fabric", "install", str(release)])
    assert result.exit_code == ExitCode.FABRIC_MISSING
    assert "Fabric 2.2.0; the supported releases are v3.1.5, v2.5.16" in result.output


def test_a_broken_fabric_ca_release_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    env = {
        "FABRIC_RELEASE": str(_fabric(tmp_path / "release")),
        "FABRIC_CA_RELEASE": str(tmp_path / "nowhere.tar.xz"),
    }
    result = runner.invoke(cli, ["fabric", "which"], env=env)
    assert result.exit_code == ExitCode.FABRIC_MISSING
    assert "FABRIC_CA_RELEASE" in result.output
    assert "does not exist" in result.output
