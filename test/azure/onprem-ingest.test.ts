import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { App, Testing } from "cdktf";
import type { Construct } from "constructs";
import { EncryptedStore } from "../../lib/azure/encrypted-store";
import { OnPremIngest, type OnPremIngestProps } from "../../lib/azure/onprem-ingest";
import type { SiteVpn } from "../../lib/azure/site-vpn";
import { EmbassyPack } from "../../lib/policy/embassy-pack";
import { policyReport } from "../../lib/policy/report";
import { AzureAccess, type AzureAction, BLOB_LIST_SUBOPERATION } from "../../lib/review/azure-access";
import { readCdktfOut, type SynthesizedStack } from "../../lib/review/terraform-json";
import { parseTopology } from "../../lib/topology/load";
import type { OnPremSite, Topology } from "../../lib/topology/model";
import { AzureSiteStack } from "../../stacks/azure-site-stack";
import { checkRule } from "../policy/helpers";
import { CUSTODY, type Resource, type Synth, only, resources, resourcesById, siteParts, synthScope } from "./fixtures";

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
const ISSUER = "https://sts.example.nl";
const SUBJECT = "embassy-push";
/**
 * The list-only condition, written out here rather than imported: `blobs/read` only for the
 * suboperation `Blob.List` (learn.microsoft.com/azure/storage/blobs/storage-auth-abac-attributes,
 * "Read a blob": `!(ActionMatches{'...blobs/read'} AND NOT SubOperationMatches{'Blob.List'})`).
 */
const LIST_ONLY = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})))";

/** A site's parts, the stores of registries `brp` and `land`, and an ingest carrying `carried`. */
function site(scope: Construct, props: Partial<OnPremIngestProps> = {}, carried: readonly string[] = ["brp"]) {
  const parts = siteParts(scope);
  const store = (registryId: string) =>
    new EncryptedStore(scope, `Store-${registryId}`, {
      registryId,
      accountName: `teststore${registryId}`,
      resourceGroupName: parts.resourceGroupName,
      location: parts.location,
      retentionDays: 365,
      network: parts.network,
      logStore: parts.logStore,
      keyVault: parts.keyVault,
    });
  const stores = new Map(["brp", "land"].map((r) => [r, store(r)]));
  const ingest = new OnPremIngest(scope, "Ingest-odc-noord", {
    resourceGroupName: parts.resourceGroupName,
    location: parts.location,
    namePrefix: "test",
    datacenterId: "odc-noord",
    issuer: ISSUER,
    subject: SUBJECT,
    stores: carried.map((r) => stores.get(r) as EncryptedStore),
    resourceGroupId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
    everyMinutes: 15,
    ...props,
  });
  return { parts, stores, ingest };
}

function ingestSynth(props: Partial<OnPremIngestProps> = {}, carried?: readonly string[]): Synth {
  return synthScope((scope) => void site(scope, props, carried));
}

/** The logical id of the one resource of `type` whose attributes `match` selects. */
function idOf(synth: Synth, type: string, match: (r: Resource) => boolean): string {
  const ids = Object.entries(resourcesById(synth, type))
    .filter(([, r]) => match(r))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe("OnPremIngest", () => {
  const synth = ingestSynth();
  const identityId = idOf(synth, "azurerm_user_assigned_identity", (r) => r.name === "test-ingest-odc-noord");
  const roleId = idOf(synth, "azurerm_role_definition", (r) => r.name === "test-ingest-odc-noord");
  const listRoleId = idOf(synth, "azurerm_role_definition", (r) => r.name === "test-ingest-list-odc-noord");
  const ingestAssignments = resources(synth, "azurerm_role_assignment").filter((a) => a.principal_id === `\${azurerm_user_assigned_identity.${identityId}.principal_id}`);

  test("a user-assigned identity for the datacenter's copy job, tagged with the datacenter and its schedule", () => {
    expect(resourcesById(synth, "azurerm_user_assigned_identity")[identityId]).toEqual({
      name: "test-ingest-odc-noord",
      resource_group_name: "rg-test",
      location: "westeurope",
      tags: { "embassy:datacenter": "odc-noord", "embassy:every-minutes": "15" },
    });
  });

  test("a federated credential on that identity for exactly the datacenter's issuer and subject, audience AzureADTokenExchange", () => {
    expect(only(synth, "azurerm_federated_identity_credential")).toEqual({
      name: "odc-noord-copy-job",
      resource_group_name: "rg-test",
      parent_id: `\${azurerm_user_assigned_identity.${identityId}.id}`,
      audience: ["api://AzureADTokenExchange"],
      issuer: ISSUER,
      subject: SUBJECT,
    });
  });

  test("the ingest role writes and adds blobs only: no read, no delete, no immutability change, no control-plane action", () => {
    const role = resourcesById(synth, "azurerm_role_definition")[roleId];
    expect(role).toMatchObject({
      scope: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
      assignable_scopes: ["/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test"],
    });
    expect(role.permissions).toEqual([{ actions: [], data_actions: [`${BLOBS}/write`, `${BLOBS}/add/action`], not_actions: [], not_data_actions: [] }]);
    const granted = JSON.stringify(role.permissions);
    for (const word of ["read", "delete", "immutab", "runAsSuperUser", "listKeys", "*"]) expect(granted).not.toContain(word);
  });

  test("the list role holds blobs/read only, defined on the site's resource group", () => {
    const role = resourcesById(synth, "azurerm_role_definition")[listRoleId];
    expect(role).toEqual({
      name: "test-ingest-list-odc-noord",
      description: "Lets datacenter 'odc-noord' list registry containers; assigned only with a condition that allows List Blobs and no blob read",
      scope: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
      assignable_scopes: ["/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test"],
      permissions: [{ actions: [], data_actions: [`${BLOBS}/read`], not_actions: [], not_data_actions: [] }],
    });
  });

  test("on the carried registry's container only, to the identity as a service principal: the ingest role, and the list role under the list-only condition, version 2.0", () => {
    const brpContainer = idOf(synth, "azurerm_storage_container", (c) => c.storage_account_id === `\${azurerm_storage_account.${idOf(synth, "azurerm_storage_account", (a) => a.name === "teststorebrp")}.id}`);
    const common = {
      scope: `\${azurerm_storage_container.${brpContainer}.id}`,
      principal_id: `\${azurerm_user_assigned_identity.${identityId}.principal_id}`,
      principal_type: "ServicePrincipal",
      skip_service_principal_aad_check: true,
    };
    const byDescription = (a: Resource, b: Resource) => String(a.description).localeCompare(String(b.description));
    expect([...ingestAssignments].sort(byDescription)).toEqual([
      { ...common, role_definition_id: `\${azurerm_role_definition.${roleId}.role_definition_resource_id}`, description: "ingest: datacenter 'odc-noord' adds versions of registry 'brp'" },
      {
        ...common,
        role_definition_id: `\${azurerm_role_definition.${listRoleId}.role_definition_resource_id}`,
        description: "ingest: datacenter 'odc-noord' lists registry 'brp' (List Blobs only, by condition)",
        condition: LIST_ONLY,
        condition_version: "2.0",
      },
    ]);
    // Only the list role's assignment is conditioned; the write assignment has no condition to weaken.
    expect(ingestAssignments.filter((a) => a.condition !== undefined).map((a) => a.role_definition_id)).toEqual([`\${azurerm_role_definition.${listRoleId}.role_definition_resource_id}`]);
  });

  test("carry adds a registry once; a second call returns the same assignment", () => {
    const s = synthScope((scope) => {
      const { ingest, stores } = site(scope);
      const land = stores.get("land") as EncryptedStore;
      expect(ingest.carry(land)).toBe(ingest.carry(land));
      expect(ingest.registryIds).toEqual(["brp", "land"]);
    });
    expect(
      resources(s, "azurerm_role_assignment")
        .filter((a) => String(a.description).startsWith("ingest:"))
        .map((a) => [a.description, a.condition_version ?? null])
        .sort(),
    ).toEqual([
      ["ingest: datacenter 'odc-noord' adds versions of registry 'brp'", null],
      ["ingest: datacenter 'odc-noord' adds versions of registry 'land'", null],
      ["ingest: datacenter 'odc-noord' lists registry 'brp' (List Blobs only, by condition)", "2.0"],
      ["ingest: datacenter 'odc-noord' lists registry 'land' (List Blobs only, by condition)", "2.0"],
    ]);
  });

  test("shared ingest and list roles are used as given (no role of its own)", () => {
    const s = synthScope((scope) => {
      const { parts, stores } = site(scope);
      new OnPremIngest(scope, "Ingest-odc-zuid", {
        resourceGroupName: parts.resourceGroupName,
        location: parts.location,
        namePrefix: "test",
        datacenterId: "odc-zuid",
        issuer: ISSUER,
        subject: "other-job",
        stores: [stores.get("brp") as EncryptedStore],
        ingestRole: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000000" },
        listRole: { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000001" },
      });
    });
    // Only odc-noord's own two roles.
    expect(resources(s, "azurerm_role_definition").map((r) => r.name).filter((n) => String(n).startsWith("test-ingest")).sort()).toEqual(["test-ingest-list-odc-noord", "test-ingest-odc-noord"]);
    const zuid = resources(s, "azurerm_role_assignment").filter((a) => String(a.description).startsWith("ingest: datacenter 'odc-zuid'"));
    expect(zuid.map((a) => [a.role_definition_id, a.condition ?? null, a.condition_version ?? null]).sort()).toEqual([
      ["/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000000", null, null],
      ["/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000001", LIST_ONLY, "2.0"],
    ]);
  });

  test("EMB-I02 accepts the assignment: its principal is a managed identity of this app, its scope a container", () => {
    const result = checkRule("EMB-I02", (scope) => void site(scope), { custody: { azureAdministrators: [...CUSTODY.administrators] } });
    expect(result.findings).toEqual([]);
    expect(result.summary.checked).toBeGreaterThanOrEqual(ingestAssignments.length);
  });

  describe("fails when", () => {
    test("the datacenter id, issuer or subject are not what Entra ID takes", () => {
      expect(() => ingestSynth({ datacenterId: "ODC" })).toThrow(/^datacenterId must be a site id of 2-21 lower-case letters, digits and hyphens starting with a letter, got 'ODC'$/m);
      expect(() => ingestSynth({ issuer: "http://sts.example.nl" })).toThrow(/^issuer must be an https URL without spaces of at most 600 characters, got 'http:\/\/sts\.example\.nl' for datacenter 'odc-noord'$/);
      expect(() => ingestSynth({ issuer: `https://sts.example.nl/${"x".repeat(600)}` })).toThrow(/^issuer must be an https URL without spaces of at most 600 characters/);
      expect(() => ingestSynth({ subject: " embassy-push" })).toThrow(/^subject must be 1-600 characters without leading or trailing spaces, got ' embassy-push' for datacenter 'odc-noord'$/);
      expect(() => ingestSynth({ subject: "" })).toThrow(/^subject must be 1-600 characters/);
    });

    test("the region cannot hold federated credentials on user-assigned identities", () => {
      expect(() => ingestSynth({ location: "newzealandnorth" })).toThrow(
        /^location 'newzealandnorth' cannot hold federated identity credentials on user-assigned identities \(workload identity federation considerations, "Unsupported regions"\); datacenter 'odc-noord' cannot send there$/,
      );
    });

    test("no store, or a registry twice", () => {
      expect(() => ingestSynth({}, [])).toThrow(/^stores must list at least one store for datacenter 'odc-noord', got none$/);
      expect(() => ingestSynth({}, ["brp", "land", "brp"])).toThrow(/^stores must hold each registry once for datacenter 'odc-noord', got 'brp' more than once$/);
    });

    test("the schedule is not a positive whole number of minutes", () => {
      expect(() => ingestSynth({ everyMinutes: 0 })).toThrow(/^everyMinutes must be a whole number of minutes, at least 1, got 0 for datacenter 'odc-noord'$/);
      expect(() => ingestSynth({ everyMinutes: 7.5 })).toThrow(/got 7\.5 for datacenter 'odc-noord'$/);
    });

    test("neither a role nor a resource group to define one in is given", () => {
      expect(() => ingestSynth({ resourceGroupId: undefined })).toThrow(
        /^resourceGroupId is required to define the ingest role when ingestRole is not given \(datacenter 'odc-noord'\)\nresourceGroupId is required to define the list role when listRole is not given \(datacenter 'odc-noord'\)$/,
      );
      const shared = { roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-000000000000" };
      expect(() => ingestSynth({ resourceGroupId: undefined, ingestRole: shared })).toThrow(/^resourceGroupId is required to define the list role when listRole is not given \(datacenter 'odc-noord'\)$/);
    });
  });
});

// ---- the stack: AzureSiteStack.ingestFrom ----------------------------------------------------

/**
 * A Dutch datacenter (the primary) sending to a domestic Azure site and a foreign one. The foreign
 * site holds brp and land; tests ingest only some of them to show the grants follow the call.
 */
function topology(): Topology {
  return parseTopology(
    {
      version: 1,
      name: "nl-embassy",
      home: "NL",
      custody: { azure: { ...CUSTODY, administrators: [...CUSTODY.administrators] } },
      sites: [
        {
          id: "odc-noord",
          role: "domestic",
          primary: true,
          cloud: "onprem",
          location: { city: "Groningen", country: "NL", latitude: 53.22, longitude: 6.57 },
          cidr: "10.40.0.0/16",
          vpn: { publicIp: "198.51.100.10", bgpAsn: 65010 },
          identity: { azure: { issuer: ISSUER, subject: SUBJECT } },
        },
        { id: "nl-azure", role: "domestic", cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
        { id: "es-embassy", role: "foreign", cloud: "azure", region: "spaincentral", cidr: "10.30.0.0/16" },
      ],
      registries: [
        { id: "brp", title: "Population register", rpoMinutes: 60, retentionDays: 365 },
        { id: "land", title: "Land register", rpoMinutes: 60, retentionDays: 365 },
      ],
      links: [
        { from: "odc-noord", to: "nl-azure", registries: ["brp"], everyMinutes: 15 },
        { from: "odc-noord", to: "es-embassy", registries: ["brp", "land"], everyMinutes: 30 },
      ],
    },
    "test",
  );
}

const datacenterOf = (t: Topology) => t.sites.find((s): s is OnPremSite => s.cloud === "onprem") as OnPremSite;

/** The foreign site's stack with `ingest` applied, in `app`. */
function foreignStack(app: App, ingest: (stack: AzureSiteStack, t: Topology) => void): AzureSiteStack {
  const t = topology();
  const stack = new AzureSiteStack(app, "nl-embassy-es-embassy", { topology: t, site: t.sites[2], backend: { kind: "local" } });
  ingest(stack, t);
  return stack;
}

/** That stack synthesized to a folder and read back as cdktf.out (what the review reads). */
function foreignSite(ingest: (stack: AzureSiteStack, t: Topology) => void): { stacks: SynthesizedStack[] } {
  const outdir = mkdtempSync(join(tmpdir(), "azingest-"));
  try {
    const app = new App({ outdir });
    foreignStack(app, ingest);
    app.synth();
    return { stacks: readCdktfOut(outdir) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The embassy pack's unsuppressed error findings on that stack, with the construct path of each. */
function packErrors(ingest: (stack: AzureSiteStack, t: Topology) => void): { path: string; message: string }[] {
  const stack = foreignStack(Testing.app(), ingest);
  const findings = new EmbassyPack({ topology: topology() }).check(stack);
  expect(policyReport(stack).findings.length).toBe(findings.length);
  return findings.filter((f) => f.level === "error" && !f.suppressed).map((f) => ({ path: f.path, message: f.message }));
}

describe("AzureSiteStack.ingestFrom", () => {
  const { stacks } = foreignSite((stack, t) => stack.ingestFrom(datacenterOf(t), ["brp"], 30));
  const json = stacks[0].json;
  const access = AzureAccess.fromStacks(stacks);
  const identity = access.resources("azurerm_user_assigned_identity").find((i) => i.attributes.name === "nl-embassy-es-embassy-ingest-odc-noord");
  const container = (account: string) => {
    const found = access.resources("azurerm_storage_container").find((c) => access.resourceAt(c.stack, String(c.attributes.storage_account_id)).attributes.name === account);
    if (!found?.path) throw new Error(`no container in account ${account}`);
    return found.path;
  };
  const accountOf = (registry: string) =>
    access.resources("azurerm_storage_account").find((a) => a.tags["embassy:registry"] === registry)?.attributes.name as string;

  test("the embassy pack finds no error in what ingestFrom adds: identity, grants, VPN and public IP (EMB-N01), NSG rule", () => {
    const errors = packErrors((stack, t) => stack.ingestFrom(datacenterOf(t), ["brp"], 30));
    const mine = errors.filter((e) => /\/OnPrem\/|\/Network\/(GatewaySubnet|EndpointSecurityGroup\/allow-https-from-datacenters)/.test(e.path));
    expect(mine).toEqual([]);
    // The same check sees a problem there: the gateway's public IP also on a NIC is refused.
    const misused = packErrors((stack, t) => {
      stack.ingestFrom(datacenterOf(t), ["brp"], 30);
      const vpn = stack.node.findChild("OnPrem").node.findChild("Vpn") as SiteVpn;
      new NetworkInterface(stack, "Nic", { resourceGroupName: "rg", location: "spaincentral", name: "nic", ipConfiguration: [{ name: "c", privateIpAddressAllocation: "Dynamic", publicIpAddressId: vpn.publicIp.id }] });
    });
    expect(misused.filter((e) => e.path === "nl-embassy-es-embassy/OnPrem/Vpn/PublicIp").map((e) => e.message)).toEqual([
      expect.stringMatching(/^\[EMB-N01\] .*a public IP is reachable from the internet: azurerm_network_interface\.Nic \(azurerm_network_interface\) uses it/),
    ]);
  });

  test("outputs with stable ids: client id, tenant id, VPN gateway IP, and account and container per carried registry", () => {
    const outputs = Object.keys(json.output ?? {}).filter((o) => o.startsWith("onprem-"));
    expect(outputs.sort()).toEqual(
      [
        "onprem-odc-noord-brp-account",
        "onprem-odc-noord-brp-container",
        "onprem-odc-noord-brp-endpoint-ip",
        "onprem-odc-noord-client-id",
        "onprem-odc-noord-tenant-id",
        "onprem-odc-noord-vpn-gateway-ip",
      ].sort(),
    );
    expect(json.output?.["onprem-odc-noord-brp-endpoint-ip"]).toMatchObject({
      value: expect.stringMatching(/^\$\{azurerm_private_endpoint\.Store-brp_Endpoint_\w+\.private_service_connection\[0\]\.private_ip_address\}$/),
    });
    expect(json.output?.["onprem-odc-noord-tenant-id"]).toMatchObject({ value: CUSTODY.tenantId });
    expect(json.output?.["onprem-odc-noord-brp-account"]).toMatchObject({ value: expect.stringMatching(/^\$\{azurerm_storage_account\.Store-brp_\w+\.name\}$/) });
    expect(json.output?.["onprem-odc-noord-brp-container"]).toMatchObject({ value: expect.stringMatching(/^\$\{azurerm_storage_container\.Store-brp_Container_\w+\.name\}$/) });
    expect(json.output?.["onprem-odc-noord-client-id"]).toMatchObject({ value: expect.stringMatching(/^\$\{azurerm_user_assigned_identity\.OnPrem_odc-noord_Ingest_\w+\.client_id\}$/) });
    expect(json.output?.["onprem-odc-noord-vpn-gateway-ip"]).toMatchObject({ value: expect.stringMatching(/^\$\{azurerm_public_ip\.OnPrem_Vpn_PublicIp_\w+\.ip_address\}$/) });
  });

  test("the VPN: one gateway, one tunnel to the datacenter, its key from a sensitive variable", () => {
    expect(Object.keys(json.resource?.azurerm_virtual_network_gateway ?? {})).toHaveLength(1);
    expect(Object.values(json.resource?.azurerm_local_network_gateway ?? {}).map((l) => [l.gateway_address, l.address_space])).toEqual([["198.51.100.10", ["10.40.0.0/16"]]]);
    expect(Object.values(json.resource?.azurerm_virtual_network_gateway_connection ?? {}).map((c) => c.shared_key)).toEqual(["${var.vpn_shared_key_odc_noord}"]);
    expect((json as { variable?: Record<string, Resource> }).variable?.vpn_shared_key_odc_noord).toMatchObject({ sensitive: true });
  });

  test("decided by the Azure RBAC evaluator: the copy job may add versions to the carried container, nothing else", () => {
    if (!identity?.path) throw new Error("no ingest identity");
    const carried = container(accountOf("brp"));
    const other = container(accountOf("land"));
    const op = (a: string): AzureAction => ({ dataAction: `${BLOBS}/${a}` });
    for (const a of ["write", "add/action"]) {
      expect(access.can(identity.path, op(a), `${carried}/blobs/snapshot-1`).allowed).toBe(true);
      expect(access.can(identity.path, op(a), `${other}/blobs/snapshot-1`).allowed).toBe(false);
    }
    // Listing (List Blobs, suboperation Blob.List) the carried container, by the conditioned list role; not another registry's.
    const list: AzureAction = { dataAction: `${BLOBS}/read`, subOperation: BLOB_LIST_SUBOPERATION };
    expect(access.can(identity.path, list, carried).grants.map((g) => [g.assignment.role.name, g.condition])).toEqual([["nl-embassy-es-embassy-ingest-list-odc-noord", "met"]]);
    expect(access.can(identity.path, list, other).allowed).toBe(false);
    for (const a of ["read", "delete", "deleteBlobVersion/action", "permanentDelete/action", "immutableStorage/runAsSuperUser/action", "tags/write", "tags/read"]) {
      expect({ a, allowed: access.can(identity.path, op(a), `${carried}/blobs/snapshot-1`).allowed }).toEqual({ a, allowed: false });
    }
    for (const action of ["Microsoft.Storage/storageAccounts/listKeys/action", "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write", "Microsoft.Storage/storageAccounts/write"]) {
      expect(access.can(identity.path, { action }, carried).allowed).toBe(false);
    }
    // Beyond the carried container, only the site's manifest-signing key: sign with it, nothing else with it or any other key.
    const signingKey = access.resources("azapi_resource").find((k) => k.attributes.name === "manifest-signing")?.path;
    if (!signingKey) throw new Error("no manifest-signing key at the site");
    const held = access.accessOf(identity.path).map((e) => [e.scope, e.role.name, e.assignment.condition?.meaning ?? null]);
    expect(held).toHaveLength(3);
    expect(held).toEqual(
      expect.arrayContaining([
        [carried, "nl-embassy-es-embassy-ingest", null],
        [carried, "nl-embassy-es-embassy-ingest-list-odc-noord", "list-only"],
        [signingKey, expect.any(String), null],
      ]),
    );
    const keyOp = (a: string): AzureAction => ({ dataAction: `Microsoft.KeyVault/vaults/keys/${a}` });
    expect(access.can(identity.path, keyOp("sign/action"), signingKey).allowed).toBe(true);
    expect(access.can(identity.path, keyOp("read"), signingKey).allowed).toBe(true);
    for (const a of ["decrypt/action", "unwrap/action", "encrypt/action", "wrap/action", "delete", "update/action", "backup/action", "release/action"]) {
      expect({ a, allowed: access.can(identity.path, keyOp(a), signingKey).allowed }).toEqual({ a, allowed: false });
    }
    for (const storeKey of access.resources("azapi_resource").filter((k) => String(k.attributes.name).endsWith("-cmk"))) {
      expect(access.can(identity.path, keyOp("sign/action"), storeKey.path!).allowed).toBe(false);
    }
  });

  test("a second call for the same datacenter carries more registries with the same identity and tunnel", () => {
    const { stacks: again } = foreignSite((stack, t) => {
      const first = stack.ingestFrom(datacenterOf(t), ["brp"], 30);
      expect(stack.ingestFrom(datacenterOf(t), ["land"], 30)).toBe(first);
      expect(first.registryIds).toEqual(["brp", "land"]);
    });
    const j = again[0].json;
    expect(Object.keys(j.resource?.azurerm_user_assigned_identity ?? {}).filter((k) => k.startsWith("OnPrem_"))).toHaveLength(1);
    expect(Object.keys(j.resource?.azurerm_virtual_network_gateway_connection ?? {})).toHaveLength(1);
    expect(Object.keys(j.output ?? {}).filter((o) => /^onprem-odc-noord-\w+-(account|container)$/.test(o)).sort()).toEqual([
      "onprem-odc-noord-brp-account",
      "onprem-odc-noord-brp-container",
      "onprem-odc-noord-land-account",
      "onprem-odc-noord-land-container",
    ]);
  });

  test("pushTarget: the datacenter's push plan entry, with literal names and the deployed values by output", () => {
    let target: unknown;
    let t0!: Topology;
    foreignSite((stack, t) => {
      t0 = t;
      stack.ingestFrom(datacenterOf(t), ["brp"], 30);
      target = stack.pushTarget(datacenterOf(t), 30);
    });
    const account = accountOf("brp");
    expect(target).toEqual({
      site: "es-embassy",
      role: "foreign",
      cloud: "azure",
      region: "spaincentral",
      stack: "nl-embassy-es-embassy",
      everyMinutes: 30,
      credentials: {
        kind: "federated-credential",
        tenantId: CUSTODY.tenantId,
        clientId: { stack: "nl-embassy-es-embassy", output: "onprem-odc-noord-client-id" },
        issuer: ISSUER,
        subject: SUBJECT,
        audience: "api://AzureADTokenExchange",
      },
      network: {
        kind: "vpn",
        gatewayPublicIp: { stack: "nl-embassy-es-embassy", output: "onprem-odc-noord-vpn-gateway-ip" },
        siteCidr: t0.sites[2].cidr,
        routing: expect.stringContaining("static"),
        ipsecPolicy: {
          ikeEncryption: "GCMAES256",
          ikeIntegrity: "SHA384",
          dhGroup: "ECP384",
          ipsecEncryption: "GCMAES256",
          ipsecIntegrity: "GCMAES256",
          pfsGroup: "ECP384",
          saLifetime: 27_000,
          saDatasize: 102_400_000,
          ikeSaLifetimeSeconds: 28_800,
          ikeVersion: "IKEv2",
        },
        dns: expect.stringContaining("no DNS resolver is built here"),
      },
      upload: { operations: expect.stringContaining("cannot read"), ifNoneMatch: expect.stringContaining("If-None-Match: *"), egress: expect.stringContaining("login.microsoftonline.com") },
      signing: {
        kind: "azure-key-vault",
        keyId: { stack: "nl-embassy-es-embassy", output: "signing-key-id" },
        keyVault: access.resources("azurerm_key_vault")[0].attributes.name,
        keyName: "manifest-signing",
        algorithm: "ES256",
        endpointIp: { stack: "nl-embassy-es-embassy", output: "signing-key-vault-endpoint-ip" },
      },
      registries: [
        {
          id: "brp",
          url: `https://${account}.blob.core.windows.net/registry/`,
          account,
          container: "registry",
          endpointIp: { stack: "nl-embassy-es-embassy", output: "onprem-odc-noord-brp-endpoint-ip" },
          keyVault: access.resources("azurerm_key_vault")[0].attributes.name,
          keyName: access.resources("azapi_resource").find((k) => String(k.attributes.name).startsWith(account))?.attributes.name,
        },
      ],
    });
    // Both data planes the copy job uses answer only on private endpoints: the text names the blob
    // and the vault host names, and the vault's zone is the one its endpoint registers in.
    const vault = String(access.resources("azurerm_key_vault")[0].attributes.name);
    const dns = (target as { network: { dns: string } }).network.dns;
    expect(dns).toContain("make <account>.blob.core.windows.net resolve to each registry's endpointIp");
    expect(dns).toContain(`${vault}.vault.azure.net resolve to signing.endpointIp (an A record for ${vault}.privatelink.vaultcore.azure.net;`);
    const zones = json.resource?.azurerm_private_dns_zone ?? {};
    const vaultZone = Object.keys(zones).find((id) => zones[id].name === "privatelink.vaultcore.azure.net");
    expect(vaultZone).toBeDefined();
    const vaultEndpoint = Object.values(json.resource?.azurerm_private_endpoint ?? {}).find(
      (e) => (e.private_service_connection as { subresource_names: string[] }).subresource_names?.[0] === "vault",
    );
    expect(vaultEndpoint?.private_dns_zone_group).toMatchObject({ private_dns_zone_ids: [`\${azurerm_private_dns_zone.${vaultZone}.id}`] });
    // Every deployed value names an output the stack really has.
    for (const output of ["onprem-odc-noord-client-id", "onprem-odc-noord-vpn-gateway-ip", "onprem-odc-noord-brp-endpoint-ip", "signing-key-id", "signing-key-vault-endpoint-ip"]) expect(json.output).toHaveProperty([output]);
    expect(json.output?.["signing-key-id"]).toMatchObject({ value: expect.stringMatching(/^\$\{azapi_resource\.Signing_\w+\.output\.properties\.keyUri\}$/) });
    expect(json.output?.["signing-key-vault-endpoint-ip"]).toMatchObject({ value: expect.stringMatching(/^\$\{azurerm_private_endpoint\.KeyVault_Endpoint_\w+\.private_service_connection\[0\]\.private_ip_address\}$/) });
  });

  describe("fails when", () => {
    const stackOf = (t: Topology) => new AzureSiteStack(Testing.app(), "nl-embassy-es-embassy", { topology: t, site: t.sites[2], backend: { kind: "local" } });

    test("the datacenter has no vpn (Azure stores take only their private endpoints)", () => {
      const t = topology();
      const noVpn: OnPremSite = { ...datacenterOf(t), vpn: undefined };
      expect(() => stackOf(t).ingestFrom(noVpn, ["brp"], 30)).toThrow(
        /^datacenter 'odc-noord' -> 'es-embassy': the datacenter has no vpn; Azure stores accept only their private endpoints, so a copy job reaches them only through a site-to-site VPN$/,
      );
    });

    test("the datacenter has no Azure identity, a registry has no store here, or the schedule is wrong", () => {
      const t = topology();
      const noIdentity: OnPremSite = { ...datacenterOf(t), identity: {} };
      expect(() => stackOf(t).ingestFrom(noIdentity, ["brp"], 30)).toThrow(/^datacenter 'odc-noord' -> 'es-embassy': the datacenter has no identity\.azure \{ issuer, subject \} for its copy job to sign in with$/);
      expect(() => stackOf(t).ingestFrom(datacenterOf(t), ["brp", "tax"], 30)).toThrow(/^datacenter 'odc-noord' -> 'es-embassy': no store here for registry 'tax'$/);
      expect(() => stackOf(t).ingestFrom(datacenterOf(t), [], 30)).toThrow(/^datacenter 'odc-noord' -> 'es-embassy': registryIds must name at least one registry, got none$/);
      expect(() => stackOf(t).ingestFrom(datacenterOf(t), ["brp"], 0)).toThrow(/^datacenter 'odc-noord' -> 'es-embassy': everyMinutes must be a whole number of minutes, at least 1, got 0$/);
      const s = stackOf(t);
      s.ingestFrom(datacenterOf(t), ["brp"], 30);
      expect(() => s.ingestFrom(datacenterOf(t), ["land"], 15)).toThrow(/^datacenter 'odc-noord' -> 'es-embassy': everyMinutes 15 differs from the 30 already given for this datacenter$/);
    });
  });
});
