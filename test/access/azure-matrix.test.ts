/**
 * The Azure access matrix, decided by the RBAC evaluator (lib/review/azure-access.ts) from what
 * synth really writes to cdktf.out, for every example under stacks/ that has an Azure site, for
 * the former Dutch example (an Azure primary replicating to a second Azure site by object
 * replication) and for a generated five-site topology.
 * Expectations come from the topology alone (custody administrators, readers, writers, the
 * primary, the registries each site holds, the datacenters that send to each site), never from
 * the constructs or perms.ts. Who writes: the custody writers at an Azure primary; at a site a
 * datacenter sends to, that datacenter's ingest identity (the user-assigned identity of the site's
 * stack tagged `embassy:datacenter` with its id), on exactly the registries its links carry there;
 * that identity may also list those containers (List Blobs: `blobs/read` with the suboperation
 * `Blob.List`, allowed by a role-assignment condition) and read no blob. A `blobs/read` request
 * without a suboperation is a blob read (Get Blob and the rest). A condition the evaluator does not
 * recognise counts as allowing (possibly allowed), and conditionProblems reports it.
 * Every check returns the problems it finds, so the last blocks can show that each one fails when
 * the grant it guards is changed in the synthesized JSON.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { AzureAccess, type AzureAction, type AzureResource, type AzureRoleAssignment } from "../../lib/review/azure-access";
import { blocks, readCdktfOut, type SynthesizedStack } from "../../lib/review/terraform-json";
import { registriesAt } from "../../lib/topology/holdings";
import { loadTopologyFile } from "../../lib/topology/load";
import type { OnPremSite, Site, Topology } from "../../lib/topology/model";
import { run } from "../../stacks/main";
import { ADMIN_A, ADMIN_B, ADMIN_C, CUSTODY, OUTSIDER } from "../azure/fixtures";
import { azureOnlyDoc, PROJECT_ROOT } from "../fixtures";

const ADMIN_D = "eeeeeeee-0000-4000-8000-000000000005";

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";
const READ_BLOBS: AzureAction = { dataAction: `${BLOBS}/read` };
/** List Blobs: the same data action, with the suboperation `Blob.List` (learn.microsoft.com/azure/storage/blobs/storage-auth-abac-attributes, "List blobs"). */
const LIST_BLOBS: AzureAction = { dataAction: `${BLOBS}/read`, subOperation: "Blob.List" };
const WRITE_BLOBS: readonly AzureAction[] = [{ dataAction: `${BLOBS}/write` }, { dataAction: `${BLOBS}/add/action` }];
/**
 * Removing or unprotecting a blob version (articles/storage/blobs/versioning-overview.md: deleting a
 * version needs `deleteBlobVersion/action`; permanentDelete bypasses soft delete; runAsSuperUser
 * may set a shorter immutability policy on a version).
 */
const DESTROY_BLOBS: readonly AzureAction[] = ["delete", "deleteBlobVersion/action", "permanentDelete/action", "immutableStorage/runAsSuperUser/action"].map((a) => ({
  dataAction: `${BLOBS}/${a}`,
}));
/** Control-plane operations that could delete or weaken a store or vault, or hand out access. */
const DESTROY_CONTROL: readonly AzureAction[] = [
  "Microsoft.Storage/storageAccounts/delete",
  "Microsoft.Storage/storageAccounts/write",
  "Microsoft.Storage/storageAccounts/listKeys/action",
  "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
  "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
  "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete",
  "Microsoft.KeyVault/vaults/delete",
  "Microsoft.KeyVault/vaults/write",
  "Microsoft.Authorization/locks/delete",
  "Microsoft.Authorization/roleAssignments/write",
].map((action) => ({ action }));
/**
 * What a datacenter's copy job must not do anywhere, beyond DESTROY_BLOBS (which holds
 * `immutableStorage/runAsSuperUser/action`, the action of "Set Immutability Policy" and "Delete
 * Immutability Policy" on a blob version): read a registry, change the container (its `write` is the
 * action of "Set Blob Legal Hold" and "Undelete Blob", learn.microsoft.com/rest/api/storageservices/
 * authorize-with-azure-active-directory, "Permissions for calling data operations"), write or delete
 * the container's immutability policy, or list the account keys.
 */
const INGEST_FORBIDDEN: readonly AzureAction[] = [
  READ_BLOBS,
  ...DESTROY_BLOBS,
  ...[
    "Microsoft.Storage/storageAccounts/blobServices/containers/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/delete",
    "Microsoft.Storage/storageAccounts/listKeys/action",
  ].map((action) => ({ action })),
];
/**
 * The one audience a federated identity credential takes ("Currently, federated identity
 * credentials support a single audience 'api://AzureADTokenExchange'", MicrosoftDocs/entra-docs
 * docs/workload-id/workload-identity-federation-considerations.md).
 */
const TOKEN_EXCHANGE = "api://AzureADTokenExchange";
/** The tag naming the datacenter a resource of a site serves. */
const DATACENTER_TAG = "embassy:datacenter";
/** Key Vault key data actions (articles/role-based-access-control/permissions/security.md). */
const key = (op: string): AzureAction => ({ dataAction: `Microsoft.KeyVault/vaults/keys/${op}` });
const WRAP = [key("wrap/action"), key("unwrap/action")];
const SIGN = key("sign/action");
const VERIFY = key("verify/action");
const OTHER_KEY_USE = [key("encrypt/action"), key("decrypt/action"), SIGN];
const KEY_EXPORT_OR_PURGE = [key("purge/action"), key("backup/action"), key("release/action")];
const ADMINISTER_KEYS = [key("rotate/action")];
/**
 * What disables or replaces a key's current version, which nobody may hold standing: delete and
 * update (the retirement role, assigned to nobody), and create/import, because Create Key on an
 * existing name "creates a new version of the key" (learn.microsoft.com/rest/api/keyvault/keys/
 * create-key/create-key) with the caller's attributes (enabled: false, a past exp, no wrapKey), and
 * every store names its key by the versionless URI.
 */
const REPLACE_OR_RETIRE_KEYS = [key("create/action"), key("import/action"), key("update/action"), key("delete")];

const opOf = (a: AzureAction) => ("dataAction" in a ? a.dataAction : a.action);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const list = (ids: readonly string[]) => `[${[...ids].map((i) => i.toLowerCase()).sort().join(", ")}]`;
const same = (a: readonly string[], b: readonly string[]) => list(a) === list(b);

const SCRATCH = mkdtempSync(join(tmpdir(), "azure-matrix-"));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));
const synthesized = new Map<string, SynthesizedStack[]>();

/** Synthesizes a topology file exactly as `npm run synth` does (once per file) and reads back every stack. */
function synthesize(topologyFile: string): SynthesizedStack[] {
  const known = synthesized.get(topologyFile);
  if (known) return known;
  const out = join(SCRATCH, `cdktf.out-${synthesized.size}`);
  let log = "";
  const sink = { write: (t: string) => (log += t) };
  const code = run({ EMBASSY_TOPOLOGY: topologyFile, CDKTF_OUTDIR: out }, sink, sink);
  if (code !== 0) throw new Error(`synth of ${topologyFile} failed:\n${log}`);
  const stacks = readCdktfOut(out);
  synthesized.set(topologyFile, stacks);
  return stacks;
}

/**
 * Five Azure sites: a German primary, a second domestic site and three foreign embassies, four
 * registries, each replicated to two targets (object replication's limit per source account).
 * Administrators: A and D custodians, B the writer, C the reader.
 */
function generatedTopology(): Record<string, unknown> {
  return {
    version: 1,
    name: "de-embassy",
    home: "DE",
    custody: { azure: { tenantId: CUSTODY.tenantId, subscriptionId: CUSTODY.subscriptionId, administrators: [ADMIN_A, ADMIN_B, ADMIN_C, ADMIN_D], readers: [ADMIN_C], writers: [ADMIN_B] } },
    sites: [
      { id: "de-primary", role: "domestic", primary: true, cloud: "azure", region: "germanywestcentral", cidr: "10.10.0.0/16" },
      { id: "de-north", role: "domestic", cloud: "azure", region: "germanynorth", cidr: "10.20.0.0/16" },
      { id: "se-embassy", role: "foreign", cloud: "azure", region: "swedencentral", cidr: "10.30.0.0/16" },
      { id: "es-embassy", role: "foreign", cloud: "azure", region: "spaincentral", cidr: "10.40.0.0/16" },
      { id: "no-embassy", role: "foreign", cloud: "azure", region: "norwayeast", cidr: "10.50.0.0/16" },
    ],
    registries: [
      { id: "brp", title: "Population register", rpoMinutes: 1440, retentionDays: 3650 },
      { id: "land", title: "Land register", rpoMinutes: 1440, retentionDays: 365 },
      { id: "tax", title: "Tax register", rpoMinutes: 2880, retentionDays: 90 },
      { id: "cars", title: "Vehicle register", rpoMinutes: 1440, retentionDays: 30 },
    ],
    links: [
      { from: "de-primary", to: "de-north", registries: ["brp", "land"] },
      { from: "de-primary", to: "se-embassy", registries: ["brp", "tax"] },
      { from: "de-primary", to: "es-embassy", registries: ["land", "cars"] },
      { from: "de-primary", to: "no-embassy", registries: ["tax", "cars"] },
    ],
  };
}

/** One registry store as the synthesized JSON shows it. */
interface Store {
  readonly site: Site;
  readonly registry: string;
  readonly account: AzureResource;
  readonly containers: readonly AzureResource[];
  /** The key and identity named by the account's customer_managed_key block. */
  readonly key: AzureResource;
  readonly identity: AzureResource;
}

const stackOf = (topology: Topology, site: Site) => `${topology.name}-${site.id}`;
const azureSites = (topology: Topology) => topology.sites.filter((s) => s.cloud === "azure");
const inStack = (access: AzureAccess, type: string, stack: string) => access.resources(type).filter((r) => r.stack === stack);
const pathOf = (r: AzureResource): string => {
  if (r.path === undefined) throw new Error(`${r.stack}: ${r.address} has no ARM id: ${r.unresolved ?? "unknown type"}`);
  return r.path;
};

/** The registry stores of every Azure site: accounts tagged with a registry. */
function stores(access: AzureAccess, topology: Topology): Store[] {
  return azureSites(topology).flatMap((site) => {
    const stack = stackOf(topology, site);
    return inStack(access, "azurerm_storage_account", stack)
      .filter((a) => a.tags["embassy:registry"] !== undefined)
      .map((account) => {
        const cmk = blocks(account.attributes.customer_managed_key)[0];
        if (!cmk) throw new Error(`${stack}: ${account.address} has no customer_managed_key`);
        return {
          site,
          registry: account.tags["embassy:registry"],
          account,
          containers: inStack(access, "azurerm_storage_container", stack).filter((c) => access.resourceAt(stack, String(c.attributes.storage_account_id)).address === account.address),
          key: access.resourceAt(stack, String(cmk.key_vault_key_id)),
          identity: access.resourceAt(stack, String(cmk.user_assigned_identity_id)),
        };
      });
  });
}

/** Every Key Vault key of the stacks, whichever resource type creates it. */
function keys(access: AzureAccess): AzureResource[] {
  return access.resources().filter((r) => r.type === "azurerm_key_vault_key" || (r.type === "azapi_resource" && /^Microsoft\.KeyVault\/vaults\/keys@/i.test(String(r.attributes.type))));
}

/** The operations a key allows (`key_opts` of azurerm, `body.properties.keyOps` of an ARM key). */
function keyOpsOf(k: AzureResource): string[] {
  if (k.type === "azurerm_key_vault_key") return [...((k.attributes.key_opts as string[] | undefined) ?? [])];
  const body = typeof k.attributes.body === "string" ? JSON.parse(k.attributes.body) : k.attributes.body;
  return [...((body as { properties?: { keyOps?: string[] } } | undefined)?.properties?.keyOps ?? [])];
}

/** A key that can sign: a manifest-signing key (no store key signs). */
const signs = (k: AzureResource) => keyOpsOf(k).includes("sign");

/** Who holds what at a site, by the topology's rules: readers everywhere, writers at the primary, every other administrator a custodian. */
function duties(topology: Topology, site: Site) {
  const azure = topology.custody.azure;
  if (!azure) throw new Error(`topology '${topology.name}' has no Azure custody`);
  const readers = [...(azure.readers ?? [])];
  const writers = site.primary ? [...(azure.writers ?? [])] : [];
  const data = new Set([...readers, ...writers].map((p) => p.toLowerCase()));
  return { readers, writers, custodians: azure.administrators.filter((a) => !data.has(a.toLowerCase())) };
}

const holders = (access: AzureAccess, action: AzureAction, path: string) => access.whoCan(action, path).map((w) => w.principal.id);

type Check = (access: AzureAccess, topology: Topology) => string[];

/** What one datacenter sends to one Azure site, by the topology's links, and what the site's stack holds for it. */
interface Ingest {
  /** The Azure site. */
  readonly site: Site;
  readonly datacenter: OnPremSite;
  /** The registries its links carry to the site. */
  readonly registries: readonly string[];
  /** The user-assigned identities of the site's stack tagged for the datacenter: exactly one is expected, the copy job's. */
  readonly candidates: readonly AzureResource[];
}

/** For each Azure site, each datacenter that links to it. */
function ingests(access: AzureAccess, topology: Topology): Ingest[] {
  return azureSites(topology).flatMap((site) => {
    const sending = new Map<string, { datacenter: OnPremSite; registries: Set<string> }>();
    for (const link of topology.links) {
      if (link.to.id !== site.id || link.from.cloud !== "onprem") continue;
      const entry = sending.get(link.from.id) ?? { datacenter: link.from, registries: new Set<string>() };
      for (const r of link.registries) entry.registries.add(r.id);
      sending.set(link.from.id, entry);
    }
    const identities = inStack(access, "azurerm_user_assigned_identity", stackOf(topology, site));
    return [...sending.values()].map(({ datacenter, registries }) => ({
      site,
      datacenter,
      registries: [...registries],
      candidates: identities.filter((i) => i.tags[DATACENTER_TAG] === datacenter.id),
    }));
  });
}

/** The copy job's identity, when the stack holds exactly one for the datacenter. */
const identityOf = (ingest: Ingest): AzureResource | undefined => (ingest.candidates.length === 1 ? ingest.candidates[0] : undefined);

/**
 * Who must be able to add versions of a store, and nobody else: the custody writers at an Azure
 * primary, and the ingest identity of each datacenter whose links carry the registry to the site.
 */
function expectedWriters(topology: Topology, sending: readonly Ingest[], store: Store): { readonly ids: string[]; readonly label: string } {
  const { writers } = duties(topology, store.site);
  const from = sending.filter((i) => i.site.id === store.site.id && i.registries.includes(store.registry));
  const ids = [...writers, ...from.flatMap((i) => identityOf(i) ?? []).map(pathOf)];
  const parts: string[] = [];
  if (store.site.primary) parts.push("the custody writers");
  if (from.length > 0) parts.push(`the ingest identit${from.length > 1 ? "ies" : "y"} of ${from.map((i) => i.datacenter.id).join(", ")}`);
  return { ids, label: parts.join(" and ") || "nobody (not the primary, and no datacenter sends it here)" };
}

/** Every site holds a store per registry the topology puts there, each with its container. */
const storeProblems: Check = (access, topology) =>
  azureSites(topology).flatMap((site) => {
    const found = stores(access, topology).filter((s) => s.site === site);
    const problems: string[] = [];
    const want = registriesAt(topology, site).map((r) => r.id);
    if (!same(found.map((s) => s.registry), want)) problems.push(`${site.id}: stores for ${list(found.map((s) => s.registry))}, expected ${list(want)}`);
    for (const s of found) if (s.containers.length === 0) problems.push(`${site.id}/${s.registry}: no container`);
    return problems;
  });

/** Exactly the custody readers can read blobs, at every site's stores. */
const readerProblems: Check = (access, topology) =>
  stores(access, topology).flatMap((s) =>
    s.containers.flatMap((c) => {
      const who = holders(access, READ_BLOBS, pathOf(c));
      const { readers } = duties(topology, s.site);
      return same(who, readers) ? [] : [`${s.site.id}/${s.registry}: ${opOf(READ_BLOBS)} by ${list(who)}, expected the custody readers ${list(readers)}`];
    }),
  );

/**
 * Exactly the expected writers (expectedWriters) can add blob versions at each store's container;
 * and no assignment anywhere lets anyone write blobs except at a registry container where that
 * principal is expected (not at an account, a resource group, the flow logs or another container).
 */
const writerProblems: Check = (access, topology) => {
  const sending = ingests(access, topology);
  const all = stores(access, topology);
  const problems = all.flatMap((s) =>
    s.containers.flatMap((c) =>
      WRITE_BLOBS.flatMap((action) => {
        const who = holders(access, action, pathOf(c));
        const { ids, label } = expectedWriters(topology, sending, s);
        return same(who, ids) ? [] : [`${s.site.id}/${s.registry}: ${opOf(action)} by ${list(who)}, expected ${label} ${list(ids)}`];
      }),
    ),
  );
  const byContainer = new Map(all.flatMap((s) => s.containers.map((c) => [pathOf(c).toLowerCase(), s] as const)));
  for (const a of access.assignments) {
    for (const action of WRITE_BLOBS) {
      if (!access.can(a.principal.id, action, a.scope).grants.some((g) => g.assignment === a)) continue;
      const store = byContainer.get(a.scope.toLowerCase());
      const expected = store ? expectedWriters(topology, sending, store).ids.map((i) => i.toLowerCase()) : [];
      if (!expected.includes(a.principal.id.toLowerCase())) {
        problems.push(`${a.stack}: ${a.address} lets ${a.principal.id} ${opOf(action)} at ${a.scope}, not a registry container it is expected to write`);
      }
    }
  }
  return problems;
};

/**
 * Each datacenter that sends to a site has exactly one identity there (tagged for it), which only
 * that datacenter's copy job can sign in as (one federated credential: its issuer and subject, the
 * token-exchange audience), and which holds assignments only on the carried registries'
 * containers at that site; it cannot read, delete or unprotect a version, change a container or its
 * immutability policy, or list account keys, at any store or flow-log account of any site. No
 * other identity of the stacks accepts federated sign-in.
 */
const ingestProblems: Check = (access, topology) => {
  const problems: string[] = [];
  const all = stores(access, topology);
  const sending = ingests(access, topology);
  const flowLogContainers = access.resources("azurerm_network_watcher_flow_log").map(
    (f) => `${pathOf(access.resourceAt(f.stack, String(f.attributes.storage_account_id)))}/blobServices/default/containers/insights-logs-flowlogflowevent`,
  );
  const everywhere = [...all.flatMap((s) => [pathOf(s.account), ...s.containers.map(pathOf)]), ...flowLogContainers];
  const credentials = access.resources("azurerm_federated_identity_credential");
  const parentOf = (c: AzureResource) => access.resourceAt(c.stack, String(c.attributes.parent_id));
  for (const i of sending) {
    const dc = i.datacenter.id;
    const identity = identityOf(i);
    if (!identity) {
      problems.push(`${i.site.id}: ${i.candidates.length} user-assigned identities tagged ${DATACENTER_TAG}=${dc}, expected 1 (the identity datacenter ${dc}'s copy job signs in as)`);
      continue;
    }
    const who = `the ingest identity of ${dc}`;
    const mine = credentials.filter((c) => {
      const parent = parentOf(c);
      return parent.stack === identity.stack && parent.address === identity.address;
    });
    const federation = i.datacenter.identity.azure;
    if (mine.length !== 1) problems.push(`${i.site.id}: ${who} has ${mine.length} federated credentials, expected 1`);
    for (const c of mine) {
      const claim = (attribute: "issuer" | "subject", expected: string | undefined) => {
        if (c.attributes[attribute] !== expected) {
          problems.push(`${i.site.id}: the federated credential ${c.address} of ${who} trusts ${attribute} '${String(c.attributes[attribute])}', expected '${expected}'`);
        }
      };
      claim("issuer", federation?.issuer);
      claim("subject", federation?.subject);
      const audience = JSON.stringify(c.attributes.audience);
      if (audience !== JSON.stringify([TOKEN_EXCHANGE])) problems.push(`${i.site.id}: the federated credential ${c.address} of ${who} takes audience ${audience}, expected ["${TOKEN_EXCHANGE}"]`);
    }
    const carried = all.filter((s) => s.site.id === i.site.id && i.registries.includes(s.registry)).flatMap((s) => s.containers.map((c) => pathOf(c).toLowerCase()));
    // And the site's manifest-signing key, where it signs the manifests it sends (signingProblems says what it may do there).
    const signingKeys = keys(access).filter((k) => signs(k) && k.stack === identity.stack).map((k) => pathOf(k).toLowerCase());
    for (const e of access.accessOf(pathOf(identity))) {
      if (!carried.includes(e.scope.toLowerCase()) && !signingKeys.includes(e.scope.toLowerCase())) {
        problems.push(`${i.site.id}: ${who} holds '${e.role.name}' at ${e.scope}, beyond the carried registries' containers and its site's signing key`);
      }
    }
    for (const path of everywhere) {
      for (const action of INGEST_FORBIDDEN) {
        if (access.can(pathOf(identity), action, path).allowed) problems.push(`${i.site.id}: ${who} can ${opOf(action)} at ${path}`);
      }
      // Listing: exactly the carried containers (so a second push sends nothing), nowhere else.
      const lists = access.can(pathOf(identity), LIST_BLOBS, path).allowed;
      const expected = carried.includes(path.toLowerCase());
      if (lists !== expected) problems.push(`${i.site.id}: ${who} ${lists ? "can" : "cannot"} list blobs (Blob.List) at ${path}, expected ${expected ? "it can (a carried container)" : "not"}`);
    }
  }
  const ingestIdentities = sending.flatMap((i) => identityOf(i) ?? []);
  for (const c of credentials) {
    const parent = parentOf(c);
    if (!ingestIdentities.some((id) => id.stack === parent.stack && id.address === parent.address)) {
      problems.push(`${c.stack}: ${c.address} lets an outside token sign in as ${parent.address}, which is no datacenter's ingest identity`);
    }
  }
  return problems;
};

/**
 * Every role-assignment condition is one the evaluator reads: otherwise its grants count as allowed
 * (possibly allowed), and a positive answer of the other checks ("the writers can write") would not
 * be certain.
 */
const conditionProblems: Check = (access) =>
  access.assignments.flatMap((a) => {
    if (!a.condition) return [];
    if (a.condition.meaning !== "list-only") return [`${a.stack}: ${a.address} has a condition the evaluator does not read (version ${a.condition.version ?? "none"}): ${a.condition.text}`];
    return [];
  });

/**
 * Each site's key administrators are its custodians; no key administrator (of any site) can read
 * blobs, use, export or purge any key anywhere.
 */
const keyAdministratorProblems: Check = (access, topology) => {
  const problems: string[] = [];
  const admins = new Set<string>();
  for (const site of azureSites(topology)) {
    const vaults = inStack(access, "azurerm_key_vault", stackOf(topology, site));
    if (vaults.length !== 1) problems.push(`${site.id}: ${vaults.length} key vaults, expected 1`);
    for (const vault of vaults) {
      for (const action of ADMINISTER_KEYS) {
        const who = holders(access, action, pathOf(vault));
        const { custodians } = duties(topology, site);
        if (!same(who, custodians)) problems.push(`${site.id}: ${opOf(action)} by ${list(who)}, expected the custodians ${list(custodians)}`);
        for (const w of who) admins.add(w);
      }
    }
  }
  for (const k of keys(access)) {
    for (const action of REPLACE_OR_RETIRE_KEYS) {
      const who = holders(access, action, pathOf(k));
      if (who.length > 0) problems.push(`${k.stack}: ${opOf(action)} at key ${k.path} by ${list(who)}, expected nobody (it could disable the key's current version)`);
    }
  }
  const containers = access.resources("azurerm_storage_container");
  for (const admin of admins) {
    for (const c of containers) if (access.can(admin, READ_BLOBS, pathOf(c)).allowed) problems.push(`key administrator ${admin} can ${opOf(READ_BLOBS)} at ${c.path}`);
    for (const k of keys(access)) {
      // Who signs with a signing key is signingProblems' business: a writer at an Azure primary is a
      // custodian at the other sites (duties), yet must sign there, and never with a key it administers.
      for (const action of [...WRAP, ...OTHER_KEY_USE, ...KEY_EXPORT_OR_PURGE].filter((a) => !(signs(k) && a === SIGN))) {
        if (access.can(admin, action, pathOf(k)).allowed) problems.push(`key administrator ${admin} can ${opOf(action)} at ${k.path}`);
      }
    }
  }
  if (admins.size === 0) problems.push("no key administrator anywhere");
  return problems;
};

/**
 * Each store's own identity wraps and unwraps with its own key, and nobody else uses any key.
 * (Key Vault notes that wrapping with an asymmetric key is a public-key operation anyone who may
 * read the key could do locally; what is checked here is the RBAC data action. Unwrap, decrypt
 * and sign need the private key, which never leaves the HSM.)
 */
const storeIdentityProblems: Check = (access, topology) => {
  const all = stores(access, topology);
  const problems: string[] = [];
  for (const k of keys(access).filter((x) => !signs(x))) {
    const owners = all.filter((s) => s.key.stack === k.stack && s.key.address === k.address);
    if (owners.length !== 1) problems.push(`${k.stack}: key ${k.address} protects ${owners.length} stores, expected 1`);
    for (const action of WRAP) {
      const who = holders(access, action, pathOf(k));
      const expected = owners.map((s) => pathOf(s.identity));
      if (!same(who, expected)) problems.push(`${k.stack}: ${opOf(action)} at key ${k.path} by ${list(who)}, expected its store's identity ${list(expected)}`);
    }
    for (const action of [...OTHER_KEY_USE, ...KEY_EXPORT_OR_PURGE]) {
      const who = holders(access, action, pathOf(k));
      if (who.length > 0) problems.push(`${k.stack}: ${opOf(action)} at key ${k.path} by ${list(who)}, expected nobody`);
    }
  }
  for (const s of all) {
    const elsewhere = access.accessOf(pathOf(s.identity)).filter((e) => e.scope.toLowerCase() !== pathOf(s.key).toLowerCase());
    for (const e of elsewhere) problems.push(`${s.site.id}/${s.registry}: the store's identity holds '${e.role.name}' at ${e.scope}, beyond its key`);
  }
  return problems;
};

/**
 * Manifest signing, from the topology: one signing key at an Azure primary, or at every Azure site a
 * datacenter primary sends to, and none elsewhere. At each, exactly the expected copy jobs sign (the
 * custody writers at an Azure primary, the ingest identity of each datacenter that sends to the
 * site), never the site's own custodians (who administer the key); exactly the custody
 * administrators verify; nobody wraps, unwraps, encrypts, decrypts, exports or purges with it.
 */
const signingProblems: Check = (access, topology) => {
  const problems: string[] = [];
  const primary = topology.primary;
  const expectedAt = (site: Site) => (primary.cloud === "onprem" ? topology.links.some((l) => l.from.id === primary.id && l.to.id === site.id) : site.primary);
  const sending = ingests(access, topology);
  const administrators = topology.custody.azure?.administrators ?? [];
  for (const site of azureSites(topology)) {
    const found = keys(access).filter((k) => signs(k) && k.stack === stackOf(topology, site));
    const want = expectedAt(site) ? 1 : 0;
    if (found.length !== want) problems.push(`${site.id}: ${found.length} manifest-signing keys, expected ${want}`);
    const { writers, custodians } = duties(topology, site);
    for (const k of found) {
      const signers = [...writers, ...sending.filter((i) => i.site.id === site.id).flatMap((i) => identityOf(i) ?? []).map(pathOf)];
      const who = holders(access, SIGN, pathOf(k));
      if (!same(who, signers)) problems.push(`${site.id}: ${opOf(SIGN)} at ${k.path} by ${list(who)}, expected the copy jobs ${list(signers)}`);
      for (const c of custodians) if (access.can(c, SIGN, pathOf(k)).allowed) problems.push(`${site.id}: key administrator ${c} can ${opOf(SIGN)} with its own site's signing key ${k.path}`);
      const verifiers = holders(access, VERIFY, pathOf(k));
      if (!same(verifiers, administrators)) problems.push(`${site.id}: ${opOf(VERIFY)} at ${k.path} by ${list(verifiers)}, expected every custody administrator ${list(administrators)}`);
      for (const action of [...WRAP, key("encrypt/action"), key("decrypt/action"), ...KEY_EXPORT_OR_PURGE]) {
        const anyone = holders(access, action, pathOf(k));
        if (anyone.length > 0) problems.push(`${site.id}: ${opOf(action)} at signing key ${k.path} by ${list(anyone)}, expected nobody`);
      }
    }
  }
  return problems;
};

/** Nobody can delete or unprotect a blob version, nor delete, reconfigure or unlock a store or vault, nor assign roles. */
const destructionProblems: Check = (access, topology) => {
  const problems: string[] = [];
  for (const s of stores(access, topology)) {
    for (const c of s.containers) {
      for (const action of DESTROY_BLOBS) {
        const who = holders(access, action, pathOf(c));
        if (who.length > 0) problems.push(`${s.site.id}/${s.registry}: ${opOf(action)} by ${list(who)}, expected nobody`);
      }
    }
    for (const r of [s.account, ...s.containers, s.key]) {
      for (const action of DESTROY_CONTROL) {
        const who = holders(access, action, pathOf(r));
        if (who.length > 0) problems.push(`${s.site.id}/${s.registry}: ${opOf(action)} at ${r.address} by ${list(who)}, expected nobody`);
      }
    }
  }
  for (const vault of access.resources("azurerm_key_vault")) {
    for (const action of DESTROY_CONTROL) {
      const who = holders(access, action, pathOf(vault));
      if (who.length > 0) problems.push(`${vault.stack}: ${opOf(action)} at ${vault.address} by ${list(who)}, expected nobody`);
    }
  }
  return problems;
};

/**
 * The flow logs Network Watcher writes into each site's flow-log account (the account its flow log
 * names; the container is Network Watcher's `insights-logs-flowlogflowevent`, articles/
 * network-watcher/flow-logs-read.md): the site's auditors (its custodians) and nobody else can
 * read them, and nobody can write or delete them.
 */
const flowLogProblems: Check = (access, topology) =>
  azureSites(topology).flatMap((site) => {
    const stack = stackOf(topology, site);
    const logs = inStack(access, "azurerm_network_watcher_flow_log", stack);
    if (logs.length !== 1) return [`${site.id}: ${logs.length} flow logs, expected 1`];
    const account = access.resourceAt(stack, String(logs[0].attributes.storage_account_id));
    const container = `${pathOf(account)}/blobServices/default/containers/insights-logs-flowlogflowevent`;
    const problems: string[] = [];
    const readers = holders(access, READ_BLOBS, container);
    const { custodians } = duties(topology, site);
    if (!same(readers, custodians)) problems.push(`${site.id}: flow logs ${opOf(READ_BLOBS)} by ${list(readers)}, expected the auditors ${list(custodians)}`);
    for (const action of [...WRITE_BLOBS, ...DESTROY_BLOBS]) {
      const who = holders(access, action, container);
      if (who.length > 0) problems.push(`${site.id}: flow logs ${opOf(action)} by ${list(who)}, expected nobody`);
    }
    return problems;
  });

/**
 * Every assignment goes to a custody administrator, to one of the stores' own identities, or to the
 * ingest identity of a datacenter that sends to the site: the only managed identities the stacks
 * create for a purpose.
 */
const principalProblems: Check = (access, topology) => {
  const administrators = new Set((topology.custody.azure?.administrators ?? []).map((a) => a.toLowerCase()));
  const identities = new Set(
    [...stores(access, topology).map((s) => s.identity), ...ingests(access, topology).flatMap((i) => identityOf(i) ?? [])].map((r) => pathOf(r).toLowerCase()),
  );
  return access.assignments
    .filter((a) => !(a.principal.kind === "object-id" ? administrators : identities).has(a.principal.id.toLowerCase()))
    .map((a) => `${a.stack}: ${a.address} grants '${a.role.name}' to ${a.principal.id}, neither a custody administrator, a store's own identity nor a datacenter's ingest identity`);
};

const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ["every site holds a store, with a container, for each registry the topology puts there", storeProblems],
  ["custody readers, and only they, can read blobs at every site's stores", readerProblems],
  ["only the expected writers can write blobs: the custody writers at an Azure primary, each datacenter's ingest identity on the registries it sends", writerProblems],
  ["each datacenter's ingest identity signs in only by its federated credential and can add versions and list, nothing more, on the carried registries' containers only", ingestProblems],
  ["every role-assignment condition is one the evaluator reads (the ingest identities' list-only condition)", conditionProblems],
  ["key administrators are the custodians and cannot read blobs, use, export or purge keys; nobody can create, import, update or delete a key version", keyAdministratorProblems],
  ["each store's own managed identity can wrap and unwrap with its own key only, and nobody else uses keys", storeIdentityProblems],
  ["only the copy jobs sign manifests, with the signing key of the site they write to; every custody administrator verifies; nobody else uses a signing key", signingProblems],
  ["nobody can delete or unprotect blob versions, delete or weaken a store or vault, or assign roles", destructionProblems],
  ["each site's auditors, and only they, can read its flow logs, and nobody can write or delete them", flowLogProblems],
  ["no principal outside the custody administrators, the stores' own identities and the datacenters' ingest identities holds an assignment", principalProblems],
];

/** Every example topology under stacks/ that has an Azure site. */
const EXAMPLES = readdirSync(join(PROJECT_ROOT, "stacks"))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(PROJECT_ROOT, "stacks", f))
  .filter((file) => azureSites(loadTopologyFile(file)).length > 0);
const EXAMPLE_FILE = join(PROJECT_ROOT, "stacks", "nl-embassy.yaml");
const GENERATED_FILE = join(SCRATCH, "de-embassy.json");
const FORMER_DUTCH_FILE = join(SCRATCH, "nl-embassy-azure-primary.json");
writeFileSync(GENERATED_FILE, JSON.stringify(generatedTopology()));
// The former Dutch example, kept for its Azure-to-Azure shape (test/fixtures.ts).
writeFileSync(FORMER_DUTCH_FILE, JSON.stringify(azureOnlyDoc()));
const COVERED: ReadonlyArray<readonly [string, string]> = [
  ...EXAMPLES.map((file) => [`the ${basename(file).replace(/\.ya?ml$/, "")} example`, file] as const),
  ["the former Dutch example (Azure primary, object replication to Spain Central)", FORMER_DUTCH_FILE],
  ["a generated five-site topology", GENERATED_FILE],
];

describe.each(COVERED)("Azure access matrix of %s", (_, file) => {
  const topology = loadTopologyFile(file);
  const access = AzureAccess.fromStacks(synthesize(file));

  test.each(CHECKS)("%s", (_name, check) => {
    expect(check(access, topology)).toEqual([]);
  });

  test("the matrix is not vacuous: every store is checked, and readers and writers exist where the topology names them", () => {
    const all = stores(access, topology);
    expect(all.length).toBe(azureSites(topology).reduce((n, site) => n + registriesAt(topology, site).length, 0));
    const readers = topology.custody.azure?.readers ?? [];
    expect(readers.length).toBeGreaterThan(0);
    for (const s of all) for (const r of readers) expect(access.can(r, READ_BLOBS, pathOf(s.containers[0])).allowed).toBe(true);
    // Writers: the custody writers at an Azure primary, the ingest identity of each datacenter at the sites it sends to.
    const sending = ingests(access, topology);
    expect(sending.length).toBe(topology.links.filter((l) => l.from.cloud === "onprem" && l.to.cloud === "azure").length);
    for (const s of all) {
      const { ids } = expectedWriters(topology, sending, s);
      if (s.site.primary) expect(ids).toEqual(expect.arrayContaining([...(topology.custody.azure?.writers ?? [])]));
      for (const id of ids) for (const action of WRITE_BLOBS) expect(access.can(id, action, pathOf(s.containers[0])).allowed).toBe(true);
    }
    for (const i of sending) {
      const identity = identityOf(i);
      expect(identity?.type).toBe("azurerm_user_assigned_identity");
      expect(i.registries.length).toBeGreaterThan(0);
    }
  });

  test("what the evaluator finds about deleting blob versions: nobody holds any delete action, so the locked WORM policy is a second line, not the only one", () => {
    const destroyers = stores(access, topology).flatMap((s) => s.containers.flatMap((c) => DESTROY_BLOBS.flatMap((a) => access.whoCan(a, pathOf(c)))));
    expect(destroyers).toEqual([]);
  });
});

test("the covered topologies hold every way an Azure store is written: an Azure primary with custody writers, object replication between Azure sites, and a datacenter primary sending to an Azure site", () => {
  const topologies = COVERED.map(([, file]) => ({ topology: loadTopologyFile(file), stacks: synthesize(file) }));
  const withWriters = topologies.filter(({ topology }) => topology.primary.cloud === "azure" && (topology.custody.azure?.writers ?? []).length > 0);
  const replicated = topologies.filter(
    ({ topology, stacks }) =>
      topology.links.some((l) => l.from.cloud === "azure" && l.to.cloud === "azure") &&
      stacks.some(
        (s) =>
          Object.keys(s.json.resource?.azurerm_storage_object_replication ?? {}).length > 0 ||
          Object.values(s.json.resource?.azapi_resource ?? {}).some((r) => String((r as { type?: unknown }).type).startsWith("Microsoft.Storage/storageAccounts/objectReplicationPolicies@")),
      ),
  );
  const fromDatacenter = topologies.filter(({ topology }) => topology.primary.cloud === "onprem" && topology.links.some((l) => l.from.id === topology.primary.id && l.to.cloud === "azure"));
  expect(withWriters.map((t) => t.topology.name)).toEqual(expect.arrayContaining(["de-embassy"]));
  expect(replicated.map((t) => t.topology.name)).toEqual(expect.arrayContaining(["nl-embassy", "de-embassy"]));
  expect(fromDatacenter.length).toBeGreaterThanOrEqual(2);
  expect(EXAMPLES.map((f) => basename(f))).toEqual(expect.arrayContaining(["ee-embassy.yaml", "nl-embassy.yaml"]));
});

/** Edits a copy of synthesized stacks and models the result; the helpers find what to change by what the topology says. */
function mutationKit(file: string) {
  const topology = loadTopologyFile(file);
  const stacks = synthesize(file);
  const base = AzureAccess.fromStacks(stacks);
  const site = (id: string) => {
    const s = topology.sites.find((x) => x.id === id);
    if (!s) throw new Error(`no site ${id}`);
    return s;
  };
  const storeAt = (siteId: string, registry: string) => {
    const s = stores(base, topology).find((x) => x.site.id === siteId && x.registry === registry);
    if (!s) throw new Error(`no store ${siteId}/${registry}`);
    return s;
  };
  const stackName = (siteId: string) => stackOf(topology, site(siteId));
  const rgOf = (siteId: string) => inStack(base, "azurerm_resource_group", stackName(siteId))[0];
  /** The stack and logical name of the one assignment matching `where`. */
  const assignmentName = (where: (a: AzureRoleAssignment) => boolean) => {
    const found = base.assignments.filter(where);
    if (found.length !== 1) throw new Error(`expected one matching assignment, got ${found.length}`);
    return { stack: found[0].stack, name: found[0].address.split(".")[1], assignment: found[0] };
  };
  /** A custom role's logical name, found by a data action it holds. */
  const roleHolding = (dataAction: string, stack: string) => {
    const role = base.assignments.find((a) => a.stack === stack && a.role.permissions.some((p) => p.dataActions.includes(dataAction)))?.role;
    if (!role?.definedIn) throw new Error(`no custom role holding ${dataAction} in ${stack}`);
    return role.definedIn.address.split(".")[1];
  };
  type Mutable = { resource: Record<string, Record<string, any>> };
  function mutate(change: (json: (stack: string) => Mutable) => void): AzureAccess {
    const copy = structuredClone(stacks) as SynthesizedStack[];
    change((name) => {
      const s = copy.find((x) => x.name === name);
      if (!s) throw new Error(`no stack ${name}`);
      return s.json as unknown as Mutable;
    });
    return AzureAccess.fromStacks(copy);
  }
  const grant = (json: Mutable, name: string, attrs: Record<string, unknown>) => {
    json.resource.azurerm_role_assignment[name] = { description: "mutation", ...attrs };
  };
  return { topology, stacks, base, site, storeAt, stackName, rgOf, assignmentName, roleHolding, mutate, grant };
}

describe("each matrix assertion fails when the grant it guards changes (the generated topology: an Azure primary with writers)", () => {
  const { topology, base, storeAt, stackName, rgOf, assignmentName, roleHolding, mutate, grant } = mutationKit(GENERATED_FILE);
  const rgPath = (siteId: string) => pathOf(rgOf(siteId));

  const mutations: ReadonlyArray<readonly [string, () => AzureAccess, Check, RegExp]> = [
    [
      "the manifest verifier role may also sign",
      () => {
        const primary = stackName("de-primary");
        const role = roleHolding("Microsoft.KeyVault/vaults/keys/verify/action", primary);
        return mutate((json) => json(primary).resource.azurerm_role_definition[role].permissions[0].data_actions.push("Microsoft.KeyVault/vaults/keys/sign/action"));
      },
      signingProblems,
      new RegExp(`^de-primary: Microsoft\\.KeyVault/vaults/keys/sign/action at \\S+/keys/manifest-signing by \\[.*${ADMIN_A}.*\\], expected the copy jobs \\[${ADMIN_B}\\]$`),
    ],
    [
      "the writer loses its signing grant",
      () => {
        const primary = stackName("de-primary");
        const signer = roleHolding("Microsoft.KeyVault/vaults/keys/sign/action", primary);
        const a = assignmentName((x) => x.principal.id === ADMIN_B && x.role.definedIn?.address === `azurerm_role_definition.${signer}`);
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      signingProblems,
      new RegExp(`^de-primary: Microsoft\\.KeyVault/vaults/keys/sign/action at \\S+ by \\[\\], expected the copy jobs \\[${ADMIN_B}\\]$`),
    ],
    [
      "a reader loses one foreign store",
      () => {
        const brp = storeAt("se-embassy", "brp");
        const a = assignmentName((x) => x.principal.id === ADMIN_C && x.role.name === "Storage Blob Data Reader" && x.scope === pathOf(brp.containers[0]));
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      readerProblems,
      new RegExp(`^se-embassy/brp: ${BLOBS}/read by \\[\\], expected the custody readers \\[${ADMIN_C}\\]$`),
    ],
    [
      "a custodian is made a reader",
      () => mutate((json) => grant(json(stackName("es-embassy")), "Mutant", { scope: pathOf(storeAt("es-embassy", "land").containers[0]), principal_id: ADMIN_A, role_definition_name: "Storage Blob Data Reader" })),
      keyAdministratorProblems,
      new RegExp(`^key administrator ${ADMIN_A} can ${BLOBS}/read at .*/containers/registry$`),
    ],
    [
      "the writer is granted at a foreign store",
      () => {
        const primary = stackName("de-primary");
        const writerRole = roleHolding(`${BLOBS}/write`, primary);
        return mutate((json) => {
          json(primary).resource.azurerm_role_definition[writerRole].assignable_scopes = [`/subscriptions/${CUSTODY.subscriptionId}`];
          grant(json(primary), "Mutant", {
            scope: pathOf(storeAt("no-embassy", "cars").containers[0]),
            principal_id: ADMIN_B,
            role_definition_id: `\${azurerm_role_definition.${writerRole}.role_definition_resource_id}`,
          });
        });
      },
      writerProblems,
      new RegExp(`^no-embassy/cars: ${BLOBS}/write by \\[${ADMIN_B}\\], expected nobody \\(not the primary, and no datacenter sends it here\\) \\[\\]$`),
    ],
    [
      "the writer is granted at the primary's flow-log account",
      () => {
        const primary = stackName("de-primary");
        const writerRole = roleHolding(`${BLOBS}/write`, primary);
        const flowLog = inStack(base, "azurerm_network_watcher_flow_log", primary)[0];
        return mutate((json) =>
          grant(json(primary), "Mutant", {
            scope: String(flowLog.attributes.storage_account_id),
            principal_id: ADMIN_B,
            role_definition_id: `\${azurerm_role_definition.${writerRole}.role_definition_resource_id}`,
          }),
        );
      },
      writerProblems,
      new RegExp(`^de-embassy-de-primary: azurerm_role_assignment\\.Mutant lets ${ADMIN_B} ${BLOBS}/write at /subscriptions/\\S+/storageAccounts/[a-z0-9]+, not a registry container it is expected to write$`),
    ],
    [
      "the writer loses the primary",
      () => {
        const a = assignmentName((x) => x.principal.id === ADMIN_B && x.scope === pathOf(storeAt("de-primary", "tax").containers[0]));
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      writerProblems,
      new RegExp(`^de-primary/tax: ${BLOBS}/add/action by \\[\\], expected the custody writers \\[${ADMIN_B}\\]$`),
    ],
    [
      "the writer role may delete",
      () => {
        const primary = stackName("de-primary");
        const writerRole = roleHolding(`${BLOBS}/write`, primary);
        return mutate((json) => json(primary).resource.azurerm_role_definition[writerRole].permissions[0].data_actions.push(`${BLOBS}/delete`));
      },
      destructionProblems,
      new RegExp(`^de-primary/brp: ${BLOBS}/delete by \\[${ADMIN_B}\\], expected nobody$`),
    ],
    [
      "the key administrator role may unwrap",
      () => {
        const stack = stackName("se-embassy");
        const role = roleHolding("Microsoft.KeyVault/vaults/keys/rotate/action", stack);
        return mutate((json) => json(stack).resource.azurerm_role_definition[role].permissions[0].data_actions.push("Microsoft.KeyVault/vaults/keys/unwrap/action"));
      },
      keyAdministratorProblems,
      new RegExp(`^key administrator ${ADMIN_A} can Microsoft\\.KeyVault/vaults/keys/unwrap/action at .*/vaults/[a-z0-9]+/keys/`),
    ],
    [
      "the key administrator role may create key versions",
      () => {
        const stack = stackName("es-embassy");
        const role = roleHolding("Microsoft.KeyVault/vaults/keys/rotate/action", stack);
        return mutate((json) => json(stack).resource.azurerm_role_definition[role].permissions[0].data_actions.push("Microsoft.KeyVault/vaults/keys/create/action"));
      },
      keyAdministratorProblems,
      new RegExp(`^de-embassy-es-embassy: Microsoft\\.KeyVault/vaults/keys/create/action at key \\S+ by \\[[^\\]]*${ADMIN_A}[^\\]]*\\], expected nobody \\(it could disable the key's current version\\)$`),
    ],
    [
      "the key administrator role may purge keys",
      () => {
        const stack = stackName("de-north");
        const role = roleHolding("Microsoft.KeyVault/vaults/keys/rotate/action", stack);
        return mutate((json) => json(stack).resource.azurerm_role_definition[role].permissions[0].data_actions.push("Microsoft.KeyVault/vaults/keys/purge/action"));
      },
      keyAdministratorProblems,
      new RegExp(`^key administrator ${ADMIN_B} can Microsoft\\.KeyVault/vaults/keys/purge/action at `),
    ],
    [
      "a store identity's key grant widens to the whole vault",
      () => {
        const tax = storeAt("no-embassy", "tax");
        const a = assignmentName((x) => x.principal.id === pathOf(tax.identity));
        const vault = inStack(base, "azurerm_key_vault", a.stack)[0];
        return mutate((json) => (json(a.stack).resource.azurerm_role_assignment[a.name].scope = `\${${vault.address}.id}`));
      },
      storeIdentityProblems,
      new RegExp(`^de-embassy-no-embassy: Microsoft\\.KeyVault/vaults/keys/unwrap/action at key .* by \\[.*userassignedidentities/[a-z0-9]+-cmk.*\\], expected its store's identity`),
    ],
    [
      "an auditor loses the flow logs of one site",
      () => {
        const stack = stackName("es-embassy");
        const a = assignmentName((x) => x.stack === stack && x.principal.id === ADMIN_D && x.role.name === "Storage Blob Data Reader");
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      flowLogProblems,
      new RegExp(`^es-embassy: flow logs ${BLOBS}/read by \\[${ADMIN_A}, ${ADMIN_B}\\], expected the auditors \\[${ADMIN_A}, ${ADMIN_B}, ${ADMIN_D}\\]$`),
    ],
    [
      "the reader is granted the flow logs too",
      () => {
        const stack = stackName("de-north");
        const a = assignmentName((x) => x.stack === stack && x.principal.id === ADMIN_A && x.role.name === "Storage Blob Data Reader");
        return mutate((json) => grant(json(stack), "Mutant", { scope: base.assignments.find((x) => x.stack === a.stack && x.address === `azurerm_role_assignment.${a.name}`)?.scope, principal_id: ADMIN_C, role_definition_name: "Storage Blob Data Reader" }));
      },
      flowLogProblems,
      new RegExp(`^de-north: flow logs ${BLOBS}/read by \\[${ADMIN_A}, ${ADMIN_B}, ${ADMIN_C}, ${ADMIN_D}\\], expected the auditors \\[${ADMIN_A}, ${ADMIN_B}, ${ADMIN_D}\\]$`),
    ],
    [
      "an outsider is granted Reader",
      () => mutate((json) => grant(json(stackName("de-north")), "Mutant", { scope: pathOf(storeAt("de-north", "brp").account), principal_id: OUTSIDER, role_definition_name: "Reader" })),
      principalProblems,
      new RegExp(`^de-embassy-de-north: azurerm_role_assignment\\.Mutant grants 'Reader' to ${OUTSIDER}, neither a custody administrator, a store's own identity nor a datacenter's ingest identity$`),
    ],
    [
      "a custodian is made Contributor on a site's resource group",
      () => mutate((json) => grant(json(stackName("de-north")), "Mutant", { scope: rgPath("de-north"), principal_id: ADMIN_D, role_definition_name: "Contributor" })),
      destructionProblems,
      new RegExp(`^de-north/brp: Microsoft\\.Storage/storageAccounts/delete at azurerm_storage_account\\.\\S+ by \\[${ADMIN_D}\\], expected nobody$`),
    ],
  ];

  test("the unchanged synthesis passes every check", () => {
    for (const [, check] of CHECKS) expect(check(base, topology)).toEqual([]);
  });

  test.each(mutations)("fails when %s", (_name, build, check, message) => {
    expect(check(build(), topology)).toContainEqual(expect.stringMatching(message));
  });
});

describe("each matrix assertion fails when the grant it guards changes (the nl-embassy example: a datacenter primary sending to an Azure site)", () => {
  const { topology, base, storeAt, rgOf, assignmentName, mutate, grant } = mutationKit(EXAMPLE_FILE);
  // Everything below follows from the topology: the first datacenter link to an Azure site.
  const ingest = ingests(base, topology)[0];
  if (!ingest) throw new Error(`${EXAMPLE_FILE} has no datacenter sending to an Azure site`);
  const identity = identityOf(ingest);
  if (!identity) throw new Error(`${ingest.site.id}: no ingest identity for ${ingest.datacenter.id}`);
  const site = ingest.site.id;
  const dc = ingest.datacenter.id;
  const stack = identity.stack;
  const id = pathOf(identity);
  const principalRef = `\${${identity.address}.principal_id}`;
  const [first] = ingest.registries;
  const last = ingest.registries[ingest.registries.length - 1];
  const container = (registry: string) => pathOf(storeAt(site, registry).containers[0]);
  const ingestGrant = (registry: string) => assignmentName((a) => a.principal.id === id && a.scope === container(registry) && a.condition === undefined);
  const listGrant = (registry: string) => assignmentName((a) => a.principal.id === id && a.scope === container(registry) && a.condition !== undefined);
  const ingestRole = ingestGrant(first).assignment.role;
  const ingestRoleName = ingestRole.definedIn?.address.split(".")[1] ?? "";
  const [custodian] = duties(topology, ingest.site).custodians;
  const credential = base.resources("azurerm_federated_identity_credential").find((c) => c.stack === stack && String(c.attributes.parent_id) === `\${${identity.address}.id}`);
  if (!credential) throw new Error(`${stack}: no federated credential on ${identity.address}`);
  const subject = ingest.datacenter.identity.azure?.subject;
  const otherDatacenter = topology.sites.find((s) => s.cloud === "onprem" && s.id !== dc);
  if (!otherDatacenter) throw new Error(`${EXAMPLE_FILE} has one datacenter only`);

  const mutations: ReadonlyArray<readonly [string, () => AzureAccess, Check, RegExp]> = [
    [
      "the copy job's identity loses one carried registry",
      () => {
        const a = ingestGrant(last);
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      writerProblems,
      new RegExp(`^${site}/${last}: ${BLOBS}/write by \\[\\], expected the ingest identity of ${dc} ${escape(list([id]))}$`),
    ],
    [
      "a custodian is granted the ingest role on a carried container",
      () => mutate((json) => grant(json(stack), "Mutant", { scope: container(first), principal_id: custodian, role_definition_id: `\${azurerm_role_definition.${ingestRoleName}.role_definition_resource_id}` })),
      writerProblems,
      new RegExp(`^${site}/${first}: ${BLOBS}/add/action by ${escape(list([custodian, id]))}, expected the ingest identity of ${dc} ${escape(list([id]))}$`),
    ],
    [
      "the ingest grant widens to the store's account",
      () => {
        const a = ingestGrant(first);
        return mutate((json) => (json(stack).resource.azurerm_role_assignment[a.name].scope = `\${${storeAt(site, first).account.address}.id}`));
      },
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} holds '${escape(ingestRole.name)}' at ${escape(pathOf(storeAt(site, first).account))}, beyond the carried registries' containers and its site's signing key$`),
    ],
    [
      "the ingest grant moves to the flow-log account",
      () => {
        const a = ingestGrant(first);
        const flowLog = inStack(base, "azurerm_network_watcher_flow_log", stack)[0];
        return mutate((json) => (json(stack).resource.azurerm_role_assignment[a.name].scope = String(flowLog.attributes.storage_account_id)));
      },
      flowLogProblems,
      new RegExp(`^${site}: flow logs ${BLOBS}/write by ${escape(list([id]))}, expected nobody$`),
    ],
    [
      "the ingest role may read",
      () => mutate((json) => json(stack).resource.azurerm_role_definition[ingestRoleName].permissions[0].data_actions.push(`${BLOBS}/read`)),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can ${BLOBS}/read at ${escape(container(first))}$`),
    ],
    [
      "the list assignment loses its condition (blobs/read unconditioned: the copy job could read every blob)",
      () => {
        const a = listGrant(first);
        return mutate((json) => {
          delete json(a.stack).resource.azurerm_role_assignment[a.name].condition;
          delete json(a.stack).resource.azurerm_role_assignment[a.name].condition_version;
        });
      },
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can ${BLOBS}/read at ${escape(container(first))}$`),
    ],
    [
      "the list assignment loses its condition (the readers' check sees the copy job too)",
      () => {
        const a = listGrant(last);
        return mutate((json) => {
          delete json(a.stack).resource.azurerm_role_assignment[a.name].condition;
          delete json(a.stack).resource.azurerm_role_assignment[a.name].condition_version;
        });
      },
      readerProblems,
      new RegExp(`^${site}/${last}: ${BLOBS}/read by \\[.*${escape(id.toLowerCase())}.*\\], expected the custody readers `),
    ],
    [
      "the list condition is the documented example that re-opens reads in a named container (not evaluated: possibly allowed)",
      () => {
        const a = listGrant(first);
        const text = `((!(ActionMatches{'${BLOBS}/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'registry'))`;
        return mutate((json) => (json(a.stack).resource.azurerm_role_assignment[a.name].condition = text));
      },
      conditionProblems,
      new RegExp(`^${stack}: azurerm_role_assignment\\.\\S+ has a condition the evaluator does not read \\(version 2\\.0\\): .*OR \\(@Resource`),
    ],
    [
      "the list condition is the documented example that re-opens reads in a named container (the copy job possibly reads)",
      () => {
        const a = listGrant(first);
        const text = `((!(ActionMatches{'${BLOBS}/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'registry'))`;
        return mutate((json) => (json(a.stack).resource.azurerm_role_assignment[a.name].condition = text));
      },
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can ${BLOBS}/read at ${escape(container(first))}$`),
    ],
    [
      "the list condition is set at version 1.0",
      () => {
        const a = listGrant(first);
        return mutate((json) => (json(a.stack).resource.azurerm_role_assignment[a.name].condition_version = "1.0"));
      },
      conditionProblems,
      new RegExp(`^${stack}: azurerm_role_assignment\\.\\S+ has a condition the evaluator does not read \\(version 1\\.0\\): `),
    ],
    [
      "the copy job's identity loses the list grant on one carried registry",
      () => {
        const a = listGrant(last);
        return mutate((json) => delete json(a.stack).resource.azurerm_role_assignment[a.name]);
      },
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} cannot list blobs \\(Blob\\.List\\) at ${escape(container(last))}, expected it can \\(a carried container\\)$`),
    ],
    [
      "the list grant widens to the store's account (it could list the account's every container)",
      () => {
        const a = listGrant(first);
        return mutate((json) => (json(a.stack).resource.azurerm_role_assignment[a.name].scope = `\${${storeAt(site, first).account.address}.id}`));
      },
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can list blobs \\(Blob\\.List\\) at ${escape(pathOf(storeAt(site, first).account))}, expected not$`),
    ],
    [
      "the ingest role may delete blob versions",
      () => mutate((json) => json(stack).resource.azurerm_role_definition[ingestRoleName].permissions[0].data_actions.push(`${BLOBS}/deleteBlobVersion/action`)),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can ${BLOBS}/deleteBlobVersion/action at ${escape(container(last))}$`),
    ],
    [
      "the ingest role may set blob immutability policies",
      () => mutate((json) => json(stack).resource.azurerm_role_definition[ingestRoleName].permissions[0].data_actions.push(`${BLOBS}/immutableStorage/runAsSuperUser/action`)),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can ${BLOBS}/immutableStorage/runAsSuperUser/action at ${escape(container(first))}$`),
    ],
    [
      "the ingest role may write the container's immutability policy",
      () => mutate((json) => json(stack).resource.azurerm_role_definition[ingestRoleName].permissions[0].actions.push("Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write")),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can Microsoft\\.Storage/storageAccounts/blobServices/containers/immutabilityPolicies/write at ${escape(container(first))}$`),
    ],
    [
      "the copy job's identity is made Contributor on a store's account",
      () => mutate((json) => grant(json(stack), "Mutant", { scope: `\${${storeAt(site, last).account.address}.id}`, principal_id: principalRef, role_definition_name: "Contributor" })),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} can Microsoft\\.Storage/storageAccounts/listKeys/action at ${escape(pathOf(storeAt(site, last).account))}$`),
    ],
    [
      "the copy job's federated credential trusts another subject",
      () => mutate((json) => (json(stack).resource.azurerm_federated_identity_credential[credential.name].subject = "someone-else")),
      ingestProblems,
      new RegExp(`^${site}: the federated credential ${escape(credential.address)} of the ingest identity of ${dc} trusts subject 'someone-else', expected '${escape(String(subject))}'$`),
    ],
    [
      "a second federated credential lets another issuer sign in as the copy job's identity",
      () =>
        mutate((json) => {
          json(stack).resource.azurerm_federated_identity_credential.Mutant = { ...structuredClone(credential.attributes), name: "mutant", issuer: "https://sts.example.org" };
        }),
      ingestProblems,
      new RegExp(`^${site}: the ingest identity of ${dc} has 2 federated credentials, expected 1$`),
    ],
    [
      "a store's own identity accepts federated sign-in",
      () =>
        mutate((json) => {
          const store = storeAt(site, first);
          json(stack).resource.azurerm_federated_identity_credential.Mutant = { ...structuredClone(credential.attributes), name: "mutant", parent_id: `\${${store.identity.address}.id}` };
        }),
      ingestProblems,
      new RegExp(`^${stack}: azurerm_federated_identity_credential\\.Mutant lets an outside token sign in as ${escape(storeAt(site, first).identity.address)}, which is no datacenter's ingest identity$`),
    ],
    [
      "the copy job's identity is tagged for another datacenter",
      () => mutate((json) => (json(stack).resource.azurerm_user_assigned_identity[identity.name].tags[DATACENTER_TAG] = otherDatacenter.id)),
      principalProblems,
      new RegExp(`^${stack}: azurerm_role_assignment\\.\\S+ grants '${escape(ingestRole.name)}' to ${escape(id)}, neither a custody administrator, a store's own identity nor a datacenter's ingest identity$`),
    ],
    [
      "the copy job's identity is tagged for another datacenter (the datacenter that sends has no identity)",
      () => mutate((json) => (json(stack).resource.azurerm_user_assigned_identity[identity.name].tags[DATACENTER_TAG] = otherDatacenter.id)),
      ingestProblems,
      new RegExp(`^${site}: 0 user-assigned identities tagged ${DATACENTER_TAG}=${dc}, expected 1 \\(the identity datacenter ${dc}'s copy job signs in as\\)$`),
    ],
    [
      "a managed identity no datacenter signs in as is granted Reader",
      () =>
        mutate((json) => {
          json(stack).resource.azurerm_user_assigned_identity.Mutant = { name: "mutant", location: identity.attributes.location, resource_group_name: identity.attributes.resource_group_name };
          grant(json(stack), "Mutant", { scope: `\${${storeAt(site, first).account.address}.id}`, principal_id: "${azurerm_user_assigned_identity.Mutant.principal_id}", role_definition_name: "Reader" });
        }),
      principalProblems,
      new RegExp(`^${stack}: azurerm_role_assignment\\.Mutant grants 'Reader' to /subscriptions/\\S+/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/mutant, neither a custody administrator, a store's own identity nor a datacenter's ingest identity$`),
    ],
    [
      "the auditors' flow-log grant widens to the resource group",
      () => {
        const a = assignmentName((x) => x.stack === stack && x.principal.id === custodian && x.role.name === "Storage Blob Data Reader");
        return mutate((json) => (json(stack).resource.azurerm_role_assignment[a.name].scope = `\${${rgOf(site).address}.id}`));
      },
      keyAdministratorProblems,
      new RegExp(`^key administrator ${custodian} can ${BLOBS}/read at ${escape(container(first))}$`),
    ],
  ];

  test("the unchanged synthesis passes every check", () => {
    for (const [, check] of CHECKS) expect(check(base, topology)).toEqual([]);
  });

  test.each(mutations)("fails when %s", (_name, build, check, message) => {
    expect(check(build(), topology)).toContainEqual(expect.stringMatching(message));
  });
});
