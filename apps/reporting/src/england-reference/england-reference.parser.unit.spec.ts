import { parseEnglandReferenceCsv } from './england-reference.parser';

const HEADER = 'indicator,period,value,source';
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseEnglandReferenceCsv', () => {
  it('reads every row of a good file, with percentages as proportions', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(
        HEADER,
        'smoking_at_delivery,quarter:2026-27-Q1,0.074,NHS Digital SATOD',
        'breastfeeding_nbv,quarter:2026-27-Q1,12.5%,',
        'low_birth_weight_term,quarter:2026-27-Q2,0.028,"OHID Fingertips, 2026"',
        'normal_delivery,quarter:2099-00-Q4,1,',
        'nbv_within_14_days,quarter:2026-27-Q3,.5,',
        'breastfeeding_6_8_weeks,quarter:2026-27-Q4,8.8 %,',
        'smoking_at_delivery,quarter:2026-27-Q2,0%,',
      ),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        indicator: 'smoking_at_delivery',
        period: 'quarter:2026-27-Q1',
        value: 0.074,
        source: 'NHS Digital SATOD',
      },
      { indicator: 'breastfeeding_nbv', period: 'quarter:2026-27-Q1', value: 0.125 },
      {
        indicator: 'low_birth_weight_term',
        period: 'quarter:2026-27-Q2',
        value: 0.028,
        source: 'OHID Fingertips, 2026',
      },
      { indicator: 'normal_delivery', period: 'quarter:2099-00-Q4', value: 1 },
      { indicator: 'nbv_within_14_days', period: 'quarter:2026-27-Q3', value: 0.5 },
      { indicator: 'breastfeeding_6_8_weeks', period: 'quarter:2026-27-Q4', value: 0.088 },
      { indicator: 'smoking_at_delivery', period: 'quarter:2026-27-Q2', value: 0 },
    ]);
    expect(parsed.rows[1]).not.toHaveProperty('source');
  });

  it('reads the header in any case and order, with a BOM, CRLF, spaces and no source column', () => {
    const parsed = parseEnglandReferenceCsv(
      '\uFEFF Value ,PERIOD,Indicator\r\n 48.2% , quarter:2026-27-Q1 , breastfeeding_nbv \r\n\r\n,,\r\n',
    );
    expect(parsed).toEqual({
      rows: [{ indicator: 'breastfeeding_nbv', period: 'quarter:2026-27-Q1', value: 0.482 }],
      errors: [],
    });
  });

  it('refuses an empty file', () => {
    for (const text of ['', '\n\n', '\uFEFF']) {
      const parsed = parseEnglandReferenceCsv(text);
      expect(parsed.rows).toEqual([]);
      expect(parsed.errors).toEqual([
        { line: 1, field: 'file', message: expect.stringContaining('the file is empty') },
      ]);
    }
  });

  it('refuses a header without rows', () => {
    expect(parseEnglandReferenceCsv(csv(HEADER))).toEqual({
      rows: [],
      errors: [{ line: 2, field: 'file', message: 'the file has a header but no rows' }],
    });
  });

  it('refuses a header missing a required column, naming each', () => {
    const parsed = parseEnglandReferenceCsv(csv('indicator,source', 'smoking_at_delivery,x'));
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      {
        line: 1,
        field: 'period',
        message:
          'missing column period: the header must name indicator, period and value (source is optional)',
      },
      {
        line: 1,
        field: 'value',
        message:
          'missing column value: the header must name indicator, period and value (source is optional)',
      },
    ]);
  });

  it('refuses an extra column, and still checks the rows', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(
        'indicator,period,value,Notes',
        'smoking_at_delivery,quarter:2026-27-Q1,0.07,checked',
        'smoking_at_delivery,quarter:2026-27-Q2,7,',
      ),
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      {
        line: 1,
        field: 'Notes',
        message:
          'unknown column "Notes": the columns are indicator, period, value and (optional) source',
      },
      {
        line: 3,
        field: 'value',
        message:
          'value 7 is not a proportion between 0 and 1: write 0.125, or 12.5% for a percentage',
      },
    ]);
  });

  it('refuses a column named twice and a column without a name', () => {
    const parsed = parseEnglandReferenceCsv(
      csv('indicator,period,value,Value,', 'smoking_at_delivery,quarter:2026-27-Q1,0.07,0.07,'),
    );
    expect(parsed.errors).toEqual([
      { line: 1, field: 'value', message: 'column value is named twice (columns 3 and 4)' },
      {
        line: 1,
        field: 'header',
        message:
          'column 5 has no name: the columns are indicator, period, value and (optional) source',
      },
    ]);
  });

  it('refuses an unknown indicator', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(HEADER, 'smoking_in_pregnancy,quarter:2026-27-Q1,0.07,'),
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      {
        line: 2,
        field: 'indicator',
        message:
          'unknown indicator "smoking_in_pregnancy": expected one of low_birth_weight_term, smoking_at_delivery, breastfeeding_nbv, breastfeeding_6_8_weeks, nbv_within_14_days, normal_delivery',
      },
    ]);
  });

  it('refuses a quarter whose second year does not follow the first', () => {
    expect(
      parseEnglandReferenceCsv(csv(HEADER, 'smoking_at_delivery,quarter:2026-28-Q1,0.07,')).errors,
    ).toEqual([
      {
        line: 2,
        field: 'period',
        message:
          'period "quarter:2026-28-Q1": the financial year starting in 2026 is written 2026-27 (quarter:2026-27-Q1)',
      },
    ]);
  });

  it.each([
    'quarter:2026-27-Q5',
    'quarter:2026-27-q1',
    'quarter:2026/27-Q1',
    'month:2026-04',
    '2026-27-Q1',
    'quarter:2026-2027-Q1',
  ])('refuses the period %s as not a financial quarter', (period) => {
    expect(
      parseEnglandReferenceCsv(csv(HEADER, `smoking_at_delivery,${period},0.07,`)).errors,
    ).toEqual([
      {
        line: 2,
        field: 'period',
        message: `period "${period}" is not a financial quarter: write it like quarter:2026-27-Q1`,
      },
    ]);
  });

  it('refuses a value over 1, with the way to write a percentage', () => {
    expect(
      parseEnglandReferenceCsv(csv(HEADER, 'smoking_at_delivery,quarter:2026-27-Q1,1.2,')).errors,
    ).toEqual([
      {
        line: 2,
        field: 'value',
        message:
          'value 1.2 is not a proportion between 0 and 1: write 0.125, or 12.5% for a percentage',
      },
    ]);
  });

  it.each(['-0.1', 'abc', '1e-2', '0,5', '12.5%%', '.', '%', 'NaN'])(
    'refuses the value %s as not a number',
    (value) => {
      const parsed = parseEnglandReferenceCsv(
        csv(HEADER, `smoking_at_delivery,quarter:2026-27-Q1,"${value}",`),
      );
      expect(parsed.errors).toEqual([
        {
          line: 2,
          field: 'value',
          message: `value "${value}" is not a number: write a proportion between 0 and 1 (0.125) or a percentage (12.5%)`,
        },
      ]);
    },
  );

  it('refuses a percentage over 100%', () => {
    expect(
      parseEnglandReferenceCsv(csv(HEADER, 'smoking_at_delivery,quarter:2026-27-Q1,100.5%,'))
        .errors,
    ).toEqual([{ line: 2, field: 'value', message: 'value 100.5% is over 100%' }]);
  });

  it('refuses empty required cells, one error per cell', () => {
    expect(parseEnglandReferenceCsv(csv(HEADER, ',,,NHS Digital')).errors).toEqual([
      { line: 2, field: 'indicator', message: 'indicator is required' },
      { line: 2, field: 'period', message: 'period is required, e.g. quarter:2026-27-Q1' },
      {
        line: 2,
        field: 'value',
        message: 'value is required: a proportion (0.125) or a percentage (12.5%)',
      },
    ]);
  });

  it('refuses a source over 200 characters, and one over several lines', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(
        HEADER,
        `smoking_at_delivery,quarter:2026-27-Q1,0.07,${'x'.repeat(201)}`,
        `smoking_at_delivery,quarter:2026-27-Q2,0.07,${'x'.repeat(200)}`,
        'smoking_at_delivery,quarter:2026-27-Q3,0.07,"two',
        'lines"',
        'smoking_at_delivery,quarter:2026-27-Q4,0.07,',
      ),
    );
    expect(parsed.errors).toEqual([
      { line: 2, field: 'source', message: 'source is 201 characters long: at most 200' },
      {
        line: 4,
        field: 'source',
        message: 'source must be one line of text, without control characters',
      },
    ]);
  });

  it('refuses a repeated indicator and quarter on the later line', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(
        HEADER,
        'smoking_at_delivery,quarter:2026-27-Q1,0.07,',
        'smoking_at_delivery,quarter:2026-27-Q2,0.07,',
        'smoking_at_delivery,quarter:2026-27-Q1,7%,again',
      ),
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      {
        line: 4,
        field: 'indicator',
        message: 'smoking_at_delivery for quarter:2026-27-Q1 is already given on line 2',
      },
    ]);
  });

  it('refuses a row without the header’s number of cells', () => {
    expect(
      parseEnglandReferenceCsv(csv(HEADER, 'smoking_at_delivery,quarter:2026-27-Q1,0.07')).errors,
    ).toEqual([{ line: 2, field: 'row', message: 'the row has 3 cells where the header has 4' }]);
  });

  it('refuses a file that is not CSV, naming the line', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(HEADER, 'smoking_at_delivery,quarter:2026-27-Q1,0.07,', 'normal_delivery,"quarter'),
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors).toEqual([
      { line: 3, field: 'file', message: expect.stringMatching(/^not readable as CSV: /) },
    ]);
  });

  it('lists every error of every row, in line order, with file line numbers', () => {
    const parsed = parseEnglandReferenceCsv(
      csv(
        HEADER,
        'smoking_at_delivery,quarter:2026-27-Q1,0.07,',
        '',
        'breastfeeding,quarter:2026-28-Q1,1.2,',
        'normal_delivery,quarter:2026-27-Q1,0.6,"a ""quoted"" source"',
        'normal_delivery,quarter:2026-27-Q1,0.6,',
      ),
    );
    expect(parsed.rows).toEqual([]);
    expect(parsed.errors.map(({ line, field }) => [line, field])).toEqual([
      [4, 'indicator'],
      [4, 'period'],
      [4, 'value'],
      [6, 'indicator'],
    ]);
    expect(parsed.errors[3]?.message).toBe(
      'normal_delivery for quarter:2026-27-Q1 is already given on line 5',
    );
  });
});
