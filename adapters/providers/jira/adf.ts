/**
 * Atlassian Document Format (Jira Cloud REST v3 descriptions and comment bodies) to plain
 * text and back. Reading is forgiving: ADF from a tracker is untrusted JSON, so any node may
 * be missing, mistyped or unknown; the walk never throws, goes no deeper than MAX_DEPTH, and
 * what it returns is plain text without control characters.
 *
 *   adfToText({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hi' }] }] })  // 'Hi'
 *   textToAdf('one\ntwo\n\nthree')  // two paragraphs, the first with a hardBreak
 */
import { plainText } from '../text.js';

export interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const MAX_DEPTH = 64;
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status', 'mediaInline', 'placeholder']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The document as plain text: paragraphs apart by a blank line, lists as `- ` / `1. `, code fenced. */
export function adfToText(doc: unknown): string {
  return plainText(render(doc, 0))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Plain text as a document: blank lines separate paragraphs, single newlines become hardBreaks. */
export function textToAdf(source: string): AdfDoc {
  const paragraphs = plainText(source)
    .replace(/^\n+|\n+$/g, '')
    .split(/\n{2,}/);
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((paragraph) => {
      const content: AdfNode[] = [];
      paragraph.split('\n').forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line !== '') content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    }),
  };
}

function children(node: Json): unknown[] {
  return Array.isArray(node.content) ? node.content : [];
}

function render(node: unknown, depth: number): string {
  if (depth > MAX_DEPTH || !isObject(node)) return '';
  const attrs = isObject(node.attrs) ? node.attrs : {};
  const join = (separator: string): string =>
    children(node)
      .map((child) => render(child, depth + 1))
      .filter((part) => part !== '')
      .join(separator);

  switch (text(node.type)) {
    case 'text':
      return text(node.text);
    case 'hardBreak':
      return '\n';
    case 'mention':
      return text(attrs.text) || '@someone';
    case 'emoji':
      return text(attrs.text) || text(attrs.shortName);
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return text(attrs.url);
    case 'date': {
      const at = new Date(Number(text(attrs.timestamp) || attrs.timestamp));
      return Number.isNaN(at.getTime()) ? '' : at.toISOString().slice(0, 10);
    }
    case 'status':
      return text(attrs.text) ? `[${text(attrs.text)}]` : '';
    case 'media':
    case 'mediaInline':
      return '[attachment]';
    case 'paragraph':
      return join('');
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(attrs.level) || 1));
      return `${'#'.repeat(level)} ${join('')}`;
    }
    case 'codeBlock':
      return `\`\`\`${text(attrs.language)}\n${join('')}\n\`\`\``;
    case 'blockquote':
      return join('\n\n')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    case 'rule':
      return '---';
    case 'bulletList':
      return list(node, depth, () => '- ');
    case 'orderedList': {
      const start = Number.isInteger(attrs.order) ? Number(attrs.order) : 1;
      return list(node, depth, (i) => `${start + i}. `);
    }
    case 'taskList':
      return list(node, depth, (_, item) => (isObject(item) && isObject(item.attrs) && item.attrs.state === 'DONE' ? '[x] ' : '[ ] '));
    case 'table':
      return join('\n');
    case 'tableRow':
      return join(' | ');
    case 'tableCell':
    case 'tableHeader':
      return join(' ').replace(/\n+/g, ' ');
    default: {
      // listItem, panel, expand, mediaSingle and anything newer: its children, as inline or as blocks.
      const inline = children(node).every((child) => isObject(child) && INLINE.has(text(child.type)));
      const body = join(inline ? '' : '\n\n');
      return body || text(node.text);
    }
  }
}

/** Items one per line, each with its marker; continuation lines indented under the marker. */
function list(node: Json, depth: number, marker: (index: number, item: unknown) => string): string {
  return children(node)
    .map((item, i) => {
      const mark = marker(i, item);
      const body = render(item, depth + 1).replace(/\n{2,}/g, '\n');
      return mark + body.split('\n').join(`\n${' '.repeat(mark.length)}`);
    })
    .join('\n');
}
