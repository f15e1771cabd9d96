/*
 * exit0.c: a service that makes exactly one system call, exit_group(0),
 * and no other: no loader, no libc start-up.  The prefilter drift test
 * (test_sandbox.py) denies, in turn, each call privd's child makes before
 * its execve; a service that made one of those calls itself would die of
 * its own doing and hide what the test looks for.
 */
#if defined(__x86_64__)
__attribute__((noreturn)) void
_start(void)
{
	__asm__ volatile("mov $231, %%eax\n\txor %%edi, %%edi\n\tsyscall"
	    ::: "rax", "rdi", "rcx", "r11", "memory");
	for (;;)
		;
}
#elif defined(__aarch64__)
__attribute__((noreturn)) void
_start(void)
{
	__asm__ volatile("mov x8, #94\n\tmov x0, #0\n\tsvc #0"
	    ::: "x0", "x8", "memory");
	for (;;)
		;
}
#else
#error "exit0.c: no exit_group for this architecture"
#endif
