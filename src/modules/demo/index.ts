export { loadDemoData } from './demo.service.ts';
