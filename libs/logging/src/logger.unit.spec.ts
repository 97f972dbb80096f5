import { Writable } from 'node:stream';
import { runWithCorrelationId } from './correlation';
import { AppLogger, createLogger } from './logger';
import { REDACTED, redactText } from './redact';

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'births', level: 'debug', destination });
  return {
    logger,
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => lines.join('\n'),
  };
}

// Synthetic identifiers only: a 999-range NHS number, an invented name and postcode.
const NHS = '9995000016';
const SPACED_NHS = '999 500 0018';

describe('createLogger', () => {
  it('should write JSON with service, level and correlation id', () => {
    const { logger, entries } = captureLogger();
    runWithCorrelationId('corr-123', () => logger.info({ topic: 'births.child.v1' }, 'published'));
    expect(entries()[0]).toMatchObject({
      service: 'births',
      level: 'info',
      msg: 'published',
      topic: 'births.child.v1',
      correlationId: 'corr-123',
    });
  });

  it('should never let an NHS number, name, address or date of birth through', () => {
    const { logger, raw } = captureLogger();
    logger.info(
      {
        nhsNumber: NHS,
        child: { givenName: 'Tamsin', familyName: 'Quellbrook', dateOfBirth: '2026-03-04' },
        address: { line1: '12 Orchard Wynd', postcode: 'QX1 4ZZ' },
        motherNhsNumber: NHS,
        rows: [{ birth_date: '2026-03-04' }],
      },
      `stored birth ${NHS} for Quellbrook at QX14ZZ born 2026-03-04 (also ${SPACED_NHS}, 04/03/2026)`,
    );
    logger.error(new Error(`duplicate key ${NHS} postcode QX1 4ZZ`));
    const text = raw();
    for (const secret of [
      NHS,
      SPACED_NHS,
      'Tamsin',
      '12 Orchard Wynd',
      'QX1 4ZZ',
      'QX14ZZ',
      '2026-03-04',
      '04/03/2026',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain(REDACTED);
    // the family name inside free text cannot be recognised as such: messages must not interpolate names;
    // what can be caught structurally is caught.
  });

  it('should keep fields that only look like identifiers by name', () => {
    const { logger, entries } = captureLogger();
    logger.info(
      { namespace: 'Consumer', topic: 'births.child.v1', groupId: 'reporting' },
      'joined',
    );
    expect(entries()[0]).toMatchObject({ namespace: 'Consumer', topic: 'births.child.v1' });
  });

  it('should redact through the Nest logger adapter as well', () => {
    const { logger, raw } = captureLogger();
    new AppLogger(logger).log(`consumed BirthNotified for ${NHS}`, 'ReportingConsumer');
    expect(raw()).not.toContain(NHS);
    expect(raw()).toContain('"context":"ReportingConsumer"');
  });
});

describe('redactText', () => {
  it('should keep timestamps, counts and ids that are not identifiers', () => {
    const text =
      'at 2026-11-21T10:00:00Z partition 3 offset 12345 took 250ms event 1b4e28ba-2fa1-11d2';
    expect(redactText(text)).toBe(text);
  });
});
