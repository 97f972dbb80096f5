import { parse } from 'csv-parse/sync';
import type { ReachRowId } from '../figures/figure-types';
import { renderSefCsv, renderSefHtml } from './sef-render';
import type { CountCell, SefDocument, SefReachRow, ShareCell } from './sef-types';

// An invented centre, Riverside Children's Centre (C01) in Northbridge (E06099001), for the
// financial year 2026-27, after disclosure control: counts rounded to 5, 1-7 shown as `*`.

const share = (a: CountCell, b: CountCell): ShareCell =>
  a === '*' || b === '*' ? '*' : b === 0 ? null : a / b;

type Counts = [
  population: CountCell,
  registered: CountCell,
  seen: CountCell,
  sustained: CountCell,
  repeatAttenders: CountCell,
  attendances: CountCell,
  timelinessCohort: CountCell,
  contactedWithin30Days: CountCell,
  median: number | '*' | null,
];

function reachRow(row: ReachRowId, label: string, c: Counts): SefReachRow {
  const [population, registered, seen, sustained, repeatAttenders, attendances, cohort, within30, median] = c; // prettier-ignore
  return {
    row,
    label,
    population,
    registered,
    registeredShare: share(registered, population),
    seen,
    seenShare: share(seen, population),
    sustained,
    repeatAttenders,
    attendances,
    timelinessCohort: cohort,
    contactedWithin30Days: within30,
    within30DaysShare: share(within30, cohort),
    medianDaysToFirstContact: median,
  };
}

const trend = (...values: ShareCell[]) =>
  values.map((value, i) => ({ period: `quarter:2026-27-Q${i + 1}`, value }));

function fixture(): SefDocument {
  return {
    kind: 'current',
    generatedAt: '2027-04-02T08:15:00.000Z',
    centre: {
      id: 'C01',
      name: "Riverside Children's Centre",
      cluster: 'CL1',
      clusterName: 'Northbridge North',
      la: 'E06099001',
      laName: 'Northbridge',
    },
    period: { id: 'year:2026-27', start: '2026-04-01', end: '2027-03-31' },
    indicatorQuarter: 'quarter:2026-27-Q4',
    boundaryVersion: 'boundaries:3',
    disclosureControl:
      'Counts of 1 to 7 are shown as *, and one more count is suppressed where needed to stop them being worked out; other counts are rounded to the nearest 5.',
    reach: [
      reachRow('all', 'All children under 5', [1265, 1225, 830, 540, 610, 9875, 420, 295, 18]),
      reachRow('teenage_mother:yes', 'Teenage mothers', [35, 35, 30, 20, 25, 410, 10, '*', '*']),
      reachRow('teenage_mother:unknown', 'Teenage mothers (not recorded)', [40, 25, 10, '*', '*', 60, '*', '*', '*']), // prettier-ignore
      reachRow('minority_ethnic:yes', 'Minority ethnic groups', [310, 295, 215, 140, 160, 2650, 105, 75, 16]), // prettier-ignore
      reachRow('minority_ethnic:unknown', 'Minority ethnic groups (not recorded)', [95, 60, 35, 15, 20, 240, 30, 15, 24.5]), // prettier-ignore
      reachRow('deprived_30:yes', 'Living in the 30% most deprived areas', [720, 705, 540, 365, 400, 6420, 245, 180, 15]), // prettier-ignore
      reachRow('deprived_30:unknown', 'Living in the 30% most deprived areas (not recorded)', ['*', '*', '*', 0, 0, 0, 0, 0, null]), // prettier-ignore
      reachRow('lone_parent:yes', 'Lone parents', [180, 180, 140, 95, 105, 1530, 55, 40, 14]),
      reachRow('lone_parent:unknown', 'Lone parents (not recorded)', [110, 70, 20, '*', 10, 95, 35, 15, 27]), // prettier-ignore
      reachRow('workless_household:yes', 'Workless households', [150, 150, 120, 85, 90, 1380, 45, 35, 13]), // prettier-ignore
      reachRow('workless_household:unknown', 'Workless households (not recorded)', [115, 75, 25, 10, 10, 130, 35, 15, 26]), // prettier-ignore
      reachRow('disabled_child:yes', 'Disabled children', [20, 20, 20, 15, 15, 260, '*', '*', '*']), // prettier-ignore
      reachRow('disabled_child:unknown', 'Disabled children (not recorded)', [70, 30, 10, '*', '*', 45, 25, 10, 31]), // prettier-ignore
      reachRow('disabled_parent:yes', 'Disabled parents', [15, 15, 10, 10, 10, 120, '*', '*', '*']), // prettier-ignore
      reachRow('disabled_parent:unknown', 'Disabled parents (not recorded)', [95, 45, 15, '*', '*', 70, 30, 10, 29]), // prettier-ignore
      reachRow('father:yes', 'Fathers', [455, 455, 300, 190, 215, 3120, 150, 110, 17]),
      reachRow('father:unknown', 'Fathers (not recorded)', [40, 0, 10, 0, 0, 0, 15, '*', '*']),
    ],
    newFamilies: {
      total: 335,
      byMonth: [
        { month: '2026-04', count: 35 },
        { month: '2026-05', count: 40 },
        { month: '2026-06', count: 30 },
        { month: '2026-07', count: 25 },
        { month: '2026-08', count: '*' },
        { month: '2026-09', count: 20 },
        { month: '2026-10', count: 45 },
        { month: '2026-11', count: 30 },
        { month: '2026-12', count: 15 },
        { month: '2027-01', count: 35 },
        { month: '2027-02', count: 30 },
        { month: '2027-03', count: 25 },
      ],
    },
    areaProfile: {
      lsoas: 14,
      deprived30Lsoas: 6,
      under5Population: 1265,
      deprived30Share: 720 / 1265,
      births: 265,
    },
    indicators: [
      {
        id: 'low_birth_weight_term',
        label: 'Low birth weight (term babies)',
        polarity: 'lower_is_better',
        numerator: '*',
        denominator: 60,
        value: '*',
        lower: '*',
        upper: '*',
        laValue: 0.0291,
        englandValue: 0.0285,
        comparedWithLa: 'not_compared',
        comparedWithEngland: 'not_compared',
        previousQuarterValue: '*',
        change: 'not_compared',
        trend: trend(0.0333333, '*', null, '*'),
      },
      {
        id: 'smoking_at_delivery',
        label: 'Smoking at time of delivery',
        polarity: 'lower_is_better',
        numerator: 10,
        denominator: 65,
        value: 10 / 65,
        lower: 0.08577132,
        upper: 0.26055291,
        laValue: 0.098,
        englandValue: 0.074,
        comparedWithLa: 'similar',
        comparedWithEngland: 'worse',
        previousQuarterValue: 0.14285714,
        change: 'no_significant_change',
        trend: trend(0.125, 0.18, 0.14285714, 10 / 65),
      },
      {
        id: 'breastfeeding_nbv',
        label: 'Breastfeeding at the new birth visit',
        polarity: 'higher_is_better',
        numerator: 45,
        denominator: 65,
        value: 45 / 65,
        lower: 0.572024,
        upper: 0.79113,
        laValue: 0.71,
        englandValue: 0.812,
        comparedWithLa: 'similar',
        comparedWithEngland: 'worse',
        previousQuarterValue: 0.66,
        change: 'no_significant_change',
        completeness: 60 / 65,
        trend: trend(0.64, 0.7, 0.66, 45 / 65),
      },
      {
        id: 'breastfeeding_6_8_weeks',
        label: 'Breastfeeding at 6-8 weeks',
        polarity: 'higher_is_better',
        numerator: 30,
        denominator: 70,
        value: 30 / 70,
        lower: 0.319353,
        upper: 0.545222,
        laValue: 0.47,
        englandValue: 0.497,
        comparedWithLa: 'similar',
        comparedWithEngland: 'similar',
        previousQuarterValue: 0.35,
        change: 'no_significant_change',
        completeness: null,
        trend: trend(0.4, 0.38, 0.35, 30 / 70),
      },
      {
        id: 'nbv_within_14_days',
        label: 'New birth visits within 14 days',
        polarity: 'higher_is_better',
        numerator: 60,
        denominator: 65,
        value: 60 / 65,
        lower: 0.832241,
        upper: 0.966696,
        laValue: 0.88,
        englandValue: 0.82,
        comparedWithLa: 'similar',
        comparedWithEngland: 'better',
        previousQuarterValue: 0.62,
        change: 'significant_increase',
        trend: trend(0.6, 0.58, 0.62, 60 / 65),
      },
      {
        id: 'normal_delivery',
        label: 'Spontaneous vaginal deliveries',
        polarity: 'no_judgement',
        numerator: 40,
        denominator: 65,
        value: 40 / 65,
        lower: 0.493842,
        upper: 0.72405,
        laValue: null,
        englandValue: 0.48,
        comparedWithLa: 'not_compared',
        comparedWithEngland: 'higher',
        previousQuarterValue: null,
        change: 'not_compared',
        trend: trend(null, 0.55, null, 40 / 65),
      },
    ],
  };
}

function submitted(): SefDocument {
  return {
    ...fixture(),
    kind: 'submitted',
    snapshotId: 'sef-C01-2026-27-v2',
    submittedAt: '2027-04-03T13:40:00.000Z',
    submittedBy: 'Jo Manager',
  };
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The rows of `<table id="…">` as cell texts (header, body and footer rows, in order). */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!table) throw new Error(`no table ${id}`);
  return [...table[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...tr[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      decode(
        cell[1]
          .replace(/<[^>]+>/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      ),
    ),
  );
}

/** Text of the page without tags, whitespace collapsed, entities decoded. */
const pageText = (html: string) =>
  decode(
    html
      .replace(/<style>[\s\S]*?<\/style>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' '),
  );

describe('SEF data section as print HTML', () => {
  it('should be one self-contained A4 page in British English with no scripts or external assets', () => {
    const html = renderSefHtml(fixture());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/@page \{ size: A4; margin: [^}]+\}/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|https?:\/\//i);
    expect(html).toContain(
      '<title>SEF data: Riverside Children&#39;s Centre (C01), year:2026-27</title>',
    );
    const h2 = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual(['Area profile', 'Reach', 'New families by month', 'Health indicators']);
    // Every header cell states its scope: columns in the head, rows in the body.
    const th = [...html.matchAll(/<th(?:\s[^>]*)?>/g)].map((m) => m[0]);
    expect(th.length).toBeGreaterThan(0);
    expect(th.every((t) => /^<th scope="(col|row)"/.test(t))).toBe(true);
    expect([...html.matchAll(/<thead><tr>(.*?)<\/tr><\/thead>/g)].every((m) => !m[1].includes('scope="row"'))).toBe(true); // prettier-ignore
  });

  it('should head the page with the centre, area, period dates, quarter, boundary version and generated time', () => {
    const text = pageText(renderSefHtml(fixture()));
    expect(text).toContain("Centre Riverside Children's Centre (C01)");
    expect(text).toContain('Cluster Northbridge North (CL1)');
    expect(text).toContain('Local authority Northbridge (E06099001)');
    expect(text).toContain('Period year:2026-27: 1 April 2026 to 31 March 2027');
    expect(text).toContain('Health indicators quarter quarter:2026-27-Q4: 1 January 2027 to 31 March 2027'); // prettier-ignore
    expect(text).toContain('Boundary version boundaries:3');
    expect(text).toContain('Generated 2 April 2027, 09:15 UK time'); // 08:15Z is 09:15 BST
  });

  it('should label current figures as not submitted, and a snapshot with its id, time and submitter', () => {
    const current = pageText(renderSefHtml(fixture()));
    expect(current).toContain('Current figures — not submitted');
    expect(current).not.toContain('Submitted snapshot');

    const html = renderSefHtml(submitted());
    expect(html).toContain('<p class="status submitted">Submitted snapshot</p>');
    const text = pageText(html);
    expect(text).toContain(
      'Status Submitted snapshot: snapshot sef-C01-2026-27-v2, submitted 3 April 2027, 14:40 UK time, by Jo Manager.',
    );
    expect(text).not.toContain('not submitted');
  });

  it('should give the reach table one row per reach row with its counts, percentages, * and –', () => {
    const rows = tableRows(renderSefHtml(fixture()), 'reach-table');
    expect(rows).toHaveLength(1 + 17);
    expect(rows[0]).toEqual([
      'Group',
      'Under-5 population',
      'Registered',
      '% registered',
      'Seen',
      '% seen',
      'Sustained contact',
      'Repeat attenders',
      'Attendances',
      'Born or moved in during period',
      'Contacted within 30 days',
      '% contacted within 30 days',
      'Median days to first contact',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(fixture().reach.map((r) => r.label));
    // 1225/1265 = 96.84%, 830/1265 = 65.61%, 295/420 = 70.24%
    expect(rows[1]).toEqual(['All children under 5', '1,265', '1,225', '96.8%', '830', '65.6%', '540', '610', '9,875', '420', '295', '70.2%', '18']); // prettier-ignore
    // Suppressed counts and the shares and median they feed are `*`.
    expect(rows[2]).toEqual(['Teenage mothers', '35', '35', '100.0%', '30', '85.7%', '20', '25', '410', '10', '*', '*', '*']); // prettier-ignore
    // A suppressed population makes its shares `*`; an empty cohort gives no share or median: –.
    expect(rows[7]).toEqual(['Living in the 30% most deprived areas (not recorded)', '*', '*', '*', '*', '*', '0', '0', '0', '0', '0', '–', '–']); // prettier-ignore
    expect(rows[5][12]).toBe('24.5');
    expect(rows[17].slice(1, 4)).toEqual(['40', '0', '0.0%']);
  });

  it('should list new families by month with the total', () => {
    const rows = tableRows(renderSefHtml(fixture()), 'new-families-table');
    expect(rows).toHaveLength(1 + 12 + 1);
    expect(rows[0]).toEqual(['Month', 'New families']);
    expect(rows[1]).toEqual(['April 2026', '35']);
    expect(rows[5]).toEqual(['August 2026', '*']);
    expect(rows[12]).toEqual(['March 2027', '25']);
    expect(rows[13]).toEqual(['Total', '335']);
  });

  it('should show health indicators with intervals, benchmarks and comparisons in words', () => {
    const rows = tableRows(renderSefHtml(fixture()), 'indicators-table');
    expect(rows).toHaveLength(1 + 6);
    expect(rows[0]).toEqual([
      'Indicator',
      'Numerator / denominator',
      'Value',
      '95% interval',
      'LA',
      'England',
      'Compared with LA',
      'Compared with England',
      'Previous quarter',
      'Change on previous quarter',
      'Recording completeness',
      'Trend, last 4 quarters (oldest first)',
    ]);
    expect(rows[1]).toEqual(['Low birth weight (term babies) lower is better', '* / 60', '*', '* to *', '2.9%', '2.9%', 'not compared', 'not compared', '*', 'not compared', '', 'Q1 2026-27: 3.3%; Q2 2026-27: *; Q3 2026-27: –; Q4 2026-27: *']); // prettier-ignore
    expect(rows[2]).toEqual(['Smoking at time of delivery lower is better', '10 / 65', '15.4%', '8.6% to 26.1%', '9.8%', '7.4%', 'similar', 'worse', '14.3%', 'no significant change', '', 'Q1 2026-27: 12.5%; Q2 2026-27: 18.0%; Q3 2026-27: 14.3%; Q4 2026-27: 15.4%']); // prettier-ignore
    expect(rows[3][10]).toBe('92.3%'); // breastfeeding completeness 60/65
    expect(rows[4][10]).toBe('–'); // completeness null: nothing due
    expect(rows[5].slice(6, 10)).toEqual(['similar', 'better', '62.0%', 'significant increase']);
    expect(rows[6].slice(0, 10)).toEqual(['Spontaneous vaginal deliveries no judgement', '40 / 65', '61.5%', '49.4% to 72.4%', '–', '48.0%', 'not compared', 'higher', '–', 'not compared']); // prettier-ignore
  });

  it('should leave out the completeness column when no indicator has one', () => {
    const doc = fixture();
    doc.indicators = doc.indicators.map(({ completeness: _, ...rest }) => rest);
    const rows = tableRows(renderSefHtml(doc), 'indicators-table');
    expect(rows[0]).not.toContain('Recording completeness');
    expect(rows.every((r) => r.length === 11)).toBe(true);
  });

  it('should show the area profile', () => {
    const rows = tableRows(renderSefHtml(fixture()), 'profile-table');
    expect(rows.slice(1).map((r) => r[1])).toEqual(['14', '6', '1,265', '56.9%', '265']);
  });

  it('should close with the disclosure rules and the period and boundary version of every figure', () => {
    const html = renderSefHtml(fixture());
    const footer = pageText(/<footer>[\s\S]*<\/footer>/.exec(html)![0]);
    expect(footer).toContain(
      'Disclosure control. Counts of 1 to 7 are shown as *, and one more count is suppressed',
    );
    expect(footer).toContain(
      'Every figure is for period year:2026-27 under boundary version boundaries:3.',
    );
  });

  it('should escape every string it puts into the page', () => {
    const doc = submitted();
    doc.centre.name = '<script>alert("x")</script> & Sons';
    doc.submittedBy = '<img src=x onerror=alert(1)>';
    doc.reach[0].label = '<b>All</b>';
    doc.indicators[0].label = 'Low "birth" weight <term>';
    doc.disclosureControl = 'Counts < 8 are *';
    const html = renderSefHtml(doc);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>All');
    expect(html).toContain(
      '<h1>Self-evaluation form data: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons</h1>',
    );
    expect(html).toContain('by &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Low &quot;birth&quot; weight &lt;term&gt;');
    expect(html).toContain('Counts &lt; 8 are *');
    expect(tableRows(html, 'reach-table')[1][0]).toBe('<b>All</b>');
  });
});

describe('SEF data section as CSV', () => {
  type Line = {
    section: string;
    row: string;
    measure: string;
    value: string;
    period: string;
    boundary_version: string;
  };
  const read = (csv: string): Line[] => parse(csv, { columns: true });
  const value = (lines: Line[], section: string, row: string, measure: string) => {
    const found = lines.filter((l) => l.section === section && l.row === row && l.measure === measure); // prettier-ignore
    expect(found).toHaveLength(1);
    return found[0].value;
  };

  it('should be one long-format RFC 4180 table with CRLF line ends', () => {
    const csv = renderSefCsv(fixture());
    expect(csv.startsWith('section,row,measure,value,period,boundary_version\r\n')).toBe(true);
    const lines = read(csv);
    // meta 15 + profile 5 + reach 17 × 13 + new families 12 + 1
    // + indicators 6 × (13 + 4 trend) + 2 completeness
    expect(lines).toHaveLength(15 + 5 + 221 + 13 + 104);
    expect(csv.split('\r\n')).toHaveLength(1 + lines.length + 1); // header, lines, final CRLF
    expect([...new Set(lines.map((l) => l.section))]).toEqual([
      'meta',
      'profile',
      'reach',
      'new_families',
      'indicator',
    ]);
  });

  it('should state the period and boundary version on every line', () => {
    const lines = read(renderSefCsv(submitted()));
    expect(lines.length).toBeGreaterThan(300);
    for (const l of lines) {
      expect([l.period, l.boundary_version]).toEqual(['year:2026-27', 'boundaries:3']);
    }
  });

  it('should open with the metadata block', () => {
    const lines = read(renderSefCsv(submitted()));
    const meta = lines.filter((l) => l.section === 'meta');
    expect(lines.slice(0, meta.length)).toEqual(meta);
    expect(Object.fromEntries(meta.map((l) => [l.measure, l.value]))).toEqual({
      centreId: 'C01',
      centreName: "Riverside Children's Centre",
      cluster: 'CL1',
      clusterName: 'Northbridge North',
      la: 'E06099001',
      laName: 'Northbridge',
      kind: 'submitted',
      snapshotId: 'sef-C01-2026-27-v2',
      submittedAt: '2027-04-03T13:40:00.000Z',
      submittedBy: 'Jo Manager',
      generatedAt: '2027-04-02T08:15:00.000Z',
      periodStart: '2026-04-01',
      periodEnd: '2027-03-31',
      indicatorQuarter: 'quarter:2026-27-Q4',
      disclosureControl: fixture().disclosureControl,
    });
    const current = read(renderSefCsv(fixture()));
    expect(value(current, 'meta', 'document', 'kind')).toBe('current');
    expect(value(current, 'meta', 'document', 'snapshotId')).toBe('');
  });

  it('should give counts as numbers, proportions as decimals, `*` as `*` and null as empty', () => {
    const lines = read(renderSefCsv(fixture()));
    expect(value(lines, 'profile', 'area', 'under5Population')).toBe('1265');
    expect(value(lines, 'profile', 'area', 'deprived30Share')).toBe('0.56917');
    expect(value(lines, 'reach', 'all', 'label')).toBe('All children under 5');
    expect(value(lines, 'reach', 'all', 'population')).toBe('1265');
    expect(value(lines, 'reach', 'all', 'registeredShare')).toBe('0.968379');
    expect(value(lines, 'reach', 'teenage_mother:yes', 'registeredShare')).toBe('1');
    expect(value(lines, 'reach', 'teenage_mother:yes', 'contactedWithin30Days')).toBe('*');
    expect(value(lines, 'reach', 'teenage_mother:yes', 'within30DaysShare')).toBe('*');
    expect(value(lines, 'reach', 'deprived_30:unknown', 'within30DaysShare')).toBe('');
    expect(value(lines, 'reach', 'deprived_30:unknown', 'medianDaysToFirstContact')).toBe('');
    expect(value(lines, 'reach', 'minority_ethnic:unknown', 'medianDaysToFirstContact')).toBe('24.5'); // prettier-ignore
    expect(value(lines, 'reach', 'father:unknown', 'registeredShare')).toBe('0');
    expect(value(lines, 'new_families', '2026-08', 'count')).toBe('*');
    expect(value(lines, 'new_families', 'total', 'count')).toBe('335');
    expect(value(lines, 'indicator', 'smoking_at_delivery', 'value')).toBe('0.153846');
    expect(value(lines, 'indicator', 'smoking_at_delivery', 'lower')).toBe('0.085771');
    expect(value(lines, 'indicator', 'smoking_at_delivery', 'comparedWithEngland')).toBe('worse');
    expect(value(lines, 'indicator', 'low_birth_weight_term', 'numerator')).toBe('*');
    expect(value(lines, 'indicator', 'normal_delivery', 'laValue')).toBe('');
    expect(value(lines, 'indicator', 'normal_delivery', 'trend:quarter:2026-27-Q1')).toBe('');
    expect(value(lines, 'indicator', 'normal_delivery', 'trend:quarter:2026-27-Q4')).toBe('0.615385'); // prettier-ignore
    expect(value(lines, 'indicator', 'breastfeeding_nbv', 'completeness')).toBe('0.923077');
    expect(value(lines, 'indicator', 'breastfeeding_6_8_weeks', 'completeness')).toBe('');
    // No completeness line where the indicator has none.
    expect(lines.filter((l) => l.measure === 'completeness').map((l) => l.row)).toEqual(['breastfeeding_nbv', 'breastfeeding_6_8_weeks']); // prettier-ignore
  });

  it('should quote commas and quotes, and defuse text a spreadsheet would run as a formula', () => {
    const doc = fixture();
    doc.centre.name = 'Riverside, "North" <Centre>';
    doc.centre.laName = '=HYPERLINK("http://example.invalid")';
    const csv = renderSefCsv(doc);
    expect(csv).toContain('meta,document,centreName,"Riverside, ""North"" <Centre>",year:2026-27,boundaries:3\r\n'); // prettier-ignore
    const lines = read(csv);
    expect(value(lines, 'meta', 'document', 'centreName')).toBe('Riverside, "North" <Centre>');
    expect(value(lines, 'meta', 'document', 'laName')).toBe('\'=HYPERLINK("http://example.invalid")'); // prettier-ignore
  });
});
