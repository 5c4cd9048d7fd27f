"""What every `sov` command shares at its boundary: global options in either place, errors as
JSON under --json, an exit code per kind of failure (listed in --help), and a confirmation
before anything is deleted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import click
import pytest
from click.testing import CliRunner

from fabric_gateway import CommitError, Contract, EndorseError, ErrorDetail
from sovereign_cli.common import ExitCode, Settings
from sovereign_cli.main import cli, hoist_global_options
from sovereign_client import GatewayInvoker, SovereignClient


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _error(result_stderr: str) -> dict[str, object]:
    parsed = json.loads(result_stderr)
    assert set(parsed) == {"error"}
    body: dict[str, object] = parsed["error"]
    assert set(body) == {"code", "message", "exit_code"}
    return body


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["network", "up", "--home", "H"], ["--home", "H", "network", "up"]),
        # network status declares its own --json: that one stays
        (["network", "status", "--json", "--as=A/b"], ["--as=A/b", "network", "status", "--json"]),
        (["cash", "balance", "A", "--topology=T"], ["--topology=T", "cash", "balance", "A"]),
        (["--home", "H", "network", "up"], ["--home", "H", "network", "up"]),
        # identity enroll declares its own --profile (the CA's): it stays with the command
        (["identity", "enroll", "X", "--profile", "t"], ["identity", "enroll", "X", "--profile", "t"]),  # noqa: E501
        (["cash", "balance", "--", "--home"], ["cash", "balance", "--", "--home"]),
        (["nosuch", "--home", "H"], ["nosuch", "--home", "H"]),
    ],
)  # fmt: skip
def test_global_options_after_the_command_move_in_front(
    given: list[str], expected: list[str]
) -> None:
    assert isinstance(cli, click.Group)
    assert hoist_global_options(cli, given) == expected


def test_global_options_work_before_the_group_and_after_the_command(
    runner: CliRunner, tmp_path: Path
) -> None:
    home = str(tmp_path / "elsewhere")
    before = runner.invoke(cli, ["--home", home, "network", "status"])
    after = runner.invoke(cli, ["network", "status", "--home", home])
    assert before.exit_code == after.exit_code == ExitCode.NOT_FOUND
    assert before.stderr == after.stderr
    assert home in after.stderr


def test_errors_under_json_are_json(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["--json", "--home", str(tmp_path), "network", "status"])
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert missing.stdout == ""
    body = _error(missing.stderr)
    assert body["code"] == "NOT_FOUND"
    assert body["exit_code"] == ExitCode.NOT_FOUND
    assert str(tmp_path) in str(body["message"])

    usage = runner.invoke(cli, ["network", "statux", "--json"])
    assert usage.exit_code == ExitCode.USAGE
    assert _error(usage.stderr)["code"] == "USAGE"

    bad_option = runner.invoke(cli, ["--json", "cash", "balance", "--bogus"])
    assert bad_option.exit_code == ExitCode.USAGE
    assert "--bogus" in str(_error(bad_option.stderr)["message"])


def test_the_help_lists_every_exit_code(runner: CliRunner) -> None:
    shown = runner.invoke(cli, ["--help"]).output
    for code in ExitCode:
        assert f"  {code.value}  {code.meaning}" in shown


class _FailingContract:
    """A Gateway contract whose every call fails with the given Gateway error."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def submit(self, name: str, **_: object) -> bytes:
        raise self.error

    def evaluate(self, name: str, **_: object) -> bytes:
        raise self.error


def _run_failing(runner: CliRunner, tmp_path: Path, error: Exception, *args: str) -> object:
    settings = Settings(
        home=tmp_path,
        topology=None,
        base_port=None,
        as_json=False,
        client_factory=lambda _: SovereignClient(
            GatewayInvoker(cast(Contract, _FailingContract(error)), msp_id="TreasuryMSP")
        ),
    )
    return runner.invoke(cli, list(args), obj=settings, env={"SOV_CONFIG": str(tmp_path / "no")})


def test_an_invalid_commit_has_its_own_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    invalid = CommitError(
        transaction_id="tx9",
        validation_code=11,
        validation_code_name="MVCC_READ_CONFLICT",
        block_number=7,
    )
    result = _run_failing(runner, tmp_path, invalid, "--json", "cash", "mint", "SGL-A", "100")
    assert result.exit_code == ExitCode.INVALID_COMMIT  # type: ignore[attr-defined]
    body = _error(result.stderr)  # type: ignore[attr-defined]
    assert body["code"] == "MVCC_READ_CONFLICT"
    assert body["exit_code"] == 8

    unreachable = EndorseError("failed to endorse", transaction_id="tx10")
    result = _run_failing(runner, tmp_path, unreachable, "cash", "mint", "SGL-A", "100")
    assert result.exit_code == ExitCode.NETWORK  # type: ignore[attr-defined]


def test_a_refusal_exits_by_its_outcome_and_names_its_code(
    runner: CliRunner, tmp_path: Path
) -> None:
    def refused(text: str) -> EndorseError:
        detail = ErrorDetail("127.0.0.1:1", "TreasuryMSP", f"chaincode response 500, {text}")
        return EndorseError("failed to endorse", details=[detail], transaction_id="tx")

    holding = _run_failing(
        runner, tmp_path, refused("INSUFFICIENT_HOLDING: PK1: sender SGL-A"),
        "cash", "balance", "SGL-A", "--json",
    )  # fmt: skip
    assert holding.exit_code == ExitCode.REFUSED  # type: ignore[attr-defined]
    assert _error(holding.stderr)["code"] == "INSUFFICIENT_HOLDING"  # type: ignore[attr-defined]
    unknown = _run_failing(
        runner, tmp_path, refused("UNKNOWN_ACCOUNT: SGL-A"), "cash", "balance", "SGL-A"
    )
    assert unknown.exit_code == ExitCode.NOT_FOUND  # type: ignore[attr-defined]
    assert "error: UNKNOWN_ACCOUNT: SGL-A" in unknown.stderr  # type: ignore[attr-defined]
    too_large = _run_failing(
        runner, tmp_path, refused("RESPONSE_TOO_LARGE: page it"), "cash", "balance", "SGL-A"
    )
    assert too_large.exit_code == ExitCode.CHAINCODE_FAULT  # type: ignore[attr-defined]


def _stopped_network(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "network.json").write_text(json.dumps({"base_port": 23950}))
    (home / "ledger-data").write_text("what a purge deletes")


def test_purging_asks_first(runner: CliRunner, tmp_path: Path) -> None:
    home = tmp_path / "net"
    _stopped_network(home)
    declined = runner.invoke(cli, ["--home", str(home), "network", "down", "--purge"], input="n\n")
    assert declined.exit_code == ExitCode.USAGE
    assert "Delete" in declined.stderr
    assert (home / "ledger-data").exists()

    agreed = runner.invoke(cli, ["network", "down", "--purge", "--home", str(home)], input="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert not home.exists()

    _stopped_network(home)
    unasked = runner.invoke(
        cli, ["--json", "--home", str(home), "network", "down", "--purge", "--yes"]
    )
    assert unasked.exit_code == 0, unasked.output
    assert json.loads(unasked.stdout)["purged"] is True
    assert not home.exists()


def _commands(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found += _commands(sub, f"{path} {name}")
    return found


def test_every_help_text_is_a_whole_sentence() -> None:
    # A capital first, a full stop last: "ACCOUNT's cash" or "Lines from the end" is not help.
    def sentence(text: str) -> bool:
        text = " ".join(text.split())
        return bool(text) and text[0].isupper() and text.endswith((".", ".)", "?"))

    bad = []
    for path, command in _commands(cli, "sov"):
        first = (command.help or "").strip().split("\n\n")[0]
        if not sentence(first):
            bad.append(f"{path}: {first!r}")
        for param in command.params:
            text = getattr(param, "help", None)
            if isinstance(param, click.Option) and text is not None and not sentence(text):
                bad.append(f"{path} {param.opts[0]}: {text!r}")
    assert bad == []
