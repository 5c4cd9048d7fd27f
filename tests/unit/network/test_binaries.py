"""Finding Fabric: release archives and folders, FABRIC_BIN, the cache, Fabric CA.

The releases here are small stand-ins laid out like Fabric's official archives
(``bin/``, ``config/``, ``builders/ccaas/bin/``) whose ``peer version`` and
``fabric-ca-server version`` print what the real commands print; they are test
doubles, not Fabric binaries.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from sovereign_network import binaries
from sovereign_network.binaries import BinariesUnavailable, FabricCAInstall, FabricInstall

FABRIC_TOOLS = (*binaries.TOOLS, "configtxlator", "discover", "cryptogen", "ledgerutil")


def _peer_script(version: str, commit: str, runs: Path) -> str:
    return (
        "#!/bin/sh\n"
        f'echo run >> "{runs}"\n'
        'if [ "$1" = version ]; then\n'
        "  echo 'peer:'\n"
        f"  echo ' Version: {version}'\n"
        f"  echo ' Commit SHA: {commit}'\n"
        "  echo ' Go version: go1.26.8'\n"
        "  echo ' OS/Arch: linux/amd64'\n"
        "fi\n"
    )


def _files(
    version: str = "3.1.5",
    commit: str = "86c1172",
    *,
    runs: Path,
    builders: bool = True,
    without: tuple[str, ...] = (),
) -> dict[str, tuple[bytes, int]]:
    """Relative path -> (content, mode) of a stand-in Fabric release."""
    files: dict[str, tuple[bytes, int]] = {}
    for tool in FABRIC_TOOLS:
        if tool in without:
            continue
        script = _peer_script(version, commit, runs) if tool == "peer" else "#!/bin/sh\nexit 1\n"
        files[f"bin/{tool}"] = (script.encode(), 0o755)
    for name in ("core.yaml", "orderer.yaml", "configtx.yaml"):
        files[f"config/{name}"] = (b"# sample\n", 0o644)
    if builders:
        for step in ("detect", "build", "release"):
            files[f"builders/ccaas/bin/{step}"] = (b"#!/bin/sh\nexit 0\n", 0o755)
    return files


def _ca_files(version: str = "1.5.21") -> dict[str, tuple[bytes, int]]:
    script = (
        "#!/bin/sh\n"
        'name=$(basename "$0")\n'
        'echo "$name:"\n'
        f"echo ' Version: {version}'\n"
        "echo ' Go version: go1.26.8'\n"
    )
    return {f"bin/{t}": (script.encode(), 0o755) for t in binaries.CA_TOOLS}


def _archive(
    path: Path, files: dict[str, tuple[bytes, int]], *, prefix: str = "", mode: str = ""
) -> Path:
    compression = mode or ("xz" if path.name.endswith(".xz") else "gz")
    with tarfile.open(path, f"w:{compression}") as tar:  # type: ignore[call-overload]
        dirs = sorted({str(Path(prefix + name).parent) for name in files} - {"."})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            tar.addfile(info)
        for name, (content, file_mode) in files.items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(content)
            info.mode = file_mode
            tar.addfile(info, io.BytesIO(content))
    return path


def _folder(root: Path, files: dict[str, tuple[bytes, int]]) -> Path:
    for name, (content, mode) in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(mode)
    return root


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """Each run of a stand-in ``peer`` adds a line here."""
    return tmp_path / "peer-runs"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _env(cache: Path, **extra: str) -> dict[str, str]:
    return {"SOV_CACHE": str(cache), "PATH": "/usr/bin:/bin", **extra}


def _runs(runs: Path) -> int:
    return len(runs.read_text().splitlines()) if runs.exists() else 0


@pytest.mark.parametrize("name", ["fabric-3.1.5.tar.gz", "fabric-3.1.5.tar.xz"])
def test_a_release_archive_is_unpacked_into_the_cache(
    tmp_path: Path, cache: Path, runs: Path, name: str
) -> None:
    archive = _archive(tmp_path / name, _files(runs=runs))
    found = binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    root = cache / "fabric" / binaries.RELEASES["3.1"]
    assert found.bin_dir.parent.parent == root
    assert found.bin_dir.parent.name.startswith("release-")
    assert found.config_dir == found.bin_dir.parent / "config"
    assert found.builders_dir == found.bin_dir.parent / "builders" / "ccaas" / "bin"
    assert (found.version, found.commit) == ("3.1", binaries.RELEASES["3.1"])
    assert found.reported_commit == "86c1172"
    assert found.source == "FABRIC_RELEASE"
    assert found.release == "v3.1.5"
    assert (found.tool("peer")).stat().st_mode & 0o111
    assert (found.config_dir / "core.yaml").is_file()
    assert not list((cache / "fabric").glob(".unpack-*"))


def test_the_second_call_is_a_no_op(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.xz", _files(runs=runs))
    env = _env(cache, FABRIC_RELEASE=str(archive))
    first = binaries.ensure(env)
    stamp = first.bin_dir.parent / "release.json"
    written = stamp.stat().st_mtime_ns
    asked = _runs(runs)
    second = binaries.ensure(env)
    assert second == first
    assert _runs(runs) == asked, "the cached release is not asked again"
    assert stamp.stat().st_mtime_ns == written
    assert len(list(first.bin_dir.parent.parent.glob("release-*"))) == 1


def test_another_archive_gets_its_own_folder(tmp_path: Path, cache: Path, runs: Path) -> None:
    one = _archive(tmp_path / "one.tar.gz", _files(runs=runs))
    other = _archive(tmp_path / "two.tar.gz", _files(runs=runs, builders=False))
    a = binaries.locate(_env(cache, FABRIC_RELEASE=str(one)))
    b = binaries.locate(_env(cache, FABRIC_RELEASE=str(other)))
    assert a.bin_dir != b.bin_dir
    assert b.builders_dir is None


def test_a_version_mismatch_names_both_versions(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.xz", _files(runs=runs))
    with pytest.raises(
        BinariesUnavailable, match=r"Fabric 3\.1\.5 but FABRIC_VERSION selects 2\.5\.16"
    ):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(archive), FABRIC_VERSION="2.5"))
    # Unpacked all the same, under its own release: selecting 3.1 then costs nothing.
    asked = _runs(runs)
    assert binaries.locate(_env(cache, FABRIC_RELEASE=str(archive))).version == "3.1"
    assert _runs(runs) == asked


def test_an_unsupported_release_is_refused_and_not_cached(
    tmp_path: Path, cache: Path, runs: Path
) -> None:
    archive = _archive(tmp_path / "f.tar.gz", _files("3.0.0", "abcdef1", runs=runs))
    with pytest.raises(BinariesUnavailable, match=r"Fabric 3\.0\.0; the supported releases are"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    assert not list((cache / "fabric").rglob("release-*"))
    assert not list((cache / "fabric").glob(".unpack-*"))


def test_missing_tools_are_named(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.gz", _files(runs=runs, without=("orderer", "osnadmin")))
    with pytest.raises(BinariesUnavailable, match="lacks executable orderer, osnadmin"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    assert not list((cache / "fabric").rglob("release-*"))


@pytest.mark.parametrize(
    ("member", "link"),
    [("../evil", None), ("/tmp/evil", None), ("bin/../../evil", None), ("bin/sneaky", "../../x")],
)
def test_members_that_escape_are_refused(
    tmp_path: Path, cache: Path, runs: Path, member: str, link: str | None
) -> None:
    archive = _archive(tmp_path / "f.tar.gz", _files(runs=runs))
    with tarfile.open(archive, "r:gz") as tar:
        members = [(m, tar.extractfile(m)) for m in tar.getmembers()]
        kept = [(m, f.read() if f else None) for m, f in members]
    with tarfile.open(archive, "w:gz") as tar:
        for info, content in kept:
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
        evil = tarfile.TarInfo(member)
        if link is None:
            evil.size = 4
            tar.addfile(evil, io.BytesIO(b"evil"))
        else:
            evil.type = tarfile.SYMTYPE
            evil.linkname = link
            tar.addfile(evil)
    with pytest.raises(BinariesUnavailable, match="outside the release folder"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    assert not (tmp_path / "evil").exists()
    assert not list((cache / "fabric").rglob("release-*"))


def test_a_half_unpacked_folder_is_never_used(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.gz", _files(runs=runs))
    # What a process killed while unpacking leaves: a temporary folder, never the release's.
    partial = cache / "fabric" / ".unpack-killed"
    _folder(partial, {"bin/peer": (b"#!/bin/sh\n", 0o755)})
    found = binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    assert partial not in found.bin_dir.parents
    assert (found.bin_dir / "orderer").is_file()


def test_an_archive_with_one_top_folder(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.gz", _files(runs=runs), prefix="fabric-3.1.5/")
    found = binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))
    assert (found.config_dir / "core.yaml").is_file()


def test_something_that_is_not_an_archive(tmp_path: Path, cache: Path) -> None:
    junk = tmp_path / "fabric.tar.gz"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(BinariesUnavailable, match=r"cannot unpack .*fabric\.tar\.gz"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(junk)))
    with pytest.raises(BinariesUnavailable, match="does not exist"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(tmp_path / "none.tar.gz")))


def test_an_unpacked_release_folder_is_used_in_place(
    tmp_path: Path, cache: Path, runs: Path
) -> None:
    folder = _folder(tmp_path / "fabric", _files(runs=runs))
    found = binaries.locate(_env(cache, FABRIC_RELEASE=str(folder)))
    assert found.bin_dir == folder / "bin"
    assert found.config_dir == folder / "config"
    assert found.builders_dir == folder / "builders" / "ccaas" / "bin"
    assert found.reported_commit == "86c1172"
    assert not cache.exists()


def test_fabric_release_comes_before_fabric_bin(tmp_path: Path, cache: Path, runs: Path) -> None:
    release = _folder(tmp_path / "release", _files(runs=runs))
    other = _folder(tmp_path / "other", _files(runs=runs))
    env = _env(cache, FABRIC_RELEASE=str(release), FABRIC_BIN=str(other / "bin"))
    assert binaries.locate(env).bin_dir == release / "bin"


def test_fabric_bin_still_works_with_or_without_a_builder(
    tmp_path: Path, cache: Path, runs: Path
) -> None:
    with_builder = _folder(tmp_path / "a", _files(runs=runs))
    found = binaries.locate(_env(cache, FABRIC_BIN=str(with_builder / "bin")))
    assert (found.source, found.config_dir) == (
        "FABRIC_BIN",
        with_builder / "config",
    )
    assert found.builders_dir == with_builder / "builders" / "ccaas" / "bin"
    without = _folder(tmp_path / "b", _files(runs=runs, builders=False))
    found = binaries.locate(_env(cache, FABRIC_BIN=str(without / "bin")))
    assert found.builders_dir is None
    assert _runs(runs) == 0, "FABRIC_BIN binaries are taken as they are"


def test_install_makes_the_release_the_one_found(tmp_path: Path, cache: Path, runs: Path) -> None:
    archive = _archive(tmp_path / "f.tar.xz", _files(runs=runs))
    with pytest.raises(BinariesUnavailable, match="sov fabric install"):
        binaries.locate(_env(cache))
    installed = binaries.install(archive, _env(cache))
    assert isinstance(installed, FabricInstall)
    assert installed.source == "installed"
    found = binaries.locate(_env(cache))
    assert found.bin_dir == installed.bin_dir
    assert found.builders_dir == installed.builders_dir
    assert found.reported_commit == "86c1172"
    assert found.source == "installed"
    # Installing the same archive again reuses the unpacked release.
    asked = _runs(runs)
    assert binaries.install(archive, _env(cache)) == installed
    assert _runs(runs) == asked
    # Only the installed version is found; the other is still missing.
    with pytest.raises(BinariesUnavailable, match=r"v2\.5\.16 is not in the cache"):
        binaries.locate(_env(cache, FABRIC_VERSION="2.5"))


def test_install_a_release_folder_copies_it(tmp_path: Path, cache: Path, runs: Path) -> None:
    folder = _folder(tmp_path / "fabric-2.5", _files("2.5.16", "f871cf9", runs=runs))
    installed = binaries.install(folder, _env(cache))
    assert isinstance(installed, FabricInstall)
    assert installed.version == "2.5"
    assert cache in installed.bin_dir.parents
    found = binaries.locate(_env(cache, FABRIC_VERSION="2.5"))
    assert found.bin_dir == installed.bin_dir


def test_install_refuses_what_is_neither(tmp_path: Path, cache: Path) -> None:
    folder = _folder(tmp_path / "x", {"bin/tool": (b"#!/bin/sh\n", 0o755)})
    with pytest.raises(BinariesUnavailable, match="neither a Fabric release"):
        binaries.install(folder, _env(cache))


def test_a_go_built_cache_stamp_is_still_found(tmp_path: Path, cache: Path, runs: Path) -> None:
    target = cache / "fabric" / binaries.RELEASES["3.1"]
    _folder(target, {k: v for k, v in _files(runs=runs).items() if k.startswith("bin/")})
    config = _folder(tmp_path / "sampleconfig", {"core.yaml": (b"#\n", 0o644)})
    (target / "installed.json").write_text(
        json.dumps(
            {"commit": binaries.RELEASES["3.1"], "version": "3.1", "config_dir": str(config)}
        )
    )
    found = binaries.locate(_env(cache))
    assert (found.bin_dir, found.config_dir) == (target / "bin", config)
    assert (found.builders_dir, found.source) == (None, "built")


def test_without_anything_the_error_says_how_to_get_fabric(cache: Path) -> None:
    with pytest.raises(BinariesUnavailable, match="sov fabric install") as caught:
        binaries.ensure({"SOV_CACHE": str(cache), "PATH": str(cache / "no-go-here")})
    assert "FABRIC_RELEASE" in str(caught.value)


def test_fabric_ca_from_its_release_and_from_the_cache(tmp_path: Path, cache: Path) -> None:
    archive = _archive(tmp_path / "ca.tar.xz", _ca_files())
    found = binaries.locate_ca(_env(cache, FABRIC_CA_RELEASE=str(archive)))
    assert found == FabricCAInstall("1.5.21", found.bin_dir, "FABRIC_CA_RELEASE")
    assert (found.tool("fabric-ca-client")).is_file()
    with pytest.raises(BinariesUnavailable, match=r"Fabric CA v1\.5\.21 is not installed"):
        binaries.ensure_ca(_env(cache))
    installed = binaries.install(archive, _env(cache))
    assert isinstance(installed, FabricCAInstall)
    assert binaries.ensure_ca(_env(cache)).bin_dir == found.bin_dir
    # A CA archive is not Fabric, and the other way round.
    with pytest.raises(BinariesUnavailable, match="is a Fabric CA release, not Fabric"):
        binaries.locate(_env(cache, FABRIC_RELEASE=str(archive)))


def test_fabric_ca_version_is_checked(tmp_path: Path, cache: Path, runs: Path) -> None:
    old = _folder(tmp_path / "ca", _ca_files("1.4.9"))
    with pytest.raises(BinariesUnavailable, match=r"Fabric CA 1\.4\.9; the supported release is"):
        binaries.locate_ca(_env(cache, FABRIC_CA_RELEASE=str(old)))
    fabric = _folder(tmp_path / "fabric", _files(runs=runs))
    with pytest.raises(BinariesUnavailable, match="is a Fabric release, not Fabric CA"):
        binaries.locate_ca(_env(cache, FABRIC_CA_RELEASE=str(fabric)))


def test_the_module_prints_version_and_folders(
    tmp_path: Path,
    cache: Path,
    runs: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    archive = _archive(tmp_path / "f.tar.xz", _files(runs=runs))
    monkeypatch.setenv("SOV_CACHE", str(cache))
    monkeypatch.delenv("FABRIC_BIN", raising=False)
    monkeypatch.delenv("FABRIC_VERSION", raising=False)
    monkeypatch.setenv("FABRIC_RELEASE", str(archive))
    assert binaries.main(["ensure"]) == 0
    out = capsys.readouterr().out
    assert "fabric v3.1.5 (commit 86c1172, FABRIC_RELEASE)" in out
    for label in ("bin:", "config:", "builders:"):
        assert label in out
    monkeypatch.delenv("FABRIC_RELEASE")
    assert binaries.main(["locate"]) == 3
    assert "not in the cache" in capsys.readouterr().err
    assert binaries.main(["install", str(archive)]) == 0
    assert binaries.main(["locate"]) == 0
    assert "(commit 86c1172, installed)" in capsys.readouterr().out
