import { createPtyRuntime } from '../../../adapters/terminals/pty/index.js';
import { terminalContract } from './contract.js';

const test = terminalContract({
  name: 'pty',
  createRuntime: () => createPtyRuntime(),
  survivesDispose: false,
  cleanup: async () => undefined,
});

test.run();
