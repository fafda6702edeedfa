// The form: reads the static controls (rendered at build time from the field descriptions),
// turns them into a profile, and shows messages next to fields. Knows nothing of the engine.

import { $, h } from "./dom.js";

export const form = document.getElementById("calc-form");
export const controls = Array.from(form.querySelectorAll("[data-field]"));
export const byName = new Map(controls.map((el) => [el.name, el]));

const TEXT = {
  notNumber: "请输入数字。",
  range: (min, max, integer) => `请输入 ${min} 到 ${max} 之间的${integer ? "整数" : "数字"}。`,
  atLeast: (min, integer) => `请输入不小于 ${min} 的${integer ? "整数" : "数字"}。`,
  checked: (label) => `勾选“${label}”`,
  unchecked: (label) => `取消勾选“${label}”`,
  changed: (label, from, to) => `${label}：${from} → ${to}`,
  blank: "（未填）",
};

export function defaultValue(el) {
  return el.dataset.default ?? "";
}

export function rawValue(el) {
  if (el.type === "checkbox") return el.checked ? "1" : "0";
  return el.value.trim();
}

export function setRaw(el, raw) {
  if (el.type === "checkbox") el.checked = raw === "1";
  else el.value = raw;
}

/** The profile to score, plus anything that stops us from scoring it yet. */
export function collect() {
  const profile = {};
  const missing = [];
  const local = [];
  for (const el of controls) {
    const key = el.name;
    const type = el.dataset.field;
    if (type === "boolean") {
      profile[key] = el.checked;
    } else if (type === "choice") {
      profile[key] = el.value;
    } else if (el.validity.badInput) {
      local.push([key, TEXT.notNumber]);
    } else if (el.value.trim() === "") {
      if (el.required) missing.push(el);
      // Otherwise leave it out: the engine applies the field's documented default.
    } else {
      profile[key] = Number(el.value);
    }
  }
  return { profile, missing, local };
}

/** Answers outside the range or step their field description gives (the control's min, max
 * and step attributes come from it): `[key, message]` pairs. Data only, no rules: the page
 * can say this before the engine has loaded. */
export function rangeProblems() {
  const problems = [];
  for (const el of controls) {
    const type = el.dataset.field;
    if ((type !== "integer" && type !== "number") || el.value.trim() === "") continue;
    const { rangeUnderflow, rangeOverflow, stepMismatch } = el.validity;
    if (!rangeUnderflow && !rangeOverflow && !(type === "integer" && stepMismatch)) continue;
    const integer = type === "integer";
    problems.push([el.name, el.max !== "" ? TEXT.range(el.min || 0, el.max, integer)
      : TEXT.atLeast(el.min || 0, integer)]);
  }
  return problems;
}

/** The fragment for the current form: only answers that differ from the defaults. */
export function fragmentFromForm() {
  const params = new URLSearchParams();
  for (const el of controls) {
    if (el.validity.badInput) continue;
    const raw = rawValue(el);
    if (raw !== "" && raw !== defaultValue(el)) params.set(el.name, raw);
  }
  return params.toString();
}

// ---- Field messages ---------------------------------------------------------------------

const invalid = new Set(); // keys whose field currently shows a message

export function clearFieldErrors() {
  for (const key of invalid) {
    byName.get(key).removeAttribute("aria-invalid");
    const box = $(`err-${key}`);
    box.hidden = true;
    box.textContent = "";
  }
  invalid.clear();
}

/** Show `message` under the field `key`; false if there is no such field. */
export function showFieldError(key, message) {
  const el = byName.get(key);
  const box = el && $(`err-${key}`);
  if (!box) return false;
  el.setAttribute("aria-invalid", "true");
  box.textContent = message;
  box.hidden = false;
  invalid.add(key);
  return true;
}

// ---- The answers as text ------------------------------------------------------------------

export function renderSummary() {
  // The printed page shows the answers as text (form controls print badly); built when the
  // user prints, so typing does not pay for it.
  const list = $("answers-summary");
  const items = [];
  for (const control of controls) {
    const raw = rawValue(control);
    if (raw === "" || (raw === defaultValue(control) && !control.required)) continue;
    let shown = raw;
    if (control.type === "checkbox") shown = control.checked ? "是" : "否";
    else if (control.tagName === "SELECT") shown = control.selectedOptions[0]?.textContent ?? raw;
    items.push(h("dt", control.dataset.label), h("dd", shown));
  }
  if (!items.length) items.push(h("dt", "（全部为默认值）"), h("dd", ""));
  list.replaceChildren(...items);
}

export function currentAnswers() {
  return new Map(controls.map((el) => [el.name, rawValue(el)]));
}

function shownValue(el, raw) {
  if (el.tagName === "SELECT") {
    return Array.from(el.options).find((o) => o.value === raw)?.textContent ?? raw;
  }
  return raw === "" ? TEXT.blank : raw;
}

/** One changed answer in words, e.g. "年龄（周岁）：30 → 31". */
export function describeChange(el, from, to) {
  const label = el.dataset.label;
  if (el.type === "checkbox") return to === "1" ? TEXT.checked(label) : TEXT.unchecked(label);
  return TEXT.changed(label, shownValue(el, from), shownValue(el, to));
}
