import { Scenario } from './types';

/**
 * Scenarios register themselves here when their module loads (one file per scenario under
 * bench/scenarios/, listed in bench/scenarios/index.ts). Registration order is run order.
 */
const scenarios = new Map<string, Scenario>();

export function registerScenario(scenario: Scenario): void {
  if (!/^[a-z][a-z0-9-]*$/.test(scenario.name)) {
    throw new Error(`Scenario name "${scenario.name}" must be lower-case letters, digits and dashes.`);
  }
  if (scenarios.has(scenario.name)) throw new Error(`Scenario "${scenario.name}" is registered twice.`);
  scenarios.set(scenario.name, scenario);
}

export function listScenarios(): Scenario[] {
  return [...scenarios.values()];
}

export function findScenario(name: string): Scenario {
  const scenario = scenarios.get(name);
  if (!scenario) {
    const known = [...scenarios.keys()].join(', ') || '(none)';
    throw new Error(`Unknown benchmark scenario "${name}". Known: ${known}.`);
  }
  return scenario;
}
