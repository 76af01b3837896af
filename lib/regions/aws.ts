/**
 * AWS regions: every commercial region of the "aws" partition, plus the AWS European
 * Sovereign Cloud region in its own "aws-eusc" partition. GovCloud, China and the
 * isolated (ISO) partitions are deliberately left out.
 *
 * Source: region codes and display names follow the partition metadata shipped with the
 * AWS SDKs (aws-sdk-js-v3 `util-endpoints` partitions.json / botocore partitions.json),
 * which list 34 "aws" regions (up to ap-east-2 Taipei and ap-southeast-6 New Zealand) and
 * "eusc-de-east-1" (described as "EU (Germany)") in partition "aws-eusc". Announced but
 * not yet launched regions (e.g. Chile, Saudi Arabia) are not listed.
 *
 * City and coordinates are approximate, at city / metropolitan-area level, taken from the
 * place AWS names for the region. AWS does not publish data-centre sites; treat them as
 * good enough for distance estimates of tens of kilometres, never as addresses.
 *
 * Keep the list sorted by name (plain string order), one region per line.
 */
import type { Region } from "./catalogue";
import { regionFactory } from "./jurisdictions";

/** A region of the AWS commercial partition ("aws"). */
const aws = regionFactory("aws", "aws");

/** A region of the AWS European Sovereign Cloud partition ("aws-eusc"). */
const eusc = regionFactory("aws", "aws-eusc");

/** All AWS regions known to the catalogue, sorted by name. */
export const AWS_REGIONS: readonly Region[] = Object.freeze([
  aws("af-south-1", "Africa (Cape Town)", "Cape Town", "ZA", -33.92, 18.42),
  aws("ap-east-1", "Asia Pacific (Hong Kong)", "Hong Kong", "HK", 22.32, 114.17),
  aws("ap-east-2", "Asia Pacific (Taipei)", "Taipei", "TW", 25.03, 121.57),
  aws("ap-northeast-1", "Asia Pacific (Tokyo)", "Tokyo", "JP", 35.68, 139.65),
  aws("ap-northeast-2", "Asia Pacific (Seoul)", "Seoul", "KR", 37.57, 126.98),
  aws("ap-northeast-3", "Asia Pacific (Osaka)", "Osaka", "JP", 34.69, 135.50),
  aws("ap-south-1", "Asia Pacific (Mumbai)", "Mumbai", "IN", 19.08, 72.88),
  aws("ap-south-2", "Asia Pacific (Hyderabad)", "Hyderabad", "IN", 17.39, 78.49),
  aws("ap-southeast-1", "Asia Pacific (Singapore)", "Singapore", "SG", 1.35, 103.82),
  aws("ap-southeast-2", "Asia Pacific (Sydney)", "Sydney", "AU", -33.87, 151.21),
  aws("ap-southeast-3", "Asia Pacific (Jakarta)", "Jakarta", "ID", -6.21, 106.85),
  aws("ap-southeast-4", "Asia Pacific (Melbourne)", "Melbourne", "AU", -37.81, 144.96),
  aws("ap-southeast-5", "Asia Pacific (Malaysia)", "Kuala Lumpur", "MY", 3.14, 101.69),
  aws("ap-southeast-6", "Asia Pacific (New Zealand)", "Auckland", "NZ", -36.85, 174.76),
  aws("ap-southeast-7", "Asia Pacific (Thailand)", "Bangkok", "TH", 13.76, 100.50),
  aws("ca-central-1", "Canada (Central)", "Montréal", "CA", 45.50, -73.57),
  aws("ca-west-1", "Canada West (Calgary)", "Calgary", "CA", 51.05, -114.07),
  aws("eu-central-1", "Europe (Frankfurt)", "Frankfurt", "DE", 50.11, 8.68),
  aws("eu-central-2", "Europe (Zurich)", "Zurich", "CH", 47.38, 8.54),
  aws("eu-north-1", "Europe (Stockholm)", "Stockholm", "SE", 59.33, 18.07),
  aws("eu-south-1", "Europe (Milan)", "Milan", "IT", 45.46, 9.19),
  aws("eu-south-2", "Europe (Spain)", "Aragón", "ES", 41.65, -0.88),
  aws("eu-west-1", "Europe (Ireland)", "Dublin", "IE", 53.35, -6.26),
  aws("eu-west-2", "Europe (London)", "London", "GB", 51.51, -0.13),
  aws("eu-west-3", "Europe (Paris)", "Paris", "FR", 48.86, 2.35),
  eusc("eusc-de-east-1", "EU (Germany)", "Brandenburg", "DE", 52.41, 12.53),
  aws("il-central-1", "Israel (Tel Aviv)", "Tel Aviv", "IL", 32.09, 34.78),
  aws("me-central-1", "Middle East (UAE)", "United Arab Emirates", "AE", 24.45, 54.38),
  aws("me-south-1", "Middle East (Bahrain)", "Manama", "BH", 26.23, 50.59),
  aws("mx-central-1", "Mexico (Central)", "Querétaro", "MX", 20.59, -100.39),
  aws("sa-east-1", "South America (São Paulo)", "São Paulo", "BR", -23.55, -46.63),
  aws("us-east-1", "US East (N. Virginia)", "Northern Virginia", "US", 39.04, -77.49),
  aws("us-east-2", "US East (Ohio)", "Columbus, Ohio", "US", 39.96, -83.00),
  aws("us-west-1", "US West (N. California)", "San Francisco Bay Area", "US", 37.77, -122.42),
  aws("us-west-2", "US West (Oregon)", "Oregon", "US", 45.84, -119.70),
]);
