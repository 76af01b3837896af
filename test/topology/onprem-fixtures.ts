import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A self-signed CA certificate (EC P-256, SHA-256, basicConstraints CA:TRUE, keyUsage
 * keyCertSign + cRLSign, valid until 2126), made for these tests with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500
 * -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign`.
 * Its private key was discarded.
 */
export const STATE_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIB6zCCAZGgAwIBAgIUdJAaZHbx11PJkAB3h4lvl+z+NsYwCgYIKoZIzj0EAwIw
QjELMAkGA1UEBhMCRUUxEzARBgNVBAoMClRlc3QgU3RhdGUxHjAcBgNVBAMMFVRl
c3QgU3RhdGUgRW1iYXNzeSBDQTAgFw0yNjEyMDIxMjU4MzlaGA8yMTI2MTEwODEy
NTgzOVowQjELMAkGA1UEBhMCRUUxEzARBgNVBAoMClRlc3QgU3RhdGUxHjAcBgNV
BAMMFVRlc3QgU3RhdGUgRW1iYXNzeSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABOR/2biL0lTLXaMJ40NclQi3v5Ysz3M/oCeL+uluxOJwuj1c1KuzAUAHfb5e
ypE9epqogPelnxCauLmxFyqwu7OjYzBhMB0GA1UdDgQWBBRkXnTh/slmzRtRlYy+
vBCEMK3mmDAfBgNVHSMEGDAWgBRkXnTh/slmzRtRlYy+vBCEMK3mmDAPBgNVHRMB
Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAiHsJ
rvlLWmdzxdqi0RUsK6VVdY2s7OtzW95S/B2GfMwCIGCDCCKK4rBEOT7YqppnElw/
DAJrHmEYtcdhNPBYwrYb
-----END CERTIFICATE-----
`;

/** An end-entity certificate (basicConstraints CA:FALSE), made the same way: not a trust anchor. */
export const LEAF_PEM = `-----BEGIN CERTIFICATE-----
MIIB1zCCAXygAwIBAgIUCIsp7zlNNx3vjqCEpuDRDHLWyjQwCgYIKoZIzj0EAwIw
OTELMAkGA1UEBhMCRUUxEzARBgNVBAoMClRlc3QgU3RhdGUxFTATBgNVBAMMDGVt
YmFzc3ktcHVzaDAgFw0yNjEyMDIxMjU4MzlaGA8yMTI2MTEwODEyNTgzOVowOTEL
MAkGA1UEBhMCRUUxEzARBgNVBAoMClRlc3QgU3RhdGUxFTATBgNVBAMMDGVtYmFz
c3ktcHVzaDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPGLixLM3NGbKx+pSUqD
Rz12DU7MWLAAvucD0JW1gTjor6/l7BZxW1rR8BA9923HTrjhGbs+afJkTp33iTE0
IAyjYDBeMB0GA1UdDgQWBBSvIeTJgjx8OBQa+6/S8cgnUXBJOzAfBgNVHSMEGDAW
gBSvIeTJgjx8OBQa+6/S8cgnUXBJOzAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQE
AwIHgDAKBggqhkjOPQQDAgNJADBGAiEAkKfPpynUiMAwqKxAVrfrP2TXNIUxUeuy
GgoUd/hcXl0CIQCrj9Qqm5447trGu22eFReUCMq54Sk3BREqwaZV1PWCTw==
-----END CERTIFICATE-----
`;

/**
 * A folder laid out like a topology's: `certs/state-ca.pem` (the CA above) next to where the
 * topology file would be, plus files that are not usable trust anchors.
 */
export function certFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "onprem-topology-"));
  mkdirSync(join(dir, "certs"));
  writeFileSync(join(dir, "certs", "state-ca.pem"), STATE_CA_PEM);
  writeFileSync(join(dir, "certs", "leaf.pem"), LEAF_PEM);
  writeFileSync(join(dir, "certs", "chain.pem"), STATE_CA_PEM + LEAF_PEM);
  writeFileSync(join(dir, "certs", "with-key.pem"), `${STATE_CA_PEM}-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n`);
  writeFileSync(join(dir, "certs", "notes.txt"), "the CA certificate is with the security team\n");
  writeFileSync(join(dir, "certs", "annotated.pem"), `subject=C=EE, O=Test State, CN=Test State Embassy CA\n${STATE_CA_PEM}`);
  return dir;
}

const AWS_CUSTODY = {
  accountId: "111111111111",
  administrators: ["arn:aws:iam::111111111111:role/embassy-admin", "arn:aws:iam::111111111111:role/registry-restore"],
  readers: ["arn:aws:iam::111111111111:role/registry-restore"],
};
const AZURE_CUSTODY = {
  tenantId: "8f6a2c1e-4b7d-4e2a-9c3f-1a2b3c4d5e6f",
  subscriptionId: "2d9e7f10-5a6b-4c8d-9e0f-112233445566",
  administrators: ["5b1e9c2a-7d3f-4a6b-8c9d-0e1f2a3b4c5d"],
};

/**
 * Estonia-like: no cloud region at home, so the Tallinn datacenter is the primary; it pushes to
 * AWS in Frankfurt and Azure in Amsterdam, and replicates to the state's own data embassy in
 * Luxembourg (the state's storage replication, not built here).
 */
export function estoniaDoc(): Record<string, any> {
  return {
    version: 1,
    name: "ee-embassy",
    home: "EE",
    custody: { aws: structuredClone(AWS_CUSTODY), azure: structuredClone(AZURE_CUSTODY) },
    alerts: { emails: ["soc@ria.example.ee", "registries@ria.example.ee"] },
    sites: [
      {
        id: "ee-tallinn",
        role: "domestic",
        primary: true,
        cloud: "onprem",
        location: { city: "Tallinn", country: "EE", latitude: 59.437, longitude: 24.754 },
        cidr: "10.40.0.0/16",
        vpn: { publicIp: "203.0.113.10", bgpAsn: 65010 },
        identity: {
          aws: { trustAnchorCertificate: "certs/state-ca.pem" },
          azure: { issuer: "https://sts.ria.example.ee", subject: "embassy-push" },
        },
      },
      { id: "lu-embassy", role: "foreign", cloud: "onprem", location: { city: "Betzdorf", country: "LU", latitude: 49.686, longitude: 6.35 }, cidr: "10.41.0.0/16" },
      { id: "de-aws", role: "foreign", cloud: "aws", region: "eu-central-1", cidr: "10.50.0.0/16" },
      { id: "nl-azure", role: "foreign", cloud: "azure", region: "westeurope", cidr: "10.60.0.0/16" },
    ],
    registries: [
      { id: "population", title: "Population register", rpoMinutes: 15, retentionDays: 365 },
      { id: "land", title: "Land register", rpoMinutes: 60, retentionDays: 365 },
    ],
    links: [
      { from: "ee-tallinn", to: "de-aws", everyMinutes: 15 },
      { from: "ee-tallinn", to: "nl-azure", everyMinutes: 15 },
      { from: "ee-tallinn", to: "lu-embassy", everyMinutes: 60, registries: ["land"] },
    ],
  };
}

/**
 * Dutch-like: two domestic datacenters (Groningen the primary, Eindhoven), Azure West Europe at
 * home, and a foreign site on AWS farther away than Luxembourg (rules.minForeignDistanceKm 1000).
 */
export function dutchDoc(): Record<string, any> {
  return {
    version: 1,
    name: "nl-embassy",
    home: "NL",
    custody: { aws: structuredClone(AWS_CUSTODY), azure: structuredClone(AZURE_CUSTODY) },
    alerts: { emails: ["soc@example.nl"] },
    rules: { minForeignDistanceKm: 1000 },
    sites: [
      {
        id: "odc-noord",
        role: "domestic",
        primary: true,
        cloud: "onprem",
        location: { city: "Groningen", country: "NL", latitude: 53.22, longitude: 6.57 },
        cidr: "10.40.0.0/16",
        // Azure stores are reachable only through private endpoints: over this VPN.
        vpn: { publicIp: "203.0.113.40", bgpAsn: 65040 },
        identity: {
          aws: { trustAnchorCertificate: "certs/state-ca.pem" },
          azure: { issuer: "https://sts.example.nl", subject: "embassy-push" },
        },
      },
      { id: "odc-zuid", role: "domestic", cloud: "onprem", location: { city: "Eindhoven", country: "NL", latitude: 51.44, longitude: 5.48 }, cidr: "10.41.0.0/16" },
      { id: "nl-azure", role: "domestic", cloud: "azure", region: "westeurope", cidr: "10.10.0.0/16" },
      { id: "es-embassy", role: "foreign", cloud: "aws", region: "eu-south-2", cidr: "10.30.0.0/16" },
    ],
    registries: [
      { id: "brp", title: "Basisregistratie Personen", rpoMinutes: 15, retentionDays: 365 },
      { id: "brk", title: "Basisregistratie Kadaster", rpoMinutes: 60, retentionDays: 365 },
    ],
    links: [
      { from: "odc-noord", to: "odc-zuid", everyMinutes: 5 },
      { from: "odc-noord", to: "nl-azure", everyMinutes: 15 },
      { from: "odc-noord", to: "es-embassy", everyMinutes: 15 },
    ],
  };
}
