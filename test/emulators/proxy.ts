/**
 * A pass-through HTTP proxy in front of an emulator, on 127.0.0.1 and a free port, that reports
 * every answer it forwards. Tests use it to watch what a CLI run has sent from the outside (the
 * product has no test hooks): e.g. to kill the run once the server has accepted N objects.
 */
import { type IncomingMessage, createServer, request } from "node:http";
import { freePort } from "./harness";

/** One answer the upstream server gave, before it is forwarded to the client. */
export interface Exchange {
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly url: string;
  readonly status: number;
}

export interface Proxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Forwards every request to `upstream` (an `http://host:port` root) unchanged and calls
 * `onAnswer` with each answer's status before the answer is sent on, so a test can act (kill the
 * client) while the client has not yet seen it.
 */
export async function startProxy(upstream: string, onAnswer: (exchange: Exchange) => void): Promise<Proxy> {
  const target = new URL(upstream);
  const port = await freePort();
  const server = createServer((req: IncomingMessage, res) => {
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        onAnswer({ method: req.method ?? "", url: req.url ?? "", status: answer.statusCode ?? 0 });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // A killed client leaves its requests half sent: end them quietly on both sides.
    forward.on("error", () => res.destroy());
    req.on("error", () => forward.destroy());
    res.on("error", () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
