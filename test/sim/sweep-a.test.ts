import { describeSweep } from "./sweep.js"

// Seeds 1..100 of the CI sweep (test/sim/sweep.ts); sweep-b runs the next hundred in parallel.
describeSweep(1)
