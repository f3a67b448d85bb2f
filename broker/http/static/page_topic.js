// Topic (#/topics/NAME): partitions (leader, epoch, replicas, ISR, offsets, size) and configs.

import { confirmButton } from "./admin.js";
import { apiPath, getJson, send } from "./api.js";
import { h, link, table } from "./dom.js";
import { bytes, count, list } from "./format.js";
import { makePage } from "./page.js";

export function mount(ctx, [name]) {
  const controls = [h("p", { class: "toolbar" },
    link(["topics", name, "messages"], "Browse messages", { class: "button" }))];
  if (ctx.admin) {
    controls.push(h("div", { class: "admin delete-topic" },
      confirmButton("Delete topic", `Really delete ${name}?`, async () => {
        await send("DELETE", apiPath("topics", name), {});
        ctx.navigate("#/topics");
        return `Deleted ${name}.`;
      })));
  }
  const page = makePage(name, { crumbs: [link(["topics"], "Topics")], controls });
  page.refresh = async () => {
    const t = await getJson(apiPath("topics", name));
    if (!page.changed(t)) return;
    const partitions = (t.partitions ?? []).map((p) => {
      const isr = p.isr ?? [];
      const replicas = p.replicas ?? [];
      const under = isr.length < replicas.length;
      return h("tr", { class: p.leader === null || p.leader < 0 ? "bad" : under ? "warn" : "",
        dataset: { partition: p.partition } },
      h("td", { class: "num" }, count(p.partition)),
      h("td", { class: "num" }, p.leader === null || p.leader < 0 ? "none" : count(p.leader)),
      h("td", { class: "num" }, count(p.leader_epoch)),
      h("td", {}, list(replicas)),
      h("td", {}, list(isr)),
      h("td", { class: "num" }, count(p.log_start_offset)),
      h("td", { class: "num" }, count(p.high_watermark)),
      h("td", { class: "num" }, bytes(p.size_bytes)));
    });
    const configs = (t.configs ?? []).map((c) =>
      h("tr", { class: c.source === "DEFAULT_CONFIG" ? "default" : "" },
        h("td", {}, c.name),
        h("td", { class: "value" }, c.sensitive ? h("em", {}, "hidden") : c.value ?? "null"),
        h("td", {}, c.source ?? "")));
    page.show(
      h("p", { class: "muted" }, `Topic id ${t.topic_id ?? "—"}`,
        t.internal ? " · internal topic" : ""),
      h("h2", {}, "Partitions"),
      table(["Partition", "Leader", "Leader epoch", "Replicas", "ISR", "Log start offset",
        "High watermark", "Size"], partitions, { class: "partitions" }),
      h("h2", {}, "Configs"),
      table(["Name", "Value", "Source"], configs, { class: "configs" }),
    );
  };
  return page;
}
