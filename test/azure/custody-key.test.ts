import { CUSTODY_KEY_RESOURCE_TYPE, CustodyKey } from "../../lib/azure/custody-key";
import { type Synth, only, resources, resourcesById, siteParts, synthScope } from "./fixtures";

function key(extra: { rotateAfterDays?: number; expireAfterDays?: number; keySize?: 2048 | 3072 | 4096 } = {}): Synth {
  return synthScope((scope) => {
    const { keyVault } = siteParts(scope);
    const k = new CustodyKey(scope, "Key", { vault: keyVault, keyName: "k", ...extra });
    k.grantEncryptionUse("brp", "${azurerm_user_assigned_identity.id.principal_id}");
  });
}

describe("CustodyKey (azure)", () => {
  const synth = key();
  const k = only(synth, "azapi_resource");
  const [keyId] = Object.keys(resourcesById(synth, "azapi_resource"));

  test("created through Azure Resource Manager: an azapi key resource under the vault, never a data-plane azurerm_key_vault_key", () => {
    expect(resources(synth, "azurerm_key_vault_key")).toEqual([]);
    expect(CUSTODY_KEY_RESOURCE_TYPE).toBe("Microsoft.KeyVault/vaults/keys@2024-11-01");
    expect(k).toMatchObject({
      type: "Microsoft.KeyVault/vaults/keys@2024-11-01",
      name: "k",
      parent_id: expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_\w+\.id\}$/),
      response_export_values: ["properties.keyUri"],
      schema_validation_enabled: true,
    });
  });

  test("an HSM-backed RSA key for wrapping only, not exportable, retained", () => {
    expect(k).toMatchObject({
      body: { properties: { kty: "RSA-HSM", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"], attributes: { enabled: true, exportable: false } } },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("rotates automatically every 365 days, rotated versions expire after 730 days, with a 30-day notice", () => {
    expect((k.body as { properties: { rotationPolicy: unknown } }).properties.rotationPolicy).toEqual({
      attributes: { expiryTime: "P730D" },
      lifetimeActions: [
        { trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
      ],
    });
  });

  test("waits for nothing reached through the vault's data plane: no dependency on the private endpoint or on key-administrator grants", () => {
    expect(k.depends_on).toBeUndefined();
  });

  test("grantEncryptionUse gives an identity wrap/unwrap on this key only, scoped to the key's ARM id", () => {
    const grant = resources(synth, "azurerm_role_assignment").find((g) => g.role_definition_name === "Key Vault Crypto Service Encryption User");
    expect(grant).toMatchObject({ scope: `\${azapi_resource.${keyId}.id}`, principal_type: "ServicePrincipal", skip_service_principal_aad_check: true });
  });

  test("a faster rotation and a larger key", () => {
    const s = key({ rotateAfterDays: 90, expireAfterDays: 180, keySize: 4096 });
    expect(only(s, "azapi_resource")).toMatchObject({
      body: {
        properties: {
          keySize: 4096,
          rotationPolicy: { attributes: { expiryTime: "P180D" }, lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" } }, { trigger: { timeBeforeExpiry: "P30D" } }] },
        },
      },
    });
  });

  test("fails when rotation would be slower than yearly", () => {
    expect(() => key({ rotateAfterDays: 400, expireAfterDays: 800 })).toThrow(/^rotateAfterDays must be from 7 to 365 \(rotation is always on\), got 400 for key 'k'$/);
  });

  test("fails when a version would expire too soon after rotation", () => {
    expect(() => key({ rotateAfterDays: 365, expireAfterDays: 380 })).toThrow(/^expireAfterDays must be at least rotateAfterDays \+ 28 \(393\), got 380 for key 'k'$/);
  });
});
