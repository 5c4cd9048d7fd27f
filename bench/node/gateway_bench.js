// Benchmark driver for the OFFICIAL Node client (@hyperledger/fabric-gateway), used as the
// baseline by bench/gateway_clients.py. Not part of the SDK and not a test.
//
// Reads one JSON request on stdin:
//   { address, mspId, certPem, keyPem, interopDir, warmup, n, concurrency,
//     evaluate: [fn, ...args], submit: [fn, ...args] }
// connects over plaintext loopback gRPC to the Gateway TEST DOUBLE at `address` (not a Fabric
// peer), and writes one JSON answer on stdout: per phase the wall seconds, the client process CPU
// seconds (process.cpuUsage(), user + system, all threads) and every call's latency in ms.
// Start-up, connection set-up and warm-up calls are outside every measured window.
// The client package is loaded from the pinned install in tests/interop/node_modules.
'use strict';

const crypto = require('node:crypto');
const { createRequire } = require('node:module');
const path = require('node:path');

function readStdin() {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on('data', (c) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
    });
}

const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;

// Runs `total` calls of `call` with `concurrency` in-flight calls at a time: that many async
// loops share one bounded counter, so each loop starts its next call when its last one ends.
async function measure(call, total, concurrency) {
    const latencies = new Array(total);
    let next = 0;
    async function loop() {
        while (next < total) {
            const index = next++;
            const start = process.hrtime.bigint();
            await call();
            latencies[index] = Number(process.hrtime.bigint() - start) / 1e6;
        }
    }
    const cpuStart = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, loop));
    const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const cpu = cpuSeconds(process.cpuUsage(cpuStart));
    return { wallSeconds: wall, cpuSeconds: cpu, latenciesMs: latencies };
}

async function main() {
    const input = JSON.parse(await readStdin());
    const interopRequire = createRequire(path.join(input.interopDir, 'package.json'));
    const grpc = interopRequire('@grpc/grpc-js');
    const { connect, hash, signers } = interopRequire('@hyperledger/fabric-gateway');
    const client = new grpc.Client(input.address, grpc.credentials.createInsecure());
    const gateway = connect({
        client,
        identity: { mspId: input.mspId, credentials: Buffer.from(input.certPem) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(input.keyPem)),
        hash: hash.sha256,
    });
    try {
        const contract = gateway.getNetwork(input.channel).getContract(input.chaincode);
        const calls = {
            evaluate: () => contract.evaluateTransaction(...input.evaluate),
            submit: () => contract.submitTransaction(...input.submit),
        };
        const phases = {};
        for (const [operation, call] of Object.entries(calls)) {
            for (let i = 0; i < input.warmup; i++) {
                await call();
            }
            phases[`${operation}/1`] = await measure(call, input.n, 1);
            if (input.concurrency > 1) {
                phases[`${operation}/${input.concurrency}`] = await measure(
                    call,
                    input.n,
                    input.concurrency,
                );
            }
        }
        const version = interopRequire('@hyperledger/fabric-gateway/package.json').version;
        const grpcVersion = interopRequire('@grpc/grpc-js/package.json').version;
        process.stdout.write(
            JSON.stringify({ client: `fabric-gateway ${version} (grpc-js ${grpcVersion}, node ${process.version})`, phases }),
        );
    } finally {
        gateway.close();
        client.close();
    }
}

main().catch((err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err));
    process.exit(1);
});
