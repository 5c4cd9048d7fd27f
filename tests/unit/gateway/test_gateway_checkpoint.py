"""Checkpointers: in-memory and file, and the resume rule for chaincode events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fabric_gateway import ChaincodeEvent, Checkpointer, FileCheckpointer, InMemoryCheckpointer
from fabric_gateway._core import ChaincodeEventResume


def _event(block: int, tx: str) -> ChaincodeEvent:
    return ChaincodeEvent(block, tx, "assets", "HoldingTransferred", b"{}")


@pytest.mark.parametrize("make", [InMemoryCheckpointer, None])
def test_checkpoint_semantics(make: type[InMemoryCheckpointer] | None, tmp_path: Path) -> None:
    checkpointer: Checkpointer = make() if make else FileCheckpointer(tmp_path / "cp.json")
    assert _state(checkpointer) == (None, None)
    checkpointer.checkpoint_chaincode_event(_event(7, "tx-a"))
    assert _state(checkpointer) == (7, "tx-a")
    checkpointer.checkpoint_block(7)  # block 7 done: next is 8, no transaction yet
    assert _state(checkpointer) == (8, None)


def _state(checkpointer: Checkpointer) -> tuple[int | None, str | None]:
    return checkpointer.block_number, checkpointer.transaction_id


def test_file_checkpointer_resumes_after_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "events.json"
    first = FileCheckpointer(path)
    assert path.exists()  # written at once so a bad path fails early
    first.checkpoint_transaction(2**63 + 5, "tx-b")
    on_disk = json.loads(path.read_text())
    assert on_disk == {"blockNumber": str(2**63 + 5), "transactionId": "tx-b"}

    resumed = FileCheckpointer(path)
    assert resumed.block_number == 2**63 + 5
    assert resumed.transaction_id == "tx-b"
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind


def test_file_checkpointer_reads_the_official_client_layout(tmp_path: Path) -> None:
    path = tmp_path / "node.json"
    path.write_text('{"blockNumber":"12","transactionId":"abc"}')
    checkpointer = FileCheckpointer(path)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (12, "abc")
    path.write_text("")
    assert FileCheckpointer(path).block_number is None


def test_failed_write_keeps_the_previous_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cp.json"
    checkpointer = FileCheckpointer(path)
    checkpointer.checkpoint_transaction(3, "tx-c")

    def broken_dump(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        checkpointer.checkpoint_transaction(4, "tx-d")
    monkeypatch.undo()
    assert json.loads(path.read_text()) == {"blockNumber": "3", "transactionId": "tx-c"}
    assert [p.name for p in tmp_path.iterdir()] == ["cp.json"]


def test_resume_skips_processed_events_in_the_checkpoint_block_only() -> None:
    resume = ChaincodeEventResume(start_block=7, after_transaction_id="tx-b")
    block7 = [_event(7, "tx-a"), _event(7, "tx-b"), _event(7, "tx-c")]
    assert [e.transaction_id for e in resume.events(7, block7)] == ["tx-c"]
    # Later responses are untouched, even if a transaction ID repeats.
    block8 = [_event(8, "tx-b"), _event(8, "tx-d")]
    assert list(resume.events(8, block8)) == block8


def test_resume_keeps_everything_when_the_server_already_filtered() -> None:
    resume = ChaincodeEventResume(start_block=7, after_transaction_id="tx-b")
    already_filtered = [_event(7, "tx-c")]
    assert list(resume.events(7, already_filtered)) == already_filtered


def test_file_checkpointer_refuses_a_checkpoint_it_would_have_to_guess(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    for text in ('{"blockNumber":"12","blockNumber":"3"}', "[]", "{"):
        path.write_text(text)
        with pytest.raises(ValueError, match=str(path.name)):
            FileCheckpointer(path)
        assert path.read_text() == text  # left as found, for its owner to look at
