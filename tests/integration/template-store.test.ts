// Templates live in the database: any process finds what another registered, the latest version by
// numeric order, and a re-registered template reaches other processes' caches after their TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, openTestDb, type TestDatabase } from '../helpers/db.ts';
import { TemplateStore } from '../../src/templates/store.ts';
import { parseTemplate } from '../../src/templates/parse.ts';
import type { Db } from '../../src/db/types.ts';
import type { TaskTemplate } from '../../src/templates/types.ts';

let tdb: TestDatabase;
let db: Db;

function template(version: string, callable = 'a_handler', name = 'cached'): TaskTemplate {
  const text = `name: ${name}\nnamespace_name: cache_test\nversion: "${version}"\nsteps:\n  - name: a\n    handler: { callable: ${callable} }\n`;
  const { template } = parseTemplate(text, 'cached.yaml');
  return template!;
}

beforeAll(async () => {
  tdb = await createTestDatabase('tasker_templates');
  db = await openTestDb(tdb.url);
});
afterAll(async () => {
  await db.close();
  await tdb.drop();
});

describe('the template store', () => {
  it('finds templates another process registered, latest version by numeric order', async () => {
    await new TemplateStore().register(db, [template('1.2.0'), template('1.10.0'), template('1.9.3')]);
    const other = new TemplateStore();
    expect((await other.find(db, 'cache_test', 'cached')).template.version).toBe('1.10.0');
    expect((await other.find(db, 'cache_test', 'cached', '1.2.0')).template.version).toBe('1.2.0');
    await expect(other.find(db, 'cache_test', 'cached', '9.9.9')).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
  });

  it('takes "1.0"-style and free-form versions: latest by semver where both parse, else the later registration', async () => {
    const store = new TemplateStore({ latestTtlMs: 0 });
    await store.register(db, [template('1.0', 'a', 'loose'), template('1.0.1', 'a', 'loose')]);
    expect((await store.find(db, 'cache_test', 'loose')).template.version).toBe('1.0.1');
    await store.register(db, [template('2.0-rc.1', 'a', 'loose'), template('2.0', 'a', 'loose')]);
    expect((await store.find(db, 'cache_test', 'loose')).template.version).toBe('2.0');
    // "blue" does not parse: it is newer than everything registered before it
    await db.query(`UPDATE named_tasks SET created_at = now() - interval '1 hour' WHERE name = 'loose'`);
    await store.register(db, [template('blue', 'a', 'loose')]);
    expect((await store.find(db, 'cache_test', 'loose')).template.version).toBe('blue');
    expect((await store.list(db)).filter((t) => t.name === 'loose').map((t) => t.version)).toEqual(['blue', '2.0', '2.0-rc.1', '1.0.1', '1.0']);
  });

  it('serves a re-registered template to other processes once their cache entry expires', async () => {
    const writer = new TemplateStore();
    await writer.register(db, [template('2.0.0', 'old_handler')]);
    const reader = new TemplateStore({ byIdTtlMs: 0 });
    const cachedForever = new TemplateStore({ byIdTtlMs: 60_000 });
    const { namedTaskId } = await reader.find(db, 'cache_test', 'cached', '2.0.0');
    expect((await cachedForever.byId(db, namedTaskId)).steps[0].handler.callable).toBe('old_handler');
    await writer.register(db, [template('2.0.0', 'new_handler')]);
    expect((await reader.byId(db, namedTaskId)).steps[0].handler.callable).toBe('new_handler');
    expect((await reader.find(db, 'cache_test', 'cached', '2.0.0')).template.steps[0].handler.callable).toBe('new_handler');
    expect((await cachedForever.byId(db, namedTaskId)).steps[0].handler.callable).toBe('old_handler');
  });
});
