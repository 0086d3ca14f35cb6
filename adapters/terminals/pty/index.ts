export { createPtyRuntime, type PtyRuntime, type PtyRuntimeOptions } from './runtime.js';
