// Template fields of domain events (issue 15): the top-level `domain_events` catalogue and each step's
// `publishes_events`, read into the normalized model and checked.
import { DeliveryModes, EventConditions, type EventCatalogEntry, type EventDeclaration } from '../events/types.ts';
import { describe, fieldPath, isRecord, readArray, readEnum, readRecord, readString, report, reportType, warnUnknownKeys, type FieldContext } from './fields.ts';
import { inputSchemaError } from './input-schema.ts';
import type { TaskTemplate } from './types.ts';

const CATALOGUE_KEYS = new Set(['name', 'description', 'schema', 'version']);
const DECLARATION_KEYS = new Set(['name', 'description', 'condition', 'schema', 'delivery_mode', 'publisher']);
const EVENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

function readName(ctx: FieldContext, raw: Record<string, unknown>, path: string): string {
  const name = readString(ctx, raw.name, fieldPath(path, 'name'), true) ?? '';
  if (name !== '' && !EVENT_NAME.test(name)) {
    report(ctx, 'error', fieldPath(path, 'name'), `invalid event name ${describe(name)}: expected letters, digits and _ . : - (such as "payment.processed")`);
  }
  return name;
}

/** Reads the top-level `domain_events` list. */
export function readEventCatalogue(ctx: FieldContext, value: unknown): EventCatalogEntry[] {
  const list = readArray(ctx, value, 'domain_events') ?? [];
  const out: EventCatalogEntry[] = [];
  list.forEach((item, i) => {
    const path = fieldPath('domain_events', i);
    if (!isRecord(item)) return reportType(ctx, path, 'an event map with name, description?, schema?', item);
    warnUnknownKeys(ctx, item, path, CATALOGUE_KEYS);
    const entry: EventCatalogEntry = { name: readName(ctx, item, path) };
    const description = readString(ctx, item.description, fieldPath(path, 'description'));
    if (description !== undefined) entry.description = description;
    const schema = readRecord(ctx, item.schema, fieldPath(path, 'schema'));
    if (schema) entry.schema = schema;
    const version = readString(ctx, item.version, fieldPath(path, 'version'));
    if (version !== undefined) entry.version = version;
    out.push(entry);
  });
  return out;
}

/** Reads one step's `publishes_events` list (defaults: condition success, delivery_mode durable). */
export function readEventDeclarations(ctx: FieldContext, value: unknown, path: string): EventDeclaration[] {
  const list = readArray(ctx, value, path) ?? [];
  const out: EventDeclaration[] = [];
  list.forEach((item, i) => {
    const at = fieldPath(path, i);
    if (!isRecord(item)) return reportType(ctx, at, 'an event map with name, condition, delivery_mode, ...', item);
    warnUnknownKeys(ctx, item, at, DECLARATION_KEYS);
    const decl: { -readonly [K in keyof EventDeclaration]: EventDeclaration[K] } = {
      name: readName(ctx, item, at),
      condition: readEnum(ctx, item.condition, fieldPath(at, 'condition'), EventConditions) ?? 'success',
      deliveryMode: readEnum(ctx, item.delivery_mode, fieldPath(at, 'delivery_mode'), DeliveryModes) ?? 'durable',
    };
    const description = readString(ctx, item.description, fieldPath(at, 'description'));
    if (description !== undefined) decl.description = description;
    const publisher = readString(ctx, item.publisher, fieldPath(at, 'publisher'));
    if (publisher !== undefined && publisher !== '') decl.publisher = publisher;
    const schema = readRecord(ctx, item.schema, fieldPath(at, 'schema'));
    if (schema) decl.schema = schema;
    out.push(decl);
  });
  return out;
}

/** Checks schemas, duplicate names and, when a catalogue exists, that every published event is in it. */
export function validateTemplateEvents(ctx: FieldContext, template: TaskTemplate): void {
  const catalogue = template.domainEvents ?? [];
  const known = new Map<string, number>();
  catalogue.forEach((entry, i) => {
    const path = fieldPath('domain_events', i);
    if (entry.name !== '' && known.has(entry.name)) {
      report(ctx, 'error', fieldPath(path, 'name'), `duplicate event "${entry.name}" (first defined at domain_events[${known.get(entry.name)}])`);
    } else known.set(entry.name, i);
    checkSchema(ctx, entry.schema, fieldPath(path, 'schema'));
  });
  template.steps.forEach((step, s) => {
    const seen = new Set<string>();
    (step.publishesEvents ?? []).forEach((decl, i) => {
      const path = fieldPath(fieldPath(fieldPath('steps', s), 'publishes_events'), i);
      if (decl.name === '') return;
      if (catalogue.length > 0 && !known.has(decl.name)) {
        report(ctx, 'error', fieldPath(path, 'name'), `event "${decl.name}" is not in the template's domain_events catalogue (declared: ${[...known.keys()].join(', ')}); add it there or fix the name`);
      }
      const key = `${decl.name}/${decl.condition}`;
      if (seen.has(key)) report(ctx, 'warning', fieldPath(path, 'name'), `event "${decl.name}" is declared twice with condition ${decl.condition}; it will fire twice`);
      seen.add(key);
      checkSchema(ctx, decl.schema, fieldPath(path, 'schema'));
    });
  });
}

function checkSchema(ctx: FieldContext, schema: Record<string, unknown> | undefined, path: string): void {
  if (!schema) return;
  const error = inputSchemaError(schema);
  if (error) report(ctx, 'error', path, `not a valid JSON Schema: ${error}`);
}

/** Every publisher name the templates' steps refer to, with where (for `tasker validate --handlers`). */
export function publisherReferences(templates: readonly TaskTemplate[]): Array<{ template: TaskTemplate; path: string; publisher: string }> {
  const refs: Array<{ template: TaskTemplate; path: string; publisher: string }> = [];
  for (const template of templates) {
    template.steps.forEach((step, s) => {
      (step.publishesEvents ?? []).forEach((decl, i) => {
        if (decl.publisher && decl.publisher !== 'default') refs.push({ template, path: `steps[${s}].publishes_events[${i}].publisher`, publisher: decl.publisher });
      });
    });
  }
  return refs;
}
