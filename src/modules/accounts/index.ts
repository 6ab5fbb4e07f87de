export { changePassword, findAccountById, findAccountByUsername, grantsOf, hashRecoveryCode, holdersOf, insertAccount, insertGrant, loadActor, lockDormantAccounts, mayEndSessionsOf, passwordExpired } from './accounts.service.ts';
export type { AccountInput } from './accounts.service.ts';
export { acceptOtpStep, enableOtp, grantsView, markSignedIn, officersView, reactivateAccount, statusForUpdate, storeOtpSeed, useRecoveryCode } from './accounts.repo.ts';
export type { AccountStatus } from './accounts.schemas.ts';
export { RESET_TAKES_EFFECT } from './credential-resets.service.ts';
export { assertStrongPassword, generateOneTimePassword, verifyDecoy, verifyPassword } from './passwords.ts';
