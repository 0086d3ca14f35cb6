/**
 * access.txt as text: sections of `key = value` lines. This step only reads the shape;
 * `load.ts` gives the keys their types and defaults.
 *
 *   [zoro]
 *   ; a comment (so is # …)
 *   web_port = 7070
 *   description = "quoted values keep their inner spaces "
 *
 * Decisions:
 * - Only `=` separates key and value. `key: value` is an error that says to use `=`, so a
 *   YAML habit is caught instead of read as something else.
 * - A comment is a whole line starting with `;` or `#`. There are no trailing comments:
 *   values such as a JQL query or an agent command may contain `;` and `#`.
 * - A value wrapped in matching `"…"` or `'…'` loses the quotes (nothing else is unescaped).
 * - A key twice in a section, or a section twice, is an error naming both lines.
 * - A malformed line is reported without echoing it: it may be a pasted token.
 * - Section kinds (`zoro`, `session`, `provider`) ignore case; names and keys do not.
 */
import { ConfigError } from '../../lib/errors.js';

export interface IniEntry {
  key: string;
  value: string;
  line: number;
}

export type SectionKind = 'zoro' | 'session' | 'provider' | 'unknown';

export interface IniSection {
  kind: SectionKind;
  /** `api` for `[session:api]`; the whole header text for an unknown section. */
  name: string;
  /** The header as written, without brackets. */
  header: string;
  line: number;
  entries: IniEntry[];
}

export interface IniDocument {
  sections: IniSection[];
  errors: ConfigError[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Names that would reach an object's prototype when used as a property. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

export function parseIni(text: string, file: string): IniDocument {
  const errors: ConfigError[] = [];
  const sections: IniSection[] = [];
  const seenSections = new Map<string, number>();
  let current: IniSection | null = null;
  let keyLines = new Map<string, number>();

  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;

    if (line.startsWith('[')) {
      const section = parseHeader(line, lineNo, file, errors);
      keyLines = new Map();
      // A section that cannot be used still collects its keys, so they are not reported as
      // belonging to the previous one.
      current = section ?? { kind: 'unknown', name: '', header: '', line: lineNo, entries: [] };
      if (!section) return;
      const id = `${section.kind}:${section.name}`;
      const first = seenSections.get(id);
      if (first !== undefined) {
        errors.push(new ConfigError(file, lineNo, null, `section [${section.header}] appears twice (lines ${first} and ${lineNo}); merge them`));
        return;
      }
      seenSections.set(id, lineNo);
      sections.push(section);
      return;
    }

    const equals = line.indexOf('=');
    const colon = line.indexOf(':');
    if (equals === -1 || (colon !== -1 && colon < equals && KEY.test(line.slice(0, colon).trim()))) {
      const key = colon === -1 ? null : line.slice(0, colon).trim();
      if (key !== null && KEY.test(key)) {
        errors.push(new ConfigError(file, lineNo, key, `write "${key} = value" with "=", not ":"`));
      } else {
        errors.push(new ConfigError(file, lineNo, null, 'expected "key = value", a [section] header or a comment (; or #)'));
      }
      return;
    }
    const key = line.slice(0, equals).trim();
    if (!KEY.test(key) || RESERVED.has(key)) {
      errors.push(new ConfigError(file, lineNo, null, 'expected "key = value" where the key is letters, digits and _ (starting with a letter)'));
      return;
    }
    if (current === null) {
      errors.push(new ConfigError(file, lineNo, key, 'this key comes before any section; put it under [zoro], [session:NAME] or [provider:NAME]'));
      return;
    }
    const first = keyLines.get(key);
    if (first !== undefined) {
      errors.push(new ConfigError(file, lineNo, key, `${key} appears twice in [${current.header}] (lines ${first} and ${lineNo}); keep one`));
      return;
    }
    keyLines.set(key, lineNo);
    current.entries.push({ key, value: unquote(line.slice(equals + 1).trim()), line: lineNo });
  });
  return { sections, errors };
}

function parseHeader(line: string, lineNo: number, file: string, errors: ConfigError[]): IniSection | null {
  if (!line.endsWith(']')) {
    errors.push(new ConfigError(file, lineNo, null, 'a section header must end with "]"'));
    return null;
  }
  const header = line.slice(1, -1).trim();
  const colon = header.indexOf(':');
  const prefix = (colon === -1 ? header : header.slice(0, colon)).trim().toLowerCase();
  const name = colon === -1 ? '' : header.slice(colon + 1).trim();
  if (prefix === 'zoro' && colon === -1) return { kind: 'zoro', name: 'zoro', header: 'zoro', line: lineNo, entries: [] };
  if (prefix === 'session' || prefix === 'provider') {
    if (!NAME.test(name)) {
      errors.push(new ConfigError(file, lineNo, null, `[${prefix}:NAME] needs a name of letters, digits, _ . - (got [${header}])`));
      return null;
    }
    return { kind: prefix, name, header: `${prefix}:${name}`, line: lineNo, entries: [] };
  }
  return { kind: 'unknown', name: header, header, line: lineNo, entries: [] };
}

function unquote(value: string): string {
  const quote = value[0];
  if (value.length >= 2 && (quote === '"' || quote === "'") && value.endsWith(quote)) return value.slice(1, -1);
  return value;
}
