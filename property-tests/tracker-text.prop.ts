/**
 * Tracker payloads are untrusted: whatever JSON arrives, the edge validators throw only
 * their own ShapeError, and the text converters return plain text without control
 * characters; zoro's own comments survive the trip to Jira's ADF and back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { adfToText, textToAdf } from '../adapters/providers/jira/adf.js';
import { array, check, id, nullable, number, object, optional, ShapeError, string, unknown } from '../adapters/providers/shape.js';
import { plainText } from '../adapters/providers/text.js';

// Allowed: tab and newline. Everything else below 0x20, DEL and the C1 range is not.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const adfNode: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.record({ type: fc.constant('text'), text: fc.string({ unit: 'binary' }) }),
    fc.record({ type: fc.constantFrom('hardBreak', 'rule', 'media') }),
    fc.record({ type: fc.constantFrom('mention', 'emoji', 'status', 'inlineCard', 'date'), attrs: fc.dictionary(fc.constantFrom('text', 'shortName', 'url', 'timestamp'), fc.oneof(fc.string({ unit: 'binary' }), fc.integer())) }),
    fc.record({
      type: fc.constantFrom('doc', 'paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'blockquote', 'codeBlock', 'table', 'tableRow', 'tableCell', 'taskList', 'taskItem', 'panel', 'unknownThing'),
      attrs: fc.dictionary(fc.constantFrom('level', 'order', 'language', 'state'), fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
      content: fc.array(tie('node'), { maxLength: 4 }),
    }),
    fc.jsonValue(),
  ),
})).node;

test('adfToText never throws and never returns control characters, whatever the JSON', () => {
  fc.assert(
    fc.property(adfNode, (doc) => {
      const text = adfToText(doc);
      assert.type(text, 'string');
      assert.not.ok(CONTROL.test(text), JSON.stringify(text));
    }),
    { numRuns: 500 },
  );
});

test('text zoro writes to Jira comes back the same, up to blank-line runs and outer white space', () => {
  const normalise = (text: string) => plainText(text).replace(/\n{3,}/g, '\n\n').trim();
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', '\t', 'é', '\u001b', '[', '1', 'm', '\u0007') }), (text) => {
      assert.is(adfToText(textToAdf(text)), normalise(text));
    }),
    { numRuns: 1000 },
  );
});

test('plainText leaves no control characters and is idempotent', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      const once = plainText(text);
      assert.not.ok(CONTROL.test(once));
      assert.is(plainText(once), once);
    }),
  );
});

test('edge validators accept or throw ShapeError with a path, never anything else', () => {
  const Task = object({
    gid: id,
    name: string,
    notes: optional(string, ''),
    due: nullable(number),
    projects: optional(array(object({ gid: id, extra: unknown })), []),
  });
  const taskish = fc.oneof(
    fc.jsonValue(),
    fc.record({ gid: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), name: fc.oneof(fc.string(), fc.integer()), projects: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()) }, { requiredKeys: [] }),
  );
  fc.assert(
    fc.property(taskish, (value) => {
      try {
        const task = check(Task, value, 'body');
        assert.type(task.gid, 'string');
        assert.type(task.name, 'string');
        assert.ok(Array.isArray(task.projects));
      } catch (error) {
        assert.instance(error, ShapeError);
        assert.match((error as ShapeError).path, /^body/);
      }
    }),
    { numRuns: 1000 },
  );
});

test.run();
