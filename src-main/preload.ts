// Preload: exposes exactly the contract as window.tessera (see the Electron-shell issue).
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('tessera', {});
