// The plan section of the calculator (“怎样达到 120 分”): renders the plan JSON that
// `scoring.plan` returns (docs/architecture.md, "Plan JSON") into the static structure of
// calculator.html. Rendering only: calculator.js asks the engine for the plan, decides when to
// show it and handles “试试这个做法” / “撤销”.
//
// The <details> boxes are part of the page, not rebuilt here, so a box the user opened stays
// open while the plan follows their typing.

const $ = (id) => document.getElementById(id);

/** "2027-05" → "2027 年 5 月" (the planner's own wording for months). */
export function monthWords(month) {
  const [year, number] = month.split("-");
  return `${Number(year)} 年 ${Number(number)} 月`;
}

/** Months from the start month in words, as the planner writes them. */
export function after(months) {
  if (months === 0) return "本月";
  const years = Math.floor(months / 12);
  const rest = months % 12;
  if (!rest) return `${years} 年后`;
  if (!years) return `${months} 个月后`;
  return `${years} 年 ${rest} 个月后`;
}

// Signed points as the breakdown shows them: "+3", "-1".
const signed = (n) => (n > 0 ? `+${n}` : String(n));

function h(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The planner's links are site-relative ("policy/title-skill/"); anything else is refused
 * rather than trusted, so a link can never leave the site or escape the base URL. */
function siteLink(siteRoot, link) {
  if (!/^[a-z0-9][a-z0-9/._-]*$/i.test(link.href) || link.href.includes("..")) return null;
  const a = h("a", link.label);
  a.href = siteRoot + link.href;
  return a;
}

/** Show a note instead of a plan (no answers yet, a field to fix, an engine problem). */
export function showPlanNote(text) {
  $("plan").dataset.plan = "none";
  $("plan-body").hidden = true;
  const note = $("plan-note");
  note.textContent = text;
  note.hidden = false;
}

function timelineSummary(plan) {
  const { no_change: projection, threshold } = plan;
  const last = monthWords(projection.last_month);
  if (plan.status === "reachable") {
    return `按现状推算的总分变化（${monthWords(projection.reaches_threshold_month)}达到 ${threshold} 分）`;
  }
  if (plan.status === "not_reached") return `按现状推算的总分变化（到 ${last}仍不足 ${threshold} 分）`;
  return `按现状推算的总分变化（至 ${last}）`;
}

function renderTimeline(plan) {
  const box = $("plan-timeline");
  box.hidden = !plan.no_change;
  if (!plan.no_change) return;
  $("plan-timeline-summary").textContent = timelineSummary(plan);
  // One line per month in which the total changes: month, total, what changed.
  const rows = plan.no_change.timeline.map((row) => {
    const li = h("li", null, row.reaches_threshold ? "reached" : "");
    li.dataset.month = row.month;
    const month = row.months === 0 ? `${monthWords(row.month)}（本月）` : monthWords(row.month);
    const changes = row.changes.map((c) => `${c.label} ${signed(c.points)} 分`).join("；");
    li.append(h("span", `${month}：`, "month"), h("span", `${row.total} 分`, "points"));
    li.append(h("span", row.months === 0 ? "当前积分" : changes, "changes"));
    return li;
  });
  $("plan-timeline-rows").replaceChildren(...rows);
}

function renderOption(option, index, siteRoot) {
  const li = h("li", null, "plan-option");
  li.dataset.option = option.id;
  const heading = h("h4", option.title, "plan-option-title");
  heading.id = `plan-option-${index}`;
  heading.append(" ", h("span", `${signed(option.gain)} 分`, "plan-gain"));
  // (An option that first needs a degree or certificate: its summary promises no month.)
  li.append(heading, h("p", option.summary, "plan-option-when"),
    h("p", option.detail, "plan-option-detail"));
  const links = option.links.map((link) => siteLink(siteRoot, link)).filter(Boolean);
  if (links.length) {
    const p = h("p", "参阅：", "plan-links");
    links.forEach((a, i) => p.append(...(i ? ["、", a] : [a])));
    li.append(p);
  }
  const button = h("button", "试试这个做法", "plan-apply");
  button.type = "button";
  button.dataset.option = option.id;
  // Every option has the same button text; its title tells them apart for screen readers.
  button.setAttribute("aria-describedby", heading.id);
  const actions = h("p", null, "plan-actions");
  actions.append(button);
  li.append(actions);
  return li;
}

function renderList(blockId, listId, items, make) {
  $(blockId).hidden = items.length === 0;
  $(listId).replaceChildren(...items.map(make));
}

/** Render a plan; `siteRoot` is the site's root relative to the calculator page ("../"). */
export function renderPlan(plan, { siteRoot }) {
  $("plan").dataset.plan = plan.status;
  $("plan-note").hidden = true;
  $("plan-body").hidden = false;
  $("plan-summary").textContent = plan.summary;
  // A vetoed (or over-age) profile gets the reason only: every list below is empty then.
  renderTimeline(plan);
  // Options that first need a degree, certificate or post (contract 3): a group of their own,
  // since the time to obtain it is not counted in their months.
  const now = plan.options.filter((o) => !o.obtain_time_not_counted);
  const ifObtained = plan.options.filter((o) => o.obtain_time_not_counted);
  renderList("plan-options-block", "plan-options", now,
    (option, index) => renderOption(option, index, siteRoot));
  renderList("plan-options-if-block", "plan-options-if", ifObtained,
    (option, index) => renderOption(option, now.length + index, siteRoot));
  renderList("plan-risks-block", "plan-risks", plan.risks, (risk) => {
    const li = h("li", null, risk.below_threshold ? "plan-risk below" : "plan-risk");
    li.append(h("strong", `${risk.title}：`), risk.detail);
    return li;
  });
  $("plan-assumptions").hidden = plan.assumptions.length === 0;
  $("plan-assumption-list").replaceChildren(...plan.assumptions.map((a) => h("li", a.text)));
}

/** The plan in one line for beside the total: when the total reaches the standard if nothing
 * changes ("按现状预计 2035 年 11 月达到 120 分"); empty when the plan has no such answer. */
export function headline(plan) {
  const projection = plan.no_change;
  if (plan.status === "reachable" && projection && projection.reaches_threshold_month) {
    return `按现状预计 ${monthWords(projection.reaches_threshold_month)}达到 ${plan.threshold} 分`;
  }
  if (plan.status === "not_reached" && projection) {
    return `按现状到 ${monthWords(projection.last_month)}仍不足 ${plan.threshold} 分`;
  }
  return "";
}
