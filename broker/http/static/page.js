// What every page shares: a heading, controls that survive refreshes, and a body that each
// refresh replaces. A page that never loaded says so in place of its body.

import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";

export function makePage(title, { crumbs = [], controls = [] } = {}) {
  const body = h("div", { class: "page-body" }, h("p", { class: "muted" }, "Loading…"));
  const el = h(
    "section",
    { class: "page" },
    crumbs.length ? h("nav", { class: "crumbs" }, crumbs.map((c) => [c, " / "])) : null,
    h("h1", {}, title),
    controls,
    body,
  );
  let loaded = false;
  let lastData = null;
  return {
    title,
    el,
    body,
    /** Whether data differs from the last refresh's: an unchanged page is left alone, so a
     * selection (a value being copied) survives the polling. */
    changed(data) {
      const text = JSON.stringify(data);
      if (loaded && text === lastData) return false;
      lastData = text;
      return true;
    },
    show(...children) {
      loaded = true;
      el.dataset.loaded = "1";
      replace(body, ...children);
    },
    failed(err) {
      if (loaded) return;
      const text = err instanceof ApiError ? err.describe() : String(err?.message ?? err);
      replace(body, h("p", { class: "failed" }, "Could not load this page: ", text));
    },
  };
}

/** A numbered summary card: label above a big value. */
export function stat(label, value, attrs) {
  return h("div", { class: "stat", ...(attrs ?? {}) },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat-value" }, value));
}
