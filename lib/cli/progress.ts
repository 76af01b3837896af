/**
 * Transfer progress: bars from cli-progress on an interactive terminal, nothing otherwise (logs,
 * pipes, --json), so scripted output stays exactly what the commands print.
 */
import { MultiBar, Presets } from "cli-progress";

export interface Bar {
  add(bytes: number): void;
  done(): void;
}

export interface Progress {
  bar(label: string, totalBytes: number): Bar;
  stop(): void;
}

const silentBar: Bar = { add: () => {}, done: () => {} };

export function progressFor(stream: NodeJS.WriteStream, enabled: boolean): Progress {
  if (!enabled || !stream.isTTY) return { bar: () => silentBar, stop: () => {} };
  const multi = new MultiBar(
    { stream, format: "{label} [{bar}] {percentage}% | {valueMiB}/{totalMiB} MiB | {eta_formatted}", hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  const mib = (n: number) => (n / 1048576).toFixed(1);
  return {
    bar(label, totalBytes) {
      let value = 0;
      const b = multi.create(Math.max(totalBytes, 1), 0, { label: label.padEnd(12), valueMiB: mib(0), totalMiB: mib(totalBytes) });
      return {
        add(n) {
          value += n;
          b.update(value, { valueMiB: mib(value) });
        },
        done() {
          b.update(Math.max(totalBytes, 1), { valueMiB: mib(totalBytes) });
        },
      };
    },
    stop: () => multi.stop(),
  };
}
