/*
 * seccomp_eval.c: a user-space run of a classic-BPF seccomp program for
 * one system call (see seccomp_eval.h).
 *
 * The instruction set is the one the kernel accepts for seccomp
 * (seccomp_check_filter): loads of 32-bit words of struct seccomp_data
 * at aligned offsets, of the data's length, of immediates and of the 16
 * scratch words; stores to those; ALU on A with K or X; forward jumps;
 * A <-> X; return K or A.  Anything else is "cannot tell", never a guess.
 * Jumps only go forward, so a run takes at most prog->len steps.
 */
#include "policy/seccomp_eval.h"

#include <linux/audit.h>
#include <stddef.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#define SD_SIZE         ((uint32_t)sizeof(struct seccomp_data))
#define SD_ARGS         ((uint32_t)offsetof(struct seccomp_data, args))

/* The word at offset k of sd, if the caller supplied it; -1 otherwise. */
static int
load_word(const struct seccomp_data *sd, unsigned known_args, uint32_t k,
    uint32_t *out)
{
	if (k % 4 != 0 || k >= SD_SIZE)
		return -1;
	if (k == offsetof(struct seccomp_data, nr)) {
		*out = (uint32_t)sd->nr;
		return 0;
	}
	if (k == offsetof(struct seccomp_data, arch)) {
		*out = sd->arch;
		return 0;
	}
	if (k < SD_ARGS)
		return -1;              /* the instruction pointer */
	{
		uint32_t i = (k - SD_ARGS) / 8, hi = (k - SD_ARGS) % 8 != 0;
		uint64_t v;

		if (!(known_args & (1u << i)))
			return -1;
		v = sd->args[i];
		/* Words are in the machine's order, as the kernel lays them out. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*out = hi ? (uint32_t)(v >> 32) : (uint32_t)v;
#else
		*out = hi ? (uint32_t)v : (uint32_t)(v >> 32);
#endif
	}
	return 0;
}

static int
alu(uint16_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (v == 0) return -1; *a /= v; break;
	case BPF_MOD: if (v == 0) return -1; *a %= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_OR:  *a |= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: if (v >= 32) return -1; *a <<= v; break;
	case BPF_RSH: if (v >= 32) return -1; *a >>= v; break;
	case BPF_NEG: *a = -*a; break;
	default: return -1;
	}
	return 0;
}

int
seccomp_eval(const struct sock_fprog *prog, const struct seccomp_data *sd,
    unsigned known_args, uint32_t *ret)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	unsigned mem_set = 0;           /* scratch words written so far */
	uint32_t n;

	if (prog == NULL || prog->filter == NULL || prog->len == 0 ||
	    prog->len > BPF_MAXINSNS)
		return -1;
	n = prog->len;
	for (uint32_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog->filter[pc];
		uint32_t k = f->k, v, skip;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (load_word(sd, known_args, k, &a) == -1)
				return -1;
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			a = SD_SIZE;
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			x = SD_SIZE;
			break;
		case BPF_LD | BPF_IMM:
			a = k;
			break;
		case BPF_LDX | BPF_IMM:
			x = k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (k >= BPF_MEMWORDS || !(mem_set & (1u << k)))
				return -1;
			if (BPF_CLASS(f->code) == BPF_LD)
				a = mem[k];
			else
				x = mem[k];
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS)
				return -1;
			mem[k] = f->code == BPF_ST ? a : x;
			mem_set |= 1u << k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_RET | BPF_K:
			*ret = k;
			return 0;
		case BPF_RET | BPF_A:
			*ret = a;
			return 0;
		case BPF_JMP | BPF_JA:
			if (k >= n - pc - 1)
				return -1;
			pc += k;
			break;
		default:
			if (BPF_CLASS(f->code) == BPF_ALU) {
				if (BPF_OP(f->code) == BPF_NEG)
					v = 0;
				else if (BPF_SRC(f->code) == BPF_X)
					v = x;
				else
					v = k;
				if (alu(BPF_OP(f->code), &a, v) == -1)
					return -1;
				break;
			}
			if (BPF_CLASS(f->code) != BPF_JMP)
				return -1;
			v = BPF_SRC(f->code) == BPF_X ? x : k;
			switch (BPF_OP(f->code)) {
			case BPF_JEQ: skip = a == v ? f->jt : f->jf; break;
			case BPF_JGT: skip = a > v ? f->jt : f->jf; break;
			case BPF_JGE: skip = a >= v ? f->jt : f->jf; break;
			case BPF_JSET: skip = (a & v) ? f->jt : f->jf; break;
			default: return -1;
			}
			if (f->jt >= n - pc - 1 || f->jf >= n - pc - 1)
				return -1;
			pc += skip;
			break;
		}
	}
	return -1;                      /* ran off the end: invalid */
}

int
seccomp_eval_allows(const struct sock_fprog *prog,
    const struct seccomp_data *sd, unsigned known_args)
{
	uint32_t ret;

	if (seccomp_eval(prog, sd, known_args, &ret) == -1)
		return 0;
	return (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
}

int
seccomp_eval_allows_native(const struct sock_fprog *prog, long nr, int argi,
    uint64_t arg)
{
#ifdef NATIVE_ARCH
	struct seccomp_data sd = { .nr = (int)nr, .arch = NATIVE_ARCH };

	if (argi >= 6)
		return 0;
	if (argi >= 0)
		sd.args[argi] = arg;
	return seccomp_eval_allows(prog, &sd, argi >= 0 ? 1u << argi : 0u);
#else
	(void)prog, (void)nr, (void)argi, (void)arg;
	return 0;
#endif
}
