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
   * The AWS partition the resources live in.
   * @default "aws"
   */
  readonly partition?: string;
}

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
