"""A seccomp filter that refuses new sockets, so an offline rule holds for a program in any language.

A network namespace (``unshare --net``) is not available on every runner, and it leaves a host
unix-domain socket (a path on the file system) reachable; the Python audit hook sees Python
programs only. This filter works below all of them: once installed in a process, ``socket()``
fails with ``EACCES`` for every address family but ``AF_NETLINK`` (which glibc uses to read the
machine's own interfaces), in that process and in everything it starts. ``socketpair()`` stays
allowed: event loops (asyncio, libuv) wake themselves through one, and it reaches no one.

What is refused, and why each:
- ``socket()`` for ``AF_INET``/``AF_INET6`` (the network), ``AF_UNIX`` (a daemon's socket on the
  host file system, reachable from inside a network namespace), ``AF_PACKET`` (raw frames) and
  every other family but ``AF_NETLINK`` (``AF_VSOCK`` reaches the virtual machine's host,
  ``AF_TIPC``, ``AF_RDS``, ``AF_BLUETOOTH``... reach further still): a list of what is allowed
  does not miss the next family the kernel adds.
- ``io_uring_setup()``: an io_uring can open sockets (``IORING_OP_SOCKET``) without the
  ``socket()`` system call, so no filter would see them. Programs fall back to plain calls.
- On x86_64, ``socketcall()`` of the 32-bit entry (``int 0x80``): its arguments sit behind a
  pointer a filter cannot read. The x32 entry (the same numbers with bit 30 set) is judged as
  the 64-bit one.
- A system call from an architecture the filter does not know kills the process: it cannot be
  judged, and letting it through would be a way around the filter.

A refused call is not logged anywhere (the kernel only returns the error): a program that tries,
fails and goes on quietly leaves no trace but its failure. The filter outlives ``exec`` and
cannot be removed, so it is installed only in a child process about to run the implementation,
never in the kit's own process. ``PR_SET_NO_NEW_PRIVS`` comes first: the kernel demands it of an
unprivileged process, and it keeps a set-uid program from shedding the filter.

It is installed between ``fork`` and ``exec`` (``subprocess``'s ``preexec_fn``): everything it
needs (libc's ``prctl``, the filter's bytes) is built in the parent beforehand, so the child
only makes two system calls before ``exec``.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# <linux/prctl.h>
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
# <linux/seccomp.h>
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000  # the low 16 bits are the errno the call returns
SECCOMP_RET_ALLOW = 0x7FFF0000
# <linux/filter.h>: the three classic-BPF instructions the filter needs
BPF_LD_W_ABS = 0x20  # A = 32-bit word at offset k of struct seccomp_data
BPF_ALU_AND_K = 0x54  # A &= k
BPF_JMP_JEQ_K = 0x15  # if A == k jump jt else jump jf (forward only)
BPF_RET_K = 0x06  # return k
# struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }
OFFSET_NR = 0
OFFSET_ARCH = 4
OFFSET_ARG0 = 16  # the low 32 bits of args[0] (both architectures are little-endian): the family
# <linux/audit.h>: EM_* machine | 64-bit flag | little-endian flag
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
AUDIT_ARCH_AARCH64 = 0xC00000B7
AUDIT_ARCH_ARM = 0x40000028
X32_SYSCALL_BIT = 0x40000000  # the x32 entry: x86_64 numbers with this bit set
IO_URING_SETUP = 425  # the same number on every architecture (added after the tables were unified)
ALLOWED_FAMILY = 16  # AF_NETLINK


@dataclass(frozen=True)
class Abi:
    """One system call entry of a machine: its audit arch and the numbers the filter watches."""

    arch: int
    socket: int  # socket(family, type, protocol): judged by family
    refused: tuple[int, ...]  # refused whatever their arguments
    number_mask: int = 0xFFFFFFFF  # applied to the number first (x86_64 folds x32 onto itself)


# platform.machine() -> (the native entry, the 32-bit compat entry the same kernel offers)
ABIS: dict[str, tuple[Abi, Abi]] = {
    "x86_64": (
        Abi(AUDIT_ARCH_X86_64, 41, (IO_URING_SETUP,), 0xFFFFFFFF & ~X32_SYSCALL_BIT),
        Abi(AUDIT_ARCH_I386, 359, (102, IO_URING_SETUP)),  # 102: socketcall
    ),
    "aarch64": (
        Abi(AUDIT_ARCH_AARCH64, 198, (IO_URING_SETUP,)),
        Abi(AUDIT_ARCH_ARM, 281, (IO_URING_SETUP,)),
    ),
}


class SockFilter(ctypes.Structure):
    _fields_ = (
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    )


class SockFprog(ctypes.Structure):
    _fields_ = (
        ("len", ctypes.c_ushort),
        ("filter", ctypes.POINTER(SockFilter)),
    )


# An instruction before its jumps are resolved: (code, k, label if equal, label if not).
Step = tuple[int, int, str, str]


def _assemble(blocks: list[tuple[str, list[Step]]]) -> list[tuple[int, int, int, int]]:
    """Labelled blocks to BPF instructions: a jump names a label, "" is the next instruction."""
    where: dict[str, int] = {}
    flat: list[Step] = []
    for label, steps in blocks:
        where[label] = len(flat)
        flat.extend(steps)

    def offset(index: int, label: str) -> int:
        return 0 if not label else where[label] - index - 1

    return [(code, offset(i, jt), offset(i, jf), k) for i, (code, k, jt, jf) in enumerate(flat)]


def program(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter for ``machine`` as (code, jt, jf, k) instructions; KeyError on an unknown one."""
    native, compat = ABIS[machine]

    def entry(abi: Abi) -> list[Step]:
        steps: list[Step] = [(BPF_LD_W_ABS, OFFSET_NR, "", "")]
        if abi.number_mask != 0xFFFFFFFF:
            steps.append((BPF_ALU_AND_K, abi.number_mask, "", ""))
        steps.append((BPF_JMP_JEQ_K, abi.socket, "family", ""))
        steps += [(BPF_JMP_JEQ_K, number, "deny", "") for number in abi.refused]
        steps.append((BPF_RET_K, SECCOMP_RET_ALLOW, "", ""))
        return steps

    return _assemble(
        [
            (
                "start",
                [
                    (BPF_LD_W_ABS, OFFSET_ARCH, "", ""),
                    (BPF_JMP_JEQ_K, native.arch, "native", ""),
                    (BPF_JMP_JEQ_K, compat.arch, "compat", "kill"),
                ],
            ),
            ("native", entry(native)),
            ("compat", entry(compat)),
            (
                "family",
                [
                    (BPF_LD_W_ABS, OFFSET_ARG0, "", ""),
                    (BPF_JMP_JEQ_K, ALLOWED_FAMILY, "allow", "deny"),
                ],
            ),
            ("allow", [(BPF_RET_K, SECCOMP_RET_ALLOW, "", "")]),
            ("deny", [(BPF_RET_K, SECCOMP_RET_ERRNO | errno.EACCES, "", "")]),
            ("kill", [(BPF_RET_K, SECCOMP_RET_KILL_PROCESS, "", "")]),
        ]
    )


@lru_cache(maxsize=1)
def _prepared() -> tuple[Any, SockFprog, ctypes.Array[SockFilter]]:
    """libc and the filter as the kernel reads it, built once (before any fork: a child about
    to exec should allocate nothing)."""
    machine = platform.machine()
    if machine not in ABIS:
        raise OSError(
            errno.ENOSYS, f"no socket filter for this machine ({machine}); known: {', '.join(ABIS)}"
        )
    instructions = program(machine)
    array = (SockFilter * len(instructions))(*(SockFilter(*i) for i in instructions))
    fprog = SockFprog(len(instructions), ctypes.cast(array, ctypes.POINTER(SockFilter)))
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up now: no dlsym() in the child
    return prctl, fprog, array  # the array is returned to keep it alive as long as fprog


def prepare_socket_filter() -> None:
    """Build the filter in this process (raises OSError where there is none); cheap once done."""
    _prepared()


def install_socket_filter() -> None:
    """Refuse new sockets in this process and everything it starts from now on; OSError if it cannot.

    Call it only in a child process about to run an implementation (before ``exec``): it
    cannot be undone.
    """
    prctl, fprog, _array = _prepared()
    if prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(code)}")
    if prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"prctl(PR_SET_SECCOMP): {os.strerror(code)}")


# Run in a throwaway child with the filter installed the way commands get it (preexec_fn):
# exit 0 when socket(AF_INET) is refused with EACCES and socketpair() still works.
PROBE = """\
import socket, sys
a, b = socket.socketpair()
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
except PermissionError:
    sys.exit(0)
sys.exit(4)
"""


@lru_cache(maxsize=1)
def socket_filter_available() -> bool:
    """Whether the filter installs and refuses ``socket(AF_INET)`` here (probed once, in a child)."""
    try:
        prepare_socket_filter()
        probe = subprocess.run(
            [sys.executable, "-I", "-S", "-c", PROBE],
            capture_output=True,
            timeout=10,
            preexec_fn=install_socket_filter,  # the filter must be the child's
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0
