import { Construct } from "constructs";
import { AzapiResource } from "./azapi/resource";
import { AzapiResourceAction } from "./azapi/resource-action";
import type { IEncryptedStore } from "./encrypted-store";

/**
 * The ARM type of object replication policies, at the first stable API version that has
 * `properties.priorityReplication` (Azure/azure-rest-api-specs
 * specification/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json,
 * definitions ObjectReplicationPolicyProperties: sourceAccount, destinationAccount, rules, metrics
 * { enabled }, priorityReplication { enabled }). azapi validates the body against its embedded copy
 * of that schema (Azure/terraform-provider-azapi
 * internal/azure/generated/storage/microsoft.storage/2025-06-01/types.json, ObjectReplicationPolicyProperties
 * with metrics and priorityReplication), so the azapi release in use must embed Microsoft.Storage
 * 2025-06-01.
 */
export const OBJECT_REPLICATION_POLICY_TYPE = "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01";

/**
 * `minCreationTime` that copies every existing blob too, as azurerm's `copy_blobs_created_after =
 * "Everything"` sends it (hashicorp/terraform-provider-azurerm
 * internal/services/storage/storage_object_replication_resource.go, expandArmObjectReplicationMinCreationTime).
 */
export const COPY_EVERYTHING = "1601-01-01T00:00:00Z";

/** How a PriorityReplicationPolicy is built: the one source and one destination store of the policy pair. */
export interface PriorityReplicationPolicyProps {
  /** The store whose blob versions are replicated (at the primary). */
  readonly source: IEncryptedStore;
  /** The store that receives them, possibly in another stack. */
  readonly target: IEncryptedStore;
}

/**
 * An Azure object replication policy with priority replication and replication metrics on, from
 * `source`'s registry container to `target`'s, copying every existing and new blob version. Built
 * through azapi because azurerm 4.55 (@cdktf/provider-azurerm 14.23) cannot set
 * `priorityReplication`.
 *
 * Azure creates the pair in two steps ("Specify the policy and rule IDs", MicrosoftDocs/azure-docs
 * articles/storage/blobs/object-replication-overview.md): the policy is first PUT on the
 * destination account under the name `default`, Azure answers with the policy id and a rule id per
 * rule it generated, and the same policy is then PUT on the source account under that policy id,
 * with those rule ids (azurerm does the same in one resource: storage_object_replication_resource.go
 * creates on the destination, then copies the returned name and rules onto the source). Here:
 * - `Destination`: an `azapi_resource_action` PUT to `<target account>/objectReplicationPolicies/default`,
 *   exporting `properties.policyId` and `properties.rules` from Azure's answer (the response of
 *   StorageAccountCreateObjectReplicationPolicyOnDestination.json in the API specs carries both). An
 *   `azapi_resource` cannot do this step: it reads a resource back at the id it was configured with
 *   (internal/services/azapi_resource.go, CreateUpdate then Read), and no policy is named `default`.
 * - `Resource`: the source policy, an `azapi_resource` named with that policy id on the source
 *   account, rule id from the destination's answer; it is read and refreshed like any resource, so
 *   drift on the source side shows in a plan. Terraform orders it after `Destination` by reference.
 * - `DestinationCleanup`: an `azapi_resource_action` that DELETEs the destination policy when the
 *   link is destroyed, so the pair goes away together and a later policy for the same pair can be
 *   created ("Only one replication policy may be created for each source account/destination
 *   account pair").
 * Both sides carry the same properties, metrics and priority replication included, as Microsoft's
 * PowerShell example sends the destination's policy object to the source
 * (articles/storage/blobs/object-replication-priority-replication.md).
 *
 * What azapi cannot do here: the destination policy is not read back, so a change made to it
 * outside Terraform does not show in a plan (the source side and the lag alert do show it), and a
 * change to this construct's destination body re-sends the PUT to `default`; to change the rules of
 * an existing priority policy, replace `Destination` (`terraform apply -replace`).
 */
export class PriorityReplicationPolicy extends Construct {
  /** The source store, as given in `source`: its account holds the `Resource` policy and its replication metrics. */
  public readonly source: IEncryptedStore;
  /** The destination store, as given in `target`: its account holds the `default` policy PUT by `Destination`. */
  public readonly target: IEncryptedStore;
  /** The PUT on the destination account. */
  public readonly destination: AzapiResourceAction;
  /** The policy on the source account (the construct's main resource). */
  public readonly resource: AzapiResource;

  constructor(scope: Construct, id: string, props: PriorityReplicationPolicyProps) {
    super(scope, id);
    const { source, target } = props;
    this.source = source;
    this.target = target;
    const properties = (ruleId?: string) => ({
      sourceAccount: source.accountId,
      destinationAccount: target.accountId,
      rules: [
        {
          ...(ruleId === undefined ? {} : { ruleId }),
          sourceContainer: source.containerName,
          destinationContainer: target.containerName,
          filters: { minCreationTime: COPY_EVERYTHING },
        },
      ],
      metrics: { enabled: true },
      priorityReplication: { enabled: true },
    });

    this.destination = new AzapiResourceAction(this, "Destination", {
      type: OBJECT_REPLICATION_POLICY_TYPE,
      resourceId: `${target.accountId}/objectReplicationPolicies/default`,
      method: "PUT",
      body: { properties: properties() },
      responseExportValues: ["properties.policyId", "properties.rules"],
    });
    const policyId = this.destination.outputString("properties.policyId");

    this.resource = new AzapiResource(this, "Resource", {
      type: OBJECT_REPLICATION_POLICY_TYPE,
      name: policyId,
      parentId: source.accountId,
      body: { properties: properties(this.destination.outputString("properties.rules[0].ruleId")) },
      // ARM may echo the account ids with other casing (resourceGroups/resourcegroups); not a change.
      ignoreCasing: true,
      // priorityReplication exists from API 2025-06-01; an azapi release whose embedded schema
      // predates it would refuse the body at plan. ARM validates the body on PUT either way.
      schemaValidationEnabled: false,
    });

    new AzapiResourceAction(this, "DestinationCleanup", {
      type: OBJECT_REPLICATION_POLICY_TYPE,
      resourceId: `${target.accountId}/objectReplicationPolicies/${policyId}`,
      method: "DELETE",
      when: "destroy",
    });
  }

  /** The policy id Azure generated (the same on both accounts). */
  public get policyId(): string {
    return this.resource.name;
  }

  /**
   * The ARM id of the policy on the source account: the resource whose replication metrics
   * (PendingOperationsForReplication, PendingBytesForReplication) a lag alert watches.
   */
  public get sourcePolicyId(): string {
    return this.resource.id;
  }
}
