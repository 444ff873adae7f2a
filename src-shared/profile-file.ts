/**
 * The team profile file's identity (`tessera profile export` writes it, `import` reads
 * it). On its own so the core's profile module can name it without loading the schemas.
 */
export const PROFILE_FILE_FORMAT = 'tessera-profiles';
export const PROFILE_FILE_VERSION = 1;
