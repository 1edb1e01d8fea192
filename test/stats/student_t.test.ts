import { describe, it } from "vitest"
import { studentTTwoSided } from "../../src/stats/student_t.js"
import { expectRelativelyClose } from "./close.js"

// SciPy 1.17: 2 · scipy.stats.t.sf(|t|, df).
const SCIPY: ReadonlyArray<readonly [number, number, number]> = [
  [0.1, 1, 0.936548965138893],
  [1, 1, 0.5000000000000001],
  [2.5, 3, 0.08770664700806556],
  [0.5, 10, 0.627893605742973],
  [3, 10, 0.01334365502256957],
  [10, 8, 8.488181527628489e-6],
  [1.96, 20000, 0.05000965499840544],
  [5, 20000, 5.78151414765806e-7],
  [40, 50, 1.2412423784372691e-39],
  [0.001, 5, 0.9992407867721976],
  [100, 3, 2.2045219231849105e-6],
  [-2, 7, 0.08561932856297605]
]

describe("Student's t two-sided tail", () => {
  it.each(SCIPY)("t = %d, df = %d matches SciPy to 1e-9 relative", (t, df, expected) => {
    expectRelativelyClose(studentTTwoSided(t, df), expected, 1e-9)
  })
})
