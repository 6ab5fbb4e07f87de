export { verifyResult } from './statement.ts';
