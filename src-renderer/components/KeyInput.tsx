/**
 * API key entry: paste into a masked field or drop the .txt file the Illumina web
 * UI downloads. The file is read here (the renderer may read what the user hands
 * it) and only the extracted key is passed up; the parent sends it with
 * addProfile/replaceCredential and clears it right after.
 */
import { useId, useRef, useState } from 'react';
import { readKeyFile } from '../lib/keys.js';
import { toUiError } from '../lib/errors.js';
import { useSecretHome } from '../stores/app.js';
import { Icon } from './Icon.js';

export function KeyInput({
  value,
  onChange,
  label = 'API key',
  invalid,
  describedBy,
  autoFocus,
}: {
  value: string;
  onChange: (value: string) => void;
  label?: string;
  invalid?: boolean;
  describedBy?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [fileNote, setFileNote] = useState<string | null>(null);
  const secretHome = useSecretHome();
  const [fileError, setFileError] = useState<string | null>(null);

  async function take(file: File | undefined) {
    if (!file) return;
    setFileError(null);
    try {
      const key = await readKeyFile(file);
      if (!key) throw Object.assign(new Error('That file is empty.'), { code: 'INVALID_INPUT' });
      onChange(key);
      setFileNote(`Key read from ${file.name}`);
    } catch (error) {
      setFileNote(null);
      setFileError(error instanceof Error ? error.message : toUiError(error).message);
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  }

  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        data-testid="key-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void take(e.dataTransfer.files[0]);
        }}
      >
        <input
          id={id}
          className={`input input-mono${invalid ? ' input-invalid' : ''}`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder="Paste or drop the key file"
          aria-describedby={[hintId, describedBy].filter(Boolean).join(' ')}
          aria-invalid={invalid || undefined}
          autoFocus={autoFocus}
          onChange={(e) => {
            setFileNote(null);
            onChange(e.target.value);
          }}
        />
        <button type="button" className="button button-ghost" onClick={() => fileRef.current?.click()}>
          <Icon name="upload" /> Choose .txt file
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".txt,text/plain"
          className="visually-hidden"
          tabIndex={-1}
          aria-label={`${label} file`}
          onChange={(e) => void take(e.target.files?.[0])}
        />
      </div>
      <p id={hintId} className={fileError ? 'field-error' : 'field-hint'} role={fileError ? 'alert' : undefined}>
        {fileError ?? fileNote ?? `The key is stored in ${secretHome} and never shown again.`}
      </p>
    </div>
  );
}
