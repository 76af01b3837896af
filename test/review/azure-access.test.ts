import { AzureAccess, azureActionMatches, BLOB_LIST_SUBOPERATION, conditionMeaning, scopeContains } from "../../lib/review/azure-access";
import { azureAccessRows } from "../../lib/review/access-matrix";
import type { JsonObject, SynthesizedStack, TerraformJson } from "../../lib/review/terraform-json";

// GIVEN small hand-written stacks, shaped like cdk.tf.json (see cdktf.out), with one subscription.
const SUB = "22222222-2222-4222-8222-222222222222";
const ALICE = "aaaaaaaa-0000-4000-8000-000000000001";
const BOB = "bbbbbbbb-0000-4000-8000-000000000002";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-test`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/acct`;
const ACCOUNT2 = `${RG}/providers/Microsoft.Storage/storageAccounts/acct2`;
const CONTAINER = `${ACCOUNT}/blobServices/default/containers/data`;
const OTHER_CONTAINER = `${ACCOUNT}/blobServices/default/containers/other`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;
const OLD_KEY = `${VAULT}/keys/old-key`;
const NEW_KEY = `${VAULT}/keys/new-key`;
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acct-cmk`;
const WORKSPACE = `${RG}/providers/Microsoft.OperationalInsights/workspaces/logs`;

const READ_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read" };
const WRITE_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write" };
const DELETE_BLOBS = { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete" };
const UNWRAP = { dataAction: "Microsoft.KeyVault/vaults/keys/unwrap/action" };
const READ_CONTAINER = { action: "Microsoft.Storage/storageAccounts/blobServices/containers/read" };
const WRITE_ACCOUNT = { action: "Microsoft.Storage/storageAccounts/write" };

type Resources = Record<string, Record<string, JsonObject>>;

/** The resources every test starts from (no role assignments). */
function baseResources(): Resources {
  const inRg = { resource_group_name: "${azurerm_resource_group.Rg.name}", location: "westeurope" };
  return {
    azurerm_resource_group: { Rg: { name: "rg-test", location: "westeurope" } },
    azurerm_storage_account: {
      Acct: { ...inRg, name: "acct", shared_access_key_enabled: false, tags: { "embassy:registry": "brp" } },
      Acct2: { ...inRg, name: "acct2", shared_access_key_enabled: false },
    },
    azurerm_storage_container: {
      Data: { name: "data", storage_account_id: "${azurerm_storage_account.Acct.id}" },
      Other: { name: "other", storage_account_id: "${azurerm_storage_account.Acct.id}" },
    },
    azurerm_key_vault: { Kv: { ...inRg, name: "kv", rbac_authorization_enabled: true } },
    azurerm_key_vault_key: { Old: { name: "old-key", key_vault_id: "${azurerm_key_vault.Kv.id}" } },
    // A key as azapi creates it: parent_id is the vault, the id is `{vault}/keys/{name}`.
    azapi_resource: { NewKey: { type: "Microsoft.KeyVault/vaults/keys@2023-07-01", parent_id: "${azurerm_key_vault.Kv.id}", name: "new-key", body: { properties: { kty: "RSA-HSM" } } } },
    azurerm_user_assigned_identity: { Id: { ...inRg, name: "acct-cmk" } },
    azurerm_log_analytics_workspace: { Logs: { ...inRg, name: "logs" } },
  };
}

/** A stack named `name` holding the base resources, `extra` resources and these role assignments. */
function stack(assignments: Record<string, JsonObject>, extra: Resources = {}, name = "test", json: Partial<TerraformJson> = {}): SynthesizedStack {
  const resource: Resources = baseResources();
  for (const [type, byName] of Object.entries(extra)) resource[type] = { ...(resource[type] ?? {}), ...byName };
  resource.azurerm_role_assignment = assignments;
  return { name, json: { provider: { azurerm: [{ subscription_id: SUB, features: [{}] }] }, resource, ...json } };
}

function model(assignments: Record<string, JsonObject>, extra: Resources = {}): AzureAccess {
  return AzureAccess.fromStacks([stack(assignments, extra)]);
}

/** A custom role defined at the resource group, assignable there. */
function customRole(name: string, permissions: JsonObject): Resources {
  return {
    azurerm_role_definition: {
      [name]: { name: `test-${name}`, scope: "${azurerm_resource_group.Rg.id}", assignable_scopes: ["${azurerm_resource_group.Rg.id}"], permissions: [permissions] },
    },
  };
}

describe("AzureAccess", () => {
  describe("scopes", () => {
    test("resolves every kind of scope reference to the ARM id built from the resources' own attributes", () => {
      const reader = (scope: string) => ({ scope, principal_id: ALICE, role_definition_name: "Reader" });
      const access = model({
        Rg: reader("${azurerm_resource_group.Rg.id}"),
        Account: reader("${azurerm_storage_account.Acct.id}"),
        Container: reader("${azurerm_storage_container.Data.id}"),
        ContainerRm: reader("${azurerm_storage_container.Data.resource_manager_id}"),
        Vault: reader("${azurerm_key_vault.Kv.id}"),
        AzurermKey: reader("${azurerm_key_vault_key.Old.resource_versionless_id}"),
        AzapiKey: reader("${azapi_resource.NewKey.id}"),
        Workspace: reader("${azurerm_log_analytics_workspace.Logs.id}"),
        Interpolated: reader("${azurerm_storage_account.Acct.id}/blobServices/default"),
        Literal: reader(`${RG}/providers/Microsoft.Storage/storageAccounts/elsewhere`),
        AzapiTopLevel: reader("${azapi_resource.Vault2.id}"),
      }, { azapi_resource: { Vault2: { type: "Microsoft.KeyVault/vaults@2024-11-01", parent_id: "${azurerm_resource_group.Rg.id}", name: "kv2", body: {} } } });
      expect(Object.fromEntries(access.assignments.map((a) => [a.address, a.scope]))).toEqual({
        "azurerm_role_assignment.Rg": RG,
        "azurerm_role_assignment.Account": ACCOUNT,
        "azurerm_role_assignment.Container": CONTAINER,
        "azurerm_role_assignment.ContainerRm": CONTAINER,
        "azurerm_role_assignment.Vault": VAULT,
        "azurerm_role_assignment.AzurermKey": OLD_KEY,
        "azurerm_role_assignment.AzapiKey": NEW_KEY,
        "azurerm_role_assignment.Workspace": WORKSPACE,
        "azurerm_role_assignment.Interpolated": `${ACCOUNT}/blobServices/default`,
        "azurerm_role_assignment.Literal": `${RG}/providers/Microsoft.Storage/storageAccounts/elsewhere`,
        "azurerm_role_assignment.AzapiTopLevel": `${RG}/providers/Microsoft.KeyVault/vaults/kv2`,
      });
    });

    test("follows a cdktf cross-stack reference to the stack that outputs the value", () => {
      const origin = stack({}, {}, "origin", { output: { "cross-stack-output-azurerm_storage_containerDataid": { value: "${azurerm_storage_container.Data.id}", sensitive: true } } });
      const user = stack(
        {
          Remote: {
            scope: "${data.terraform_remote_state.cross-stack-reference-input-origin.outputs.cross-stack-output-azurerm_storage_containerDataid}",
            principal_id: ALICE,
            role_definition_name: "Storage Blob Data Reader",
          },
        },
        {},
        "user",
      );
      const access = AzureAccess.fromStacks([origin, user]);
      expect(access.assignments.map((a) => a.scope)).toEqual([CONTAINER]);
      expect(access.can(ALICE, READ_BLOBS, CONTAINER).allowed).toBe(true);
    });
  });

  describe("containment", () => {
    const access = model({
      AtAccount: { scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_name: "Storage Blob Data Reader" },
      AtContainer: { scope: "${azurerm_storage_container.Data.id}", principal_id: BOB, role_definition_name: "Storage Blob Data Reader" },
    });

    test("an assignment at a parent scope applies to everything below it", () => {
      expect(access.can(ALICE, READ_BLOBS, ACCOUNT).allowed).toBe(true);
      expect(access.can(ALICE, READ_BLOBS, CONTAINER).allowed).toBe(true);
      expect(access.can(ALICE, READ_BLOBS, `${OTHER_CONTAINER}/blobs/registry/2026-01-01.bak`).allowed).toBe(true);
    });

    test("an assignment applies neither above its scope nor to siblings", () => {
      expect(access.can(BOB, READ_BLOBS, CONTAINER).allowed).toBe(true);
      expect(access.can(BOB, READ_BLOBS, OTHER_CONTAINER).allowed).toBe(false);
      expect(access.can(BOB, READ_BLOBS, ACCOUNT).allowed).toBe(false);
    });

    test("containment is by whole path segments, and case-insensitive like ARM ids", () => {
      expect(access.can(ALICE, READ_BLOBS, `${ACCOUNT2}/blobServices/default/containers/data`).allowed).toBe(false);
      expect(access.can(ALICE.toUpperCase(), READ_BLOBS, CONTAINER.toUpperCase()).allowed).toBe(true);
      expect(scopeContains("/", VAULT)).toBe(true);
      expect(scopeContains(`${ACCOUNT}/`, CONTAINER)).toBe(true);
    });
  });

  describe("action wildcards", () => {
    test("`*` matches any run of characters, slashes included, case-insensitively", () => {
      expect(azureActionMatches("Microsoft.Storage/*/read", "Microsoft.Storage/storageAccounts/blobServices/containers/read")).toBe(true);
      expect(azureActionMatches("*/read", "microsoft.keyvault/vaults/READ")).toBe(true);
      expect(azureActionMatches("Microsoft.Storage/*/read", "Microsoft.Storage/storageAccounts/write")).toBe(false);
      expect(azureActionMatches("Microsoft.Storage/storageAccounts/read", "Microsoft.Storage/storageAccounts/readX")).toBe(false);
      // `?` is an IAM wildcard, not an Azure one.
      expect(azureActionMatches("Microsoft.Storage/storageAccounts/rea?", "Microsoft.Storage/storageAccounts/read")).toBe(false);
    });

    test("a custom role's wildcard action grants every matching control action and no other", () => {
      const access = model(
        { Watch: { scope: "${azurerm_resource_group.Rg.id}", principal_id: ALICE, role_definition_id: "${azurerm_role_definition.Watcher.role_definition_resource_id}" } },
        customRole("Watcher", { actions: ["Microsoft.Storage/*/read"], data_actions: [], not_actions: [], not_data_actions: [] }),
      );
      expect(access.can(ALICE, READ_CONTAINER, CONTAINER)).toEqual({
        allowed: true,
        grants: [{ assignment: access.assignments[0], via: "role", pattern: "Microsoft.Storage/*/read" }],
        unevaluated: false,
      });
      expect(access.can(ALICE, { action: "Microsoft.Storage/storageAccounts/read" }, ACCOUNT).allowed).toBe(true);
      expect(access.can(ALICE, WRITE_ACCOUNT, ACCOUNT).allowed).toBe(false);
      expect(access.can(ALICE, { action: "Microsoft.KeyVault/vaults/read" }, VAULT).allowed).toBe(false);
    });

    test("control and data planes are separate: `*` in Actions grants no data action, `*` in DataActions no control action", () => {
      const access = model(
        {
          Owner: { scope: "${azurerm_resource_group.Rg.id}", principal_id: ALICE, role_definition_name: "Owner" },
          Data: { scope: "${azurerm_resource_group.Rg.id}", principal_id: BOB, role_definition_id: "${azurerm_role_definition.AllData.role_definition_resource_id}" },
        },
        customRole("AllData", { actions: [], data_actions: ["*"], not_actions: [], not_data_actions: [] }),
      );
      expect(access.can(ALICE, WRITE_ACCOUNT, ACCOUNT).allowed).toBe(true);
      expect(access.can(ALICE, UNWRAP, OLD_KEY).allowed).toBe(false);
      expect(access.can(BOB, UNWRAP, OLD_KEY).allowed).toBe(true);
      expect(access.can(BOB, WRITE_ACCOUNT, ACCOUNT).allowed).toBe(false);
    });
  });

  describe("exclusions", () => {
    const writerRole = customRole("Writer", {
      actions: [],
      data_actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
      not_actions: [],
      not_data_actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"],
    });
    const writer = { scope: "${azurerm_storage_container.Data.id}", principal_id: ALICE, role_definition_id: "${azurerm_role_definition.Writer.role_definition_resource_id}" };

    test("notDataActions subtract from the same role's dataActions", () => {
      const access = model({ Writer: writer }, writerRole);
      expect(access.can(ALICE, WRITE_BLOBS, CONTAINER).allowed).toBe(true);
      expect(access.can(ALICE, DELETE_BLOBS, CONTAINER)).toEqual({ allowed: false, grants: [], unevaluated: false });
    });

    test("notDataActions are no deny: another assignment may still grant the excluded action", () => {
      const deleter = customRole("Deleter", { actions: [], data_actions: [DELETE_BLOBS.dataAction], not_actions: [], not_data_actions: [] });
      const access = model(
        { Writer: writer, Deleter: { ...writer, role_definition_id: "${azurerm_role_definition.Deleter.role_definition_resource_id}" } },
        { azurerm_role_definition: { ...writerRole.azurerm_role_definition, ...deleter.azurerm_role_definition } },
      );
      const decision = access.can(ALICE, DELETE_BLOBS, CONTAINER);
      expect(decision.allowed).toBe(true);
      expect(decision.grants.map((g) => [g.assignment.address, g.assignment.role.name])).toEqual([["azurerm_role_assignment.Deleter", "test-Deleter"]]);
    });

    test("built-in notActions: Contributor manages resources but cannot write role assignments; Owner can", () => {
      const access = model({
        Contributor: { scope: "${azurerm_resource_group.Rg.id}", principal_id: ALICE, role_definition_name: "Contributor" },
        Owner: { scope: "${azurerm_resource_group.Rg.id}", principal_id: BOB, role_definition_name: "Owner" },
      });
      const assignRoles = { action: "Microsoft.Authorization/roleAssignments/write" };
      expect(access.can(ALICE, WRITE_ACCOUNT, ACCOUNT).allowed).toBe(true);
      expect(access.can(ALICE, assignRoles, ACCOUNT).allowed).toBe(false);
      expect(access.can(BOB, assignRoles, ACCOUNT).allowed).toBe(true);
    });
  });

  describe("roles", () => {
    test("a built-in role is found by display name (any case) or by its role definition id", () => {
      const access = model({
        ByName: { scope: "${azurerm_storage_container.Data.id}", principal_id: ALICE, role_definition_name: "storage blob data reader" },
        ById: {
          scope: "${azurerm_storage_container.Other.id}",
          principal_id: BOB,
          role_definition_id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
        },
      });
      expect(access.assignments.map((a) => [a.role.name, a.role.builtIn])).toEqual([
        ["Storage Blob Data Reader", true],
        ["Storage Blob Data Reader", true],
      ]);
      expect(access.can(BOB, READ_BLOBS, OTHER_CONTAINER).allowed).toBe(true);
    });

    test("a custom role is found by reference or by its literal name, with its permissions from the JSON", () => {
      const role = customRole("Reader2", { actions: [], data_actions: [READ_BLOBS.dataAction], not_actions: [], not_data_actions: [] });
      const access = model(
        {
          ByRef: { scope: "${azurerm_storage_container.Data.id}", principal_id: ALICE, role_definition_id: "${azurerm_role_definition.Reader2.role_definition_resource_id}" },
          ByName: { scope: "${azurerm_storage_container.Other.id}", principal_id: BOB, role_definition_name: "test-Reader2" },
        },
        role,
      );
      for (const a of access.assignments) {
        expect(a.role).toEqual({
          name: "test-Reader2",
          builtIn: false,
          permissions: [{ actions: [], notActions: [], dataActions: [READ_BLOBS.dataAction], notDataActions: [] }],
          assignableScopes: [RG],
          definedIn: { stack: "test", address: "azurerm_role_definition.Reader2" },
        });
      }
      expect(access.can(BOB, READ_BLOBS, OTHER_CONTAINER).allowed).toBe(true);
      expect(access.can(BOB, READ_BLOBS, CONTAINER).allowed).toBe(false);
    });
  });

  describe("principals", () => {
    test("a user-assigned identity's principal_id names the identity by its ARM id", () => {
      const access = model({
        Cmk: {
          scope: "${azurerm_key_vault_key.Old.resource_versionless_id}",
          principal_id: "${azurerm_user_assigned_identity.Id.principal_id}",
          principal_type: "ServicePrincipal",
          role_definition_name: "Key Vault Crypto Service Encryption User",
        },
      });
      expect(access.principals().map((p) => [p.id, p.kind, p.resource?.address])).toEqual([[IDENTITY, "user-assigned-identity", "azurerm_user_assigned_identity.Id"]]);
      expect(access.can(IDENTITY, UNWRAP, OLD_KEY).allowed).toBe(true);
      expect(access.can(IDENTITY, UNWRAP, NEW_KEY).allowed).toBe(false);
      expect(access.can(IDENTITY, { dataAction: "Microsoft.KeyVault/vaults/keys/decrypt/action" }, OLD_KEY).allowed).toBe(false);
    });

    test("a system-assigned identity is named by the ARM id of the resource that holds it", () => {
      const access = model({
        System: { scope: "${azapi_resource.NewKey.id}", principal_id: "${azurerm_storage_account.Acct.identity[0].principal_id}", role_definition_name: "Key Vault Crypto Service Encryption User" },
      });
      expect(access.principals().map((p) => [p.id, p.kind])).toEqual([[ACCOUNT, "system-assigned-identity"]]);
      expect(access.can(ACCOUNT, UNWRAP, NEW_KEY).allowed).toBe(true);
    });
  });

  describe("shared keys", () => {
    const contributor = { Contributor: { scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_name: "Contributor" } };

    test("where the account accepts shared keys, listKeys is every storage data action", () => {
      const access = model(contributor, { azurerm_storage_account: { Acct: { ...baseResources().azurerm_storage_account.Acct, shared_access_key_enabled: true } } });
      const decision = access.can(ALICE, DELETE_BLOBS, CONTAINER);
      expect(decision.allowed).toBe(true);
      expect(decision.grants.map((g) => [g.via, g.pattern, g.assignment.role.name])).toEqual([["shared-key", "*", "Contributor"]]);
      expect(access.can(ALICE, UNWRAP, OLD_KEY).allowed).toBe(false);
    });

    test("azurerm's default for shared_access_key_enabled is true", () => {
      const { shared_access_key_enabled: _, ...withoutSetting } = baseResources().azurerm_storage_account.Acct;
      const access = model(contributor, { azurerm_storage_account: { Acct: withoutSetting } });
      expect(access.can(ALICE, READ_BLOBS, CONTAINER).allowed).toBe(true);
    });

    test("where shared keys are off, a control-plane role reads no data", () => {
      const access = model(contributor);
      expect(access.can(ALICE, READ_BLOBS, CONTAINER)).toEqual({ allowed: false, grants: [], unevaluated: false });
    });
  });

  describe("listing", () => {
    const access = model({
      Read: { scope: "${azurerm_storage_container.Data.id}", principal_id: ALICE, role_definition_name: "Storage Blob Data Reader" },
      Audit: { scope: "${azurerm_key_vault.Kv.id}", principal_id: BOB, role_definition_name: "Key Vault Reader" },
      Cmk: { scope: "${azapi_resource.NewKey.id}", principal_id: "${azurerm_user_assigned_identity.Id.principal_id}", role_definition_name: "Key Vault Crypto Service Encryption User" },
    });

    test("accessOf lists what a principal holds where, with the resource at each scope", () => {
      expect(access.accessOf(ALICE).map((e) => [e.scope, e.role.name, e.resource?.address, e.resource?.tags])).toEqual([
        [CONTAINER, "Storage Blob Data Reader", "azurerm_storage_container.Data", {}],
      ]);
      expect(access.accessOf(IDENTITY).map((e) => [e.scope, e.resource?.address])).toEqual([[NEW_KEY, "azapi_resource.NewKey"]]);
    });

    test("whoCan and accessMatrix answer who may do what where", () => {
      expect(access.whoCan(READ_BLOBS, CONTAINER).map((w) => w.principal.id)).toEqual([ALICE]);
      expect(access.whoCan(UNWRAP, NEW_KEY).map((w) => w.principal.id)).toEqual([IDENTITY]);
      const cells = access.accessMatrix([READ_BLOBS, UNWRAP, { dataAction: "Microsoft.KeyVault/vaults/keys/read" }]);
      expect(cells.map((c) => `${c.principal.id} ${"dataAction" in c.action ? c.action.dataAction : c.action.action} ${c.resource.address}`).sort()).toEqual(
        [
          `${ALICE} Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read azurerm_storage_container.Data`,
          `${BOB} Microsoft.KeyVault/vaults/keys/read azapi_resource.NewKey`,
          `${BOB} Microsoft.KeyVault/vaults/keys/read azurerm_key_vault.Kv`,
          `${BOB} Microsoft.KeyVault/vaults/keys/read azurerm_key_vault_key.Old`,
          `${IDENTITY} Microsoft.KeyVault/vaults/keys/read azapi_resource.NewKey`,
          `${IDENTITY} Microsoft.KeyVault/vaults/keys/unwrap/action azapi_resource.NewKey`,
        ].sort(),
      );
    });

    test("a resource whose id cannot be built at synth is listed with the reason, not an error", () => {
      const withVarName = model({}, { azurerm_storage_account: { Acct2: { name: "${var.name}", resource_group_name: "rg-test" } } });
      expect(withVarName.resources("azurerm_storage_account").find((r) => r.name === "Acct2")).toMatchObject({
        path: undefined,
        unresolved: "test: cannot resolve `var.name` in azurerm_storage_account.Acct2.name: only plain references are evaluated (no functions, operators, variables, locals or count/for_each indexes)",
      });
    });

    test("resourceAt follows a reference to the resource it names", () => {
      expect(access.resourceAt("test", "${azapi_resource.NewKey.id}")).toMatchObject({ address: "azapi_resource.NewKey", path: NEW_KEY });
      expect(access.resourceByPath(CONTAINER.toUpperCase())?.address).toBe("azurerm_storage_container.Data");
    });
  });

  describe("conditions (Azure ABAC)", () => {
    // The documented clause for "Read a blob" (all blob read operations excluding list), with no
    // expression after it (storage-auth-abac-attributes, "Read a blob", "List blobs"): written out
    // here, not imported from lib/azure/perms.ts.
    const LIST_ONLY = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})))";
    const LIST = { ...READ_BLOBS, subOperation: BLOB_LIST_SUBOPERATION };
    const lister = (condition: string | undefined, condition_version: string | undefined) => ({
      scope: "${azurerm_storage_container.Data.id}",
      principal_id: ALICE,
      role_definition_name: "test-Lister",
      ...(condition !== undefined ? { condition } : {}),
      ...(condition_version !== undefined ? { condition_version } : {}),
    });
    // A role holding blobs/read and blobs/write, so the condition's effect on other actions shows too.
    const role = customRole("Lister", { data_actions: [READ_BLOBS.dataAction, WRITE_BLOBS.dataAction] });

    test("the list-only condition: listing (suboperation Blob.List) is allowed, reading a blob is not, other actions of the role are untouched", () => {
      const access = model({ List: lister(LIST_ONLY, "2.0") }, role);
      expect(access.assignments[0].condition).toEqual({ text: LIST_ONLY, version: "2.0", meaning: "list-only" });
      const list = access.can(ALICE, LIST, CONTAINER);
      expect({ allowed: list.allowed, unevaluated: list.unevaluated, grants: list.grants.map((g) => [g.assignment.address, g.pattern, g.condition]) }).toEqual({
        allowed: true,
        unevaluated: false,
        grants: [["azurerm_role_assignment.List", READ_BLOBS.dataAction, "met"]],
      });
      expect(access.can(ALICE, READ_BLOBS, `${CONTAINER}/blobs/objects/sha256/ab`)).toEqual({ allowed: false, grants: [], unevaluated: false });
      // Another suboperation of blobs/read (the deprecated tag-conditioned read) is a read too.
      expect(access.can(ALICE, { ...READ_BLOBS, subOperation: "Blob.Read.WithTagConditions" }, CONTAINER).allowed).toBe(false);
      expect(access.can(ALICE, WRITE_BLOBS, CONTAINER).grants.map((g) => g.condition)).toEqual(["met"]);
      // The condition narrows; it grants nothing the role does not hold, nor outside the scope.
      expect(access.can(ALICE, { dataAction: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete" }, CONTAINER).allowed).toBe(false);
      expect(access.can(ALICE, LIST, OTHER_CONTAINER).allowed).toBe(false);
      expect(access.whoCan(READ_BLOBS, CONTAINER)).toEqual([]);
      expect(access.whoCan(LIST, CONTAINER).map((w) => w.principal.id)).toEqual([ALICE]);
    });

    test("the same clause as Microsoft documents it, over several lines, is recognised; the action name compares case-insensitively", () => {
      const multiLine = "(\n (\n  !(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})\n )\n)";
      expect(conditionMeaning(multiLine, "2.0")).toBe("list-only");
      expect(conditionMeaning("!(ActionMatches{'microsoft.storage/storageaccounts/blobservices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})", "2.0")).toBe("list-only");
    });

    test("anything else is not evaluated, and reported as possibly allowed: a condition it cannot read must not hide a grant", () => {
      const unrecognised: ReadonlyArray<readonly [string, string | undefined]> = [
        // The documented example that re-opens reads in one container.
        [
          "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'data'))",
          "2.0",
        ],
        // Listing denied instead of reading (no NOT).
        ["((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND SubOperationMatches{'Blob.List'})))", "2.0"],
        // Another action.
        ["((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'} AND NOT SubOperationMatches{'Blob.List'})))", "2.0"],
        // The right text at another version, or with none.
        [LIST_ONLY, "1.0"],
        [LIST_ONLY, undefined],
        // Half a clause.
        ["((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'}))", "2.0"],
      ];
      for (const [text, version] of unrecognised) {
        const access = model({ List: lister(text, version) }, role);
        expect({ text, version, meaning: access.assignments[0].condition?.meaning }).toEqual({ text, version, meaning: "unrecognised" });
        const read = access.can(ALICE, READ_BLOBS, CONTAINER);
        expect({ text, allowed: read.allowed, unevaluated: read.unevaluated, conditions: read.grants.map((g) => g.condition) }).toEqual({
          text,
          allowed: true,
          unevaluated: true,
          conditions: ["not-evaluated"],
        });
      }
    });

    test("an unconditioned grant makes the answer certain, whatever another assignment's condition", () => {
      const access = model({ List: lister("@Resource[x] StringEquals 'y'", "2.0"), Plain: { scope: "${azurerm_storage_container.Data.id}", principal_id: ALICE, role_definition_name: "test-Lister" } }, role);
      const read = access.can(ALICE, READ_BLOBS, CONTAINER);
      expect({ allowed: read.allowed, unevaluated: read.unevaluated, conditions: read.grants.map((g) => g.condition ?? "none").sort() }).toEqual({
        allowed: true,
        unevaluated: false,
        conditions: ["none", "not-evaluated"],
      });
    });

    test("the review's access matrix: a list-only grant shows as write, never read; a condition it cannot read shows as read, possibly allowed", () => {
      const rows = (condition: string) => {
        const access = model({ List: lister(condition, "2.0") }, role);
        const account = access.resources("azurerm_storage_account").find((a) => a.name === "Acct")!;
        const container = access.resources("azurerm_storage_container").find((c) => c.name === "Data")!;
        return azureAccessRows(access, [{ site: "s", registry: "brp", account, container }], (p) => ({ name: p.id })).map((r) => [r.capability, r.principal, r.evidence]);
      };
      expect(rows(LIST_ONLY)).toEqual([["write", ALICE, "test/azurerm_role_assignment.List: 'test-Lister' (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write, its condition allows it)"]]);
      const other = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'data'";
      expect(rows(other)).toEqual([
        ["read", ALICE, `test/azurerm_role_assignment.List: 'test-Lister' (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read, under a condition not evaluated, so possibly allowed: ${other})`],
        ["write", ALICE, `test/azurerm_role_assignment.List: 'test-Lister' (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write, under a condition not evaluated, so possibly allowed: ${other})`],
      ]);
    });

    test("a list-only condition does not stop shared keys: listKeys on an account that accepts them allows every data action", () => {
      const owner = customRole("KeyLister", { actions: ["Microsoft.Storage/storageAccounts/listKeys/action"], data_actions: [READ_BLOBS.dataAction] });
      const withKeys = { azurerm_storage_account: { Acct: { resource_group_name: "${azurerm_resource_group.Rg.name}", location: "westeurope", name: "acct", shared_access_key_enabled: true } } };
      const access = model(
        { Keys: { scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_name: "test-KeyLister", condition: LIST_ONLY, condition_version: "2.0" } },
        { ...owner, ...withKeys },
      );
      expect(access.can(ALICE, READ_BLOBS, CONTAINER).grants.map((g) => [g.via, g.condition])).toEqual([["shared-key", "met"]]);
    });
  });

  describe("fails loudly", () => {
    const bad = (assignment: JsonObject, extra: Resources = {}) => () => model({ Bad: assignment }, extra);
    const reader = { principal_id: ALICE, role_definition_name: "Reader" };

    test("fails when a scope refers to a resource that is not in the stack", () => {
      expect(bad({ ...reader, scope: "${azurerm_storage_account.Missing.id}" })).toThrow(
        "test: cannot resolve `azurerm_storage_account.Missing.id` in azurerm_role_assignment.Bad.scope: stack 'test' has no resource azurerm_storage_account.Missing",
      );
    });

    test("fails when a principal is only known at apply time", () => {
      expect(bad({ scope: "${azurerm_storage_account.Acct.id}", principal_id: "${data.azurerm_client_config.current.object_id}", role_definition_name: "Reader" })).toThrow(
        /cannot resolve `data\.azurerm_client_config\.current\.object_id` in azurerm_role_assignment\.Bad\.principal_id: data source data\.azurerm_client_config\.current is read only at apply time$/,
      );
    });

    test("fails when a scope is an expression rather than a reference", () => {
      expect(bad({ ...reader, scope: '${join("/", ["", "subscriptions"])}' })).toThrow(/only plain references are evaluated/);
      expect(bad({ ...reader, scope: "${var.scope}" })).toThrow(/cannot resolve `var\.scope`.*only plain references are evaluated/);
    });

    test("fails when a key is named by its data-plane URL or its versioned id", () => {
      expect(bad({ ...reader, scope: "${azurerm_key_vault_key.Old.id}" })).toThrow(
        /azurerm_key_vault_key\.Old\.id is a Key Vault data-plane URL, not an ARM scope; reference resource_versionless_id$/,
      );
      expect(bad({ ...reader, scope: "${azurerm_key_vault_key.Old.resource_id}" })).toThrow(/holds the key version, known only after apply/);
    });

    test("fails when an attribute is computed by the provider", () => {
      expect(bad({ ...reader, scope: "${azurerm_storage_account.Acct.primary_blob_endpoint}" })).toThrow(
        /azurerm_storage_account\.Acct\.primary_blob_endpoint is computed by the provider, not known at synth$/,
      );
    });

    test("fails when a role is unknown", () => {
      expect(bad({ scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_name: "Storage Blob Data Owner" })).toThrow(
        /^test: azurerm_role_assignment\.Bad\.role_definition_name 'Storage Blob Data Owner' is neither a built-in role this evaluator knows \(Owner, Contributor, Reader, Storage Blob Data Reader, Key Vault Crypto Service Encryption User, Key Vault Reader, Log Analytics Reader\) nor a custom role of the stacks$/,
      );
      expect(bad({ scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_id: "${azurerm_role_definition.Writer.id}" }, customRole("Writer", { actions: [] }))).toThrow(
        /azurerm_role_definition\.Writer\.id is '\{roleDefinitionId\}\|\{scope\}', not a role definition id; reference role_definition_resource_id$/,
      );
    });

    test("fails when a custom role is assigned outside its assignable scopes", () => {
      const role = customRole("Narrow", { actions: ["*/read"] });
      role.azurerm_role_definition.Narrow = { ...role.azurerm_role_definition.Narrow, assignable_scopes: ["${azurerm_storage_account.Acct2.id}"] };
      expect(bad({ scope: "${azurerm_storage_account.Acct.id}", principal_id: ALICE, role_definition_name: "test-Narrow" }, role)).toThrow(
        `test: azurerm_role_assignment.Bad assigns 'test-Narrow' at '${ACCOUNT}', outside its assignable scopes (${ACCOUNT2}); Azure would refuse it`,
      );
    });

    test("fails on what it does not evaluate: deny assignments, vault access policies", () => {
      expect(bad({ ...reader, scope: "${azurerm_storage_account.Acct.id}" }, { azapi_resource: { Stack: { type: "Microsoft.Resources/deploymentStacks@2024-03-01", parent_id: RG, name: "s" } } })).toThrow(
        "test: azapi_resource.Stack (Microsoft.Resources/deploymentStacks@2024-03-01) creates deny assignments, which this evaluator does not model",
      );
      expect(bad({ ...reader, scope: "${azurerm_storage_account.Acct.id}" }, { azurerm_key_vault: { Kv: { name: "kv", resource_group_name: "rg-test" } } })).toThrow(
        "test: azurerm_key_vault.Kv does not use Azure RBAC (rbac_authorization_enabled is not true); access policies are not modelled",
      );
    });

    test("fails when the subscription is not known at synth", () => {
      const s = stack({ Bad: { ...reader, scope: "${azurerm_storage_account.Acct.id}" } });
      expect(() => AzureAccess.fromStacks([{ ...s, json: { ...s.json, provider: { azurerm: [{ subscription_id: "${var.subscription}" }] } } }])).toThrow(
        'test: cannot tell the subscription of azurerm_storage_account.Acct: the azurerm provider has no literal subscription_id (got "${var.subscription}")',
      );
    });

    test("fails when asked about a wildcard instead of one operation", () => {
      expect(() => model({}).can(ALICE, { dataAction: "Microsoft.Storage/*" }, ACCOUNT)).toThrow(/must be one concrete action name/);
    });
  });
});
