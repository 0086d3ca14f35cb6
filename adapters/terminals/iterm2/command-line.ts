/**
 * iTerm2 runs a profile's "Command" by splitting it the way a shell would, so the agent's
 * argv is shell-quoted, and its environment goes in front through `/usr/bin/env`.
 */
const PLAIN = /^[A-Za-z0-9_\/.,:=+@%^-]+$/;

export function shellQuote(argument: string): string {
  return PLAIN.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** `["claude", "--x y"]` with `{A: "1"}` → `/usr/bin/env A=1 claude '--x y'`. */
export function commandLine(command: string[], env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not an environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${value}`;
  });
  const argv = assignments.length > 0 ? ['/usr/bin/env', ...assignments, ...command] : command;
  return argv.map(shellQuote).join(' ');
}
