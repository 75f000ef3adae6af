// The report's stylesheet (inlined into the page): system fonts, tabular figures, light charts.
export const STYLE = `
:root{--fg:#1d1f23;--muted:#5b616b;--line:#d9dde3;--bg:#f6f7f9;--card:#fff;--detected:#D55E00;--inconclusive:#B07800;--clear:#00805c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;font-variant-numeric:tabular-nums}
main{max-width:1600px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:21px;margin:36px 0 6px;padding-top:18px;border-top:2px solid var(--line)}
h3{font-size:15px;margin:0}
h3.sub{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:22px 0 10px}
code,pre{font:13px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
pre{white-space:pre-wrap;word-break:break-word;background:#f0f2f5;padding:8px 10px;border-radius:6px;max-height:320px;overflow:auto}
.muted,.meta,.description{color:var(--muted)}
.meta{font-size:13px;margin:4px 0}
.warn{background:#fff4e0;border-left:4px solid var(--inconclusive);padding:8px 12px}
.toc ol{margin:6px 0;padding-left:22px}
.toc li{margin:3px 0}
.toc a{color:#0060a0;font-weight:600;text-decoration:none;margin-right:8px}
.dot{display:inline-block;font-size:11.5px;padding:1px 7px;border-radius:9px;margin:1px 2px;border:1px solid currentColor}
.dot.detected{color:var(--detected)}.dot.inconclusive{color:var(--inconclusive)}.dot.clear{color:var(--clear)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px;align-items:start}
.card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--clear);border-radius:8px;padding:12px 16px}
.card.detected{border-left-color:var(--detected)}.card.inconclusive{border-left-color:var(--inconclusive)}
.card header{display:flex;align-items:center;gap:10px}
.badge{font-size:11.5px;font-weight:700;letter-spacing:.05em;color:#fff;background:var(--clear);padding:2px 8px;border-radius:4px}
.detected .badge{background:var(--detected)}.inconclusive .badge{background:var(--inconclusive)}
.sentence{margin:8px 0}
.hint{font-size:13.5px;color:#3a3f47;background:#f4f6f8;padding:8px 10px;border-radius:6px;margin:8px 0 0}
.evidence{display:flex;flex-wrap:wrap;gap:4px 18px;margin:6px 0;font-size:13px}
.evidence div{display:flex;gap:6px}.evidence dt{color:var(--muted)}.evidence dd{margin:0;font-weight:600}
details summary{cursor:pointer;font-size:13px;color:var(--muted)}
table.summary{border-collapse:collapse;background:var(--card);font-size:13.5px;border:1px solid var(--line)}
table.summary th,table.summary td{padding:5px 12px;border-bottom:1px solid var(--line);text-align:right}
table.summary th:nth-child(-n+3),table.summary td:nth-child(-n+3){text-align:left}
table.summary th{background:#eef1f4;font-weight:600}
td.bad{color:var(--detected);font-weight:700}
tr.recommended td{background:#e6f4ee;font-weight:600}
.recommendation{background:#e6f4ee;border-left:4px solid var(--clear);padding:8px 12px}
.expectations{list-style:none;padding:0}.expectations .pass b{color:var(--clear)}.expectations .fail b{color:var(--detected)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(620px,1fr));gap:16px}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
figure.chart figcaption{font-weight:600;font-size:14px;margin-bottom:4px}
figure.chart svg{display:block;width:100%;height:auto;font-family:inherit}
.caption{font-size:12.5px;color:var(--muted);margin:4px 0 0}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px;margin-top:2px}
.legend i{display:inline-block;width:14px;height:4px;border-radius:2px;vertical-align:middle;margin-right:6px}
.legend i.dashed{background-image:linear-gradient(90deg,transparent 50%,#fff 50%)!important;background-size:6px 4px}
.legend i.band-swatch{height:10px;width:14px;border-radius:2px}
.legend i.band-swatch.inflight{background:#9db4d3}
.legend i.band-swatch.stall{background:repeating-linear-gradient(45deg,#f3c9ad 0 2px,#fbece3 2px 5px);border:1px solid #D55E00}
rect.band.inflight{fill:#9db4d3;fill-opacity:.2}
rect.band-strip{fill:#5d7ea8}
rect.band.stall{stroke:#D55E00;stroke-opacity:.6;stroke-width:1}
svg .grid{stroke:#e6e9ee}
svg .axis,svg .tickmark{stroke:#7b818b}
svg .tick{font-size:11.5px;fill:#4a4f57}
svg .axis-label{font-size:12px;fill:#30343a;font-weight:600}
svg .band-label{font-size:11px;fill:#a64200;font-weight:700}
svg .marker line{stroke:#30343a;stroke-width:1.2;stroke-dasharray:2 3}
svg .marker text{font-size:11.5px;fill:#30343a;font-weight:600}
.run-details{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:8px 0}
.finding{font-size:11.5px;font-weight:700;letter-spacing:.04em;white-space:nowrap}
.finding.detected{color:var(--detected)}.finding.inconclusive{color:var(--inconclusive)}.finding.clear{color:var(--clear)}
table.doctor-table td{vertical-align:top}
table.doctor-table th:nth-child(n+5),table.doctor-table td:nth-child(n+5){text-align:left}
table.doctor-table td.what{text-align:left;max-width:720px}
table.doctor-table td.what p{margin:0 0 6px}
table.doctor-table tr.detected td:first-child{border-left:5px solid var(--detected)}
table.doctor-table tr.inconclusive td:first-child{border-left:5px solid var(--inconclusive)}
table.doctor-table tr.clear td:first-child{border-left:5px solid var(--clear)}
.reproduce code{font-size:12px;word-break:break-all}
svg.spark{display:block;margin-top:4px;background:#fafbfc;border:1px solid var(--line);border-radius:3px}
.run-details>summary{font-size:14px;color:var(--fg);font-weight:600}
`;
