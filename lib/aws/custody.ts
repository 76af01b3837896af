/** The owning state's AWS identities: the only principals ever granted anything. */
export interface AwsCustody {
  /** The 12-digit account that holds every resource and key. */
  readonly accountId: string;
  /** IAM role or user ARNs that administer the embassy (and deploy it). */
  readonly administrators: readonly string[];
  /**
   * Administrators who may assume the read role; they then do not administer keys.
   * @default - every administrator
   */
  readonly readers?: readonly string[];
  /**
   * Administrators who may assume the write role at the primary; they then do not administer keys.
   * @default - every administrator
   */
  readonly writers?: readonly string[];
  /**
   * IAM role or user ARNs that may retire custody keys: schedule a key's deletion (never with less
   * than the 30-day window) or disable it. Kept apart from the key administrators so that the
   * everyday administration of keys cannot make copies unreadable; name people or a break-glass
   * role here who are not readers or writers.
   * @default - nobody: retiring a key first needs a (visible) change of its key policy
   */
  readonly keyRetirers?: readonly string[];
  /**
   * The AWS partition the resources live in.
   * @default "aws"
   */
  readonly partition?: string;
}

/** The AWS partition of the custody account (`aws` unless `partition` says otherwise), for ARNs. */
export function partitionOf(custody: AwsCustody): string {
  return custody.partition ?? "aws";
}

/**
 * The administrators who hold the keys: everyone not named as a reader or writer. With no
 * readers or writers named, that is every administrator (and duties are not separated by person).
 */
export function custodiansOf(custody: AwsCustody): string[] {
  const data = new Set([...(custody.readers ?? []), ...(custody.writers ?? [])]);
  return custody.administrators.filter((a) => !data.has(a));
}

/**
 * The principals that may retire keys (custody `keyRetirers`). A reader or writer may not also
 * retire keys: disabling a key and reading data are separate duties.
 * @throws when a key retirer is also named as a reader or writer
 */
export function keyRetirersOf(custody: AwsCustody): string[] {
  const retirers = [...(custody.keyRetirers ?? [])];
  const data = new Set([...(custody.readers ?? []), ...(custody.writers ?? [])]);
  const both = retirers.filter((r) => data.has(r));
  if (both.length > 0) {
    throw new Error(`keyRetirers must not also be readers or writers (separation of duties), got ${both.map((b) => `'${b}'`).join(", ")}`);
  }
  return retirers;
}
