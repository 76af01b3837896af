import { EncryptedStore } from "../../lib/azure/encrypted-store";
import { ReplicationLink } from "../../lib/azure/replication-link";
import { type Synth, resources, siteParts, synthScope } from "./fixtures";

/** A scope with the site parts built once, and stores in the given regions. */
function link(targets: readonly { id: string; location: string; registryId?: string }[]): Synth {
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
    for (const t of targets) l.replicateTo(make(t.id, t.location, t.registryId));
  });
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
});
