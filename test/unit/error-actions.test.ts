/**
 * The app's actions (ERROR_ACTIONS) are read by people without a terminal: none may tell
 * them to run a CLI command. The CLI's tables say the same things in terms of commands.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_ACTIONS, ERROR_CODES } from '../../src-shared/errors.js';
import { cliAction } from '../../src-cli/report.js';

describe('error actions', () => {
  it('the app never names a CLI command', () => {
    for (const code of ERROR_CODES) expect(ERROR_ACTIONS[code], code).not.toMatch(/`?tessera [a-z]/);
  });

  it('the CLI fits its hints to the command and the profile that ran', () => {
    expect(cliAction('CREDENTIALS_REJECTED', { command: 'profile add', profile: 'lab' })).toContain('nothing was saved');
    expect(cliAction('CREDENTIALS_REJECTED', { command: 'token', profile: 'lab' })).toContain('tessera profile rotate lab');
    expect(cliAction('INVALID_INPUT', { command: 'cases', profile: 'lab' })).toContain('`tessera cases --help`');
    expect(cliAction('NOT_FOUND', { command: 'sync', profile: 'lab' })).not.toContain('Check the id');
    for (const code of ERROR_CODES) expect(cliAction(code, { command: 'token', profile: 'lab' }), code).not.toMatch(/<command>|<name>/);
  });
});
