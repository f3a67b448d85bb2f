// Overview (#/): brokers, the controller, partitions under-replicated, offline or under
// min ISR, topic and partition counts.

import { getJson } from "./api.js";
import { h, link, table } from "./dom.js";
import { count, yesNo } from "./format.js";
import { makePage, stat } from "./page.js";

function partitionList(title, cls, items) {
  if (!items || items.length === 0) return null;
  return h("section", { class: `partition-list ${cls}` }, h("h2", {}, `${title} (${items.length})`),
    table(["Topic", "Partition"], items.map((p) =>
      h("tr", {}, h("td", {}, link(["topics", p.topic], p.topic)), h("td", {}, count(p.partition))))));
}

export function mount() {
  const page = makePage("Overview");
  page.refresh = async () => {
    const ov = await getJson("/api/overview");
    if (!page.changed(ov)) return;
    const urp = ov.under_replicated ?? [];
    const offline = ov.offline ?? [];
    const underMin = ov.under_min_isr ?? [];
    const brokers = (ov.brokers ?? []).map((b) =>
      h("tr", { class: b.fenced ? "fenced" : "", dataset: { broker: b.id } },
        h("td", {}, count(b.id)),
        h("td", {}, `${b.host}:${b.port}`),
        h("td", {}, b.rack ?? "—"),
        h("td", {}, b.is_controller ? h("span", { class: "badge controller" }, "controller") : ""),
        h("td", {}, b.fenced ? h("span", { class: "badge bad" }, "fenced") : yesNo(false))));
    page.show(
      h("div", { class: "stats" },
        stat("Brokers", count(ov.brokers?.length ?? 0)),
        stat("Controller", ov.controller_id ?? "—"),
        stat("Topics", count(ov.topic_count), { id: "topic-count" }),
        stat("Partitions", count(ov.partition_count), { id: "partition-count" }),
        stat("Under-replicated", count(urp.length), { class: urp.length ? "stat warn" : "stat",
          id: "urp-count" }),
        stat("Offline", count(offline.length), { class: offline.length ? "stat bad" : "stat",
          id: "offline-count" }),
        stat("Under min ISR", count(underMin.length),
          { class: underMin.length ? "stat warn" : "stat" })),
      h("h2", {}, "Brokers"),
      table(["Id", "Address", "Rack", "Role", "Fenced"], brokers, { class: "brokers" }),
      urp.length || offline.length || underMin.length
        ? null
        : h("p", { class: "ok-line" }, "Every partition is fully replicated and online."),
      partitionList("Offline partitions", "offline", offline),
      partitionList("Under-replicated partitions", "urp", urp),
      partitionList("Partitions under min ISR", "under-min-isr", underMin),
    );
  };
  return page;
}
