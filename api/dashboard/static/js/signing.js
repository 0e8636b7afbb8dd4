// How a member signs: with a wallet app (any EIP-1193 provider: window.ethereum) or with the member key held
// in this browser (keystore.js), as the member chooses in the panel below, which also creates, imports,
// exports and forgets that key. Both sign the same EIP-712 typed data (typed.js).
import { ApiError } from './api.js';
import { esc } from './format.js';
import { t } from './i18n.js';
import * as keystore from './keystore.js';

const MODE = 'linli.signer';
const REJECTED = 4001; // EIP-1193: the member said no in the wallet

/** The saved choice; by default the wallet when the browser has one and no key is stored here. */
export function mode() {
  const saved = localStorage.getItem(MODE);
  if (saved === 'wallet' || saved === 'key') return saved;
  return window.ethereum && !keystore.stored() ? 'wallet' : 'key';
}

function keyBody() {
  const key = keystore.stored();
  if (key) {
    return `<p>${esc(t('key.address'))} <span class="mono" data-key-address>${esc(key.address)}</span></p>
      ${keystore.isUnlocked() ? `<p class="muted">${esc(t('key.unlocked'))}</p>` : `<form class="field" data-key-unlock>
        <label for="key-pass">${esc(t('key.passphrase'))}</label>
        <input id="key-pass" type="password" autocomplete="current-password" aria-describedby="key-pass-help">
        <p id="key-pass-help" class="muted">${esc(t('key.passphrase.use'))}</p>
      </form>`}
      <div class="actions">
        <button type="button" class="action secondary" data-key-export>${esc(t('key.export'))}</button>
        <button type="button" class="action secondary" data-key-forget>${esc(t('key.forget'))}</button>
      </div>`;
  }
  return `<p class="muted">${esc(t('key.none.help'))}</p>
    <form class="field" data-key-create>
      <label for="key-pass">${esc(t('key.passphrase.new'))}</label>
      <input id="key-pass" type="password" autocomplete="new-password" minlength="8" aria-describedby="key-pass-help">
      <p id="key-pass-help" class="muted">${esc(t('key.passphrase.help'))}</p>
      <button type="submit">${esc(t('key.create'))}</button>
    </form>
    <div class="field">
      <label for="key-file">${esc(t('key.import'))}</label>
      <input id="key-file" type="file" accept=".json,application/json">
      <button type="button" data-key-import>${esc(t('key.import.go'))}</button>
    </div>`;
}

function body() {
  if (mode() === 'key') return keyBody();
  return `<p class="muted">${esc(t(window.ethereum ? 'signer.wallet.help' : 'signer.wallet.none'))}</p>`;
}

/** The panel's markup (one per page); `wire` makes it work. */
export function panel() {
  const current = mode();
  const option = (value) => `<label class="option"><input type="radio" name="signer" value="${value}"
    ${current === value ? 'checked' : ''}> ${esc(t(`signer.${value}`))}</label>`;
  return `<div class="signer" data-signer>
    <fieldset><legend>${esc(t('signer.title'))}</legend>${option('wallet')}${option('key')}</fieldset>
    <div data-signer-body>${body()}</div>
    <p data-signer-status role="status" aria-live="polite"></p>
  </div>`;
}

/** One line in the member's language for anything signing or relaying threw; `route` names the relay route's
 * own messages (`delegation.409`) before the shared ones (`relay.409`). */
export function explain(error, route = 'relay') {
  if (error instanceof ApiError) {
    const key = [`${route}.${error.status}`, `relay.${error.status}`].find((k) => t(k) !== k);
    return key ? t(key) : t('relay.other', { status: error.status });
  }
  if (error instanceof keystore.KeyError) return t(error.code);
  if (error?.code === REJECTED || error?.code === 'ACTION_REJECTED') return t('signer.rejected');
  return t('error', { message: String(error?.message ?? error).split('\n')[0] });
}

const percent = (key) => (fraction) => key && (key.textContent = t('key.working', { percent: Math.round(fraction * 100) }));

export function wire(root) {
  const box = root.querySelector('[data-signer]');
  const status = box.querySelector('[data-signer-status]');
  const say = (text, bad = false) => { status.textContent = text; status.className = bad ? 'error' : ''; };
  const redraw = () => { box.querySelector('[data-signer-body]').innerHTML = body(); };
  const run = async (work, done) => {
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    try {
      say(t('key.working', { percent: 0 }));
      say(t(done, { address: await work(percent(status)) }));
      redraw();
    } catch (error) {
      say(explain(error), true);
    }
    for (const b of box.querySelectorAll('button')) b.disabled = false;
  };
  const passphrase = () => box.querySelector('#key-pass')?.value ?? '';
  box.addEventListener('change', (event) => {
    if (event.target.name !== 'signer') return;
    localStorage.setItem(MODE, event.target.value);
    say('');
    redraw();
  });
  box.addEventListener('submit', (event) => {
    event.preventDefault();
    if (event.target.matches('[data-key-create]')) run((progress) => keystore.create(passphrase(), progress), 'key.created');
    if (event.target.matches('[data-key-unlock]')) {
      run(async (progress) => (await keystore.unlock(passphrase(), progress)).address, 'key.unlocked.now');
    }
  });
  box.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.matches('[data-key-import]')) {
      const file = box.querySelector('#key-file').files[0];
      if (!file) { say(t('key.nofile'), true); return; }
      run(async (progress) => keystore.importKeystore(await file.text(), passphrase(), progress), 'key.imported');
    } else if (button.matches('[data-key-export]')) {
      keystore.exportKeystore();
      say(t('key.exported'));
    } else if (button.matches('[data-key-forget]') && window.confirm(t('key.forget.confirm'))) {
      keystore.forget();
      say(t('key.forgotten'));
      redraw();
    }
  });
}

/**
 * The member who signs, as the panel in `root` says: {address, sign(typedData) -> 0x signature}. A wallet is
 * asked for its account; the browser key is unlocked with the passphrase typed in the panel.
 */
export async function account(root) {
  if (mode() === 'wallet') {
    const provider = window.ethereum;
    if (!provider) throw new keystore.KeyError('signer.wallet.none');
    const [address] = await provider.request({ method: 'eth_requestAccounts' });
    if (!address) throw new keystore.KeyError('signer.noaccount');
    return {
      address,
      sign: (typed) => provider.request({ method: 'eth_signTypedData_v4', params: [address, JSON.stringify(typed)] }),
    };
  }
  const status = root.querySelector('[data-signer-status]');
  const wallet = await keystore.unlock(root.querySelector('#key-pass')?.value ?? '', percent(status));
  if (status) status.textContent = '';
  root.querySelector('[data-signer-body]').innerHTML = body();
  return {
    address: wallet.address,
    sign: ({ domain, types, primaryType, message }) => wallet.signTypedData(domain, { [primaryType]: types[primaryType] }, message),
  };
}
