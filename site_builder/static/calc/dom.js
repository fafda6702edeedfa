// Small DOM helpers shared by the calculator's modules.

export const $ = (id) => document.getElementById(id);

/** A new element with optional text and class. */
export function h(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}
