// The member key held in this browser, for members without a wallet app: a Web3 Secret Storage (v3) keystore
// in localStorage, encrypted with the member's passphrase (the same format `linli --keystore` reads). The key
// is decrypted only in memory, when the member signs, and never leaves the page; export downloads the
// keystore as stored (still encrypted).
import { loadEthers } from './ethers.js';

const KEY = 'linli.keystore';
const MIN_PASSPHRASE = 8;
let unlocked = null; // the decrypted Wallet for this page's lifetime, so one vote needs one passphrase

export class KeyError extends Error {
  constructor(code) {
    super(code);
    this.code = code; // a messages.js key: key.short, key.badpass, key.badfile, key.none
  }
}

/** {address, json} of the stored keystore, or null. */
export function stored() {
  const json = localStorage.getItem(KEY);
  if (!json) return null;
  try {
    return { address: `0x${JSON.parse(json).address.replace(/^0x/i, '')}`, json };
  } catch {
    return null; // not ours: treated as no key (a new one replaces it)
  }
}

async function keep(wallet, json) {
  localStorage.setItem(KEY, json);
  unlocked = wallet;
  return wallet.address;
}

/** A fresh random key, stored encrypted with `passphrase`; `progress(fraction)` while scrypt runs. */
export async function create(passphrase, progress) {
  if (passphrase.length < MIN_PASSPHRASE) throw new KeyError('key.short');
  const { Wallet } = await loadEthers();
  const wallet = new Wallet(Wallet.createRandom().privateKey); // a bare key: the keystore carries no mnemonic
  return keep(wallet, await wallet.encrypt(passphrase, progress));
}

/** A v3 keystore file's text, opened with its passphrase (so a wrong one is said now), then stored as is. */
export async function importKeystore(text, passphrase, progress) {
  const { Wallet, isKeystoreJson } = await loadEthers();
  if (!isKeystoreJson(text)) throw new KeyError('key.badfile');
  let wallet;
  try {
    wallet = await Wallet.fromEncryptedJson(text, passphrase, progress);
  } catch {
    throw new KeyError('key.badpass');
  }
  return keep(wallet, text);
}

/** The stored key, decrypted with `passphrase` (once per page load). */
export async function unlock(passphrase, progress) {
  const key = stored();
  if (!key) throw new KeyError('key.none');
  if (unlocked?.address.toLowerCase() === key.address.toLowerCase()) return unlocked;
  const { Wallet } = await loadEthers();
  try {
    unlocked = await Wallet.fromEncryptedJson(key.json, passphrase, progress);
  } catch {
    throw new KeyError('key.badpass');
  }
  return unlocked;
}

export const isUnlocked = () => unlocked !== null && unlocked.address.toLowerCase() === stored()?.address.toLowerCase();

/** Downloads the stored keystore (encrypted) as a file named after its address. */
export function exportKeystore() {
  const key = stored();
  if (!key) throw new KeyError('key.none');
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(new Blob([key.json], { type: 'application/json' })),
    download: `linli-keystore-${key.address.toLowerCase()}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export function forget() {
  localStorage.removeItem(KEY);
  unlocked = null;
}
