// Publishers and subscribers exported by handler modules (issue 15): found by handler discovery, so
// `tasker run` hosts them and `tasker handlers list` shows them.
import { TaskerError } from '../errors.ts';
import { isPublisher, isPublisherClass, type BasePublisher } from './publisher.ts';
import { PublisherRegistry } from './publisher-registry.ts';
import { isSubscriberClass, SubscriberRegistry, type SubscriberClass } from './subscriber.ts';

/** A discovered publisher or subscriber, as `tasker handlers list` prints it. */
export interface DiscoveredEventComponent {
  kind: 'publisher' | 'subscriber';
  /** The publisher name, or the subscriber's group. */
  name: string;
  /** The exported class name. */
  className: string;
  /** Subscriber patterns. */
  patterns?: string[];
  file: string;
}

/** Where discovered publishers and subscribers are registered, and what was found. */
export interface EventDiscovery {
  publishers: PublisherRegistry;
  subscribers: SubscriberRegistry;
  found: DiscoveredEventComponent[];
}

/** An empty {@link EventDiscovery} over the given (or new) registries. */
export function eventDiscovery(publishers = new PublisherRegistry(), subscribers = new SubscriberRegistry()): EventDiscovery {
  return { publishers, subscribers, found: [] };
}

function publisherOf(value: unknown): BasePublisher | null {
  if (isPublisher(value)) return value;
  if (!isPublisherClass(value)) return null;
  try {
    const instance = new value();
    return typeof instance.publisherName === 'string' && instance.publisherName !== '' ? instance : null;
  } catch {
    // an abstract intermediate class or one that needs arguments: not a publisher to host
    return null;
  }
}

/** Registers the publishers (classes or instances) and subscriber classes a module exports; returns how many. */
export function collectEventExports(mod: Record<string, unknown>, file: string, into: EventDiscovery): number {
  let count = 0;
  for (const value of Object.values(mod)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const publisher = publisherOf(item);
      if (publisher) {
        const name = publisher.publisherName;
        const previous = into.found.find((f) => f.kind === 'publisher' && f.name === name);
        if (previous?.className === publisher.constructor.name) continue;
        if (previous || into.publishers.isRegistered(name)) {
          throw new TaskerError('HANDLER_DUPLICATE', `Publisher '${name}' is defined twice: in ${previous?.file ?? 'a publisher registered before discovery'} and in ${file}`, {
            hint: 'Rename one publisher (its publisherName) or remove one module',
            details: { name, files: previous ? [previous.file, file] : [file] },
          });
        }
        into.publishers.register(publisher);
        into.found.push({ kind: 'publisher', name, className: publisher.constructor.name, file });
        count++;
      } else if (isSubscriberClass(item)) {
        const cls = item as SubscriberClass;
        if (into.subscribers.classes.includes(cls)) continue;
        into.subscribers.register(cls);
        into.found.push({ kind: 'subscriber', name: cls.subscriberGroup || cls.name, className: cls.name, patterns: cls.subscribesTo(), file });
        count++;
      }
    }
  }
  return count;
}

/** The publishers/subscribers table of `tasker handlers list`. */
export function formatEventComponents(found: readonly DiscoveredEventComponent[]): string[] {
  const table = [
    ['DOMAIN EVENTS', 'NAME / GROUP', 'CLASS', 'PATTERNS', 'FILE'],
    ...[...found]
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
      .map((f) => [f.kind, f.name, f.className, f.patterns?.join(',') ?? '-', f.file]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const publishers = found.filter((f) => f.kind === 'publisher').length;
  return [
    ...table.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')),
    '',
    `${publishers} publisher${publishers === 1 ? '' : 's'}, ${found.length - publishers} subscriber${found.length - publishers === 1 ? '' : 's'}`,
  ];
}
