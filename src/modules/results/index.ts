export { sealedResult } from './content.ts';
export { verifyResult } from './statement.ts';
