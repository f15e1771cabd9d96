/*
 * rawsys.h: system calls without libc, for the spawn child.
 *
 * The child shares privd's memory (and privd's thread pointer) until it
 * execs, while privd runs on: it must not write errno or any other libc
 * state.  raw_syscall() returns the kernel's answer unchanged: a negative
 * errno on failure.  Only the architectures below have it; elsewhere
 * RAWSYS_NATIVE is 0 and spawn.c clones fork-like (no shared memory), so
 * libc's syscall() is safe there.
 */
#ifndef HINETD_RAWSYS_H
#define HINETD_RAWSYS_H

#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define RAWSYS_NATIVE 1
static inline long
raw_syscall(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long ret;

	__asm__ volatile ("syscall"
	    : "=a"(ret)
	    : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
	    : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
#define RAWSYS_NATIVE 1
static inline long
raw_syscall(long nr, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;

	__asm__ volatile ("svc 0"
	    : "+r"(x0)
	    : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
	    : "memory");
	return x0;
}
#else
#define RAWSYS_NATIVE 0
static inline long
raw_syscall(long nr, long a, long b, long c, long d, long e)
{
	long ret = syscall(nr, a, b, c, d, e);
	return ret == -1 ? -errno : ret;
}
#endif

#endif
