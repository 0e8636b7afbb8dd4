// The month's Merkle sum tree (governance/sum_tree.py), checked in the browser: a member's line and sum proof
// must lead to the public record's sum root, and every sum on the way must lie within 0 … the root's total.
//   leaf = keccak256(0x00 ‖ address (20 bytes) ‖ amount (uint256) ‖ salt (32 bytes)),          sum = amount
//   node = keccak256(0x01 ‖ left hash ‖ left sum (uint256) ‖ right hash ‖ right sum (uint256)), sum = left + right
import { keccak_256 as keccak } from '../vendor/noble-hashes/sha3.js';
import { ethCall, periodNumber } from './chain.js';
import { selector, toHex, word } from './merkle.js';

const MAX_AMOUNT = (1n << 64n) - 1n;
const MAX_SUM = (1n << 256n) - 1n;

function bytes(text, length, what) {
  const digits = String(text).replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length !== length * 2) throw new Error(`${what}: expected ${length} bytes of hex`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function join(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

function whole(value, limit, what) {
  if (!/^\d+$/.test(String(value))) throw new Error(`${what} ${value}: a whole number expected`);
  const n = BigInt(value);
  if (n > limit) throw new Error(`${what} ${value} is above ${limit}`);
  return n;
}

export function leaf(address, amount, salt) {
  const sum = whole(amount, MAX_AMOUNT, 'amount');
  return { hash: keccak(join([0], bytes(address, 20, 'address'), word(sum), bytes(salt, 32, 'salt'))), sum };
}

export function parent(left, right) {
  return { hash: keccak(join([1], left.hash, word(left.sum), right.hash, word(right.sum))), sum: left.sum + right.sum };
}

/**
 * { ok, computed, sum, reason }: whether (address, amount, salt) and `proof` ([{hash, sum, side}], leaf upwards)
 * lead to `root` (0x-hex) with the total `total` (cents). A sibling or partial sum outside 0 … total fails,
 * so a proof cannot hide a negative or wrapped amount.
 */
export function verifySumProof({ address, amount, salt, proof, root, total }) {
  const limit = whole(total, MAX_SUM, 'total');
  let node = leaf(address, amount, salt);
  for (const step of proof) {
    if (step.side !== 'left' && step.side !== 'right') throw new Error(`sum proof step: side ${step.side}`);
    const sibling = { hash: bytes(step.hash, 32, 'sum proof hash'), sum: whole(step.sum, MAX_SUM, 'sibling sum') };
    if (sibling.sum > limit) return { ok: false, computed: null, sum: sibling.sum, reason: 'sibling-sum' };
    node = step.side === 'left' ? parent(sibling, node) : parent(node, sibling);
    if (node.sum > limit) return { ok: false, computed: toHex(node.hash), sum: node.sum, reason: 'partial-sum' };
  }
  const computed = toHex(node.hash);
  if (computed.toLowerCase() !== String(root).toLowerCase()) return { ok: false, computed, sum: node.sum, reason: 'root' };
  if (node.sum !== limit) return { ok: false, computed, sum: node.sum, reason: 'total' };
  return { ok: true, computed, sum: node.sum, reason: null };
}

/**
 * The member's line (GET /distributions/{period}/proofs/{address}) against the public record (GET
 * /distributions/{period}/record): the record's hash must be the one the ledger at `ledger` holds, its total
 * the pool, and the line's sum proof must lead to its sum root. (The record's Ed25519 signature is checked by
 * `linli verify --member M --line FILE`, not here.)
 */
export async function verifySumLine({ rpcUrl, ledger, period, line, record }) {
  const c = record.content;
  const onchain = await ethCall(rpcUrl, ledger, selector('recordHash(uint32)') + toHex(word(periodNumber(period))).slice(2));
  if (String(onchain).toLowerCase() !== String(c.record_hash).toLowerCase()) return { ok: false, reason: 'record-hash', computed: c.record_hash, onchain };
  if (String(c.sum_total_cents) !== String(c.pool_cents)) return { ok: false, reason: 'total', computed: c.sum_root, onchain };
  if (!line.salt || !line.sum_proof) return { ok: false, reason: 'no-sum-tree', computed: null, onchain };
  const result = verifySumProof({ address: line.address, amount: line.payout_cents, salt: line.salt, proof: line.sum_proof,
    root: c.sum_root, total: c.sum_total_cents });
  return { ...result, root: c.sum_root, total: c.sum_total_cents, onchain };
}
