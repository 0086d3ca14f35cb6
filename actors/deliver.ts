import type { AgentProfile } from '../adapters/agents/types.js';
import type { Terminal } from '../adapters/terminals/types.js';
import { ZoroError } from '../lib/errors.js';
import type { ScreenBuffer } from './screen.js';

/** How long to wait for an agent to show a paste before pressing Enter regardless. */
const PASTE_SHOWN_MS = 3_000;

export interface DeliverOptions {
  interruptFirst: boolean;
  /** How long to wait for the agent to show it took the prompt, per Enter. */
  confirmMs?: number;
}

/**
 * Type a prompt into an agent and make sure it took it: interrupt first if asked (a
 * re-approach), paste (bracketed, so newlines do not submit), wait until the agent shows the
 * paste if its profile can tell, arm the ready-signal detector,
 * press Enter, and wait for the profile's sign that the prompt was submitted — pressing
 * Enter once more if it does not come.
 */
export async function deliverPrompt(terminal: Terminal, profile: AgentProfile, screen: ScreenBuffer, prompt: string, options: DeliverOptions): Promise<void> {
  const confirmMs = options.confirmMs ?? 5_000;
  if (options.interruptFirst) {
    for (const key of profile.interruptKeys) await terminal.press(key);
    await quiet(terminal, 400, 3_000);
    // An interrupted prompt may be put back in the input box; the new one must not join it.
    for (const key of profile.clearInputKeys ?? []) await terminal.press(key);
  }
  let sincePaste = '';
  const offPaste = terminal.onOutput((chunk) => (sincePaste += chunk));
  try {
    if (profile.bracketedPaste) await terminal.paste(prompt);
    else for (const line of prompt.split('\n')) await terminal.type(line);
    // An agent that drops an Enter pressed before it shows the paste: wait until it does.
    // If it never says so, Enter goes anyway (and is pressed again when not taken).
    if (profile.pasted) await until(terminal, () => profile.pasted!(sincePaste, prompt), PASTE_SHOWN_MS);
  } finally {
    offPaste();
  }
  // Let the agent take in the paste before Enter, so Enter is not part of it.
  const settle = profile.pasteSettleMs ?? 80;
  if (settle > 0) await quiet(terminal, settle, 1_000);

  let since = '';
  const off = terminal.onOutput((chunk) => (since += chunk));
  try {
    screen.beginTurn();
    for (let attempt = 1; attempt <= 2; attempt++) {
      await terminal.press('Enter');
      if (await until(terminal, () => profile.submitted(since, screen.tail(40)), confirmMs)) return;
    }
    throw new ZoroError(`${terminal.runtime} ${terminal.id}: the agent showed no sign of taking the prompt after Enter was pressed twice`);
  } finally {
    off();
  }
}

/** Resolves when `test()` holds (checked on each output event), false after `ms`. */
function until(terminal: Terminal, test: () => boolean, ms: number): Promise<boolean> {
  if (test()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(test());
    }, ms);
    const off = terminal.onOutput(() => {
      if (!test()) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}

/** Resolves once the terminal has been silent for `silenceMs` (or after `maxMs`). */
function quiet(terminal: Terminal, silenceMs: number, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let silence = setTimeout(done, silenceMs);
    const cap = setTimeout(done, maxMs);
    const off = terminal.onOutput(() => {
      clearTimeout(silence);
      silence = setTimeout(done, silenceMs);
    });
    function done() {
      clearTimeout(silence);
      clearTimeout(cap);
      off();
      resolve();
    }
  });
}
