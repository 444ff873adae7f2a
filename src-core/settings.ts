/**
 * Settings: the only owner of `config.json`'s `settings`. Reads come from the config
 * store's in-memory copy (parsed once, re-read only when config.json changed on disk,
 * for instance because the CLI changed a setting beside the running app), so asking
 * for a setting on every request costs a stat, not a parse. Writes validate the patch,
 * save, and announce the result with `settings-changed`.
 */
import { SettingsPatchSchema, SettingsSchema, type Settings } from '../src-shared/base-schemas.js';
import type { Config, ConfigStore } from './config/types.js';
import type { EventBus } from './events.js';
import { parseInput } from './validate.js';

export interface SettingsService {
  get(): Promise<Settings>;
  /** Applies a validated patch; `null` clears an optional setting (the default profile). */
  update(patch: unknown): Promise<Settings>;
}

export function createSettingsService(deps: { config: ConfigStore; events: EventBus }): SettingsService {
  // One parse per config object: the store hands out the same frozen object until the file changes.
  const parsed = new WeakMap<Config, Settings>();

  function settingsOf(config: Config): Settings {
    let settings = parsed.get(config);
    if (!settings) {
      settings = SettingsSchema.parse(config.settings ?? {});
      parsed.set(config, settings);
    }
    return settings;
  }

  return {
    async get() {
      return settingsOf(await deps.config.read());
    },
    async update(patch) {
      const changes = parseInput(SettingsPatchSchema, patch, 'Invalid settings') as Record<string, unknown>;
      const next = await deps.config.update((cfg) => {
        const merged: Record<string, unknown> = { ...cfg.settings };
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) delete merged[key];
          else if (value !== undefined) merged[key] = value;
        }
        cfg.settings = SettingsSchema.parse(merged);
        return cfg;
      });
      const result = settingsOf(next);
      deps.events.emit({ type: 'settings-changed', settings: result });
      return result;
    },
  };
}
