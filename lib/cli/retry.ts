import { httpStatus } from "./errors";

/** Whether an error is worth another attempt: no answer at all, a timeout, throttling or a server error. */
export function retryable(e: unknown): boolean {
  const status = httpStatus(e);
  if (status === undefined) {
    const name = (e as { name?: string; code?: string } | undefined)?.code ?? (e as { name?: string } | undefined)?.name ?? "";
    // Aborts and our own argument errors are final; network failures (ECONNRESET, ...) are not.
    return !["AbortError", "UsageError", "AccessError", "TypeError", "RangeError"].includes(name);
  }
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Runs `attempt` up to `attempts` times with exponential backoff and full jitter (0.25 s, 0.5 s,
 * 1 s, ... capped at 8 s), as the AWS SDKs' standard retry mode does
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). The SDK clients
 * are built with their own retries off, because a file stream cannot be replayed by the SDK:
 * each attempt here opens the file again.
 */
export async function withRetry<T>(attempt: () => Promise<T>, attempts = 5, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= attempts || !retryable(e)) throw e;
      await sleep(Math.random() * Math.min(8000, 250 * 2 ** (i - 1)));
    }
  }
}
