export * from './regions.js';
export * from './errors.js';
export * from './schemas.js';
export * from './contract.js';
