import cliProgress from "cli-progress";
import { isCi } from "./environment.ts";
import { describeLoadPoint, type LoadPoint } from "./load-point.ts";

/** Progress output of a run; the quiet form prints nothing. */
export interface RunProgress {
  trialStarted(point: LoadPoint, pointIndex: number, trialIndex: number): void;
  requestEnded(failed: boolean): void;
  stop(): void;
}

/**
 * Returns a cli-progress bar on stderr when stderr is a terminal and neither `--json` nor the `CI`
 * environment variable asks for plain output; otherwise a progress that prints nothing. The bar
 * counts seconds of the planned run time, because request counts are unknown in advance.
 */
export function createRunProgress(options: {
  readonly quiet: boolean;
  readonly totalTrials: number;
  readonly trialSeconds: number;
  readonly trials: number;
}): RunProgress {
  if (options.quiet || isCi() || process.stderr.isTTY !== true) {
    return { trialStarted: () => undefined, requestEnded: () => undefined, stop: () => undefined };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{load} trial {trial}/{trials} |{bar}| {value}/{total} s | requests {done}, failed {failed}",
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = Math.ceil(options.totalTrials * options.trialSeconds);
  let done = 0;
  let failed = 0;
  let trialStartedAt = performance.now();
  let completedBefore = 0;
  let payload = { load: "", trial: 0, trials: options.trials, done, failed };
  let timer: NodeJS.Timeout | undefined;
  let trialsStarted = 0;

  // The bar starts with the first trial, so that the mock's start and the preflight request do
  // not count as run time.
  const start = (): void => {
    bar.start(total, 0, payload);
    timer = setInterval(() => {
      const elapsed = Math.min(options.trialSeconds, (performance.now() - trialStartedAt) / 1000);
      bar.update(Math.min(total, Math.floor(completedBefore + elapsed)), { ...payload, done, failed });
    }, 250);
    timer.unref();
  };

  return {
    trialStarted(point, _pointIndex, trialIndex) {
      completedBefore = trialsStarted * options.trialSeconds;
      trialsStarted += 1;
      trialStartedAt = performance.now();
      payload = {
        load: describeLoadPoint(point),
        trial: trialIndex + 1,
        trials: options.trials,
        done,
        failed,
      };
      if (timer === undefined) start();
    },
    requestEnded(requestFailed) {
      done += 1;
      if (requestFailed) failed += 1;
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      bar.stop();
    },
  };
}
