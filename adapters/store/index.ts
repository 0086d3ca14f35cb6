/** The store edge: `createFileStore` for data_dir, `createMemoryStore` for specs. */
export * from './types.js';
export { createFileStore, STATE_FILE, ARCHIVE_FILE, EVENTS_FILE, type FileStoreOptions } from './file-store.js';
export { createMemoryStore, createMemoryDisk, type MemoryDisk } from './memory-store.js';
export { ensurePrivateDir, writeFileAtomic } from './files.js';
export { redactSecrets, redactText, SECRET_KEY, REDACTED } from './redact.js';
export { writeEscalation, listEscalations, escalationFileName, type EscalationRecord, type EscalationFile } from './escalations.js';
