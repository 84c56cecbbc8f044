/** The conformance kit on the web channel: the real server on a free port, driven over HTTP like the widget. */
import { runConformanceKit } from './kit.ts';
import { createWebDriver } from './web-driver.ts';

runConformanceKit('web', ({ store }) => createWebDriver({ store }));
