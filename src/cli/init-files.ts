// The files `tasker init` writes: a two-step workflow that `tasker smoke` runs at once.

/** `tasker.toml`: the project's configuration, read from the working directory. */
export const TASKER_TOML = `# tasker configuration, read from ./tasker.toml (TASKER_CONFIG_PATH or --config name another file).
# Environment variables win over this file: DATABASE_URL, TASKER_TEMPLATE_PATH, TASKER_HANDLER_PATH, ...
# Without a database url tasker runs an embedded PostgreSQL with its data under .tasker/.

[templates]
paths = ["templates"]

[handlers]
paths = ["handlers"]

[worker]
max_concurrent_handlers = 10

[web]
bind_address = "127.0.0.1:8080"
`;

/** `templates/hello.yaml`: two steps, the second depending on the first. */
export const HELLO_TEMPLATE = `# A workflow: greet, then shout. Run it with \`npx tasker smoke\`.
name: hello
namespace_name: hello
version: 1.0.0
description: Greets someone, then shouts the greeting
input_schema:
  type: object
  properties:
    name: { type: string, description: who to greet (default "world") }
steps:
  - name: greet
    handler: { callable: hello.greet }
  - name: shout
    dependencies: [greet]
    handler: { callable: hello.shout }
    retry: { max_attempts: 3, backoff: exponential }
`;

/** `handlers/hello.ts`: the two handlers, found by discovery under `handlers/`. */
export const HELLO_HANDLERS = `// Step handlers of templates/hello.yaml. Every exported handler under handlers/ is registered.
import { defineHandler } from 'tasker';

/** Step \`greet\`: builds a greeting from the task input. */
export const greet = defineHandler('hello.greet', { inputs: ['name'] }, ({ name }) => ({
  greeting: \`Hello, \${name ?? 'world'}!\`,
}));

/** Step \`shout\`: reads the result of \`greet\` and shouts it. */
export const shout = defineHandler('hello.shout', { depends: { greet: 'greet' } }, ({ greet }) => ({
  shout: String(greet.greeting).toUpperCase(),
}));
`;

/** The README snippet (a new README.md, or printed when the project has one). */
export const README_SNIPPET = `## Workflows (tasker)

- \`templates/hello.yaml\` describes a workflow: steps, dependencies, retries.
- \`handlers/hello.ts\` implements its steps.
- \`tasker.toml\` configures tasker; set \`DATABASE_URL\` to use your PostgreSQL instead of the embedded one.

\`\`\`sh
npx tasker validate --handlers                      # check templates and that every handler exists
npx tasker smoke                                    # run every template once, end to end
npx tasker smoke --input '{"name": "Ada"}'
npx tasker run                                      # the service: orchestrator, worker and HTTP API
npx tasker task create hello/hello --input '{"name": "Ada"}'
\`\`\`
`;

/** Lines `tasker init` makes sure `.gitignore` has. */
export const GITIGNORE_LINES = ['node_modules/', '.tasker/'];
