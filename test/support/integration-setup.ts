import { jest } from "@jest/globals";

// Integration tests talk to the emulator over HTTP and ride out injected throttling: allow them time.
jest.setTimeout(60_000);
