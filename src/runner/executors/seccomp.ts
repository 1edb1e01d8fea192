// The syscall deny list every sandbox applies: kernel, mount, namespace, tracing and clock administration that a
// benchmark never needs. Everything else is allowed, so benchmarks run unchanged (perf_event_open included).

/** x86_64 numbers; the OCI runtimes take names, bwrap needs a compiled classic-BPF program. */
const DENIED_X86_64: Readonly<Record<string, number>> = {
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  sysfs: 139,
  vhangup: 153,
  pivot_root: 155,
  _sysctl: 156,
  adjtimex: 159,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  get_kernel_syms: 177,
  query_module: 178,
  quotactl: 179,
  nfsservctl: 180,
  lookup_dcookie: 212,
  clock_settime: 227,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  mount_setattr: 442
}
export const DENIED_SYSCALLS: ReadonlyArray<string> = Object.keys(DENIED_X86_64)

const CLONE_NEWUSER = 0x10000000
const EPERM = 1
const ENOSYS = 38

/** `linux.seccomp` of an OCI runtime config. */
export const ociSeccomp = () => ({
  defaultAction: "SCMP_ACT_ALLOW",
  architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
  syscalls: [
    { names: [...DENIED_SYSCALLS], action: "SCMP_ACT_ERRNO", errnoRet: EPERM },
    // New user namespaces would give the job back capabilities inside them.
    {
      names: ["clone"],
      action: "SCMP_ACT_ERRNO",
      errnoRet: EPERM,
      args: [{ index: 0, value: CLONE_NEWUSER, valueTwo: CLONE_NEWUSER, op: "SCMP_CMP_MASKED_EQ" }]
    },
    // clone3 passes its flags in memory a filter cannot read; ENOSYS makes libc fall back to clone.
    { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: ENOSYS }
  ]
})

// Classic BPF opcodes and seccomp constants (linux/filter.h, linux/seccomp.h, linux/audit.h).
const LD_W_ABS = 0x20
const JEQ_K = 0x15
const JGE_K = 0x35
const JSET_K = 0x45
const RET_K = 0x06
const RET_ALLOW = 0x7fff0000
const RET_ERRNO = 0x00050000
const AUDIT_ARCH_X86_64 = 0xc000003e
const X32_SYSCALL_BIT = 0x40000000
const CLONE = 56
const CLONE3 = 435

type Insn = { code: number; jt: number | string; jf: number | string; k: number } | { label: string }

/**
 * The same deny list as a seccomp BPF program for `bwrap --seccomp FD` (x86_64 only; undefined elsewhere).
 * Syscalls of other ABIs (i386, x32) are refused with ENOSYS.
 */
export const bwrapSeccompProgram = (): Buffer | undefined => {
  if (process.arch !== "x64") return undefined
  const prog: Array<Insn> = [
    { code: LD_W_ABS, jt: 0, jf: 0, k: 4 },
    { code: JEQ_K, jt: 0, jf: "enosys", k: AUDIT_ARCH_X86_64 },
    { code: LD_W_ABS, jt: 0, jf: 0, k: 0 },
    { code: JGE_K, jt: "enosys", jf: 0, k: X32_SYSCALL_BIT },
    ...Object.values(DENIED_X86_64).map((nr): Insn => ({ code: JEQ_K, jt: "eperm", jf: 0, k: nr })),
    { code: JEQ_K, jt: "enosys", jf: 0, k: CLONE3 },
    { code: JEQ_K, jt: 0, jf: "allow", k: CLONE },
    { code: LD_W_ABS, jt: 0, jf: 0, k: 16 },
    { code: JSET_K, jt: "eperm", jf: "allow", k: CLONE_NEWUSER },
    { label: "allow" },
    { code: RET_K, jt: 0, jf: 0, k: RET_ALLOW },
    { label: "eperm" },
    { code: RET_K, jt: 0, jf: 0, k: RET_ERRNO | EPERM },
    { label: "enosys" },
    { code: RET_K, jt: 0, jf: 0, k: RET_ERRNO | ENOSYS }
  ]
  const positions = new Map<string, number>()
  const code: Array<Exclude<Insn, { label: string }>> = []
  for (const insn of prog) {
    if ("label" in insn) positions.set(insn.label, code.length)
    else code.push(insn)
  }
  const out = Buffer.alloc(code.length * 8)
  code.forEach((insn, i) => {
    const jump = (j: number | string) => {
      if (typeof j === "number") return j
      const offset = (positions.get(j) ?? 0) - i - 1
      if (offset < 0 || offset > 255) throw new Error(`seccomp jump out of range: ${j}`)
      return offset
    }
    out.writeUInt16LE(insn.code, i * 8)
    out.writeUInt8(jump(insn.jt), i * 8 + 2)
    out.writeUInt8(jump(insn.jf), i * 8 + 3)
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4)
  })
  return out
}
