/** The conformance kit on the web channel with conversations in PostgreSQL (as several instances run it). */
import { runConformanceKit } from './kit.ts';
import { createWebDriver } from './web-driver.ts';

runConformanceKit('web', ({ store }) => createWebDriver({ store }), { store: 'postgres' });
