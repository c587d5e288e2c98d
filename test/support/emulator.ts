export { type Emulator, startEmulator } from "../../scripts/emulator.js";
