export { notifyHolders } from './alerts.service.ts';
export { detect } from './detector.ts';
export { sendPendingEmails } from './mail.ts';
