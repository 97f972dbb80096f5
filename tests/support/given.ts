import { mintDevToken, type Role } from '@lib/auth';
import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

/** A development token for one role, as `npm run token` would print it. */
export function tokenFor(
  role: Role,
  claims: { centres?: string[]; la?: string; org?: string; sub?: string } = {},
): Promise<string> {
  return mintDevToken({ sub: claims.sub ?? `test-${role}`, roles: [role], ...claims });
}

/**
 * Given: the geography says where a postcode is (births' read side of postcode → LSOA → centre,
 * filled directly until the versioned geography loads exist).
 */
export async function givenPostcodeInCentre(
  births: INestApplication,
  postcode: string,
  centreId: string,
  la = 'E06000999',
): Promise<void> {
  const connection = births.get<Connection>(getConnectionToken());
  await connection
    .collection<{ _id: string; lsoa: string; centreId: string; la: string }>('postcode_assignments')
    .updateOne({ _id: postcode }, { $set: { lsoa: 'E01999999', centreId, la } }, { upsert: true });
}
