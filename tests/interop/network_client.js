// Interop helper: drives the OFFICIAL @hyperledger/fabric-gateway client against a REAL Gateway
// peer, so the Python tests can compare what it sees with what our SDK sees.
//
// Reads one JSON request on stdin:
//   {
//     "peerAddress": "127.0.0.1:7101", "hostOverride": "peer0.treasury.sovereign.test",
//     "tlsRootCertPath": "...", "mspId": "TreasuryMSP", "certPath": "...", "keyPath": "...",
//     "channel": "sovereign", "chaincode": "conformance", "callTimeoutMs": 30000,
//     "operations": [
//       {"kind": "evaluate", "name": "get_state", "args": ["<base64>", ...]},
//       {"kind": "submit", "name": "put_state", "args": [...], "endorsingOrganizations": [...]},
//       {"kind": "events", "startBlock": 5, "transactionIds": ["..."], "timeoutMs": 20000}
//     ]
//   }
// and writes one JSON answer on stdout: {"version": "1.11.x", "results": [one per operation]}.
//   evaluate -> {"ok": true, "transactionId", "result": <base64>}
//   submit   -> {"ok": true, "transactionId", "result": <base64>,
//                "status": {"code", "successful", "blockNumber", "transactionId"}}
//   events   -> {"ok": true, "timedOut": bool, "events": [{"blockNumber", "transactionId",
//                "chaincodeName", "eventName", "payload": <base64>}]}
//   failure  -> {"ok": false, "error": {"name", "code", "message", "transactionId",
//                "details": [{"address", "mspId", "message"}]}}
// A failed operation does not stop the ones after it. Every gRPC call carries a deadline; an
// event read ends after its transactions' events arrived or after its own timeout.
// Nothing is logged: the answer holds only what the caller asked for.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const { connect, hash, signers } = require('@hyperledger/fabric-gateway');

function readStdin() {
    return new Promise((resolve, reject) => {
        const chunks = [];
        process.stdin.on('data', (c) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
    });
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const fromB64 = (text) => Buffer.from(text, 'base64');

function describeError(err) {
    // The official client's GatewayError family carries a gRPC code and per-endpoint details;
    // anything else (a bug here, a timeout) is reported by name and message.
    const details = Array.isArray(err && err.details) ? err.details : [];
    return {
        name: (err && err.name) || 'Error',
        code: err && typeof err.code === 'number' ? err.code : null,
        message: String((err && err.message) || err),
        transactionId: (err && err.transactionId) || null,
        details: details.map((d) => ({ address: d.address, mspId: d.mspId, message: d.message })),
    };
}

function proposalOptions(op) {
    const options = { arguments: (op.args || []).map(fromB64) };
    if (op.endorsingOrganizations && op.endorsingOrganizations.length) {
        options.endorsingOrganizations = op.endorsingOrganizations;
    }
    return options;
}

async function evaluate(contract, op) {
    const proposal = contract.newProposal(op.name, proposalOptions(op));
    const result = await proposal.evaluate();
    return { ok: true, transactionId: proposal.getTransactionId(), result: b64(result) };
}

async function submit(contract, op) {
    const submitted = await contract.submitAsync(op.name, proposalOptions(op));
    const status = await submitted.getStatus();
    return {
        ok: true,
        transactionId: submitted.getTransactionId(),
        result: b64(submitted.getResult()),
        status: {
            code: status.code,
            successful: status.successful,
            blockNumber: Number(status.blockNumber),
            transactionId: status.transactionId,
        },
    };
}

async function readEvents(network, chaincode, op) {
    const wanted = new Set(op.transactionIds || []);
    const found = [];
    const events = await network.getChaincodeEvents(chaincode, { startBlock: BigInt(op.startBlock) });
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        events.close();
    }, op.timeoutMs || 20000);
    try {
        for await (const event of events) {
            if (!wanted.has(event.transactionId)) {
                continue; // another test's event on the same chaincode
            }
            found.push({
                blockNumber: Number(event.blockNumber),
                transactionId: event.transactionId,
                chaincodeName: event.chaincodeName,
                eventName: event.eventName,
                payload: b64(event.payload),
            });
            wanted.delete(event.transactionId);
            if (wanted.size === 0) {
                break;
            }
        }
    } catch (err) {
        // Closing the stream on timeout cancels the call; only that error is expected.
        if (!timedOut) {
            throw err;
        }
    } finally {
        clearTimeout(timer);
        events.close();
    }
    return { ok: true, timedOut, events: found };
}

async function run(network, contract, chaincode, op) {
    try {
        if (op.kind === 'evaluate') {
            return await evaluate(contract, op);
        }
        if (op.kind === 'submit') {
            return await submit(contract, op);
        }
        if (op.kind === 'events') {
            return await readEvents(network, chaincode, op);
        }
        throw new Error(`unknown operation kind ${JSON.stringify(op.kind)}`);
    } catch (err) {
        return { ok: false, error: describeError(err) };
    }
}

async function main() {
    const input = JSON.parse(await readStdin());
    const callTimeoutMs = input.callTimeoutMs || 30000;
    const credentials = grpc.credentials.createSsl(fs.readFileSync(input.tlsRootCertPath));
    const clientOptions = input.hostOverride ? { 'grpc.ssl_target_name_override': input.hostOverride } : {};
    const client = new grpc.Client(input.peerAddress, credentials, clientOptions);
    const deadline = () => ({ deadline: Date.now() + callTimeoutMs });
    const gateway = connect({
        client,
        identity: { mspId: input.mspId, credentials: fs.readFileSync(input.certPath) },
        signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(input.keyPath))),
        hash: hash.sha256,
        evaluateOptions: deadline,
        endorseOptions: deadline,
        submitOptions: deadline,
        commitStatusOptions: deadline,
    });
    const results = [];
    try {
        const network = gateway.getNetwork(input.channel);
        const contract = network.getContract(input.chaincode);
        for (const op of input.operations || []) {
            results.push(await run(network, contract, input.chaincode, op));
        }
    } finally {
        gateway.close();
        client.close();
    }
    const version = require('@hyperledger/fabric-gateway/package.json').version;
    return JSON.stringify({ version, results });
}

main().then(
    (answer) => process.stdout.write(answer, () => process.exit(0)),
    (err) => {
        process.stderr.write(String(err && err.stack ? err.stack : err));
        process.exit(1);
    },
);
