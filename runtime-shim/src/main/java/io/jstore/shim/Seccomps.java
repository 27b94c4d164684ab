package io.jstore.shim;

import java.util.List;
import java.util.Map;

/**
 * The default seccomp profile: allow, except the calls Docker's default profile leaves out for
 * a container with Docker's default capabilities (kernel modules, kexec, keyrings, mount and
 * the new mount API, namespaces, ptrace and cross-process memory, clocks, swap, bpf, perf,
 * userfaultfd, handles by inode). They fail with EPERM, as Docker's do.
 */
public final class Seccomps {
    private Seccomps() {}

    /** x86_64 numbers, from asm/unistd_64.h. */
    private static final Map<String, Integer> X86_64 = Map.ofEntries(
            Map.entry("acct", 163), Map.entry("add_key", 248), Map.entry("bpf", 321), Map.entry("clock_adjtime", 305),
            Map.entry("clock_settime", 227), Map.entry("create_module", 174), Map.entry("delete_module", 176),
            Map.entry("finit_module", 313), Map.entry("get_kernel_syms", 177), Map.entry("get_mempolicy", 239),
            Map.entry("init_module", 175), Map.entry("ioperm", 173), Map.entry("iopl", 172), Map.entry("kcmp", 312),
            Map.entry("kexec_file_load", 320), Map.entry("kexec_load", 246), Map.entry("keyctl", 250),
            Map.entry("lookup_dcookie", 212), Map.entry("mbind", 237), Map.entry("mount", 165), Map.entry("move_mount", 429),
            Map.entry("fsopen", 430), Map.entry("fsconfig", 431), Map.entry("fsmount", 432), Map.entry("fspick", 433),
            Map.entry("open_tree", 428), Map.entry("move_pages", 279), Map.entry("name_to_handle_at", 303),
            Map.entry("nfsservctl", 180), Map.entry("open_by_handle_at", 304), Map.entry("perf_event_open", 298),
            Map.entry("pivot_root", 155), Map.entry("process_vm_readv", 310), Map.entry("process_vm_writev", 311),
            Map.entry("ptrace", 101), Map.entry("query_module", 178), Map.entry("quotactl", 179), Map.entry("reboot", 169),
            Map.entry("request_key", 249), Map.entry("set_mempolicy", 238), Map.entry("setns", 308),
            Map.entry("settimeofday", 164), Map.entry("swapon", 167), Map.entry("swapoff", 168), Map.entry("sysfs", 139),
            Map.entry("_sysctl", 156), Map.entry("umount2", 166), Map.entry("unshare", 272), Map.entry("uselib", 134),
            Map.entry("userfaultfd", 323), Map.entry("ustat", 136));

    public static final OciSpec.Seccomp DEFAULT = new OciSpec.Seccomp("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64"),
            List.of(new OciSpec.Syscall(X86_64.keySet().stream().sorted().toList(), "SCMP_ACT_ERRNO", 1)));

    public static int number(String name) {
        Integer n = X86_64.get(name);
        if (n == null) throw new IllegalArgumentException("the built-in executor does not know the syscall " + name);
        return n;
    }
}
