/**
 * Stores on the emulators shaped like the deployed ones: an S3 bucket with Object Lock (which
 * turns on versioning), a default retention and default SSE-KMS with a customer key; a KMS
 * ECC_NIST_P256 SIGN_VERIFY key for manifest signatures (with the alias synth names); an Azurite
 * account and container.
 */
import { CreateBucketCommand, PutBucketEncryptionCommand, PutObjectLockConfigurationCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";

/** Dummy credentials for moto, in the SDK's standard environment variables. */
export const MOTO_ENV = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_SESSION_TOKEN: "testing" } as const;

export function s3Client(endpoint: string, region: string): S3Client {
  return new S3Client({ region, endpoint, forcePathStyle: true, credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY } });
}

export function kmsClient(endpoint: string, region: string): KMSClient {
  return new KMSClient({ region, endpoint, credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY } });
}

/** A bucket like EncryptedStore's: Object Lock (COMPLIANCE, 1 day by default), versioning, SSE-KMS by default. */
export async function createWormBucket(endpoint: string, region: string, bucket: string): Promise<void> {
  const s3 = s3Client(endpoint, region);
  const kms = kmsClient(endpoint, region);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true, CreateBucketConfiguration: { LocationConstraint: region as never } }));
  await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 1 } } } }));
  const key = await kms.send(new CreateKeyCommand({ Description: `store key of ${bucket}` }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: key.KeyMetadata!.Arn! }, BucketKeyEnabled: true }] },
    }),
  );
}

/**
 * A KMS key for manifest signatures (ECC_NIST_P256, SIGN_VERIFY), and, given `alias`
 * (`alias/<name>`), that alias pointing at it, as the stacks create it; returns the key's ARN.
 */
export async function createSigningKey(endpoint: string, region: string, alias?: string): Promise<string> {
  const kms = kmsClient(endpoint, region);
  const out = await kms.send(new CreateKeyCommand({ KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY", Description: "manifest signing" }));
  if (alias) await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: out.KeyMetadata!.KeyId! }));
  return out.KeyMetadata!.Arn!;
}

/** A fixed base64 key for an extra Azurite account (Azurite takes any base64 key). */
export const AZURITE_KEY = Buffer.from("data-embassy-test-account-key-0123456789").toString("base64");

/** The connection string the CLI reads for an Azurite account (AZURE_STORAGE_CONNECTION_STRING). */
export function azuriteConnectionString(endpoint: string, account: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint}/${account};`;
}

export function blobService(endpoint: string, account: string): BlobServiceClient {
  return new BlobServiceClient(`${endpoint}/${account}`, new StorageSharedKeyCredential(account, AZURITE_KEY));
}

export async function createContainer(endpoint: string, account: string, container: string): Promise<void> {
  await blobService(endpoint, account).getContainerClient(container).create();
}
