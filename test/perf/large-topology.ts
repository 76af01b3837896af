/**
 * A large generated topology for benchmarks and scale tests: a US primary, three more
 * domestic sites and six foreign ones, with `registries` registries, all carried to every site.
 */
export function largeTopology(registries = 20): Record<string, unknown> {
  const domestic = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"];
  const foreign = ["eu-west-1", "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-southeast-2", "sa-east-1"];
  const sites = [
    ...domestic.map((region, i) => ({ id: `us-${i}`, role: "domestic", primary: i === 0, cloud: "aws", region, cidr: `10.${i}.0.0/16` })),
    ...foreign.map((region, i) => ({ id: `abroad-${i}`, role: "foreign", cloud: "aws", region, cidr: `10.${100 + i}.0.0/16` })),
  ];
  return {
    version: 1,
    name: "us-large",
    home: "US",
    custody: {
      aws: {
        accountId: "222222222222",
        administrators: ["arn:aws:iam::222222222222:role/embassy-admin", "arn:aws:iam::222222222222:role/registry-restore"],
        readers: ["arn:aws:iam::222222222222:role/registry-restore"],
        writers: ["arn:aws:iam::222222222222:role/registry-restore"],
      },
    },
    sites,
    registries: Array.from({ length: registries }, (_, i) => ({ id: `reg-${i}`, title: `Registry ${i}`, rpoMinutes: 15, retentionDays: 365 + i })),
    links: sites.slice(1).map((s) => ({ from: "us-0", to: s.id })),
  };
}
