// Interop helper: drives the OFFICIAL @hyperledger/fabric-gateway client offline (no peer).
//
// Reads one JSON request on stdin and writes one JSON answer on stdout:
//   - builds a proposal with the official client for the given identity/arguments/transient
//     data and reports its bytes (base64), transaction ID and digest, plus a signature of that
//     digest made by the official signer;
//   - if `ourProposal` is given (base64 ProposedTransaction from the Python client), loads it with
//     gateway.newProposal() and reports the digest and transaction ID the official client sees;
//   - if `verify` is given, checks an ECDSA/Ed25519 signature over a message with node:crypto,
//     as a peer would.
// The gRPC client is created but never used: nothing connects anywhere.
'use strict';

const crypto = require('node:crypto');
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

async function main() {
    const input = JSON.parse(await readStdin());
    const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
    const privateKey = crypto.createPrivateKey(input.keyPem);
    const gateway = connect({
        client,
        identity: { mspId: input.mspId, credentials: Buffer.from(input.certPem) },
        signer: signers.newPrivateKeySigner(privateKey),
        hash: hash.sha256,
    });
    try {
        const contract = gateway.getNetwork(input.channel).getContract(input.chaincode, input.contract || undefined);
        const transientData = {};
        for (const [k, v] of Object.entries(input.transient || {})) {
            transientData[k] = Buffer.from(v, 'base64');
        }
        const proposal = contract.newProposal(input.fn, {
            arguments: (input.args || []).map((a) => Buffer.from(a, 'base64')),
            transientData,
            endorsingOrganizations: input.orgs && input.orgs.length ? input.orgs : undefined,
        });
        const digest = proposal.getDigest();
        const signer = signers.newPrivateKeySigner(privateKey);
        const answer = {
            version: require('@hyperledger/fabric-gateway/package.json').version,
            proposal: b64(proposal.getBytes()),
            transactionId: proposal.getTransactionId(),
            digest: b64(digest),
            signature: b64(await signer(digest)),
        };
        if (input.ourProposal) {
            const ours = gateway.newProposal(Buffer.from(input.ourProposal, 'base64'));
            answer.ourProposal = { digest: b64(ours.getDigest()), transactionId: ours.getTransactionId() };
        }
        if (input.verify) {
            const publicKey = crypto.createPublicKey(input.certPem);
            const message = Buffer.from(input.verify.message, 'base64');
            const signature = Buffer.from(input.verify.signature, 'base64');
            const algorithm = publicKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
            answer.verified = crypto.verify(algorithm, message, publicKey, signature);
        }
        process.stdout.write(JSON.stringify(answer));
    } finally {
        gateway.close();
        client.close();
    }
}

main().catch((err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err));
    process.exit(1);
});
