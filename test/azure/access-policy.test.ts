import { AccessPolicy } from "../../lib/azure/access-policy";
import { type DataPrincipals, type Duties, splitDuties } from "../../lib/azure/custody";
import { EncryptedStore } from "../../lib/azure/encrypted-store";
import { OPERATE_PERMISSIONS, REPLICATE_PERMISSIONS, STORE_WRITER_PERMISSIONS } from "../../lib/azure/perms";
import { CustomRole } from "../../lib/azure/private/roles";
import { AzureAccess } from "../../lib/review/azure-access";
import type { TerraformJson } from "../../lib/review/terraform-json";
import { ADMIN_A, ADMIN_B, ADMIN_C, CUSTODY, type Resource, type Synth, resources, siteParts, synthScope } from "./fixtures";

const READ_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read" };
const WRITE_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write" };
const DELETE_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete" };

/** The RBAC evaluator over one synthesized test scope, with the custody subscription as its provider's. */
function evaluate(synth: Synth): AzureAccess {
  const json = { ...synth, provider: { azurerm: [{ subscription_id: CUSTODY.subscriptionId, features: [{}] }] } } as unknown as TerraformJson;
  return AzureAccess.fromStacks([{ name: "test", json }]);
}

/** The ARM path of the one storage account named `name`. */
function accountPath(access: AzureAccess, name: string): string {
  const [account] = access.resources("azurerm_storage_account").filter((a) => a.attributes.name === name);
  if (account?.path === undefined) throw new Error(`no ARM id for account ${name}`);
  return account.path;
}

const RG_ID = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test";

interface Options {
  readonly data?: DataPrincipals;
  readonly writable?: boolean;
  /** Key administrators of the vault; by default the custodians of the split. */
  readonly keyAdministrators?: readonly string[];
  readonly duties?: Duties;
  readonly registries?: readonly string[];
}

function policy(options: Options = {}): Synth {
  return synthScope((scope) => {
    const duties = options.duties ?? splitDuties(CUSTODY, options.data);
    const parts = siteParts(scope, options.keyAdministrators ?? duties.custodians);
    const stores = (options.registries ?? ["brp", "land"]).map(
      (r) =>
        new EncryptedStore(scope, `Store-${r}`, {
          registryId: r,
          accountName: `test${r}`,
          resourceGroupName: parts.resourceGroupName,
          location: parts.location,
          retentionDays: 365,
          network: parts.network,
          logStore: parts.logStore,
          keyVault: parts.keyVault,
        }),
    );
    new AccessPolicy(scope, "Access", {
      custody: CUSTODY,
      namePrefix: "test",
      resourceGroupId: RG_ID,
      stores,
      keyVault: parts.keyVault,
      logStore: parts.logStore,
      duties,
      writable: options.writable,
    });
  });
}

function roleIdOf(synth: Synth, roleName: string): string {
  const [id] = Object.entries(synth.resource.azurerm_role_definition).find(([, r]) => r.name === roleName) ?? [];
  if (!id) throw new Error(`no role ${roleName}`);
  return `\${azurerm_role_definition.${id}.role_definition_resource_id}`;
}

function assignmentsOf(synth: Synth, principal: string): Resource[] {
  return resources(synth, "azurerm_role_assignment").filter((a) => a.principal_id === principal);
}

describe("AccessPolicy (azure)", () => {
  const synth = policy();
  const all = resources(synth, "azurerm_role_assignment");

  test("no assignment is scoped to a subscription or resource group, and every principal is a custody administrator or a store identity", () => {
    for (const a of all) {
      expect(String(a.scope)).not.toMatch(/^\/subscriptions\//);
      expect(String(a.scope)).toMatch(/^\$\{(azurerm_(storage_account|storage_container|key_vault|log_analytics_workspace)|azapi_resource)\./);
      expect(String(a.principal_id)).toMatch(new RegExp(`^(${[ADMIN_A, ADMIN_B, ADMIN_C].join("|")}|\\$\\{azurerm_user_assigned_identity\\.)`));
    }
  });

  test("by default nobody can read or write registry data", () => {
    const onStores = all.filter((a) => /^\$\{azurerm_storage_(account|container)\.Store-/.test(String(a.scope)));
    expect(onStores.filter((a) => a.role_definition_name === "Storage Blob Data Reader")).toEqual([]);
    expect(resources(synth, "azurerm_role_definition").map((r) => r.name)).not.toContain("test-write");
  });

  test("custodians operate, watch replication and audit each store, with roles scoped to that store's account", () => {
    const operate = roleIdOf(synth, "test-operate");
    const replicate = roleIdOf(synth, "test-replicate");
    for (const admin of [ADMIN_A, ADMIN_B, ADMIN_C]) {
      const mine = assignmentsOf(synth, admin);
      for (const store of ["Store-brp", "Store-land"]) {
        const onStore = mine.filter((a) => String(a.scope).startsWith(`\${azurerm_storage_account.${store}_`));
        expect(onStore.map((a) => a.role_definition_id ?? a.role_definition_name).sort()).toEqual(["Reader", operate, replicate].sort());
      }
      expect(mine.filter((a) => a.role_definition_name === "Key Vault Reader")).toHaveLength(1);
      expect(mine.filter((a) => a.role_definition_name === "Log Analytics Reader")).toHaveLength(1);
    }
  });

  test("custodians (the auditors) read the flow logs: Storage Blob Data Reader on the log store's flow-log account", () => {
    const flowLogReads = all.filter((a) => String(a.scope).startsWith("${azurerm_storage_account.Logs_FlowLogs_"));
    expect(flowLogReads.map((a) => [a.principal_id, a.role_definition_name]).sort()).toEqual(
      [ADMIN_A, ADMIN_B, ADMIN_C].map((p) => [p, "Storage Blob Data Reader"]).sort(),
    );
  });

  test("the RBAC evaluator agrees: exactly the auditors read flow logs, nobody writes or deletes them, and no auditor reads a registry copy", () => {
    const access = evaluate(synth);
    const flowLogs = accountPath(access, "testlogs");
    expect(access.whoCan(READ_BLOBS, `${flowLogs}/blobServices/default/containers/insights-logs-flowlogflowevent`).map((w) => w.principal.id).sort()).toEqual([ADMIN_A, ADMIN_B, ADMIN_C].sort());
    expect(access.whoCan(WRITE_BLOBS, flowLogs)).toEqual([]);
    expect(access.whoCan(DELETE_BLOBS, flowLogs)).toEqual([]);
    for (const store of ["testbrp", "testland"]) {
      expect(access.whoCan(READ_BLOBS, `${accountPath(access, store)}/blobServices/default/containers/registry`)).toEqual([]);
    }
  });

  test("operator and replication roles hold no data action, no listKeys and no account write, and are assignable only in the resource group", () => {
    for (const [name, perms] of [["test-operate", OPERATE_PERMISSIONS], ["test-replicate", REPLICATE_PERMISSIONS]] as const) {
      const role = resources(synth, "azurerm_role_definition").find((r) => r.name === name);
      expect(role).toMatchObject({ scope: RG_ID, assignable_scopes: [RG_ID], permissions: [{ actions: [...perms.actions], data_actions: [] }] });
      expect(perms.actions).not.toContain("Microsoft.Storage/storageAccounts/write");
      expect(perms.actions).not.toContain("Microsoft.Storage/storageAccounts/listKeys/action");
      expect(perms.actions.every((a) => !a.includes("*"))).toBe(true);
    }
  });

  test("named readers read every store's container and hold no custodian role; custodians hold no data role", () => {
    const s = policy({ data: { readers: [ADMIN_C] } });
    const reader = assignmentsOf(s, ADMIN_C);
    expect(reader).toHaveLength(2);
    reader.forEach((a) => expect(a).toMatchObject({ role_definition_name: "Storage Blob Data Reader", scope: expect.stringMatching(/^\$\{azurerm_storage_container\.Store-\w+_Container_\w+\.id\}$/) }));
    for (const admin of [ADMIN_A, ADMIN_B]) {
      const dataRoles = assignmentsOf(s, admin).filter((a) => a.role_definition_name === "Storage Blob Data Reader");
      expect(dataRoles.map((a) => String(a.scope))).toEqual([expect.stringMatching(/^\$\{azurerm_storage_account\.Logs_FlowLogs_\w+\.id\}$/)]);
    }
    const keyAdmins = resources(s, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes("KeyVault_KeyAdministratorRole"));
    expect(keyAdmins.map((a) => a.principal_id).sort()).toEqual([ADMIN_A, ADMIN_B]);
  });

  test("at the primary, named writers add versions through a custom role without delete", () => {
    const s = policy({ data: { writers: [ADMIN_B] }, writable: true });
    const writer = resources(s, "azurerm_role_definition").find((r) => r.name === "test-write");
    expect(writer).toMatchObject({ permissions: [{ data_actions: [...STORE_WRITER_PERMISSIONS.dataActions] }] });
    expect(STORE_WRITER_PERMISSIONS.dataActions.some((a) => a.endsWith("/delete") || a.includes("immutableStorage"))).toBe(false);
    const writes = assignmentsOf(s, ADMIN_B);
    expect(writes).toHaveLength(2);
    writes.forEach((a) => expect(a).toMatchObject({ role_definition_id: roleIdOf(s, "test-write"), scope: expect.stringContaining("azurerm_storage_container.") }));
  });

  test("fails when a data principal also administers keys", () => {
    expect(() => policy({ data: { readers: [ADMIN_A] }, keyAdministrators: [ADMIN_A, ADMIN_B] })).toThrow(
      /^separation of duties: principal 'aaaaaaaa-0000-4000-8000-000000000001' would both read or write registry data and administer keys at 'test'$/,
    );
  });

  test("fails when writers are given away from the primary", () => {
    expect(() => policy({ data: { writers: [ADMIN_B] }, writable: false })).toThrow(/^writers are only granted at the primary; 'test' is not writable, got 1 writer\(s\)$/);
  });

  test("fails when there is no store", () => {
    expect(() => policy({ registries: [] })).toThrow(/^stores must list at least one store for access policy 'test', got none$/);
  });

  test("fails when a non-data role would read data", () => {
    expect(() =>
      synthScope((scope) => {
        new CustomRole(scope, "Bad", {
          roleName: "bad",
          description: "bad",
          resourceGroupId: RG_ID,
          permissions: { actions: [], dataActions: ["Microsoft.KeyVault/vaults/keys/unwrap/action"] },
          readsData: false,
        });
      }),
    ).toThrow(/^custom role 'bad' must not read data or use keys \(separation of duties\), got Microsoft.KeyVault\/vaults\/keys\/unwrap\/action$/);
  });
});
