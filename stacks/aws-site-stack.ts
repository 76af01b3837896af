import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AccessPolicy } from "../lib/aws/access-policy";
import type { AwsCustody } from "../lib/aws/custody";
import { EncryptedStore } from "../lib/aws/encrypted-store";
import { LogBucket } from "../lib/aws/log-bucket";
import { Network } from "../lib/aws/network";
import { ReplicationLink } from "../lib/aws/replication-link";
import { physicalName } from "../lib/private/names";
import { registriesAt } from "../lib/topology/holdings";
import type { AwsSite, Topology } from "../lib/topology/model";
import { applyBackend, type BackendConfig } from "./backend";

export interface AwsSiteStackProps {
  readonly topology: Topology;
  /** The AWS site this stack builds. */
  readonly site: AwsSite;
  readonly backend: BackendConfig;
}

/**
 * Everything one AWS site needs: a provider pinned to the site's region and the custody
 * account, a protected log bucket, the private network, one encrypted store per registry the
 * site holds, and the per-purpose roles. The primary also gets the replication links, added
 * by {@link AwsSiteStack.replicateTo} once every target stack exists.
 */
export class AwsSiteStack extends TerraformStack {
  public readonly site: AwsSite;
  public readonly stores: ReadonlyMap<string, EncryptedStore>;
  private readonly custody: AwsCustody;
  private readonly namePrefix: string;
  private readonly links = new Map<string, ReplicationLink>();

  constructor(scope: Construct, id: string, props: AwsSiteStackProps) {
    super(scope, id);
    const { topology, site } = props;
    const custodyDoc = topology.custody.aws;
    if (!custodyDoc) throw new Error(`site '${site.id}' is on aws, but the topology has no custody.aws`);
    this.site = site;
    this.custody = { ...custodyDoc, partition: site.regionInfo.partition };
    this.namePrefix = `${topology.name}-${site.id}`;
    applyBackend(this, id, props.backend);

    new AwsProvider(this, "aws", {
      region: site.region,
      allowedAccountIds: [this.custody.accountId],
      defaultTags: [{ tags: { "embassy:topology": topology.name, "embassy:site": site.id, "embassy:role": site.role, "managed-by": "data-embassy" } }],
    });

    const logBucket = new LogBucket(this, "Logs", {
      custody: this.custody,
      bucketName: physicalName([this.namePrefix, "logs", this.custody.accountId], 63),
    });
    new Network(this, "Network", { custody: this.custody, cidr: site.cidr, region: site.region, logBucket });

    const stores = new Map<string, EncryptedStore>();
    for (const registry of registriesAt(topology, site)) {
      stores.set(
        registry.id,
        new EncryptedStore(this, `Store-${registry.id}`, {
          custody: this.custody,
          registryId: registry.id,
          bucketName: physicalName([this.namePrefix, registry.id, this.custody.accountId], 63),
          region: site.region,
          retentionDays: registry.retentionDays,
          minRetentionDays: topology.rules.minRetentionDays,
          logBucket,
        }),
      );
    }
    this.stores = stores;
    if (stores.size > 0) {
      const access = new AccessPolicy(this, "Access", {
        custody: this.custody,
        namePrefix: this.namePrefix,
        stores: [...stores.values()],
        writable: site.primary,
        // Every bucket of this site is named `<topology>-<site>-...` (physicalName keeps the head).
        bucketNamePrefix: `${this.namePrefix}-`,
      });
      for (const [purpose, role] of access.roles) {
        new TerraformOutput(this, `role-${purpose}-arn`, { value: role.roleArn, description: `ARN of the role for '${purpose}' at ${site.id}` });
      }
    }
    // Per store, what a reader or writer needs: which bucket, and the one key ARN the bucket
    // policy accepts in x-amz-server-side-encryption-aws-kms-key-id (no SSE header at all is the
    // simplest: the bucket default then encrypts with this key). Ids derive from the registry id.
    for (const [id, store] of stores) {
      new TerraformOutput(this, `store-${id}-bucket-name`, { value: store.bucketName, description: `Bucket holding registry '${id}' at ${site.id}` });
      new TerraformOutput(this, `store-${id}-bucket-arn`, { value: store.bucketArn, description: `ARN of the bucket holding registry '${id}' at ${site.id}` });
      new TerraformOutput(this, `store-${id}-key-arn`, {
        value: store.key.keyArn,
        description: `ARN of the custody key of registry '${id}' at ${site.id}: send exactly this value (not a key id or alias) in x-amz-server-side-encryption-aws-kms-key-id, or send no SSE header`,
      });
    }
  }

  /** Replicates registry `registryId` from this (primary) site to `target`'s store of it. */
  public replicateTo(registryId: string, target: AwsSiteStack): void {
    const source = this.stores.get(registryId);
    const destination = target.stores.get(registryId);
    if (!source || !destination) {
      throw new Error(`cannot replicate registry '${registryId}' from '${this.site.id}' to '${target.site.id}': a store is missing`);
    }
    let link = this.links.get(registryId);
    if (!link) {
      link = new ReplicationLink(this, `Replication-${registryId}`, {
        custody: this.custody,
        source,
        roleName: physicalName([this.namePrefix, registryId, "replication"], 64),
      });
      this.links.set(registryId, link);
      new TerraformOutput(this, `replication-${registryId}-role-arn`, {
        value: link.role.roleArn,
        description: `ARN of the role S3 assumes to replicate registry '${registryId}' from ${this.site.id}`,
      });
    }
    link.replicateTo(destination);
  }
}
