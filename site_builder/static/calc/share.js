// The URL fragment and sharing: the answers live in `#key=value&…` (only those that differ
// from the defaults), so a bookmark or a shared link restores them. Browsers never send the
// fragment to any server.

import { $ } from "./dom.js";
import { byName, controls, defaultValue, fragmentFromForm, setRaw } from "./form.js";

const TEXT = {
  badFragment: "链接中有部分内容无法识别（可能来自旧版本的计算器，或链接不完整），已忽略：",
  fragmentRest: "。其余内容已填入表单。",
  copied: "链接已复制，可以粘贴给自己或他人。",
  copyFallback: "无法自动复制，请手动复制下面已选中的链接。",
};

/** True when the fragment is a plain in-page anchor (e.g. a skip link), not a profile. */
export function isAnchor(hash) {
  if (hash === "" || hash.includes("=")) return false;
  try {
    return document.getElementById(decodeURIComponent(hash)) !== null;
  } catch {
    return false; // Malformed percent-encoding: treat it as a (bad) profile fragment.
  }
}

/** Fill the form from `#key=value&…`; returns the parts that could not be used and the
 * catalogue entry the link came from (`from=<segment>/<id>`, not a profile key), if any. */
export function applyFragment(hash) {
  const params = new URLSearchParams(hash);
  const from = params.get("from");
  params.delete("from");
  return { rejected: applyAnswers(params), from };
}

/** Fill the form from [key, raw text] pairs (a link or a file); returns what was not used. */
export function applyAnswers(params) {
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

export function showFragmentMessage(rejected) {
  const box = $("fragment-message");
  if (rejected.length) {
    box.textContent = TEXT.badFragment + rejected.join("、") + TEXT.fragmentRest;
    box.hidden = false;
  } else {
    box.hidden = true;
    box.textContent = "";
  }
}

/** Put the current answers into the address without adding a history entry. */
export function writeFragment() {
  const fragment = fragmentFromForm();
  const url = new URL(location.href);
  url.hash = fragment; // An empty fragment drops the "#" altogether.
  // replaceState: typing should not fill the back button with one entry per keystroke, and
  // unlike assigning location.hash it does not fire hashchange.
  if (url.href !== location.href) history.replaceState(history.state, "", url.href);
}

export async function copyLink() {
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
