/** The owning state's AWS identities: the only principals ever granted anything. */
export interface AwsCustody {
  /** The 12-digit account that holds every resource and key. */
  readonly accountId: string;
  /** IAM role or user ARNs that administer the embassy (and deploy it). */
  readonly administrators: readonly string[];
  /**
   * The AWS partition the resources live in.
   * @default "aws"
   */
  readonly partition?: string;
}

export function partitionOf(custody: AwsCustody): string {
  return custody.partition ?? "aws";
}
