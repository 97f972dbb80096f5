import { CONTACT_EXTRACT_COLUMNS, contactExtractSpec, mapContactRow } from './contact-extract';

const options = { organisationCode: 'RYX' };

function row(cells: Partial<Record<(typeof CONTACT_EXTRACT_COLUMNS)[number], string>>) {
  return {
    source_system: 'hv-records-east',
    organisation_code: 'RYX',
    source_contact_id: 'C-1',
    nhs_number: '9995000016',
    contact_type: 'new_birth_visit',
    contact_date: '2026-05-02',
    location: 'home',
    outcome: 'completed',
    feeding_status: '',
    maternal_smoking: '',
    referred_to_centre: '',
    asq3_completed: '',
    sharing_status: '',
    ...cells,
  };
}

describe('contact extract rows', () => {
  it('should map a full row to the contact the API takes', () => {
    const result = mapContactRow(
      row({
        nhs_number: '999 500 0016',
        feeding_status: 'partially_breastfed',
        maternal_smoking: 'non_smoker',
        referred_to_centre: 'Y',
        sharing_status: 'objects',
      }),
      options,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        sourceSystem: 'hv-records-east',
        organisationCode: 'RYX',
        sourceContactId: 'C-1',
        nhsNumber: '9995000016',
        contactType: 'new_birth_visit',
        contactDate: '2026-05-02',
        location: 'home',
        outcome: 'completed',
        feedingStatus: 'partially_breastfed',
        maternalSmoking: 'non_smoker',
        referredToCentre: true,
        sharingStatus: 'objects',
      },
    });
  });

  it("should read an empty organisation_code as the uploader's and empty optional cells as absent", () => {
    const result = mapContactRow(row({ organisation_code: '', asq3_completed: '' }), options);
    expect(result.ok && result.value).toEqual({
      sourceSystem: 'hv-records-east',
      organisationCode: 'RYX',
      sourceContactId: 'C-1',
      nhsNumber: '9995000016',
      contactType: 'new_birth_visit',
      contactDate: '2026-05-02',
      location: 'home',
      outcome: 'completed',
      sharingStatus: 'not_asked',
    });
  });

  it.each([
    ['yes', true],
    ['No', false],
    ['TRUE', true],
    ['n', false],
  ])('should read the flag %s as %s', (cell, expected) => {
    const result = mapContactRow(
      row({ contact_type: 'review_2_2_5_year', asq3_completed: cell }),
      options,
    );
    expect(result.ok && result.value.asq3Completed).toBe(expected);
  });

  it('should report every problem on its column, without the field name', () => {
    const result = mapContactRow(
      row({
        organisation_code: 'RZZ',
        source_contact_id: '',
        nhs_number: '1234567890',
        contact_type: 'review_3_year',
        contact_date: '2026-02-30',
        referred_to_centre: 'maybe',
      }),
      options,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { column: 'referred_to_centre', reason: 'must be Y or N (yes/no, true/false)' },
        {
          column: 'organisation_code',
          reason:
            "is not the uploading organisation (RYX): an extract holds only its own organisation's contacts",
        },
        { column: 'source_contact_id', reason: 'is required' },
        {
          column: 'nhs_number',
          reason: 'is not a valid NHS number (no Modulus 11 check digit exists)',
        },
        {
          column: 'contact_type',
          reason:
            'must be one of antenatal, new_birth_visit, review_6_8_week, review_12_month, review_2_2_5_year, other',
        },
        { column: 'contact_date', reason: 'must be a real date, YYYY-MM-DD' },
      ],
    });
  });

  it('should declare the columns, the required ones, and ignore others', () => {
    const spec = contactExtractSpec(options);
    expect(spec.unknownColumns).toBe('ignore');
    expect(spec.columns.filter((c) => c.required).map((c) => c.name)).toEqual([
      'source_system',
      'source_contact_id',
      'nhs_number',
      'contact_type',
      'contact_date',
      'location',
      'outcome',
    ]);
  });
});
