// The state tables are the authority: every SQL statement in src/ that moves a task or a step with a literal
// target (`SET state = 'x'`, or a CASE of literals) is read here with its `state = 'y'` / `state IN (…)` /
// `state NOT IN (…)` guard, and each from → to pair must be an allowed move of TASK_TRANSITIONS or
// STEP_TRANSITIONS. The audit rows written with literal pairs (`'from', 'to'` in the transitions tables) are
// checked the same way. A statement changed to a move the table forbids fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as machine from '../../src/orchestration/state-machine.ts';
import { STEP_TRANSITIONS, TASK_TRANSITIONS, canTransitionStep, canTransitionTask, type StepState, type TaskState } from '../../src/orchestration/state-machine.ts';

const SRC = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

// `${TERMINAL_TASK_SQL}` and friends, as the statements see them
const CONSTANTS: Record<string, string> = Object.fromEntries(
  Object.entries(machine).filter(([name, value]) => name.endsWith('_SQL') && typeof value === 'string') as Array<[string, string]>,
);

/** Template literals of a file (the SQL lives in them), with the state-machine constants substituted. */
function templateLiterals(text: string): string[] {
  const out: string[] = [];
  const re = /`((?:[^`\\]|\\.)*)`/gs;
  for (const m of text.matchAll(re)) {
    out.push(m[1].replace(/\$\{(\w+)\}/g, (whole, name: string) => CONSTANTS[name] ?? whole));
  }
  return out.filter((sql) => /\b(UPDATE|INSERT INTO)\s+(tasks|workflow_steps|task_transitions|workflow_step_transitions)\b/.test(sql));
}

const literals = (list: string) => [...list.matchAll(/'(\w+)'/g)].map((m) => m[1]);

/** The states a WHERE clause lets through, or null when it names none (a dynamic guard). */
function guardStates(where: string, all: readonly string[], terminal: readonly string[]): string[] | null {
  const found = new Set<string>();
  let any = false;
  for (const m of where.matchAll(/\b(?:\w+\.)?state\s*=\s*'(\w+)'/g)) (any = true, found.add(m[1]));
  for (const m of where.matchAll(/\b(?:\w+\.)?state\s+IN\s*\(([^)]*)\)/g)) {
    if (/NOT\s*$/.test(where.slice(0, m.index))) continue;
    any = true;
    for (const s of literals(m[1])) found.add(s);
  }
  for (const m of where.matchAll(/\b(?:\w+\.)?state\s+NOT\s+IN\s*\(([^)]*)\)/g)) {
    any = true;
    const excluded = new Set(literals(m[1]));
    for (const s of all) if (!excluded.has(s) && !terminal.includes(s)) found.add(s);
  }
  return any ? [...found] : null;
}

interface Move { file: string; table: 'tasks' | 'workflow_steps'; from: string; to: string }

function collectMoves(): { moves: Move[]; dynamic: string[] } {
  const moves: Move[] = [];
  const dynamic: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    for (const sql of templateLiterals(readFileSync(path, 'utf8'))) {
      for (const m of sql.matchAll(/UPDATE\s+(tasks|workflow_steps)\b(?:\s+\w+)?\s+SET\s+([\s\S]*?)(?=\bRETURNING\b|\)\s*,\s*\w+\s+AS\s*\(|$)/g)) {
        const table = m[1] as Move['table'];
        const body = m[2];
        const set = body.match(/\bstate\s*=\s*(CASE\b[\s\S]*?\bEND|'\w+'|[\w.$]+)/);
        if (!set) continue;
        const targets = set[1].startsWith("'") || set[1].startsWith('CASE') ? literals(set[1]) : null;
        const whereAt = body.search(/\bWHERE\b/);
        const all = table === 'tasks' ? Object.keys(TASK_TRANSITIONS) : Object.keys(STEP_TRANSITIONS);
        const terminal = table === 'tasks' ? machine.TERMINAL_TASK_STATES : machine.TERMINAL_STEP_STATES;
        // a guard in the statement's own WHERE, else the one of the CTE that selected its rows
        const froms = (whereAt >= 0 ? guardStates(body.slice(whereAt), all, terminal) : null) ?? guardStates(sql.slice(0, m.index), all, terminal);
        if (!targets || !froms) {
          dynamic.push(`${file}: UPDATE ${table} SET state = ${set[1].trim()}`);
          continue;
        }
        for (const from of froms) for (const to of targets) moves.push({ file, table, from, to });
      }
      for (const m of sql.matchAll(/INSERT INTO\s+(task_transitions|workflow_step_transitions)\b([\s\S]*?)(?=\)\s*,\s*\w+\s+AS\s*\(|$)/g)) {
        const table = m[1] === 'task_transitions' ? 'tasks' : 'workflow_steps';
        const states = new Set(table === 'tasks' ? Object.keys(TASK_TRANSITIONS) : Object.keys(STEP_TRANSITIONS));
        for (const pair of m[2].matchAll(/'(\w+)',\s*'(\w+)'/g)) {
          if (states.has(pair[1]) && states.has(pair[2])) moves.push({ file, table, from: pair[1], to: pair[2] });
        }
      }
    }
  }
  return { moves, dynamic };
}

describe('state machine ↔ SQL', () => {
  const { moves, dynamic } = collectMoves();

  it('finds the hot path’s literal moves (the scan itself works)', () => {
    const seen = new Set(moves.map((m) => `${m.table}:${m.from}->${m.to}`));
    for (const expected of [
      'workflow_steps:enqueued->in_progress', // claim
      'workflow_steps:in_progress->enqueued_for_orchestration', // completion
      'workflow_steps:in_progress->enqueued_as_error_for_orchestration', // completion / worker lost
      'workflow_steps:pending->enqueued', // enqueue
      'workflow_steps:in_progress->enqueued', // lease released at shutdown
      'workflow_steps:pending->cancelled', // cancel
    ]) expect(seen, expected).toContain(expected);
    expect(moves.length).toBeGreaterThan(20);
  });

  it('every literal move in src/ is allowed by the tables', () => {
    const forbidden = moves.filter((m) =>
      m.table === 'tasks' ? !canTransitionTask(m.from as TaskState, m.to as TaskState) : !canTransitionStep(m.from as StepState, m.to as StepState),
    );
    expect(forbidden.map((m) => `${m.file}: ${m.table} ${m.from} → ${m.to}`)).toEqual([]);
  });

  it('moves with computed targets come from the tables in TypeScript (listed here so a new one is looked at)', () => {
    expect(dynamic.map((d) => d.split(':')[0]).sort()).toEqual([
      'orchestration/result-processor.ts', // APPLY_SQL: to-states chosen by processResultBatch, guarded by from_state
      'orchestration/staleness.ts', // stale task → error from its read state $2, along transitionPath
      'orchestration/step-actions.ts', // manual actions: stepStatesAllowing(to)
      'orchestration/task-advancer.ts', // UPDATE_TASKS_SQL: paths from planTask / transitionPath
      'orchestration/task-cancel.ts', // task → cancelled from its read state $2 (TASK_TERMINAL when terminal)
    ]);
  });

  it('derives the terminal states from the tables', () => {
    expect(machine.TERMINAL_TASK_STATES).toEqual(['complete', 'error', 'cancelled', 'resolved_manually']);
    expect(machine.TERMINAL_STEP_STATES).toEqual(['complete', 'error', 'cancelled', 'resolved_manually']);
  });
});
