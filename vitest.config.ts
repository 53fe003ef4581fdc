import { defineConfig } from 'vitest/config';

// The PostgreSQL version matrix: every suite runs against the system server (`pg15`, TEST_DATABASE_URL);
// a representative subset of the integration tests — queues, migrations, task creation, workflows, decision
// points, batches, manual step actions, the template store — runs again on an embedded PostgreSQL 18 (`pg18`).
// Tests about processes, crashes, outages and the CLI stay on one server: their behaviour does not depend on
// the version, and running them twice would cost minutes of the suite's budget.
const PG18_SUBSET = [
  'tests/integration/queue.test.ts',
  'tests/integration/db-migrations.test.ts',
  'tests/integration/engine-task-creation.test.ts',
  'tests/integration/engine-workflows.test.ts',
  'tests/integration/dynamic-decisions.test.ts',
  'tests/integration/dynamic-batches.test.ts',
  'tests/integration/operations-step-actions.test.ts',
  'tests/integration/template-store.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'pg15', include: ['tests/**/*.test.ts'] } },
      { extends: true, test: { name: 'pg18', include: PG18_SUBSET, globalSetup: ['tests/setup/embedded-pg18.ts'] } },
    ],
  },
});
