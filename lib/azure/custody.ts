/** The owning state's Azure identities: the only principals this library ever grants anything. */
export interface AzureCustody {
  /** The Entra ID tenant every principal and resource belongs to. */
  readonly tenantId: string;
  /** The subscription that holds every resource and key. */
  readonly subscriptionId: string;
  /** Entra ID object ids (users, groups or service principals) that administer the embassy and deploy it. */
  readonly administrators: readonly string[];
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The problems with `principals` as grantees for `purpose`: every one must be a UUID listed in
 * `custody.administrators` (custody: nobody outside the owning state is ever granted anything).
 */
export function principalProblems(custody: AzureCustody, principals: readonly string[], purpose: string): string[] {
  const problems: string[] = [];
  for (const p of principals) {
    if (!UUID.test(p)) {
      problems.push(`principals for '${purpose}' must be Entra ID object ids (UUIDs), got '${p}'`);
    } else if (!custody.administrators.some((a) => a.toLowerCase() === p.toLowerCase())) {
      problems.push(`principals for '${purpose}' must be listed in custody.azure.administrators, got '${p}'`);
    }
  }
  return problems;
}

/** `/subscriptions/<id>`: the custody subscription as an ARM scope. */
export function subscriptionScope(custody: AzureCustody): string {
  return `/subscriptions/${custody.subscriptionId}`;
}

/** Who may touch registry data at a site, named explicitly; everyone else only administers. */
export interface DataPrincipals {
  /**
   * Object ids that may read and restore registry copies; each must be in `custody.administrators`.
   * @default - nobody: reading registry data is never a standing right of the administrators
   */
  readonly readers?: readonly string[];
  /**
   * Object ids that may write new registry versions at the primary; each must be in
   * `custody.administrators`.
   * @default - nobody
   */
  readonly writers?: readonly string[];
}

/** The custody administrators split by duty: data principals, and custodians who never touch data. */
export interface Duties {
  /** Object ids that may read and restore registry copies (DataPrincipals.readers, deduplicated). */
  readonly readers: readonly string[];
  /** Object ids that may write new registry versions at the primary (DataPrincipals.writers, deduplicated). */
  readonly writers: readonly string[];
  /** Administrators who are neither readers nor writers: they administer keys, operate and audit. */
  readonly custodians: readonly string[];
}

/**
 * Separation of duties with one list of administrators: Azure RBAC has no session roles to
 * assume (as AWS IAM has) and no deny assignments a user can create, so a principal that holds
 * both a key administration and a data-reading role could use both at once. The split is
 * therefore by principal: readers and writers are named explicitly, and every other
 * administrator is a custodian (key administration, operation, audit, replication oversight).
 * Throws, with every problem, if a data principal is not an administrator or no custodian
 * would remain to administer the keys.
 */
export function splitDuties(custody: AzureCustody, data: DataPrincipals = {}, where = "site"): Duties {
  const readers = [...new Set(data.readers ?? [])];
  const writers = [...new Set(data.writers ?? [])];
  const problems = [...principalProblems(custody, readers, "read"), ...principalProblems(custody, writers, "write")];
  const dataSet = new Set([...readers, ...writers].map((p) => p.toLowerCase()));
  const custodians = custody.administrators.filter((a) => !dataSet.has(a.toLowerCase()));
  if (problems.length === 0 && custodians.length === 0) {
    problems.push(
      `at least one custody administrator must be neither reader nor writer at ${where}, to administer its keys; got all ${custody.administrators.length} as data principals`,
    );
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return { readers, writers, custodians };
}
