export {
  NHS_NUMBER_PATTERN,
  checkDigitFor,
  isValidNhsNumber,
  nhsNumberProblem,
} from './nhs-number';
export { NHS_TEST_SUB_RANGES, NhsNumberGenerator, type NhsTestSubRange } from './test-range';
export { IsNhsNumber } from './is-nhs-number.decorator';
