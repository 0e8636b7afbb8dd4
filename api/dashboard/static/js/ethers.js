// ethers v6 (512 KB) is fetched only when a member starts to sign, never with the page: phones on slow
// networks read the dashboard without it.
let loading = null;

export function loadEthers() {
  loading ??= import('../vendor/ethers/ethers.min.js').catch((error) => { loading = null; throw error; });
  return loading;
}
