import type { ActionDefinition, ActionTrigger, TriggerInput } from './types.ts';

const DEFAULT_MIN_PROBABILITY = 0.5;

/** The first action whose trigger matches the message, with its parameters; undefined when none does. */
export function matchAction(actions: readonly ActionDefinition[], input: TriggerInput): { action: ActionDefinition; parameters: Record<string, string> } | undefined {
  for (const action of actions) {
    const parameters = triggerParameters(action.trigger, input);
    if (parameters) return { action, parameters };
  }
  return undefined;
}

/** The parameters a trigger yields for a message, or undefined when it does not match. */
export function triggerParameters(trigger: ActionTrigger, input: TriggerInput): Record<string, string> | undefined {
  if (trigger.pattern) {
    const m = new RegExp(trigger.pattern.source, trigger.pattern.flags.replace('g', '')).exec(input.text);
    if (m) return Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string>;
  }
  if (trigger.intent && input.intent && input.intent.name === trigger.intent && input.intent.probability >= (trigger.minProbability ?? DEFAULT_MIN_PROBABILITY)) {
    return {};
  }
  if (trigger.when) {
    const parameters = trigger.when(input);
    if (parameters) return parameters;
  }
  return undefined;
}
