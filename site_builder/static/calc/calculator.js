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
  answersForExport, byName, clearFieldErrors, collect, controls, currentAnswers, describeChange,
  form, fragmentFromForm, goToField, openAnsweredSituations, refreshQuestions, renderSummary,
  setRaw, showFieldError, toggleSituation,
} from "./form.js";
import { clearTotal, render, setResultState, showPlanHeadline, zhDate } from "./result.js";
import {
  applyAnswers, applyFragment, copyLink, isAnchor, showFragmentMessage, writeFragment,
} from "./share.js";

const root = document.getElementById("calculator");
const threshold = root.dataset.threshold;

const TEXT = {
  waiting: "计算引擎加载完成后，结果会立即显示在这里。",
  unavailable: "计算引擎未能启动，暂时无法计算。",
  needRequired: "填写以下必填项后即可看到积分：",
  fixErrors: "请先更正标出的问题，结果将随即更新。",
  barFix: "请更正标出的问题",
  barWaiting: "正在加载计算引擎",
  barUnavailable: "计算引擎未能启动",
  barMissing: (labels) => `请填写${labels}`,
  prefilled: (entry, label, value) => `已按《${entry}》填入${label}：${value}。`,
  prefilledAsk: "请回答它下面的条件问题，职称才能计分。",
  unknownEntry: "链接中的目录条目无法识别，已忽略；其余内容已按链接填入。",
  exported: "已导出。文件只保存在您自己的设备上。",
  imported: "已导入文件中的填写内容。",
  importFailed: "无法导入：这不是本计算器导出的填写文件（应为不超过 64 KB 的 JSON 文件）。",
  importPartly: (parts) => `已导入，但以下内容无法识别，已忽略：${parts}。`,
  noDataSent: "本页自加载以来没有发送任何数据：所有请求都只是从本站下载页面和计算引擎文件；" +
    "计算引擎就绪后，本页没有再发出任何网络请求。",
  printedOn: (date) => zhDate(date),
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
// Bookkeeping that waits until the first result is on screen: the engine answers the first
// question right after saying it is ready, and on a slow phone each task the page's thread
// runs first delays drawing it.
const AFTER_FIRST_SCORE_MS = 500;

// ---- Scoring ----------------------------------------------------------------------------

/** Show the state of the form; send it to the engine when it can be scored. */
function update() {
  generation += 1;
  clearTimeout(planTimer);
  refreshQuestions();
  const state = collect();
  if (state.errors.length || state.missing.length) {
    clearFieldErrors();
    for (const [key, message] of state.errors) showFieldError(key, message);
    if (state.errors.length) {
      clearTotal(TEXT.barFix);
      setResultState("invalid", TEXT.fixErrors);
    } else {
      const labels = state.missing.map((m) => m.dataset.label).join("、");
      clearTotal(TEXT.barMissing(labels));
      setResultState("incomplete", TEXT.needRequired + labels);
    }
    showPlanNote(TEXT.planWaiting);
    return;
  }
  if (!engine.isReady()) {
    // Answers outside a field's range were pointed out above already (collect() checks them
    // from the field descriptions, engine or not).
    clearFieldErrors();
    const failed = engine.hasFailed();
    // The bar says why there is no total yet (its text in the page's HTML asks for the age,
    // which a link may have filled in already).
    clearTotal(failed ? TEXT.barUnavailable : TEXT.barWaiting);
    setResultState(failed ? "unavailable" : "waiting", failed ? TEXT.unavailable : TEXT.waiting);
    // Asked now, the first score waits in the worker, which answers it the moment it is
    // ready: not after this page has heard so (on a slow phone its main thread can be busy
    // drawing for a few hundred milliseconds) and sent the question.
    if (engine.canAsk() && !engine.isBusy()) {
      engine.ask("score", state.profile, { generation, fragment: fragmentFromForm() });
    }
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
    render(response.result, editKeys);
    scored = answered;
    planTimer = setTimeout(askPlan, PLAN_DELAY_MS);
  } else {
    const { field, message_zh: message } = response.error;
    clearTotal(TEXT.barFix);
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
  showPlanHeadline("");
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
      showPlanHeadline(planView.headline(response.plan));
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
  const button = Array.from($("plan").querySelectorAll("button[data-option]"))
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
  openAnsweredSituations();
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
  openAnsweredSituations();
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
  update();
  writeFragmentSoon();
}

// The address follows the answers, but after the new total is on screen: rewriting it
// (history.replaceState) costs a few milliseconds a keystroke in Chromium, which would
// otherwise hold up the engine's reply on this thread. Coalesced while typing; written at once
// before the page is left, printed or its link copied (those call writeFragment themselves).
const FRAGMENT_DELAY_MS = 40;
let fragmentTimer = 0;
function writeFragmentSoon() {
  clearTimeout(fragmentTimer);
  fragmentTimer = setTimeout(writeFragment, FRAGMENT_DELAY_MS);
}
window.addEventListener("pagehide", () => {
  clearTimeout(fragmentTimer);
  writeFragment();
});

function loadFragment() {
  const hash = location.hash.replace(/^#/, "");
  if (isAnchor(hash)) return;
  const { rejected, from } = applyFragment(hash);
  showFragmentMessage(rejected);
  openAnsweredSituations();
  showPrefill(from);
  // A new profile from a link: what was tried on the old one can no longer be undone.
  applied.length = 0;
  showApplied();
  // Show the profile as the form understood it: defaults and unusable parts drop out.
  writeFragment();
  update();
}

// ---- Links from catalogue entries (contract 1) ----------------------------------------------

// Read only when a link names an entry: most visits never need the 16 KB of names.
let catalogueEntries = null;
function catalogueEntry(from) {
  catalogueEntries ??= JSON.parse($("catalogue-entries").textContent || "{}").entries || {};
  return Object.hasOwn(catalogueEntries, from) ? catalogueEntries[from] : null;
}

/** `from=<segment>/<id>`: say what the link filled in, and ask the title's condition at once. */
function showPrefill(from) {
  const box = $("prefill-notice");
  box.hidden = from === null;
  if (from === null) return;
  const entry = catalogueEntry(from);
  if (!entry) {
    box.textContent = TEXT.unknownEntry;
    return;
  }
  const title = byName.get("title");
  const value = title.selectedOptions[0]?.textContent ?? title.value;
  refreshQuestions();
  const condition = byName.get("title_si_condition");
  const ask = condition && !condition.closest(".calc-field").hidden;
  box.textContent = TEXT.prefilled(entry[0], title.dataset.label, value) + (ask ? TEXT.prefilledAsk : "");
  if (ask) goToField("title_si_condition");
}

// ---- Answers as a file ----------------------------------------------------------------------

const FILE_FORMAT = "shanghai-points-answers";
const MAX_FILE_BYTES = 64 * 1024;

function exportAnswers() {
  const data = { format: FILE_FORMAT, version: 1, answers: answersForExport() };
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const link = h("a");
  link.href = URL.createObjectURL(blob);
  link.download = "积分计算器-填写内容.json";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  $("answers-file-status").textContent = TEXT.exported;
}

/** A file is input like any other: only known keys with acceptable values are used. */
async function importAnswers(file) {
  const status = $("answers-file-status");
  let data = null;
  try {
    if (file.size > MAX_FILE_BYTES) throw new Error("too large");
    data = JSON.parse(await file.text());
  } catch {
    data = null;
  }
  const answers = data && data.format === FILE_FORMAT && data.answers;
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) {
    status.textContent = TEXT.importFailed;
    return;
  }
  const params = [];
  for (const [key, value] of Object.entries(answers)) {
    const raw = typeof value === "boolean" ? (value ? "1" : "0")
      : typeof value === "number" || typeof value === "string" ? String(value) : null;
    params.push([key, raw === null ? "?" : raw]);
  }
  const rejected = applyAnswers(params);
  applied.length = 0;
  showApplied();
  openAnsweredSituations();
  writeFragment();
  update();
  status.textContent = rejected.length ? TEXT.importPartly(rejected.join("、")) : TEXT.imported;
}

// ---- “本页没有发送任何数据”: said only while true ---------------------------------------

/** Counts the page's own network requests (Resource Timing). The line shows only if every
 * request since load went to this site and none was made after the engine became ready. */
function watchRequests() {
  if (!("PerformanceObserver" in window)) return;
  const line = $("no-data-sent");
  let afterReady = 0;
  let readyAt = null;
  const check = () => {
    const entries = performance.getEntriesByType("resource");
    const foreign = entries.some((e) => new URL(e.name).origin !== location.origin);
    if (readyAt !== null) afterReady = entries.filter((e) => e.startTime > readyAt).length;
    const ok = readyAt !== null && !foreign && afterReady === 0;
    line.hidden = !ok;
    line.textContent = ok ? TEXT.noDataSent : "";
    root.dataset.requestsAfterReady = String(afterReady);
  };
  new PerformanceObserver(check).observe({ type: "resource", buffered: true });
  return (since) => {
    readyAt = since;
    check();
  };
}

// ---- Wiring -----------------------------------------------------------------------------

// Line id → the first question that answers it (its “修改” link), from the field descriptions.
const editKeys = new Map();
for (const el of controls) {
  const id = el.dataset.indicator;
  if (id && !editKeys.has(id)) editKeys.set(id, el.name);
}

function onPrint() {
  renderSummary();
  writeFragment();
  $("print-date").textContent = TEXT.printedOn(engine.today().date);
  $("print-link").textContent = location.href;
}

// "input" fires for every kind of control (text, selects, checkboxes).
form.addEventListener("input", onInput);
form.addEventListener("click", (event) => {
  const toggle = event.target.closest(".situation-toggle");
  if (!toggle) return;
  toggleSituation(toggle);
  onInput();
});
// Error-summary links and “修改” links: to the question, without touching the address.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-field]");
  if (!link) return;
  event.preventDefault();
  goToField(link.dataset.field);
});
$("bar-link").addEventListener("click", (event) => {
  event.preventDefault();
  $("result").scrollIntoView();
  $("result").focus({ preventScroll: true });
});
$("export-answers").addEventListener("click", exportAnswers);
$("import-answers").addEventListener("click", () => $("import-file").click());
$("import-file").addEventListener("change", (event) => {
  const [file] = event.target.files;
  if (file) importAnswers(file);
  event.target.value = "";
});
// The CSP forbids form submission anyway; Enter in a field must simply do nothing.
form.addEventListener("submit", (event) => event.preventDefault());
$("copy-link").addEventListener("click", copyLink);
$("plan").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-option]");
  if (button) tryOption(button.dataset.option);
});
$("plan-undo").addEventListener("click", undo);
window.addEventListener("beforeprint", onPrint);
// Print previews and print emulation do not always fire beforeprint; media changes they do.
window.matchMedia("print").addEventListener("change", (event) => event.matches && onPrint());
window.addEventListener("hashchange", loadFragment);

root.dataset.js = "on";
const requestsWatched = watchRequests();
// The plan's script is requested first: the engine may have said "ready" already (it starts
// from the page's head), and from then on the page must make no request (#no-data-sent).
loadPlanView();
// The engine, then the answers from the link: their score is asked for at once.
engine.startEngine({
  onReady() {
    // A question asked while the engine started is answered next: nothing to ask again.
    if (!engine.isBusy()) update();
    // After the engine's own start: from now on the page should make no request at all.
    // Checked once the first result is drawn (reading every resource timing is not work the
    // first score should wait behind), counting from now.
    const readyAt = performance.now();
    setTimeout(() => requestsWatched?.(readyAt), AFTER_FIRST_SCORE_MS);
  },
  onResponse,
  onFailed: update,
  onLoading: update,
});
loadFragment();
