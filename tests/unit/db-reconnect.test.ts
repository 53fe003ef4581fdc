// The waits that bound recovery after a database outage (src/db/reconnect.ts).
import { describe, expect, it } from 'vitest';
import { MAX_RECONNECT_BACKOFF_SECONDS, MAX_RETRY_DELAY_MS, attemptTimeoutSeconds, reconnectBackoffSeconds, retryDelayMs } from '../../src/db/reconnect.ts';

const low = () => 0;
const high = () => 0.999999;

describe('loop retry delays', () => {
  it('start at tens of milliseconds, double, and never exceed a second however long the outage', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, high))).toEqual([50, 100, 200, 400, 800]);
    for (const n of [6, 7, 20, 1000]) expect(retryDelayMs(n, high)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('are jittered between half and all of the step, so processes do not retry in lockstep', () => {
    expect(retryDelayMs(10, low)).toBe(MAX_RETRY_DELAY_MS / 2);
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(10)));
    expect(seen.size).toBeGreaterThan(5);
    for (const d of seen) expect(d).toBeGreaterThanOrEqual(500);
  });
});

describe('postgres.js reconnect backoff', () => {
  it('stays under a quarter second even after many failed attempts of the pool', () => {
    for (const retries of [0, 1, 5, 50]) expect(reconnectBackoffSeconds(retries, high)).toBeLessThanOrEqual(MAX_RECONNECT_BACKOFF_SECONDS);
    expect(reconnectBackoffSeconds(0, high)).toBeCloseTo(0.02);
  });
});

describe('per-attempt connect timeout', () => {
  it('is at least 2 s, four times the first handshake, and never more than connect_timeout_seconds', () => {
    expect(attemptTimeoutSeconds(10, 3)).toBe(2);
    expect(attemptTimeoutSeconds(10, 1200)).toBe(5);
    expect(attemptTimeoutSeconds(10, 9000)).toBe(10);
    expect(attemptTimeoutSeconds(1, 3)).toBe(1);
  });
});
