// HTML escaping: everything that reaches the page from a server or a scenario (bodies, identity
// values, names, params) goes through here, as text or as a quoted attribute value.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a double-quoted attribute: no markup survives. */
export function escapeHtml(value: unknown): string {
  // Control characters other than tab/newline have no business in a page: shown as U+FFFD.
  return String(value)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}
