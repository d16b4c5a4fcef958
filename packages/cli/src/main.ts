#!/usr/bin/env node
/** The `catwalk` executable: runs the program on this process's arguments and exits with its code. */
import { homedir } from 'node:os';
import { runCli } from './cli.js';
import { processIo } from './io.js';

// `catwalk ls | head` closes our stdout early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), processIo(homedir()));
