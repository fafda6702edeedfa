// One search over every catalogue, in the browser, from the static index the build writes
// (catalogue/search.json; format in docs/architecture.md, "Search index").
//
// Matching: Chinese text, full pinyin and pinyin initials, from the start of a word or
// syllable: "kj" finds 会计 (a word) but not 数控机床 (控 and 机 are in two words).
// Ranks, best first: 0 exact, 1 prefix of the name, 2 start of a word, 3 elsewhere
// (Chinese text inside a word, or full pinyin from a syllable inside a word). Initials
// never match from inside a word. A query of several space-separated words needs every
// word to match; the entry's rank is its worst word's.
//
// The first half (prepare, search) has no DOM code, so benchmarks/search.py can run it in
// Node; the second half wires the search box (templates/search_box.html) when loaded in a page.

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/;
const NOT_WORD = /[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+/g;
const SEPARATOR = "|";
export const NAME = 0;
export const ALIAS = 1;
export const SEARCH_AID = 2;

function normalise(text) {
  return text.toLowerCase().replace(NOT_WORD, "");
}

// One name of an entry, with what it can be found by and where its words start (offsets
// into `text`, `pinyin` and `initials`; small arrays, cheaper to build than sets).
function prepareName([kind, segmentText, readingText]) {
  const texts = segmentText.split(SEPARATOR);
  const readings = readingText.split(SEPARATOR);
  let text = ""; // letters, digits and Chinese characters only
  let pinyin = "";
  let initials = "";
  const textWords = [];
  const pinyinWords = [];
  const syllables = [];
  const initialWords = [];
  for (let i = 0; i < texts.length; i += 1) {
    const reading = readings[i];
    if (!reading) continue; // punctuation has no reading
    const segment = texts[i];
    const ascii = !HAN.test(segment);
    textWords.push(text.length);
    text += ascii ? reading : segment; // an ASCII run's reading is the run, lower-cased
    pinyinWords.push(pinyin.length);
    initialWords.push(initials.length);
    if (ascii) {
      syllables.push(pinyin.length);
      pinyin += reading;
      initials += reading;
      continue;
    }
    for (const syllable of reading.split(" ")) {
      syllables.push(pinyin.length);
      pinyin += syllable;
      initials += syllable[0];
    }
  }
  return {
    kind,
    display: texts.join(""),
    text,
    textWords,
    pinyin,
    syllables,
    pinyinWords,
    initials,
    initialWords,
  };
}

// Take in the index: `index` is the JSON object of catalogue/search.json. Names are
// prepared only when a cheap test on the raw record says they may match, so the first
// result does not wait for every name of a large catalogue to be prepared.
export function prepare(index) {
  const catalogues = index.catalogues.map((c, order) => Object.assign({ order }, c));
  const entries = index.entries.map(([catalogue, id, seq, code, records]) => ({
    catalogue: catalogues[catalogue],
    id,
    seq,
    code,
    url: catalogues[catalogue].url + id + "/",
    records,
    prepared: null,
  }));
  return { catalogues, entries };
}

// The entry's names, prepared on first use.
export function names(entry) {
  if (entry.prepared === null) entry.prepared = entry.records.map(prepareName);
  return entry.prepared;
}

// Whether a raw name record can match: its text holds the word's first character, or its
// full pinyin or initials hold the word (a superset of the real matches, tested cheaply).
function mayMatch(record, word, chinese) {
  if (chinese) return record[1].indexOf(word[0]) !== -1;
  return record[3].includes(word) || record[4].includes(word);
}

// Rank of one query word against one name, or -1.
function rankChinese(name, word) {
  if (name.text === word) return 0;
  if (name.text.startsWith(word)) return 1;
  let best = -1;
  for (let at = name.text.indexOf(word); at !== -1; at = name.text.indexOf(word, at + 1)) {
    if (name.textWords.includes(at)) return 2;
    best = 3;
  }
  return best;
}

function rankLatin(name, word) {
  if (name.pinyin === word || name.initials === word) return 0;
  if (name.pinyin.startsWith(word) || name.initials.startsWith(word)) return 1;
  for (const at of name.initialWords) {
    if (name.initials.startsWith(word, at)) return 2;
  }
  let best = -1;
  for (const at of name.syllables) {
    if (name.pinyin.startsWith(word, at)) {
      if (name.pinyinWords.includes(at)) return 2;
      best = 3;
    }
  }
  return best;
}

function rankWord(entry, word, raw) {
  const chinese = HAN.test(word);
  let best = -1;
  let via = null;
  if (!entry.records.some((record) => mayMatch(record, word, chinese))) {
    if (!entry.code) return { rank: -1, via: null };
  } else {
    for (const name of names(entry)) {
      const rank = chinese ? rankChinese(name, word) : rankLatin(name, word);
      if (rank !== -1 && (best === -1 || rank < best || (rank === best && name.kind < via.kind))) {
        best = rank;
        via = name;
      }
    }
  }
  if (entry.code && /^[0-9-]+$/.test(raw)) {
    const rank = entry.code.startsWith(raw) ? 1 : entry.code.includes(raw) ? 3 : -1;
    if (rank !== -1 && (best === -1 || rank < best)) {
      best = rank;
      via = names(entry)[0];
    }
  }
  return { rank: best, via };
}

// Query words: lower-cased, split on spaces, punctuation dropped (a code keeps its "-").
export function queryWords(query) {
  return query
    .toLowerCase()
    .split(/\s+/)
    .map((raw) => ({ raw, word: normalise(raw) }))
    .filter(({ word }) => word.length > 0);
}

// Every matching entry, best first: [{entry, rank, via}], `via` the name that matched.
// `catalogueId` limits the search to one catalogue.
export function search(prepared, query, catalogueId = null) {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const results = [];
  for (const entry of prepared.entries) {
    if (catalogueId !== null && entry.catalogue.id !== catalogueId) continue;
    let worst = 0;
    let via = null;
    for (const { raw, word } of words) {
      const match = rankWord(entry, word, raw);
      if (match.rank === -1) {
        worst = -1;
        break;
      }
      if (via === null) via = match.via;
      worst = Math.max(worst, match.rank);
    }
    if (worst !== -1) results.push({ entry, rank: worst, via });
  }
  results.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.via.kind - b.via.kind ||
      names(a.entry)[0].display.length - names(b.entry)[0].display.length ||
      a.entry.catalogue.order - b.entry.catalogue.order ||
      a.entry.seq - b.entry.seq,
  );
  return results;
}

// --- the search box ---------------------------------------------------------------------

const SHOWN = 20; // results listed at once in the site-wide search
const SHOWN_OTHERS = 5; // matches from other lists under a catalogue's own list

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// How a result says which name matched, when it is not the list's own name.
function viaText(result) {
  if (result.via.kind === ALIAS) return `目录中也写作“${result.via.display}”`;
  if (result.via.kind === SEARCH_AID) {
    return `按常用叫法“${result.via.display}”找到，这不是目录中的名称`;
  }
  return "";
}

function resultItem(result, base) {
  const { entry } = result;
  const item = element("li");
  const link = element("a");
  link.href = base + entry.url;
  link.append(element("span", "result-name", names(entry)[0].display));
  const meta = [entry.catalogue.short_title, entry.catalogue.points].filter(Boolean).join(" · ");
  link.append(element("span", "result-meta", meta));
  const via = viaText(result);
  if (via) link.append(element("span", "result-via", via));
  item.append(link);
  return item;
}

function setUp(box) {
  const input = box.querySelector("#search-input");
  const status = box.querySelector("#search-status");
  const list = box.querySelector("#search-results");
  const others = box.querySelector("#search-others");
  const none = box.querySelector("#search-none");
  const base = box.dataset.base;
  const catalogueId = box.dataset.catalogue || null;
  const entryList = catalogueId ? document.getElementById("entry-list") : null;
  const rows = entryList ? Array.from(entryList.children) : [];
  let prepared = null;

  function showList(results, limit) {
    list.replaceChildren(...results.slice(0, limit).map((r) => resultItem(r, base)));
  }

  function restoreCatalogueList() {
    rows.forEach((row) => {
      row.hidden = false;
    });
    entryList.replaceChildren(...rows);
  }

  function update() {
    const query = input.value.trim();
    none.hidden = true;
    others.hidden = true;
    list.replaceChildren();
    if (queryWords(query).length === 0) {
      status.textContent = "";
      if (entryList) restoreCatalogueList();
      return;
    }
    if (prepared === null) {
      status.textContent = "正在载入目录……";
      return;
    }
    const results = search(prepared, query);
    if (!entryList) {
      showList(results, SHOWN);
      if (results.length === 0) {
        status.textContent = `没有找到与“${query}”相符的条目。`;
        none.hidden = false;
      } else if (results.length > SHOWN) {
        status.textContent = `找到 ${results.length} 项，下面是最相符的 ${SHOWN} 项；多输入几个字可以缩小范围。`;
      } else {
        status.textContent = `找到 ${results.length} 项。`;
      }
      return;
    }
    // On a catalogue's page: narrow and reorder its own list; show other lists' matches.
    const here = results.filter((r) => r.entry.catalogue.id === catalogueId);
    const elsewhere = results.filter((r) => r.entry.catalogue.id !== catalogueId);
    const rowsById = new Map(rows.map((row) => [row.dataset.id, row]));
    const shown = here.map((r) => rowsById.get(r.entry.id)).filter(Boolean);
    rows.forEach((row) => {
      row.hidden = true;
    });
    shown.forEach((row) => {
      row.hidden = false;
    });
    entryList.replaceChildren(...shown, ...rows.filter((row) => row.hidden));
    if (elsewhere.length > 0) {
      others.hidden = false;
      showList(elsewhere, SHOWN_OTHERS);
    }
    if (here.length > 0) {
      status.textContent = `本目录找到 ${here.length} 项。`;
    } else if (elsewhere.length > 0) {
      status.textContent = `本目录没有与“${query}”相符的条目，其他目录中有 ${elsewhere.length} 项。`;
    } else {
      status.textContent = `没有找到与“${query}”相符的条目。`;
      none.hidden = false;
    }
  }

  // The index (tens of KB) is fetched on the first sign the visitor means to search, not with
  // the page: most visits never search, and a phone's first screen should not wait for it.
  let loading = null;
  function load() {
    loading ??= fetch(box.dataset.index)
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((index) => {
        prepared = prepare(index);
        update(); // the user may have typed while it loaded
      })
      .catch(() => {
        loading = null; // the next keystroke tries again (the network may be back)
        status.textContent = "目录索引没有载入，暂时无法查找。您可以逐项浏览下面的目录。";
      });
  }

  box.hidden = false;
  input.addEventListener("input", () => {
    load();
    update();
  });
  // A tap or a click reaches the box before the focus does: a head start on the download.
  for (const type of ["focus", "pointerdown"]) input.addEventListener(type, load);
  // Text already in the box when this runs (typed while the page loaded) is searched at once.
  if (queryWords(input.value).length) {
    load();
    update();
  }
}

if (typeof document !== "undefined") {
  const box = document.getElementById("search");
  if (box) setUp(box);
}
