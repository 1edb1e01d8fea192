export interface ImportViolation {
  readonly file: string
  readonly line: number
  readonly message: string
}
export declare const PURE: ReadonlyArray<string>
export declare const SERVICES: ReadonlyArray<string>
export declare const ALLOWED: Readonly<Record<string, ReadonlyArray<string>>>
export declare const checkImports: (root: string) => Array<ImportViolation>
