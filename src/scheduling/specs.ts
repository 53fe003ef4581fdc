// The schedules a process declares: its templates' `schedules` plus config `[[schedules]]` (issue 17).
import type { TaskerConfig } from '../config/schema.ts';
import type { TaskTemplate } from '../templates/types.ts';
import type { ScheduleSpec } from './schedule-store.ts';

/** Every schedule declared by `templates` and `config`; a template's unnamed schedule is `<namespace>/<name>#<index>`. */
export function scheduleSpecs(templates: readonly TaskTemplate[], config: Pick<TaskerConfig, 'schedules'>): ScheduleSpec[] {
  const byName = new Map<string, ScheduleSpec>();
  for (const t of templates) {
    (t.schedules ?? []).forEach((s, i) => {
      const name = s.name ?? `${t.namespace}/${t.name}#${i}`;
      byName.set(name, {
        name, namespace: t.namespace, task: t.name, version: null, cron: s.cron, timezone: s.timezone, input: s.input,
        backfill: s.backfill, source: `template ${t.sourceFile ?? `${t.namespace}/${t.name}`}`,
      });
    });
  }
  for (const s of config.schedules ?? []) {
    const [ref, version] = s.template.split('@');
    const [namespace, task] = [ref.slice(0, ref.indexOf('/')), ref.slice(ref.indexOf('/') + 1)];
    const name = s.name ?? `${ref}@config:${s.cron}`;
    byName.set(name, {
      name, namespace, task, version: version ?? null, cron: s.cron, timezone: s.timezone ?? null, input: s.input ?? {},
      backfill: s.backfill ?? 0, source: 'config',
    });
  }
  return [...byName.values()];
}
