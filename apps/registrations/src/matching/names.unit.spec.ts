import {
  areGivenNameVariants,
  compactName,
  compareFamilyNames,
  compareGivenNames,
  foldName,
  givenNameVariantCount,
} from './names';

describe('foldName and compactName', () => {
  it('sets case, accents, apostrophes and separators aside', () => {
    expect(foldName('  ZOË  ')).toBe('zoe');
    expect(foldName('Łukasz')).toBe('lukasz');
    expect(foldName("O'Brien")).toBe('obrien');
    expect(foldName('Smith-Jones')).toBe('smith jones');
    expect(compactName('Smith Jones')).toBe('smithjones');
    expect(compactName('Şahin')).toBe('sahin');
  });
});

describe('given-name variants', () => {
  it.each([
    ['Mohammed', 'Muhammad'],
    ['Mohammad', 'Mo'],
    ['Mohamed', 'Mehmet'],
    ['Elizabeth', 'Lizzie'],
    ['Elizabeth', 'Liz'],
    ['Elizabeth', 'Beth'],
    ['William', 'Bill'],
    ['William', 'Will'],
    ['William', 'Liam'],
    ['Alexander', 'Alex'],
    ['Alexander', 'Sasha'],
    ['Katherine', 'Catherine'],
    ['Katherine', 'Kate'],
    ['Catherine', 'Katie'],
    ['Aisha', 'Ayesha'],
    ['Yusuf', 'Yousef'],
    ['Oluwaseun', 'Seun'],
    ['Katarzyna', 'Kasia'],
    ['Siobhán', 'Shevaun'],
    ['Margaret', 'Peggy'],
  ])('%s and %s are forms of one name', (a, b) => {
    expect(areGivenNameVariants(a, b)).toBe(true);
    expect(compareGivenNames(b, a)).toBe('variant');
  });

  it('does not chain groups: Alexander is not Alexandra although both are Alex', () => {
    expect(areGivenNameVariants('Alexander', 'Alex')).toBe(true);
    expect(areGivenNameVariants('Alexandra', 'Alex')).toBe(true);
    expect(areGivenNameVariants('Alexander', 'Alexandra')).toBe(false);
  });

  it('knows a few hundred name forms', () => {
    expect(givenNameVariantCount()).toBeGreaterThan(1000);
  });
});

describe('compareGivenNames', () => {
  it('is exact whatever the case and accents', () => {
    expect(compareGivenNames('ZOE', 'Zoë')).toBe('exact');
    expect(compareGivenNames('mary-jane', 'Mary Jane')).toBe('exact');
  });

  it('treats a dropped or added middle name as part of the name', () => {
    expect(compareGivenNames('Amelia', 'Amelia Rose')).toBe('part');
    expect(compareGivenNames('Hamza', 'Muhammad Hamza')).toBe('part');
  });

  it('lets the names that are not shared decide (twins often share a first name)', () => {
    expect(compareGivenNames('Muhammad Hamza', 'Muhammad Ibrahim')).toBe('different');
    expect(compareGivenNames('Mohammed Hamza', 'Muhammad Hamza')).toBe('variant');
    expect(compareGivenNames('Lily Mae', 'Rosie Mae')).toBe('different');
  });

  it('finds one-letter slips and swapped letters', () => {
    expect(compareGivenNames('Jhon', 'John')).toBe('typo');
    expect(compareGivenNames('Olvier', 'Oliver')).toBe('typo');
    expect(compareGivenNames('Isa', 'Isla')).toBe('typo');
    expect(compareGivenNames('Lizy', 'Elizabeth')).toBe('typo'); // a slip in Lizzy
  });

  it('does not take a real name for a slip of another name’s form', () => {
    // Aiden is one letter from Jaiden (a form of Jayden); George from Georgie (a form of Georgia).
    expect(compareGivenNames('Aiden', 'Jayden')).not.toBe('typo');
    expect(compareGivenNames('George', 'Georgia')).not.toBe('typo');
  });

  it('recognises short forms cut from either end', () => {
    expect(compareGivenNames('Abdi', 'Abdiwali')).toBe('shortened');
    expect(compareGivenNames('Dayo', 'Oladayo')).toBe('shortened');
  });

  it('says different, or missing, plainly', () => {
    expect(compareGivenNames('Oliver', 'Isabella')).toBe('different');
    expect(compareGivenNames('Oliver', undefined)).toBe('missing');
    expect(compareGivenNames('Oliver', 'Baby')).toBe('missing');
    expect(compareGivenNames('Oliver', 'Twin 1')).toBe('missing');
  });

  it('tells 3-letter names one letter apart from slips', () => {
    expect(compareGivenNames('Ava', 'Eva')).toBe('similar');
  });
});

describe('compareFamilyNames', () => {
  it('treats hyphens, spaces and joined-up double-barrelled names as the same', () => {
    expect(compareFamilyNames('Smith Jones', 'Smith-Jones')).toBe('exact');
    expect(compareFamilyNames('SmithJones', 'Smith-Jones')).toBe('exact');
    expect(compareFamilyNames('OBRIEN', "O'Brien")).toBe('exact');
  });

  it('accepts one half of a double-barrelled name', () => {
    expect(compareFamilyNames('Smith', 'Smith-Jones')).toBe('part');
    expect(compareFamilyNames('Jones', 'Smith-Jones')).toBe('part');
    expect(compareFamilyNames('SmithJones', 'Smith')).toBe('part');
    expect(compareFamilyNames('Kaur Sandhu', 'Sandhu')).toBe('part');
  });

  it('knows gendered endings and transliterations', () => {
    expect(compareFamilyNames('Kowalski', 'Kowalska')).toBe('variant');
    expect(compareFamilyNames('Novak', 'Nováková')).toBe('variant');
    expect(compareFamilyNames('Chaudhry', 'Chowdhury')).toBe('variant');
  });

  it('finds slips and says different otherwise', () => {
    expect(compareFamilyNames('Smtih', 'Smith')).toBe('typo');
    expect(compareFamilyNames('Khan', 'Begum')).toBe('different');
  });
});
