// Closed-loop load with the OFFICIAL Node client (@hyperledger/fabric-gateway, the pinned install
// in tests/interop/node_modules): the twin of the Go load client and bench/load_py.py, with the
// same arguments, environment and output. Used by `python -m bench sdk`; not a test.
//
// env: PEER_ENDPOINT, TLS_ROOT_CERT, MSP_ID, CERT, KEY (file or folder), CHANNEL, CHAINCODE.
// argv: MODE(submit|evaluate) FN N C [KEYPREFIX]. `submit` calls FN(prefix_i, i), `evaluate`
// calls FN(prefix_(i mod 50)). Prints one JSON line: ok, failed, tps, p50_ms, p99_ms,
// cpu_ms_per_tx (this process, user + system, from after connecting to the end of the run).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const interopDir = path.resolve(__dirname, '..', '..', 'tests', 'interop');
const interopRequire = createRequire(path.join(interopDir, 'package.json'));
const grpc = interopRequire('@grpc/grpc-js');
const { connect, hash, signers } = interopRequire('@hyperledger/fabric-gateway');
const clientVersion = interopRequire('@hyperledger/fabric-gateway/package.json').version;

function keyFile(keyPath) {
    if (fs.statSync(keyPath).isDirectory()) {
        return path.join(keyPath, fs.readdirSync(keyPath).sort()[0]);
    }
    return keyPath;
}

async function main() {
    const [mode, fn, nText, cText, prefixArg] = process.argv.slice(2);
    const n = Number.parseInt(nText, 10);
    const c = Number.parseInt(cText, 10);
    const prefix = prefixArg || `n${Date.now()}`;
    const env = process.env;
    const credentials = grpc.credentials.createSsl(fs.readFileSync(env.TLS_ROOT_CERT));
    const client = new grpc.Client(env.PEER_ENDPOINT, credentials);
    const gateway = connect({
        client,
        identity: { mspId: env.MSP_ID, credentials: fs.readFileSync(env.CERT) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(keyFile(env.KEY)))),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + 15000 }),
        endorseOptions: () => ({ deadline: Date.now() + 30000 }),
        submitOptions: () => ({ deadline: Date.now() + 15000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 60000 }),
    });
    const contract = gateway.getNetwork(env.CHANNEL).getContract(env.CHAINCODE);
    const latencies = [];
    let failed = 0;
    let next = 0;
    async function loop() {
        for (;;) {
            const i = next++;
            if (i >= n) {
                return;
            }
            const start = process.hrtime.bigint();
            try {
                if (mode === 'submit') {
                    await contract.submitTransaction(fn, `${prefix}_${i}`, String(i));
                } else {
                    await contract.evaluateTransaction(fn, `${prefix}_${i % 50}`);
                }
                latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
            } catch (err) {
                failed++;
                if (failed < 3) {
                    console.error(String(err));
                }
            }
        }
    }
    const cpuStart = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: c }, loop));
    const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const usage = process.cpuUsage(cpuStart);
    const cpuMs = (usage.user + usage.system) / 1000;
    gateway.close();
    client.close();
    latencies.sort((a, b) => a - b);
    const q = (p) => (latencies.length ? latencies[Math.min(Math.floor(p * latencies.length), latencies.length - 1)] : 0);
    const ok = latencies.length;
    console.log(
        JSON.stringify({
            client: `node-fabric-gateway-${clientVersion}`,
            mode,
            fn,
            n,
            concurrency: c,
            ok,
            failed,
            tps: Math.floor((ok / wall) * 10) / 10,
            p50_ms: q(0.5),
            p99_ms: q(0.99),
            cpu_ms_per_tx: Math.floor((cpuMs / Math.max(ok, 1)) * 100) / 100,
        }),
    );
}

main().catch((err) => {
    console.error(err);
    process.exit(2);
});
