import { registerDecorator, ValidationOptions } from 'class-validator';
import { nhsNumberProblem } from './nhs-number';

/** class-validator rule: a 10-digit NHS number with a valid Modulus 11 check digit. */
export function IsNhsNumber(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNhsNumber',
      target: target.constructor,
      propertyName: propertyName.toString(),
      options,
      validator: {
        validate: (value: unknown) => nhsNumberProblem(value) === null,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} ${nhsNumberProblem(args?.value) ?? 'is invalid'}`,
      },
    });
  };
}
