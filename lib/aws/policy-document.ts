/** A typed IAM / KMS / S3 policy document, rendered to JSON at synth time. */

export type Principal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

export type Conditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Principal;
  readonly Action: string | readonly string[];
  /** Absent only in trust policies. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: Conditions;
}

/** JSON text of a policy document with the given statements. */
export function renderPolicy(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** `arn:<partition>:iam::<account>:root`: the account itself as a principal. */
export function accountRoot(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
