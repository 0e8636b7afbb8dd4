// Reads the chain directly from the page (JSON-RPC eth_call to the node), never through the Linli API.
import { rootFromProof, selector, toHex, word } from './merkle.js';

async function rpc(url, method, params) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** eth_call of `data` (0x-hex calldata) on the contract at `to`, at the latest block. */
export const ethCall = (url, to, data) => rpc(url, 'eth_call', [{ to, data }, 'latest']);

/** The latest block's timestamp (seconds): the chain's clock, which a test chain may run ahead of ours. */
export const chainNow = async (url) => Number((await rpc(url, 'eth_getBlockByNumber', ['latest', false])).timestamp);

/** "2026-11" -> 202611, the ledger's uint32 period. */
export const periodNumber = (period) => Number(String(period).replace('-', ''));

/** PayoutLedger.merkleRoot(period) as 0x-hex, read from the node at `url`. */
export function onChainRoot(url, ledger, period) {
  const data = selector('merkleRoot(uint32)') + toHex(word(periodNumber(period))).slice(2);
  return ethCall(url, ledger, data);
}

/**
 * Checks a payout without trusting the server: the leaf is hashed here from the member's own address and
 * the amount claimed, the proof walked here, and the result compared with the root the node returns.
 */
export async function verifyPayout({ rpcUrl, ledger, period, address, amount, proof }) {
  const computed = rootFromProof(address, amount, proof);
  const onchain = await onChainRoot(rpcUrl, ledger, period);
  return { ok: computed.toLowerCase() === String(onchain).toLowerCase(), computed, onchain };
}
