import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ MOTCUA_PUBLIC_PER_MINUTE: '3' });
});
afterAll(() => sys.close());

describe('issue 13: the public routes have a rate limit', () => {
  it('should not let one address try result codes or unit keys without limit (429 in the API’s shape), nor stop another', async () => {
    const prober = sys.client('203.0.113.7');
    const codes = [0, 1, 2].map(async (i) => (await prober.get(`/api/results/01840.MC-260302-000${i}-KQ1/verify`)).statusCode);
    expect(await Promise.all(codes)).toEqual([404, 404, 404]);
    const refused = await prober.get('/api/results/01840.MC-260302-0009-KQ1/verify');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringMatching(/^Quá nhiều yêu cầu/), messageEn: expect.stringMatching(/^Too many requests/) } });
    expect((await sys.client('203.0.113.8').get(`/api/units/${crypto.randomUUID()}/result-key`)).statusCode).toBe(404);
    // the limit is the address's, per route
    for (let i = 0; i < 3; i++) await prober.get(`/api/units/${crypto.randomUUID()}/result-key`);
    expect((await prober.get(`/api/units/${crypto.randomUUID()}/result-key`)).statusCode).toBe(429);
    expect((await sys.client('10.0.0.1').get('/api/health')).statusCode).toBe(200);
  });
});
