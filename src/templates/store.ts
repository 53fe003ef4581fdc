import { createHash } from 'node:crypto';
import { TaskerError } from '../errors.ts';
import type { Queryable } from '../db/types.ts';
import type { TaskTemplate } from './types.ts';
import { compareVersions, sortVersionsNewestFirst } from './version.ts';

/** A template as registered in the database. */
export interface RegisteredTemplate {
  namedTaskId: number;
  template: TaskTemplate;
}

/** A stable hash of a template's JSON, to skip no-op re-registrations. */
function hashTemplate(template: TaskTemplate): string {
  const { sourceFile: _ignored, ...rest } = template;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32);
}

/** Registered versions of one template, newest first (semver order where both parse, else registration time). */
async function versionsOf(db: Queryable, namespace: string, name: string): Promise<Array<{ named_task_id: number; version: string }>> {
  const rows = await db.query<{ named_task_id: number; version: string; created_at: Date }>(
    `SELECT named_task_id, version, created_at FROM named_tasks WHERE namespace = $1 AND name = $2`,
    [namespace, name],
  );
  return sortVersionsNewestFirst(rows.map((r) => ({ ...r, registeredAt: r.created_at })));
}

/**
 * Templates registered in the database, with a per-process cache. Any process can create tasks for
 * any template that some process registered (DESIGN §5).
 */
export class TemplateStore {
  readonly #byId = new Map<number, { template: TaskTemplate; at: number }>();
  readonly #byIdTtlMs: number;
  readonly #byKey = new Map<string, { entry: RegisteredTemplate; at: number }>();
  readonly #latestTtlMs: number;

  constructor(options: { latestTtlMs?: number; byIdTtlMs?: number } = {}) {
    this.#latestTtlMs = options.latestTtlMs ?? 5000;
    // a template re-registered under the same version (a deploy that forgot to bump it) reaches
    // processes that cached the old one within this time
    this.#byIdTtlMs = options.byIdTtlMs ?? 60_000;
  }

  /** Upserts templates (namespace rows, named_tasks, named_steps). Safe to run from many processes at once. */
  async register(db: Queryable, templates: readonly TaskTemplate[]): Promise<void> {
    for (const template of templates) {
      const stored = { ...template, sourceFile: undefined };
      const rows = await db.query<{ named_task_id: number }>(
        `WITH ns AS (
           INSERT INTO task_namespaces (name) VALUES ($1) ON CONFLICT (name) DO NOTHING
         )
         INSERT INTO named_tasks (namespace, name, version, description, template, template_hash)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (namespace, name, version) DO UPDATE
           SET template = EXCLUDED.template, template_hash = EXCLUDED.template_hash,
               description = EXCLUDED.description, updated_at = now()
           WHERE named_tasks.template_hash <> EXCLUDED.template_hash
         RETURNING named_task_id`,
        [template.namespace, template.name, template.version, template.description ?? null, JSON.stringify(stored), hashTemplate(template)],
      );
      let id = rows[0]?.named_task_id;
      if (id === undefined) {
        const existing = await db.query<{ named_task_id: number }>(
          `SELECT named_task_id FROM named_tasks WHERE namespace = $1 AND name = $2 AND version = $3`,
          [template.namespace, template.name, template.version],
        );
        id = existing[0].named_task_id;
      } else {
        await db.query(
          `INSERT INTO named_steps (named_task_id, name, step_type, callable)
           SELECT $1, n, t, c FROM unnest($2::text[], $3::text[], $4::text[]) AS x(n, t, c)
           ON CONFLICT (named_task_id, name) DO UPDATE SET step_type = EXCLUDED.step_type, callable = EXCLUDED.callable`,
          [id, template.steps.map((s) => s.name), template.steps.map((s) => s.type), template.steps.map((s) => s.handler.callable)],
        );
      }
      this.#byId.set(id, { template, at: Date.now() });
      this.#byKey.set(`${template.namespace}/${template.name}@${template.version}`, { entry: { namedTaskId: id, template }, at: Date.now() });
    }
  }

  /** Finds a template by namespace, name and version (latest version when omitted); TEMPLATE_NOT_FOUND otherwise. */
  async find(db: Queryable, namespace: string, name: string, version?: string | null): Promise<RegisteredTemplate> {
    const key = `${namespace}/${name}@${version ?? '*latest*'}`;
    const cached = this.#byKey.get(key);
    if (cached && Date.now() - cached.at < (version ? this.#byIdTtlMs : this.#latestTtlMs)) return cached.entry;
    let rows: Array<{ named_task_id: number; template: TaskTemplate }> = [];
    if (version) {
      rows = await db.query(`SELECT named_task_id, template FROM named_tasks WHERE namespace = $1 AND name = $2 AND version = $3`, [namespace, name, version]);
    } else {
      const latest = (await versionsOf(db, namespace, name))[0];
      if (latest) rows = await db.query(`SELECT named_task_id, template FROM named_tasks WHERE named_task_id = $1`, [latest.named_task_id]);
    }
    if (rows.length === 0) {
      const known = await versionsOf(db, namespace, name);
      throw new TaskerError(
        'TEMPLATE_NOT_FOUND',
        `no template ${namespace}/${name}${version ? `@${version}` : ''} is registered`,
        {
          hint: known.length
            ? `registered versions: ${known.map((k) => k.version).join(', ')}`
            : 'start a worker whose template path contains it (tasker run), or check the namespace and name',
          details: { namespace, name, version: version ?? null },
        },
      );
    }
    const entry = { namedTaskId: rows[0].named_task_id, template: rows[0].template };
    this.#byId.set(entry.namedTaskId, { template: entry.template, at: Date.now() });
    this.#byKey.set(key, { entry, at: Date.now() });
    return entry;
  }

  /** The template of a named_task_id (cached for a minute; a template row never changes id). */
  async byId(db: Queryable, namedTaskId: number): Promise<TaskTemplate> {
    const cached = this.#byId.get(namedTaskId);
    if (cached && Date.now() - cached.at < this.#byIdTtlMs) return cached.template;
    const rows = await db.query<{ template: TaskTemplate }>(`SELECT template FROM named_tasks WHERE named_task_id = $1`, [namedTaskId]);
    if (rows.length === 0) throw new TaskerError('TEMPLATE_NOT_FOUND', `no template with id ${namedTaskId}`);
    this.#byId.set(namedTaskId, { template: rows[0].template, at: Date.now() });
    return rows[0].template;
  }

  /** Every registered template (for listings). */
  async list(db: Queryable): Promise<Array<{ namespace: string; name: string; version: string; description: string | null; steps: number }>> {
    const rows = await db.query<{ namespace: string; name: string; version: string; description: string | null; steps: number; created_at: Date }>(
      `SELECT namespace, name, version, description, jsonb_array_length(template->'steps') AS steps, created_at FROM named_tasks`,
    );
    rows.sort((a, b) =>
      a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) ||
      compareVersions({ version: b.version, registeredAt: b.created_at }, { version: a.version, registeredAt: a.created_at }));
    return rows.map(({ created_at: _created, ...row }) => row);
  }
}
