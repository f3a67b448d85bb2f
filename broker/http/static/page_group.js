// Group (#/groups/ID): state, members with their assignments, lag per partition in offsets and
// seconds, the lag-over-time chart, and (admin) resetting offsets of an empty group. A KIP-848
// ("consumer") group also shows its group and assignment epochs, and per member its epoch and
// target assignment beside the current one: a member whose current assignment is not yet its
// target (it is still reconciling) is marked.

import { actionForm } from "./admin.js";
import { apiPath, getJson, send } from "./api.js";
import { lagChart } from "./chart.js";
import { facts, h, link, table } from "./dom.js";
import { count, seconds, timestamp } from "./format.js";
import { makePage } from "./page.js";

function target(to, value) {
  if (to === "offset") return { offset: Number(value) };
  if (to === "timestamp") {
    const ms = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
    if (Number.isNaN(ms)) throw new Error(`"${value}" is neither ms since the epoch nor a date`);
    return { timestamp: ms };
  }
  return to;
}

function partitions(list) {
  return (list ?? []).map((a) => `${a.topic}-${a.partition}`).join(", ") || "—";
}

function sameAssignment(a, b) {
  return partitions(a) === partitions(b);
}

function classicMember(m) {
  return h("tr", {},
    h("td", { class: "mono" }, m.member_id),
    h("td", {}, m.client_id ?? ""),
    h("td", {}, m.client_host ?? ""),
    h("td", {}, m.instance_id ?? "—"),
    h("td", {}, partitions(m.assignment)));
}

function consumerMember(m, g) {
  const reconciling = !sameAssignment(m.assignment, m.target_assignment) ||
    m.member_epoch !== g.assignment_epoch;
  return h("tr", { class: reconciling ? "reconciling" : "", dataset: { member: m.member_id } },
    h("td", { class: "mono" }, m.member_id),
    h("td", {}, m.client_id ?? ""),
    h("td", {}, m.client_host ?? ""),
    h("td", {}, m.instance_id ?? "—"),
    h("td", { class: "num member-epoch" }, count(m.member_epoch)),
    h("td", { class: "assignment" }, partitions(m.assignment)),
    h("td", { class: "target-assignment" }, partitions(m.target_assignment)));
}

export function mount(ctx, [id]) {
  const controls = [];
  if (ctx.admin) {
    controls.push(actionForm({
      title: "Reset offsets",
      cls: "reset-offsets",
      fields: [
        { name: "topic", label: "Topic", required: true },
        { name: "to", label: "To", type: "select", options: [["earliest", "earliest"],
          ["latest", "latest"], ["offset", "an offset"], ["timestamp", "a timestamp"]] },
        { name: "value", label: "Offset, or timestamp (ms or ISO date)" },
      ],
      submit: async (v) => {
        await send("POST", apiPath("groups", id, "reset-offsets"),
          { topic: v.topic.trim(), to: target(v.to, v.value) });
        await ctx.refresh();
        return `Reset the offsets of ${id} on ${v.topic.trim()}.`;
      },
    }));
  }
  const page = makePage(id, { crumbs: [link(["groups"], "Groups")], controls });
  page.refresh = async () => {
    const g = await getJson(apiPath("groups", id));
    if (!page.changed(g)) return;
    const offsets = g.offsets ?? [];
    const totalLag = offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0);
    const kip848 = g.type === "consumer";
    const members = (g.members ?? []).map((m) => kip848 ? consumerMember(m, g) : classicMember(m));
    const memberHeads = kip848
      ? ["Member id", "Client id", "Host", "Instance id", "Member epoch", "Current assignment",
        "Target assignment"]
      : ["Member id", "Client id", "Host", "Instance id", "Assignment"];
    const epochs = kip848
      ? [["Group epoch", h("span", { id: "group-epoch" }, count(g.group_epoch))],
        ["Assignment epoch", h("span", { id: "assignment-epoch" }, count(g.assignment_epoch))]]
      : [];
    const rows = offsets.map((o) => h("tr", { dataset: { topic: o.topic, partition: o.partition } },
      h("td", {}, link(["topics", o.topic], o.topic)),
      h("td", { class: "num" }, count(o.partition)),
      h("td", { class: "num" }, count(o.committed_offset)),
      h("td", { class: "num" }, count(o.high_watermark)),
      h("td", { class: "num lag" }, count(o.lag)),
      h("td", { class: "num lag-seconds", title: o.lag_seconds === null ? "" :
        `${o.lag_seconds} s` }, seconds(o.lag_seconds)),
      h("td", {}, timestamp(o.commit_timestamp))));
    const chart = lagChart(g.history);
    page.show(
      facts([["State", g.state ?? "—"], ["Type", g.type ?? "—"],
        ["Protocol", `${g.protocol_type ?? ""} ${g.protocol ?? ""}`.trim() || "—"],
        ...epochs,
        ["Members", count(members.length)], ["Total lag", h("span", { id: "total-lag" },
          count(totalLag))]]),
      h("h2", {}, "Members"),
      members.length ? table(memberHeads, members, { class: "members" })
        : h("p", { class: "muted" }, "No members."),
      kip848 && members.length ? h("p", { class: "muted" }, "A marked member does not own its "
        + "target assignment yet: it is giving up or waiting for partitions.") : null,
      h("h2", {}, "Lag per partition"),
      rows.length ? table(["Topic", "Partition", "Committed offset", "High watermark", "Lag",
        "Lag (time)", "Committed at"], rows, { class: "offsets" })
        : h("p", { class: "muted" }, "No committed offsets."),
      h("h2", {}, "Total lag over the last hour"),
      chart ?? h("p", { class: "muted no-history" },
        "No samples yet: the broker samples each group's lag every 10 s."),
    );
  };
  return page;
}
