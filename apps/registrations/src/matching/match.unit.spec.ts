import { areMultipleBirthSiblings, matchChild, matchFamily, type MatchDecision } from './match';
import type { KnownBirth, RegisteredChild } from './types';

/** A household of the synthetic area: the mother, the address, the surname. */
const khan = {
  familyName: 'Khan',
  postcode: 'ZX1 2AB',
  motherGivenName: 'Saima',
  motherFamilyName: 'Khan',
  motherBirthDate: '1991-06-14',
};

const twinYusuf: KnownBirth = {
  ...khan,
  nhsNumber: '9995000016',
  givenName: 'Yusuf',
  birthDate: '2022-04-09',
  sex: 'M',
  multipleBirthOrder: 1,
};
const twinIbrahim: KnownBirth = {
  ...khan,
  nhsNumber: '9995000024',
  givenName: 'Ibrahim',
  birthDate: '2022-04-09',
  sex: 'M',
  multipleBirthOrder: 2,
};
const olderSister: KnownBirth = {
  ...khan,
  nhsNumber: '9995000032',
  givenName: 'Elizabeth',
  birthDate: '2020-11-30',
  sex: 'F',
  multipleBirthOrder: 1,
};
/** A child of another family in the same street, born the same day as the twins. */
const neighbour: KnownBirth = {
  nhsNumber: '9995000040',
  givenName: 'Oliver',
  familyName: 'Smith',
  birthDate: '2022-04-09',
  sex: 'M',
  postcode: 'ZX1 2AB',
  motherGivenName: 'Laura',
  motherFamilyName: 'Smith',
  motherBirthDate: '1993-01-05',
};
const area = [twinYusuf, twinIbrahim, olderSister, neighbour];

const mother = { givenName: 'Saima', familyName: 'Khan', birthDate: '1991-06-14' };

function linkedTo(decision: MatchDecision): string | null {
  return decision.decision === 'link' ? decision.nhsNumber : null;
}

describe('matchChild', () => {
  it('links a nickname with everything else agreeing', () => {
    const child: RegisteredChild = {
      givenName: 'Lizzie',
      familyName: 'Khan',
      birthDate: '2020-11-30',
      sex: 'F',
      postcode: 'ZX1 2AB',
    };
    const decision = matchChild(child, area);
    expect(linkedTo(decision)).toBe(olderSister.nhsNumber);
    if (decision.decision === 'link') {
      expect(decision.agreements.givenName).toBe('variant');
      expect(decision.margin).toBeGreaterThanOrEqual(6);
    }
  });

  it('links when day and month are swapped and the postcode lacks its space', () => {
    const child: RegisteredChild = {
      givenName: 'Yusuf',
      familyName: 'KHAN',
      birthDate: '2022-09-04', // 9 April written as 4 September
      postcode: 'zx12ab',
      mother,
    };
    const decision = matchChild(child, area);
    expect(linkedTo(decision)).toBe(twinYusuf.nhsNumber);
    if (decision.decision === 'link') expect(decision.agreements.birthDate).toBe('dayMonthSwapped');
  });

  it('links the right twin when the given name tells them apart', () => {
    const child: RegisteredChild = {
      givenName: 'Yusuf',
      familyName: 'Khan',
      birthDate: '2022-04-09',
      postcode: 'ZX1 2AB',
      mother,
    };
    expect(linkedTo(matchChild(child, area))).toBe(twinYusuf.nhsNumber);
    expect(linkedTo(matchChild({ ...child, givenName: 'Ibraheem' }, area))).toBe(
      twinIbrahim.nhsNumber,
    );
  });

  it('never merges twins whose records cannot be told apart: review, both listed', () => {
    const unnamed = [
      { ...twinYusuf, givenName: undefined },
      { ...twinIbrahim, givenName: 'Baby Khan' },
    ];
    const child: RegisteredChild = {
      givenName: 'Yusuf',
      familyName: 'Khan',
      birthDate: '2022-04-09',
      sex: 'M',
      postcode: 'ZX1 2AB',
      mother,
    };
    const decision = matchChild(child, unnamed);
    expect(decision.decision).toBe('review');
    if (decision.decision === 'review') {
      expect(decision.reasons).toContain('multiple-birth-not-told-apart');
      expect(decision.candidates.map((c) => c.nhsNumber).sort()).toEqual(
        [twinYusuf.nhsNumber, twinIbrahim.nhsNumber].sort(),
      );
    }
  });

  it('needs the sex to tell twins with near-identical names apart', () => {
    const amir: KnownBirth = { ...twinYusuf, givenName: 'Amir', sex: 'M' };
    const amira: KnownBirth = { ...twinIbrahim, givenName: 'Amira', sex: 'F' };
    const child: RegisteredChild = {
      givenName: 'Amir',
      familyName: 'Khan',
      birthDate: '2022-04-09',
      postcode: 'ZX1 2AB',
    };
    expect(matchChild(child, [amir, amira]).decision).toBe('review');
    expect(linkedTo(matchChild({ ...child, sex: 'M' }, [amir, amira]))).toBe(amir.nhsNumber);
    expect(linkedTo(matchChild({ ...child, sex: 'F', givenName: 'Amira' }, [amir, amira]))).toBe(
      amira.nhsNumber,
    );
  });

  it('does not auto-link a different child of the same street born the same day', () => {
    const child: RegisteredChild = {
      givenName: 'Jack',
      familyName: 'Brown',
      birthDate: '2022-04-09',
      sex: 'M',
      postcode: 'ZX1 2AB',
    };
    expect(matchChild(child, area).decision).toBe('none');
  });

  it('does not link a sister born a year later on the same day, even with a nickname slip', () => {
    // Not a known birth: born while the family lived elsewhere, a year to the day after Elizabeth.
    const sister: RegisteredChild = {
      givenName: 'Maryam',
      familyName: 'Khan',
      birthDate: '2021-11-30',
      sex: 'F',
      postcode: 'ZX1 2AB',
      mother,
    };
    expect(linkedTo(matchChild(sister, area))).toBeNull();
    // "Lizy" is a slip of Lizzy, a form of Elizabeth: with the year out, that is not enough.
    expect(linkedTo(matchChild({ ...sister, givenName: 'Lizy' }, area))).toBeNull();
  });

  it('sends a namesake registered at another address to review, not to a link', () => {
    const namesake: RegisteredChild = {
      givenName: 'Oliver',
      familyName: 'Smith',
      birthDate: '2022-04-09',
      sex: 'M',
      postcode: 'ZX7 9QT',
    };
    const decision = matchChild(namesake, area);
    expect(decision.decision).toBe('review');
    if (decision.decision === 'review') expect(decision.reasons).toContain('address-disagrees');
  });

  it('asks for review when two records fit equally well', () => {
    const duplicate: KnownBirth = { ...neighbour, nhsNumber: '9995000059' };
    const child: RegisteredChild = {
      givenName: 'Oliver',
      familyName: 'Smith',
      birthDate: '2022-04-09',
      sex: 'M',
      postcode: 'ZX1 2AB',
    };
    const decision = matchChild(child, [neighbour, duplicate]);
    expect(decision.decision).toBe('review');
    if (decision.decision === 'review')
      expect(decision.reasons).toContain('close-second-candidate');
  });

  it('returns none when no birth is anywhere near', () => {
    const child: RegisteredChild = {
      givenName: 'Ada',
      familyName: 'Lovelace',
      birthDate: '2023-01-01',
    };
    expect(matchChild(child, [])).toEqual({ decision: 'none', bestScore: null });
    expect(matchChild(child, area).decision).toBe('none');
  });
});

describe('matchFamily', () => {
  const registeredTwin = (givenName: string): RegisteredChild => ({
    givenName,
    familyName: 'Khan',
    birthDate: '2022-04-09',
    sex: 'M',
    postcode: 'ZX1 2AB',
    mother,
  });

  it('assigns twins registered together one-to-one', () => {
    const decisions = matchFamily([registeredTwin('Ibrahim'), registeredTwin('Yusuf')], area);
    expect(decisions.map(linkedTo)).toEqual([twinIbrahim.nhsNumber, twinYusuf.nhsNumber]);
  });

  it('sends both to review when the assignment is ambiguous, and never links one record twice', () => {
    const decisions = matchFamily(
      [registeredTwin('Mo'), registeredTwin('Mo')],
      [
        { ...twinYusuf, givenName: 'Muhammad Yusuf' },
        { ...twinIbrahim, givenName: 'Muhammad Ibrahim' },
      ],
    );
    expect(decisions.map((d) => d.decision)).toEqual(['review', 'review']);
  });

  it('never gives two children of one registration the same NHS number', () => {
    // Two children written identically, one record: at most one may take it.
    const decisions = matchFamily(
      [registeredTwin('Yusuf'), registeredTwin('Yusuf')],
      [twinYusuf, neighbour],
    );
    const linked = decisions.map(linkedTo).filter((n) => n !== null);
    expect(new Set(linked).size).toBe(linked.length);
    expect(linked.length).toBeLessThanOrEqual(1);
  });

  it('decides for siblings of different ages independently', () => {
    const decisions = matchFamily(
      [
        registeredTwin('Yusuf'),
        { ...registeredTwin('Elizabeth'), sex: 'F', birthDate: '2020-11-30' },
      ],
      area,
    );
    expect(decisions.map(linkedTo)).toEqual([twinYusuf.nhsNumber, olderSister.nhsNumber]);
  });
});

describe('areMultipleBirthSiblings', () => {
  it('sees twins in same-day births of one mother, not in a neighbour born that day', () => {
    expect(areMultipleBirthSiblings(twinYusuf, twinIbrahim)).toBe(true);
    expect(areMultipleBirthSiblings(twinYusuf, neighbour)).toBe(false);
    expect(areMultipleBirthSiblings(twinYusuf, olderSister)).toBe(false);
  });
});

describe('multiple-birth siblings and pseudo-postcodes', () => {
  it('should not take two births of the same day without a fixed address for twins', () => {
    const a = {
      nhsNumber: '9995000008',
      birthDate: '2026-01-02',
      familyName: 'Quill',
      postcode: 'ZZ99 3VZ',
    };
    const b = { ...a, nhsNumber: '9995000016' };
    expect(areMultipleBirthSiblings(a, b)).toBe(false);
    expect(
      areMultipleBirthSiblings({ ...a, postcode: 'QX1 4ZZ' }, { ...b, postcode: 'QX1 4ZZ' }),
    ).toBe(true);
  });
});
