import { type Emulator, startEmulator } from "../../scripts/emulator.js";
import { AlertInbox, clients, Fixtures } from "../../scripts/local-aws.js";

export { type Emulator, startEmulator };

/** What an integration test file works with: its emulator, clients, fixtures and this test's alert inbox. */
export interface EmulatorWorld {
  emu: Emulator;
  aws: ReturnType<typeof clients>;
  fx: Fixtures;
  inbox: AlertInbox;
}

/**
 * One emulator for the test file (started before all, stopped after all) and, before each test, an emulator
 * reset and a fresh alert inbox. `use` receives the world each time it changes; hooks the file registers
 * afterwards run after the reset.
 *
 * @example
 * let emu: Emulator, aws: EmulatorWorld["aws"], fx: Fixtures, inbox: AlertInbox;
 * useEmulator((w) => ({ emu, aws, fx, inbox } = w));
 */
export function useEmulator(use: (world: EmulatorWorld) => void): void {
  const world = {} as EmulatorWorld;
  beforeAll(async () => {
    world.emu = await startEmulator();
    world.aws = clients(world.emu.endpoint);
    world.fx = new Fixtures(world.aws.sm);
    use(world);
  }, 30_000);
  afterAll(async () => world.emu?.stop());
  beforeEach(async () => {
    await world.emu.reset();
    world.inbox = await new AlertInbox(world.aws.sns, world.aws.sqs).create();
    use(world);
  });
}
