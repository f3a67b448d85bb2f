// Topics (#/topics): every topic with partitions, replication factor, under-replicated count,
// size and messages; a filter box; a create form when admin actions are on.

import { actionForm, parsePairs } from "./admin.js";
import { getJson, send } from "./api.js";
import { h, link, table } from "./dom.js";
import { bytes, count } from "./format.js";
import { makePage } from "./page.js";

export function mount(ctx) {
  const filter = h("input", { type: "search", class: "filter", placeholder: "Filter topics",
    "aria-label": "Filter topics" });
  const controls = [h("div", { class: "toolbar" }, filter)];
  if (ctx.admin) {
    controls.push(actionForm({
      title: "Create topic",
      cls: "create-topic",
      fields: [
        { name: "name", label: "Name", required: true, placeholder: "orders" },
        { name: "partitions", label: "Partitions", type: "number", value: "1", min: 1 },
        { name: "replication_factor", label: "Replication factor", type: "number", value: "1",
          min: 1 },
        { name: "configs", label: "Configs (name=value a line)", type: "textarea",
          placeholder: "retention.ms=86400000" },
      ],
      submit: async (v) => {
        const name = v.name.trim();
        await send("POST", "/api/topics", {
          name,
          partitions: Number(v.partitions),
          replication_factor: Number(v.replication_factor),
          configs: parsePairs(v.configs),
        });
        ctx.navigate("#/topics/" + encodeURIComponent(name));
        return `Created ${name}.`;
      },
    }));
  }
  const page = makePage("Topics", { controls });
  let last = null;
  const render = () => {
    if (last === null) return;
    const needle = filter.value.trim().toLowerCase();
    const shown = last.topics.filter((t) => !needle || t.name.toLowerCase().includes(needle));
    page.show(
      table(["Name", "Partitions", "Replication factor", "Under-replicated", "Size", "Messages"],
        shown.map((t) => h("tr", { class: t.under_replicated ? "warn" : "",
          dataset: { topic: t.name } },
        h("td", {}, link(["topics", t.name], t.name),
          t.internal ? h("span", { class: "badge" }, "internal") : null),
        h("td", { class: "num" }, count(t.partitions)),
        h("td", { class: "num" }, count(t.replication_factor)),
        h("td", { class: "num" }, count(t.under_replicated)),
        h("td", { class: "num" }, bytes(t.size_bytes)),
        h("td", { class: "num" }, count(t.messages)))),
        { class: "topics" }),
      h("p", { class: "muted" }, `${shown.length} of ${last.topics.length} topics`,
        last.truncated ? " (the broker cut the list)" : ""),
    );
  };
  filter.addEventListener("input", render);
  page.refresh = async () => {
    const data = await getJson("/api/topics");
    if (!page.changed(data)) return;
    last = { topics: data.topics ?? [], truncated: Boolean(data.truncated) };
    render();
  };
  return page;
}
