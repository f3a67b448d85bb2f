// The console's shell: hash routes, the polling loop, the error banner and the search box.
// Each page is a module whose mount(ctx, params) returns {title, el, refresh}.

import { ApiError, getJson, query } from "./api.js";
import { h, link, replace } from "./dom.js";
import { clock } from "./format.js";
import * as group from "./page_group.js";
import * as groups from "./page_groups.js";
import * as messages from "./page_messages.js";
import * as overview from "./page_overview.js";
import * as topic from "./page_topic.js";
import * as topics from "./page_topics.js";

// Often enough to watch lag move, rarely enough to cost the broker nothing.
const POLL_MS = 5000;
// The search box asks once typing pauses this long, not once per key.
const SEARCH_DEBOUNCE_MS = 250;
const PAUSED = "Paused while the tab is hidden";

const ROUTES = [
  [/^\/?$/, "overview", overview.mount],
  [/^\/topics\/?$/, "topics", topics.mount],
  [/^\/topics\/([^/]+)\/messages\/?$/, "topics", messages.mount],
  [/^\/topics\/([^/]+)\/?$/, "topics", topic.mount],
  [/^\/groups\/?$/, "groups", groups.mount],
  [/^\/groups\/([^/]+)\/?$/, "groups", group.mount],
];

const $ = (id) => document.getElementById(id);

const state = {
  page: null,
  generation: 0,
  inflight: false,
  again: false,
  overview: null,
};

const ctx = {
  get admin() {
    return Boolean(state.overview?.admin_enabled);
  },
  get overview() {
    return state.overview;
  },
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  refresh() {
    return tick();
  },
};

function showError(err) {
  const banner = $("banner");
  const text = err instanceof ApiError ? err.describe() : `Error: ${err?.message ?? err}`;
  replace(banner, h("strong", {}, "Cannot refresh. "), text);
  banner.hidden = false;
}

function hideError() {
  $("banner").hidden = true;
}

function setStatus(text, busy) {
  $("status").textContent = text;
  document.body.classList.toggle("busy", Boolean(busy));
}

function showHeader(ov) {
  const user = $("user");
  user.textContent = ov.user ? `signed in as ${ov.user}` : "";
  $("version").textContent =
    `Samsa ${ov.version ?? ""} · cluster ${ov.cluster_id ?? "?"} · broker ${ov.broker_id ?? "?"}` +
    (ov.admin_enabled ? " · admin actions on" : " · read-only");
  document.body.classList.toggle("admin", Boolean(ov.admin_enabled));
}

/** One refresh: the overview (for the header), then the page. A call that fails keeps what
 * the page shows and raises the banner. */
async function tick() {
  if (state.inflight) {
    state.again = true;
    return;
  }
  state.inflight = true;
  const generation = state.generation;
  setStatus("Refreshing…", true);
  try {
    const ov = await getJson("/api/overview");
    state.overview = ov;
    showHeader(ov);
    if (state.page === null) mountRoute();
    if (generation === state.generation && state.page) await state.page.refresh();
    hideError();
    setStatus(document.hidden ? PAUSED : `Updated ${clock(Date.now())} UTC`, false);
  } catch (err) {
    showError(err);
    setStatus(`Failed at ${clock(Date.now())} UTC`, false);
    if (state.page?.failed) state.page.failed(err);
    else if (state.overview === null) {
      replace($("view"), h("p", { class: "failed" }, "The console cannot load: the broker's API ",
        "did not answer. It retries every few seconds."));
    }
  } finally {
    state.inflight = false;
    if (state.again) {
      state.again = false;
      tick();
    }
  }
}

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search] = raw.split("?", 2);
  return { path, params: new URLSearchParams(search ?? "") };
}

/** Mount the page of the current hash (once the overview is known: pages need admin_enabled). */
function mountRoute() {
  const { path, params } = parseHash();
  let found = null;
  for (const [pattern, section, mount] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      found = { section, mount, args: match.slice(1).map(decodeURIComponent) };
      break;
    }
  }
  for (const a of document.querySelectorAll(".nav a")) {
    a.classList.toggle("active", found !== null && a.dataset.section === found.section);
  }
  const view = $("view");
  if (found === null) {
    state.page = null;
    document.title = "Not found · Samsa console";
    replace(view, h("h1", {}, "Not found"), h("p", {}, "No page at ", h("code", {}, path), ". ",
      link([], "Back to the overview"), "."));
    return;
  }
  state.page = found.mount(ctx, found.args, params);
  state.page.el.dataset.route = path;
  document.title = `${state.page.title} · Samsa console`;
  replace(view, state.page.el);
}

function route() {
  state.generation += 1;
  state.page = null;
  closeSearch();
  if (state.overview !== null) mountRoute();
  tick();
}

// -- search --------------------------------------------------------------------------------

let searchTimer = 0;
let searchSeq = 0;

function closeSearch() {
  $("search-results").hidden = true;
}

async function search(text) {
  const seq = ++searchSeq;
  const box = $("search-results");
  if (!text.trim()) {
    closeSearch();
    return;
  }
  try {
    const found = await getJson("/api/search" + query({ q: text.trim() }));
    if (seq !== searchSeq) return;
    const section = (label, names, kind) =>
      h("div", { class: "search-section" }, h("h3", {}, label),
        names.length
          ? h("ul", {}, names.map((name) => h("li", {}, link([kind, name], name))))
          : h("p", { class: "muted" }, "none"));
    replace(box, section("Topics", found.topics ?? [], "topics"),
      section("Groups", found.groups ?? [], "groups"));
    box.hidden = false;
  } catch (err) {
    if (seq === searchSeq) showError(err);
  }
}

function setUpSearch() {
  const input = $("search-input");
  input.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(input.value), SEARCH_DEBOUNCE_MS);
  });
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search(input.value);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeSearch();
  });
  document.addEventListener("click", (event) => {
    if (!$("search").contains(event.target)) closeSearch();
  });
  $("search-results").addEventListener("click", (event) => {
    if (event.target instanceof HTMLAnchorElement) {
      closeSearch();
      input.value = "";
    }
  });
}

// -- polling -------------------------------------------------------------------------------

let timer = 0;

function schedule() {
  clearInterval(timer);
  timer = 0;
  if (document.hidden) {
    setStatus(PAUSED, false);
    return;
  }
  if ($("auto-refresh").checked) timer = setInterval(tick, POLL_MS);
}

function start() {
  setUpSearch();
  $("refresh-now").addEventListener("click", () => tick());
  $("auto-refresh").addEventListener("change", schedule);
  document.addEventListener("visibilitychange", () => {
    schedule();
    if (!document.hidden) tick();
  });
  window.addEventListener("hashchange", route);
  schedule();
  route();
}

start();
