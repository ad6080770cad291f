import { validate, ValidationError as ClassValidatorError, ValidatorOptions } from 'class-validator';
import { CommandValidationError, ConstraintViolation } from '../errors';

/** Commands without any class-validator decorator are valid (class-validator ≥ 0.14 would reject them). */
export const DEFAULT_VALIDATOR_OPTIONS: ValidatorOptions = Object.freeze({ forbidUnknownValues: false });

/** Runs class-validator on a command; throws CommandValidationError listing every violated constraint. */
export async function validateCommand(
  command: object,
  options: ValidatorOptions = DEFAULT_VALIDATOR_OPTIONS,
): Promise<void> {
  const errors = await validate(command, options);
  if (errors.length > 0) throw new CommandValidationError(command.constructor.name, flatten(errors, ''));
}

function flatten(errors: readonly ClassValidatorError[], prefix: string): ConstraintViolation[] {
  return errors.flatMap((e) => {
    const property = prefix ? `${prefix}.${e.property}` : e.property;
    const own: ConstraintViolation[] = e.constraints
      ? [{ property, value: e.value, constraints: { ...e.constraints } }]
      : [];
    return [...own, ...flatten(e.children ?? [], property)];
  });
}
