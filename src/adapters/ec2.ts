import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type EC2ClientConfig,
  type Route,
  type RouteTable,
  type Subnet,
} from "@aws-sdk/client-ec2";
import type { RoutesPort } from "../app/ports.js";
import type { RouteFact, SubnetRoutes } from "../core/egress.js";
import { ActionFailedError } from "../core/errors.js";

/** IAM actions this adapter calls (EC2 Describe* actions take no resource ARNs: Resource "*"). */
export const EC2_IAM_ACTIONS = ["ec2:DescribeSubnets", "ec2:DescribeRouteTables"] as const;

/** The EC2 client the Lambdas and CLI use: adaptive retry and time-outs, like the SageMaker client. */
export function createEc2Client(config: EC2ClientConfig = {}): EC2Client {
  return new EC2Client({
    retryMode: "adaptive",
    maxAttempts: 8,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    ...config,
  });
}

/** Refusals that retrying does not cure: the subnet's routes cannot be read by this role. */
const REFUSED = new Set(["UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure"]);

// Exactly one target member is set on a route (EC2 API Reference, "Route"); instance routes also carry
// the instance's network interface, so the instance is named first.
const TARGET_KEYS = [
  "GatewayId",
  "NatGatewayId",
  "EgressOnlyInternetGatewayId",
  "TransitGatewayId",
  "VpcPeeringConnectionId",
  "CarrierGatewayId",
  "LocalGatewayId",
  "CoreNetworkArn",
  "InstanceId",
  "NetworkInterfaceId",
] as const satisfies readonly (keyof Route)[];

function routeFact(r: Route): RouteFact | null {
  const destination = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId;
  if (!destination) return null;
  const target = TARGET_KEYS.map((k) => r[k]).find((v): v is string => typeof v === "string" && v !== "");
  return { destination, target: target ?? "unknown", state: r.State === "blackhole" ? "blackhole" : "active" };
}

/**
 * Reads subnets' route tables: one DescribeSubnets (existence and VPC) and one paginated
 * DescribeRouteTables over their VPCs, whatever the number of subnets. Filters, not ids, so that one
 * missing subnet does not fail the call for the others (an unknown SubnetIds entry is InvalidSubnetID.NotFound).
 *
 * @example const routes = await new Ec2Routes(createEc2Client()).subnetRoutes(["subnet-0a1b2c3d"]);
 */
export class Ec2Routes implements RoutesPort {
  constructor(private readonly client: EC2Client) {}

  async subnetRoutes(subnetIds: string[]): Promise<Record<string, SubnetRoutes>> {
    const out: Record<string, SubnetRoutes> = {};
    if (!subnetIds.length) return out;
    let subnets: Subnet[];
    let tables: RouteTable[] = [];
    try {
      subnets = await this.subnets(subnetIds);
      const vpcs = [...new Set(subnets.map((s) => s.VpcId).filter((v): v is string => !!v))];
      if (vpcs.length) tables = await this.routeTables(vpcs);
    } catch (e) {
      const name = (e as { name?: string }).name ?? "";
      if (!REFUSED.has(name)) {
        throw new ActionFailedError(`EC2 route lookup failed: ${(e as Error).message}`, "route-lookup", { cause: e });
      }
      for (const id of subnetIds)
        out[id] = { subnet: id, found: false, problem: `EC2 refused to describe it (${name})` };
      return out;
    }
    for (const id of subnetIds) {
      const subnet = subnets.find((s) => s.SubnetId === id);
      if (!subnet?.VpcId) {
        out[id] = { subnet: id, found: false, problem: "no such subnet in this account and region" };
        continue;
      }
      const explicit = tables.find((t) => t.Associations?.some((a) => a.SubnetId === id));
      const table =
        explicit ?? tables.find((t) => t.VpcId === subnet.VpcId && t.Associations?.some((a) => a.Main === true));
      if (!table?.RouteTableId) {
        // A subnet shared through AWS RAM is visible to participants; its VPC's route tables are not.
        out[id] = { subnet: id, found: false, problem: "its route table is not visible to this account" };
        continue;
      }
      out[id] = {
        subnet: id,
        found: true,
        vpc: subnet.VpcId,
        routeTable: table.RouteTableId,
        main: !explicit,
        routes: (table.Routes ?? []).map(routeFact).filter((r): r is RouteFact => r !== null),
      };
    }
    return out;
  }

  private async subnets(ids: string[]): Promise<Subnet[]> {
    const found: Subnet[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: ids }], NextToken }),
      );
      found.push(...(page.Subnets ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }

  private async routeTables(vpcs: string[]): Promise<RouteTable[]> {
    const found: RouteTable[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: "vpc-id", Values: vpcs }], NextToken }),
      );
      found.push(...(page.RouteTables ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }
}
