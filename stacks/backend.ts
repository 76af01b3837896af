import { dirname, join, relative, resolve, sep } from "node:path";
import { App, LocalBackend, S3Backend, type TerraformStack } from "cdktf";

/** Where Terraform keeps each stack's state. */
export type BackendConfig =
  | {
      /** Discriminant: state files on the local disk, one per stack (development, tests, a single operator). */
      readonly kind: "local";
      /**
       * The folder that holds the state files (`terraform.<stack>.tfstate`), relative to the
       * current working directory or absolute. The synthesized configuration names it relative to
       * each stack's folder, so it is the same on every machine as long as this folder keeps its
       * place next to the output.
       * @default - the folder that contains the output folder (the project root for `npm run synth` and `cdktf synth`)
       */
      readonly directory?: string;
    }
  | {
      /** Discriminant: state in an S3 bucket, encrypted, one key per stack, with locking. */
      readonly kind: "s3";
      /** Existing state bucket (versioned, encrypted, in the custody account). */
      readonly bucket: string;
      /** The AWS region of the state bucket (and of the lock table, when given), e.g. `eu-central-1`. */
      readonly region: string;
      /**
       * KMS key (id, ARN or alias) that encrypts the state objects.
       * @default - S3's default encryption of the bucket applies
       */
      readonly kmsKeyId?: string;
      /**
       * A DynamoDB table for state locking.
       * @default - S3-native lock files (`use_lockfile`, Terraform 1.10 or later)
       */
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
    // Relative to the stack's folder, so the output is the same on every machine (cdktf's own
    // default is an absolute path under the working directory). The cdktf CLI runs Terraform in
    // <outdir>/stacks/<stack>/; Terraform resolves a local backend's `path` from the root module
    // (developer.hashicorp.com/terraform/language/backend/local: "relative to the root module"),
    // and cdktf gives a stack reading another's outputs a terraform_remote_state (backend local)
    // with the same `path` (cdktf lib/backends/local-backend.js, getRemoteStateDataSource), which
    // Terraform resolves from that reading stack's folder: every stack folder is at the same
    // depth, so both name the same file. test/stacks/local-state.test.ts resolves every one.
    // The state stays outside the output folder, which every synth replaces (synth.ts).
    const outdir = resolve(App.of(stack).outdir);
    const stackDir = join(outdir, "stacks", stackName);
    const file = resolve(config.directory ?? dirname(outdir), `terraform.${stackName}.tfstate`);
    new LocalBackend(stack, { path: relative(stackDir, file).split(sep).join("/") });
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
