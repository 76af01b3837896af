import { DATA_READ_ACTIONS } from "../../azure/perms";
import { isLogAccount } from "./classify";
import { actionMatches } from "./iam";
import { asString, blocks, strings } from "./json";
import type { ResourceView, StackView } from "./resource-view";

/** What a role lets its holder do, as far as separation of duties is concerned. */
export interface RoleDuties {
  /** The role, for messages: its display name or custom role path. */
  readonly label: string;
  readonly administersKeys: boolean;
  readonly readsData: boolean;
}

/** Built-in roles by display name and by their fixed definition id. */
const BUILT_IN: readonly { readonly name: string; readonly id: string; readonly administersKeys: boolean; readonly readsData: boolean }[] = [
  // Both hold keys/* data actions, decrypt and unwrap among them: alone they break separation of duties.
  { name: "Key Vault Administrator", id: "00482a5a-887f-4fb3-b363-3b7fe8e74483", administersKeys: true, readsData: true },
  { name: "Key Vault Crypto Officer", id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", administersKeys: true, readsData: true },
  { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", administersKeys: false, readsData: true },
  { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe", administersKeys: false, readsData: true },
  { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", administersKeys: false, readsData: true },
  { name: "Storage Account Contributor", id: "17d1049b-9a84-46fb-8f53-869881c3d3ab", administersKeys: false, readsData: true },
];

/** Data actions (and the key-listing action) that administer a key's life cycle or policy. */
export const KEY_ADMIN_ACTIONS = [
  "Microsoft.KeyVault/vaults/write",
  "Microsoft.KeyVault/vaults/keys/create/action",
  "Microsoft.KeyVault/vaults/keys/delete",
  "Microsoft.KeyVault/vaults/keys/rotate/action",
  "Microsoft.KeyVault/vaults/keys/update/action",
  "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
] as const;

/**
 * Actions that read registry data, or decrypt/unwrap what protects it: the same list the Azure
 * constructs use (lib/azure/perms.ts), so the rule and the roles can never disagree.
 */
export { DATA_READ_ACTIONS };

function dutiesOfDefinition(definition: ResourceView): RoleDuties {
  const permissions = blocks(definition.attributes.permissions);
  const granted = permissions.flatMap((p) => [...strings(p.actions), ...strings(p.data_actions)]);
  const excluded = permissions.flatMap((p) => [...strings(p.not_actions), ...strings(p.not_data_actions)]);
  const holds = (action: string) => granted.some((g) => actionMatches(g, action)) && !excluded.some((x) => actionMatches(x, action));
  return {
    label: `custom role ${asString(definition.attributes.name) ?? definition.path}`,
    administersKeys: KEY_ADMIN_ACTIONS.some(holds),
    readsData: DATA_READ_ACTIONS.some(holds),
  };
}

/**
 * Whether an assignment's scope holds logs, never registry data: a storage account that receives
 * flow logs or diagnostic logs (see isLogAccount; such an account is exempt from the data-store
 * rules too), or a container of one. Reading there reads no registry copy: an auditor who also
 * administers keys may read the site's flow logs.
 */
function scopeHoldsOnlyLogs(assignment: ResourceView, stack: StackView): boolean {
  const [target] = stack.referencedBy(assignment.attributes.scope);
  if (target?.type === "azurerm_storage_account") return isLogAccount(target, stack);
  if (target?.type === "azurerm_storage_container") {
    const account = stack.referencedBy(target.attributes.storage_account_id).find((r) => r.type === "azurerm_storage_account");
    return account !== undefined && isLogAccount(account, stack);
  }
  return false;
}

/**
 * The duties of the role an `azurerm_role_assignment` grants, when known at synth, at its scope: a
 * data role on a log account reads no registry data.
 */
export function dutiesOf(assignment: ResourceView, stack: StackView): RoleDuties | undefined {
  const duties = dutiesOfRole(assignment, stack);
  return duties?.readsData && scopeHoldsOnlyLogs(assignment, stack) ? { ...duties, label: `${duties.label} on a log account`, readsData: false } : duties;
}

/** The duties of the role an `azurerm_role_assignment` grants, wherever it is assigned. */
function dutiesOfRole(assignment: ResourceView, stack: StackView): RoleDuties | undefined {
  const name = asString(assignment.attributes.role_definition_name);
  if (name) {
    const builtIn = BUILT_IN.find((b) => b.name.toLowerCase() === name.toLowerCase());
    return { label: `'${name}'`, administersKeys: builtIn?.administersKeys ?? false, readsData: builtIn?.readsData ?? false };
  }
  const id = asString(assignment.attributes.role_definition_id) ?? "";
  const definition = stack.referencedBy(id).find((r) => r.type === "azurerm_role_definition");
  if (definition) return dutiesOfDefinition(definition);
  const guid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(id)?.[1]?.toLowerCase();
  const builtIn = BUILT_IN.find((b) => b.id === guid);
  return builtIn ? { label: `'${builtIn.name}'`, administersKeys: builtIn.administersKeys, readsData: builtIn.readsData } : undefined;
}
