"""The refusal codes are one set everywhere they appear.

The catalogue is :class:`sovereign_assets.domain.errors.ErrorCode`. Each copy or use of it
must be the same set: the wire schema's list, the typed client's classes, the runtime's own
codes, the layers that really raise each code, the CLI's exit codes and the README's table.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from fabric_chaincode import RuntimeCode
from sovereign_assets.domain.errors import ALL_CODES, ErrorCode, Layer, Outcome
from sovereign_assets.schema import codes as schema_codes
from sovereign_cli.common import OUTCOME_EXIT, ExitCode
from sovereign_client import errors as client_errors

ROOT = Path(__file__).resolve().parents[2]
CHAINCODE = ROOT / "chaincode"

# Published codes no rule raises today; they stay (a code never disappears once published).
# ALREADY_SETTLED is the auction settlement's, whose contract is still to come.
NOT_RAISED_TODAY = {
    ErrorCode.CURRENCY_MISMATCH,
    ErrorCode.YIELD_NOT_FOUND,
    ErrorCode.ALREADY_SETTLED,
}


def test_every_code_is_its_own_name_and_declared_once() -> None:
    assert all(code.value == code.name for code in ErrorCode)
    assert len(set(ALL_CODES)) == len(ALL_CODES) == len(ErrorCode)
    assert all(code.layers and code.meaning.endswith(".") for code in ErrorCode)


def test_the_wire_schema_is_the_catalogue() -> None:
    assert schema_codes.ALL_CODES == ALL_CODES
    assert schema_codes.ErrorCode is ErrorCode
    assert set(schema_codes.RUNTIME_CODES) == {c for c in ErrorCode if Layer.RUNTIME in c.layers}


def test_the_runtime_answers_with_the_catalogues_runtime_codes() -> None:
    # The generic runtime declares its codes itself (it may not import the product).
    runtime = {c.value for c in ErrorCode if Layer.RUNTIME in c.layers}
    assert {c.value for c in RuntimeCode} == runtime


def test_the_runtime_writes_no_code_literal() -> None:
    # Every error response the runtime builds (types.error) takes its code from RuntimeCode
    # or a ChaincodeError, never from a bare string.
    literal = re.compile(r"^[A-Z][A-Z0-9_]{2,}: ")
    calls = 0
    for path in (CHAINCODE / "fabric_chaincode").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "error"):
                continue
            calls += 1
            first = node.args[0] if node.args else None
            if isinstance(first, ast.JoinedStr) and first.values:
                first = first.values[0]
            text = first.value if isinstance(first, ast.Constant) else ""
            assert not (isinstance(text, str) and literal.match(text)), f"{path.name}: {text!r}"
    assert calls >= 3


def _referenced_codes(package: Path) -> Iterator[str]:
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "ErrorCode"
            ):
                yield node.attr


@pytest.mark.parametrize(
    ("layer", "package"),
    [(Layer.DOMAIN, "sovereign_assets/domain"), (Layer.CONTRACT, "sovereign_assets/contracts")],
)
def test_each_code_names_the_layers_that_raise_it(layer: Layer, package: str) -> None:
    named = {ErrorCode[name] for name in _referenced_codes(CHAINCODE / package)}
    declared = {code for code in ErrorCode if layer in code.layers}
    assert named <= declared, f"{layer}: raised but not declared: {sorted(named - declared)}"
    unraised = declared - named - NOT_RAISED_TODAY
    assert not unraised, f"{layer}: declared but never raised: {sorted(unraised)}"


def test_the_typed_client_has_one_class_per_code() -> None:
    assert client_errors.codes() == set(ALL_CODES)
    for code in ErrorCode:
        cls = client_errors.error_class(code)
        assert cls is not None
        assert cls.__name__ == "".join(p.capitalize() for p in code.split("_")) + "Error"
        assert cls.error_code is code
        assert code.meaning in (cls.__doc__ or "")
        assert issubclass(cls, client_errors.RefusedError)


def test_the_typed_clients_root_is_a_gateway_error() -> None:
    from fabric_gateway import GatewayError
    from sovereign_client import FenceTimeoutError, SovereignError

    assert issubclass(client_errors.RefusedError, SovereignError)
    assert issubclass(SovereignError, GatewayError)
    assert issubclass(FenceTimeoutError, SovereignError)


def test_every_outcome_has_its_exit_code() -> None:
    assert set(OUTCOME_EXIT) == {o.value for o in Outcome}
    assert len(set(OUTCOME_EXIT.values())) == len(OUTCOME_EXIT)
    assert ExitCode.INVALID_COMMIT not in OUTCOME_EXIT.values()


def readme_table() -> str:
    """The README's table of codes, as the catalogue says it must read."""
    rows = [
        "| code | raised by | exit | meaning |",
        "|---|---|---|---|",
        *(
            f"| `{c}` | {', '.join(layer.value for layer in c.layers)} | "
            f"{OUTCOME_EXIT[c.outcome.value].value} | {c.meaning} |"
            for c in ErrorCode
        ),
    ]
    return "\n".join(rows)


def test_the_readme_lists_the_catalogue() -> None:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- codes -->\n(.*?)\n<!-- /codes -->", text, re.S)
    assert match is not None, "README.md lacks the <!-- codes --> table"
    expected = readme_table()
    assert match.group(1) == expected, f"README.md's code table should read:\n{expected}"


def test_the_readme_lists_the_exit_codes() -> None:
    text = (ROOT / "README.md").read_text()
    for code in ExitCode:
        assert f"| {code.value} | {code.meaning} |" in text, code
