import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import type { Construct } from "constructs";
import { awsSite, checkRule } from "../helpers";

const RULE = "EMB-S06";

function account(scope: Construct) {
  return new StorageAccount(scope, "Account", { name: "acct", resourceGroupName: "rg", location: "westeurope", accountTier: "Standard", accountReplicationType: "ZRS" });
}

describe("EMB-S06 StoreHasAccessLogging", () => {
  test("the store logs to the log bucket, which is itself not applicable", () => {
    expect(checkRule(RULE, (s) => awsSite(s)).summary).toMatchObject({ checked: 1, compliant: 1, level: "warning" });
  });

  test("an Azure account with a diagnostic setting on its blob service is compliant", () => {
    const result = checkRule(RULE, (s) => {
      const a = account(s);
      new MonitorDiagnosticSetting(s, "Diagnostics", { name: "d", targetResourceId: `${a.id}/blobServices/default`, logAnalyticsWorkspaceId: "w", enabledLog: [{ categoryGroup: "allLogs" }] });
    });
    expect(result.summary).toMatchObject({ checked: 1, compliant: 1 });
  });

  test("warns when a data bucket or account has no access logging", () => {
    const bucket = checkRule(RULE, (s) => new S3Bucket(s, "Bucket", { bucket: "raw" }));
    expect(bucket.findings[0]).toMatchObject({ level: "warning", suppressed: false });
    expect(bucket.findings[0].message).toMatch(
      /^\[EMB-S06\] site\/Bucket \(aws_s3_bucket\): has no aws_s3_bucket_logging, so reads and writes leave no access record\. Fix: log every access/,
    );
    expect(checkRule(RULE, (s) => account(s)).problems).toEqual([
      "has no azurerm_monitor_diagnostic_setting on the account or its blob service, so reads and writes leave no access record",
    ]);
  });

  test("with warningsAsErrors the finding is an error", () => {
    expect(checkRule(RULE, (s) => account(s), { warningsAsErrors: true }).findings[0].level).toBe("error");
  });
});
