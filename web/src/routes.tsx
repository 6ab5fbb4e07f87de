import type { ReactNode } from 'react';
import type { MessageKey } from './i18n.ts';
import { AccountDetailPage } from './pages/accounts/AccountDetail.tsx';
import { AccountsPage } from './pages/accounts/Accounts.tsx';
import { ChangePasswordPage } from './pages/auth/ChangePassword.tsx';
import { SessionsPage } from './pages/auth/Sessions.tsx';
import { DossierDetailPage } from './pages/dossiers/DossierDetail.tsx';
import { DossiersPage } from './pages/dossiers/Dossiers.tsx';
import { ReceptionPage } from './pages/dossiers/Reception.tsx';
import { CalendarPage } from './pages/calendar/Calendar.tsx';
import { HomePage } from './pages/Home.tsx';
import { JournalPage } from './pages/journal/Journal.tsx';
import { IntegrationsPage } from './pages/npd/Integrations.tsx';
import { NpdConnectionPage } from './pages/npd/NpdConnection.tsx';
import { NpdReconciliationPage } from './pages/npd/NpdReconciliation.tsx';
import { NpdSuspensionsPage } from './pages/npd/NpdSuspensions.tsx';
import { DetectionRulesPage } from './pages/security/DetectionRules.tsx';
import { IncidentDetailPage } from './pages/security/IncidentDetail.tsx';
import { IncidentsPage } from './pages/security/Incidents.tsx';
import { SecurityCasePage } from './pages/security/SecurityCase.tsx';
import { SecurityCasesPage } from './pages/security/SecurityCases.tsx';
import { SecurityDashboardPage } from './pages/security/SecurityDashboard.tsx';
import { OfferProcedurePage } from './pages/procedures/OfferProcedure.tsx';
import { ProcedureDetailPage } from './pages/procedures/ProcedureDetail.tsx';
import { ProceduresPage } from './pages/procedures/Procedures.tsx';
import { StatisticsPage } from './pages/statistics/Statistics.tsx';
import { UnitsPage } from './pages/units/Units.tsx';
import { match } from './router.tsx';
import { DOSSIER_PERMISSIONS } from './session.ts';

export interface Route {
  pattern: string;
  page: (params: Record<string, string>) => ReactNode;
  /** The officer needs one of these (none: every signed-in officer; the server still decides what each one sees). */
  permissions?: readonly string[];
  /** Shown in the menu under this label. */
  nav?: MessageKey;
}

/** Every page of a signed-in officer, in the menu's order: the one table the router and the menu read. */
export const ROUTES: readonly Route[] = [
  { pattern: '/', page: () => <HomePage />, nav: 'nav.home' },
  { pattern: '/reception', page: () => <ReceptionPage />, permissions: ['dossiers.receive'], nav: 'nav.reception' },
  { pattern: '/dossiers', page: () => <DossiersPage />, permissions: DOSSIER_PERMISSIONS, nav: 'nav.dossiers' },
  { pattern: '/dossiers/:id', page: ({ id }) => <DossierDetailPage key={id} id={id!} /> },
  { pattern: '/statistics', page: () => <StatisticsPage />, permissions: ['statistics.read'], nav: 'nav.statistics' },
  { pattern: '/procedures', page: () => <ProceduresPage />, permissions: ['procedures.manage', 'dossiers.receive'], nav: 'nav.procedures' },
  { pattern: '/procedures/catalogue/:code', page: ({ code }) => <OfferProcedurePage key={code} code={code!} />, permissions: ['procedures.manage', 'dossiers.receive'] },
  { pattern: '/procedures/:id', page: ({ id }) => <ProcedureDetailPage key={id} id={id!} />, permissions: ['procedures.manage', 'dossiers.receive'] },
  { pattern: '/calendar', page: () => <CalendarPage />, permissions: ['calendar.manage', 'dossiers.receive'], nav: 'nav.calendar' },
  { pattern: '/accounts', page: () => <AccountsPage />, permissions: ['accounts.read'], nav: 'nav.accounts' },
  { pattern: '/accounts/:id', page: ({ id }) => <AccountDetailPage key={id} id={id!} /> },
  { pattern: '/units', page: () => <UnitsPage />, nav: 'nav.units' },
  { pattern: '/sessions', page: () => <SessionsPage />, nav: 'nav.sessions' },
  { pattern: '/journal', page: () => <JournalPage />, permissions: ['journal.read'], nav: 'nav.journal' },
  { pattern: '/security', page: () => <SecurityDashboardPage />, permissions: ['monitoring.read'], nav: 'nav.security' },
  { pattern: '/security/cases', page: () => <SecurityCasesPage />, permissions: ['monitoring.read'], nav: 'nav.securityCases' },
  { pattern: '/security/cases/:id', page: ({ id }) => <SecurityCasePage key={id} id={id!} />, permissions: ['monitoring.read'] },
  { pattern: '/security/rules', page: () => <DetectionRulesPage />, permissions: ['monitoring.read'], nav: 'nav.securityRules' },
  { pattern: '/incidents', page: () => <IncidentsPage />, permissions: ['incidents.read'], nav: 'nav.incidents' },
  { pattern: '/incidents/:id', page: ({ id }) => <IncidentDetailPage key={id} id={id!} />, permissions: ['incidents.read'] },
  { pattern: '/npd/suspensions', page: () => <NpdSuspensionsPage />, permissions: ['npd.audit'], nav: 'nav.npdSuspensions' },
  { pattern: '/npd/reconciliation', page: () => <NpdReconciliationPage />, permissions: ['npd.audit'], nav: 'nav.npdReconciliation' },
  { pattern: '/npd/connection', page: () => <NpdConnectionPage />, permissions: ['npd.configure'], nav: 'nav.npdConnection' },
  { pattern: '/integrations', page: () => <IntegrationsPage />, permissions: ['integrations.manage'], nav: 'nav.integrations' },
  { pattern: '/password', page: () => <ChangePasswordPage />, nav: 'nav.password' },
];

export const mayOpen = (route: Route, permissions: readonly string[]) => !route.permissions || route.permissions.some((p) => permissions.includes(p));

/** The route of a path and its parameters; `forbidden` when the officer lacks its permission (a bookmark, an address typed before sign-in). */
export function resolve(path: string, permissions: readonly string[], routes: readonly Route[] = ROUTES): { route: Route; params: Record<string, string>; forbidden: boolean } | null {
  for (const route of routes) {
    const params = match(route.pattern, path);
    if (params) return { route, params, forbidden: !mayOpen(route, permissions) };
  }
  return null;
}

/** The menu's entry that holds a path: the deepest one, so /security/cases/… is under "cases", not under the dashboard. */
export function currentNav(path: string, items: readonly Route[]): string | undefined {
  return items
    .filter((item) => (item.pattern === '/' ? path === '/' : path === item.pattern || path.startsWith(`${item.pattern}/`)))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0]?.pattern;
}
