// The API's routes, as plain fetches; every error becomes an ApiError carrying the status and detail.
export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
  }
}

async function answer(response) {
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON: keep the status text */ }
    throw new ApiError(response.status, typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
  return response.json();
}

export const get = async (path) => answer(await fetch(path, { headers: { accept: 'application/json' } }));

// Same-origin fetches carry the session cookie (HttpOnly, SameSite=Strict) set by POST /auth/siwe.
const send = async (method, path, body) => answer(await fetch(path, {
  method, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
}));

/** POST a JSON body (the relay and sign-in routes). */
export const post = (path, body) => send('POST', path, body);

/** PUT a JSON body (the member's own display name). */
export const put = (path, body) => send('PUT', path, body);

export const config = () => get('config.json');
