import 'reflect-metadata';
import { IsInt, IsPositive, IsString, Length, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { CommandValidationError, ValidationError } from '../errors';
import { validateCommand } from './command-validator';

class Line {
  @IsString() sku!: string;
  @IsInt() @IsPositive() qty!: number;
}

class PlaceOrder {
  @Length(3, 10) orderId!: string;
  @ValidateNested({ each: true }) @Type(() => Line) lines!: Line[];
}

class Ping {
  constructor(readonly at: number) {}
}

describe('validateCommand', () => {
  it('throws a ValidationError listing every constraint, with dotted paths', async () => {
    const cmd = Object.assign(new PlaceOrder(), {
      orderId: 'x',
      lines: [Object.assign(new Line(), { sku: 's', qty: -1 })],
    });
    const error = await validateCommand(cmd).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandValidationError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      kind: 'validation',
      details: {
        command: 'PlaceOrder',
        violations: [
          { property: 'orderId', value: 'x', constraints: { isLength: expect.stringContaining('orderId') } },
          { property: 'lines.0.qty', value: -1, constraints: { isPositive: expect.any(String) } },
        ],
      },
    });
    expect((error as Error).message).toMatch(/^PlaceOrder is invalid: .*orderId.*Fix the input/);
  });

  it('accepts valid commands and commands without constraints', async () => {
    await expect(
      validateCommand(Object.assign(new PlaceOrder(), { orderId: 'o-1', lines: [] })),
    ).resolves.toBeUndefined();
    await expect(validateCommand(new Ping(1))).resolves.toBeUndefined();
  });
});
