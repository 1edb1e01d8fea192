import { describeSweep } from "./sweep.js"

// Seeds 101..200 of the CI sweep (test/sim/sweep.ts); sweep-a runs the first hundred in parallel.
describeSweep(101)
