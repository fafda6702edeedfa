// Catalogue filter: narrows the entry list as the user types. Without JavaScript the
// box stays hidden and the whole list shows. Each list item carries its names, their
// pinyin and initials (computed at build time) and its occupation code in data-
// attributes; a query matches when every space-separated word is a substring of one of them.

const box = document.getElementById("filter");
const input = document.getElementById("filter-input");
const status = document.getElementById("filter-status");
const items = Array.from(document.querySelectorAll("#entry-list > li"));

// What each item can be found by, lower-cased once.
const haystacks = items.map((item) =>
  [item.dataset.names, item.dataset.pinyin, item.dataset.initials, item.dataset.code]
    .filter(Boolean)
    .join("\n")
    .toLowerCase(),
);

function matches(haystack, words) {
  return words.every((word) => haystack.includes(word));
}

function apply() {
  const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  items.forEach((item, index) => {
    const visible = words.length === 0 || matches(haystacks[index], words);
    item.hidden = !visible;
    if (visible) shown += 1;
  });
  status.textContent =
    words.length === 0 ? "" : shown === 0 ? "没有找到匹配的条目。" : `找到 ${shown} 项。`;
}

if (box && input && status) {
  box.hidden = false;
  input.addEventListener("input", apply);
  apply(); // the browser may restore a previous query on back/forward navigation
}
