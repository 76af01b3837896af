import { EncryptedStore } from "../../lib/azure/encrypted-store";
import { COPY_EVERYTHING, OBJECT_REPLICATION_POLICY_TYPE } from "../../lib/azure/priority-replication-policy";
import { type ObjectReplicationTarget, ReplicationLink } from "../../lib/azure/replication-link";
import { type Synth, resources, resourcesById, siteParts, synthScope } from "./fixtures";

/** A scope with the site parts built once, and stores in the given regions (the source in West Europe). */
function link(targets: readonly { id: string; location: string; registryId?: string; priority?: boolean }[], seen?: (l: ReplicationLink) => void): Synth {
  return synthScope((scope) => {
    const parts = siteParts(scope);
    const make = (id: string, location: string, registryId = "brp") =>
      new EncryptedStore(scope, id, {
        registryId,
        accountName: `st${id.toLowerCase()}`,
        resourceGroupName: parts.resourceGroupName,
        location,
        retentionDays: 365,
        network: parts.network,
        logStore: parts.logStore,
        keyVault: parts.keyVault,
      });
    const source = make("Source", "westeurope");
    const l = new ReplicationLink(scope, "Replication", { source });
    for (const t of targets) l.replicateTo(make(t.id, t.location, t.registryId), { priority: t.priority });
    seen?.(l);
  });
}

/** The object replication policies created through azapi (other azapi resources are the stores' keys). */
function policies(synth: Synth) {
  return resources(synth, "azapi_resource").filter((r) => r.type === OBJECT_REPLICATION_POLICY_TYPE);
}

/** The one resource of `type` whose logical id starts with `prefix`, with its id. */
function byPrefix(synth: Synth, type: string, prefix: string): [string, Record<string, unknown>] {
  const found = Object.entries(resourcesById(synth, type)).filter(([id]) => id.startsWith(prefix));
  expect(found.map(([id]) => id)).toHaveLength(1);
  return found[0] as [string, Record<string, unknown>];
}

describe("ReplicationLink (azure)", () => {
  const synth = link([{ id: "Target", location: "swedencentral" }]);
  const [policy] = resources(synth, "azurerm_storage_object_replication");

  test("one object replication policy from the source container to the target container, copying every version", () => {
    expect(resources(synth, "azurerm_storage_object_replication")).toHaveLength(1);
    expect(policy).toEqual({
      source_storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Source_\w+\.id\}$/),
      destination_storage_account_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Target_\w+\.id\}$/),
      rules: [
        {
          source_container_name: expect.stringMatching(/^\$\{azurerm_storage_container\.Source_Container_\w+\.name\}$/),
          destination_container_name: expect.stringMatching(/^\$\{azurerm_storage_container\.Target_Container_\w+\.name\}$/),
          copy_blobs_created_after: "Everything",
        },
      ],
    });
  });

  test("both ends keep versioning and a locked version-level WORM container; the source has change feed", () => {
    const accounts = resources(synth, "azurerm_storage_account").filter((a) => String(a.name).startsWith("st"));
    expect(accounts).toHaveLength(2);
    accounts.forEach((a) => expect(a).toMatchObject({ blob_properties: { versioning_enabled: true, change_feed_enabled: true }, immutability_policy: { state: "Unlocked" } }));
    const worm = resources(synth, "azurerm_storage_container_immutability_policy");
    expect(worm).toHaveLength(2);
    worm.forEach((w) => expect(w).toMatchObject({ locked: true, immutability_period_in_days: 365 }));
  });

  test("two targets get one policy each", () => {
    const s = link([{ id: "Target", location: "swedencentral" }, { id: "Other", location: "northeurope" }]);
    const policies = resources(s, "azurerm_storage_object_replication");
    expect(policies).toHaveLength(2);
    expect(policies.map((p) => p.destination_storage_account_id).sort()).toEqual([expect.stringContaining("Other_"), expect.stringContaining("Target_")]);
  });

  test("adding the same target twice is a no-op", () => {
    const s = synthScope((scope) => {
      const parts = siteParts(scope);
      const make = (id: string, location: string) =>
        new EncryptedStore(scope, id, { registryId: "brp", accountName: `st${id.toLowerCase()}`, resourceGroupName: "rg", location, retentionDays: 365, network: parts.network, logStore: parts.logStore, keyVault: parts.keyVault });
      const target = make("Target", "swedencentral");
      const l = new ReplicationLink(scope, "Replication", { source: make("Source", "westeurope"), targets: [target] });
      l.replicateTo(target);
    });
    expect(resources(s, "azurerm_storage_object_replication")).toHaveLength(1);
  });

  test("fails when a third target is added", () => {
    expect(() =>
      link([{ id: "A", location: "swedencentral" }, { id: "B", location: "northeurope" }, { id: "C", location: "francecentral" }]),
    ).toThrow(/^object replication allows at most 2 destination accounts per source account, got a third target in 'francecentral' for registry 'brp'$/);
  });

  test("fails when the target holds another registry", () => {
    expect(() => link([{ id: "Land", location: "swedencentral", registryId: "land" }])).toThrow(
      /^target must hold the same registry as the source: source holds 'brp', got a target holding 'land'$/,
    );
  });

  test("fails when the target is in the source's region", () => {
    expect(() => link([{ id: "Near", location: "westeurope" }])).toThrow(/^target must be in another region than the source, got both in 'westeurope' for registry 'brp'$/);
  });

  test("fails when the same target is added again with the other mechanism", () => {
    expect(() =>
      synthScope((scope) => {
        const parts = siteParts(scope);
        const make = (id: string, location: string) =>
          new EncryptedStore(scope, id, { registryId: "brp", accountName: `st${id.toLowerCase()}`, resourceGroupName: "rg", location, retentionDays: 365, network: parts.network, logStore: parts.logStore, keyVault: parts.keyVault });
        const target = make("Target", "swedencentral");
        const l = new ReplicationLink(scope, "Replication", { source: make("Source", "westeurope"), targets: [target] });
        l.replicateTo(target, { priority: true });
      }),
    ).toThrow(/^registry 'brp' already replicates to 'swedencentral' without priority replication; got a second call with it$/);
  });
});

describe("ReplicationLink (azure) with priority replication", () => {
  let seen: ReplicationLink | undefined;
  const synth = link([{ id: "Target", location: "polandcentral", priority: true }], (l) => (seen = l));
  const [destinationId, destination] = byPrefix(synth, "azapi_resource_action", "Replication_To-polandcentral_Destination_");
  const [sourceId, source] = byPrefix(synth, "azapi_resource", "Replication_To-polandcentral_");
  const [, cleanup] = byPrefix(synth, "azapi_resource_action", "Replication_To-polandcentral_DestinationCleanup_");
  const sourceAccount = expect.stringMatching(/^\$\{azurerm_storage_account\.Source_\w+\.id\}$/);
  const targetAccount = expect.stringMatching(/^\$\{azurerm_storage_account\.Target_\w+\.id\}$/);
  const sourceContainer = expect.stringMatching(/^\$\{azurerm_storage_container\.Source_Container_\w+\.name\}$/);
  const targetContainer = expect.stringMatching(/^\$\{azurerm_storage_container\.Target_Container_\w+\.name\}$/);

  test("no azurerm policy: the pair is created through azapi, destination first", () => {
    expect(resources(synth, "azurerm_storage_object_replication")).toEqual([]);
    expect(policies(synth)).toHaveLength(1);
    expect(resources(synth, "azapi_resource_action")).toHaveLength(2);
  });

  test("step 1: a PUT of the policy to the destination account under the name 'default', exporting the policy id and rule ids Azure generates", () => {
    expect(destination).toEqual({
      type: "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01",
      resource_id: expect.stringMatching(/^\$\{azurerm_storage_account\.Target_\w+\.id\}\/objectReplicationPolicies\/default$/),
      method: "PUT",
      body: {
        properties: {
          sourceAccount,
          destinationAccount: targetAccount,
          rules: [{ sourceContainer, destinationContainer: targetContainer, filters: { minCreationTime: "1601-01-01T00:00:00Z" } }],
          metrics: { enabled: true },
          priorityReplication: { enabled: true },
        },
      },
      response_export_values: ["properties.policyId", "properties.rules"],
    });
    expect(OBJECT_REPLICATION_POLICY_TYPE).toBe(destination.type);
    expect(COPY_EVERYTHING).toBe("1601-01-01T00:00:00Z");
  });

  test("step 2: the source policy under the returned policy id, with the returned rule id, metrics and priority replication enabled", () => {
    expect(source).toEqual({
      type: "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01",
      name: `\${azapi_resource_action.${destinationId}.output.properties.policyId}`,
      parent_id: sourceAccount,
      // priorityReplication needs API 2025-06-01; an older embedded azapi schema must not refuse it.
      schema_validation_enabled: false,
      body: {
        properties: {
          sourceAccount,
          destinationAccount: targetAccount,
          rules: [
            {
              ruleId: `\${azapi_resource_action.${destinationId}.output.properties.rules[0].ruleId}`,
              sourceContainer,
              destinationContainer: targetContainer,
              filters: { minCreationTime: "1601-01-01T00:00:00Z" },
            },
          ],
          metrics: { enabled: true },
          priorityReplication: { enabled: true },
        },
      },
      ignore_casing: true,
    });
    // Terraform orders the source after the destination because of these references; nothing depends the other way.
    expect(JSON.stringify(destination)).not.toContain(sourceId);
  });

  test("on destroy, the destination's policy (by its generated id) is deleted too", () => {
    expect(cleanup).toEqual({
      type: "Microsoft.Storage/storageAccounts/objectReplicationPolicies@2025-06-01",
      resource_id: expect.stringMatching(new RegExp(`^\\$\\{azurerm_storage_account\\.Target_\\w+\\.id\\}/objectReplicationPolicies/\\$\\{azapi_resource_action\\.${destinationId}\\.output\\.properties\\.policyId\\}$`)),
      method: "DELETE",
      when: "destroy",
    });
  });

  test("tells a lag alert what it needs: the source account, the policy on it, and the link's RPO", () => {
    const l = seen as ReplicationLink;
    expect(l.sourceAccountId).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(l.rpoMinutes).toBe(15);
    expect(l.replications.map((r: ObjectReplicationTarget) => [r.target.location, r.priority, r.rpoMinutes])).toEqual([["polandcentral", true, 15]]);
    expect(l.replications[0].sourcePolicyId).toBeDefined();
    expect(l.priorityPolicies).toHaveLength(1);
    expect(l.resources).toEqual([]);
  });

  test("two targets: one with priority, one planned at 24 hours; the link promises the slower", () => {
    let both: ReplicationLink | undefined;
    const s = link(
      [
        { id: "Target", location: "polandcentral", priority: true },
        { id: "Other", location: "swedencentral" },
      ],
      (l) => (both = l),
    );
    expect(policies(s)).toHaveLength(1);
    expect(resources(s, "azurerm_storage_object_replication").map((p) => p.destination_storage_account_id)).toEqual([expect.stringContaining("Other_")]);
    expect(both?.replications.map((r) => [r.target.location, r.priority, r.rpoMinutes, r.sourcePolicyId === undefined])).toEqual([
      ["polandcentral", true, 15, false],
      ["swedencentral", false, 1440, true],
    ]);
    expect(both?.rpoMinutes).toBe(1440);
  });

  test("fails when a second target of the same source account asks for priority", () => {
    expect(() =>
      link([
        { id: "Target", location: "polandcentral", priority: true },
        { id: "Other", location: "swedencentral", priority: true },
      ]),
    ).toThrow(/^priority replication can be enabled on one policy per source account, and registry 'brp' already has it to 'polandcentral'; got priority: true for 'swedencentral'$/);
  });

  test("fails when priority is asked for a target on another continent", () => {
    expect(() => link([{ id: "Far", location: "japaneast", priority: true }])).toThrow(
      /^priority: true is not possible for registry 'brp' to 'japaneast': japaneast \(Asia\) is on another continent than westeurope \(Europe\), and priority replication's 15-minute SLA covers only accounts on the same continent$/,
    );
  });

  test("fails when priority is asked in a region where it is not offered", () => {
    expect(() => link([{ id: "Geneva", location: "switzerlandwest", priority: true }])).toThrow(
      /^priority: true is not possible for registry 'brp' to 'switzerlandwest': priority replication is not offered in switzerlandwest /,
    );
  });
});
