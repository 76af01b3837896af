import { resolve } from "node:path";
import { LocalBackend, S3Backend, type TerraformStack } from "cdktf";

/** Where Terraform keeps each stack's state. */
export type BackendConfig =
  | {
      readonly kind: "local";
      /** @default - the working directory of the synth (the project root for `npm run synth`) */
      readonly directory?: string;
    }
  | {
      readonly kind: "s3";
      /** Existing state bucket (versioned, encrypted, in the custody account). */
      readonly bucket: string;
      readonly region: string;
      /** KMS key for state objects; without it S3's default encryption applies. */
      readonly kmsKeyId?: string;
      /** A DynamoDB table for locking; without it S3-native lock files are used. */
      readonly lockTable?: string;
    };

/**
 * The backend from the environment: an encrypted S3 backend with state locking when
 * `EMBASSY_STATE_BUCKET` and `EMBASSY_STATE_REGION` are set (optionally
 * `EMBASSY_STATE_KMS_KEY`, `EMBASSY_STATE_LOCK_TABLE`), else a local backend.
 */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const bucket = env.EMBASSY_STATE_BUCKET;
  if (!bucket) return { kind: "local" };
  const region = env.EMBASSY_STATE_REGION;
  if (!region) {
    throw new Error(`EMBASSY_STATE_REGION must be set with EMBASSY_STATE_BUCKET (got bucket '${bucket}' and no region)`);
  }
  return { kind: "s3", bucket, region, kmsKeyId: env.EMBASSY_STATE_KMS_KEY || undefined, lockTable: env.EMBASSY_STATE_LOCK_TABLE || undefined };
}

/** Configures `stack`'s backend; state keys are per stack, so stacks never share state. */
export function applyBackend(stack: TerraformStack, stackName: string, config: BackendConfig): void {
  if (config.kind === "local") {
    // Absolute, like cdktf's own default: Terraform runs each stack in its own folder under
    // cdktf.out/stacks/, and a stack reading another's outputs must find that stack's state.
    new LocalBackend(stack, { path: resolve(config.directory ?? process.cwd(), `terraform.${stackName}.tfstate`) });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: config.bucket,
    key: `data-embassy/${stackName}/terraform.tfstate`,
    region: config.region,
    encrypt: true,
    ...(config.kmsKeyId ? { kmsKeyId: config.kmsKeyId } : {}),
    ...(config.lockTable ? { dynamodbTable: config.lockTable } : {}),
  });
  // S3-native state locking (Terraform >= 1.10); cdktf 0.21's typed config predates the option.
  if (!config.lockTable) backend.addOverride("use_lockfile", true);
}
