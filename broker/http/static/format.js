// How numbers, sizes, times and record bytes are shown.

const NONE = "—";
// A hex dump beyond this many bytes is cut: the page stays responsive on a 1 MiB value.
const HEX_DUMP_MAX_BYTES = 16384;
const HEX_BYTES_PER_LINE = 16;

export function count(n) {
  return n === null || n === undefined ? NONE : Number(n).toLocaleString("en-US");
}

export function bytes(n) {
  if (n === null || n === undefined) return NONE;
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function seconds(s) {
  if (s === null || s === undefined) return NONE;
  const value = Number(s);
  if (value < 60) return `${value.toFixed(value < 10 ? 1 : 0)} s`;
  if (value < 3600) return `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
  if (value < 86400) return `${Math.floor(value / 3600)} h ${Math.round((value % 3600) / 60)} min`;
  return `${Math.floor(value / 86400)} d ${Math.round((value % 86400) / 3600)} h`;
}

/** A Kafka timestamp (ms since the epoch; -1 when there is none) in UTC. */
export function timestamp(ms) {
  if (ms === null || ms === undefined || ms < 0) return NONE;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return String(ms);
  return date.toISOString().replace("T", " ").replace("Z", " UTC");
}

export function clock(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

export function list(items) {
  return items && items.length ? items.join(", ") : NONE;
}

export function yesNo(flag) {
  return flag ? "yes" : "no";
}

export function base64Bytes(b64) {
  const binary = atob(b64 ?? "");
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** Offset, hex bytes and printable ASCII, 16 bytes a line, like hexdump -C. */
export function hexDump(data) {
  const shown = data.subarray(0, HEX_DUMP_MAX_BYTES);
  const lines = [];
  for (let at = 0; at < shown.length; at += HEX_BYTES_PER_LINE) {
    const chunk = shown.subarray(at, at + HEX_BYTES_PER_LINE);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "."));
    lines.push(`${at.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  |${ascii.join("")}|`);
  }
  if (data.length > shown.length) lines.push(`… ${data.length - shown.length} more bytes`);
  return lines.join("\n");
}

// C0 controls other than tab, newline and carriage return, and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const MODES = ["auto", "text", "json", "hex"];

/**
 * How one key, value or header value ({text, json, base64}, or null) reads in a mode:
 * {kind, text, note}. kind is what is shown: "null", "json", "text" or "hex".
 */
export function render(field, mode) {
  if (field === null || field === undefined) return { kind: "null", text: "null", note: "" };
  const data = base64Bytes(field.base64);
  const asHex = (note) => ({ kind: "hex", text: hexDump(data), note });
  if (mode === "hex") return asHex("");
  if (mode === "json" || (mode === "auto" && field.json)) {
    if (field.json) {
      try {
        return { kind: "json", text: JSON.stringify(JSON.parse(field.text), null, 2), note: "" };
      } catch {
        // Parsed on the broker, not here (a number too deep, say): show the text as it is.
      }
    }
    if (mode === "json") {
      return field.text === null
        ? asHex("not UTF-8 text")
        : { kind: "text", text: field.text, note: "not JSON" };
    }
  }
  if (field.text === null) return asHex(mode === "text" ? "not UTF-8 text" : "");
  // Valid UTF-8 full of control bytes is binary in practice: auto shows it as hex.
  if (mode === "auto" && CONTROL.test(field.text)) return asHex("");
  return { kind: "text", text: field.text, note: "" };
}
