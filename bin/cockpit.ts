import type { ZoroConfig } from '../adapters/config/types.js';
import type { Zoro } from '../actors/zoro.js';
import { packageVersion } from '../actors/version.js';
import { startCockpit } from '../cockpit/server.js';
import { PortInUseError } from '../cockpit/errors.js';
import { UsageError } from '../lib/errors.js';

export interface CockpitRun {
  url: string;
  close(): Promise<void>;
}

/**
 * The cockpit for a running zoro. A taken port is a usage error naming the port, unless the
 * caller lets it take a free one (the demo), which it then says.
 */
export async function startCockpitFor(
  zoro: Zoro,
  config: ZoroConfig,
  options: { port: number; host: string; takeFreePort: boolean },
  say: (line: string) => void,
): Promise<CockpitRun> {
  const start = (port: number) => startCockpit({ handle: zoro.handle, host: options.host, port, dataDir: config.zoro.data_dir, version: packageVersion });
  let cockpit;
  try {
    cockpit = await start(options.port);
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    if (!options.takeFreePort) throw new UsageError(error.message);
    say(`port ${options.port} is taken; using a free one`);
    cockpit = await start(0);
  }
  say(`cockpit: ${cockpit.url}`);
  return { url: cockpit.url, close: () => cockpit.close() };
}
