import { diffReviews, type ReviewChange } from "../../lib/review/diff";
import type { ReviewDocument } from "../../lib/review/review-format";
import { exampleDoc, reviewOf, weakened } from "./review-fixtures";

/** A deep copy to edit. */
const copy = (d: ReviewDocument): any => JSON.parse(JSON.stringify(d));
const kinds = (cs: readonly ReviewChange[]) => cs.map((c) => c.kind);

// GIVEN the Japanese example, synthesized and reviewed once (the baseline an architect approved).
let baseline: ReviewDocument;
beforeAll(() => {
  baseline = reviewOf(exampleDoc("jp-embassy"));
});

describe("diffReviews: the issue's four weakening edits, each synthesized for real", () => {
  test("an unchanged synth is neither weaker nor stronger", () => {
    expect(diffReviews(baseline, baseline)).toEqual({ weaker: [], stronger: [] });
  });

  test("retention cut from 3,650 to 30 days is reported once, by registry", () => {
    const d = diffReviews(baseline, reviewOf(weakened("retention cut from 3,650 to 30 days")));
    expect(d.weaker).toEqual([{ kind: "retention-lowered", direction: "weaker", subject: "registry 'koseki'", message: "registry 'koseki': WORM retention cut from 3650 to 30 days" }]);
    expect(d.stronger).toEqual([]);
  });

  test("two copies dropped names both copies and nothing else weaker", () => {
    const d = diffReviews(baseline, reviewOf(weakened("two copies dropped")));
    expect(d.weaker).toEqual([
      {
        kind: "copy-removed",
        direction: "weaker",
        subject: "registry 'corporate'",
        message: "registry 'corporate': the copy at 'jp-osaka' was dropped (was s3-replication-rtc, RPO 15 min, jp-embassy-jp-osaka-corporate-111111111111)",
      },
      {
        kind: "copy-removed",
        direction: "weaker",
        subject: "registry 'land'",
        message: "registry 'land': the copy at 'jp-osaka' was dropped (was s3-replication-rtc, RPO 15 min, jp-embassy-jp-osaka-land-111111111111)",
      },
    ]);
  });

  test("writers removed: custody widened, and the administrators gain write access through the write role", () => {
    const d = diffReviews(baseline, reviewOf(weakened("writers removed")));
    expect(d.weaker.find((c) => c.kind === "custody-widened")).toEqual({
      kind: "custody-widened",
      direction: "weaker",
      subject: "custody.aws.writers",
      message: "custody.aws.writers was removed (was arn:aws:iam::111111111111:role/registry-ingest): every administrator may now do what only these could",
    });
    const messages = d.weaker.map((c) => c.message);
    expect(messages).toContain("new principal with data or key access: 'embassy-admin' may now write 'corporate', 'koseki', 'land' at 'jp-tokyo' (via role jp-embassy-jp-tokyo-write)");
    expect(messages).toContain("new principal with data or key access: 'registry-restore' may now write 'corporate', 'koseki', 'land' at 'jp-tokyo' (via role jp-embassy-jp-tokyo-write)");
    // The former writer is now an administrator like the others: every key policy names it.
    expect(messages).toContain(
      "new principal with data or key access: 'registry-ingest' may now administer the key of 'corporate', 'koseki', 'land' at 'au-embassy'; 'corporate', 'koseki', 'land' at 'jp-osaka'; 'corporate', 'koseki', 'land' at 'jp-tokyo'",
    );
    expect(new Set(kinds(d.weaker))).toEqual(new Set(["custody-widened", "access-added"]));
  });

  test("distance rule lowered from 1,000 to 500 km", () => {
    const d = diffReviews(baseline, reviewOf(weakened("distance rule lowered from 1,000 to 500 km")));
    expect(d.weaker).toEqual([{ kind: "rule-floor-lowered", direction: "weaker", subject: "rules.minForeignDistanceKm", message: "the foreign-distance rule was lowered from 1000 km to 500 km" }]);
  });
});

describe("diffReviews: every other weakening kind, on edited review documents", () => {
  test("a site moved closer and into another jurisdiction", () => {
    const now = copy(baseline);
    const au = now.sites.find((s: any) => s.id === "au-embassy");
    au.nearestDomestic.km = 2100;
    au.country = "KR";
    au.jurisdiction = "KR";
    const d = diffReviews(baseline, now);
    expect(d.weaker.map((c) => c.message)).toEqual([
      "site 'au-embassy' moved from AU (AU) to KR (KR)",
      "foreign site 'au-embassy' is now 2100 km from the nearest domestic site ('jp-osaka'), was 7797 km",
    ]);
  });

  test("an RPO loosened: the registry's required RPO and a copy's achievable RPO", () => {
    const now = copy(baseline);
    const koseki = now.registries.find((r: any) => r.id === "koseki");
    koseki.requiredRpoMinutes = 60;
    koseki.copies.find((c: any) => c.site === "au-embassy").achievableRpoMinutes = 1440;
    expect(diffReviews(baseline, now).weaker.map((c) => c.message)).toEqual([
      "registry 'koseki': required RPO loosened from 15 to 60 minutes",
      "registry 'koseki' at 'au-embassy': achievable RPO loosened from 15 to 1440 minutes (s3-replication-rtc)",
    ]);
  });

  test("a suppression added is weaker and names its reason; removed, stronger", () => {
    const now = copy(baseline);
    now.guarantees.suppressions.push({ ruleId: "EMB-S02", path: "jp-embassy-jp-tokyo/Store-land", reason: "temporary: migration of the land register", matchedFindings: 1 });
    const d = diffReviews(baseline, now);
    expect(d.weaker).toEqual([
      { kind: "suppression-added", direction: "weaker", subject: "rule EMB-S02", message: 'suppression of EMB-S02 added at \'jp-embassy-jp-tokyo/Store-land\': "temporary: migration of the land register"' },
    ]);
    expect(diffReviews(now, baseline).stronger.map((c) => c.kind)).toEqual(["suppression-removed"]);
  });

  test("a guarantee-bearing setting removed (object lock) or turned off (prevent_destroy)", () => {
    const now = copy(baseline);
    now.settings = now.settings.filter((s: any) => !(s.site === "jp-tokyo" && s.registry === "land" && s.setting === "object-lock"));
    const pd = now.settings.find((s: any) => s.site === "au-embassy" && s.registry === "koseki" && s.setting === "key-prevent-destroy");
    pd.on = false;
    pd.detail = "not set";
    const d = diffReviews(baseline, now);
    expect(d.weaker.map((c) => c.message)).toEqual([
      "registry 'koseki' at 'au-embassy': key-prevent-destroy is off (not set), was lifecycle.prevent_destroy (aws_kms_key.Store-koseki_Key_26DABE78)",
      "registry 'land' at 'jp-tokyo': object-lock (COMPLIANCE 365 days) was removed with aws_s3_bucket_object_lock_configuration.Store-land_ObjectLock_7706B052",
    ]);
  });

  test("an alarm removed and a retention cut by hand in one store only", () => {
    const now = copy(baseline);
    const copyAt = now.registries.find((r: any) => r.id === "land").copies.find((c: any) => c.site === "jp-osaka");
    copyAt.store.alarms = [];
    copyAt.store.wormDays = 1;
    expect(diffReviews(baseline, now).weaker.map((c) => c.kind)).toEqual(["retention-lowered", "alarm-removed"]);
  });

  test("a rule that newly fails, a removed rule, and a stronger change in the other direction", () => {
    const now = copy(baseline);
    now.guarantees.rules[0].nonCompliant = 2;
    now.guarantees.rules.pop();
    const d = diffReviews(baseline, now);
    expect(kinds(d.weaker)).toEqual(["rule-result-worse", "rule-result-worse"]);
    expect(kinds(diffReviews(now, baseline).stronger)).toEqual(["rule-result-better"]);
  });

  test("raising floors and adding copies is stronger, never weaker", () => {
    const now = copy(baseline);
    now.rules.minForeignDistanceKm = 2000;
    now.rules.minRetentionDays = 90;
    const d = diffReviews(baseline, now);
    expect(d.weaker).toEqual([]);
    expect(kinds(d.stronger)).toEqual(["rule-floor-raised", "rule-floor-raised"]);
  });
});
