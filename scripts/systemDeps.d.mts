// Types of systemDeps.mjs for the TypeScript scripts and tests.
export interface Requirement {
  readonly pkg: string;
  readonly why: string;
  readonly command?: string;
  readonly files?: readonly string[];
  readonly dpkg?: boolean;
}
export interface InstallMethod {
  readonly kind: 'root' | 'sudo' | 'none' | 'no-apt';
  readonly prefix: readonly string[];
}
export const installLog: string;
export function requirementsFor(purpose: 'start' | 'test' | 'bench'): Requirement[];
export function dpkgInstalled(pkg: string): boolean;
export function isPresent(req: Requirement): boolean;
export function missing(requirements: readonly Requirement[]): Requirement[];
export function installMethod(options?: {
  uid?: number;
  hasApt?: boolean;
  sudoWorks?: () => boolean;
  allowed?: boolean;
}): InstallMethod;
export function manualInstruction(packages: readonly string[], kind: InstallMethod['kind']): string;
export function ensureSystemDeps(
  requirements: readonly Requirement[],
  options?: { log?: (line: string) => void; method?: InstallMethod },
): string | null;
