// The calculator page: reads the static form, keeps the profile in the URL fragment, talks to
// the scoring engine in a module Web Worker and renders its result. Loaded as a module from
// our own origin (strict CSP: no inline code, no inline styles, no eval).
//
// Everything the user types stays in this tab: the worker computes locally, the fragment is
// never sent to a server, and the only requests are for the engine's own static files.
//
// Under the result, the plan (“怎样达到 120 分”, rendered by plan.js) follows the answers: the
// score is asked for first, the plan once the form is quiet; an option from the plan can be
// tried on the form and undone.

const root = document.getElementById("calculator");
const form = document.getElementById("calc-form");
const controls = Array.from(form.querySelectorAll("[data-field]"));
const byName = new Map(controls.map((el) => [el.name, el]));
const $ = (id) => document.getElementById(id);
// Explainer pages that exist on this site (slugs); other topics get no link rather than a 404.
const topics = new Set((root.dataset.topics || "").split(" ").filter(Boolean));
const threshold = root.dataset.threshold;

const TEXT = {
  loading: `正在加载计算引擎（首次约需下载 ${root.dataset.downloadMb} MB，之后可离线使用）……`,
  slow: "仍在加载计算引擎。网络较慢时，首次加载可能需要一两分钟，请稍候。",
  waiting: "计算引擎加载完成后，结果会立即显示在这里。",
  unavailable: "计算引擎未能启动，暂时无法计算。",
  stage: { runtime: "正在启动 Python 运行环境……", rules: "正在载入计分规则……" },
  ready: "计算引擎已就绪，修改任何一项，结果都会立即更新。",
  failed: "计算引擎未能启动：",
  failedHint: "请刷新页面重试；如仍不行，请换用较新版本的浏览器。表单内容不会丢失，它保存在本页地址中。",
  noWorker: "此浏览器不支持本计算器所需的模块化 Web Worker，请换用较新版本的浏览器。",
  needRequired: "填写以下必填项后即可看到积分：",
  fixErrors: "请先更正上面标出的项目，结果将随即更新。",
  notNumber: "请输入数字。",
  reached: (over, threshold) =>
    over > 0 ? `已达到 ${threshold} 分的标准分值，超出 ${over} 分。` : `恰好达到 ${threshold} 分的标准分值。`,
  gap: (gap, threshold) => `距离 ${threshold} 分的标准分值还差 ${gap} 分。`,
  vetoed: "存在一票否决情形：按规定不予受理积分申请，上面的分数仅供参考。",
  notCounted: "不计入",
  explainerLink: "规则说明",
  edition: (e, date) =>
    `依据《${e.document}》（${e.number}），有效期 ${e.effective_from} 至 ${e.effective_until}；按 ${date} 的规定计算。`,
  kinds: { condition: "前提条件", interpretation: "本站解读", eligibility: "申请资格" },
  badFragment: "链接中有部分内容无法识别（可能来自旧版本的计算器，或链接不完整），已忽略：",
  fragmentRest: "。其余内容已填入表单。",
  copied: "链接已复制，可以粘贴给自己或他人。",
  copyFallback: "无法自动复制，请手动复制下面已选中的链接。",
  points: (n) => (n > 0 ? `+${n}` : String(n)),
  planWaiting: `算出积分后，这里会列出按现状何时能达到 ${threshold} 分，以及可以更早达到的做法。`,
  planFailed: "暂时无法给出积分方案：",
  planUnavailable: "积分方案暂时无法显示，请刷新页面重试。上面的积分不受影响。",
  applied: (title) => `已应用：${title}`,
  appliedLater: (month, after) =>
    `表单已按 ${month}（${after}）的情况填写：社保月数、年龄等随时间增加的项目已相应推算；` +
    "积分仍按今天适用的规定计算。",
  checked: (label) => `勾选“${label}”`,
  unchecked: (label) => `取消勾选“${label}”`,
  changed: (label, from, to) => `${label}：${from} → ${to}`,
  blank: "（未填）",
  undone: "已撤销，恢复为应用这一做法之前的填写。",
};

// ---- Form <-> profile ------------------------------------------------------------------

function defaultValue(el) {
  return el.dataset.default ?? "";
}

function rawValue(el) {
  if (el.type === "checkbox") return el.checked ? "1" : "0";
  return el.value.trim();
}

function setRaw(el, raw) {
  if (el.type === "checkbox") el.checked = raw === "1";
  else el.value = raw;
}

/** Today on the user's clock: the day to score for and the plan's start month. Both come
 * from here, so the result and the plan always agree on what "now" is. */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const month = `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
  return { date: `${month}-${pad(now.getDate())}`, month };
}

/** The profile to score, plus anything that stops us from scoring it yet. */
function collect() {
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

/** The fragment for the current form: only answers that differ from the defaults. */
function fragmentFromForm() {
  const params = new URLSearchParams();
  for (const el of controls) {
    if (el.validity.badInput) continue;
    const raw = rawValue(el);
    if (raw !== "" && raw !== defaultValue(el)) params.set(el.name, raw);
  }
  return params.toString();
}

/** True when the fragment is a plain in-page anchor (e.g. a skip link), not a profile. */
function isAnchor(hash) {
  if (hash === "" || hash.includes("=")) return false;
  try {
    return document.getElementById(decodeURIComponent(hash)) !== null;
  } catch {
    return false; // Malformed percent-encoding: treat it as a (bad) profile fragment.
  }
}

/** Fill the form from `#key=value&…`; returns the parts that could not be used. */
function applyFragment(hash) {
  const params = new URLSearchParams(hash);
  const rejected = [];
  const seen = new Set();
  for (const [key, raw] of params) {
    const el = byName.get(key);
    if (!el || seen.has(key)) {
      rejected.push(key || raw);
      continue;
    }
    if (!acceptable(el, raw)) {
      rejected.push(`${el.dataset.label || key}=${raw}`);
      continue;
    }
    seen.add(key);
    setRaw(el, raw);
  }
  // A shared link describes a whole profile: anything it leaves out is at its default.
  for (const el of controls) if (!seen.has(el.name)) setRaw(el, defaultValue(el));
  return rejected;
}

function acceptable(el, raw) {
  switch (el.dataset.field) {
    case "boolean":
      return raw === "1" || raw === "0";
    case "choice":
      return Array.from(el.options).some((o) => o.value === raw);
    case "integer":
      return /^-?\d{1,15}$/.test(raw);
    default:
      return /^-?\d{1,15}(\.\d{1,6})?$/.test(raw);
  }
}

function showFragmentMessage(rejected) {
  const box = $("fragment-message");
  if (rejected.length) {
    box.textContent = TEXT.badFragment + rejected.join("、") + TEXT.fragmentRest;
    box.hidden = false;
  } else {
    box.hidden = true;
    box.textContent = "";
  }
}

function writeFragment() {
  const fragment = fragmentFromForm();
  const url = new URL(location.href);
  url.hash = fragment; // An empty fragment drops the "#" altogether.
  // replaceState: typing should not fill the back button with one entry per keystroke, and
  // unlike assigning location.hash it does not fire hashchange.
  if (url.href !== location.href) history.replaceState(history.state, "", url.href);
}

// ---- Field messages ---------------------------------------------------------------------

const invalid = new Set(); // keys whose field currently shows a message

function clearFieldErrors() {
  for (const key of invalid) {
    byName.get(key).removeAttribute("aria-invalid");
    const box = $(`err-${key}`);
    box.hidden = true;
    box.textContent = "";
  }
  invalid.clear();
}

function showFieldError(key, message) {
  const el = byName.get(key);
  const box = el && $(`err-${key}`);
  if (!box) return false;
  el.setAttribute("aria-invalid", "true");
  box.textContent = message;
  box.hidden = false;
  invalid.add(key);
  return true;
}

// ---- Result rendering -------------------------------------------------------------------

function h(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function setResultState(state, note) {
  root.dataset.state = state;
  const noteBox = $("result-note");
  noteBox.textContent = note || "";
  noteBox.hidden = !note;
}

function render(result) {
  $("score-total").textContent = String(result.total);
  $("score-gap").textContent = result.reaches_threshold
    ? TEXT.reached(result.total - result.threshold, result.threshold)
    : TEXT.gap(result.gap, result.threshold);
  const veto = $("score-veto");
  veto.hidden = !result.vetoed;
  veto.textContent = result.vetoed ? [TEXT.vetoed, ...result.veto_reasons].join(" ") : "";

  const body = $("score-lines");
  const rows = result.lines.map((line) => {
    // Zero-point bonus and deduction lines are left off the printed page (it says so).
    const zero = line.points === 0 && (line.group === "bonus" || line.group === "deduction");
    const tr = h("tr", null, [line.counted ? "" : "not-counted", zero ? "zero" : ""].join(" ").trim());
    tr.dataset.indicator = line.id;
    tr.append(h("th", line.label));
    const points = h("td", line.counted ? TEXT.points(line.points) : TEXT.notCounted, "points");
    tr.append(points);
    const detail = h("td");
    const explanation = h("p", line.explanation);
    if (line.topic && topics.has(line.topic)) {
      const link = h("a", TEXT.explainerLink);
      link.href = `${root.dataset.policy}${encodeURIComponent(line.topic)}/`;
      const more = h("span", " · ", "explainer-link");
      more.append(link);
      explanation.append(more);
    }
    detail.append(explanation, h("p", line.reference, "reference"));
    tr.append(detail);
    return tr;
  });
  body.replaceChildren(...rows);

  const warnings = $("score-warnings");
  warnings.replaceChildren(
    ...result.warnings.map((w) => {
      const li = h("li", null, `warning warning-${w.kind}`);
      li.append(h("strong", `${TEXT.kinds[w.kind] || "提示"}：`), w.text);
      return li;
    }),
  );
  $("warnings-block").hidden = result.warnings.length === 0;
  $("score-edition").textContent = TEXT.edition(result.edition, result.date);
  root.dataset.date = result.date; // the day the rules were applied for (the user's today)
  setResultState("scored", "");
}

function renderSummary() {
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

// ---- The engine -------------------------------------------------------------------------

let worker = null;
let ready = false;
let generation = 0; // bumped on every change of the form
// The request the engine is working on: {op, generation, fragment, profile}. Only one at a
// time, so plan requests never pile up in the worker and a new score waits at most for the
// one plan being computed.
let inFlight = null;
let scored = null; // the answers the shown result belongs to, until their plan is asked for
let planTimer = 0;
let firstScore = true;
// A plan takes some 20–40 ms inside Pyodide (a score about 1 ms) and cannot be interrupted,
// so it is asked for only once the form has been quiet this long: a burst of keystrokes
// then never waits behind a plan that is already out of date.
const PLAN_DELAY_MS = 100;

/** Show the state of the form; send it to the engine when it can be scored. */
function update() {
  generation += 1;
  clearTimeout(planTimer);
  const state = collect();
  if (state.local.length || state.missing.length) {
    clearFieldErrors();
    for (const [key, message] of state.local) showFieldError(key, message);
    $("score-total").textContent = "—";
    if (state.local.length) setResultState("invalid", TEXT.fixErrors);
    else {
      const labels = state.missing.map((m) => m.dataset.label).join("、");
      setResultState("incomplete", TEXT.needRequired + labels);
    }
    showPlanNote(TEXT.planWaiting);
    return;
  }
  if (!ready) {
    // The first score is computed as soon as the engine reports ready.
    clearFieldErrors();
    const failed = root.dataset.engine === "failed";
    setResultState(failed ? "unavailable" : "waiting", failed ? TEXT.unavailable : TEXT.waiting);
    return;
  }
  if (inFlight) return; // Coalesce: when the engine answers, the newest state is sent.
  ask("score", state.profile, fragmentFromForm());
}

function ask(op, profile, fragment) {
  inFlight = { op, generation, profile, fragment };
  const { date, month } = today();
  const request = op === "score" ? { op, profile, date } : { op, profile, start: month };
  worker.postMessage({ type: "request", id: generation, request });
}

function onResponse({ text }) {
  const answered = inFlight;
  inFlight = null;
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
    $("score-total").textContent = "—";
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
  if (!planView || !scored || scored.generation !== generation || inFlight) return;
  ask("plan", scored.profile, scored.fragment);
  scored = null;
}

function setStatus(text, state) {
  $("calc-status-text").textContent = text;
  root.dataset.engine = state;
  $("calc-progress").hidden = state !== "loading";
}

function engineFailed(message) {
  setStatus(`${TEXT.failed}${message}。${TEXT.failedHint}`, "failed");
  update();
}

function startEngine() {
  if (!("Worker" in window)) {
    setStatus(TEXT.noWorker, "failed");
    return;
  }
  setStatus(TEXT.loading, "loading");
  performance.mark("calc-worker-start");
  setTimeout(() => {
    if (root.dataset.engine === "loading") setStatus(TEXT.slow, "loading");
  }, 20000);
  try {
    worker = new Worker(root.dataset.worker, { type: "module", name: "scoring" });
  } catch {
    setStatus(TEXT.noWorker, "failed");
    return;
  }
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "progress") setStatus(TEXT.stage[data.stage] || TEXT.loading, "loading");
    else if (data.type === "ready") {
      ready = true;
      performance.mark("calc-engine-ready");
      // The worker's own timings (boot, install): shown by the benchmark, handy when debugging.
      root.dataset.engineMs = JSON.stringify(data.ms);
      setStatus(TEXT.ready, "ready");
      update();
      registerServiceWorker();
    } else if (data.type === "response") onResponse(data);
    else if (data.type === "failed") engineFailed(data.message);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    engineFailed(event.message || "脚本错误");
  });
  // Resolve against the page so the site works under any base URL.
  worker.postMessage({
    type: "init",
    pyodide: new URL(root.dataset.pyodide, location.href).href,
    wheel: new URL(root.dataset.wheel, location.href).href,
    lock: JSON.parse(root.dataset.lock),
  });
}

function registerServiceWorker() {
  // Registered only after the engine is up, so its precaching never competes with the first
  // visit's own downloads. Relative URL and scope: correct under any base URL.
  if (!("serviceWorker" in navigator) || !root.dataset.sw) return;
  navigator.serviceWorker.register(root.dataset.sw, { scope: "./" }).catch(() => {
    // Offline use is a bonus; the calculator works without it.
  });
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

function currentAnswers() {
  return new Map(controls.map((el) => [el.name, rawValue(el)]));
}

function shownValue(el, raw) {
  if (el.tagName === "SELECT") {
    return Array.from(el.options).find((o) => o.value === raw)?.textContent ?? raw;
  }
  return raw === "" ? TEXT.blank : raw;
}

function describeChange(el, from, to) {
  const label = el.dataset.label;
  if (el.type === "checkbox") return to === "1" ? TEXT.checked(label) : TEXT.unchecked(label);
  return TEXT.changed(label, shownValue(el, from), shownValue(el, to));
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

// ---- Sharing ----------------------------------------------------------------------------

async function copyLink() {
  writeFragment();
  const status = $("copy-status");
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = TEXT.copied;
  } catch {
    const box = $("share-url");
    box.value = location.href;
    $("share-fallback").hidden = false;
    box.select();
    status.textContent = TEXT.copyFallback;
  }
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
startEngine();
