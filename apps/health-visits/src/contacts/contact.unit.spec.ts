import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contactRuleProblems, parseContact, type ContactInput } from './contact';

const review: Record<string, unknown> = {
  sourceSystem: 'hv-records-east',
  organisationCode: 'RYX',
  sourceContactId: 'C-2025-004711',
  nhsNumber: '9995000040',
  contactType: 'review_6_8_week',
  contactDate: '2025-10-14',
  location: 'clinic',
  outcome: 'completed',
  feedingStatus: 'partially_breastfed',
  referredToCentre: true,
};

function parsed(raw: Record<string, unknown>): ContactInput {
  const result = parseContact(raw);
  if (result.problems) throw new Error(JSON.stringify(result.problems));
  return result.contact;
}

describe('parseContact', () => {
  it('should read a well-formed contact and default the sharing status to not_asked', () => {
    expect(parsed(review)).toEqual({ ...review, sharingStatus: 'not_asked' });
  });

  it('should list every problem with its field: missing, unknown, malformed', () => {
    const result = parseContact({
      ...review,
      nhsNumber: '9995000041',
      organisationCode: 'ryx',
      contactDate: '2025-02-30',
      location: 'car park',
      referredToCentre: 'yes',
      outcome: undefined,
      practitionerName: 'Ann Example',
    });
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { field: 'practitionerName', reason: 'practitionerName is not a contact field' },
        { field: 'outcome', reason: 'outcome is required' },
        { field: 'nhsNumber', reason: 'nhsNumber fails the Modulus 11 check digit' },
        {
          field: 'organisationCode',
          reason: 'organisationCode must be an ODS code: 3-10 capital letters or digits',
        },
        { field: 'contactDate', reason: 'contactDate must be a real date, YYYY-MM-DD' },
        {
          field: 'location',
          reason: 'location must be one of home, clinic, childrens_centre, other',
        },
        { field: 'referredToCentre', reason: 'referredToCentre must be true or false' },
      ]),
    );
    expect(result.problems).toHaveLength(7);
  });

  it('should refuse what is not an object', () => {
    expect(parseContact([review]).problems).toEqual([
      { field: '(body)', reason: 'a contact must be a JSON object' },
    ]);
  });
});

describe('contactRuleProblems', () => {
  const today = '2025-11-20';

  it('should accept a contact dated today, with no birth known', () => {
    expect(contactRuleProblems(parsed({ ...review, contactDate: today }), { today })).toEqual([]);
  });

  it('should refuse a contact dated in the future', () => {
    expect(
      contactRuleProblems(parsed({ ...review, contactDate: '2025-11-21' }), { today }),
    ).toEqual([
      {
        field: 'contactDate',
        reason: 'contactDate 2025-11-21 is in the future (today is 2025-11-20)',
      },
    ]);
  });

  it('should refuse a feeding status at a review that has none, and an ASQ-3 outside 2-2½ years', () => {
    const problems = contactRuleProblems(
      parsed({ ...review, contactType: 'review_12_month', asq3Completed: true }),
      { today },
    );
    expect(problems.map((p) => p.field)).toEqual(['feedingStatus', 'asq3Completed']);
    expect(problems[0].reason).toBe(
      'a review_12_month has no feeding status (recorded only at the new-birth visit and the 6-8 week review)',
    );
  });

  it('should refuse a review impossible at the child age, when the birth is known', () => {
    const threeMonthsOld = parsed({
      ...review,
      contactType: 'review_2_2_5_year',
      feedingStatus: undefined,
      contactDate: '2025-10-14',
    });
    expect(contactRuleProblems(threeMonthsOld, { today, birthDate: '2025-07-14' })).toEqual([
      {
        field: 'contactType',
        reason:
          'a review_2_2_5_year is not possible for a child 3 months old on 2025-10-14 ' +
          '(possible from 17 months to 4.0 years)',
      },
    ]);
    // The same review is fine without a known birth, and a late 6-8 week review is accepted.
    expect(contactRuleProblems(threeMonthsOld, { today })).toEqual([]);
    expect(contactRuleProblems(parsed(review), { today, birthDate: '2025-07-14' })).toEqual([]);
  });

  it('should refuse a contact before the birth, but not an antenatal one', () => {
    expect(
      contactRuleProblems(parsed({ ...review, contactDate: '2025-07-01' }), {
        today,
        birthDate: '2025-07-14',
      }),
    ).toEqual([
      {
        field: 'contactDate',
        reason: "contactDate 2025-07-01 is before the child's birth (as notified by births)",
      },
    ]);
    const antenatal = parsed({
      ...review,
      contactType: 'antenatal',
      feedingStatus: undefined,
      contactDate: '2025-07-01',
    });
    expect(contactRuleProblems(antenatal, { today, birthDate: '2025-07-14' })).toEqual([]);
  });
});

describe('contact schemas', () => {
  it('should keep ContactAmended v1 facts identical to ContactRecorded v1 facts', () => {
    const dir = join(__dirname, '../../../../contracts/schemas/health-visits');
    const facts = (file: string): unknown =>
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { $defs: { contactFacts: unknown } })
        .$defs.contactFacts;
    expect(facts('ContactAmended.v1.json')).toEqual(facts('ContactRecorded.v1.json'));
  });
});
