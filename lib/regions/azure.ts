/**
 * Azure regions: every physical region of the Azure public cloud (partition "azure"),
 * by the ARM name that the azurerm Terraform provider takes as `location`.
 *
 * Source: Microsoft's "Azure regions list" (learn.microsoft.com, azure/reliability/
 * regions-list) for names, display names and physical locations, cross-checked against
 * `az account list-locations` output. Access-restricted regions that exist for in-country
 * disaster recovery (e.g. germanynorth, norwaywest, switzerlandwest, swedensouth,
 * uaecentral, southafricawest, australiacentral2, brazilsoutheast) and the Jio India
 * regions are included: they are real public-cloud regions, but a subscription may need
 * an access request before it can deploy there. Logical locations ("global", "europe",
 * ...), canary/staging locations (*euap, *stage, *stg), Extended Zones, sovereign clouds
 * (US Gov, China, Bleu, Delos) and special-purpose restricted regions that Microsoft does
 * not list publicly are not included.
 *
 * City and coordinates are approximate, at city / metropolitan-area level, for the
 * physical location Microsoft names (e.g. "Virginia", "Querétaro State"); Microsoft does
 * not publish data-centre sites, so treat them as good enough for distance estimates of
 * tens of kilometres, never as addresses.
 *
 * Keep the list sorted by name (plain string order), one region per line.
 */
import type { Region } from "./catalogue";
import { regionFactory } from "./jurisdictions";

/** A region of the Azure public cloud. */
const az = regionFactory("azure", "azure");

/** All Azure public-cloud regions known to the catalogue, sorted by name. */
export const AZURE_REGIONS: readonly Region[] = Object.freeze([
  az("australiacentral", "Australia Central", "Canberra", "AU", -35.31, 149.12),
  az("australiacentral2", "Australia Central 2", "Canberra", "AU", -35.31, 149.12),
  az("australiaeast", "Australia East", "Sydney", "AU", -33.86, 151.21),
  az("australiasoutheast", "Australia Southeast", "Melbourne", "AU", -37.81, 144.96),
  az("austriaeast", "Austria East", "Vienna", "AT", 48.21, 16.37),
  az("belgiumcentral", "Belgium Central", "Brussels", "BE", 50.85, 4.35),
  az("brazilsouth", "Brazil South", "São Paulo", "BR", -23.55, -46.63),
  az("brazilsoutheast", "Brazil Southeast", "Rio de Janeiro", "BR", -22.91, -43.21),
  az("canadacentral", "Canada Central", "Toronto", "CA", 43.65, -79.38),
  az("canadaeast", "Canada East", "Québec City", "CA", 46.81, -71.21),
  az("centralindia", "Central India", "Pune", "IN", 18.52, 73.86),
  az("centralus", "Central US", "Iowa", "US", 41.59, -93.62),
  az("chilecentral", "Chile Central", "Santiago", "CL", -33.45, -70.67),
  az("denmarkeast", "Denmark East", "Copenhagen", "DK", 55.68, 12.57),
  az("eastasia", "East Asia", "Hong Kong", "HK", 22.27, 114.19),
  az("eastus", "East US", "Virginia", "US", 37.37, -79.82),
  az("eastus2", "East US 2", "Virginia", "US", 36.67, -78.39),
  az("francecentral", "France Central", "Paris", "FR", 48.86, 2.35),
  az("francesouth", "France South", "Marseille", "FR", 43.30, 5.37),
  az("germanynorth", "Germany North", "Berlin", "DE", 52.52, 13.40),
  az("germanywestcentral", "Germany West Central", "Frankfurt", "DE", 50.11, 8.68),
  az("indonesiacentral", "Indonesia Central", "Jakarta", "ID", -6.21, 106.85),
  az("israelcentral", "Israel Central", "Central Israel", "IL", 32.07, 34.72),
  az("italynorth", "Italy North", "Milan", "IT", 45.46, 9.19),
  az("japaneast", "Japan East", "Tokyo", "JP", 35.68, 139.77),
  az("japanwest", "Japan West", "Osaka", "JP", 34.69, 135.50),
  az("jioindiacentral", "Jio India Central", "Nagpur", "IN", 21.15, 79.09),
  az("jioindiawest", "Jio India West", "Jamnagar", "IN", 22.47, 70.06),
  az("koreacentral", "Korea Central", "Seoul", "KR", 37.57, 126.98),
  az("koreasouth", "Korea South", "Busan", "KR", 35.18, 129.08),
  az("malaysiawest", "Malaysia West", "Kuala Lumpur", "MY", 3.14, 101.69),
  az("mexicocentral", "Mexico Central", "Querétaro", "MX", 20.59, -100.39),
  az("newzealandnorth", "New Zealand North", "Auckland", "NZ", -36.85, 174.76),
  az("northcentralus", "North Central US", "Chicago, Illinois", "US", 41.88, -87.63),
  az("northeurope", "North Europe", "Dublin", "IE", 53.35, -6.26),
  az("norwayeast", "Norway East", "Oslo", "NO", 59.91, 10.75),
  az("norwaywest", "Norway West", "Stavanger", "NO", 58.97, 5.73),
  az("polandcentral", "Poland Central", "Warsaw", "PL", 52.23, 21.01),
  az("qatarcentral", "Qatar Central", "Doha", "QA", 25.29, 51.53),
  az("southafricanorth", "South Africa North", "Johannesburg", "ZA", -26.20, 28.05),
  az("southafricawest", "South Africa West", "Cape Town", "ZA", -33.92, 18.42),
  az("southcentralus", "South Central US", "San Antonio, Texas", "US", 29.42, -98.49),
  az("southeastasia", "Southeast Asia", "Singapore", "SG", 1.28, 103.83),
  az("southindia", "South India", "Chennai", "IN", 13.08, 80.27),
  az("spaincentral", "Spain Central", "Madrid", "ES", 40.42, -3.70),
  az("swedencentral", "Sweden Central", "Gävle", "SE", 60.67, 17.14),
  az("swedensouth", "Sweden South", "Malmö", "SE", 55.60, 13.00),
  az("switzerlandnorth", "Switzerland North", "Zurich", "CH", 47.38, 8.54),
  az("switzerlandwest", "Switzerland West", "Geneva", "CH", 46.20, 6.14),
  az("uaecentral", "UAE Central", "Abu Dhabi", "AE", 24.45, 54.38),
  az("uaenorth", "UAE North", "Dubai", "AE", 25.20, 55.27),
  az("uksouth", "UK South", "London", "GB", 51.51, -0.13),
  az("ukwest", "UK West", "Cardiff", "GB", 51.48, -3.18),
  az("westcentralus", "West Central US", "Cheyenne, Wyoming", "US", 41.14, -104.82),
  az("westeurope", "West Europe", "Amsterdam", "NL", 52.37, 4.90),
  az("westindia", "West India", "Mumbai", "IN", 19.08, 72.88),
  az("westus", "West US", "San Francisco Bay Area", "US", 37.78, -122.42),
  az("westus2", "West US 2", "Quincy, Washington", "US", 47.23, -119.85),
  az("westus3", "West US 3", "Phoenix", "US", 33.45, -112.07),
]);
