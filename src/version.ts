// Kept in step with package.json by test/version.test.ts; a constant works inside the bundle and the binary.
export const version = "0.1.0"
