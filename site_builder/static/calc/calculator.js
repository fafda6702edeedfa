// The calculator page's entry module: wires the form (form.js), the URL fragment and sharing
// (share.js), the engine client (engine.js), the result view (result.js) and the plan
// (plan.js, loaded on demand). Loaded as a module from our own origin (strict CSP: no inline
// code, no inline styles, no eval).
//
// Under the result, the plan (“怎样达到 120 分”) follows the answers: the score is asked for
// first, the plan once the form is quiet; an option from the plan can be tried on the form and
// undone.

import { $, h } from "./dom.js";
import * as engine from "./engine.js";
import {
  byName, clearFieldErrors, collect, controls, currentAnswers, describeChange, form,
  fragmentFromForm, rangeProblems, renderSummary, setRaw, showFieldError,
} from "./form.js";
import { clearTotal, render, setResultState } from "./result.js";
import { applyFragment, copyLink, isAnchor, showFragmentMessage, writeFragment } from "./share.js";

const root = document.getElementById("calculator");
const threshold = root.dataset.threshold;

const TEXT = {
  waiting: "计算引擎加载完成后，结果会立即显示在这里。",
  unavailable: "计算引擎未能启动，暂时无法计算。",
  needRequired: "填写以下必填项后即可看到积分：",
  fixErrors: "请先更正上面标出的项目，结果将随即更新。",
  planWaiting: `算出积分后，这里会列出按现状何时能达到 ${threshold} 分，以及可以更早达到的做法。`,
  planFailed: "暂时无法给出积分方案：",
  planUnavailable: "积分方案暂时无法显示，请刷新页面重试。上面的积分不受影响。",
  applied: (title) => `已应用：${title}`,
  appliedLater: (month, after) =>
    `表单已按 ${month}（${after}）的情况填写：社保月数、年龄等随时间增加的项目已相应推算；` +
    "积分仍按今天适用的规定计算。",
  undone: "已撤销，恢复为应用这一做法之前的填写。",
};

let generation = 0; // bumped on every change of the form
let scored = null; // the answers the shown result belongs to, until their plan is asked for
let planTimer = 0;
let firstScore = true;
// A plan takes some 20–40 ms inside Pyodide (a score about 1 ms) and cannot be interrupted,
// so it is asked for only once the form has been quiet this long: a burst of keystrokes
// then never waits behind a plan that is already out of date.
const PLAN_DELAY_MS = 100;

// ---- Scoring ----------------------------------------------------------------------------

/** Show the state of the form; send it to the engine when it can be scored. */
function update() {
  generation += 1;
  clearTimeout(planTimer);
  const state = collect();
  if (state.local.length || state.missing.length) {
    clearFieldErrors();
    for (const [key, message] of state.local) showFieldError(key, message);
    clearTotal();
    if (state.local.length) setResultState("invalid", TEXT.fixErrors);
    else {
      const labels = state.missing.map((m) => m.dataset.label).join("、");
      setResultState("incomplete", TEXT.needRequired + labels);
    }
    showPlanNote(TEXT.planWaiting);
    return;
  }
  if (!engine.isReady()) {
    // The first score is computed as soon as the engine reports ready; meanwhile, answers
    // outside a field's range are pointed out at once (the engine says the same later).
    clearFieldErrors();
    const problems = rangeProblems();
    for (const [key, message] of problems) showFieldError(key, message);
    const failed = engine.hasFailed();
    if (problems.length) setResultState("invalid", TEXT.fixErrors);
    else setResultState(failed ? "unavailable" : "waiting", failed ? TEXT.unavailable : TEXT.waiting);
    return;
  }
  if (engine.isBusy()) return; // Coalesce: when the engine answers, the newest state is sent.
  engine.ask("score", state.profile, { generation, fragment: fragmentFromForm() });
}

function onResponse(answered, text) {
  if (answered.generation !== generation) {
    update(); // The form changed meanwhile: this answer is stale, ask about the new state.
    return;
  }
  if (answered.op === "plan") showPlan(text, answered);
  else showScore(text, answered);
}

function showScore(text, answered) {
  const response = JSON.parse(text);
  clearFieldErrors();
  // Which answers the shown result belongs to (in fragment form): lets tests and tools tell
  // a fresh result from the previous one.
  root.dataset.scored = answered.fragment;
  if (response.ok) {
    render(response.result);
    scored = answered;
    planTimer = setTimeout(askPlan, PLAN_DELAY_MS);
  } else {
    const { field, message_zh: message } = response.error;
    clearTotal();
    setResultState("invalid", showFieldError(field, message) ? TEXT.fixErrors : message);
    showPlanNote(TEXT.planWaiting);
  }
  // User Timing marks let the benchmark measure input → updated total without hooks.
  performance.mark("calc-rendered");
  if (performance.getEntriesByName("calc-input").length) {
    performance.measure("calc-update", "calc-input", "calc-rendered");
    performance.clearMarks("calc-input");
  }
  if (firstScore) {
    firstScore = false;
    performance.mark("calc-first-score");
  }
}

function askPlan() {
  // Only for the answers on screen, and only once plan.js has loaded (it renders the plan).
  if (!planView || !scored || scored.generation !== generation || engine.isBusy()) return;
  engine.ask("plan", scored.profile, scored);
  scored = null;
}

// ---- The plan -------------------------------------------------------------------------

let planView = null; // plan.js once loaded: it renders the plan
let shownPlan = null; // {plan, fragment}: the plan on screen and the answers it was made for
// Options tried on the form, newest last: {id, title, before, changes, note}. Kept while the
// user goes on editing: “撤销” returns to the answers before the option, whatever was typed
// since (the banner stays up to say a trial is on the form). A new link clears them.
const applied = [];
let focusOption = null; // after an undo: the option whose button gets the focus back

function loadPlanView() {
  // Loaded by URL (with its version query) so the service worker's manifest covers it; if it
  // cannot load, the calculator still scores.
  import(new URL(root.dataset.planJs, location.href).href).then(
    (module) => {
      planView = module;
      if (scored && scored.generation === generation) askPlan();
    },
    () => showPlanNote(TEXT.planUnavailable),
  );
}

/** A note instead of the plan: no answers yet, a field to fix, or a problem. */
function showPlanNote(text) {
  shownPlan = null;
  delete root.dataset.planned;
  $("plan").dataset.plan = "none";
  $("plan-body").hidden = true;
  const note = $("plan-note");
  note.textContent = text;
  note.hidden = false;
}

function showPlan(text, answered) {
  try {
    const response = JSON.parse(text);
    if (response.ok) {
      planView.renderPlan(response.plan, { siteRoot: root.dataset.siteRoot });
      shownPlan = { plan: response.plan, fragment: answered.fragment };
      root.dataset.planned = answered.fragment; // like data-scored, for tests and tools
    } else {
      showPlanNote(TEXT.planFailed + response.error.message_zh);
    }
  } catch (error) {
    // A fault in the plan must never take the score (already on screen) down with it.
    console.warn(error);
    showPlanNote(TEXT.planUnavailable);
  }
  performance.mark("plan-rendered");
  if (performance.getEntriesByName("plan-input").length) {
    performance.measure("plan-update", "plan-input", "plan-rendered");
    performance.clearMarks("plan-input");
  }
  restoreOptionFocus();
}

function restoreOptionFocus() {
  const id = focusOption;
  focusOption = null;
  // Only if the focus is still where the undo left it: never pull it away from the user.
  if (id === null || document.activeElement !== $("plan-heading")) return;
  const button = Array.from($("plan-options").querySelectorAll("button[data-option]"))
    .find((b) => b.dataset.option === id);
  if (button) button.focus();
}

/** “试试这个做法”: put the option's changes into the form, keeping the answers for an undo. */
function tryOption(id) {
  // The buttons belong to the plan on screen. If the answers changed since (the plan follows
  // them a moment later), its changes were worked out for other answers: do nothing.
  if (!shownPlan || shownPlan.fragment !== fragmentFromForm()) return;
  const { plan } = shownPlan;
  const option = plan.options.find((o) => o.id === id);
  if (!option) return;
  const before = currentAnswers();
  const changes = [];
  for (const [key, value] of Object.entries(option.profile_changes)) {
    const el = byName.get(key);
    if (!el) continue;
    const raw = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
    if (raw === before.get(key)) continue;
    changes.push(describeChange(el, before.get(key), raw));
    setRaw(el, raw);
  }
  // profile_changes include the months and years that pass until the option counts.
  const later = option.earliest_month !== plan.start;
  const note = later
    ? TEXT.appliedLater(planView.monthWords(option.earliest_month), planView.after(option.months_needed))
    : "";
  applied.push({ id, title: option.title, before, changes, note });
  $("plan-status").textContent = "";
  writeFragment();
  update();
  showApplied();
  // The button is about to be replaced by the new plan's; the banner says what happened and
  // holds the undo.
  $("plan-applied").focus();
}

/** “撤销”: back to exactly the answers before the last option was tried. */
function undo() {
  const last = applied.pop();
  if (!last) return;
  for (const el of controls) setRaw(el, last.before.get(el.name));
  writeFragment();
  update();
  showApplied();
  if (applied.length) {
    $("plan-applied").focus(); // the banner now names the option before, and says so itself
  } else {
    $("plan-status").textContent = TEXT.undone;
    // The banner is gone: hold the focus on the plan's heading until the plan for the old
    // answers arrives, then give it back to the option's button.
    focusOption = last.id;
    $("plan-heading").focus();
  }
}

function showApplied() {
  const box = $("plan-applied");
  const last = applied.at(-1);
  box.hidden = !last;
  if (!last) return;
  $("plan-applied-title").textContent = TEXT.applied(last.title);
  $("plan-applied-changes").replaceChildren(...last.changes.map((text) => h("li", text)));
  const note = $("plan-applied-note");
  note.textContent = last.note;
  note.hidden = !last.note;
}

// ---- Wiring -----------------------------------------------------------------------------

function onInput() {
  performance.clearMarks("calc-input");
  performance.clearMarks("plan-input");
  performance.mark("calc-input");
  performance.mark("plan-input");
  update(); // first, so the engine works while the page updates the address
  writeFragment();
}

function loadFragment() {
  const hash = location.hash.replace(/^#/, "");
  if (isAnchor(hash)) return;
  showFragmentMessage(applyFragment(hash));
  // A new profile from a link: what was tried on the old one can no longer be undone.
  applied.length = 0;
  showApplied();
  // Show the profile as the form understood it: defaults and unusable parts drop out.
  writeFragment();
  update();
}

// "input" fires for every kind of control (text, number spinners, selects, checkboxes).
form.addEventListener("input", onInput);
// The CSP forbids form submission anyway; Enter in a field must simply do nothing.
form.addEventListener("submit", (event) => event.preventDefault());
$("copy-link").addEventListener("click", copyLink);
$("plan-options").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-option]");
  if (button) tryOption(button.dataset.option);
});
$("plan-undo").addEventListener("click", undo);
window.addEventListener("beforeprint", renderSummary);
// Print previews and print emulation do not always fire beforeprint; media changes they do.
window.matchMedia("print").addEventListener("change", (event) => event.matches && renderSummary());
window.addEventListener("hashchange", loadFragment);

root.dataset.js = "on";
loadFragment();
loadPlanView();
engine.startEngine({ onReady: update, onResponse, onFailed: update, onLoading: update });
