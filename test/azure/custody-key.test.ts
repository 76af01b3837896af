import { CustodyKey } from "../../lib/azure/custody-key";
import { type Synth, only, resources, siteParts, synthScope } from "./fixtures";

function key(extra: { rotateAfterDays?: number; expireAfterDays?: number; keySize?: 2048 | 3072 | 4096 } = {}): Synth {
  return synthScope((scope) => {
    const { keyVault } = siteParts(scope);
    const k = new CustodyKey(scope, "Key", { vault: keyVault, keyName: "k", ...extra });
    k.grantEncryptionUse("brp", "${azurerm_user_assigned_identity.id.principal_id}");
  });
}

describe("CustodyKey (azure)", () => {
  const synth = key();
  const k = only(synth, "azurerm_key_vault_key");

  test("an HSM-backed RSA key for wrapping only, retained", () => {
    expect(k).toMatchObject({ key_type: "RSA-HSM", key_size: 3072, key_opts: ["wrapKey", "unwrapKey"], lifecycle: { prevent_destroy: true } });
  });

  test("rotates automatically every 365 days, versions expire after 730 days, with a 30-day notice", () => {
    expect(k.rotation_policy).toEqual({ automatic: { time_after_creation: "P365D" }, expire_after: "P730D", notify_before_expiry: "P30D" });
  });

  test("is created after the key administrators' grants and the vault's private endpoint", () => {
    const admins = Object.keys(synth.resource.azurerm_role_assignment).filter((id) => id.startsWith("KeyVault_KeyAdministrators"));
    expect(admins).toHaveLength(3);
    const endpoint = Object.keys(synth.resource.azurerm_private_endpoint).find((id) => id.startsWith("KeyVault_Endpoint"));
    expect(k.depends_on).toEqual([...admins.map((id) => `azurerm_role_assignment.${id}`), `azurerm_private_endpoint.${endpoint}`]);
  });

  test("grantEncryptionUse gives an identity wrap/unwrap on this key only", () => {
    const grant = resources(synth, "azurerm_role_assignment").find((g) => g.role_definition_name === "Key Vault Crypto Service Encryption User");
    expect(grant).toMatchObject({
      scope: expect.stringMatching(/^\$\{azurerm_key_vault_key\.Key_\w+\.resource_versionless_id\}$/),
      principal_type: "ServicePrincipal",
    });
  });

  test("a faster rotation and a larger key", () => {
    const s = key({ rotateAfterDays: 90, expireAfterDays: 180, keySize: 4096 });
    expect(only(s, "azurerm_key_vault_key")).toMatchObject({ key_size: 4096, rotation_policy: { automatic: { time_after_creation: "P90D" }, expire_after: "P180D" } });
  });

  test("fails when rotation would be slower than yearly", () => {
    expect(() => key({ rotateAfterDays: 400, expireAfterDays: 800 })).toThrow(/^rotateAfterDays must be from 7 to 365 \(rotation is always on\), got 400 for key 'k'$/);
  });

  test("fails when a version would expire too soon after rotation", () => {
    expect(() => key({ rotateAfterDays: 365, expireAfterDays: 380 })).toThrow(/^expireAfterDays must be at least rotateAfterDays \+ 28 \(393\), got 380 for key 'k'$/);
  });
});
