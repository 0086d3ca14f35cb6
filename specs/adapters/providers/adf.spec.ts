import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adfToText, textToAdf } from '../../../adapters/providers/jira/adf.js';

const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const t = (text: string) => ({ type: 'text', text });

test('paragraphs are separated by a blank line and hardBreaks are newlines', () => {
  assert.is(adfToText(doc(p(t('one'), { type: 'hardBreak' }, t('two')), p(t('three')))), 'one\ntwo\n\nthree');
});

test('headings, lists, quotes, rules and code read like Markdown', () => {
  const text = adfToText(
    doc(
      { type: 'heading', attrs: { level: 2 }, content: [t('Plan')] },
      { type: 'orderedList', attrs: { order: 3 }, content: [{ type: 'listItem', content: [p(t('first')), p(t('more'))] }, { type: 'listItem', content: [p(t('second'))] }] },
      { type: 'blockquote', content: [p(t('quoted'))] },
      { type: 'rule' },
      { type: 'taskList', content: [{ type: 'taskItem', attrs: { state: 'DONE' }, content: [t('ship')] }, { type: 'taskItem', attrs: { state: 'TODO' }, content: [t('test')] }] },
      { type: 'codeBlock', attrs: { language: 'ts' }, content: [t('let x = 1;')] },
    ),
  );
  assert.is(text, '## Plan\n\n3. first\n   more\n4. second\n\n> quoted\n\n---\n\n[x] ship\n[ ] test\n\n```ts\nlet x = 1;\n```');
});

test('mentions, emoji, cards, dates, statuses, tables and media become words', () => {
  const text = adfToText(
    doc(
      p(
        { type: 'mention', attrs: { id: 'x', text: '@Ann' } },
        t(' '),
        { type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } },
        t(' '),
        { type: 'inlineCard', attrs: { url: 'https://example.com/x' } },
        t(' '),
        { type: 'date', attrs: { timestamp: '1763683200000' } },
        t(' '),
        { type: 'status', attrs: { text: 'BLOCKED', color: 'red' } },
      ),
      { type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableHeader', content: [p(t('a'))] }, { type: 'tableCell', content: [p(t('b'))] }] }] },
      { type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'm', type: 'file' } }] },
    ),
  );
  assert.is(text, '@Ann 😄 https://example.com/x 2025-11-21 [BLOCKED]\n\na | b\n\n[attachment]');
});

test('garbage and unknown nodes never throw', () => {
  for (const input of [null, 42, 'text', [], {}, { type: 'doc' }, { type: 'doc', content: 'no' }, { type: 'doc', content: [null, 1, { type: 5 }] }]) {
    assert.type(adfToText(input), 'string');
  }
  assert.is(adfToText(doc({ type: 'someFutureNode', content: [p(t('kept'))] })), 'kept');
});

test('a document nested deeper than the limit is cut off instead of overflowing the stack', () => {
  let node: unknown = t('bottom');
  for (let i = 0; i < 10_000; i += 1) node = { type: 'blockquote', content: [node] };
  assert.type(adfToText(doc(node)), 'string');
});

test('control characters and escape sequences inside text nodes are removed', () => {
  assert.is(adfToText(doc(p(t('a\u001b[31mred\u001b[0m\u0007b\u009bc')))), 'aredbc');
});

test('textToAdf makes paragraphs of blank-line blocks and hardBreaks of single newlines', () => {
  assert.equal(textToAdf('\n\nhello\r\nworld\n\n\n\nbye\n'), {
    type: 'doc',
    version: 1,
    content: [
      { type: 'paragraph', content: [t('hello'), { type: 'hardBreak' }, t('world')] },
      { type: 'paragraph', content: [t('bye')] },
    ],
  });
});

test.run();
