// Groups (#/groups): every consumer group with type, state, members and total lag.

import { getJson } from "./api.js";
import { h, link, table } from "./dom.js";
import { count, seconds } from "./format.js";
import { makePage } from "./page.js";

export function mount() {
  const filter = h("input", { type: "search", class: "filter", placeholder: "Filter groups",
    "aria-label": "Filter groups" });
  const page = makePage("Consumer groups", { controls: [h("div", { class: "toolbar" }, filter)] });
  let last = null;
  const render = () => {
    if (last === null) return;
    const needle = filter.value.trim().toLowerCase();
    const shown = last.groups.filter((g) => !needle || g.group_id.toLowerCase().includes(needle));
    page.show(
      table(["Group", "Type", "State", "Protocol", "Members", "Lag", "Lag (time)"],
        shown.map((g) => h("tr", { dataset: { group: g.group_id } },
          h("td", {}, link(["groups", g.group_id], g.group_id)),
          h("td", {}, g.type ?? ""),
          h("td", {}, h("span", { class: `state ${String(g.state).toLowerCase()}` }, g.state)),
          h("td", {}, g.protocol ?? ""),
          h("td", { class: "num" }, count(g.members)),
          h("td", { class: "num lag" }, count(g.lag)),
          h("td", { class: "num lag-seconds" }, seconds(g.lag_seconds)))),
        { class: "groups" }),
      h("p", { class: "muted" }, `${shown.length} of ${last.groups.length} groups`,
        last.truncated ? " (the broker cut the list)" : ""),
    );
  };
  filter.addEventListener("input", render);
  page.refresh = async () => {
    const data = await getJson("/api/groups");
    if (!page.changed(data)) return;
    last = { groups: data.groups ?? [], truncated: Boolean(data.truncated) };
    render();
  };
  return page;
}
