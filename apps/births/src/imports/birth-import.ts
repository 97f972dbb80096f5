/**
 * Collections of the births extract imports (see ImportResources in @lib/imports):
 * - `birth_imports`: one document per uploaded extract, its counts kept current while it runs;
 * - `birth_import_errors`: its row errors, in chunks read back by `_id`.
 */
export const BIRTH_IMPORT_COLLECTIONS = {
  imports: 'birth_imports',
  errors: 'birth_import_errors',
} as const;

export const BIRTH_IMPORTS_PATH = '/births/imports';
