/**
 * The demo tenant: the embedded simulator, started on 127.0.0.1 (an ephemeral port)
 * the first time the core asks for it, so a new user sees every feature working
 * without an Illumina account. Stopped when the app quits.
 */
interface DemoEndpoint {
  icaUrl: string;
  tssUrl: string;
  domain: string;
  apiKey: string;
}

interface StartedSim {
  icaBaseUrl: string;
  tssBaseUrl: string;
  demo: { domain: string; apiKey: string };
  close(): Promise<void> | void;
}

export type StartSim = (options: { port?: number; host?: string }) => Promise<StartedSim>;

export interface DemoPort {
  /** The Ports.demo function: starts the simulator once, then returns the same endpoint. */
  start(): Promise<DemoEndpoint>;
  stop(): Promise<void>;
}

export function createDemoPort(startSim: StartSim): DemoPort {
  let running: Promise<StartedSim> | null = null;
  return {
    async start() {
      running ??= startSim({ port: 0, host: '127.0.0.1' });
      let sim: StartedSim;
      try {
        sim = await running;
      } catch (error) {
        // A failed start (port trouble) may be retried by the next request.
        running = null;
        throw error;
      }
      return { icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, domain: sim.demo.domain, apiKey: sim.demo.apiKey };
    },
    async stop() {
      const current = running;
      running = null;
      if (!current) return;
      try {
        await (await current).close();
      } catch {
        // Quitting: a simulator that failed to start or close has nothing left to stop.
      }
    },
  };
}
