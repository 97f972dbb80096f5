import { ContractRegistry, type BirthNotifiedV1, type EncryptedPersonal } from '@lib/contracts';
import { InMemorySubjectKeys } from './in-memory-key-source';
import { PersonalDataCipher } from './personal-data-cipher';

const CHILD = '9995000016';
const OTHER = '9995000026';
const personal = { givenName: 'Ada', familyName: 'Lovelace', addressLines: ['1 Test Street'] };

/** Flips one bit of a base64 field, keeping it valid base64 of the same length. */
function flip(base64: string, byte = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byte] ^= 0x01;
  return bytes.toString('base64');
}

describe(PersonalDataCipher, () => {
  let keys: InMemorySubjectKeys;
  let sut: PersonalDataCipher;

  beforeEach(() => {
    keys = new InMemorySubjectKeys();
    sut = new PersonalDataCipher(keys);
  });

  async function seal(subjectId = CHILD): Promise<EncryptedPersonal> {
    const sealed = await sut.seal(subjectId, personal);
    if (!sealed) throw new Error('expected a sealed block');
    return sealed;
  }

  it('should open what it sealed, with the subject key id and the sizes the contract fixes', async () => {
    const sealed = await seal();
    expect(sealed).toMatchObject({ alg: 'A256GCM', keyId: keys.keyIdOf(CHILD) });
    expect(sealed.iv).toMatch(/^[A-Za-z0-9+/]{16}$/);
    expect(sealed.tag).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(sealed.ciphertext).not.toContain('Lovelace');
    await expect(sut.open(sealed)).resolves.toEqual({ status: 'ok', personal });
    await expect(sut.open(sealed, { subjectId: CHILD })).resolves.toEqual({
      status: 'ok',
      personal,
    });
  });

  it('should produce a block the BirthNotified contract accepts', async () => {
    const data: BirthNotifiedV1 = {
      facts: { nhsNumber: CHILD, birthDate: '2026-01-02', postcodeDistrict: 'SO14' },
      personal: await seal(),
    };
    const check = ContractRegistry.load().check('births.child.v1', {
      specversion: '1.0',
      id: 'b4d7a3a0-8a4c-5f36-9d55-0d7f0f3c2c11',
      type: 'BirthNotified',
      source: 'births',
      subject: CHILD,
      time: '2026-01-02T00:00:00Z',
      dataschema: 'urn:early-years:contracts:births:BirthNotified:v1',
      data,
    });
    expect(check).toMatchObject({ valid: true });
  });

  it('should use a fresh IV for every seal', async () => {
    const [a, b] = [await seal(), await seal()];
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it.each([
    ['ciphertext', (s: EncryptedPersonal) => ({ ...s, ciphertext: flip(s.ciphertext, 3) })],
    ['tag', (s: EncryptedPersonal) => ({ ...s, tag: flip(s.tag) })],
    ['iv', (s: EncryptedPersonal) => ({ ...s, iv: flip(s.iv) })],
  ])('should report a tampered %s as unreadable, not as data', async (_field, tamper) => {
    const tampered = tamper(await seal());
    await expect(sut.open(tampered)).resolves.toEqual({
      status: 'unreadable',
      reason: 'authentication-failed',
    });
  });

  it('should bind the block to its key id: relabelled to another subject it does not open', async () => {
    const sealed = await seal(CHILD);
    await seal(OTHER); // the other subject has a key too
    const moved = { ...sealed, keyId: keys.keyIdOf(OTHER) };
    await expect(sut.open(moved)).resolves.toEqual({
      status: 'unreadable',
      reason: 'authentication-failed',
    });
  });

  it("should not open a block with another subject's key", async () => {
    const mine = await seal(CHILD);
    const theirs = await seal(OTHER);
    // Their ciphertext under my key id (and tag): my key does not open it.
    const mixed = { ...mine, iv: theirs.iv, ciphertext: theirs.ciphertext, tag: theirs.tag };
    await expect(sut.open(mixed)).resolves.toMatchObject({ status: 'unreadable' });
    // A whole block of mine presented as the other subject's.
    await expect(sut.open(mine, { subjectId: OTHER })).resolves.toEqual({
      status: 'unreadable',
      reason: 'wrong-subject',
    });
  });

  it('should seal nothing for an erased subject and open its old blocks as erased', async () => {
    const sealed = await seal();
    keys.erase(sealed.keyId);
    await expect(sut.seal(CHILD, personal)).resolves.toBeNull();
    await expect(sut.open(sealed)).resolves.toEqual({ status: 'erased' });
  });

  it('should report malformed blocks and unknown key ids as unreadable', async () => {
    const sealed = await seal();
    const cases: [unknown, string][] = [
      [{ ...sealed, alg: 'A128GCM' }, 'malformed'],
      [{ ...sealed, iv: 'AAAA' }, 'malformed'],
      [{ ...sealed, tag: 'not base64!' }, 'malformed'],
      [{ ...sealed, keyId: '' }, 'malformed'],
      [null, 'malformed'],
      [{ ...sealed, keyId: 'f'.repeat(64) }, 'unknown-key'],
    ];
    for (const [block, reason] of cases) {
      await expect(sut.open(block as EncryptedPersonal)).resolves.toEqual({
        status: 'unreadable',
        reason,
      });
    }
  });

  it('should refuse to seal anything but a JSON object', async () => {
    await expect(sut.seal(CHILD, ['Ada'] as unknown as Record<string, unknown>)).rejects.toThrow(
      TypeError,
    );
  });
});
