import { generateKeyPairSync, sign, verify } from "node:crypto";
import { canonicalJson, manifestKey, manifestKeyOf, parseManifest, signedStatement, type Manifest } from "../../lib/cli/manifest";
import { p1363ToDer, parseKeyRef } from "../../lib/cli/signing";
import { UsageError } from "../../lib/cli/errors";

const manifest: Manifest = {
  format: "data-embassy-manifest/1",
  topology: "nl-embassy",
  registry: "brp",
  snapshot: "2026-01-31T12:00:00.000Z",
  objects: [{ path: "a.csv", key: `objects/sha256/${"a".repeat(64)}`, size: 3, sha256: "a".repeat(64) }],
};

describe("manifest layout", () => {
  test("canonical JSON sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: [{ d: "x", c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
  });

  test("the signed statement covers everything but the signature", () => {
    const signed = { ...manifest, signature: { algorithm: "ECDSA_P256_SHA256" as const, key: "file", publicKeySha256: "0".repeat(64), value: "AA==" } };
    expect(signedStatement(signed).equals(signedStatement(manifest))).toBe(true);
    expect(signedStatement({ ...manifest, objects: [] }).equals(signedStatement(manifest))).toBe(false);
    expect(signedStatement(manifest).toString()).toMatch(/^data-embassy manifest v1 sha256:[0-9a-f]{64}$/);
  });

  test("manifest keys sort by time and accept either spelling of a time", () => {
    expect(manifestKey("2026-01-31T12:00:00.000Z")).toBe("manifests/2026-01-31T12-00-00.000Z.json");
    for (const t of ["2026-01-31T12:00:00.000Z", "2026-01-31T12-00-00.000Z", "2026-01-31T12:00:00Z", "manifests/2026-01-31T12-00-00.000Z.json"]) {
      expect(manifestKeyOf(t)).toBe("manifests/2026-01-31T12-00-00.000Z.json");
    }
    expect(manifestKeyOf("latest")).toBeUndefined();
  });

  test("fails when a stored manifest lacks fields, naming each", () => {
    expect(parseManifest(JSON.stringify({ ...manifest, objects: [{ path: "a", key: "k", size: -1, sha256: "x" }] })).errors).toEqual([
      'objects[0] must have path, key, size (bytes) and sha256 (64 hex digits), got {"path":"a","key":"k","size":-1,"sha256":"x"}',
    ]);
    expect(parseManifest("not json").errors[0]).toMatch(/^not JSON \(/);
  });
});

describe("signatures", () => {
  test("Key Vault's raw r||s becomes the DER signature KMS and OpenSSL use", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    for (let i = 0; i < 20; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
      expect(verify("sha256", data, { key: publicKey, dsaEncoding: "der" }, p1363ToDer(raw))).toBe(true);
    }
  });

  test("key references of the three kinds parse", () => {
    expect(parseKeyRef("arn:aws:kms:eu-south-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "--signing-key")).toEqual({
      kind: "kms",
      ref: "arn:aws:kms:eu-south-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      region: "eu-south-2",
      account: "111111111111",
    });
    expect(parseKeyRef("https://nlembassykv.vault.azure.net/keys/manifest-signing/0123456789abcdef0123456789abcdef", "--public-key")).toEqual({
      kind: "keyvault",
      ref: "https://nlembassykv.vault.azure.net/keys/manifest-signing/0123456789abcdef0123456789abcdef",
      vault: "nlembassykv",
      name: "manifest-signing",
      version: "0123456789abcdef0123456789abcdef",
    });
    expect(parseKeyRef("file:keys/signer.pem", "--signing-key")).toEqual({ kind: "file", ref: "file:keys/signer.pem", path: "keys/signer.pem" });
  });

  test("fails on a key alias: KMS aliases can be re-pointed, so only key ARNs are taken", () => {
    expect(() => parseKeyRef("arn:aws:kms:eu-south-2:111111111111:alias/signing", "--public-key")).toThrow(UsageError);
    expect(() => parseKeyRef("file:", "--public-key")).toThrow(/^--public-key 'file:' needs a path: file:PATH$/);
  });
});
