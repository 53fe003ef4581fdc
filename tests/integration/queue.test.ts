import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Db, Queryable } from '../../src/db/types.ts';
import { isTaskerError } from '../../src/errors.ts';
import type { Logger } from '../../src/logging.ts';
import {
  allMetrics,
  archive,
  createQueue,
  createWakeBus,
  createWaker,
  deleteMessages,
  metrics,
  notifyChannel,
  read,
  send,
  sendBatch,
  setVt,
} from '../../src/queue/index.ts';
import { getRuntime } from '../../src/runtime/index.ts';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, openTestDb, waitFor, type TestDatabase } from '../helpers/db.ts';

interface Backend {
  db: Db;
  /** A second, independent connection to the same database. */
  other(): Promise<{ db: Db; close(): Promise<void> }>;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'PostgreSQL server',
    async () => {
      const database: TestDatabase = await createTestDatabase();
      const db = await openTestDb(database.url);
      return {
        db,
        async other() {
          const second = await openTestDb(database.url);
          return { db: second, close: () => second.close() };
        },
        async close() {
          await db.close();
          await database.drop();
        },
      };
    },
  ],
  [
    'embedded PostgreSQL',
    async () => {
      // a data directory of its own: every open of it is another client of the one embedded server
      const dir = mkdtempSync(join(tmpdir(), 'tasker-queue-'));
      chmodSync(dir, 0o755); // as root the server runs as another account, which must be able to enter it
      const path = join(dir, 'pgdata');
      const runtime = await getRuntime();
      const db = await openEmbedded({ runtime, path, schema: 'tasker' });
      await migrate(db);
      return {
        db,
        async other() {
          const second = await openEmbedded({ runtime, path, schema: 'tasker' });
          return { db: second, close: () => second.close() };
        },
        close: () => db.close(),
      };
    },
  ],
];

let queueCounter = 0;
/** A fresh queue name per test, so tests never see each other's messages. */
const freshQueue = (label: string) => `${label}_${++queueCounter}`;

async function secondsUntilVisible(db: Queryable, msgId: number): Promise<number> {
  const rows = await db.query<{ s: number }>(`SELECT extract(epoch FROM vt - clock_timestamp())::float8 AS s FROM queue_messages WHERE msg_id = $1`, [msgId]);
  return rows[0].s;
}

describe.each(backends)('queue on %s', (_label, open) => {
  let backend: Backend;
  let db: Db;

  beforeAll(async () => {
    backend = await open();
    db = backend.db;
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('hides a read message for its visibility timeout and shows it again after setVt(0)', async () => {
    const queue = freshQueue('vt');
    const msgId = await send(db, queue, { hello: 'world', n: 1 });

    const [first] = await read(db, queue, 1, 5);
    expect(first).toMatchObject({ msgId, readCt: 1, message: { hello: 'world', n: 1 } });
    expect(first.enqueuedAt).toBeInstanceOf(Date);
    expect(first.vt.getTime()).toBeGreaterThan(first.enqueuedAt.getTime());
    const left = await secondsUntilVisible(db, msgId);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1);

    expect(await read(db, queue, 1, 5)).toEqual([]);

    const reset = await setVt(db, queue, msgId, 0);
    expect(reset?.msgId).toBe(msgId);
    const [again] = await read(db, queue, 30, 5);
    expect(again).toMatchObject({ msgId, readCt: 2 });
    expect(await secondsUntilVisible(db, msgId)).toBeGreaterThan(29);
    expect(await setVt(db, queue, 999_999_999, 0)).toBeNull();
  });

  it('keeps a delayed message invisible until its delay has passed', async () => {
    const queue = freshQueue('delay');
    const msgId = await send(db, queue, 'later', 1);
    expect(await read(db, queue, 10, 1)).toEqual([]);
    const left = await secondsUntilVisible(db, msgId);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1);
    await setVt(db, queue, msgId, 0);
    expect((await read(db, queue, 10, 1)).map((m) => m.message)).toEqual(['later']);
  });

  it('reads at most qty messages, oldest first', async () => {
    const queue = freshQueue('fifo');
    const ids = await sendBatch(db, queue, [{ i: 0 }, { i: 1 }, 'two', 3, null]);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const firstTwo = await read(db, queue, 30, 2);
    expect(firstTwo.map((m) => m.msgId)).toEqual(ids.slice(0, 2));
    expect(firstTwo.map((m) => m.message)).toEqual([{ i: 0 }, { i: 1 }]);
    const rest = await read(db, queue, 30, 10);
    expect(rest.map((m) => m.msgId)).toEqual(ids.slice(2));
    expect(rest.map((m) => m.message)).toEqual(['two', 3, null]);
    expect(await read(db, queue, 30, 0)).toEqual([]);
    expect(await sendBatch(db, queue, [])).toEqual([]);
  });

  it('never hands one message to two concurrent readers', async () => {
    const queue = freshQueue('race');
    const total = 200;
    const ids = await sendBatch(db, queue, Array.from({ length: total }, (_, i) => ({ i })));
    const readers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const got: number[] = [];
        for (;;) {
          const batch = await read(db, queue, 60, 7);
          if (batch.length === 0) return got;
          got.push(...batch.map((m) => m.msgId));
        }
      }),
    );
    const all = readers.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort((a, b) => a - b)).toEqual(ids);
    const readCounts = await db.query<{ read_ct: number }>(`SELECT DISTINCT read_ct FROM queue_messages WHERE queue_name = $1`, [queue]);
    expect(readCounts).toEqual([{ read_ct: 1 }]);
  });

  it('never hands one message to readers on separate connections', async () => {
    const queue = freshQueue('race2');
    const ids = await sendBatch(db, queue, Array.from({ length: 100 }, (_, i) => i));
    const second = await backend.other();
    try {
      const drain = async (conn: Queryable) => {
        const got: number[] = [];
        for (let batch = await read(conn, queue, 60, 3); batch.length; batch = await read(conn, queue, 60, 3)) got.push(...batch.map((m) => m.msgId));
        return got;
      };
      const [a, b] = await Promise.all([drain(db), drain(second.db)]);
      const all = [...a, ...b];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort((x, y) => x - y)).toEqual(ids);
    } finally {
      await second.close();
    }
  });

  it('deletes and archives messages by id, counting only those that existed', async () => {
    const queue = freshQueue('rm');
    const [a, b, c, d] = await sendBatch(db, queue, ['a', 'b', 'c', 'd']);
    await read(db, queue, 30, 1);

    expect(await deleteMessages(db, queue, [a, 999_999_999])).toBe(1);
    expect(await deleteMessages(db, queue, [a])).toBe(0);
    expect(await deleteMessages(db, 'some_other_queue', [b])).toBe(0);
    expect(await deleteMessages(db, queue, [])).toBe(0);

    expect(await archive(db, queue, [b, c, 999_999_999])).toBe(2);
    const archived = await db.query<{ msg_id: number; read_ct: number; message: unknown }>(
      `SELECT msg_id::float8 AS msg_id, read_ct, message FROM queue_archive WHERE queue_name = $1 ORDER BY msg_id`,
      [queue],
    );
    expect(archived).toEqual([
      { msg_id: b, read_ct: 0, message: 'b' },
      { msg_id: c, read_ct: 0, message: 'c' },
    ]);
    const left = await db.query<{ msg_id: number }>(`SELECT msg_id::float8 AS msg_id FROM queue_messages WHERE queue_name = $1`, [queue]);
    expect(left).toEqual([{ msg_id: d }]);
    expect(await archive(db, queue, [b])).toBe(0);
  });

  it('works inside a caller transaction: a rolled-back send leaves no message', async () => {
    const queue = freshQueue('tx');
    await expect(
      db.transaction(async (tx) => {
        await send(tx, queue, 'ghost');
        expect(await metrics(tx, queue)).toMatchObject({ queueLength: 1, totalMessages: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await metrics(db, queue)).toMatchObject({ queueLength: 0, totalMessages: 0 });
  });

  it('creates queues idempotently and creates them on first send', async () => {
    const queue = freshQueue('create');
    expect(await createQueue(db, queue)).toBe(true);
    expect(await createQueue(db, queue)).toBe(false);
    const implicit = freshQueue('implicit');
    await send(db, implicit, 1);
    const rows = await db.query(`SELECT queue_name FROM queues WHERE queue_name = ANY($1::text[])`, [`{${queue},${implicit}}`]);
    expect(rows).toHaveLength(2);
  });

  it('reports depth, visible depth, ages and total sent', async () => {
    const queue = freshQueue('metrics');
    expect(await metrics(db, queue)).toEqual({
      queueName: queue,
      queueLength: 0,
      visibleLength: 0,
      oldestMsgAgeSeconds: null,
      newestMsgAgeSeconds: null,
      totalMessages: 0,
    });
    await sendBatch(db, queue, [1, 2, 3]);
    const [one] = await read(db, queue, 30, 1);
    await send(db, queue, 4);
    await deleteMessages(db, queue, [one.msgId]);
    const m = await metrics(db, queue);
    expect(m).toMatchObject({ queueName: queue, queueLength: 3, visibleLength: 3, totalMessages: 4 });
    await read(db, queue, 30, 1);
    expect(await metrics(db, queue)).toMatchObject({ queueLength: 3, visibleLength: 2 });
    expect(m.oldestMsgAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(m.newestMsgAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(m.oldestMsgAgeSeconds!).toBeGreaterThanOrEqual(m.newestMsgAgeSeconds!);

    const every = await allMetrics(db);
    expect(every.find((x) => x.queueName === queue)).toMatchObject({ queueLength: 3, totalMessages: 4 });
    const names = every.map((x) => x.queueName);
    expect(names).toEqual([...names].sort());
  });

  it('rejects a bad queue name before any SQL is sent', async () => {
    const calls: string[] = [];
    const spy: Queryable = {
      query: async (text) => {
        calls.push(text);
        return [];
      },
      exec: async (text) => void calls.push(text),
    };
    const bad = "q'; DROP TABLE queues; --";
    const attempts: Array<() => Promise<unknown>> = [
      () => createQueue(spy, bad),
      () => send(spy, bad, {}),
      () => sendBatch(spy, bad, [{}]),
      () => read(spy, bad, 30, 1),
      () => setVt(spy, bad, 1, 0),
      () => deleteMessages(spy, bad, [1]),
      () => archive(spy, bad, [1]),
      () => metrics(spy, 'Upper'),
    ];
    for (const attempt of attempts) {
      const err = await attempt().then(() => null, (e: unknown) => e);
      expect(isTaskerError(err, 'QUEUE_NAME_INVALID')).toBe(true);
    }
    expect(calls).toEqual([]);
    await expect(send(db, 'x'.repeat(48), {})).rejects.toMatchObject({ code: 'QUEUE_NAME_INVALID' });
  });

  it('NOTIFY from another connection wakes a waiting Waker', async () => {
    const queue = freshQueue('notify');
    const waker = createWaker({ db, queues: [queue], pollIntervalMs: 30_000, maxPollIntervalMs: 30_000, useNotify: true });
    await waker.start();
    const producer = await backend.other();
    try {
      const woken = waker.wait();
      await send(producer.db, queue, { wake: true });
      expect(await woken).toBe('notify');
    } finally {
      await producer.close();
      await waker.stop();
    }
  });

  it('coalesces notifications for one queue within a transaction', async () => {
    const queue = freshQueue('coalesce');
    const payloads: string[] = [];
    const unlisten = await db.listen(notifyChannel(queue), (p) => payloads.push(p));
    expect(unlisten).not.toBeNull();
    const producer = await backend.other();
    try {
      await producer.db.transaction(async (tx) => {
        await send(tx, queue, 1);
        await sendBatch(tx, queue, [2, 3]);
        await send(tx, queue, 4);
      });
      await send(producer.db, queue, 'marker'); // committed later, so delivered after the transaction's
      await waitFor(() => payloads.length >= 2, { what: 'two notifications' });
      expect(payloads).toEqual([queue, queue]);
    } finally {
      await unlisten!();
      await producer.close();
    }
  });
});

function stubDb(listen: Db['listen']): Pick<Db, 'listen'> {
  return { listen };
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger & { warnings: string[] } = {
    warnings,
    debug() {},
    info() {},
    warn: (m) => void warnings.push(m),
    error() {},
    child: () => logger,
  };
  return logger;
}

describe('Waker', () => {
  const noListen = stubDb(async () => null);

  it('does not lose a wake() that arrives before wait()', async () => {
    const waker = createWaker({ db: noListen, queues: ['q'], pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, useNotify: false });
    waker.wake();
    waker.wake();
    expect(await waker.wait()).toBe('notify');
    const next = waker.wait();
    waker.wake();
    expect(await next).toBe('notify');
    await waker.stop();
  });

  it('falls back to polling with one warning when LISTEN is unavailable', async () => {
    const logger = recordingLogger();
    const waker = createWaker({ db: noListen, queues: ['a', 'b', 'c'], pollIntervalMs: 5, maxPollIntervalMs: 5, useNotify: true, logger });
    await waker.start();
    await waker.start();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/LISTEN/);
    expect(await waker.wait()).toBe('timer');
    await waker.stop();
  });

  it('warns once per database behind a pooler, naming the pooler and the way out, however many wakers', async () => {
    const logger = recordingLogger();
    const pooled = { listen: async () => null, pooled: true };
    const wakers = [1, 2].map(() => createWaker({ db: pooled, queues: ['a'], pollIntervalMs: 5, maxPollIntervalMs: 5, useNotify: true, logger }));
    for (const w of wakers) await w.start();
    expect(logger.warnings).toEqual(['LISTEN does not work through a transaction-pooling connection pooler (PgBouncer); falling back to polling']);
    for (const w of wakers) await w.stop();
  });

  it('looks for work (wakes) when a lost LISTEN is re-established, not when it is first set up', async () => {
    let onListen: (() => void) | undefined;
    const db = stubDb(async (_channel, _notify, listened) => {
      onListen = listened;
      listened?.(); // the first LISTEN
      return async () => {};
    });
    const waker = createWaker({ db, queues: ['r'], pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, useNotify: true });
    await waker.start();
    let settled = false;
    const waiting = waker.wait().then((r) => ((settled = true), r));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    onListen!(); // postgres.js re-LISTENed on a new connection
    expect(await waiting).toBe('notify');
    await waker.stop();
  });

  it('doubles the poll interval after empty polls up to the maximum and resets it on work', async () => {
    const waker = createWaker({ db: noListen, queues: ['q'], pollIntervalMs: 100, maxPollIntervalMs: 750, useNotify: false });
    const seen = [waker.currentIntervalMs()];
    for (let i = 0; i < 5; i++) {
      waker.markIdle(false);
      seen.push(waker.currentIntervalMs());
    }
    expect(seen).toEqual([100, 100, 200, 400, 750, 750]);
    waker.markIdle(true);
    expect(waker.currentIntervalMs()).toBe(100);
    await waker.stop();
  });

  it('resolves waits with stopped once stopped, and unlistens', async () => {
    const channels: string[] = [];
    const unlistened: string[] = [];
    const db = stubDb(async (channel) => {
      channels.push(channel);
      return async () => void unlistened.push(channel);
    });
    const waker = createWaker({ db, queues: ['s1', 's2'], pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, useNotify: true });
    await waker.start();
    expect(channels).toEqual(['tq_s1', 'tq_s2']);
    const waiting = waker.wait();
    await waker.stop();
    expect(await waiting).toBe('stopped');
    expect(await waker.wait()).toBe('stopped');
    expect(unlistened.sort()).toEqual(['tq_s1', 'tq_s2']);
  });

  it('is woken through the in-process WakeBus by queue name', async () => {
    const bus = createWakeBus();
    const waker = createWaker({ db: noListen, queues: ['bus_q'], pollIntervalMs: 60_000, maxPollIntervalMs: 60_000, useNotify: false, bus });
    await waker.start();
    const waiting = waker.wait();
    bus.wake('other_q');
    bus.wake('bus_q');
    expect(await waiting).toBe('notify');
    await waker.stop();
    bus.wake('bus_q'); // unsubscribed: no pending wake-up is left behind
    expect(await waker.wait()).toBe('stopped');
  });

  it('rejects invalid queue names', () => {
    expect(() => createWaker({ db: noListen, queues: ['Bad'], pollIntervalMs: 1, maxPollIntervalMs: 1, useNotify: false })).toThrow(/invalid queue name/);
  });
});
