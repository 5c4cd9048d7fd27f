"""Command line: ``python -m fabric_chaincode serve --chaincode package.module:attribute``.

Owns loading the chaincode object named on the command line, reading the server configuration
from the environment once, and the only logging set-up of the package (for this process, never
on import). Exit status 2 with a one-line message for a bad configuration or chaincode reference.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from fabric_chaincode.chaincode import Chaincode
from fabric_chaincode.config import ServerConfig
from fabric_chaincode.contract import Contract, ContractChaincode
from fabric_chaincode.errors import ConfigError


def load_chaincode(reference: str) -> Chaincode:
    """Resolve ``package.module:attribute`` to something the server can run.

    The attribute may be a low-level Chaincode (``init``/``invoke``), a ContractChaincode, a
    Contract instance or a list/tuple of Contract instances.
    """
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigError(f"--chaincode must be package.module:attribute, got {reference!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"--chaincode: cannot import module {module_name!r}: {exc}") from exc
    target: object = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            raise ConfigError(
                f"--chaincode: {module_name!r} has no attribute {attribute!r}"
            ) from exc
    if isinstance(target, Contract):
        return ContractChaincode([target])
    if (
        isinstance(target, (list, tuple))
        and target
        and all(isinstance(c, Contract) for c in target)
    ):
        return ContractChaincode(list(target))
    if isinstance(target, Chaincode):
        return target
    raise ConfigError(
        f"--chaincode: {reference} is neither a Chaincode, a ContractChaincode nor contracts"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m fabric_chaincode")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the chaincode as a service")
    serve_parser.add_argument("--chaincode", required=True, help="package.module:attribute")
    serve_parser.add_argument("--log-level", default="INFO")
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=options.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = ServerConfig.from_env()
        chaincode = load_chaincode(options.chaincode)
    except ConfigError as exc:
        print(f"fabric_chaincode: {exc}", file=sys.stderr)
        return 2
    from fabric_chaincode.server import serve

    serve(chaincode, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
