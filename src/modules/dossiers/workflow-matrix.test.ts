import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../authz/roles.ts';
import { offerBirthRegistration, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type TestSystem } from '../../../test/harness.ts';
import type { UnitRow } from '../units/units.tables.ts';
import { DOSSIER_ACTIONS, DOSSIER_STATUSES, TRANSITIONS, type DossierAction, type DossierStatus } from '../../../common/dossier-workflow.ts';

/**
 * The workflow's rules written out independently of common/dossier-workflow.ts: who may take each step, and from which seat (the
 * receiving desk or the processing unit). The matrix below tries every action with every role placed at every kind
 * of unit, and every action in every status.
 */
const WHO: Record<DossierAction, { roles: Role[]; seat: 'desk' | 'processing'; status: DossierStatus }> = {
  not_accept: { roles: ['reception_officer'], seat: 'desk', status: 'received' },
  assign: { roles: ['reception_officer'], seat: 'desk', status: 'received' },
  transfer: { roles: ['processing_officer', 'leader'], seat: 'processing', status: 'processing' },
  request_supplement: { roles: ['processing_officer', 'leader'], seat: 'processing', status: 'processing' },
  receive_supplement: { roles: ['reception_officer'], seat: 'desk', status: 'supplement_requested' },
  request_payment: { roles: ['processing_officer', 'leader'], seat: 'processing', status: 'processing' },
  record_payment: { roles: ['reception_officer'], seat: 'desk', status: 'financial_obligation' },
  withdraw: { roles: ['reception_officer'], seat: 'desk', status: 'received' },
  apologize: { roles: ['processing_officer', 'leader'], seat: 'processing', status: 'processing' },
  stop: { roles: ['leader'], seat: 'processing', status: 'processing' },
  approve: { roles: ['leader'], seat: 'processing', status: 'processing' },
  return_result: { roles: ['reception_officer'], seat: 'desk', status: 'settled' },
};
const DOSSIER_ROLES: Role[] = ['reception_officer', 'processing_officer', 'leader'];
const ROLES: Role[] = [...DOSSIER_ROLES, 'unit_admin', 'inspector'];
const PLACES = ['desk', 'processing', 'elsewhere', 'province'] as const;
type Place = (typeof PLACES)[number];

let sys: TestSystem;
let procedureId: string;
let boss: Client;
let unitOf: Record<Place, UnitRow>;
const clients = new Map<string, Client>();

const body = (action: DossierAction) => ({
  reason: TRANSITIONS[action].reason ? 'Lý do ghi trên phiếu' : undefined,
  unitId: action === 'assign' ? unitOf.processing.id : action === 'transfer' ? unitOf.elsewhere.id : undefined,
  newDueDate: action === 'apologize' ? '2026-12-31' : undefined,
});

/** Steps by an officer who may do everything, to bring a new dossier to a status. */
const PATH: Record<DossierStatus, DossierAction[]> = {
  received: [],
  processing: ['assign'],
  supplement_requested: ['assign', 'request_supplement'],
  financial_obligation: ['assign', 'request_payment'],
  settled: ['assign', 'approve'],
  result_returned: ['assign', 'approve', 'return_result'],
  not_accepted: ['not_accept'],
  withdrawn: ['withdraw'],
  stopped: ['assign', 'stop'],
};
async function dossierIn(status: DossierStatus): Promise<string> {
  const { id } = await receive(boss, procedureId, unitOf.desk.id);
  for (const step of PATH[status]) {
    const res = await boss.post(`/api/dossiers/${id}/${step}`, body(step));
    if (res.statusCode !== 200) throw new Error(`${step}: ${res.body}`);
  }
  return id;
}

beforeAll(async () => {
  // each sign-in moves the clock half a minute (fresh one-time codes): 21 officers outlast the 10-minute idle lock
  sys = await startTestSystem({ MOTCUA_SESSION_IDLE_MINUTES: '60' });
  procedureId = await offerBirthRegistration(sys);
  unitOf = { desk: sys.communes[0]!, processing: sys.communes[1]!, elsewhere: sys.communes[2]!, province: sys.province };
  boss = await sys.signedIn(await sys.officer({ username: 'm.boss', unit: sys.province, roles: ['reception_officer', 'leader'] }), '10.10.0.1');
  let n = 0;
  for (const role of ROLES) {
    for (const place of PLACES) {
      n += 1;
      clients.set(`${role}@${place}`, await sys.signedIn(await sys.officer({ username: `m.${n}`, unit: unitOf[place], roles: [role] }), `10.10.1.${n}`));
    }
  }
}, 120_000);
afterAll(() => sys.close());

const covers = (place: Place, seat: 'desk' | 'processing') => place === 'province' || place === seat;

describe('R18: every transition allowed or refused per role and unit (generated matrix)', () => {
  for (const action of DOSSIER_ACTIONS) {
    it(`${action}: only ${WHO[action].roles.join(' / ')} at the ${WHO[action].seat} (or above) may; others get 403, or 404 when the dossier is not theirs to see`, async () => {
      const { roles, seat, status } = WHO[action];
      let dossier = await dossierIn(status);
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const role of ROLES) {
        for (const place of PLACES) {
          // the processing unit is a stranger to a dossier not yet assigned to it
          const related = place === 'province' || place === 'desk' || (place === 'processing' && status !== 'received');
          const visible = DOSSIER_ROLES.includes(role) && related;
          const allowed = roles.includes(role) && covers(place, seat);
          const res = await clients.get(`${role}@${place}`)!.post(`/api/dossiers/${dossier}/${action}`, body(action));
          outcomes.push(`${role}@${place}: ${res.statusCode}`);
          expected.push(`${role}@${place}: ${allowed ? 200 : visible ? 403 : 404}`);
          if (res.statusCode === 200) dossier = await dossierIn(status);
        }
      }
      expect(outcomes).toEqual(expected);
    }, 60_000);
  }
});

describe('every action in every status: only the workflow’s moves are possible (409 otherwise, nothing changes)', () => {
  it('refuses each action from each status it does not start from', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const status of DOSSIER_STATUSES) {
      const id = await dossierIn(status);
      for (const action of DOSSIER_ACTIONS) {
        if ((TRANSITIONS[action].from as readonly DossierStatus[]).includes(status)) continue;
        // the status is checked before the seat, so even an unassigned dossier answers 409 to processing steps
        const res = await boss.post(`/api/dossiers/${id}/${action}`, body(action));
        outcomes.push(`${status} → ${action}: ${res.statusCode}`);
        expected.push(`${status} → ${action}: 409`);
      }
      expect((await boss.get(`/api/dossiers/${id}`)).json().status, status).toBe(status);
    }
    expect(outcomes).toEqual(expected);
  }, 120_000);
});
