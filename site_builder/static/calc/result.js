// The result view: renders the engine's result JSON (docs/architecture.md, "Result JSON")
// into the static structure of calculator.html. Rendering only; no rule lives here.

import { $, h } from "./dom.js";

const root = document.getElementById("calculator");
// Explainer pages that exist on this site (slugs); other topics get no link rather than a 404.
const topics = new Set((root.dataset.topics || "").split(" ").filter(Boolean));

const TEXT = {
  reached: (over, threshold) =>
    over > 0 ? `已达到 ${threshold} 分的标准分值，超出 ${over} 分。` : `恰好达到 ${threshold} 分的标准分值。`,
  gap: (gap, threshold) => `距离 ${threshold} 分的标准分值还差 ${gap} 分。`,
  vetoed: "存在一票否决情形：按规定不予受理积分申请，上面的分数仅供参考。",
  notCounted: "不计入",
  explainerLink: "规则说明",
  edition: (e, date) =>
    `依据《${e.document}》（${e.number}），有效期 ${e.effective_from} 至 ${e.effective_until}；按 ${date} 的规定计算。`,
  kinds: { condition: "前提条件", interpretation: "本站解读", eligibility: "申请资格" },
  points: (n) => (n > 0 ? `+${n}` : String(n)),
};

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
}

export function render(result) {
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
