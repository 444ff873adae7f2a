/** Installs a fresh fake bridge and clean stores for each component test. */
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { resetApp } from '../../src-renderer/stores/app.js';
import { resetCases } from '../../src-renderer/stores/cases.js';
import { resetProfiles } from '../../src-renderer/stores/profiles.js';
import { resetSync } from '../../src-renderer/stores/sync.js';
import { resetTests } from '../../src-renderer/stores/tests.js';
import { FakeBridge } from './fake-bridge.js';

export function installBridge(): FakeBridge {
  const bridge = new FakeBridge();
  window.tessera = bridge;
  return bridge;
}

export function useFreshState(): void {
  beforeEach(() => {
    resetApp();
    resetProfiles();
    resetCases();
    resetTests();
    resetSync();
  });
  afterEach(() => {
    cleanup();
    delete window.tessera;
  });
}
