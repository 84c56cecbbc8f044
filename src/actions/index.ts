/** Actions: facts from the business's systems, put into the conversation before the model answers. */
export type { ActionCallContext, ActionDefinition, ActionHandler, ActionResults, ActionTrigger, TriggerInput } from './types.ts';
export { DEFAULT_ACTION_TIMEOUT_MS } from './types.ts';
export { matchAction } from './triggers.ts';
export { runAction } from './run.ts';
export { webhookHandler, type WebhookOptions } from './webhook.ts';
export { lookupHandler, type LookupOptions } from './lookup.ts';
export { loadActionsFile, type ActionsFile } from './file.ts';
