import { sessionCommand } from './pause.js';

export const run = sessionCommand('resume');
