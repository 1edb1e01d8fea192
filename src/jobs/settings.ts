import { Context, Duration, Layer } from "effect"

/** Server-side runner timings (Bencher's `runners.*` config); every value is 1..900 s. */
export interface JobSettingsShape {
  /** No heartbeat for this long fails a claimed or running job (`heartbeat_timeout`). */
  readonly heartbeatTimeout: Duration.Duration
  /** Past its timeout plus this grace a job is canceled (`job_timeout_exceeded`). */
  readonly timeoutGrace: Duration.Duration
  /** How often the background writer flushes heartbeats; nothing is written when nothing changed. */
  readonly heartbeatFlushInterval: Duration.Duration
}

export const defaultJobSettings: JobSettingsShape = {
  heartbeatTimeout: Duration.seconds(30),
  timeoutGrace: Duration.seconds(60),
  heartbeatFlushInterval: Duration.seconds(1)
}

export class JobSettings extends Context.Reference<JobSettings>()("bencher/jobs/JobSettings", {
  defaultValue: () => defaultJobSettings
}) {
  static readonly layer = (settings: Partial<JobSettingsShape>) =>
    Layer.succeed(JobSettings, { ...defaultJobSettings, ...settings })
}
