// EIP-712 messages members sign, each over its contract's own domain as the contract reports it (ERC-5267
// eip712Domain(), read by eth_call): a Ballot or an ExtendedBallot for the governor (OpenZeppelin Governor),
// a Delegation for the points token (ERC-5805), an Approval for ProductPoll (a product poll's ballot). Hashing and signing are ethers', never ours.
import { ethCall } from './chain.js';
import { loadEthers } from './ethers.js';

const DOMAIN_FIELDS = [['name', 'string'], ['version', 'string'], ['chainId', 'uint256'],
  ['verifyingContract', 'address'], ['salt', 'bytes32']];
const ABI = [
  'function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)',
  'function nonces(address owner) view returns (uint256)',
  'function hasVoted(uint256 proposalId, address account) view returns (bool)',
  'function delegates(address account) view returns (address)',
  'function getVotes(address account) view returns (uint256)',
];
const BALLOT = [{ name: 'proposalId', type: 'uint256' }, { name: 'support', type: 'uint8' },
  { name: 'voter', type: 'address' }, { name: 'nonce', type: 'uint256' }];
const EXTENDED = [...BALLOT, { name: 'reason', type: 'string' }, { name: 'params', type: 'bytes' }];
const APPROVAL = [{ name: 'pollId', type: 'uint256' }, { name: 'selection', type: 'uint256' },
  { name: 'voter', type: 'address' }, { name: 'nonce', type: 'uint256' }];
const DELEGATION = [{ name: 'delegatee', type: 'address' }, { name: 'nonce', type: 'uint256' }, { name: 'expiry', type: 'uint256' }];

/** A view function of `contract` through the node at `rpcUrl`, decoded; one value unwrapped. */
export async function read(rpcUrl, contract, fn, args = []) {
  const { Interface } = await loadEthers();
  const abi = new Interface(ABI);
  const result = abi.decodeFunctionResult(fn, await ethCall(rpcUrl, contract, abi.encodeFunctionData(fn, args)));
  return result.length === 1 ? result[0] : result;
}

/** The contract's EIP-712 domain: only the fields its eip712Domain() bitmap marks, with their types. */
async function domainOf(rpcUrl, contract) {
  const [bits, ...values] = await read(rpcUrl, contract, 'eip712Domain');
  const used = DOMAIN_FIELDS.map((field, i) => [field, values[i]]).filter((_, i) => (Number(bits) >> i) & 1);
  return {
    types: used.map(([[name, type]]) => ({ name, type })),
    domain: Object.fromEntries(used.map(([[name], value]) => [name, name === 'chainId' ? Number(value) : value])),
  };
}

/** Typed data in eth_signTypedData_v4's shape (JSON-safe: uint256 values as decimal strings). */
const typed = ({ types, domain }, primaryType, fields, message) =>
  ({ types: { EIP712Domain: types, [primaryType]: fields }, primaryType, domain, message });

/** The ballot `voter` signs: a Ballot, or with a reason an ExtendedBallot (empty params). */
export async function ballot(rpcUrl, governor, { proposalId, support, voter, reason }) {
  const [domain, nonce] = await Promise.all([domainOf(rpcUrl, governor), read(rpcUrl, governor, 'nonces', [voter])]);
  const message = { proposalId: String(proposalId), support, voter, nonce: nonce.toString() };
  return reason
    ? typed(domain, 'ExtendedBallot', EXTENDED, { ...message, reason, params: '0x' })
    : typed(domain, 'Ballot', BALLOT, message);
}

/** The ERC-5805 delegation `delegator` signs, valid until `expiry` (seconds, the chain's clock). */
export async function delegation(rpcUrl, token, { delegator, delegatee, expiry }) {
  const [domain, nonce] = await Promise.all([domainOf(rpcUrl, token), read(rpcUrl, token, 'nonces', [delegator])]);
  return typed(domain, 'Delegation', DELEGATION, { delegatee, nonce: nonce.toString(), expiry: String(expiry) });
}

/** The Approval `voter` signs for candidates `selection` (bit i = candidate i) of ProductPoll poll `pollId`. */
export async function approval(rpcUrl, poll, { pollId, selection, voter }) {
  const [domain, nonce] = await Promise.all([domainOf(rpcUrl, poll), read(rpcUrl, poll, 'nonces', [voter])]);
  return typed(domain, 'Approval', APPROVAL, { pollId: String(pollId), selection: String(selection), voter, nonce: nonce.toString() });
}
