import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Construct } from "constructs";
import type { AzureCustody, Duties } from "./custody";
import { principalProblems } from "./custody";
import type { IEncryptedStore } from "./encrypted-store";
import type { ICustodyKeyVault } from "./key-vault";
import type { ILogStore } from "./log-store";
import {
  AUDIT_FLOW_LOG_READER_ROLE,
  AUDIT_KEY_READER_ROLE,
  AUDIT_LOG_READER_ROLE,
  AUDIT_READER_ROLE,
  OPERATE_PERMISSIONS,
  REPLICATE_PERMISSIONS,
  STORE_WRITER_PERMISSIONS,
} from "./perms";
import { assignRole, CustomRole } from "./private/roles";

/** The purposes a person or system can act for at a site. */
export type AzurePurpose = "read" | "write" | "operate" | "administer-keys" | "audit" | "replicate";

/** How an AccessPolicy is built: the custody, the stores and vault it grants on, and who does what at the site. */
export interface AccessPolicyProps {
  /** The owning state's tenant, subscription and administrators: every principal granted anything must be one of `custody.administrators`. */
  readonly custody: AzureCustody;
  /** Prefix of every custom role name, e.g. `nl-embassy-nl-primary` (role names are unique per tenant). */
  readonly namePrefix: string;
  /** The site's resource group id: custom roles are defined and assignable only there. */
  readonly resourceGroupId: string;
  /** The stores these grants act on. */
  readonly stores: readonly IEncryptedStore[];
  /** The site's custody vault (its key administrators are the site's custodians). */
  readonly keyVault: ICustodyKeyVault;
  /** The site's log store, whose workspace auditors may query and whose flow logs they may read. */
  readonly logStore: ILogStore;
  /** The administrators split by duty (see `splitDuties`). */
  readonly duties: Duties;
  /**
   * Whether the site is where registries are written (the primary): grants `write` to the writers.
   * @default false
   */
  readonly writable?: boolean;
}

/**
 * Least-privilege Azure RBAC per purpose at one site, every assignment scoped to one container,
 * storage account, key vault or workspace (never a subscription or resource group), every
 * principal a custody administrator:
 * - `read` (named readers): "Storage Blob Data Reader" on each registry container;
 * - `write` (named writers, primary only): a custom role that adds blob versions, without delete;
 * - `administer-keys` (custodians): the vault's custom key-administrator role, no crypto use;
 * - `operate` (custodians): a custom role that reads configuration, metrics and replication state
 *   and tags resources; no data action, no listKeys, no account write;
 * - `replicate` (custodians): a custom role that watches object replication on each store (the
 *   storage service replicates by itself; no principal needs data rights for it);
 * - `audit` (custodians): "Reader" on each store, "Key Vault Reader" on the vault (metadata
 *   only), "Log Analytics Reader" on the log store's workspace, and "Storage Blob Data Reader" on
 *   its flow-log account (Network Watcher writes VNet flow logs to storage only, so without it
 *   nobody could read them). That account holds flow logs, never registry data: a custodian still
 *   reads no registry copy.
 * Separation of duties is by principal (see `splitDuties`): data principals and custodians are
 * disjoint, and custom roles for non-data purposes are checked to hold no data action. The
 * store's own identity is granted its key separately (EncryptedStore).
 */
export class AccessPolicy extends Construct {
  /** Who holds each purpose at this site. */
  public readonly principals: ReadonlyMap<AzurePurpose, readonly string[]>;
  private readonly assignments: RoleAssignment[] = [];

  constructor(scope: Construct, id: string, props: AccessPolicyProps) {
    super(scope, id);
    const { duties } = props;
    const problems: string[] = [];
    if (props.stores.length === 0) {
      problems.push(`stores must list at least one store for access policy '${props.namePrefix}', got none`);
    }
    problems.push(
      ...principalProblems(props.custody, duties.readers, "read"),
      ...principalProblems(props.custody, duties.writers, "write"),
      ...principalProblems(props.custody, duties.custodians, "administer-keys"),
    );
    const data = new Set([...duties.readers, ...duties.writers].map((p) => p.toLowerCase()));
    for (const p of [...duties.custodians, ...props.keyVault.keyAdministrators]) {
      if (data.has(p.toLowerCase())) {
        problems.push(`separation of duties: principal '${p}' would both read or write registry data and administer keys at '${props.namePrefix}'`);
      }
    }
    if (!props.writable && duties.writers.length > 0) {
      problems.push(`writers are only granted at the primary; '${props.namePrefix}' is not writable, got ${duties.writers.length} writer(s)`);
    }
    if (problems.length > 0) throw new Error([...new Set(problems)].join("\n"));

    const role = (construct: string, purpose: AzurePurpose, description: string, permissions: typeof OPERATE_PERMISSIONS, readsData: boolean) =>
      new CustomRole(this, construct, { roleName: `${props.namePrefix}-${purpose}`, description, resourceGroupId: props.resourceGroupId, permissions, readsData });
    const operator = role("OperatorRole", "operate", "Operates the site's stores; no data access, cannot weaken a store", OPERATE_PERMISSIONS, false);
    const replication = role("ReplicationRole", "replicate", "Watches object replication of the site's stores", REPLICATE_PERMISSIONS, false);

    for (const store of props.stores) {
      for (const p of duties.readers) this.assignments.push(store.grantRead(p));
      for (const p of duties.custodians) {
        this.assignments.push(store.grantOnAccount("operate", p, operator));
        this.assignments.push(store.grantOnAccount("replicate", p, replication));
        this.assignments.push(store.grantOnAccount("audit", p, AUDIT_READER_ROLE));
      }
    }
    if (props.writable && duties.writers.length > 0) {
      const writer = role("WriterRole", "write", "Adds registry versions at the primary; cannot delete or unprotect them", STORE_WRITER_PERMISSIONS, true);
      for (const store of props.stores) for (const p of duties.writers) this.assignments.push(store.grantWrite(p, writer));
    }
    const audit = new Construct(this, "Audit");
    for (const p of duties.custodians) {
      this.assignments.push(
        assignRole(audit, `Vault-${p}`, { scope: props.keyVault.vaultId, principalId: p, role: AUDIT_KEY_READER_ROLE, description: "audit: custody key metadata, no key use" }),
        assignRole(audit, `Logs-${p}`, { scope: props.logStore.workspaceId, principalId: p, role: AUDIT_LOG_READER_ROLE, description: "audit: the site's diagnostic logs" }),
        assignRole(audit, `FlowLogs-${p}`, { scope: props.logStore.flowLogAccountId, principalId: p, role: AUDIT_FLOW_LOG_READER_ROLE, description: "audit: the site's VNet flow logs (no registry data)" }),
      );
    }
    const principals = new Map<AzurePurpose, readonly string[]>();
    principals
      .set("read", duties.readers)
      .set("operate", duties.custodians)
      .set("replicate", duties.custodians)
      .set("audit", duties.custodians)
      .set("administer-keys", props.keyVault.keyAdministrators);
    if (props.writable) principals.set("write", duties.writers);
    this.principals = principals;
  }

  /** Every role assignment this policy made (for review and tests). */
  public get roleAssignments(): readonly RoleAssignment[] {
    return [...this.assignments];
  }
}
