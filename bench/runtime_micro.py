"""Micro-benchmark of the chaincode runtime's own CPU per transaction, without a network.

Starts ``python -m fabric_chaincode serve`` (the ``kv`` chaincode: ``put``/``get``) in a
subprocess on loopback, plays the peer over one real gRPC stream (REGISTER, REGISTERED,
READY with Fabric 3.x's write-batch capability, then TRANSACTION -> GET_STATE/PUT_STATE or
WRITE_BATCH_STATE -> RESPONSE -> COMPLETED conversations, ``concurrency`` txids in flight at
once on the stream) and reads the server process's CPU time from ``/proc/<pid>/stat``.
The figure is CPU milliseconds per transaction of the chaincode server, the quantity the real
network's throughput queues on; the client's own CPU is not counted.

Usage: ``python -m bench.runtime_micro [--runtime DIR] [--transactions N] [--concurrency C ...]``
(``--runtime DIR`` runs the ``fabric_chaincode`` found in DIR instead, e.g. an earlier
checkout's ``chaincode`` folder, for a side-by-side figure).
"""

from __future__ import annotations

import argparse
import os
import queue
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc

from fabric_chaincode import _wire
from fabric_chaincode.types import (
    ChaincodeInput,
    MessageType,
    PeerCapabilities,
    ShimMessage,
    Timestamp,
)

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server(runtime: str | None, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["CHAINCODE_SERVER_ADDRESS"] = f"127.0.0.1:{port}"
    env["CHAINCODE_ID"] = "kv:1"
    if runtime:
        env["PYTHONPATH"] = os.pathsep.join([runtime, env.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fabric_chaincode",
            "serve",
            "--chaincode",
            "conformance_chaincode.kv:chaincode",
        ],
        env=env,
    )


class _Peer:
    """The peer's end of one stream, driven from one thread."""

    def __init__(self, port: int) -> None:
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=20)
        self.out: queue.SimpleQueue[ShimMessage | None] = queue.SimpleQueue()
        connect = self.channel.stream_stream(
            "/protos.Chaincode/Connect",
            request_serializer=_wire.encode_message,
            response_deserializer=_wire.decode_message,
        )
        self.replies: Iterator[ShimMessage] = iter(connect(self._requests()))
        self.sequence = 0

    def _requests(self) -> Iterator[ShimMessage]:
        while (message := self.out.get()) is not None:
            yield message

    def handshake(self) -> None:
        assert next(self.replies).type == MessageType.REGISTER
        self.out.put(ShimMessage(MessageType.REGISTERED))
        capabilities = PeerCapabilities(use_write_batch=True, max_size_write_batch=1000)
        self.out.put(ShimMessage(MessageType.READY, _wire.encode_capabilities(capabilities)))

    def start(self, function: str) -> None:
        self.sequence += 1
        txid = f"tx-{self.sequence}"
        args: tuple[bytes, ...] = (function.encode(), f"key-{self.sequence % 100}".encode())
        if function == "put":
            args += (b"value-0123456789",)
        chaincode_input = ChaincodeInput(args=args)
        proposal = _wire.encode_proposal(
            channel_id="ch",
            txid=txid,
            creator=b"",
            nonce=b"n" * 24,
            timestamp=Timestamp(seconds=1_767_225_600, nanos=0),
            chaincode_input=chaincode_input,
            chaincode_name="kv",
        )
        self.out.put(
            ShimMessage(
                MessageType.TRANSACTION,
                _wire.encode_chaincode_input(chaincode_input),
                txid,
                "ch",
                proposal,
            )
        )

    def run(self, function: str, total: int, concurrency: int) -> None:
        started = 0
        for _ in range(min(concurrency, total)):
            self.start(function)
            started += 1
        done = 0
        while done < total:
            message = next(self.replies)
            if message.type in (MessageType.COMPLETED, MessageType.ERROR):
                assert message.type == MessageType.COMPLETED, message
                done += 1
                if started < total:
                    self.start(function)
                    started += 1
                continue
            payload = b"value" if message.type == MessageType.GET_STATE else b""
            self.out.put(
                ShimMessage(MessageType.RESPONSE, payload, message.txid, message.channel_id)
            )

    def close(self) -> None:
        self.out.put(None)
        self.channel.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.runtime_micro")
    parser.add_argument("--runtime", help="folder holding the fabric_chaincode to measure")
    parser.add_argument("--transactions", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20, 64])
    parser.add_argument("--functions", nargs="+", default=["get", "put"])
    args = parser.parse_args(argv)
    port = _free_port()
    server = _server(args.runtime, port)
    try:
        peer = _Peer(port)
        peer.handshake()
        peer.run("get", 200, 8)  # warm up
        print(f"{'function':>8} {'conc':>5} {'tx':>6} {'tx/s':>8} {'server CPU ms/tx':>17}")
        for function in args.functions:
            for concurrency in args.concurrency:
                cpu = _cpu_seconds(server.pid)
                begin = time.perf_counter()
                peer.run(function, args.transactions, concurrency)
                elapsed = time.perf_counter() - begin
                used = _cpu_seconds(server.pid) - cpu
                print(
                    f"{function:>8} {concurrency:>5} {args.transactions:>6} "
                    f"{args.transactions / elapsed:>8.0f} {1000 * used / args.transactions:>17.3f}",
                    flush=True,
                )
        peer.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
