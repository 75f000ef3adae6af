// The HTML report's entry points: later commands (doctor, one-liners, analyse) call renderHtml too.
export { renderHtml } from './page.js';
export { htmlInputOf, type CompareReport, type HtmlInput } from './input.js';
export { escapeHtml } from './escape.js';
