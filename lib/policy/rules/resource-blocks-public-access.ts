import { bucketParts, isLogAccount } from "../private/classify";
import { asString, blocks, field, flag, show, strings } from "../private/json";
import type { ResourceView } from "../private/resource-view";
import { outcomeOf, type ResourceRule, type RuleContext, type RuleOutcome } from "../rule";

const BLOCK_SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

function checkBucket(bucket: ResourceView, context: RuleContext): RuleOutcome {
  const blocksFound = bucketParts(context.stack, "aws_s3_bucket_public_access_block", bucket);
  if (blocksFound.length === 0) return outcomeOf(["has no aws_s3_bucket_public_access_block"]);
  const problems = blocksFound.flatMap((b) =>
    BLOCK_SETTINGS.filter((s) => flag(b.attributes[s], false) !== true).map((s) => `public access block ${s} is ${show(b.attributes[s])}, not true`),
  );
  const acl = asString(bucket.attributes.acl);
  if (acl && PUBLIC_ACLS.includes(acl)) problems.push(`acl is '${acl}'`);
  return outcomeOf(problems);
}

/** The storage account firewall admits no network at all (only trusted Azure services may pass it). */
function firewallDeniesAll(account: ResourceView): boolean {
  const rules = blocks(account.attributes.network_rules)[0];
  return (
    rules !== undefined &&
    asString(rules.default_action) === "Deny" &&
    strings(rules.ip_rules).length === 0 &&
    strings(rules.virtual_network_subnet_ids).length === 0 &&
    blocks(rules.private_link_access).length === 0
  );
}

function checkAccount(account: ResourceView, context: RuleContext): RuleOutcome {
  const a = account.attributes;
  const problems: string[] = [];
  if (flag(a.public_network_access_enabled, true) !== false) {
    // Network Watcher cannot write flow logs through a private endpoint: a log account may keep its
    // public endpoint when its firewall denies every network.
    const logException = isLogAccount(account, context.stack) && firewallDeniesAll(account);
    if (!logException) {
      problems.push(
        `public_network_access_enabled is ${show(a.public_network_access_enabled)}, not false${isLogAccount(account, context.stack) ? " (a log account may keep it only behind network_rules with default_action 'Deny' and no IP or subnet rule)" : ""}`,
      );
    }
  }
  if (flag(a.allow_nested_items_to_be_public, true) !== false) {
    problems.push(`allow_nested_items_to_be_public is ${show(a.allow_nested_items_to_be_public)}, not false`);
  }
  if (flag(a.shared_access_key_enabled, true) !== false) {
    problems.push(`shared_access_key_enabled is ${show(a.shared_access_key_enabled)}, not false (account keys and SAS bypass Entra ID)`);
  }
  return outcomeOf(problems);
}

function checkOther(resource: ResourceView): RuleOutcome {
  const a = resource.attributes;
  switch (resource.type) {
    case "aws_s3_bucket_acl": {
      const acl = asString(a.acl);
      const grants = blocks(field(a.access_control_policy, "grant")).filter((g) =>
        /AllUsers|AuthenticatedUsers/.test(asString(field(g, "grantee", "uri")) ?? ""),
      );
      return outcomeOf([
        ...(acl && PUBLIC_ACLS.includes(acl) ? [`acl is '${acl}'`] : []),
        ...(grants.length > 0 ? ["access_control_policy grants to AllUsers or AuthenticatedUsers"] : []),
      ]);
    }
    case "azurerm_key_vault":
      return outcomeOf(
        flag(a.public_network_access_enabled, true) === false ? [] : [`public_network_access_enabled is ${show(a.public_network_access_enabled)}, not false`],
      );
    default: {
      const access = asString(a.container_access_type) ?? "private";
      return outcomeOf(access === "private" ? [] : [`container_access_type is '${access}', not 'private'`]);
    }
  }
}

/**
 * EMB-S04. Nothing is reachable by the public: every S3 bucket has all four public access
 * blocks and no public ACL; every storage account has public network access off (a log account
 * may keep it behind a deny-all firewall, for Network Watcher), no public containers and no
 * shared keys; every Key Vault has public network access off.
 */
export const ResourceBlocksPublicAccess: ResourceRule = {
  kind: "resource",
  name: "ResourceBlocksPublicAccess",
  description: "No bucket, storage account, container or key vault is reachable by the public, and no shared keys exist.",
  resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_acl", "azurerm_storage_account", "azurerm_storage_container", "azurerm_key_vault"],
  evaluate: (resource, context) => {
    if (resource.type === "aws_s3_bucket") return checkBucket(resource, context);
    if (resource.type === "azurerm_storage_account") return checkAccount(resource, context);
    return checkOther(resource);
  },
};
