// Messages (#/topics/NAME/messages): a partition, where to start (newest first, an offset or a
// time), a limit; each record's offset, timestamp, key, value and headers, as text, JSON or
// hex. Record bytes are untrusted: they only ever become text nodes.

import { actionForm, parsePairs } from "./admin.js";
import { apiPath, getJson, query, send } from "./api.js";
import { h, link, replace } from "./dom.js";
import { count, MODES, render, timestamp } from "./format.js";
import { makePage } from "./page.js";

// What the broker serves at most in one call (the API's own cap).
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 50;

function field(label, value, mode, cls) {
  const shown = render(value, mode);
  return h("div", { class: `field ${cls}` },
    h("div", { class: "field-label" }, label, " ", h("span", { class: "kind" }, shown.kind),
      shown.note ? h("span", { class: "note" }, ` (${shown.note})`) : null),
    h("pre", { class: `data ${shown.kind}` }, shown.text));
}

export function mount(ctx, [name], params) {
  const partition = h("select", { name: "partition", "aria-label": "Partition" },
    h("option", { value: params.get("partition") ?? "0" }, params.get("partition") ?? "0"));
  const initialFrom = params.has("offset") ? "offset" : params.has("timestamp") ? "timestamp"
    : "newest";
  const from = h("select", { name: "from", "aria-label": "Start" },
    h("option", { value: "newest" }, "newest first"),
    h("option", { value: "offset" }, "from offset"),
    h("option", { value: "timestamp" }, "from timestamp (UTC)"));
  from.value = initialFrom;
  const offset = h("input", { name: "offset", type: "number", min: 0,
    value: params.get("offset") ?? "0", "aria-label": "Offset" });
  const time = h("input", { name: "timestamp", type: "datetime-local", step: 1,
    "aria-label": "Timestamp (UTC)" });
  const limit = h("input", { name: "limit", type: "number", min: 1, max: MAX_LIMIT,
    value: params.get("limit") ?? String(DEFAULT_LIMIT), "aria-label": "Limit" });
  const pageMode = h("select", { name: "mode", "aria-label": "Show keys and values as" },
    MODES.map((m) => h("option", { value: m }, m)));
  const load = h("button", { type: "submit" }, "Load");
  const syncInputs = () => {
    offset.hidden = from.value !== "offset";
    time.hidden = from.value !== "timestamp";
  };
  from.addEventListener("change", syncInputs);
  syncInputs();
  const form = h("form", { class: "toolbar message-query" },
    h("label", {}, "Partition ", partition), " ",
    h("label", {}, "Start ", from), " ", offset, time, " ",
    h("label", {}, "Limit ", limit), " ",
    h("label", {}, "Show as ", pageMode), " ", load);

  const controls = [form];
  if (ctx.admin) {
    controls.push(actionForm({
      title: "Produce a test message",
      cls: "produce",
      fields: [
        { name: "partition", label: "Partition (empty: the broker picks)", type: "number",
          min: 0 },
        { name: "key", label: "Key (empty: none)" },
        { name: "value", label: "Value", type: "textarea" },
        { name: "headers", label: "Headers (name=value a line)", type: "textarea" },
      ],
      submit: async (v) => {
        const body = { value: v.value };
        if (v.partition !== "") body.partition = Number(v.partition);
        if (v.key !== "") body.key = v.key;
        const headers = Object.entries(parsePairs(v.headers));
        if (headers.length) body.headers = headers.map(([key, value]) => ({ key, value }));
        const done = await send("POST", apiPath("topics", name, "messages"), body);
        await ctx.refresh();
        return done && done.offset !== undefined
          ? `Produced to partition ${done.partition ?? "?"} at offset ${done.offset}.`
          : "Produced.";
      },
    }));
  }
  const page = makePage(`${name}: messages`, {
    crumbs: [link(["topics"], "Topics"), link(["topics", name], name)],
    controls,
  });

  const overrides = new Map();
  let last = null;
  let partitionsKnown = false;

  const card = (m) => {
    const id = `${last.partition}:${m.offset}`;
    const mode = overrides.get(id) ?? pageMode.value;
    const toggle = h("span", { class: "modes", role: "group", "aria-label": "Show as" },
      MODES.map((m2) => h("button", {
        type: "button", class: m2 === mode ? "mode active" : "mode", dataset: { mode: m2 },
        onclick: () => {
          overrides.set(id, m2);
          show();
        },
      }, m2)));
    const headers = m.headers ?? [];
    return h("article", { class: "message", dataset: { offset: m.offset } },
      h("header", {},
        h("span", { class: "offset" }, `offset ${m.offset}`),
        h("span", { class: "ts" }, timestamp(m.timestamp),
          m.timestamp_type ? ` (${m.timestamp_type})` : ""),
        toggle),
      field("Key", m.key, mode, "key"),
      field("Value", m.value, mode, "value"),
      headers.length
        ? h("div", { class: "headers" }, h("div", { class: "field-label" }, "Headers"),
          headers.map((hd) => field(hd.key ?? "", hd.value, mode, "header")))
        : null);
  };

  const show = () => {
    if (last === null) return;
    const msgs = last.messages ?? [];
    page.show(
      h("p", { class: "muted range" },
        `Partition ${last.partition}: log start offset ${count(last.log_start_offset)}, `,
        `high watermark ${count(last.high_watermark)}. ${msgs.length} messages shown.`),
      msgs.length ? h("div", { class: "messages" }, msgs.map(card))
        : h("p", { class: "muted empty" }, "No messages here."),
    );
  };
  pageMode.addEventListener("change", () => {
    overrides.clear();
    show();
  });

  const currentQuery = () => {
    const q = { partition: partition.value, limit: Math.min(MAX_LIMIT, Number(limit.value) || 1) };
    if (from.value === "newest") q.newest = 1;
    else if (from.value === "offset") q.offset = Number(offset.value) || 0;
    else {
      const ms = Date.parse(time.value + "Z");
      q.timestamp = Number.isNaN(ms) ? 0 : ms;
    }
    return q;
  };

  page.refresh = async () => {
    if (!partitionsKnown) {
      const t = await getJson(apiPath("topics", name));
      const wanted = partition.value;
      replace(partition, (t.partitions ?? []).map((p) =>
        h("option", { value: p.partition }, String(p.partition))));
      if ([...partition.options].some((o) => o.value === wanted)) partition.value = wanted;
      partitionsKnown = true;
    }
    const data = await getJson(apiPath("topics", name, "messages") + query(currentQuery()));
    if (!page.changed(data)) return;
    last = data;
    show();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    overrides.clear();
    show();
    ctx.refresh();
  });
  return page;
}
