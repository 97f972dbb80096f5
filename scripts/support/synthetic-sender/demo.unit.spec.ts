import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDir, exampleChild } from './demo';

describe('synthetic sender: the demo of npm start', () => {
  it('should keep its data next to the dev infrastructure data', () => {
    expect(demoDir({ EYB_CACHE_DIR: '/var/cache/eyb' })).toBe('/var/cache/eyb/data/dev/demo');
    expect(demoDir({ DEMO_DIR: '/tmp/demo', EYB_CACHE_DIR: '/x' })).toBe('/tmp/demo');
  });

  it('should show a child that its centre may read, registered if there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    try {
      const write = (file: string, text: string): void => {
        mkdirSync(join(dir, file, '..'), { recursive: true });
        writeFileSync(join(dir, file), text);
      };
      write(
        'geography/boundaries.json',
        JSON.stringify({ reachAreas: [{ centreId: 'C02', lsoas: ['E01000002'] }] }),
      );
      write(
        'geography/postcodes.csv',
        'pcds,lsoa21cd,msoa21cd,ladcd\nQX1 1AA,E01000001,E02000001,E06\nQX2 2AA,E01000002,E02000001,E06\n',
      );
      write(
        'births/extracts/2026-01.csv',
        'nhs_number,birth_date,postcode\n9990000018,2026-01-02,QX1 1AA\n9990000026,2026-01-03,QX2 2AA\n9990000034,2026-01-04,QX2 2AA\n',
      );
      write(
        'registrations/2026-02.ndjson',
        `${JSON.stringify({ seq: 1, path: '/centres/C02/families', body: { children: [{ nhsNumber: '9990000034' }] } })}\n`,
      );
      expect(exampleChild(dir)).toEqual({ nhsNumber: '9990000034', centre: 'C02' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
