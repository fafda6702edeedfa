// The result view: renders the engine's result JSON (docs/architecture.md, "Result JSON")
// into the static structure of calculator.html. Rendering only; no rule lives here.

import { $, h } from "./dom.js";

const root = document.getElementById("calculator");
// Explainer pages that exist on this site (slugs); other topics get no link rather than a 404.
const topics = new Set((root.dataset.topics || "").split(" ").filter(Boolean));

const TEXT = {
  // The headline for each status state (scoring/status.py decides the state).
  status: {
    vetoed: (s) => `不能申请积分：${reasons(s)}。`,
    ineligible: (s) => `目前不符合申请条件：${reasons(s)}。`,
    reached: (s, threshold) =>
      s.margin > 0 ? `已达到 ${threshold} 分的标准分值，超出 ${s.margin} 分。` : `恰好达到 ${threshold} 分的标准分值。`,
    short: (s, threshold) => `还差 ${s.gap} 分达到 ${threshold} 分的标准分值。`,
  },
  forReference: (threshold) => `（仅供参考；标准分值 ${threshold} 分）`,
  threshold: (threshold) => `（标准分值 ${threshold} 分）`,
  notCounted: "不计入",
  explainerLink: "规则说明",
  edition: (e, date) =>
    `依据《${e.document}》（${e.number}），有效期 ${e.effective_from} 至 ${e.effective_until}；按 ${date} 的规定计算。`,
  kinds: { condition: "前提条件", interpretation: "本站解读", eligibility: "申请资格" },
  points: (n) => (n > 0 ? `+${n}` : String(n)),
};

const reasons = (status) => status.reasons.map((r) => r.text).join("；");

/** The result area's state (`data-state`) and the note under the total. */
export function setResultState(state, note) {
  root.dataset.state = state;
  const noteBox = $("result-note");
  noteBox.textContent = note || "";
  noteBox.hidden = !note;
}

/** No result to show: the total becomes a dash. */
export function clearTotal() {
  $("score-total").textContent = "—";
  const status = $("score-status");
  status.dataset.state = "";
  status.textContent = "";
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
}

export function render(result) {
  $("score-total").textContent = String(result.total);
  renderStatus(result);

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
