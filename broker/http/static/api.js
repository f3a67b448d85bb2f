// The console's calls to the broker's JSON API, and what a failed call looks like.

/** A call that failed: HTTP status (0 when the broker could not be reached), the API's error
 * name and its one-line message. */
export class ApiError extends Error {
  constructor(status, code, message, path) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.path = path;
  }

  describe() {
    if (this.status === 0) return `Cannot reach the broker (${this.path}): ${this.message}`;
    if (this.status === 401) {
      return "The broker asks for credentials: reload the page and sign in with a SCRAM user.";
    }
    return `${this.path}: ${this.status} ${this.code}${this.message ? " — " + this.message : ""}`;
  }
}

async function call(method, path, body) {
  const init = { method, cache: "no-store", credentials: "same-origin", headers: {} };
  init.headers.Accept = "application/json";
  if (method !== "GET") {
    // The API refuses changes without both: a form on another site cannot send them.
    init.headers["Content-Type"] = "application/json";
    init.headers["X-Samsa-Console"] = "1";
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, "NETWORK", String(err?.message ?? err), path);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = data?.error ?? `HTTP_${response.status}`;
    throw new ApiError(response.status, code, data?.message ?? response.statusText, path);
  }
  if (data === null && text) throw new ApiError(response.status, "BAD_RESPONSE", "not JSON", path);
  return data ?? {};
}

/** GET a path of the API; its JSON body, or an ApiError. */
export function getJson(path) {
  return call("GET", path);
}

/** An admin action (POST or DELETE with a JSON body); its JSON answer, or an ApiError. */
export function send(method, path, body) {
  return call(method, path, body);
}

/** A query string from an object, skipping null and undefined values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

/** The API path of a topic or group: names are encoded, whatever they contain. */
export function apiPath(...parts) {
  return "/api/" + parts.map((part) => encodeURIComponent(String(part))).join("/");
}
