import { InitialSchema1767225600000 } from './0001-initial.js';

/** Every migration, oldest first. Append new ones; never edit a published one. */
export const MIGRATIONS = [InitialSchema1767225600000];
