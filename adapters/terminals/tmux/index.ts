export { createTmuxRuntime, type TmuxRuntime, type TmuxRuntimeEvent, type TmuxRuntimeOptions } from './runtime.js';
export { tmux, quoteTmuxArgument, TmuxCommandError, type TmuxServer } from './exec.js';
