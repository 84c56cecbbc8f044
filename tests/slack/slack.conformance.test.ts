/** The conformance kit on the Slack channel: the real bolt adapter against the Slack stand-in, over the Events API and over Socket Mode. */
import { runConformanceKit } from '../conformance/kit.ts';
import { createSlackDriver } from './slack-driver.ts';

runConformanceKit('slack', () => createSlackDriver());
runConformanceKit('slack (Socket Mode)', () => createSlackDriver({ socketMode: true }));
