import { Testing } from "cdktf";
import type { Construct } from "constructs";
import type { AzureCustody } from "../../lib/azure/custody";
import { CustodyKeyVault } from "../../lib/azure/key-vault";
import { LogStore } from "../../lib/azure/log-store";
import { Network } from "../../lib/azure/network";

/** One synthesized resource's attributes. */
export type Resource = Readonly<Record<string, unknown>>;

/** Synthesized JSON of a stack, parsed. */
export interface Synth {
  readonly resource: Readonly<Record<string, Readonly<Record<string, Resource>>>>;
  readonly provider?: Readonly<Record<string, readonly Resource[]>>;
  readonly output?: Readonly<Record<string, Resource>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Resource>>>>;
}

export const ADMIN_A = "aaaaaaaa-0000-4000-8000-000000000001";
export const ADMIN_B = "bbbbbbbb-0000-4000-8000-000000000002";
export const ADMIN_C = "cccccccc-0000-4000-8000-000000000003";
export const OUTSIDER = "dddddddd-0000-4000-8000-000000000004";

/** The custody every Azure construct test uses. */
export const CUSTODY: AzureCustody = {
  tenantId: "11111111-1111-4111-8111-111111111111",
  subscriptionId: "22222222-2222-4222-8222-222222222222",
  administrators: [ADMIN_A, ADMIN_B, ADMIN_C],
};

/** Synthesizes what `build` adds to a fresh test stack, parsed. */
export function synthScope(build: (scope: Construct) => void): Synth {
  return JSON.parse(Testing.synthScope(build)) as Synth;
}

/** All resources of one type. */
export function resources(synth: Synth, type: string): Resource[] {
  return Object.values(synth.resource[type] ?? {});
}

/** The resources of one type keyed by their logical id. */
export function resourcesById(synth: Synth, type: string): Readonly<Record<string, Resource>> {
  return synth.resource[type] ?? {};
}

/** The one resource of a type (fails the test if there is not exactly one). */
export function only(synth: Synth, type: string): Resource {
  const all = resources(synth, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** A site's shared parts (log store, network, key vault) with fixed names, as stacks build them. */
export function siteParts(scope: Construct, keyAdministrators?: readonly string[]) {
  const common = { resourceGroupName: "rg-test", location: "westeurope" };
  const logStore = new LogStore(scope, "Logs", { ...common, workspaceName: "test-logs", flowLogAccountName: "testlogs" });
  const network = new Network(scope, "Network", { ...common, namePrefix: "test", cidr: "10.10.0.0/16", logStore });
  const keyVault = new CustodyKeyVault(scope, "KeyVault", {
    ...common,
    custody: CUSTODY,
    resourceGroupId: "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test",
    vaultName: "test-kv",
    keyAdminRoleName: "test-administer-keys",
    network,
    logStore,
    keyAdministrators,
  });
  return { ...common, logStore, network, keyVault };
}
