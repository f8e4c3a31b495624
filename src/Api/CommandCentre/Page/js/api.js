// Every data call: the API key in X-Api-Key, JSON back. 401 anywhere ends the session (the page signs out);
// 404 answers null, so a part whose endpoint is not deployed yet can say so instead of failing.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let apiKey = null;
let unauthorized = () => {};

export function configure(key, onUnauthorized) {
  apiKey = key;
  unauthorized = onUnauthorized;
}

export function headers(extra = {}) {
  return { 'X-Api-Key': apiKey ?? '', ...extra };
}

/** GET a JSON resource: its body, or null when it does not exist (404). */
export async function get(path, signal) {
  const response = await fetch(path, { headers: headers({ Accept: 'application/json' }), cache: 'no-store', signal });
  if (response.ok) return response.json();
  if (response.status === 404) return null;
  const problem = await response.json().catch(() => null);
  if (response.status === 401) unauthorized();
  throw new ApiError(response.status, problem);
}

/** Reads every page of a cursor-paged resource whose body has items (or features) and nextCursor. */
export async function getAll(path, field, signal, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const body = await get(cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path, signal);
    if (body === null) return page === 0 ? null : items;
    items.push(...body[field]);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** Today as yyyy-MM-dd in the browser's time zone. */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
