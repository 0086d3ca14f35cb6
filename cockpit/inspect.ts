/**
 * `zoro --inspect`: stream the actor tree's inspection events in @statelyai/inspect's format
 * (`@xstate.actor`, `@xstate.snapshot`, `@xstate.event`) over a WebSocket, for Stately's
 * inspector or any tool that speaks it. Local by default: nothing goes to Stately's cloud
 * (`createSkyInspector` is deliberately not used), and context and events are scrubbed of
 * anything that looks like a credential before they leave the process.
 *
 *   const bridge = createInspectBridge({ serve: { port: 8080 } });
 *   const root = createActor(orchestrator, { inspect: bridge.inspect });
 *   …
 *   bridge.stop();
 */
import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import type { AnyEventObject, InspectionEvent, MachineContext } from 'xstate';

export interface InspectBridgeOptions {
  /** Where to send events: a WebSocket that relays @statelyai/inspect's format. @default `ws://127.0.0.1:${serve.port ?? 8080}` */
  url?: string;
  /**
   * Also start the package's small relay server on this port (`@statelyai/inspect/server`).
   * Its page embeds Stately's hosted inspector UI, so a browser that opens it loads
   * https://stately.ai; zoro itself never contacts it. `open` launches the browser.
   */
  serve?: { port?: number; open?: boolean };
  /** Replaces the default credential scrubber for context (and events). */
  sanitize?: (value: unknown) => unknown;
}

export interface InspectBridge {
  /** Pass as `createActor(machine, { inspect })`, or call it from your own inspect function. */
  inspect: (event: InspectionEvent) => void;
  /** The page to open when `serve` started the relay, else null. */
  viewerUrl: string | null;
  stop(): void;
}

const SECRET_KEY = /(api[_-]?key|token|secret|password|passwd|authorization|cookie|credential|private[_-]?key)/i;
const MAX_DEPTH = 8;

/** Copies `value`, replacing every value under a key that names a credential with `[redacted]`. */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1));
  // Actor refs, Dates, Maps…: only plain objects are walked; the rest pass as the library serialises them.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) && item !== null && item !== undefined && item !== '' ? '[redacted]' : scrubSecrets(item, depth + 1);
  }
  return out;
}

function scrubDefinition(event: StatelyInspectionEvent, sanitize: (value: unknown) => unknown): StatelyInspectionEvent {
  if (event.type !== '@xstate.actor' || !event.definition) return event;
  let definition: string | undefined;
  try {
    definition = JSON.stringify(sanitize(JSON.parse(event.definition)));
  } catch {
    definition = undefined; // unreadable: drop it rather than risk sending a secret
  }
  return { ...event, definition };
}

export function createInspectBridge(options: InspectBridgeOptions = {}): InspectBridge {
  const sanitize = options.sanitize ?? scrubSecrets;
  const port = options.serve?.port ?? 8080;
  const server = options.serve ? createInspectorServer({ port, autoOpen: options.serve.open ?? false }) : null;
  const inspector = createWebSocketInspector({
    url: options.url ?? `ws://127.0.0.1:${port}`,
    sanitizeContext: (context) => sanitize(context) as MachineContext,
    sanitizeEvent: (event) => sanitize(event) as AnyEventObject,
    // The actor record carries the machine config as a JSON string, initial context included.
    serialize: (event) => scrubDefinition(event, sanitize),
  });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    viewerUrl: server ? `http://localhost:${port}` : null,
    stop() {
      inspector.stop();
      server?.stop();
    },
  };
}
