import { stringify } from 'csv-stringify/sync';
import type { Change, Comparison, Polarity } from '../figures/figure-types';
import { parsePeriod } from '../figures/periods';
import type { CountCell, SefDocument, SefIndicatorRow, SefReachRow, ShareCell } from './sef-types';

/**
 * The SEF data section rendered for people: a self-contained print page (renderSefHtml) and a
 * long-format CSV (renderSefCsv). Both take the document after disclosure control, so they only
 * format; they never compute or suppress. `*` stays `*`; null is "–" in HTML and empty in CSV.
 */

// ---------------------------------------------------------------------------------------------
// Formatting shared by both renderings

const NONE = '–';

// The platform's en-GB calendar names (dates are calendar days: formatted in UTC; instants in
// UK local time).
const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long' });
const MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  dateStyle: 'long',
});
const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `2026-04-01` as "1 April 2026"; anything else comes back unchanged. */
export function formatDate(date: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date))
    ? DAY.format(new Date(date))
    : date;
}

/** `2026-04` as "April 2026"; anything else comes back unchanged. */
function formatMonth(month: string): string {
  return /^\d{4}-\d{2}$/.test(month) && !Number.isNaN(Date.parse(`${month}-01`))
    ? MONTH.format(new Date(`${month}-01`))
    : month;
}

/** An ISO instant as UK local time, "2 April 2026, 09:15 UK time"; unparsable text unchanged. */
export function formatInstant(instant: string): string {
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  return `${LONDON.format(at)}, ${LONDON_TIME.format(at)} UK time`;
}

/** `quarter:2026-27-Q1` as "Q1 2026-27"; other ids unchanged. */
function shortQuarter(id: string): string {
  const m = /^quarter:(\d{4}-\d{2})-(Q[1-4])$/.exec(id);
  return m ? `${m[2]} ${m[1]}` : id;
}

/** A period id with its first and last days, when it is one the reporting service knows. */
function periodSpan(id: string): string | null {
  try {
    const p = parsePeriod(id);
    return `${formatDate(p.start)} to ${formatDate(p.end)}`;
  } catch {
    return null;
  }
}

function groupDigits(n: number): string {
  if (!Number.isInteger(n)) return String(Math.round(n * 10) / 10);
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count for people: "1,234", `*` or "–". */
function count(cell: number | '*' | null | undefined): string {
  if (cell === '*') return '*';
  if (cell === null || cell === undefined) return NONE;
  return groupDigits(cell);
}

/** A proportion as a percentage with one decimal place: "45.2%", `*` or "–". */
export function percent(cell: ShareCell | undefined): string {
  if (cell === '*') return '*';
  if (cell === null || cell === undefined) return NONE;
  return `${(cell * 100).toFixed(1)}%`;
}

function interval(lower: ShareCell, upper: ShareCell): string {
  if (lower === null && upper === null) return NONE;
  return `${percent(lower)} to ${percent(upper)}`;
}

const COMPARISON_WORDS: Record<Comparison, string> = {
  similar: 'similar',
  better: 'better',
  worse: 'worse',
  higher: 'higher',
  lower: 'lower',
  not_compared: 'not compared',
};

const CHANGE_WORDS: Record<Change, string> = {
  significant_increase: 'significant increase',
  significant_decrease: 'significant decrease',
  no_significant_change: 'no significant change',
  not_compared: 'not compared',
};

const POLARITY_WORDS: Record<Polarity, string> = {
  lower_is_better: 'lower is better',
  higher_is_better: 'higher is better',
  no_judgement: 'no judgement',
};

// ---------------------------------------------------------------------------------------------
// HTML

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `
@page { size: A4; margin: 14mm 10mm 16mm 10mm; }
html { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 10pt;
  line-height: 1.35; color: #000; background: #fff; }
body { margin: 0 auto; padding: 8mm; max-width: 190mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #000;
  break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2mm; }
.status { display: inline-block; margin: 1mm 0 3mm; padding: 1.5mm 3mm; border: 2pt solid #000;
  font-weight: bold; }
.status.current { border-style: dashed; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.5mm 5mm; margin: 0; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 2mm; }
caption { caption-side: top; text-align: left; font-size: 8.5pt; padding-bottom: 1mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.75pt solid #666; padding: 0.8mm 0.9mm; text-align: left; vertical-align: top; }
thead th { border-bottom: 1.5pt solid #000; font-weight: bold; vertical-align: bottom; }
tbody th { font-weight: normal; }
tfoot th, tfoot td { border-top: 1.5pt solid #000; font-weight: bold; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.wrap { white-space: normal; }
tbody th { min-width: 18mm; }
.nowrap { white-space: nowrap; }
#reach-table, #indicators-table { font-size: 7.5pt; }
.note { display: block; font-size: 7.5pt; font-style: italic; }
table.narrow { width: auto; min-width: 50%; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 0.75pt solid #000; font-size: 8.5pt; }
@media print { body { padding: 0; max-width: none; } }
`;

type Cell = {
  text: string;
  numeric?: boolean;
  rowHeader?: boolean;
  html?: boolean;
  wrap?: boolean;
};

/** A table: `<th scope="col">` headers, a row header first, numbers right-aligned. */
function table(
  id: string,
  caption: string,
  headers: { text: string; numeric?: boolean }[],
  rows: Cell[][],
  options: { foot?: Cell[]; narrow?: boolean } = {},
): string {
  const cell = (c: Cell) => {
    const content = c.html ? c.text : escapeHtml(c.text);
    const classes = [c.numeric ? 'num' : '', c.wrap ? 'wrap' : ''].filter(Boolean).join(' ');
    const cls = classes ? ` class="${classes}"` : '';
    return c.rowHeader ? `<th scope="row"${cls}>${content}</th>` : `<td${cls}>${content}</td>`;
  };
  const head = headers
    .map((h) => `<th scope="col"${h.numeric ? ' class="num"' : ''}>${escapeHtml(h.text)}</th>`)
    .join('');
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  const foot = options.foot ? `<tfoot><tr>${options.foot.map(cell).join('')}</tr></tfoot>` : '';
  const cls = options.narrow ? ' class="narrow"' : '';
  return [
    `<table id="${escapeHtml(id)}"${cls}>`,
    `<caption>${escapeHtml(caption)}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    foot,
    '</table>',
  ].join('\n');
}

const num = (text: string): Cell => ({ text, numeric: true });
const rowHeader = (text: string): Cell => ({ text, rowHeader: true });

function statusHtml(doc: SefDocument): { badge: string; detail: string } {
  if (doc.kind === 'submitted') {
    const parts = [`snapshot ${doc.snapshotId ?? NONE}`];
    if (doc.submittedAt) parts.push(`submitted ${formatInstant(doc.submittedAt)}`);
    if (doc.submittedBy) parts.push(`by ${doc.submittedBy}`);
    return {
      badge: '<p class="status submitted">Submitted snapshot</p>',
      detail: escapeHtml(`Submitted snapshot: ${parts.join(', ')}. These figures do not change.`),
    };
  }
  return {
    badge: '<p class="status current">Current figures — not submitted</p>',
    detail: escapeHtml(
      'Current figures — not submitted: computed when generated and may change until submitted.',
    ),
  };
}

function headerHtml(doc: SefDocument): string {
  const { centre, period } = doc;
  const status = statusHtml(doc);
  const quarterSpan = periodSpan(doc.indicatorQuarter);
  const meta: [string, string][] = [
    ['Centre', `${centre.name} (${centre.id})`],
    ['Cluster', `${centre.clusterName} (${centre.cluster})`],
    ['Local authority', `${centre.laName} (${centre.la})`],
    ['Period', `${period.id}: ${formatDate(period.start)} to ${formatDate(period.end)}`],
    [
      'Health indicators quarter',
      quarterSpan ? `${doc.indicatorQuarter}: ${quarterSpan}` : doc.indicatorQuarter,
    ],
    ['Boundary version', doc.boundaryVersion],
    ['Generated', formatInstant(doc.generatedAt)],
  ];
  const rows = meta
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .concat(`<dt>Status</dt><dd>${status.detail}</dd>`)
    .join('\n');
  return [
    '<header>',
    `<h1>Self-evaluation form data: ${escapeHtml(centre.name)}</h1>`,
    status.badge,
    `<dl class="meta">\n${rows}\n</dl>`,
    '</header>',
  ].join('\n');
}

function profileHtml(doc: SefDocument): string {
  const p = doc.areaProfile;
  const rows: Cell[][] = [
    [rowHeader('LSOAs in the reach area'), num(count(p.lsoas))],
    [
      rowHeader("LSOAs in England's 30% most deprived (IMD deciles 1-3)"),
      num(count(p.deprived30Lsoas)),
    ],
    [rowHeader('Children under 5 living in the area'), num(count(p.under5Population))],
    [
      rowHeader('Share of under-5s living in those deprived LSOAs'),
      num(percent(p.deprived30Share)),
    ],
    [rowHeader('Births in the period to mothers living in the area'), num(count(p.births))],
  ];
  return [
    '<section id="area-profile">',
    '<h2>Area profile</h2>',
    table(
      'profile-table',
      `The centre's reach area under boundary version ${doc.boundaryVersion}; children counted on ${formatDate(doc.period.end)}.`,
      [{ text: 'Measure' }, { text: 'Value', numeric: true }],
      rows,
      { narrow: true },
    ),
    '</section>',
  ].join('\n');
}

function reachCells(r: SefReachRow): Cell[] {
  return [
    rowHeader(r.label),
    num(count(r.population)),
    num(count(r.registered)),
    num(percent(r.registeredShare)),
    num(count(r.seen)),
    num(percent(r.seenShare)),
    num(count(r.sustained)),
    num(count(r.repeatAttenders)),
    num(count(r.attendances)),
    num(count(r.timelinessCohort)),
    num(count(r.contactedWithin30Days)),
    num(percent(r.within30DaysShare)),
    num(count(r.medianDaysToFirstContact)),
  ];
}

function reachHtml(doc: SefDocument): string {
  const headers = [
    { text: 'Group' },
    { text: 'Under-5 population', numeric: true },
    { text: 'Registered', numeric: true },
    { text: '% registered', numeric: true },
    { text: 'Seen', numeric: true },
    { text: '% seen', numeric: true },
    { text: 'Sustained contact', numeric: true },
    { text: 'Repeat attenders', numeric: true },
    { text: 'Attendances', numeric: true },
    { text: 'Born or moved in during period', numeric: true },
    { text: 'Contacted within 30 days', numeric: true },
    { text: '% contacted within 30 days', numeric: true },
    { text: 'Median days to first contact', numeric: true },
  ];
  return [
    '<section id="reach">',
    '<h2>Reach</h2>',
    table(
      'reach-table',
      `Children under 5 living in the reach area on ${formatDate(doc.period.end)}; contacts and attendances from ${formatDate(doc.period.start)} to ${formatDate(doc.period.end)}. "Contacted within 30 days" is of the children born or moved in during the period.`,
      headers,
      doc.reach.map(reachCells),
    ),
    '</section>',
  ].join('\n');
}

function newFamiliesHtml(doc: SefDocument): string {
  const nf = doc.newFamilies;
  return [
    '<section id="new-families">',
    '<h2>New families by month</h2>',
    table(
      'new-families-table',
      "Families registered in the period at the centre's sessions.",
      [{ text: 'Month' }, { text: 'New families', numeric: true }],
      nf.byMonth.map((m) => [rowHeader(formatMonth(m.month)), num(count(m.count))]),
      { foot: [rowHeader('Total'), num(count(nf.total))], narrow: true },
    ),
    '</section>',
  ].join('\n');
}

/** The trend as text, "Q1 2026-27: 45.2%; Q2 2026-27: *; …", breaking only between quarters. */
function trendHtml(trend: SefIndicatorRow['trend']): string {
  if (trend.length === 0) return NONE;
  return trend
    .map(
      (t) =>
        `<span class="nowrap">${escapeHtml(`${shortQuarter(t.period)}: ${percent(t.value)}`)}</span>`,
    )
    .join('; ');
}

function indicatorsHtml(doc: SefDocument): string {
  const withCompleteness = doc.indicators.some((i) => i.completeness !== undefined);
  const headers = [
    { text: 'Indicator' },
    { text: 'Numerator / denominator', numeric: true },
    { text: 'Value', numeric: true },
    { text: '95% interval', numeric: true },
    { text: 'LA', numeric: true },
    { text: 'England', numeric: true },
    { text: 'Compared with LA' },
    { text: 'Compared with England' },
    { text: 'Previous quarter', numeric: true },
    { text: 'Change on previous quarter' },
    ...(withCompleteness ? [{ text: 'Recording completeness', numeric: true }] : []),
    { text: 'Trend, last 4 quarters (oldest first)' },
  ];
  const rows = doc.indicators.map((i): Cell[] => [
    {
      text: `${escapeHtml(i.label)} <span class="note">${escapeHtml(POLARITY_WORDS[i.polarity])}</span>`,
      rowHeader: true,
      html: true,
    },
    num(`${count(i.numerator)} / ${count(i.denominator)}`),
    num(percent(i.value)),
    { text: interval(i.lower, i.upper), numeric: true, wrap: true },
    num(percent(i.laValue)),
    num(percent(i.englandValue)),
    { text: COMPARISON_WORDS[i.comparedWithLa] },
    { text: COMPARISON_WORDS[i.comparedWithEngland] },
    num(percent(i.previousQuarterValue)),
    { text: CHANGE_WORDS[i.change] },
    ...(withCompleteness ? [num(i.completeness === undefined ? '' : percent(i.completeness))] : []),
    { text: trendHtml(i.trend), html: true },
  ]);
  const span = periodSpan(doc.indicatorQuarter);
  return [
    '<section id="health-indicators">',
    '<h2>Health indicators</h2>',
    table(
      'indicators-table',
      `Indicators for ${doc.indicatorQuarter}${span ? ` (${span})` : ''}. Compared with a benchmark: "similar" when the benchmark lies inside the 95% interval; otherwise better or worse (higher or lower where there is no judgement).`,
      headers,
      rows,
    ),
    '</section>',
  ].join('\n');
}

function footerHtml(doc: SefDocument): string {
  return [
    '<footer>',
    `<p><strong>Disclosure control.</strong> ${escapeHtml(doc.disclosureControl)}</p>`,
    `<p>${escapeHtml(`* means suppressed to protect individuals; ${NONE} means there is nothing to compute (no denominator or no value).`)}</p>`,
    `<p>${escapeHtml(`Every figure is for period ${doc.period.id} under boundary version ${doc.boundaryVersion}.`)}</p>`,
    '</footer>',
  ].join('\n');
}

/** The SEF data section as one self-contained, print-ready HTML page (A4, no external assets). */
export function renderSefHtml(doc: SefDocument): string {
  const title = `SEF data: ${doc.centre.name} (${doc.centre.id}), ${doc.period.id}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(doc),
    '<main>',
    profileHtml(doc),
    reachHtml(doc),
    newFamiliesHtml(doc),
    indicatorsHtml(doc),
    '</main>',
    footerHtml(doc),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// CSV

export const SEF_CSV_COLUMNS = [
  'section',
  'row',
  'measure',
  'value',
  'period',
  'boundary_version',
] as const;

/** A count in the CSV: the number, `*`, or empty for null. */
function countValue(cell: CountCell | null | undefined): string {
  if (cell === '*') return '*';
  if (cell === null || cell === undefined) return '';
  return String(cell);
}

/** A proportion in the CSV: a decimal with up to 6 places ("0.452381"), `*`, or empty. */
export function shareValue(cell: ShareCell | undefined): string {
  if (cell === '*') return '*';
  if (cell === null || cell === undefined) return '';
  return String(Number(cell.toFixed(6)));
}

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe, as
 * in the import row-error report: centre names and labels come from people.
 */
function textValue(value: string | undefined): string {
  if (value === undefined) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A reach row's measures in table order, each with its CSV value. */
function reachMeasures(r: SefReachRow): [keyof SefReachRow, string][] {
  return [
    ['population', countValue(r.population)],
    ['registered', countValue(r.registered)],
    ['registeredShare', shareValue(r.registeredShare)],
    ['seen', countValue(r.seen)],
    ['seenShare', shareValue(r.seenShare)],
    ['sustained', countValue(r.sustained)],
    ['repeatAttenders', countValue(r.repeatAttenders)],
    ['attendances', countValue(r.attendances)],
    ['timelinessCohort', countValue(r.timelinessCohort)],
    ['contactedWithin30Days', countValue(r.contactedWithin30Days)],
    ['within30DaysShare', shareValue(r.within30DaysShare)],
    ['medianDaysToFirstContact', countValue(r.medianDaysToFirstContact)],
  ];
}

/**
 * The SEF data section as one long-format CSV (RFC 4180, CRLF line ends):
 * `section,row,measure,value,period,boundary_version`, every line stating the document's period
 * and boundary version. Sections: `meta`, `profile`, `reach`, `new_families`, `indicator`;
 * measures are the document's field names; proportions are decimals, not percentages.
 */
export function renderSefCsv(doc: SefDocument): string {
  const records: string[][] = [];
  const add = (section: string, row: string, measure: string, value: string) =>
    records.push([section, row, measure, value, doc.period.id, doc.boundaryVersion]);

  const meta: [string, string | undefined][] = [
    ['centreId', doc.centre.id],
    ['centreName', doc.centre.name],
    ['cluster', doc.centre.cluster],
    ['clusterName', doc.centre.clusterName],
    ['la', doc.centre.la],
    ['laName', doc.centre.laName],
    ['kind', doc.kind],
    ['snapshotId', doc.snapshotId],
    ['submittedAt', doc.submittedAt],
    ['submittedBy', doc.submittedBy],
    ['generatedAt', doc.generatedAt],
    ['periodStart', doc.period.start],
    ['periodEnd', doc.period.end],
    ['indicatorQuarter', doc.indicatorQuarter],
    ['disclosureControl', doc.disclosureControl],
  ];
  for (const [measure, value] of meta) add('meta', 'document', measure, textValue(value));

  const p = doc.areaProfile;
  add('profile', 'area', 'lsoas', countValue(p.lsoas));
  add('profile', 'area', 'deprived30Lsoas', countValue(p.deprived30Lsoas));
  add('profile', 'area', 'under5Population', countValue(p.under5Population));
  add('profile', 'area', 'deprived30Share', shareValue(p.deprived30Share));
  add('profile', 'area', 'births', countValue(p.births));

  for (const r of doc.reach) {
    add('reach', r.row, 'label', textValue(r.label));
    for (const [measure, value] of reachMeasures(r)) add('reach', r.row, measure, value);
  }

  for (const m of doc.newFamilies.byMonth)
    add('new_families', m.month, 'count', countValue(m.count));
  add('new_families', 'total', 'count', countValue(doc.newFamilies.total));

  for (const i of doc.indicators) {
    add('indicator', i.id, 'label', textValue(i.label));
    add('indicator', i.id, 'polarity', i.polarity);
    add('indicator', i.id, 'numerator', countValue(i.numerator));
    add('indicator', i.id, 'denominator', countValue(i.denominator));
    add('indicator', i.id, 'value', shareValue(i.value));
    add('indicator', i.id, 'lower', shareValue(i.lower));
    add('indicator', i.id, 'upper', shareValue(i.upper));
    add('indicator', i.id, 'laValue', shareValue(i.laValue));
    add('indicator', i.id, 'englandValue', shareValue(i.englandValue));
    add('indicator', i.id, 'comparedWithLa', i.comparedWithLa);
    add('indicator', i.id, 'comparedWithEngland', i.comparedWithEngland);
    add('indicator', i.id, 'previousQuarterValue', shareValue(i.previousQuarterValue));
    add('indicator', i.id, 'change', i.change);
    if (i.completeness !== undefined)
      add('indicator', i.id, 'completeness', shareValue(i.completeness));
    for (const t of i.trend) add('indicator', i.id, `trend:${t.period}`, shareValue(t.value));
  }

  return stringify(records, {
    header: true,
    columns: [...SEF_CSV_COLUMNS],
    record_delimiter: 'windows',
  });
}
