// The form: reads the static controls (rendered at build time from the field descriptions in
// scoring/rules/fields.toml), turns them into a profile, shows a question only when it applies
// (`data-applies-when`, situations the person opens), and shows errors the GOV.UK way: at the
// field and in a summary at the top. Knows nothing of the engine and no rule: limits, units,
// conditions and wording all come from the field descriptions as data.

import { $, h } from "./dom.js";

export const form = document.getElementById("calc-form");
export const controls = Array.from(form.querySelectorAll("[data-field]"));
export const byName = new Map(controls.map((el) => [el.name, el]));
const messages = JSON.parse(form.dataset.messages || "{}");
const toggles = Array.from(form.querySelectorAll(".situation-toggle"));

const TEXT = {
  checked: (label) => `勾选“${label}”`,
  unchecked: (label) => `取消勾选“${label}”`,
  changed: (label, from, to) => `${label}：${from} → ${to}`,
  blank: "（未填）",
  readAs: (value, unit) => `按 ${value} ${unit}计算。`,
};

/** A message from fields.toml's [messages] with its {placeholders} filled in. */
function message(name, el, extra = {}) {
  const values = {
    label: el.dataset.label, noun: el.dataset.noun || el.dataset.label, min: el.dataset.min,
    max: el.dataset.max, example: el.dataset.example, unit: el.dataset.unit, ...extra,
  };
  return (messages[name] || name).replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

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

// ---- Numbers as people type them ----------------------------------------------------------

const FULL_WIDTH = /[０-９．]/g;

/** What a number box holds: {value} (a number), {empty: true}, or {error: "…"}. Accepts
 * full-width digits, thousands separators, the field's unit after the number and the number
 * words the field description lists (e.g. “10万”); anything else is an error, never a guess. */
export function parseNumber(el) {
  const typed = el.value.trim();
  if (typed === "") return { empty: true };
  let text = typed
    .replace(FULL_WIDTH, (c) => (c === "．" ? "." : String(c.charCodeAt(0) - 0xff10)))
    .replace(/[,，\s]/g, "");
  const unit = el.dataset.unit || "";
  if (unit && text.endsWith(unit)) text = text.slice(0, -unit.length);
  let factor = 1;
  const multipliers = JSON.parse(el.dataset.multipliers || "{}");
  for (const [word, times] of Object.entries(multipliers)) {
    if (text.endsWith(word)) {
      text = text.slice(0, -word.length);
      factor = times;
      break;
    }
  }
  if (!/^\d{1,15}(\.\d{1,6})?$/.test(text)) {
    return { error: message("not_number", el, { value: typed }), notNumber: true };
  }
  const value = Math.round(Number(text) * factor * 1e6) / 1e6;
  if (el.dataset.field === "integer" && !Number.isInteger(value)) {
    return { error: message("not_whole", el, { value: typed }) };
  }
  const min = Number(el.dataset.min || 0);
  const max = el.dataset.max === "" ? Infinity : Number(el.dataset.max);
  if (value < min || value > max) {
    return { error: message("range", el, { value: typed }) };
  }
  return { value, converted: factor !== 1 || String(value) !== typed };
}

/** The number a box holds even when it is out of range (for the address), or undefined. */
function typedNumber(el) {
  const parsed = parseNumber(el);
  if (parsed.value !== undefined) return parsed.value;
  if (parsed.notNumber || parsed.empty) return undefined;
  const text = el.value.trim().replace(/[,，\s]/g, "");
  return /^\d{1,15}(\.\d{1,6})?$/.test(text) ? Number(text) : undefined;
}

/** The raw text a number box stands for in links and files ("10万" → "100000"). */
function canonicalRaw(el) {
  if (el.dataset.field !== "integer" && el.dataset.field !== "number") return rawValue(el);
  const value = typedNumber(el);
  return value === undefined ? rawValue(el) : String(value);
}

// ---- Which questions apply ---------------------------------------------------------------

function question(el) {
  return el.closest(".calc-field");
}

function situationOf(el) {
  return el.closest(".situation-fields");
}

/** Whether a question is asked now: its situation is open and its condition holds. */
export function applies(el) {
  const box = situationOf(el);
  if (box && box.hidden) return false;
  const condition = question(el).dataset.appliesWhen;
  if (!condition) return true;
  const { field, in: values, at_least: atLeast } = JSON.parse(condition);
  const other = byName.get(field);
  if (!other || !applies(other)) return false;
  if (values) return values.includes(other.value);
  const parsed = parseNumber(other);
  return parsed.value !== undefined && parsed.value >= atLeast;
}

/** Show exactly the questions that apply; returns the keys that just appeared. */
export function refreshQuestions() {
  const appeared = [];
  for (const el of controls) {
    const box = question(el);
    if (!box.dataset.appliesWhen) continue;
    const show = applies(el);
    if (show && box.hidden) appeared.push(el.name);
    box.hidden = !show;
  }
  return appeared;
}

/** Open the situations whose questions hold anything but their defaults (a link, a file). */
export function openAnsweredSituations() {
  for (const toggle of toggles) {
    const box = $(toggle.getAttribute("aria-controls"));
    const fields = Array.from(box.querySelectorAll("[data-field]"));
    setSituation(toggle, fields.some((el) => canonicalRaw(el) !== defaultValue(el)));
  }
  refreshQuestions();
}

function setSituation(toggle, open) {
  toggle.setAttribute("aria-expanded", String(open));
  $(toggle.getAttribute("aria-controls")).hidden = !open;
}

/** A situation button: opening shows its questions; closing says “does not apply” and puts
 * its answers back to their defaults (so nothing hidden still counts). */
export function toggleSituation(toggle) {
  const open = toggle.getAttribute("aria-expanded") !== "true";
  setSituation(toggle, open);
  const box = $(toggle.getAttribute("aria-controls"));
  if (!open) for (const el of box.querySelectorAll("[data-field]")) setRaw(el, defaultValue(el));
  refreshQuestions();
  if (open) box.querySelector("[data-field]")?.focus();
}

/** Make the question for `key` visible (opening its situation) and put the focus on it. */
export function goToField(key) {
  const el = byName.get(key);
  if (!el) return;
  const box = situationOf(el);
  if (box && box.hidden) {
    setSituation(toggles.find((t) => t.getAttribute("aria-controls") === box.id), true);
    refreshQuestions();
  }
  question(el).scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
}

// ---- Form → profile --------------------------------------------------------------------------

/** The profile to score, plus anything that stops us from scoring it yet: `missing` (required
 * and not yet answered) and `errors` ([key, message] in form order). Questions that do not
 * apply are left out: the engine then uses their documented defaults. */
export function collect() {
  const profile = {};
  const missing = [];
  const errors = [];
  for (const el of controls) {
    if (!applies(el)) continue;
    const key = el.name;
    const type = el.dataset.field;
    if (type === "boolean") {
      profile[key] = el.checked;
    } else if (type === "choice") {
      profile[key] = el.value;
    } else {
      const parsed = parseNumber(el);
      showReadAs(el, parsed);
      if (parsed.error) errors.push([key, parsed.error]);
      else if (parsed.empty) {
        if (el.required) missing.push(el);
        else errors.push([key, message("empty", el)]);
      } else profile[key] = parsed.value;
    }
  }
  return { profile, missing, errors };
}

function showReadAs(el, parsed) {
  const box = $(`read-${el.name}`);
  if (!box) return;
  const show = parsed.value !== undefined && parsed.converted;
  box.hidden = !show;
  box.textContent = show ? TEXT.readAs(parsed.value, el.dataset.unit || "") : "";
}

/** The fragment for the current form: only answers that differ from the defaults. */
export function fragmentFromForm() {
  const params = new URLSearchParams();
  for (const el of controls) {
    const number = el.dataset.field === "integer" || el.dataset.field === "number";
    if (number && el.value.trim() !== "" && typedNumber(el) === undefined) continue;
    const raw = canonicalRaw(el);
    if (raw !== "" && raw !== defaultValue(el)) params.set(el.name, raw);
  }
  return params.toString();
}

/** The answers that differ from the defaults, typed as the engine takes them (for a file). */
export function answersForExport() {
  const out = {};
  for (const [key, raw] of new URLSearchParams(fragmentFromForm())) {
    const type = byName.get(key).dataset.field;
    out[key] = type === "boolean" ? raw === "1" : type === "choice" ? raw : Number(raw);
  }
  return out;
}

// ---- Field messages and the error summary -------------------------------------------------

const invalid = new Set(); // keys whose field currently shows a message

export function clearFieldErrors() {
  for (const key of invalid) {
    byName.get(key).removeAttribute("aria-invalid");
    const box = $(`err-${key}`);
    box.hidden = true;
    box.textContent = "";
  }
  invalid.clear();
  $("error-summary").hidden = true;
  $("error-summary-list").replaceChildren();
}

/** Show `message` at the field `key` and in the summary; false if there is no such field. */
export function showFieldError(key, text) {
  const el = byName.get(key);
  const box = el && $(`err-${key}`);
  if (!box) return false;
  el.setAttribute("aria-invalid", "true");
  box.textContent = text;
  box.hidden = false;
  invalid.add(key);
  const link = h("a", text);
  link.href = `#f-${key}`;
  link.dataset.field = key;
  const item = h("li");
  item.append(link);
  $("error-summary-list").append(item);
  $("error-summary").hidden = false;
  return true;
}

// ---- The answers as text ------------------------------------------------------------------

export function renderSummary() {
  // The printed page shows the answers as text (form controls print badly); built when the
  // user prints, so typing does not pay for it.
  const list = $("answers-summary");
  const items = [];
  for (const control of controls) {
    const raw = canonicalRaw(control);
    if (!applies(control)) continue;
    if (raw === "" || (raw === defaultValue(control) && !control.required)) continue;
    let shown = raw;
    if (control.type === "checkbox") shown = control.checked ? "是" : "否";
    else if (control.tagName === "SELECT") shown = control.selectedOptions[0]?.textContent ?? raw;
    else if (control.dataset.unit) shown = `${raw} ${control.dataset.unit}`;
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
