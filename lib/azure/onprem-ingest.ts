import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { IEncryptedStore } from "./encrypted-store";
import { INGEST_LIST_PERMISSIONS, INGEST_PERMISSIONS, type IRoleDefinition, LIST_ONLY_CONDITION, LIST_ONLY_CONDITION_VERSION } from "./perms";
import { assignRole, CustomRole } from "./private/roles";

/**
 * The one audience a federated identity credential takes: "Currently, federated identity
 * credentials support a single audience 'api://AzureADTokenExchange'" (MicrosoftDocs/entra-docs
 * docs/workload-id/workload-identity-federation-considerations.md, "Errors").
 */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * Regions whose user-assigned identities cannot hold a federated identity credential: "Creation of
 * federated identity credentials is currently not supported on user-assigned managed identities
 * created in the following regions: Malaysia South, New Zealand North" (workload-identity-federation-considerations.md,
 * "Unsupported regions").
 */
export const FEDERATION_UNSUPPORTED_REGIONS: readonly string[] = ["malaysiasouth", "newzealandnorth"];

/** A datacenter site id, as the topology allows it. */
const SITE_ID = /^[a-z][a-z0-9-]{1,20}$/;
/** An https URL without spaces (the topology's rule for an issuer). */
const HTTPS_URL = /^https:\/\/\S+$/;
/** Issuer and subject: "This field has a character limit of 600 characters" (workload-identity-federation-considerations.md). */
const MAX_CLAIM_LENGTH = 600;
/** Microsoft.ManagedIdentity/userAssignedIdentities: 3-128 letters, digits, `-` and `_`, starting with a letter or digit (resource-name-rules). */
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;

/** How an OnPremIngest is built: the datacenter, the token its copy job presents, and the stores it writes to. */
export interface OnPremIngestProps {
  /** The datacenter's site id (`[a-z][a-z0-9-]{1,20}`): names the identity and its credential. */
  readonly datacenterId: string;
  /** The issuer (`iss`) of the tokens the datacenter's copy job presents: an https URL of at most 600 characters. */
  readonly issuer: string;
  /** The subject (`sub`) of those tokens: 1-600 characters, exactly as the token carries it. */
  readonly subject: string;
  /** The resource group the identity and its federated credential go into (the site's). */
  readonly resourceGroupName: string;
  /** The Azure region of the user-assigned identity, as ARM names it (`westeurope`): the site's. */
  readonly location: string;
  /** Prefix of every resource name, e.g. `nl-embassy-nl-azure`. */
  readonly namePrefix: string;
  /** The stores of the registries the datacenter sends here; at least one, each registry once. More can be added with `carry`. */
  readonly stores: readonly IEncryptedStore[];
  /**
   * The role granted on each carried container: a custom role holding INGEST_PERMISSIONS (blob
   * write and add only), shared by every datacenter of a site.
   * @default - a new custom role `<namePrefix>-ingest-<datacenterId>` with INGEST_PERMISSIONS, defined and assignable on `resourceGroupId`
   */
  readonly ingestRole?: IRoleDefinition;
  /**
   * The role granted, under LIST_ONLY_CONDITION, on each carried container so the copy job can list
   * what is already there: a custom role holding INGEST_LIST_PERMISSIONS (`blobs/read` only, which the
   * condition narrows to List Blobs). Never assign it elsewhere without that condition.
   * @default - a new custom role `<namePrefix>-ingest-list-<datacenterId>` with INGEST_LIST_PERMISSIONS, defined and assignable on `resourceGroupId`
   */
  readonly listRole?: IRoleDefinition;
  /**
   * The site's resource group id, where the default ingest and list roles are defined.
   * @default - none: then `ingestRole` and `listRole` must be given
   */
  readonly resourceGroupId?: string;
  /**
   * The copy job's schedule in minutes (the link's RPO), recorded as the identity's
   * `embassy:every-minutes` tag for the review and the freshness alarms.
   * @default - no schedule tag
   */
  readonly everyMinutes?: number;
  /**
   * Tags for every resource this construct creates.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * What an Azure site gets from one datacenter that sends it registry copies (the clouds' side of
 * `data-embassy push`): a user-assigned managed identity the datacenter's copy job signs in as, a
 * federated identity credential that lets the job exchange a token of its own issuer and subject
 * for that identity (no secret is stored anywhere: workload identity federation), and two role
 * assignments per carried registry, scoped to that registry's container: a custom role that may
 * only write and add blobs (INGEST_PERMISSIONS: no read, no delete, no immutability change), and a
 * custom role holding `blobs/read` under the role-assignment condition LIST_ONLY_CONDITION
 * (version 2.0), which lets the job list the container (List Blobs, suboperation `Blob.List`) and
 * read no blob: so a second push of the same files sends nothing. The identity holds nothing else:
 * not another registry's container, not the account, not the key.
 *
 * The stores accept nothing but their private endpoints (no public network access, no shared
 * keys), so the job reaches them only over the site VPN (SiteVpn) and resolves the accounts'
 * blob names to the endpoints' private addresses (see SiteVpn for DNS). Every version it writes
 * falls under the container's locked WORM policy, like any other.
 *
 * Timing: after an apply, Azure needs a few minutes before the credential and the role
 * assignments work ("A token request made several minutes after configuring the federated identity
 * credential may fail", workload-identity-federation-considerations.md; role assignments "can take
 * up to 10 minutes", learn.microsoft.com/azure/role-based-access-control/troubleshooting): the copy
 * job retries. The assignments name the principal type (`ServicePrincipal`), so Azure does not wait
 * for Entra ID replication of the new identity.
 *
 * azurerm 4.x arguments (hashicorp/terraform-provider-azurerm
 * internal/services/managedidentity/federated_identity_credential_resource.go): `audience` (a list
 * of at most one), `issuer`, `name`, `parent_id` (the user-assigned identity's id, parsed with
 * ParseUserAssignedIdentityID), `resource_group_name`, `subject`; all force a new credential.
 */
export class OnPremIngest extends Construct {
  /** The user-assigned identity the copy job signs in as. */
  public readonly resource: UserAssignedIdentity;
  /**
   * The federated identity credential `<datacenterId>-copy-job` on the identity: trusts tokens of
   * `issuer` with subject `subject` and audience TOKEN_EXCHANGE_AUDIENCE.
   */
  public readonly federatedCredential: FederatedIdentityCredential;
  /** The datacenter's site id, as given in `datacenterId`. */
  public readonly datacenterId: string;
  /** The identity's ARM id. */
  public readonly identityId: string;
  /** The identity's service principal object id (what role assignments name). */
  public readonly principalId: string;
  /** The identity's client (application) id: what the copy job asks a token for. */
  public readonly clientId: string;
  /** The Entra ID tenant of the identity. */
  public readonly tenantId: string;
  /** The role granted on every carried container. */
  public readonly ingestRole: IRoleDefinition;
  /** The role granted, under LIST_ONLY_CONDITION, on every carried container. */
  public readonly listRole: IRoleDefinition;
  private readonly grants: Construct;
  private readonly assignments = new Map<string, RoleAssignment>();
  private readonly listAssignments = new Map<string, RoleAssignment>();

  constructor(scope: Construct, id: string, props: OnPremIngestProps) {
    super(scope, id);
    const problems: string[] = [];
    const dc = props.datacenterId;
    if (!Token.isUnresolved(dc) && !SITE_ID.test(dc)) {
      problems.push(`datacenterId must be a site id of 2-21 lower-case letters, digits and hyphens starting with a letter, got '${dc}'`);
    }
    if (!Token.isUnresolved(props.issuer) && (!HTTPS_URL.test(props.issuer) || props.issuer.length > MAX_CLAIM_LENGTH)) {
      problems.push(`issuer must be an https URL without spaces of at most ${MAX_CLAIM_LENGTH} characters, got '${props.issuer}' for datacenter '${dc}'`);
    }
    if (!Token.isUnresolved(props.subject) && (props.subject.length === 0 || props.subject.length > MAX_CLAIM_LENGTH || props.subject.trim() !== props.subject)) {
      problems.push(`subject must be 1-${MAX_CLAIM_LENGTH} characters without leading or trailing spaces, got '${props.subject}' for datacenter '${dc}'`);
    }
    if (!Token.isUnresolved(props.location) && FEDERATION_UNSUPPORTED_REGIONS.includes(props.location.toLowerCase().replace(/\s/g, ""))) {
      problems.push(`location '${props.location}' cannot hold federated identity credentials on user-assigned identities (workload identity federation considerations, "Unsupported regions"); datacenter '${dc}' cannot send there`);
    }
    const identityName = `${props.namePrefix}-ingest-${dc}`;
    if (!Token.isUnresolved(identityName) && !IDENTITY_NAME.test(identityName)) {
      problems.push(`the identity name '${identityName}' (namePrefix-ingest-datacenterId) must be 3-128 letters, digits, '-' and '_' starting with a letter or digit`);
    }
    if (props.stores.length === 0) problems.push(`stores must list at least one store for datacenter '${dc}', got none`);
    const ids = props.stores.map((s) => s.registryId);
    const twice = ids.filter((r, i) => ids.indexOf(r) !== i);
    if (twice.length > 0) problems.push(`stores must hold each registry once for datacenter '${dc}', got ${[...new Set(twice)].map((r) => `'${r}'`).join(", ")} more than once`);
    const every = props.everyMinutes;
    if (every !== undefined && !Token.isUnresolved(every) && (!Number.isInteger(every) || every < 1)) {
      problems.push(`everyMinutes must be a whole number of minutes, at least 1, got ${every} for datacenter '${dc}'`);
    }
    if (!props.ingestRole && !props.resourceGroupId) {
      problems.push(`resourceGroupId is required to define the ingest role when ingestRole is not given (datacenter '${dc}')`);
    }
    if (!props.listRole && !props.resourceGroupId) {
      problems.push(`resourceGroupId is required to define the list role when listRole is not given (datacenter '${dc}')`);
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));

    this.datacenterId = dc;
    const tags: Record<string, string> = { ...(props.tags ?? {}), "embassy:datacenter": dc };
    if (every !== undefined) tags["embassy:every-minutes"] = String(every);

    this.resource = new UserAssignedIdentity(this, "Resource", {
      name: identityName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags,
    });
    this.identityId = this.resource.id;
    this.principalId = this.resource.principalId;
    this.clientId = this.resource.clientId;
    this.tenantId = this.resource.tenantId;

    this.federatedCredential = new FederatedIdentityCredential(this, "FederatedCredential", {
      // 3-120 letters, digits, '-' and '_', starting with a letter or digit ("Federated Identity
      // Credential name '{ficName}' is invalid", workload-identity-federation-considerations.md).
      name: `${dc}-copy-job`,
      resourceGroupName: props.resourceGroupName,
      parentId: this.resource.id,
      audience: [TOKEN_EXCHANGE_AUDIENCE],
      issuer: props.issuer,
      subject: props.subject,
    });

    this.ingestRole =
      props.ingestRole ??
      new CustomRole(this, "IngestRole", {
        roleName: `${props.namePrefix}-ingest-${dc}`,
        description: `Lets datacenter '${dc}' add registry versions; no read, no delete, no immutability change`,
        resourceGroupId: props.resourceGroupId ?? "",
        permissions: INGEST_PERMISSIONS,
        readsData: false,
      });
    // Holds blobs/read (a data read): carry() assigns it only with LIST_ONLY_CONDITION.
    this.listRole =
      props.listRole ??
      new CustomRole(this, "ListRole", {
        roleName: `${props.namePrefix}-ingest-list-${dc}`,
        description: `Lets datacenter '${dc}' list registry containers; assigned only with a condition that allows List Blobs and no blob read`,
        resourceGroupId: props.resourceGroupId ?? "",
        permissions: INGEST_LIST_PERMISSIONS,
        readsData: true,
      });
    this.grants = new Construct(this, "Grants");
    for (const store of props.stores) this.carry(store);
  }

  /**
   * Lets the copy job add versions of `store`'s registry and list what is there: the ingest role on
   * the store's container, and the list role there under LIST_ONLY_CONDITION, once per registry (a
   * second call for the same registry returns the first write assignment).
   */
  public carry(store: IEncryptedStore): RoleAssignment {
    const known = this.assignments.get(store.registryId);
    if (known) return known;
    const assignment = assignRole(this.grants, `Write-${store.registryId}`, {
      scope: store.containerId,
      principalId: this.principalId,
      role: this.ingestRole,
      description: `ingest: datacenter '${this.datacenterId}' adds versions of registry '${store.registryId}'`,
      principalType: "ServicePrincipal",
    });
    this.assignments.set(store.registryId, assignment);
    const list = assignRole(this.grants, `List-${store.registryId}`, {
      scope: store.containerId,
      principalId: this.principalId,
      role: this.listRole,
      description: `ingest: datacenter '${this.datacenterId}' lists registry '${store.registryId}' (List Blobs only, by condition)`,
      principalType: "ServicePrincipal",
    });
    list.condition = LIST_ONLY_CONDITION;
    list.conditionVersion = LIST_ONLY_CONDITION_VERSION;
    this.listAssignments.set(store.registryId, list);
    return assignment;
  }

  /** The registries the copy job may write here, in the order they were carried. */
  public get registryIds(): readonly string[] {
    return [...this.assignments.keys()];
  }

  /** Every role assignment this ingest made (for review and tests): per registry, the write assignment, then the list one. */
  public get roleAssignments(): readonly RoleAssignment[] {
    return [...this.assignments.keys()].flatMap((r) => [this.assignments.get(r) as RoleAssignment, this.listAssignments.get(r) as RoleAssignment]);
  }
}
