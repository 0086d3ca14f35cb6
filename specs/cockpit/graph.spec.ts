/**
 * Statechart layout for the inspector, on zoro's real machines: the orchestrator (a machine
 * without states) and a session (named delays).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyStateMachine } from 'xstate';
import { layoutMachine, transitionLabel } from '../../cockpit/graph.js';
import { orchestratorMachine } from '../../machines/orchestrator.js';
import { sessionMachine } from '../../machines/session.js';

test('the orchestrator, a machine without states, is one box named after it listing the events it handles', async () => {
  const chart = await layoutMachine(orchestratorMachine as unknown as AnyStateMachine);
  assert.equal(
    chart.nodes.map((n) => [n.key, n.type, n.path]),
    [['orchestrator', 'compound', []]],
  );
  const box = chart.nodes[0]!;
  assert.ok(chart.edges.length >= 10, `${chart.edges.length} handlers`);
  assert.ok(chart.edges.some((e) => e.label === 'ctl.pause'));
  const inside = (b: { x: number; y: number; width: number; height: number }) => b.x >= box.x && b.y >= box.y + 30 && b.x + b.width <= box.x + box.width && b.y + b.height <= box.y + box.height;
  const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const boxes = chart.edges.map((e) => e.labelBox!);
  for (const [i, edge] of chart.edges.entries()) {
    assert.equal([edge.source, edge.target, edge.internal], [box.id, box.id, true]);
    assert.ok(inside(boxes[i]!), `${edge.label} is inside the box, under its name`);
    assert.ok(boxes.every((other, j) => j === i || !overlap(boxes[i]!, other)), `${edge.label} overlaps no other label`);
  }
  assert.ok(chart.width <= 400 && chart.height <= 400, `compact: ${chart.width}×${chart.height}`);
});

test('labels read plainly: "after busyLimit", "after 30s", "always", "done" for an unnamed invoke', () => {
  assert.is(transitionLabel({ eventType: 'xstate.after.busyLimit.session.BUSY.working', guard: undefined }), 'after busyLimit');
  assert.is(transitionLabel({ eventType: 'xstate.after.30000.session.BUSY', guard: undefined }), 'after 30s');
  assert.is(transitionLabel({ eventType: '', guard: undefined }), 'always');
  assert.is(transitionLabel({ eventType: 'xstate.done.actor.0.ticket.verifying', guard: undefined }), 'done', 'an id xstate made up says nothing');
  assert.is(transitionLabel({ eventType: 'xstate.error.actor.poll', guard: undefined }), 'error: poll');
});

test("a session's machine lays out with every state and its timers labelled by name", async () => {
  const chart = await layoutMachine(sessionMachine as unknown as AnyStateMachine);
  const paths = chart.nodes.map((n) => n.path.join('.'));
  for (const path of ['UNKNOWN', 'IDLE', 'BUSY', 'BUSY.working', 'BUSY.settling', 'PAUSED', 'ERROR_LOOP', 'UNREACHABLE']) assert.ok(paths.includes(path), path);
  assert.ok(chart.edges.some((e) => e.label === 'after busyLimit'));
  assert.not.ok(chart.edges.some((e) => e.label.startsWith('xstate.after.')));
});

test.run();
