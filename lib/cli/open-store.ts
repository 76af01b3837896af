import type { ObjectStore, TransferOptions } from "./store";
import type { StoreRef } from "./targets";

/**
 * The store client for a target; each cloud's SDK is loaded only when a store of that cloud is
 * used (a push to S3 alone never loads the Azure SDK, and the reverse).
 */
export function openStore(ref: StoreRef, transfer: TransferOptions, env: NodeJS.ProcessEnv, endpoint?: string): ObjectStore {
  if (ref.cloud === "aws") {
    const { S3Store } = require("./s3-store") as typeof import("./s3-store");
    return new S3Store(ref, transfer, endpoint);
  }
  const { AzureStore } = require("./azure-store") as typeof import("./azure-store");
  return new AzureStore(ref, transfer, env, endpoint);
}
