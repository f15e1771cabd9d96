/*
 * seccomp_eval.h: what a classic-BPF seccomp program answers for one
 * system call, computed in user space (seccomp_eval.c).
 *
 * privd uses it to prove, at configuration load, that a service's filter
 * allows every call its own spawn path makes after the filter is in force
 * (privd/spawn_prefilter.c); the answer must therefore never be a guess:
 * a program that would read anything the caller did not supply, or that
 * is not a valid seccomp program, gives "cannot tell".
 */
#ifndef HINETD_SECCOMP_EVAL_H
#define HINETD_SECCOMP_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

/*
 * Run prog on *sd as the kernel would.  Only sd->nr, sd->arch and the
 * arguments whose bit is set in known_args (bit i: args[i]) may be read;
 * reading the instruction pointer or another argument ends the run.
 * Returns 0 and the program's return value in *ret, or -1: cannot tell
 * (an unknown field read, an invalid or unsupported instruction, a jump
 * or load out of range, no return).
 */
int seccomp_eval(const struct sock_fprog *prog, const struct seccomp_data *sd,
    unsigned known_args, uint32_t *ret);

/*
 * 1 if prog allows the call (SECCOMP_RET_ALLOW, nothing else), 0 if it
 * does not or cannot tell.
 */
int seccomp_eval_allows(const struct sock_fprog *prog,
    const struct seccomp_data *sd, unsigned known_args);

/*
 * seccomp_eval_allows for call nr of the native architecture, with
 * args[argi] = arg known (argi < 0: no argument known).  0 on an
 * architecture this file does not know.
 */
int seccomp_eval_allows_native(const struct sock_fprog *prog, long nr,
    int argi, uint64_t arg);

#endif
