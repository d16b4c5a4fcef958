#!/usr/bin/env node
/** The `catwalk` executable: runs the program on this process's arguments and exits with its code. */
import { homedir } from 'node:os';
import { runCli } from './cli.js';
import { processIo } from './io.js';

process.exitCode = await runCli(process.argv.slice(2), processIo(homedir()));
