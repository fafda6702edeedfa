// The result view: renders the engine's result JSON (docs/architecture.md, "Result JSON")
// into the static structure of calculator.html. Rendering only; no rule lives here: the
// state, the points and every sentence of explanation come from the engine.

import { $, h } from "./dom.js";

const root = document.getElementById("calculator");
// Explainer pages that exist on this site (slugs); other topics get no link rather than a 404.
const topics = new Set((root.dataset.topics || "").split(" ").filter(Boolean));

const GROUPS = [
  ["basic", "基础指标"],
  ["bonus", "加分指标"],
  ["deduction", "减分指标"],
  ["veto", "一票否决指标"],
];

const TEXT = {
  // The headline for each status state (scoring/status.py decides the state).
  status: {
    vetoed: (s) => `不能申请积分：${reasons(s)}。`,
    ineligible: (s) => `目前不符合申请条件：${reasons(s)}。`,
    reached: (s, threshold) =>
      s.margin > 0 ? `已达到 ${threshold} 分的标准分值，超出 ${s.margin} 分。` : `恰好达到 ${threshold} 分的标准分值。`,
    short: (s, threshold) => `还差 ${s.gap} 分达到 ${threshold} 分的标准分值。`,
  },
  // The phone's bar: short forms of the same state.
  bar: {
    vetoed: () => "一票否决，不能申请",
    ineligible: () => "目前不符合申请条件",
    reached: (s) => (s.margin > 0 ? `已达标，超出 ${s.margin} 分` : "恰好达标"),
    short: (s) => `还差 ${s.gap} 分`,
  },
  forReference: (threshold) => `（仅供参考；标准分值 ${threshold} 分）`,
  threshold: (threshold) => `（标准分值 ${threshold} 分）`,
  notCounted: "不计入",
  explainerLink: (label) => `“${label}”的规则说明`,
  edit: "修改",
  editFor: (label) => `修改“${label}”的回答`,
  zeroLines: (n) => `其余 ${n} 项均为 0 分（展开）`,
  edition: (e, date) =>
    `依据《${e.document}》（${e.number}），有效期 ${zhDate(e.effective_from)}至${zhDate(e.effective_until)}；按 ${zhDate(date)}的规定计算。`,
  rulesVersion: (v) => `规则数据版本：${v}`,
  kinds: { condition: "前提条件", interpretation: "本站解读", eligibility: "申请资格" },
  who: { applicant: "申请人", employer: "用人单位" },
  confidence: { high: "", medium: "（来源可信度中等）", low: "（来源可信度较低，请向受理部门核实）" },
  points: (n) => (n > 0 ? `+${n}` : String(n)),
};

/** "2026-12-02" → "2026年12月2日". */
export function zhDate(iso) {
  const [y, m, d] = String(iso).split("-").map(Number);
  return d ? `${y}年${m}月${d}日` : `${y}年${m}月`;
}

const reasons = (status) => status.reasons.map((r) => r.text).join("；");

/** The result area's state (`data-state`) and the note under the total. */
export function setResultState(state, note) {
  root.dataset.state = state;
  const noteBox = $("result-note");
  noteBox.textContent = note || "";
  noteBox.hidden = !note;
}

/** No result to show: the total becomes a dash; `barText` says why in the phone's bar. */
export function clearTotal(barText = "") {
  $("score-total").textContent = "—";
  $("bar-total").textContent = "—";
  $("bar-state").textContent = barText;
  const status = $("score-status");
  status.dataset.state = "";
  status.textContent = "";
  $("plan-headline").hidden = true;
}

/** Eligibility first: the headline says whether the person can apply, then how far the total
 * is from the standard; a total that cannot be used is labelled as for reference only. */
function renderStatus(result) {
  const status = result.status;
  const box = $("score-status");
  box.dataset.state = status.state;
  box.textContent = TEXT.status[status.state](status, result.threshold);
  const usable = status.state === "reached" || status.state === "short";
  $("score-threshold").textContent = usable
    ? TEXT.threshold(result.threshold) : TEXT.forReference(result.threshold);
  $("bar-total").textContent = String(result.total);
  $("bar-state").textContent = TEXT.bar[status.state](status);
}

/** Which lines are shown first: those that count for something, do not count (the other of
 * two alternatives), or carry a veto. The rest (0 points) are folded away. */
function isShown(line, vetoIds) {
  return line.points !== 0 || !line.counted || vetoIds.has(line.id);
}

function renderLine(line, editKeys) {
  const li = h("li", null, ["score-line-item", line.counted ? "" : "not-counted",
    line.points === 0 ? "zero" : ""].join(" ").trim());
  li.dataset.indicator = line.id;
  const head = h("p", null, "line-head");
  head.append(h("span", line.label, "line-label"),
    h("span", line.counted ? TEXT.points(line.points) : TEXT.notCounted, "points"));
  li.append(head, h("p", line.explanation, "explanation"));
  const links = h("p", null, "line-links");
  if (line.topic && topics.has(line.topic)) {
    const link = h("a", TEXT.explainerLink(line.label), "explainer-link");
    link.href = `${root.dataset.policy}${encodeURIComponent(line.topic)}/`;
    links.append(link);
  }
  const key = editKeys.get(line.id);
  if (key) {
    const edit = h("a", TEXT.edit, "edit-link");
    edit.href = `#f-${key}`;
    edit.dataset.field = key;
    edit.setAttribute("aria-label", TEXT.editFor(line.label));
    links.append(edit);
  }
  li.append(links, h("p", line.reference, "reference"));
  return li;
}

/** `editKeys`: line id → the profile key of its first question (its “修改” link). */
export function render(result, editKeys) {
  $("score-total").textContent = String(result.total);
  renderStatus(result);

  const vetoIds = new Set(result.status.state === "vetoed"
    ? result.status.reasons.map((r) => r.id) : []);
  const sections = [];
  for (const [group, title] of GROUPS) {
    const lines = result.lines.filter((l) => l.group === group && isShown(l, vetoIds));
    if (!lines.length) continue;
    const section = h("section", null, "line-group");
    section.dataset.group = group;
    const list = h("ul", null, "score-lines-list");
    list.append(...lines.map((line) => renderLine(line, editKeys)));
    section.append(h("h4", title), list);
    sections.push(section);
  }
  $("score-lines").replaceChildren(...sections);
  const zero = result.lines.filter((l) => !isShown(l, vetoIds));
  $("zero-lines").hidden = zero.length === 0;
  $("zero-lines-summary").textContent = TEXT.zeroLines(zero.length);
  $("zero-lines-list").replaceChildren(...zero.map((line) => renderLine(line, editKeys)));

  const warnings = $("score-warnings");
  warnings.replaceChildren(
    ...result.warnings.map((w) => {
      const li = h("li", null, `warning warning-${w.kind}`);
      li.append(h("strong", `${TEXT.kinds[w.kind] || "提示"}：`), w.text);
      return li;
    }),
  );
  $("warnings-block").hidden = result.warnings.length === 0;
  renderDocuments(result.documents);
  $("score-edition").textContent = TEXT.edition(result.edition, result.date);
  const version = $("rules-version");
  version.hidden = !result.rules_version;
  version.textContent = result.rules_version ? TEXT.rulesVersion(result.rules_version) : "";
  root.dataset.date = result.date; // the day the rules were applied for (the user's today)
  setResultState("scored", "");
}

/** The documents checklist (issue 11), when the result carries one. */
function renderDocuments(documents) {
  const block = $("documents-block");
  block.hidden = !Array.isArray(documents) || documents.length === 0;
  if (block.hidden) {
    $("documents-list").replaceChildren();
    return;
  }
  $("documents-list").replaceChildren(...documents.map((group) => {
    const section = h("section", null, "documents-group");
    section.dataset.indicator = group.indicator;
    const list = h("ul");
    for (const item of group.items || []) {
      const li = h("li", null, "document-item");
      li.append(h("strong", `${TEXT.who[item.who] || ""}：`), item.text);
      const source = [item.source, TEXT.confidence[item.confidence] || ""].filter(Boolean).join(" ");
      if (source) li.append(h("span", source, "reference"));
      list.append(li);
    }
    section.append(h("h4", group.label), list);
    return section;
  }));
}

/** The plan's one line next to the total ("按现状预计 2035年11月达到 120 分"), or nothing. */
export function showPlanHeadline(text) {
  const box = $("plan-headline");
  box.textContent = text || "";
  box.hidden = !text;
}
