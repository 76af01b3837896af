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
