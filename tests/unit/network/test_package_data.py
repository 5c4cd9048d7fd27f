"""Every file the packages carry besides their Python modules ships in the wheel and sdist.

setuptools includes a data file when one of the ``[tool.setuptools.package-data]``
patterns of its package (or of ``"*"``) matches it, globbed from that package's
folder; with ``packages.find`` every folder below ``where`` is a package (namespace
packages included). The test applies exactly that rule to the files on disk, so a
file the code reads at run time (a builder script without an extension, a
packaged topology) cannot be left out of an installed ``sov`` unnoticed. The
wheel smoke test (``.ci/wheel-smoke``) then runs the installed wheel for real.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


def _config() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        setuptools: dict[str, object] = tomllib.load(f)["tool"]["setuptools"]
    return setuptools


def _package_dirs() -> dict[str, Path]:
    """Package name -> folder, as ``packages.find`` with namespaces finds them."""
    find = _config()["packages"]
    assert isinstance(find, dict)
    packages: dict[str, Path] = {}
    for where in find["find"]["where"]:
        base = ROOT / where
        for folder in sorted(p for p in base.rglob("*") if p.is_dir()):
            parts = folder.relative_to(base).parts
            if all(_IDENTIFIER.match(part) for part in parts) and "__pycache__" not in parts:
                packages[".".join(parts)] = folder
    return packages


def _shipped() -> set[Path]:
    """The data files setuptools adds to the wheel (and the sdist) under those rules."""
    package_data = _config()["package-data"]
    assert isinstance(package_data, dict)
    shipped: set[Path] = set()
    for name, folder in _package_dirs().items():
        for pattern in [*package_data.get("*", []), *package_data.get(name, [])]:
            shipped.update(p for p in folder.glob(pattern) if p.is_file())
    return shipped


def _data_files_on_disk() -> set[Path]:
    files: set[Path] = set()
    for folder in _package_dirs().values():
        for path in folder.iterdir():
            if path.is_file() and path.suffix not in (".py", ".pyc") and path.name[0] != ".":
                files.add(path)
    return files


def test_every_non_python_file_of_the_packages_ships() -> None:
    on_disk = _data_files_on_disk()
    missing = sorted(str(p.relative_to(ROOT)) for p in on_disk - _shipped())
    assert not missing, f"not matched by [tool.setuptools.package-data]: {missing}"


def test_the_files_read_at_run_time_are_among_them() -> None:
    # What the tooling reads through importlib.resources: the packaged topology and the
    # external builder it copies into every network's home.
    network = ROOT / "network" / "sovereign_network" / "data"
    needed = {network / "topology.toml"} | {
        network / "ccaas_builder" / step for step in ("detect", "build", "release")
    }
    assert needed <= _shipped()
    assert {p.name for p in _shipped() if p.name == "py.typed"} == {"py.typed"}
