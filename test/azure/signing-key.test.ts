import { CUSTODY_KEY_RESOURCE_TYPE } from "../../lib/azure/custody-key";
import { MANIFEST_SIGNING_ALGORITHM, SigningKey } from "../../lib/azure/signing-key";
import { ADMIN_A, ADMIN_B, resources, resourcesById, type Synth, siteParts, synthScope } from "./fixtures";

const RG = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-test";
const INGEST = "${azurerm_user_assigned_identity.id.principal_id}";

function build(extra: { rotateAfterDays?: number; expireAfterDays?: number } = {}): Synth {
  return synthScope((scope) => {
    const { keyVault } = siteParts(scope);
    const key = new SigningKey(scope, "Signing", { vault: keyVault, keyName: "manifest-signing", resourceGroupId: RG, namePrefix: "test", ...extra });
    key.grantSign("ingest", INGEST, "ServicePrincipal");
    key.grantSign("writer", ADMIN_B);
    key.grantVerify(ADMIN_A, ADMIN_A);
    // The same grant twice is made once.
    key.grantVerify(ADMIN_A, ADMIN_A);
  });
}

describe("SigningKey (azure)", () => {
  const synth = build();
  const keys = resourcesById(synth, "azapi_resource");
  const [keyId] = Object.keys(keys).filter((id) => id.startsWith("Signing_"));
  const key = keys[keyId];
  const roles = resourcesById(synth, "azurerm_role_definition");
  const roleOf = (id: string) => Object.entries(roles).find(([rid]) => rid.startsWith(`Signing_${id}_`))!;

  test("an EC-HSM P-256 key for sign and verify only, not exportable, created through ARM under the vault, retained", () => {
    expect(key).toMatchObject({
      type: CUSTODY_KEY_RESOURCE_TYPE,
      name: "manifest-signing",
      parent_id: expect.stringMatching(/^\$\{azurerm_key_vault\.KeyVault_\w+\.id\}$/),
      body: { properties: { kty: "EC-HSM", curveName: "P-256", keyOps: ["sign", "verify"], attributes: { enabled: true, exportable: false } } },
      response_export_values: ["properties.keyUri"],
      schema_validation_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect((key.body as { properties: Record<string, unknown> }).properties.keySize).toBeUndefined();
    expect(resources(synth, "azurerm_key_vault_key")).toEqual([]);
    expect(MANIFEST_SIGNING_ALGORITHM).toBe("ES256");
  });

  test("rotates like the custody keys (Key Vault rotates EC keys; an expired version still verifies)", () => {
    expect((key.body as { properties: { rotationPolicy: unknown } }).properties.rotationPolicy).toEqual({
      attributes: { expiryTime: "P730D" },
      lifetimeActions: [
        { trigger: { timeAfterCreate: "P365D" }, action: { type: "rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
      ],
    });
  });

  test("two custom roles in the site's resource group: sign (sign + read) and verify (verify + read), no other key action, no control-plane action", () => {
    const [, signer] = roleOf("SignerRole");
    const [, verifier] = roleOf("VerifierRole");
    expect(signer).toMatchObject({
      name: "test-sign-manifests",
      scope: RG,
      assignable_scopes: [RG],
      permissions: [{ actions: [], data_actions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/sign/action"], not_actions: [], not_data_actions: [] }],
    });
    expect(verifier).toMatchObject({
      name: "test-verify-manifests",
      permissions: [{ actions: [], data_actions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/verify/action"], not_actions: [], not_data_actions: [] }],
    });
  });

  test("every grant is scoped to this key alone: signers (an ingest identity as a service principal, a writer) and one verifier, each once", () => {
    const [signerId] = roleOf("SignerRole");
    const [verifierId] = roleOf("VerifierRole");
    const grants = resources(synth, "azurerm_role_assignment").filter((a) => String(a.role_definition_id).includes("Signing_"));
    expect(grants.map((g) => ({ principal: g.principal_id, role: g.role_definition_id, scope: g.scope, type: g.principal_type }))).toEqual([
      { principal: INGEST, role: `\${azurerm_role_definition.${signerId}.role_definition_resource_id}`, scope: `\${azapi_resource.${keyId}.id}`, type: "ServicePrincipal" },
      { principal: ADMIN_B, role: `\${azurerm_role_definition.${signerId}.role_definition_resource_id}`, scope: `\${azapi_resource.${keyId}.id}`, type: undefined },
      { principal: ADMIN_A, role: `\${azurerm_role_definition.${verifierId}.role_definition_resource_id}`, scope: `\${azapi_resource.${keyId}.id}`, type: undefined },
    ]);
  });

  describe("fails when", () => {
    test("the rotation comes less than 28 days before expiry, or is out of range", () => {
      expect(() => build({ rotateAfterDays: 365, expireAfterDays: 380 })).toThrow(/^expireAfterDays must be at least rotateAfterDays \+ 28 \(393\), got 380 for signing key 'manifest-signing'$/);
      expect(() => build({ rotateAfterDays: 400, expireAfterDays: 800 })).toThrow(/^rotateAfterDays must be from 7 to 365 \(rotation is always on\), got 400 for signing key 'manifest-signing'$/);
    });

    test("the key name is not a Key Vault key name", () => {
      expect(() =>
        synthScope((scope) => new SigningKey(scope, "Signing", { vault: siteParts(scope).keyVault, keyName: "manifest_signing", resourceGroupId: RG, namePrefix: "test" })),
      ).toThrow(/^keyName must be 1-127 letters, digits and hyphens, got 'manifest_signing'$/);
    });
  });
});
