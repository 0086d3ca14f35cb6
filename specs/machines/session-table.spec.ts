/**
 * The session table, checked twice: at compile time (the `@ts-expect-error` lines fail
 * `tsc` if a wrong edge ever compiles) and at run time (the machine's edges agree with it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyStateNode } from 'xstate';
import { InvalidTransitionError } from '../../lib/errors.js';
import { accepts, assertAccepts, edge, SESSION_STATES, sessionTransitions, targetOf, type SessionState } from '../../machines/session-table.js';
import { sessionMachine } from '../../machines/session.js';

// Type-level: edges the table has compile and give the XState target ...
const toBusy: '#session.BUSY' = edge('IDLE', 'session.dispatch', 'BUSY');
const backToIdle: '#session.IDLE' = edge('BUSY', 'session.release', 'IDLE');
const reapproach: '#session.BUSY' = edge('ERROR_LOOP', 'session.reapproach', 'BUSY');
const reattach: '#session.UNKNOWN' = edge('UNREACHABLE', 'session.reconnected', 'UNKNOWN');
// ... and edges it lacks do not.
// @ts-expect-error IDLE does not accept session.release
edge('IDLE', 'session.release', 'IDLE');
// @ts-expect-error IDLE's session.dispatch leads to BUSY, not PAUSED
edge('IDLE', 'session.dispatch', 'PAUSED');
// @ts-expect-error UNREACHABLE must pass through UNKNOWN: no direct edge to IDLE
edge('UNREACHABLE', 'session.ready', 'IDLE');
// @ts-expect-error PAUSED does not take a dispatch
edge('PAUSED', 'session.dispatch', 'BUSY');
// @ts-expect-error not a state
edge('DONE', 'session.release', 'IDLE');
// @ts-expect-error not an event of any state
edge('BUSY', 'session.finished', 'IDLE');

test('edge() gives the XState target of the state it leads to', () => {
  assert.is(toBusy, '#session.BUSY');
  assert.is(backToIdle, '#session.IDLE');
  assert.is(reapproach, '#session.BUSY');
  assert.is(reattach, '#session.UNKNOWN');
});

test('accepts() answers from the table', () => {
  assert.ok(accepts('IDLE', 'session.dispatch'));
  assert.ok(accepts('BUSY', 'session.pause'));
  assert.not.ok(accepts('IDLE', 'session.release'));
  assert.not.ok(accepts('UNREACHABLE', 'session.dispatch'));
  // inherited object keys are not events
  assert.not.ok(accepts('IDLE', 'toString'));
  assert.not.ok(accepts('IDLE', 'constructor'));
});

test('assertAccepts throws an InvalidTransitionError naming the machine, state and event', () => {
  assert.not.throws(() => assertAccepts('ERROR_LOOP', 'session.give_up'));
  try {
    assertAccepts('PAUSED', 'session.dispatch');
    assert.unreachable('PAUSED took a dispatch');
  } catch (error) {
    assert.instance(error, InvalidTransitionError);
    const e = error as InvalidTransitionError;
    assert.is(e.machine, 'session');
    assert.is(e.state, 'PAUSED');
    assert.is(e.event, 'session.dispatch');
    assert.is(e.message, 'session: state PAUSED does not accept session.dispatch');
  }
});

test('targetOf gives the state an event leads to, or null when it is not accepted', () => {
  assert.is(targetOf('IDLE', 'session.dispatch'), 'BUSY');
  assert.is(targetOf('BUSY', 'session.limited'), 'PAUSED');
  assert.is(targetOf('UNREACHABLE', 'session.resume'), 'UNKNOWN');
  assert.is(targetOf('IDLE', 'session.release'), null);
  assert.is(targetOf('IDLE', 'hasOwnProperty'), null);
});

test('every target in the table is a state', () => {
  for (const state of SESSION_STATES) {
    for (const target of Object.values(sessionTransitions[state])) assert.ok(SESSION_STATES.includes(target as SessionState), `${state} → ${target}`);
  }
});

/** The top-level state a node is in (BUSY for BUSY.settling). */
function topLevel(node: AnyStateNode): SessionState {
  let current = node;
  while (current.parent && current.parent !== sessionMachine.root) current = current.parent;
  return current.key as SessionState;
}

function descendants(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(descendants)];
}

/** What the machine does with each session.* event in each top-level state: event → target. */
function machineEdges(): Record<string, Record<string, SessionState[]>> {
  const edges: Record<string, Record<string, SessionState[]>> = {};
  for (const [key, node] of Object.entries(sessionMachine.root.states)) {
    const state = key as SessionState;
    const mine: Record<string, SessionState[]> = (edges[state] = {});
    for (const inner of descendants(node)) {
      for (const [event, transitions] of Object.entries(inner.on)) {
        if (!event.startsWith('session.')) continue; // terminal.delivered and timers stay inside a state
        for (const transition of transitions) {
          const target = transition.target?.length ? topLevel(transition.target[0]!) : state;
          (mine[event] ??= []).push(target);
        }
      }
    }
  }
  return edges;
}

test('every edge of the session machine is an edge of the table', () => {
  const edges = machineEdges();
  for (const [state, events] of Object.entries(edges)) {
    for (const [event, targets] of Object.entries(events)) {
      for (const target of targets) assert.is(target, targetOf(state as SessionState, event), `${state} --${event}--> ${target}`);
    }
  }
});

test('every edge of the table is handled by the session machine', () => {
  const edges = machineEdges();
  assert.equal(Object.keys(edges).sort(), [...SESSION_STATES].sort());
  for (const state of SESSION_STATES) {
    assert.equal(Object.keys(edges[state]!).sort(), Object.keys(sessionTransitions[state]).sort(), `events of ${state}`);
  }
});

test.run();
