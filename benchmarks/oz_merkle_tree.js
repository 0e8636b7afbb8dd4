// Reference build with @openzeppelin/merkle-tree: reads {"values": [[address, "amount"], ...], "proofs": bool}
// on stdin, writes {"root", "proofs" (per value, in input order, when asked), "build_ms" (StandardMerkleTree.of only)}.
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

let input = '';
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', () => {
  const { values, proofs } = JSON.parse(input);
  const start = process.hrtime.bigint();
  const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
  const buildMs = Number(process.hrtime.bigint() - start) / 1e6;
  const out = { root: tree.root, build_ms: buildMs };
  if (proofs) out.proofs = values.map((_, i) => tree.getProof(i));
  process.stdout.write(JSON.stringify(out));
});
