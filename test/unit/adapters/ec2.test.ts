import { DescribeRouteTablesCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { Ec2Routes } from "../../../src/adapters/ec2.js";
import { ActionFailedError } from "../../../src/core/errors.js";

const ec2 = mockClient(EC2Client);
const routes = () => new Ec2Routes(new EC2Client({ region: "us-east-1", maxAttempts: 1 }));
const A = "subnet-0aaa";
const B = "subnet-0bbb";

beforeEach(() => ec2.reset());
afterAll(() => ec2.restore());

describe("EC2 route lookups", () => {
  it("uses a subnet's explicit route table, else its VPC's main table, in two calls for any number of subnets", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: A, VpcId: "vpc-1" },
        { SubnetId: B, VpcId: "vpc-1" },
      ],
    });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: "rtb-main",
          VpcId: "vpc-1",
          Associations: [{ Main: true }],
          Routes: [{ DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" }],
        },
        {
          RouteTableId: "rtb-a",
          VpcId: "vpc-1",
          Associations: [{ Main: false, SubnetId: A }],
          Routes: [
            {
              DestinationCidrBlock: "0.0.0.0/0",
              InstanceId: "i-0nat",
              NetworkInterfaceId: "eni-0nat",
              State: "active",
            },
            { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-1", State: "blackhole" },
            { DestinationPrefixListId: "pl-1", GatewayId: "vpce-1", State: "active" },
          ],
        },
      ],
    });

    const out = await routes().subnetRoutes([A, B]);

    expect(out[A]).toEqual({
      subnet: A,
      found: true,
      vpc: "vpc-1",
      routeTable: "rtb-a",
      main: false,
      routes: [
        { destination: "0.0.0.0/0", target: "i-0nat", state: "active" },
        { destination: "::/0", target: "eigw-1", state: "blackhole" },
        { destination: "pl-1", target: "vpce-1", state: "active" },
      ],
    });
    expect(out[B]).toMatchObject({ found: true, routeTable: "rtb-main", main: true });
    expect(ec2.calls()).toHaveLength(2);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: "subnet-id", Values: [A, B] },
    ]);
  });

  it("says which subnet does not exist without failing the others", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: A, VpcId: "vpc-1" }] });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [{ RouteTableId: "rtb-main", VpcId: "vpc-1", Associations: [{ Main: true }], Routes: [] }],
    });

    const out = await routes().subnetRoutes([A, B]);

    expect(out[A]?.found).toBe(true);
    expect(out[B]).toEqual({ subnet: B, found: false, problem: "no such subnet in this account and region" });
  });

  it("reports a shared subnet whose route tables this account cannot see as unreadable", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: A, VpcId: "vpc-owner", OwnerId: "999" }] });
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });

    expect((await routes().subnetRoutes([A]))[A]).toMatchObject({
      found: false,
      problem: expect.stringMatching(/not visible/),
    });
  });

  it("turns an access denial into unreadable subnets, and a failure a retry may cure into ActionFailedError", async () => {
    ec2
      .on(DescribeSubnetsCommand)
      .rejects(Object.assign(new Error("not authorized"), { name: "UnauthorizedOperation" }));
    expect((await routes().subnetRoutes([A]))[A]).toMatchObject({
      found: false,
      problem: expect.stringMatching(/UnauthorizedOperation/),
    });

    ec2.reset();
    ec2.on(DescribeSubnetsCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "RequestLimitExceeded" }));
    await expect(routes().subnetRoutes([A])).rejects.toBeInstanceOf(ActionFailedError);
  });

  it("follows DescribeRouteTables pages", async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: A, VpcId: "vpc-1" }] });
    ec2
      .on(DescribeRouteTablesCommand)
      .resolvesOnce({ RouteTables: [{ RouteTableId: "rtb-x", VpcId: "vpc-1", Associations: [] }], NextToken: "t" })
      .resolvesOnce({ RouteTables: [{ RouteTableId: "rtb-a", VpcId: "vpc-1", Associations: [{ SubnetId: A }] }] });

    expect((await routes().subnetRoutes([A]))[A]).toMatchObject({ routeTable: "rtb-a" });
    expect(ec2.commandCalls(DescribeRouteTablesCommand)).toHaveLength(2);
  });
});
