/** The adapter conformance kit on Discord: the real discord.js adapter against the Discord stand-in. */
import { runConformanceKit } from '../conformance/kit.ts';
import { createDiscordDriver } from './discord-driver.ts';

runConformanceKit('discord', () => createDiscordDriver());
