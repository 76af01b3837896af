import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultKey } from "@cdktf/provider-azurerm/lib/key-vault-key";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { AzapiResource } from "../../../lib/azure/azapi/resource";
import { CustodyKey } from "../../../lib/azure/custody-key";
import type { ICustodyKeyVault } from "../../../lib/azure/key-vault";
import { TerraformResource } from "cdktf";
import type { Construct } from "constructs";
import { Network } from "../../../lib/aws/network";
import { CUSTODY } from "../../fixtures";
import { AZURE_ADMIN, awsSite, checkRule, linkedStores } from "../helpers";

/** The one Terraform resource at `path` below `scope` (construct ids joined by '/'). */
function only(scope: Construct, path: string): TerraformResource {
  const resource = path.split("/").reduce((c: Construct, id) => c.node.findChild(id), scope);
  if (!(resource instanceof TerraformResource)) throw new Error(`${path} is not a Terraform resource`);
  return resource;
}

const RULE = "EMB-S07";

/** A custody vault as CustodyKey sees it (the key needs only its ARM id). */
const VAULT: ICustodyKeyVault = {
  vaultId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v",
  vaultUri: "https://v.vault.azure.net/",
  keyAdministrators: [AZURE_ADMIN],
  keyAdministration: [],
};

describe("EMB-S07 StatefulResourceIsRetained", () => {
  test("the store's bucket and key and the log bucket are retained, with the buckets' ownership controls and the store's access logging", () => {
    // 2 buckets, 1 key, 2 aws_s3_bucket_ownership_controls, 1 aws_s3_bucket_logging
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 6, compliant: 6, nonCompliant: 0 });
  });

  test("the replication configuration of a ReplicationLink and the flow log of a Network are retained", () => {
    const synth = (build: (s: Construct) => void) => checkRule(RULE, build);
    // the link's three buckets (log, source, target) and two keys, 3 ownership controls, 2 loggings, 1 replication configuration
    expect(synth((s) => linkedStores(s)).summary).toMatchObject({ checked: 11, compliant: 11 });
    const withNetwork = synth((s) => {
      const { logBucket } = awsSite(s);
      new Network(s, "Network", { custody: CUSTODY, cidr: "10.10.0.0/16", region: "eu-south-2", logBucket });
    });
    expect(withNetwork.summary).toMatchObject({ checked: 7, compliant: 7 });
  });

  test.each([
    ["aws_s3_bucket_replication_configuration", "site/Link/Resource", (s: Construct) => linkedStores(s).resource],
    ["aws_s3_bucket_logging", "site/Store/AccessLogging", (s: Construct) => only(awsSite(s).store, "AccessLogging")],
    ["aws_s3_bucket_ownership_controls", "site/Logs/Bucket/Ownership", (s: Construct) => only(awsSite(s).logBucket, "Bucket/Ownership")],
    ["aws_flow_log", "site/Network/FlowLog", (s: Construct) => only(new Network(s, "Network", { custody: CUSTODY, cidr: "10.10.0.0/16", region: "eu-south-2", logBucket: awsSite(s).logBucket }), "FlowLog")],
  ])("fails when the library's %s loses prevent_destroy through an override", (type, path, pick) => {
    const result = checkRule(RULE, (s) => pick(s).addOverride("lifecycle.prevent_destroy", false));
    expect(result.findings.map((f) => f.message)).toEqual([
      `[EMB-S07] ${path} (${type}): lifecycle.prevent_destroy is not true. Fix: set lifecycle { prevent_destroy = true } (and never force_destroy) on every resource holding data or keys, including Key Vault keys created as azapi_resource, and on S3 replication, access-logging and ownership configurations and VPC flow logs`,
    ]);
  });

  test("Azure stores, vaults and keys with prevent_destroy are compliant", () => {
    const protect = { lifecycle: { preventDestroy: true } };
    const result = checkRule(RULE, (s) => {
      new StorageAccount(s, "Account", { name: "a", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS", ...protect });
      const v = new KeyVault(s, "Vault", { name: "v", resourceGroupName: "rg", location: "westeurope", tenantId: "t", skuName: "premium", ...protect });
      new KeyVaultKey(s, "Key", { name: "k", keyVaultId: v.id, keyType: "RSA-HSM", keySize: 3072, keyOpts: ["wrapKey"], ...protect });
    });
    expect(result.summary).toMatchObject({ checked: 3, compliant: 3 });
  });

  test("an Azure CustodyKey (an azapi Key Vault key) is retained; azapi resources of other types are not applicable", () => {
    const result = checkRule(RULE, (s) => {
      new CustodyKey(s, "Key", { vault: VAULT, keyName: "brp" });
      new AzapiResource(s, "Group", { type: "Microsoft.Resources/resourceGroups@2024-03-01", name: "rg", parentId: "/subscriptions/x", location: "westeurope" });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("fails on a bucket that can be destroyed, with everything in it", () => {
    const result = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw", forceDestroy: true }));
    expect(result.findings[0].message).toMatch(
      /^\[EMB-S07\] site\/Bucket \(aws_s3_bucket\): lifecycle\.prevent_destroy is not true; force_destroy is true, not false\. Fix: set lifecycle \{ prevent_destroy = true \}/,
    );
  });

  test("fails on an unprotected key and key vault key", () => {
    const result = checkRule(RULE, (s) => {
      new KmsKey(s, "Key", { enableKeyRotation: true });
      new KeyVaultKey(s, "VaultKey", { name: "k", keyVaultId: "/x", keyType: "RSA", keySize: 3072, keyOpts: ["wrapKey"] });
    });
    expect(result.findings.map((f) => [f.path, f.resourceType])).toEqual([
      ["site/Key", "aws_kms_key"],
      ["site/VaultKey", "azurerm_key_vault_key"],
    ]);
  });

  test("fails when an azapi Key Vault key (type in any case) can be destroyed", () => {
    const result = checkRule(RULE, (s) =>
      new AzapiResource(s, "VaultKey", { type: "microsoft.keyvault/vaults/Keys@2023-07-01", name: "k", parentId: VAULT.vaultId, body: { properties: { kty: "RSA-HSM", keySize: 3072 } } }),
    );
    expect(result.findings.map((f) => f.message)).toEqual([
      "[EMB-S07] site/VaultKey (azapi_resource): lifecycle.prevent_destroy is not true. Fix: set lifecycle { prevent_destroy = true } (and never force_destroy) on every resource holding data or keys, including Key Vault keys created as azapi_resource, and on S3 replication, access-logging and ownership configurations and VPC flow logs",
    ]);
  });

  test("fails when the library's CustodyKey loses prevent_destroy through an override", () => {
    const result = checkRule(RULE, (s) => new CustodyKey(s, "Key", { vault: VAULT, keyName: "brp" }).resource.addOverride("lifecycle.prevent_destroy", false));
    expect(result.findings.map((f) => [f.path, f.resourceType])).toEqual([["site/Key/Resource", "azapi_resource"]]);
    expect(result.problems).toEqual(["lifecycle.prevent_destroy is not true"]);
  });
});
