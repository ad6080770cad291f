import { DefinitionError, MissingUpcasterError } from '../errors';
import { EventPayload, Upcaster } from './upcaster';

/** All upcasters of an application, indexed by type and version, applied step by step on read. */
export class UpcasterChain {
  private readonly steps = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  register(upcaster: Upcaster): void {
    const id = `${upcaster.type}@${upcaster.fromVersion}`;
    const existing = this.steps.get(id);
    if (existing && existing !== upcaster) {
      throw new DefinitionError(
        `Two upcasters turn "${upcaster.type}" v${upcaster.fromVersion} into v${upcaster.fromVersion + 1}. Keep one.`,
        {
          type: upcaster.type,
          fromVersion: upcaster.fromVersion,
        },
      );
    }
    this.steps.set(id, upcaster);
  }

  /** The payload of `type` moved from `fromVersion` to `toVersion`; throws MissingUpcasterError on a gap. */
  upcast(type: string, fromVersion: number, toVersion: number, payload: EventPayload): EventPayload {
    let current = payload;
    for (let version = fromVersion; version < toVersion; version++) {
      const step = this.steps.get(`${type}@${version}`);
      if (!step) throw new MissingUpcasterError(type, version, toVersion);
      current = step.upcast(current);
    }
    return current;
  }
}
