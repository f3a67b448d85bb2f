// Admin forms (only built when the broker says admin_enabled): each shows its outcome, or the
// API's refusal, as text inside the form.

import { ApiError } from "./api.js";
import { h, replace } from "./dom.js";

/**
 * A collapsible form. fields: [{name, label, type?, value?, placeholder?, required?, options?}]
 * (type "select" takes options [[value, label]], "textarea" a multi-line box). submit(values)
 * does the action and returns the line to show.
 */
export function actionForm({ title, fields, button, submit, open = false, cls = "" }) {
  const outcome = h("p", { class: "outcome", "aria-live": "polite" });
  const inputs = {};
  const rows = fields.map((field) => {
    let input;
    if (field.type === "select") {
      input = h("select", { name: field.name },
        field.options.map(([value, label]) => h("option", { value }, label)));
      if (field.value !== undefined) input.value = field.value;
    } else if (field.type === "textarea") {
      input = h("textarea", { name: field.name, rows: 3, placeholder: field.placeholder ?? "" });
      if (field.value !== undefined) input.value = field.value;
    } else {
      input = h("input", {
        name: field.name, type: field.type ?? "text", placeholder: field.placeholder ?? "",
        required: field.required ?? false, min: field.min, value: field.value ?? "",
      });
    }
    inputs[field.name] = input;
    return h("label", { class: "field" }, h("span", {}, field.label), input);
  });
  const submitButton = h("button", { type: "submit" }, button ?? title);
  const form = h("form", { class: "action-form" }, rows, h("div", { class: "actions" },
    submitButton), outcome);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
    submitButton.disabled = true;
    outcome.className = "outcome";
    replace(outcome, "Working…");
    try {
      const line = await submit(values, inputs);
      outcome.className = "outcome ok";
      replace(outcome, line);
    } catch (err) {
      outcome.className = "outcome error";
      replace(outcome, err instanceof ApiError ? err.describe() : String(err?.message ?? err));
    } finally {
      submitButton.disabled = false;
    }
  });
  return h("details", { class: `admin ${cls}`, open }, h("summary", {}, title), form);
}

/** "key=value" lines as an object (blank lines skipped; a line without "=" is refused). */
export function parsePairs(text) {
  const pairs = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`"${line}" is not name=value`);
    pairs[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return pairs;
}

/** A button that asks for a second click before it acts (no browser dialog). */
export function confirmButton(label, confirmLabel, act) {
  const outcome = h("span", { class: "outcome" });
  const button = h("button", { type: "button", class: "danger" }, label);
  let armed = false;
  button.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      button.textContent = confirmLabel;
      return;
    }
    button.disabled = true;
    try {
      replace(outcome, await act());
      outcome.className = "outcome ok";
    } catch (err) {
      outcome.className = "outcome error";
      replace(outcome, err instanceof ApiError ? err.describe() : String(err?.message ?? err));
      armed = false;
      button.textContent = label;
      button.disabled = false;
    }
  });
  return h("span", { class: "confirm" }, button, " ", outcome);
}
