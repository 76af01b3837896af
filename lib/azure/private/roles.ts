import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { Construct } from "constructs";
import { type CustomRolePermissions, DATA_READ_ACTIONS, type IRoleDefinition } from "../perms";

export interface CustomRoleProps {
  /** The role's display name: unique in the tenant, so it carries the topology and site. */
  readonly roleName: string;
  readonly description: string;
  /** The resource group the role is defined in and assignable in (never the subscription). */
  readonly resourceGroupId: string;
  readonly permissions: CustomRolePermissions;
  /** Whether the role may hold actions that read data or use keys (data purposes only). */
  readonly readsData: boolean;
}

/** A custom Azure role defined from one of the action lists in `perms.ts`. Internal. */
export class CustomRole extends Construct implements IRoleDefinition {
  public readonly resource: RoleDefinition;
  /** The role definition's full resource id, as a role assignment takes it. */
  public readonly roleDefinitionId: string;

  constructor(scope: Construct, id: string, props: CustomRoleProps) {
    super(scope, id);
    if (!props.readsData) {
      const all = [...props.permissions.actions, ...props.permissions.dataActions];
      const leaking = all.filter((a) => (DATA_READ_ACTIONS as readonly string[]).includes(a));
      if (leaking.length > 0) {
        throw new Error(`custom role '${props.roleName}' must not read data or use keys (separation of duties), got ${leaking.join(", ")}`);
      }
    }
    this.resource = new RoleDefinition(this, "Resource", {
      name: props.roleName,
      description: props.description,
      scope: props.resourceGroupId,
      assignableScopes: [props.resourceGroupId],
      permissions: [{ actions: [...props.permissions.actions], dataActions: [...props.permissions.dataActions], notActions: [], notDataActions: [] }],
    });
    this.roleDefinitionId = this.resource.roleDefinitionResourceId;
  }
}

/** A built-in role by display name, or a custom role of this library. */
export type RoleRef = string | IRoleDefinition;

export interface AssignmentProps {
  /** The ARM scope: a storage account, container, key vault or key; never a subscription. */
  readonly scope: string;
  readonly principalId: string;
  readonly role: RoleRef;
  readonly description: string;
  /**
   * Set for managed identities, so Azure does not wait for Entra ID replication.
   * @default - Azure detects the principal type
   */
  readonly principalType?: "ServicePrincipal";
}

/** The one place a role assignment is made. Internal. */
export function assignRole(scope: Construct, id: string, props: AssignmentProps): RoleAssignment {
  if (/^\/subscriptions\/[^/]+\/?$/.test(props.scope)) {
    throw new Error(`role assignments must be scoped below the subscription, got scope '${props.scope}' for '${props.description}'`);
  }
  return new RoleAssignment(scope, id, {
    scope: props.scope,
    principalId: props.principalId,
    description: props.description,
    ...(typeof props.role === "string" ? { roleDefinitionName: props.role } : { roleDefinitionId: props.role.roleDefinitionId }),
    ...(props.principalType ? { principalType: props.principalType, skipServicePrincipalAadCheck: true } : {}),
  });
}
