// Electron main process entry: composition root (see the Electron-shell issue).
import { app } from 'electron';

app.whenReady().then(() => undefined);
