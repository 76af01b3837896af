import { principalProblems, splitDuties } from "../../lib/azure/custody";
import { ADMIN_A, ADMIN_B, ADMIN_C, CUSTODY, OUTSIDER } from "./fixtures";

describe("splitDuties (azure custody)", () => {
  test("by default nobody holds data access and every administrator is a custodian", () => {
    expect(splitDuties(CUSTODY)).toEqual({ readers: [], writers: [], custodians: [ADMIN_A, ADMIN_B, ADMIN_C] });
  });

  test("named readers and writers are carved out of the custodians", () => {
    expect(splitDuties(CUSTODY, { readers: [ADMIN_C], writers: [ADMIN_B, ADMIN_B] })).toEqual({ readers: [ADMIN_C], writers: [ADMIN_B], custodians: [ADMIN_A] });
  });

  test("principal ids compare case-insensitively", () => {
    expect(splitDuties(CUSTODY, { readers: [ADMIN_A.toUpperCase()] }).custodians).toEqual([ADMIN_B, ADMIN_C]);
  });

  test("fails when a data principal is outside custody or not a UUID, reporting every problem", () => {
    expect(() => splitDuties(CUSTODY, { readers: [OUTSIDER], writers: ["alice@example.org"] })).toThrow(
      /^principals for 'read' must be listed in custody.azure.administrators, got 'dddddddd-0000-4000-8000-000000000004'\nprincipals for 'write' must be Entra ID object ids \(UUIDs\), got 'alice@example.org'$/,
    );
  });

  test("fails when no custodian would remain to administer the keys", () => {
    expect(() => splitDuties(CUSTODY, { readers: [ADMIN_A, ADMIN_B], writers: [ADMIN_C] }, "site 'nl-primary'")).toThrow(
      /^at least one custody administrator must be neither reader nor writer at site 'nl-primary', to administer its keys; got all 3 as data principals$/,
    );
  });

  test("principalProblems accepts custody administrators", () => {
    expect(principalProblems(CUSTODY, [ADMIN_A, ADMIN_B], "audit")).toEqual([]);
  });
});
