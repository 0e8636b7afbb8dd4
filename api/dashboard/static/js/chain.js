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

/** "2026-11" -> 202611, the ledger's uint32 period. */
export const periodNumber = (period) => Number(String(period).replace('-', ''));

/** PayoutLedger.merkleRoot(period) as 0x-hex, read from the node at `url`. */
export function onChainRoot(url, ledger, period) {
  const data = selector('merkleRoot(uint32)') + toHex(word(periodNumber(period))).slice(2);
  return rpc(url, 'eth_call', [{ to: ledger, data }, 'latest']);
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
