#!/usr/bin/env node
// The `zoro` command. Each subcommand is a module in ./commands exporting `run(argv)`,
// loaded on demand so `zoro --version` stays instant.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
