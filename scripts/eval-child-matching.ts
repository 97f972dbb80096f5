/**
 * Evaluation of children's-centre registration matching (apps/registrations/src/matching) on a
 * seeded synthetic area: ~5,000 known births with twins, triplets and siblings, and 1,000
 * registrations without NHS numbers (900 with a known birth, written with the errors real forms
 * contain; 100 without, hard cases included). Prints automatic links, precision, recall, the
 * review queue and every false link by cause.
 * Run: npm run build && node dist/scripts/eval-child-matching.js [seed] [--error-scale 2.5] [--json]
 *
 * With --input, evaluates an independently built set instead, with the same matcher and the
 * service's blocking (the births on every date a registered date of birth could be, then all
 * children of a registration decided together), and prints the same report:
 *   node dist/scripts/eval-child-matching.js --input set.json [--json]
 *
 * Input format: one JSON object, { "births": KnownBirth[], "registrations": Registration[] }.
 *   KnownBirth (apps/registrations/src/matching/types.ts), what the births service knows:
 *     nhsNumber          string, required, unique in the file
 *     birthDate          "YYYY-MM-DD", required, a real date
 *     givenName, familyName, postcode, motherGivenName, motherFamilyName   strings, optional
 *     motherBirthDate    "YYYY-MM-DD", optional;  sex  "M" | "F" | "I" | "U", optional
 *     multipleBirthOrder whole number ≥ 1, optional (1: a singleton)
 *   Registration, one form:
 *     id                 string, optional, unique (shown on false links; default "#<position>")
 *     children           non-empty list of RegisteredChild plus the truth:
 *       givenName, familyName   strings, required, as written on the form
 *       birthDate          "YYYY-MM-DD" as written, required (may be unreal: "2023-18-04")
 *       sex, postcode      optional;  mother  { givenName?, familyName?, birthDate? }, optional
 *       expectedNhsNumber  required: the NHS number of the child's own birth (one of births), or
 *                          null when it has none; no NHS number may be expected for two children
 *       kind               optional, only with null: sibling-born-another-year | neighbour |
 *                          same-surname | new-arrival (the default)
 *       errors             optional list of labels of the form's errors (counted on misses)
 *   Example:
 *     { "births": [ { "nhsNumber": "9995000016", "birthDate": "2023-04-18",
 *                     "givenName": "Amelia Rose", "familyName": "Okafor", "sex": "F",
 *                     "postcode": "ZX1 4AB", "motherGivenName": "Ngozi",
 *                     "motherFamilyName": "Okafor", "motherBirthDate": "1991-02-07" } ],
 *       "registrations": [ { "id": "R1", "children": [
 *         { "givenName": "Millie", "familyName": "OKAFOR", "birthDate": "2023-18-04",
 *           "postcode": "zx14ab", "mother": { "givenName": "Ngozi" },
 *           "expectedNhsNumber": "9995000016", "errors": ["given-name-variant"] },
 *         { "givenName": "Zara", "familyName": "Okafor", "birthDate": "2024-01-02",
 *           "expectedNhsNumber": null, "kind": "sibling-born-another-year" } ] } ] }
 * Unknown fields are refused (a misspelt field would otherwise read as missing); every problem
 * is listed with where it is, and the exit code is 1. The file names no families, so a false
 * link's cause is read from the records: the expected birth's twin or triplet
 * (areMultipleBirthSiblings), a brother or sister (same mother: her date of birth, or both her
 * names), the same surname, the same postcode, else unrelated; "twins/triplets registered"
 * counts children whose birth looks like one of a multiple birth by the same test.
 */
import { evaluateSeed, formatReport } from '../apps/registrations/src/matching/evaluation/evaluate';
import { evaluateInput, readMatchingInput } from './support/matching-input';

const USAGE =
  'usage: eval-child-matching [seed (integer)] [--error-scale n] [--json]\n' +
  '       eval-child-matching --input <file.json> [--json]';

function main(argv: string[]): void {
  const args = [...argv];
  const json = args.includes('--json');
  let errorScale = 1;
  const scaleAt = args.indexOf('--error-scale');
  if (scaleAt >= 0) {
    errorScale = Number(args[scaleAt + 1]);
    args.splice(scaleAt, 2);
  }
  let input: string | undefined;
  const inputAt = args.indexOf('--input');
  if (inputAt >= 0) {
    input = args[inputAt + 1];
    if (input === undefined || input.startsWith('--')) throw new Error(USAGE);
    args.splice(inputAt, 2);
  }
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  const positional = args.filter((a) => !a.startsWith('--'));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const started = Date.now();

  if (input !== undefined) {
    if (positional.length > 0 || scaleAt >= 0) {
      throw new Error(`--input takes neither a seed nor --error-scale\n${USAGE}`);
    }
    const report = evaluateInput(readMatchingInput(input));
    if (json) {
      console.log(JSON.stringify({ input, ...report, seed: undefined }, null, 2));
      return;
    }
    const lines = formatReport(report).split('\n');
    lines[0] = `Child matching evaluation, ${input}`;
    console.log(lines.join('\n'));
    console.log(`  time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }

  const seed = positional.length > 0 ? Number(positional[0]) : 1;
  if (!Number.isInteger(seed) || !Number.isFinite(errorScale) || errorScale < 0) {
    throw new Error(USAGE);
  }
  const report = evaluateSeed(seed, { errorScale });
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatReport(report));
    if (errorScale !== 1) console.log(`  (form error rates × ${errorScale})`);
    console.log(`  time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e: unknown) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
