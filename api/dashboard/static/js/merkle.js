// OpenZeppelin StandardMerkleTree for leaves ["address", "uint256"], computed in the browser:
// leaf = keccak256(keccak256(abi.encode(address, amount))), parent = keccak256(sorted(a, b)).
import { keccak_256 as keccak } from '../vendor/noble-hashes/sha3.js';

export const toHex = (bytes) => '0x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(text, length) {
  const digits = String(text).replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length !== length * 2) {
    throw new Error(`expected ${length} bytes of hex, got ${text}`);
  }
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** One ABI word: a uint256 (or an address as a number), big-endian, 32 bytes. */
export function word(value) {
  const out = new Uint8Array(32);
  let v = BigInt(value);
  for (let i = 31; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  if (v !== 0n) throw new Error(`${value} does not fit in 256 bits`);
  return out;
}

const concat = (a, b) => { const out = new Uint8Array(a.length + b.length); out.set(a); out.set(b, a.length); return out; };

function compare(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const hashPair = (a, b) => keccak(compare(a, b) <= 0 ? concat(a, b) : concat(b, a));

function leafHash(address, amount) {
  fromHex(address, 20); // refuses anything but 0x + 40 hex digits
  return keccak(keccak(concat(word(address), word(amount))));
}

/** The root that `proof` (sibling hashes, leaf upwards) leads to from the leaf (address, amount). */
export function rootFromProof(address, amount, proof) {
  return toHex(proof.reduce((node, sibling) => hashPair(node, fromHex(sibling, 32)), leafHash(address, amount)));
}

/** The 4-byte function selector of a Solidity signature such as "merkleRoot(uint32)". */
export const selector = (signature) => toHex(keccak(new TextEncoder().encode(signature)).slice(0, 4));
